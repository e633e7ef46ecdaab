/** F.dropout / F.dropout2d: aten::dropout and aten::feature_dropout (channel-wise). */
import { atenOp } from '../../oplayer/dispatch';
import { Tensor } from '../../tensor';
import { bool, options, prob, tensor } from '../args';

const DROPOUT = atenOp('dropout');
const DROPOUT_ = atenOp('dropout_');
const FEATURE_DROPOUT = atenOp('feature_dropout');
const FEATURE_DROPOUT_ = atenOp('feature_dropout_');
const ALPHA_DROPOUT = atenOp('alpha_dropout');
const ALPHA_DROPOUT_ = atenOp('alpha_dropout_');
const FEATURE_ALPHA_DROPOUT = atenOp('feature_alpha_dropout');
const FEATURE_ALPHA_DROPOUT_ = atenOp('feature_alpha_dropout_');

export interface DropoutOptions {
  p?: number;
  training?: boolean;
  inplace?: boolean;
}

function run(input: Tensor, pOrOpts: number | DropoutOptions | undefined, outOfPlace: (...a: unknown[]) => Tensor, inPlace: (...a: unknown[]) => unknown, what: string): Tensor {
  const o: DropoutOptions = typeof pOrOpts === 'number' ? { p: pOrOpts } : options(pOrOpts, what, ['p', 'training', 'inplace']);
  const x = tensor(input, 'input');
  const p = prob(o.p ?? 0.5, 'dropout probability');
  const training = bool(o.training ?? true, 'training');
  if (bool(o.inplace ?? false, 'inplace')) {
    inPlace(x, p, training);
    return x;
  }
  return outOfPlace(x, p, training);
}

/** F.dropout(input, p=0.5 | {p, training=true, inplace=false}); training=false returns input unchanged, as PyTorch. */
export function dropout(input: Tensor, pOrOpts?: number | DropoutOptions): Tensor {
  return run(input, pOrOpts, DROPOUT, DROPOUT_, 'dropout');
}

/** F.dropout2d: zeroes whole channels. */
export function dropout2d(input: Tensor, pOrOpts?: number | DropoutOptions): Tensor {
  return run(input, pOrOpts, FEATURE_DROPOUT, FEATURE_DROPOUT_, 'dropout2d');
}

/** F.dropout1d (N, C, L) or (C, L): zeroes whole channels. */
export function dropout1d(input: Tensor, pOrOpts?: number | DropoutOptions): Tensor {
  const x = tensor(input, 'input');
  if (x.ndim !== 2 && x.ndim !== 3) throw new RangeError(`dropout1d: Expected 2D or 3D input, but received a ${x.ndim}D input`);
  return run(input, pOrOpts, FEATURE_DROPOUT, FEATURE_DROPOUT_, 'dropout1d');
}

/** F.dropout3d (N, C, D, H, W): zeroes whole channels. */
export function dropout3d(input: Tensor, pOrOpts?: number | DropoutOptions): Tensor {
  return run(input, pOrOpts, FEATURE_DROPOUT, FEATURE_DROPOUT_, 'dropout3d');
}

/** F.alpha_dropout: keeps SELU's mean and variance. */
export function alphaDropout(input: Tensor, pOrOpts?: number | DropoutOptions): Tensor {
  return run(input, pOrOpts, ALPHA_DROPOUT, ALPHA_DROPOUT_, 'alphaDropout');
}

export function featureAlphaDropout(input: Tensor, pOrOpts?: number | DropoutOptions): Tensor {
  return run(input, pOrOpts, FEATURE_ALPHA_DROPOUT, FEATURE_ALPHA_DROPOUT_, 'featureAlphaDropout');
}
