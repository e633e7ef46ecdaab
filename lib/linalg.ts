/** torch.linalg: SVD (sync and on a worker thread), singular values, norms — on the input's device. */
import { native, TensorHandle } from './native';
import { lazyOp } from './ops';
import { namedResult, withFallback } from './oplayer/dispatch';
import * as G from './generated/linalg';
import { asTensor, Tensor, wrap } from './tensor';

const O = {
  svd: lazyOp('aten::linalg_svd'), svdvals: lazyOp('aten::linalg_svdvals'),
  vectorNorm: lazyOp('aten::linalg_vector_norm'), matrixNorm: lazyOp('aten::linalg_matrix_norm'),
  matrixNormStr: lazyOp('aten::linalg_matrix_norm', 'str_ord'),
};

/** `{ U, S, Vh }`, also iterable: `const [U, S, Vh] = linalg.svd(A)`. */
export interface SVDResult extends Iterable<Tensor> {
  U: Tensor;
  S: Tensor;
  Vh: Tensor;
}

function svdArgs(A: Tensor, opts: { fullMatrices?: boolean }): [TensorHandle, boolean] {
  const a = asTensor(A, 'svd(A)').handle;
  if (opts === null || typeof opts !== 'object') throw new TypeError('svd(A, opts): opts must be an object');
  const full = opts.fullMatrices ?? false;
  if (typeof full !== 'boolean') throw new TypeError('svd(A, {fullMatrices}): fullMatrices must be a boolean');
  return [a, full];
}

/** A = U · diag(S) · Vh, as torch.linalg.svd (fullMatrices defaults to false here, per the API). */
export function svd(A: Tensor, opts: { fullMatrices?: boolean } = {}): SVDResult {
  const [a, full] = svdArgs(A, opts);
  const [U, S, Vh] = native.callOp(O.svd(), a, full) as TensorHandle[];
  return namedResult(['U', 'S', 'Vh'], [wrap(U), wrap(S), wrap(Vh)]) as unknown as SVDResult;
}

/** svd on a libuv worker thread: the event loop keeps running while LAPACK/cuSOLVER works. */
export async function svdAsync(A: Tensor, opts: { fullMatrices?: boolean } = {}): Promise<SVDResult> {
  const [a, full] = svdArgs(A, opts);
  const [U, S, Vh] = (await native.callOpAsync(O.svd(), a, full)) as TensorHandle[];
  return namedResult(['U', 'S', 'Vh'], [wrap(U), wrap(S), wrap(Vh)]) as unknown as SVDResult;
}

function svdvalsImpl(A: Tensor): Tensor {
  return wrap(native.callOp(O.svdvals(), asTensor(A, 'svdvals(A)').handle));
}

/**
 * torch.linalg.norm: with `ord` a number or undefined and `dim` an int (or absent with 1-D
 * input) the vector norm; 'fro' | 'nuc' or a 2-tuple `dim` the matrix norm; absent both, the
 * 2-norm of the flattened input.
 */
function normImpl(A: Tensor, ord?: number | 'fro' | 'nuc' | null, dim?: number | number[] | null, keepdim = false): Tensor {
  const a = asTensor(A, 'norm(A)');
  if (typeof keepdim !== 'boolean') throw new TypeError('norm: keepdim must be a boolean');
  if (dim !== undefined && !(Number.isInteger(dim) || (Array.isArray(dim) && dim.every(Number.isInteger))))
    throw new TypeError('norm: dim must be an integer or a pair of integers');
  if (typeof ord === 'string') {
    if (ord !== 'fro' && ord !== 'nuc') throw new TypeError("norm: ord must be a number, 'fro' or 'nuc'");
    return wrap(native.callOp(O.matrixNormStr(), a.handle, ord, dim ?? [-2, -1], keepdim));
  }
  if (ord !== undefined && typeof ord !== 'number') throw new TypeError('norm: ord must be a number');
  const matrixDims = Array.isArray(dim) && dim.length === 2 ? dim : dim === undefined && ord !== undefined && a.ndim === 2 ? [-2, -1] : undefined;
  if (matrixDims) return wrap(native.callOp(O.matrixNorm(), a.handle, ord ?? 'fro', matrixDims, keepdim));
  const dims = dim === undefined ? null : Array.isArray(dim) ? dim : [dim];
  return wrap(native.callOp(O.vectorNorm(), a.handle, ord ?? 2, dims, keepdim));
}

/** PyTorch's other call forms (`linalg.norm(A, { dim: 1 })`, `{ ord, keepdim, dtype }`) reach the generated op when these reject them. */
export const svdvals = withFallback(svdvalsImpl as (...a: unknown[]) => unknown, G.svdvals as (...a: unknown[]) => unknown) as unknown as typeof svdvalsImpl & typeof G.svdvals;
export const norm = withFallback(normImpl as (...a: unknown[]) => unknown, G.norm as (...a: unknown[]) => unknown) as unknown as typeof normImpl & typeof G.norm;

// The generated torch.linalg ops not hand-written above (lib/generated, `npm run gen:ops`).
export * from './generated/linalg-exports';
