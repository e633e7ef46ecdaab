/**
 * W = U·diag(S)·V for a conv/linear weight, group by group, in float64 on the weight's device.
 *
 * Layout (G = groups, K = in/G·kh·kw, r = rank per group):
 *   W (out, in/G, kh, kw) → G blocks W_g (out/G × K) = U_g · diag(S_g) · V_g
 *   U: (out, r)      rows g·out/G… are U_g   → conv_U.weight (out, r, 1, 1), groups G
 *   S: (G·r)         S_0 ‖ S_1 ‖ …            → vector_S (1, G·r, 1, 1)
 *   V: (G·r, K)      rows g·r… are V_g        → conv_V.weight (G·r, in/G, kh, kw), groups G
 * so conv_V's output channel block g only sees input group g, and conv_U's output group g
 * only reads conv_V's block g: the grouped layer is reproduced exactly.
 */
import { native, TensorHandle } from '../native';
import { lazyOp } from '../ops';
import { eigh, svd } from '../generated/linalg';
import { noGrad } from '../autograd';
import { Tensor, wrap } from '../tensor';
import { tidy } from '../memory';
import { DecompositionMethod } from './types';
import { arange } from '../creation';
import { Device } from '../device';

// the synchronous paths call the generated ops; factorizeAsync runs the same ATen ops on a
// libuv worker thread through callOpAsync (the generated layer is synchronous)
const SVD = lazyOp('aten::linalg_svd');
const EIGH = lazyOp('aten::linalg_eigh');

export interface Factors {
  /** (out, r) in the weight's dtype. */
  U: Tensor;
  /** (G·r) in the weight's dtype. */
  S: Tensor;
  /** (G·r, K) in the weight's dtype. */
  V: Tensor;
}

/** The blocks W_g as one (G, out/G, K) float64 tensor. */
export function groupedMatrix(weight: Tensor, groups: number): Tensor {
  const out = weight.shape[0];
  return tidy(() => weight.detach().to('float64').reshape([groups, out / groups, -1]).contiguous());
}

/** Truncates batched factors (G, m, p), (G, p), (G, p, K) to rank r and lays them out as above. */
function layout(U: Tensor, S: Tensor, Vh: Tensor, rank: number, dtype: Tensor['dtype']): Factors {
  return tidy(() => {
    const [G, m] = U.shape;
    const K = Vh.shape[2];
    const u = U.narrow(2, 0, rank).reshape([G * m, rank]).to(dtype).contiguous();
    const s = S.narrow(1, 0, rank).reshape([G * rank]).to(dtype).contiguous();
    const v = Vh.narrow(1, 0, rank).reshape([G * rank, K]).to(dtype).contiguous();
    return { U: u, S: s, V: v };
  });
}

/** Synchronous factorization (LAPACK gesdd, or eigh of the smaller Gram matrix). */
/** The one default factorization: the Gram eigendecomposition (see gramFactors). */
export const DEFAULT_METHOD: DecompositionMethod = 'gram';

export function factorize(weight: Tensor, groups: number, rank: number, method: DecompositionMethod = DEFAULT_METHOD): Factors {
  return noGrad(() => tidy(() => {
    const A = groupedMatrix(weight, groups);
    if (method === 'gram') return gramFactors(A, rank, weight.dtype);
    const { U, S, Vh } = svd(A, false);
    return layout(U, S, Vh, rank, weight.dtype);
  }));
}

/** factorize with the decomposition (SVD or eigh) on a libuv worker thread, off the JS thread. */
export async function factorizeAsync(weight: Tensor, groups: number, rank: number, method: DecompositionMethod = DEFAULT_METHOD): Promise<Factors> {
  // tidy: the reshapes and transposes on the way are handles too, disposed here
  const A = noGrad(() => tidy(() => groupedMatrix(weight, groups)));
  try {
    if (method === 'gram') {
      const gram = noGrad(() => tidy(() => gramOf(A)));
      const out = (await native.callOpAsync(EIGH(), gram.handle, 'L').finally(() => gram.dispose())) as TensorHandle[];
      const [evals, evecs] = out.map(wrap);
      try {
        return noGrad(() => tidy(() => fromEigh(A, evals, evecs, rank, weight.dtype)));
      } finally {
        evals.dispose(); evecs.dispose();
      }
    }
    const [U, S, Vh] = ((await native.callOpAsync(SVD(), A.handle, false)) as TensorHandle[]).map(wrap);
    try {
      return noGrad(() => layout(U, S, Vh, rank, weight.dtype));
    } finally {
      U.dispose(); S.dispose(); Vh.dispose();
    }
  } finally {
    A.dispose();
  }
}

/**
 * Eigendecomposition of the smaller Gram matrix: for m ≤ K, A·Aᵀ = U·S²·Uᵀ and V = S⁻¹·Uᵀ·A;
 * otherwise Aᵀ·A = Vᵀ·S²·V and U = A·Vᵀ·S⁻¹. The product U·diag(S)·V is then U·Uᵀ·A (or
 * A·Vᵀ·V) — W exactly, whatever the rounding of the small eigenvalues, because S cancels;
 * only the singular values below ≈1e-8·σ_max carry float64 Gram noise (and an exact 0 keeps
 * a zero vector).
 */
function gramFactors(A: Tensor, rank: number, dtype: Tensor['dtype']): Factors {
  const { eigenvalues, eigenvectors } = eigh(gramOf(A), 'L');
  return fromEigh(A, eigenvalues, eigenvectors, rank, dtype);
}

/** The smaller Gram matrix of the blocks: A·Aᵀ when out/G ≤ K, else Aᵀ·A. */
function gramOf(A: Tensor): Tensor {
  const [, m, K] = A.shape;
  return m <= K ? A.matmul(A.transpose(1, 2)) : A.transpose(1, 2).matmul(A);
}

function fromEigh(A: Tensor, evals: Tensor, evecs: Tensor, rank: number, dtype: Tensor['dtype']): Factors {
  const [, m, K] = A.shape;
  const wide = m <= K;
  // eigh sorts ascending: flip to the SVD's descending order
  const p = evals.shape[1];
  const idx = descending(p, evals.device);
  const Q = evecs.indexSelect(2, idx); // (G, side, p): singular vectors of the small side
  const S = evals.indexSelect(1, idx).clamp(0).sqrt();
  const inv = S.gt(0).to('float64').div(S.clamp(1e-300));
  let U: Tensor;
  let Vh: Tensor;
  if (wide) {
    U = Q;
    Vh = Q.transpose(1, 2).matmul(A).mul(inv.unsqueeze(2));
  } else {
    Vh = Q.transpose(1, 2);
    U = A.matmul(Q).mul(inv.unsqueeze(1));
  }
  return layout(U, S, Vh, rank, dtype);
}

function descending(n: number, device: Device): Tensor {
  return arange(n - 1, -1, -1, { dtype: 'int64', device });
}
