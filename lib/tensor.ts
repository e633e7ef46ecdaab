/**
 * The Tensor facade: a JS object owning one native handle. Every method validates its JS
 * arguments, then calls one ATen operator through the dispatcher (see ops.ts), so autograd,
 * broadcasting and devices behave exactly as in PyTorch.
 */
import { checkDevice, Device } from './device';
import { DType, dtypeCode, dtypeName, isComplexDType, isDType, typedArrayFor, TypedArray } from './dtype';
import { TorchError } from './errors';
import { disposeWhenCollected, forgetCollectable, Scope, SCOPE, track } from './memory';
import { native, TensorHandle } from './native';
import { Entry } from './oplayer/dispatch';
import { stft, StftArgs } from './spectral';
import { TENSOR_METHODS } from './generated/tensor-table';
import { isPlainObject, bool as checkBool, int as checkInt, ints as checkInts, isScalar, optDims, optScalar, options, shapeArgs } from './validate';

export { shapeArgs };

export type Scalar = number | boolean;
export type Operand = Tensor | Scalar;
export type NestedArray = number | boolean | bigint | NestedArray[];

/**
 * The generated ops the few hand-written methods below hand their calls to (every other op
 * method is generated: lib/generated/tensor-methods.ts installs it on Tensor.prototype).
 */
// Made on first use, not at load: dispatch.ts imports this module, so while an entry point that
// reaches dispatch.ts first is loading, Entry is not defined yet.
function makeEntries() {
  return {
    to: new Entry({ ...TENSOR_METHODS.to, method: true }),
    add: new Entry({ ...TENSOR_METHODS.add, method: true }), sub: new Entry({ ...TENSOR_METHODS.sub, method: true }),
    add_: new Entry({ ...TENSOR_METHODS.add_, method: true }), sub_: new Entry({ ...TENSOR_METHODS.sub_, method: true }),
    permute: new Entry({ ...TENSOR_METHODS.permute, method: true }), t: new Entry({ ...TENSOR_METHODS.t, method: true }),
    norm: new Entry({ ...TENSOR_METHODS.norm, method: true }),
    slice: new Entry({ name: 'Tensor.slice', ops: ['slice.Tensor'], method: true }),
    // Python properties, each one ATen op
    mT: new Entry({ name: 'Tensor.mT', ops: ['mT'], method: true }),
    mH: new Entry({ name: 'Tensor.mH', ops: ['mH'], method: true }),
    H: new Entry({ name: 'Tensor.H', ops: ['matrix_H'], method: true }),
    vectorNorm: new Entry({ name: 'Tensor.norm', ops: ['linalg_vector_norm'] }),
    matrixNorm: new Entry({ name: 'Tensor.norm', ops: ['linalg_matrix_norm.str_ord'] }),
  };
}
let entries: ReturnType<typeof makeEntries> | undefined;
function E(): ReturnType<typeof makeEntries> {
  return (entries ??= makeEntries());
}

/** `alpha` of add/sub: PyTorch's keyword `{ alpha }`, or (as svf-torch always took it) a number. */
export type AlphaOption = number | { alpha?: Scalar };

/**
 * add/sub through the generated op; a plain-number alpha (svf-torch's `x.add(y, 2)`) becomes
 * PyTorch's keyword `{ alpha: 2 }`. Separate arguments, not `...args`: the per-op path allocates nothing.
 */
function alphaCall(e: Entry, self: Tensor, a0: unknown, a1: unknown, a2: unknown): unknown {
  if (typeof a1 === 'number') return e.call4(self, 3, a0, { alpha: a1 }, a2);
  // the count of arguments given, so that `x.add(y)` takes call4's one-argument path at once
  return e.call4(self, a2 !== undefined ? 3 : a1 !== undefined ? 2 : 1, a0, a1, a2);
}

/** Module-private: only wrap() can say that a handle came straight from the addon. */
const FROM_NATIVE: unique symbol = Symbol('svf-torch handle from the addon');

