/**
 * F.gumbel_softmax as torch/nn/functional.py composes it: Gumbel(0, 1) noise −log(Exp(1)) drawn
 * with exponential_ (so a seeded run draws the numbers Python draws), softmax((logits + g) / tau),
 * and with `hard` the straight-through one-hot y_hard − y_soft.detach() + y_soft.
 */
import { tidy } from '../../memory';
import { atenOp } from '../../oplayer/dispatch';
import { Tensor } from '../../tensor';
import { bool, int, num, options, tensor } from '../args';

const EMPTY_LIKE = atenOp('empty_like');
const ZEROS_LIKE = atenOp('zeros_like');

export interface GumbelSoftmaxOptions {
  tau?: number;
  hard?: boolean;
  /** Deprecated in PyTorch and without effect; a value other than 1e-10 warns, as there. */
  eps?: number;
  dim?: number;
}

/** F.gumbel_softmax(logits, {tau=1, hard=false, eps=1e-10, dim=-1}). */
export function gumbelSoftmax(logits: Tensor, opts: GumbelSoftmaxOptions = {}): Tensor {
  const o = options(opts, 'gumbelSoftmax', ['tau', 'hard', 'eps', 'dim']);
  const x = tensor(logits, 'logits');
  const tau = num(o.tau ?? 1, 'tau');
  const hard = bool(o.hard ?? false, 'hard');
  const dim = int(o.dim ?? -1, 'dim');
  if (num(o.eps ?? 1e-10, 'eps') !== 1e-10) process.emitWarning('`eps` parameter is deprecated and has no effect.');
  return tidy(() => {
    // legacy_contiguous_format: a contiguous tensor whatever the layout of logits
    const gumbels = (EMPTY_LIKE(x, { memoryFormat: 'contiguous_format' }) as Tensor).exponential_().log().neg();
    const ySoft = x.add(gumbels).div(tau).softmax(dim);
    if (!hard) return ySoft;
    const index = ySoft.max(dim, true).indices;
    const yHard = (ZEROS_LIKE(x, { memoryFormat: 'contiguous_format' }) as Tensor).scatter_(dim, index, 1.0);
    return yHard.sub(ySoft.detach()).add(ySoft);
  });
}
