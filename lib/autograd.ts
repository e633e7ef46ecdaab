/** Grad mode (thread-local in LibTorch, so per worker_thread here) and torch.autograd.grad. */
import { native, TensorHandle } from './native';
import { asTensor, Tensor, wrap } from './tensor';

function withGradMode<T>(enabled: boolean, fn: () => T): T {
  if (typeof fn !== 'function') throw new TypeError('expected a function');
  const previous = native.setGradEnabled(enabled);
  try {
    const result = fn();
    if (result && typeof (result as { then?: unknown }).then === 'function')
      throw new TypeError('noGrad/enableGrad take a synchronous function (it returned a Promise)');
    return result;
  } finally {
    native.setGradEnabled(previous);
  }
}

/** Runs `fn` with gradient recording off, as `with torch.no_grad():`. */
export function noGrad<T>(fn: () => T): T {
  return withGradMode(false, fn);
}

/** Runs `fn` with gradient recording on, as `with torch.enable_grad():`. */
export function enableGrad<T>(fn: () => T): T {
  return withGradMode(true, fn);
}

export function isGradEnabled(): boolean {
  return native.isGradEnabled();
}

export function setGradEnabled(flag: boolean): void {
  if (typeof flag !== 'boolean') throw new TypeError('setGradEnabled(flag): flag must be a boolean');
  native.setGradEnabled(flag);
}

export interface GradOptions {
  gradOutputs?: (Tensor | null)[] | Tensor;
  retainGraph?: boolean;
  createGraph?: boolean;
  allowUnused?: boolean;
}

function list(v: Tensor | Tensor[], what: string): TensorHandle[] {
  const arr = Array.isArray(v) ? v : [v];
  return arr.map((t, i) => asTensor(t, `${what}[${i}]`).handle);
}

/** torch.autograd.grad: gradients of `outputs` w.r.t. `inputs` (null where unused and allowUnused). */
export function grad(outputs: Tensor | Tensor[], inputs: Tensor | Tensor[], opts: GradOptions = {}): (Tensor | null)[] {
  const go = opts.gradOutputs === undefined ? null
    : (Array.isArray(opts.gradOutputs) ? opts.gradOutputs : [opts.gradOutputs]).map((g) => (g === null ? null : asTensor(g, 'gradOutputs').handle));
  const r = native.autogradGrad(list(outputs, 'outputs'), list(inputs, 'inputs'), go, opts.retainGraph, opts.createGraph ?? false, opts.allowUnused ?? false);
  return r.map((h) => (h === null ? null : wrap(h)));
}

export function backward(tensors: Tensor | Tensor[], grads?: (Tensor | null)[] | Tensor | null, opts: { retainGraph?: boolean; createGraph?: boolean } = {}): void {
  const ts = Array.isArray(tensors) ? tensors : [tensors];
  const gs = grads === undefined || grads === null ? ts.map(() => null) : Array.isArray(grads) ? grads : [grads];
  ts.forEach((t, i) => asTensor(t, 'tensors').backward(gs[i] ?? null, { retainGraph: i < ts.length - 1 ? true : opts.retainGraph, createGraph: opts.createGraph }));
}
