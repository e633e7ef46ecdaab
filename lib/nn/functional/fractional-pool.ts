/**
 * F.fractional_max_pool2d / 3d as torch/nn/functional.py composes them: the output size from
 * `outputSize` or from `outputRatio` (int(size · ratio)), and one uniform sample per batch entry,
 * channel and dimension drawn with torch.rand as Python draws it unless `_randomSamples` is given
 * (a seeded run draws the same pooling regions as Python's).
 */
import { atenOp, namedResult } from '../../oplayer/dispatch';
import { Tensor } from '../../tensor';
import { bool, int, num, optTensor, options, tensor } from '../args';

const FRACTIONAL = [atenOp('fractional_max_pool2d'), atenOp('fractional_max_pool3d')];
const RAND = atenOp('rand');

export interface FractionalMaxPoolOptions {
  outputSize?: number | number[] | null;
  outputRatio?: number | number[] | null;
  returnIndices?: boolean;
  /** (N, C, dims) samples in [0, 1) that place the pooling regions; drawn with torch.rand when absent. */
  _randomSamples?: Tensor | null;
}

type Pooled = { values: Tensor; indices: Tensor };

/** PyTorch's _pair/_triple: one value for every dimension, or exactly `n` values. */
function perDim(v: unknown, n: number, what: string, check: (x: unknown, w: string) => number): number[] {
  if (typeof v === 'number') return new Array(n).fill(check(v, what));
  if (Array.isArray(v) && v.length === n) return v.map((x) => check(x, what));
  throw new TypeError(`${what} must be a number or ${n} numbers, got ${JSON.stringify(v)}`);
}

function fractionalMaxPool(n: 2 | 3, input: Tensor, kernelSize: number | number[], opts: FractionalMaxPoolOptions, what: string): Tensor | Pooled {
  const o = options(opts, what, ['outputSize', 'outputRatio', 'returnIndices', '_randomSamples']);
  const x = tensor(input, 'input');
  const kernel = perDim(kernelSize, n, 'kernelSize', (v, w) => int(v, w));
  const returnIndices = bool(o.returnIndices ?? false, 'returnIndices');
  const hasSize = o.outputSize !== undefined && o.outputSize !== null;
  const hasRatio = o.outputRatio !== undefined && o.outputRatio !== null;
  if (!hasSize && !hasRatio) throw new TypeError(`fractional_max_pool${n}d requires specifying either an output_size or an output_ratio`);
  const shape = x.shape;
  // as Python: with both given, outputSize wins; Python's int() truncates toward zero
  const size = hasSize ? perDim(o.outputSize, n, 'outputSize', (v, w) => int(v, w))
    : perDim(o.outputRatio, n, 'outputRatio', num).map((r, i) => Math.trunc(shape[shape.length - n + i] * r));
  let samples = optTensor(o._randomSamples, '_randomSamples');
  const drawn = samples === null;
  if (drawn) {
    const batch = x.ndim === n + 1 ? 1 : shape[0];
    samples = RAND([batch, shape[shape.length - n - 1], n], { dtype: x.dtype, device: x.device }) as Tensor;
  }
  let out: Tensor[];
  try {
    out = FRACTIONAL[n - 2](x, kernel, size, samples) as Tensor[];
  } finally {
    if (drawn) samples!.dispose();
  }
  if (returnIndices) return namedResult(['values', 'indices'], out) as Pooled;
  out[1].dispose();
  return out[0];
}

/** F.fractional_max_pool2d(input (N, C, H, W) or (C, H, W), kernelSize, {outputSize | outputRatio, returnIndices, _randomSamples}). */
export function fractionalMaxPool2d(input: Tensor, kernelSize: number | [number, number], opts: FractionalMaxPoolOptions & { returnIndices: true }): Pooled;
export function fractionalMaxPool2d(input: Tensor, kernelSize: number | [number, number], opts: FractionalMaxPoolOptions): Tensor;
export function fractionalMaxPool2d(input: Tensor, kernelSize: number | [number, number], opts: FractionalMaxPoolOptions): Tensor | Pooled {
  return fractionalMaxPool(2, input, kernelSize, opts, 'fractionalMaxPool2d');
}

/** F.fractional_max_pool3d(input (N, C, D, H, W) or (C, D, H, W), kernelSize, {outputSize | outputRatio, returnIndices, _randomSamples}). */
export function fractionalMaxPool3d(input: Tensor, kernelSize: number | [number, number, number], opts: FractionalMaxPoolOptions & { returnIndices: true }): Pooled;
export function fractionalMaxPool3d(input: Tensor, kernelSize: number | [number, number, number], opts: FractionalMaxPoolOptions): Tensor;
export function fractionalMaxPool3d(input: Tensor, kernelSize: number | [number, number, number], opts: FractionalMaxPoolOptions): Tensor | Pooled {
  return fractionalMaxPool(3, input, kernelSize, opts, 'fractionalMaxPool3d');
}
