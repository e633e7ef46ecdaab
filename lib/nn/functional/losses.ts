/**
 * The losses of torch.nn.functional beyond cross entropy / BCE-with-logits / MSE (loss.ts), as
 * torch/nn/functional.py composes them: `reduction` strings → ATen's enum, PyTorch's defaults.
 */
import { atenOp } from '../../oplayer/dispatch';
import { Tensor } from '../../tensor';
import { bool, int, num, optTensor, options, tensor } from '../args';
import { reductionEnum, Reduction } from './loss';

const NLL_ND = atenOp('nll_loss_nd');
const L1 = atenOp('l1_loss');
const SMOOTH_L1 = atenOp('smooth_l1_loss');
const HUBER = atenOp('huber_loss');
const BCE = atenOp('binary_cross_entropy');
const KL_DIV = atenOp('kl_div');
const POISSON_NLL = atenOp('poisson_nll_loss');
const MARGIN_RANKING = atenOp('margin_ranking_loss');
const HINGE = atenOp('hinge_embedding_loss');
const SOFT_MARGIN = atenOp('soft_margin_loss');
const COSINE_EMBEDDING = atenOp('cosine_embedding_loss');
const TRIPLET = atenOp('triplet_margin_loss');
const MULTI_MARGIN = atenOp('multi_margin_loss');
const MULTILABEL_MARGIN = atenOp('multilabel_margin_loss');
const LOG_SIGMOID = atenOp('log_sigmoid');

function sameShape(input: Tensor, target: Tensor, what: string): void {
  const a = input.shape;
  const b = target.shape;
  if (a.length !== b.length || a.some((d, i) => d !== b[i]))
    throw new RangeError(`${what}: Using a target size ([${b.join(', ')}]) that is different to the input size ([${a.join(', ')}]) is not supported`);
}

export interface NllLossOptions {
  weight?: Tensor | null;
  ignoreIndex?: number;
  reduction?: Reduction;
}

/** F.nll_loss(input (N, C, …) log-probabilities, target class indices, {weight, ignoreIndex=-100, reduction='mean'}). */
export function nllLoss(input: Tensor, target: Tensor, opts: NllLossOptions = {}): Tensor {
  const o = options(opts, 'nllLoss', ['weight', 'ignoreIndex', 'reduction']);
  return NLL_ND(tensor(input, 'input'), tensor(target, 'target'), optTensor(o.weight, 'weight'), reductionEnum(o.reduction), int(o.ignoreIndex ?? -100, 'ignoreIndex'));
}

/** F.l1_loss(input, target, {reduction='mean'}). */
export function l1Loss(input: Tensor, target: Tensor, opts: { reduction?: Reduction } = {}): Tensor {
  const o = options(opts, 'l1Loss', ['reduction']);
  return L1(tensor(input, 'input'), tensor(target, 'target'), reductionEnum(o.reduction));
}

/** F.smooth_l1_loss(input, target, {reduction='mean', beta=1}). */
export function smoothL1Loss(input: Tensor, target: Tensor, opts: { reduction?: Reduction; beta?: number } = {}): Tensor {
  const o = options(opts, 'smoothL1Loss', ['reduction', 'beta']);
  return SMOOTH_L1(tensor(input, 'input'), tensor(target, 'target'), reductionEnum(o.reduction), num(o.beta ?? 1, 'beta'));
}

/** F.huber_loss(input, target, {reduction='mean', delta=1}). */
export function huberLoss(input: Tensor, target: Tensor, opts: { reduction?: Reduction; delta?: number } = {}): Tensor {
  const o = options(opts, 'huberLoss', ['reduction', 'delta']);
  return HUBER(tensor(input, 'input'), tensor(target, 'target'), reductionEnum(o.reduction), num(o.delta ?? 1, 'delta'));
}

/** F.binary_cross_entropy(probabilities, target, {weight, reduction='mean'}); shapes must match, as in PyTorch. */
export function binaryCrossEntropy(input: Tensor, target: Tensor, opts: { weight?: Tensor | null; reduction?: Reduction } = {}): Tensor {
  const o = options(opts, 'binaryCrossEntropy', ['weight', 'reduction']);
  sameShape(tensor(input, 'input'), tensor(target, 'target'), 'binaryCrossEntropy');
  return BCE(input, target, optTensor(o.weight, 'weight'), reductionEnum(o.reduction));
}

/** F.kl_div(input log-probabilities, target, {reduction='mean', logTarget=false}); 'batchmean' divides the sum by the batch size. */
export function klDiv(input: Tensor, target: Tensor, opts: { reduction?: Reduction | 'batchmean'; logTarget?: boolean } = {}): Tensor {
  const o = options(opts, 'klDiv', ['reduction', 'logTarget']);
  const x = tensor(input, 'input');
  const logTarget = bool(o.logTarget ?? false, 'logTarget');
  if (o.reduction === 'batchmean') {
    const sum: Tensor = KL_DIV(x, tensor(target, 'target'), reductionEnum('sum'), { logTarget });
    if (x.ndim === 0) return sum;
    try { return sum.div(x.shape[0]); } finally { sum.dispose(); }
  }
  return KL_DIV(x, tensor(target, 'target'), reductionEnum(o.reduction), { logTarget });
}