export interface StdVarOptions {
  unbiased?: boolean;
  keepdim?: boolean;
  /** Bessel's correction as PyTorch ≥ 1.10: 0 = biased, 1 = unbiased. */
  correction?: number | null;
}

export class Tensor implements Disposable {
  private _h: TensorHandle | null;
  /** The GC backstop's batch this tensor joined (lib/memory.ts), 0 while not: once is enough. */
  private _collectable = 0;
  /** The tidy scope that owns this tensor, or null (lib/memory.ts). */
  [SCOPE]: Scope | null = null;

  /**
   * Wraps a native handle; library-internal (users create tensors with torch.tensor & co).
   * wrap() passes FROM_NATIVE for handles the addon just returned, which skips the check (a
   * native call) on the path every op result takes.
   */
  constructor(handle: TensorHandle, origin?: typeof FROM_NATIVE) {
    if (origin === FROM_NATIVE ? handle == null : !native.isHandle(handle)) throw new TypeError('Tensor: expected a native tensor handle');
    this._h = handle;
    if (!track(this)) this.collectable(handle);
  }

  private collectable(h: TensorHandle): void {
    if (this._collectable !== 0) return;
    this._collectable = disposeWhenCollected(this, h);
  }

  /** The native handle; throws once disposed. */
  get handle(): TensorHandle {
    if (this._h === null) throw new TorchError('this tensor was disposed and cannot be used');
    return this._h;
  }

  // ---- memory ------------------------------------------------------------------------------
  dispose(): void {
    if (this._h !== null) {
      forgetCollectable(this, this._collectable);
      native.dispose(this._h);
      this._h = null;
    }
  }
  [Symbol.dispose](): void {
    this.dispose();
  }
  /** Left every tidy scope: the addon reports its bytes to V8 now (see lib/memory.ts). */
  escaped(): void {
    if (this._h === null) return;
    native.reportExternal(this._h);
    this.collectable(this._h);
  }
  get isDisposed(): boolean {
    return this._h === null;
  }

  // ---- properties ----------------------------------------------------------------------------
  get shape(): number[] { return native.shape(this.handle); }
  get dtype(): DType { return dtypeName(native.dtype(this.handle)); }
  get device(): Device { return native.device(this.handle) as Device; }
  get ndim(): number { return native.ndim(this.handle); }
  dim(): number { return this.ndim; }
  size(dim?: number): number | number[] {
    const s = this.shape;
    if (dim === undefined) return s;
    checkInt(dim, 'dim');
    const d = dim < 0 ? dim + s.length : dim;
    if (d < 0 || d >= s.length) throw new RangeError(`dim ${dim} out of range for a ${s.length}-d tensor`);
    return s[d];
  }
  numel(): number { return native.numel(this.handle); }
  stride(): number[] { return native.strides(this.handle); }
  isContiguous(): boolean { return native.isContiguous(this.handle); }
  get isCuda(): boolean { return this.device.startsWith('cuda'); }

  // ---- autograd ------------------------------------------------------------------------------
  get requiresGrad(): boolean { return native.requiresGrad(this.handle); }
  set requiresGrad(flag: boolean) { this.requiresGrad_(flag); }
  requiresGrad_(flag = true): this {
    if (typeof flag !== 'boolean') throw new TypeError('requiresGrad_(flag): flag must be a boolean');
    native.setRequiresGrad(this.handle, flag);
    return this;
  }
  /** The accumulated gradient (a new handle to the same tensor each read), or null. */
  get grad(): Tensor | null {
    const g = native.grad(this.handle);
    return g === null ? null : wrap(g);
  }
  set grad(g: Tensor | null) {
    if (g !== null && !(g instanceof Tensor)) throw new TypeError('grad must be a Tensor or null');
    native.setGrad(this.handle, g === null ? null : g.handle);
  }
  get isLeaf(): boolean { return native.isLeaf(this.handle); }
  get gradFn(): string | null { return native.gradFnName(this.handle); }
  retainGrad(): this { native.retainGrad(this.handle); return this; }
  backward(gradient?: Tensor | null, opts: { retainGraph?: boolean; createGraph?: boolean } = {}): void {
    if (gradient != null && !(gradient instanceof Tensor)) throw new TypeError('backward(gradient): gradient must be a Tensor');
    const o = options(opts, 'backward', ['retainGraph', 'createGraph']);
    native.backward(this.handle, gradient ? gradient.handle : null, o.retainGraph, o.createGraph ?? false);
  }

