/** torch.linalg: the generated ops, with svd's svf-torch default and svd on a worker thread. */
import { native, TensorHandle } from './native';
import { namedResult } from './oplayer/dispatch';
import { op } from './ops';
import * as G from './generated/linalg';
import { asTensor, Tensor, wrap } from './tensor';
import { isPlainObject } from './validate';

/** `{ U, S, Vh }`, also iterable: `const [U, S, Vh] = linalg.svd(A)`. */
export interface SVDResult extends Iterable<Tensor> {
  U: Tensor;
  S: Tensor;
  Vh: Tensor;
}

function fullMatrices(opts: { fullMatrices?: boolean }): boolean {
  if (opts === null || typeof opts !== 'object') throw new TypeError('svd(A, opts): opts must be an object');
  const full = opts.fullMatrices ?? false;
  if (typeof full !== 'boolean') throw new TypeError('svd(A, {fullMatrices}): fullMatrices must be a boolean');
  return full;
}

/**
 * A = U · diag(S) · Vh, as torch.linalg.svd. Hand-written only for the API's default
 * fullMatrices = false (PyTorch's is true); the generated op does the work.
 */
export function svd(A: Tensor, opts: { fullMatrices?: boolean } = {}): SVDResult {
  return G.svd(asTensor(A, 'svd(A)'), { fullMatrices: fullMatrices(opts) }) as unknown as SVDResult;
}

/** svd on a libuv worker thread (native.callOpAsync): the event loop keeps running while LAPACK/cuSOLVER works. */
export async function svdAsync(A: Tensor, opts: { fullMatrices?: boolean } = {}): Promise<SVDResult> {
  const a = asTensor(A, 'svd(A)').handle;
  const full = fullMatrices(opts);
  // the generated layer calls synchronously; the worker-thread call is the addon's own entry point
  const [U, S, Vh] = (await native.callOpAsync(op('aten::linalg_svd'), a, full)) as TensorHandle[];
  return namedResult(['U', 'S', 'Vh'], [wrap(U), wrap(S), wrap(Vh)]) as unknown as SVDResult;
}

/**
 * torch.linalg.norm, the generated op; hand-written only so that a string order other than
 * 'fro' / 'nuc' is a TypeError naming them before LibTorch (which says "Order … not supported").
 */
function normImpl(...args: unknown[]): Tensor {
  const ord = isPlainObject(args[1]) ? args[1].ord : args[1];
  if (typeof ord === 'string' && ord !== 'fro' && ord !== 'nuc') throw new TypeError("linalg.norm: ord must be a number, 'fro' or 'nuc'");
  return (G.norm as (...a: unknown[]) => Tensor)(...args);
}
export const norm = normImpl as typeof G.norm;

// Every other torch.linalg op is the generated one (lib/generated, `npm run gen:ops`).
export * from './generated/linalg-exports';