/** F.poisson_nll_loss(input, target, {logInput=true, full=false, eps=1e-8, reduction='mean'}). */
export function poissonNllLoss(input: Tensor, target: Tensor, opts: { logInput?: boolean; full?: boolean; eps?: number; reduction?: Reduction } = {}): Tensor {
  const o = options(opts, 'poissonNllLoss', ['logInput', 'full', 'eps', 'reduction']);
  return POISSON_NLL(tensor(input, 'input'), tensor(target, 'target'), bool(o.logInput ?? true, 'logInput'), bool(o.full ?? false, 'full'), num(o.eps ?? 1e-8, 'eps'), reductionEnum(o.reduction));
}

export function marginRankingLoss(input1: Tensor, input2: Tensor, target: Tensor, opts: { margin?: number; reduction?: Reduction } = {}): Tensor {
  const o = options(opts, 'marginRankingLoss', ['margin', 'reduction']);
  return MARGIN_RANKING(tensor(input1, 'input1'), tensor(input2, 'input2'), tensor(target, 'target'), num(o.margin ?? 0, 'margin'), reductionEnum(o.reduction));
}

export function hingeEmbeddingLoss(input: Tensor, target: Tensor, opts: { margin?: number; reduction?: Reduction } = {}): Tensor {
  const o = options(opts, 'hingeEmbeddingLoss', ['margin', 'reduction']);
  return HINGE(tensor(input, 'input'), tensor(target, 'target'), num(o.margin ?? 1, 'margin'), reductionEnum(o.reduction));
}

export function softMarginLoss(input: Tensor, target: Tensor, opts: { reduction?: Reduction } = {}): Tensor {
  const o = options(opts, 'softMarginLoss', ['reduction']);
  return SOFT_MARGIN(tensor(input, 'input'), tensor(target, 'target'), reductionEnum(o.reduction));
}

export function cosineEmbeddingLoss(input1: Tensor, input2: Tensor, target: Tensor, opts: { margin?: number; reduction?: Reduction } = {}): Tensor {
  const o = options(opts, 'cosineEmbeddingLoss', ['margin', 'reduction']);
  return COSINE_EMBEDDING(tensor(input1, 'input1'), tensor(input2, 'input2'), tensor(target, 'target'), num(o.margin ?? 0, 'margin'), reductionEnum(o.reduction));
}

export function tripletMarginLoss(anchor: Tensor, positive: Tensor, negative: Tensor,
  opts: { margin?: number; p?: number; eps?: number; swap?: boolean; reduction?: Reduction } = {}): Tensor {
  const o = options(opts, 'tripletMarginLoss', ['margin', 'reduction']);
  return TRIPLET(tensor(anchor, 'anchor'), tensor(positive, 'positive'), tensor(negative, 'negative'), num(o.margin ?? 1, 'margin'),
    num(o.p ?? 2, 'p'), num(o.eps ?? 1e-6, 'eps'), bool(o.swap ?? false, 'swap'), reductionEnum(o.reduction));
}

export function multiMarginLoss(input: Tensor, target: Tensor, opts: { p?: number; margin?: number; weight?: Tensor | null; reduction?: Reduction } = {}): Tensor {
  const o = options(opts, 'multiMarginLoss', ['p', 'margin', 'weight', 'reduction']);
  const p = int(o.p ?? 1, 'p');
  if (p !== 1 && p !== 2) throw new RangeError('only p == 1 and p == 2 supported');
  return MULTI_MARGIN(tensor(input, 'input'), tensor(target, 'target'), p, num(o.margin ?? 1, 'margin'), optTensor(o.weight, 'weight'), reductionEnum(o.reduction));
}

export function multilabelMarginLoss(input: Tensor, target: Tensor, opts: { reduction?: Reduction } = {}): Tensor {
  const o = options(opts, 'multilabelMarginLoss', ['reduction']);
  return MULTILABEL_MARGIN(tensor(input, 'input'), tensor(target, 'target'), reductionEnum(o.reduction));
}

/** F.multilabel_soft_margin_loss: −(y·logσ(x) + (1−y)·logσ(−x)), weighted, averaged over classes, then reduced. */
export function multilabelSoftMarginLoss(input: Tensor, target: Tensor, opts: { weight?: Tensor | null; reduction?: Reduction } = {}): Tensor {
  const o = options(opts, 'multilabelSoftMarginLoss', ['weight', 'reduction']);
  const x = tensor(input, 'input');
  const y = tensor(target, 'target');
  const weight = optTensor(o.weight, 'weight');
  const reduction = reductionEnum(o.reduction);
  const made: Tensor[] = [];
  const keep = <T extends Tensor>(t: T): T => (made.push(t), t);
  try {
    const negX = keep(x.neg());
    const pos = keep(y.mul(keep(LOG_SIGMOID(x) as Tensor)));
    const oneMinusY = keep(keep(y.neg()).add(1));
    const neg = keep(oneMinusY.mul(keep(LOG_SIGMOID(negX) as Tensor)));
    let loss = keep(pos.add(neg).neg());
    if (weight) loss = keep(loss.mul(weight));
    const perSample = keep(loss.sum(x.ndim - 1).div(x.shape[x.ndim - 1]));
    if (reduction === 0) return made.splice(made.indexOf(perSample), 1)[0];
    return reduction === 1 ? perSample.mean() : perSample.sum();
  } finally {
    for (const t of made) t.dispose();
  }
}
