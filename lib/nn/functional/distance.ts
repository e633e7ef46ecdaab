/** F.cosineSimilarity: aten::cosine_similarity. */
import { native } from '../../native';
import { lazyOp } from '../../ops';
import { Tensor, wrap } from '../../tensor';
import { int, num, options, tensor } from '../args';

const COSINE_SIMILARITY = lazyOp('aten::cosine_similarity');

export function cosineSimilarity(x1: Tensor, x2: Tensor, opts: { dim?: number; eps?: number } = {}): Tensor {
  const o = options(opts, 'cosineSimilarity', ['dim', 'eps']);
  return wrap(native.callOp(COSINE_SIMILARITY(), tensor(x1, 'x1').handle, tensor(x2, 'x2').handle, int(o.dim ?? 1, 'dim'), num(o.eps ?? 1e-8, 'eps')));
}
