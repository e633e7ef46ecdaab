/** Losses: aten::cross_entropy_loss, binary_cross_entropy_with_logits, mse_loss (reduction as ATen's enum). */
import { atenOp } from '../../oplayer/dispatch';
import { Tensor } from '../../tensor';
import { int, num, optTensor, options, tensor } from '../args';

const CROSS_ENTROPY = atenOp('cross_entropy_loss');
const BCE_WITH_LOGITS = atenOp('binary_cross_entropy_with_logits');
const MSE = atenOp('mse_loss');

export type Reduction = 'none' | 'mean' | 'sum';

/** torch.nn._reduction.get_enum. */
export function reductionEnum(r: unknown): number {
  switch (r ?? 'mean') {
    case 'none': return 0;
    case 'mean': return 1;
    case 'sum': return 2;
    default: throw new TypeError(`${String(r)} is not a valid value for reduction`);
  }
}

export interface CrossEntropyOptions {
  weight?: Tensor | null;
  ignoreIndex?: number;
  reduction?: Reduction;
  labelSmoothing?: number;
}

/**
 * F.cross_entropy(logits, target, {weight, ignoreIndex=-100, reduction='mean', labelSmoothing=0}):
 * logits (N, C) or (N, C, d1, …) such as segmentation maps; target class indices (int64) or probabilities.
 */
export function crossEntropy(input: Tensor, target: Tensor, opts: CrossEntropyOptions = {}): Tensor {
  const o = options(opts, 'crossEntropy', ['weight', 'ignoreIndex', 'reduction', 'labelSmoothing']);
  const smoothing = num(o.labelSmoothing ?? 0, 'labelSmoothing');
  if (smoothing < 0 || smoothing > 1) throw new RangeError(`labelSmoothing must be between 0.0 and 1.0, got ${smoothing}`);
  return CROSS_ENTROPY(tensor(input, 'input'), tensor(target, 'target'),
    optTensor(o.weight, 'weight'), reductionEnum(o.reduction), int(o.ignoreIndex ?? -100, 'ignoreIndex'), smoothing
  );
}

export interface BceWithLogitsOptions {
  weight?: Tensor | null;
  posWeight?: Tensor | null;
  reduction?: Reduction;
}

export function binaryCrossEntropyWithLogits(input: Tensor, target: Tensor, opts: BceWithLogitsOptions = {}): Tensor {
  const o = options(opts, 'binaryCrossEntropyWithLogits', ['weight', 'posWeight', 'reduction']);
  const x = tensor(input, 'input');
  const y = tensor(target, 'target');
  const xs = x.shape;
  const ys = y.shape;
  if (xs.length !== ys.length || xs.some((d, i) => d !== ys[i]))
    throw new RangeError(`Target size ([${ys.join(', ')}]) must be the same as input size ([${xs.join(', ')}])`);
  return BCE_WITH_LOGITS(x, y, optTensor(o.weight, 'weight'),
    optTensor(o.posWeight, 'posWeight'), reductionEnum(o.reduction)
  );
}

export function mseLoss(input: Tensor, target: Tensor, opts: { reduction?: Reduction } = {}): Tensor {
  const o = options(opts, 'mseLoss', ['reduction']);
  return MSE(tensor(input, 'input'), tensor(target, 'target'), reductionEnum(o.reduction));
}
