/** F.dropout / F.dropout2d: aten::dropout and aten::feature_dropout (channel-wise). */
import { native } from '../../native';
import { lazyOp } from '../../ops';
import { Tensor, wrap } from '../../tensor';
import { bool, options, prob, tensor } from '../args';

const DROPOUT = lazyOp('aten::dropout');
const DROPOUT_ = lazyOp('aten::dropout_');
const FEATURE_DROPOUT = lazyOp('aten::feature_dropout');
const FEATURE_DROPOUT_ = lazyOp('aten::feature_dropout_');

export interface DropoutOptions {
  p?: number;
  training?: boolean;
  inplace?: boolean;
}

function run(input: Tensor, pOrOpts: number | DropoutOptions | undefined, outOfPlace: () => number, inPlace: () => number, what: string): Tensor {
  const o: DropoutOptions = typeof pOrOpts === 'number' ? { p: pOrOpts } : options(pOrOpts, what, ['p', 'training', 'inplace']);
  const x = tensor(input, 'input');
  const p = prob(o.p ?? 0.5, 'dropout probability');
  const training = bool(o.training ?? true, 'training');
  if (bool(o.inplace ?? false, 'inplace')) {
    native.callOp(inPlace(), x.handle, p, training);
    return x;
  }
  return wrap(native.callOp(outOfPlace(), x.handle, p, training));
}

/** F.dropout(input, p=0.5 | {p, training=true, inplace=false}). */
export function dropout(input: Tensor, pOrOpts?: number | DropoutOptions): Tensor {
  return run(input, pOrOpts, DROPOUT, DROPOUT_, 'dropout');
}

/** F.dropout2d: zeroes whole channels. */
export function dropout2d(input: Tensor, pOrOpts?: number | DropoutOptions): Tensor {
  return run(input, pOrOpts, FEATURE_DROPOUT, FEATURE_DROPOUT_, 'dropout2d');
}
