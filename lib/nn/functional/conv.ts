/** F.conv2d and F.linear: aten::conv2d / aten::linear through the dispatcher (autograd, devices). */
import { atenOp } from '../../oplayer/dispatch';
import { Tensor } from '../../tensor';
import { int, optTensor, options, pair, tensor } from '../args';

const CONV2D = atenOp('conv2d');
const CONV2D_PADDING = atenOp('conv2d.padding');
const LINEAR = atenOp('linear');

export type Padding2d = number | [number, number] | 'same' | 'valid';

export interface Conv2dOptions {
  stride?: number | [number, number];
  padding?: Padding2d;
  dilation?: number | [number, number];
  groups?: number;
}

const CONV2D_KEYS = ['stride', 'padding', 'dilation', 'groups'] as const;

export function checkPadding(p: unknown, what = 'padding'): [number, number] | 'same' | 'valid' {
  if (p === 'same' || p === 'valid') return p;
  if (typeof p === 'string') throw new TypeError(`Invalid padding string '${p}', should be one of {'valid', 'same'}`);
  return pair(p, what, 0);
}

/** F.conv2d(input, weight, bias?, {stride, padding, dilation, groups}). */
export function conv2d(input: Tensor, weight: Tensor, bias?: Tensor | null | (Conv2dOptions & { bias?: Tensor | null }), opts: Conv2dOptions = {}): Tensor {
  // PyTorch's keywords may all come in one object after weight: conv2d(x, w, { bias, stride, padding })
  if (bias !== null && bias !== undefined && !(bias instanceof Tensor)) {
    const { bias: b, ...rest } = options(bias, 'conv2d', ['bias', ...CONV2D_KEYS]);
    return conv2d(input, weight, b ?? null, rest);
  }
  const o = options(opts, 'conv2d', CONV2D_KEYS);
  const x = tensor(input, 'input');
  const w = tensor(weight, 'weight');
  const b = optTensor(bias, 'bias') ?? null;
  const stride = pair(o.stride ?? 1, 'stride', 1);
  const dilation = pair(o.dilation ?? 1, 'dilation', 1);
  const groups = int(o.groups ?? 1, 'groups', 1);
  const padding = checkPadding(o.padding ?? 0);
  if (typeof padding === 'string') return CONV2D_PADDING(x, w, b, stride, padding, dilation, groups);
  return CONV2D(x, w, b, stride, padding, dilation, groups);
}

/** F.linear(input, weight, bias?): y = x Wᵀ + b. */
export function linear(input: Tensor, weight: Tensor, bias?: Tensor | null): Tensor {
  return LINEAR(tensor(input, 'input'), tensor(weight, 'weight'), optTensor(bias, 'bias'));
}
