/** F.embedding and F.embedding_bag: lookups in a weight matrix (torch/nn/functional.py). */
import { noGrad } from '../../autograd';
import { tidy } from '../../memory';
import { atenOp } from '../../oplayer/dispatch';
import { Tensor } from '../../tensor';
import { oneOf, optTensor } from '../../validate';
import { bool, int, num, options, tensor } from '../args';

const EMBEDDING = atenOp('embedding');
const EMBEDDING_BAG = atenOp('embedding_bag.padding_idx');
const RENORM_ = atenOp('embedding_renorm_');
const ARANGE = atenOp('arange.start_step');

export interface EmbeddingOptions {
  paddingIdx?: number | null;
  maxNorm?: number | null;
  normType?: number;
  scaleGradByFreq?: boolean;
  sparse?: boolean;
}

/** PyTorch's _no_grad_embedding_renorm_: the looked-up rows of weight rescaled in place, outside autograd. */
function renormLookedUp(w: Tensor, ids: Tensor, maxNorm: unknown, normType: unknown): void {
  const max = num(maxNorm, 'maxNorm');
  const p = num(normType ?? 2, 'normType');
  noGrad(() => {
    const flat = ids.contiguous();
    try { RENORM_(w, flat, max, p); } finally { flat.dispose(); }
  });
}

/** Python's padding_idx rule (F.embedding, nn.Embedding, nn.EmbeddingBag): within ±num, a negative one counted from the end. */
export function paddingIndex(v: number | null | undefined, num: number): number | null {
  if (v === undefined || v === null) return null;
  const i = int(v, 'paddingIdx');
  if (i >= num || i < -num) throw new RangeError('Padding_idx must be within num_embeddings');
  return i < 0 ? i + num : i;
}

/** F.embedding(input indices, weight (num, dim), {paddingIdx, maxNorm, normType=2, scaleGradByFreq=false}). */
export function embedding(input: Tensor, weight: Tensor, opts: EmbeddingOptions = {}): Tensor {
  const o = options(opts, 'embedding', ['paddingIdx', 'maxNorm', 'normType', 'scaleGradByFreq', 'sparse']);
  const ids = tensor(input, 'input');
  const w = tensor(weight, 'weight');
  const paddingIdx = paddingIndex(o.paddingIdx, w.shape[0]) ?? -1;
  if (bool(o.sparse ?? false, 'sparse')) throw new TypeError('embedding: sparse gradients are not supported');
  if (o.maxNorm !== undefined && o.maxNorm !== null) renormLookedUp(w, ids, o.maxNorm, o.normType);
  return EMBEDDING(w, ids, paddingIdx, bool(o.scaleGradByFreq ?? false, 'scaleGradByFreq'), false);
}

export type EmbeddingBagMode = 'sum' | 'mean' | 'max';
const BAG_MODES: readonly EmbeddingBagMode[] = ['sum', 'mean', 'max'];

export interface EmbeddingBagOptions {
  offsets?: Tensor | null;
  maxNorm?: number | null;
  normType?: number;
  scaleGradByFreq?: boolean;
  mode?: EmbeddingBagMode;
  sparse?: boolean;
  perSampleWeights?: Tensor | null;
  includeLastOffset?: boolean;
  paddingIdx?: number | null;
}

const sameShape = (a: number[], b: number[]): boolean => a.length === b.length && a.every((d, i) => d === b[i]);

/**
 * F.embedding_bag(input, weight, {offsets, maxNorm, normType=2, scaleGradByFreq=false, mode='mean',
 * sparse=false, perSampleWeights, includeLastOffset=false, paddingIdx}): sums, means or maxima of
 * bags of rows. A 2-D input is a batch of equal bags (no offsets); a 1-D input is cut into bags at
 * `offsets`. Python's checks in Python's order (its ValueErrors: RangeError for a shape, TypeError
 * for an argument that cannot be combined).
 */
export function embeddingBag(input: Tensor, weight: Tensor, opts: EmbeddingBagOptions = {}): Tensor {
  const o = options(opts, 'embeddingBag', ['offsets', 'maxNorm', 'normType', 'scaleGradByFreq', 'mode', 'sparse', 'perSampleWeights', 'includeLastOffset', 'paddingIdx']);
  let ids = tensor(input, 'input');
  let w = tensor(weight, 'weight');
  let offsets = optTensor(o.offsets, 'offsets');
  let psw = optTensor(o.perSampleWeights, 'perSampleWeights');
  const scaleGradByFreq = bool(o.scaleGradByFreq ?? false, 'scaleGradByFreq');
  const sparse = bool(o.sparse ?? false, 'sparse');
  let includeLastOffset = bool(o.includeLastOffset ?? false, 'includeLastOffset');
  const paddingIdx = o.paddingIdx === undefined || o.paddingIdx === null ? null : int(o.paddingIdx, 'paddingIdx');
  if (w.dtype === 'int64' && ids.isFloatingPoint()) {
    process.emitWarning('Argument order of nn.functional.embedding_bag was changed. Usage `embedding_bag(weight, input, ...)` is deprecated, and should now be `embedding_bag(input, weight, ...)`.');
    [w, ids] = [ids, w];
  }
  if (psw && !sameShape(ids.shape, psw.shape))
    throw new RangeError(`embedding_bag: If per_sample_weights (${JSON.stringify(psw.shape)}) is not None, then it must have the same shape as the input (${JSON.stringify(ids.shape)})`);
  if (w.ndim !== 2) throw new RangeError(`weight has to be a 2D Tensor, but got Tensor of dimension ${w.ndim}`);
  if (ids.ndim === 2) {
    if (offsets) throw new TypeError('if input is 2D, then offsets has to be None, as input is treated is a mini-batch of fixed length sequences');
  } else if (ids.ndim === 1) {
    if (!offsets) throw new TypeError('offsets has to be a 1D Tensor but got None');
    if (offsets.ndim !== 1) throw new RangeError('offsets has to be a 1D Tensor');
  } else throw new RangeError(`input has to be 1D or 2D Tensor, but got Tensor of dimension ${ids.ndim}`);
  const mode = oneOf(o.mode ?? 'mean', 'mode', BAG_MODES);
  if (mode === 'max') {
    if (scaleGradByFreq) throw new TypeError('max mode does not support scaling the gradient by the frequency');
    if (sparse) throw new TypeError('max mode does not support sparse weights');
  }
  if (o.maxNorm !== undefined && o.maxNorm !== null) renormLookedUp(w, ids, o.maxNorm, o.normType);
  if (psw && mode !== 'sum')
    throw new TypeError(`embedding_bag: per_sample_weights was not None. per_sample_weights is only supported for mode='sum' (got mode='${mode}')`);
  if (sparse) throw new TypeError('embeddingBag: sparse gradients are not supported');
  return tidy(() => {
    if (ids.ndim === 2) {
      // one bag per row: offsets 0, L, 2L, … (PyTorch ≥ 2.1 also ignores includeLastOffset here)
      offsets = ARANGE(0, ids.numel(), ids.shape[1], { dtype: ids.dtype, device: ids.device }) as Tensor;
      includeLastOffset = false;
      ids = ids.reshape(-1);
      if (psw) psw = psw.reshape(-1);
    }
    const [out, ...aux] = EMBEDDING_BAG(w, ids, offsets, scaleGradByFreq, BAG_MODES.indexOf(mode), false, psw, includeLastOffset, paddingIdx) as Tensor[];
    for (const t of aux) t.dispose();
    return out;
  });
}