  // ---- data out ------------------------------------------------------------------------------
  /** A copy of the elements (from any device) as the dtype's typed array; float16/bfloat16 widen to Float32Array. */
  data(): TypedArray {
    const dtype = this.dtype;
    if (dtype === 'float16' || dtype === 'bfloat16') {
      const f = this.to('float32');
      try { return f.data(); } finally { f.dispose(); }
    }
    return typedArrayFor(dtype, native.toBuffer(this.handle));
  }
  dataSync(): TypedArray { return this.data(); }
  /** Nested JS arrays (int64 as bigint, bool as boolean, a complex element as its [real, imaginary] pair). */
  toArray(): NestedArray {
    const flat = this.data();
    const dtype = this.dtype;
    const complex = isComplexDType(dtype);
    const get = (i: number): NestedArray =>
      complex ? [flat[2 * i] as number, flat[2 * i + 1] as number] : dtype === 'bool' ? flat[i] !== 0 : (flat[i] as number | bigint);
    const shape = this.shape;
    if (shape.length === 0) return get(0);
    let index = 0;
    const build = (d: number): NestedArray[] => {
      const out: NestedArray[] = [];
      for (let i = 0; i < shape[d]; i++) out.push(d === shape.length - 1 ? get(index++) : build(d + 1));
      return out;
    };
    return build(0);
  }
  item(): number | boolean {
    if (isComplexDType(this.dtype)) throw new TypeError('item(): a complex value is no JS number; read torch.viewAsReal(t) (or toArray(): [real, imaginary])');
    return native.item(this.handle);
  }
  toString(): string { return native.toString(this.handle); }
  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return this.isDisposed ? 'Tensor <disposed>' : `Tensor(${JSON.stringify(this.shape)}, ${this.dtype}, ${this.device})\n${this.toString()}`;
  }

  // ---- movement ------------------------------------------------------------------------------
  /**
   * Hand-written because Python's Tensor.to parses one positional argument as a device or a dtype
   * (and svf-torch also takes `{ device, dtype }`); the call itself is the generated aten::to.
   */
  to(target: Device | DType | { device?: Device; dtype?: DType }, opts: { copy?: boolean; nonBlocking?: boolean } = {}): Tensor {
    let device: Device | undefined;
    let dtype: DType | undefined;
    if (typeof target === 'string') {
      if (isDType(target)) dtype = target;
      else device = checkDevice(target, 'to(target)');
    } else if (target && typeof target === 'object') {
      const t = options(target, 'to', ['device', 'dtype']);
      if (t.device !== undefined) device = checkDevice(t.device, 'to({device})');
      if (t.dtype !== undefined) dtype = t.dtype;
    } else {
      throw new TypeError("to(target): target must be a device, a dtype or { device, dtype }");
    }
    const o = options(opts, 'to', ['copy', 'nonBlocking']);
    return E().to.call(this, [{ device, dtype, nonBlocking: o.nonBlocking ?? false, copy: o.copy ?? false }]) as Tensor;
  }
  cpu(): Tensor { return this.to('cpu'); }
  cuda(device: number | Device = 'cuda'): Tensor {
    return this.to(typeof device === 'number' ? (`cuda:${checkInt(device, 'device')}` as Device) : device);
  }
  float(): Tensor { return this.to('float32'); }
  double(): Tensor { return this.to('float64'); }
  half(): Tensor { return this.to('float16'); }
  long(): Tensor { return this.to('int64'); }
  int(): Tensor { return this.to('int32'); }
  bool(): Tensor { return this.to('bool'); }
  /** Python's `Tensor.T` property (all dimensions reversed). */
  get T(): Tensor { return (this.ndim <= 2 ? E().t.call(this, []) : E().permute.call(this, [[...Array(this.ndim).keys()].reverse()])) as Tensor; }
  /** Python's `Tensor.mT`: the last two dimensions transposed (a view; at least 2-D). */
  get mT(): Tensor { return E().mT.call(this, []) as Tensor; }
  /** Python's `Tensor.mH`: the conjugate transpose of the last two dimensions (mT for real tensors). */
  get mH(): Tensor { return E().mH.call(this, []) as Tensor; }
  /** Python's `Tensor.H`: the conjugate transpose of a matrix (2-D only). */
  get H(): Tensor { return E().H.call(this, []) as Tensor; }

  /**
   * Hand-written because Python's Tensor.norm (torch.functional.norm) takes the orders 'fro' (the
   * 2-norm of the entries) and 'nuc' (the nuclear norm of matrices) that aten::norm does not.
   */
  norm(p?: number | 'fro' | 'nuc' | null, dim?: number | number[] | null, keepdim?: boolean, ...rest: unknown[]): Tensor;
  norm(...args: unknown[]): Tensor;
  norm(p?: unknown, dim?: unknown, keepdim?: unknown, ...rest: unknown[]): Tensor {
    if (p === 'fro') return E().vectorNorm.call(undefined, [this, 2, dim ?? null, keepdim ?? false, ...rest]) as Tensor;
    if (p === 'nuc') return E().matrixNorm.call(undefined, [this, 'nuc', dim ?? [-2, -1], keepdim ?? false, ...rest]) as Tensor;
    const args = [p, dim, keepdim, ...rest];
    while (args.length && args[args.length - 1] === undefined) args.pop();
    return E().norm.call(this, args) as Tensor;
  }

  /** Hand-written for Python's centre padding before aten::stft (lib/spectral.ts, shared with torch.stft). */
  stft(...args: StftArgs): Tensor { return stft(this, ...args); }

  /** aten::slice as a method (Python spells it `x[start:end:step]` on dim 0, and has no method). */
  slice(dim?: number, start?: number | null, end?: number | null, step?: number): Tensor {
    return E().slice.call(this, [dim, start, end, step]) as Tensor;
  }

  // ---- add/sub: also with a plain-number alpha ------------------------------------------------
  // Hand-written only for svf-torch's `x.add(y, 2)` (PyTorch's alpha is keyword-only: `{ alpha: 2 }`);
  // everything else goes to the generated op as it is.
  add(other: Operand, alpha?: AlphaOption): Tensor;
  add(...args: unknown[]): Tensor;
  add(a0?: unknown, a1?: unknown, a2?: unknown): Tensor { return alphaCall(E().add, this, a0, a1, a2) as Tensor; }
  sub(other: Operand, alpha?: AlphaOption): Tensor;
  sub(...args: unknown[]): Tensor;
  sub(a0?: unknown, a1?: unknown, a2?: unknown): Tensor { return alphaCall(E().sub, this, a0, a1, a2) as Tensor; }
  add_(other: Operand, alpha?: AlphaOption): this;
  add_(...args: unknown[]): this;
  add_(a0?: unknown, a1?: unknown, a2?: unknown): this { return alphaCall(E().add_, this, a0, a1, a2) as this; }
  sub_(other: Operand, alpha?: AlphaOption): this;
  sub_(...args: unknown[]): this;
  sub_(a0?: unknown, a1?: unknown, a2?: unknown): this { return alphaCall(E().sub_, this, a0, a1, a2) as this; }
}

// ---- helpers shared by the methods above and by functions.ts -----------------------------------

/** A handle the addon returned (an op result): wrapped without asking the addon again. */
export function wrap(h: TensorHandle): Tensor {
  return new Tensor(h, FROM_NATIVE);
}

export function asTensor(v: unknown, what: string): Tensor {
  if (!(v instanceof Tensor)) throw new TypeError(`${what} must be a Tensor`);
  return v;
}

// The generated op methods install themselves on Tensor.prototype. Imported here, last (Tensor
// is defined by now), so that every entry point has them, not only those that load lib/index.
import './generated/tensor-methods';
