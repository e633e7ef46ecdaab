/** F.cosineSimilarity: aten::cosine_similarity. */
import { atenOp } from '../../oplayer/dispatch';
import { Tensor } from '../../tensor';
import { int, num, options, tensor } from '../args';

const COSINE_SIMILARITY = atenOp('cosine_similarity');

export function cosineSimilarity(x1: Tensor, x2: Tensor, opts: { dim?: number; eps?: number } = {}): Tensor {
  const o = options(opts, 'cosineSimilarity', ['dim', 'eps']);
  return COSINE_SIMILARITY(tensor(x1, 'x1'), tensor(x2, 'x2'), int(o.dim ?? 1, 'dim'), num(o.eps ?? 1e-8, 'eps'));
}
