/** F.embedding and F.one_hot's companion: lookups in a weight matrix (torch/nn/functional.py). */
import { noGrad } from '../../autograd';
import { atenOp } from '../../oplayer/dispatch';
import { Tensor } from '../../tensor';
import { bool, int, num, options, tensor } from '../args';

const EMBEDDING = atenOp('embedding');
const RENORM_ = atenOp('embedding_renorm_');

export interface EmbeddingOptions {
  paddingIdx?: number | null;
  maxNorm?: number | null;
  normType?: number;
  scaleGradByFreq?: boolean;
  sparse?: boolean;
}

/** F.embedding(input indices, weight (num, dim), {paddingIdx, maxNorm, normType=2, scaleGradByFreq=false}). */
export function embedding(input: Tensor, weight: Tensor, opts: EmbeddingOptions = {}): Tensor {
  const o = options(opts, 'embedding', ['paddingIdx', 'maxNorm', 'normType', 'scaleGradByFreq', 'sparse']);
  const ids = tensor(input, 'input');
  const w = tensor(weight, 'weight');
  let paddingIdx = -1;
  if (o.paddingIdx !== undefined && o.paddingIdx !== null) {
    paddingIdx = int(o.paddingIdx, 'paddingIdx');
    const n = w.shape[0];
    if (paddingIdx >= n || paddingIdx < -n) throw new RangeError('Padding_idx must be within num_embeddings');
    if (paddingIdx < 0) paddingIdx += n;
  }
  if (bool(o.sparse ?? false, 'sparse')) throw new TypeError('embedding: sparse gradients are not supported');
  if (o.maxNorm !== undefined && o.maxNorm !== null) {
    // PyTorch renormalises the looked-up rows of weight in place, outside autograd
    const maxNorm = num(o.maxNorm, 'maxNorm');
    const normType = num(o.normType ?? 2, 'normType');
    noGrad(() => {
      const flat = ids.contiguous();
      try { RENORM_(w, flat, maxNorm, normType); } finally { flat.dispose(); }
    });
  }
  return EMBEDDING(w, ids, paddingIdx, bool(o.scaleGradByFreq ?? false, 'scaleGradByFreq'), false);
}
