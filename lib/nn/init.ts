/**
 * torch.nn.init: in-place initializers that draw from LibTorch's generator exactly as PyTorch
 * does (same ops, same order, same float arithmetic), so a seeded model gets PyTorch's values.
 */
import { noGrad } from '../autograd';
import { atenOp } from '../oplayer/dispatch';
import { Tensor } from '../tensor';
import { num, tensor } from './args';

const UNIFORM_ = atenOp('uniform_');
const NORMAL_ = atenOp('normal_');

export type Nonlinearity = 'linear' | 'conv2d' | 'sigmoid' | 'relu' | 'leaky_relu' | 'tanh' | 'selu';

export function calculateGain(nonlinearity: Nonlinearity, param?: number): number {
  switch (nonlinearity) {
    case 'linear': case 'conv2d': case 'sigmoid': return 1;
    case 'tanh': return 5.0 / 3;
    case 'relu': return Math.sqrt(2.0);
    case 'leaky_relu': {
      const slope = param === undefined ? 0.01 : num(param, 'negative slope');
      return Math.sqrt(2.0 / (1 + slope ** 2));
    }
    case 'selu': return 3.0 / 4;
    default: throw new TypeError(`Unsupported nonlinearity ${String(nonlinearity)}`);
  }
}

export function calculateFanInAndFanOut(t: Tensor): { fanIn: number; fanOut: number } {
  const shape = tensor(t, 'tensor').shape;
  if (shape.length < 2) throw new RangeError('Fan in and fan out can not be computed for tensor with fewer than 2 dimensions');
  const receptive = shape.slice(2).reduce((a, b) => a * b, 1);
  return { fanIn: shape[1] * receptive, fanOut: shape[0] * receptive };
}

export function uniform_(t: Tensor, a = 0, b = 1): Tensor {
  noGrad(() => UNIFORM_(tensor(t, 'tensor'), num(a, 'a'), num(b, 'b')));
  return t;
}

export function normal_(t: Tensor, mean = 0, std = 1): Tensor {
  noGrad(() => NORMAL_(tensor(t, 'tensor'), num(mean, 'mean'), num(std, 'std')));
  return t;
}

export function constant_(t: Tensor, value: number): Tensor {
  noGrad(() => tensor(t, 'tensor').fill_(num(value, 'value')));
  return t;
}
export const ones_ = (t: Tensor): Tensor => constant_(t, 1);
export const zeros_ = (t: Tensor): Tensor => constant_(t, 0);

export interface KaimingOptions {
  a?: number;
  mode?: 'fan_in' | 'fan_out';
  nonlinearity?: Nonlinearity;
}

function kaimingStd(t: Tensor, opts: KaimingOptions): number {
  const mode = opts.mode ?? 'fan_in';
  if (mode !== 'fan_in' && mode !== 'fan_out') throw new TypeError(`Mode ${String(mode)} not supported, please use one of fan_in, fan_out`);
  const { fanIn, fanOut } = calculateFanInAndFanOut(t);
  const fan = mode === 'fan_in' ? fanIn : fanOut;
  const gain = calculateGain(opts.nonlinearity ?? 'leaky_relu', opts.a ?? 0);
  return gain / Math.sqrt(fan);
}

export function kaimingUniform_(t: Tensor, opts: KaimingOptions = {}): Tensor {
  const bound = Math.sqrt(3.0) * kaimingStd(t, opts);
  return uniform_(t, -bound, bound);
}

export function kaimingNormal_(t: Tensor, opts: KaimingOptions = {}): Tensor {
  return normal_(t, 0, kaimingStd(t, opts));
}

export function xavierUniform_(t: Tensor, gain = 1): Tensor {
  const { fanIn, fanOut } = calculateFanInAndFanOut(t);
  const a = Math.sqrt(3.0) * (gain * Math.sqrt(2.0 / (fanIn + fanOut)));
  return uniform_(t, -a, a);
}

export function xavierNormal_(t: Tensor, gain = 1): Tensor {
  const { fanIn, fanOut } = calculateFanInAndFanOut(t);
  return normal_(t, 0, gain * Math.sqrt(2.0 / (fanIn + fanOut)));
}
