/**
 * Max and adaptive-max pooling in 1-D and 3-D (2-D max pooling: pooling.ts), with PyTorch's
 * `returnIndices`; average pooling 1-D/3-D and adaptive average pooling are one ATen op each
 * and come from the generated layer.
 */
import { atenOp, namedResult } from '../../oplayer/dispatch';
import { Tensor } from '../../tensor';
import { bool, int, options, tensor } from '../args';

type Size = number | number[];

function tuple(v: unknown, n: number, what: string, min = -Infinity): number[] {
  if (typeof v === 'number') return new Array(n).fill(int(v, what, min));
  if (Array.isArray(v) && v.length === n) return v.map((x) => int(x, what, min));
  throw new TypeError(`${what} must be an integer or ${n} integers, got ${JSON.stringify(v)}`);
}

export interface MaxPoolOptions {
  stride?: Size | null;
  padding?: Size;
  dilation?: Size;
  ceilMode?: boolean;
  returnIndices?: boolean;
}

const MAX_POOL = [atenOp('max_pool1d'), undefined, atenOp('max_pool3d')];
const MAX_POOL_INDICES = [atenOp('max_pool1d_with_indices'), undefined, atenOp('max_pool3d_with_indices')];

function maxPoolNd(n: 1 | 3, input: Tensor, kernelSize: Size, opts: MaxPoolOptions, what: string): Tensor | { values: Tensor; indices: Tensor } {
  const o = options(opts, what, ['stride', 'padding', 'dilation', 'ceilMode', 'returnIndices']);
  const args = [
    tensor(input, 'input'), tuple(kernelSize, n, 'kernelSize', 1),
    o.stride === undefined || o.stride === null ? [] : tuple(o.stride, n, 'stride', 1),
    tuple(o.padding ?? 0, n, 'padding', 0), tuple(o.dilation ?? 1, n, 'dilation', 1), bool(o.ceilMode ?? false, 'ceilMode'),
  ];
  if (bool(o.returnIndices ?? false, 'returnIndices')) {
    const [values, indices] = MAX_POOL_INDICES[n - 1]!(...args) as Tensor[];
    return namedResult(['values', 'indices'], [values, indices]) as { values: Tensor; indices: Tensor };
  }
  return MAX_POOL[n - 1]!(...args) as Tensor;
}

/** F.max_pool1d(input, kernelSize, {stride = kernelSize, padding, dilation, ceilMode, returnIndices}). */
export function maxPool1d(input: Tensor, kernelSize: Size, opts: MaxPoolOptions & { returnIndices: true }): { values: Tensor; indices: Tensor };
export function maxPool1d(input: Tensor, kernelSize: Size, opts?: MaxPoolOptions): Tensor;
export function maxPool1d(input: Tensor, kernelSize: Size, opts: MaxPoolOptions = {}): Tensor | { values: Tensor; indices: Tensor } {
  return maxPoolNd(1, input, kernelSize, opts, 'maxPool1d');
}

export function maxPool3d(input: Tensor, kernelSize: Size, opts: MaxPoolOptions & { returnIndices: true }): { values: Tensor; indices: Tensor };
export function maxPool3d(input: Tensor, kernelSize: Size, opts?: MaxPoolOptions): Tensor;
export function maxPool3d(input: Tensor, kernelSize: Size, opts: MaxPoolOptions = {}): Tensor | { values: Tensor; indices: Tensor } {
  return maxPoolNd(3, input, kernelSize, opts, 'maxPool3d');
}

const ADAPTIVE_MAX = [atenOp('adaptive_max_pool1d'), atenOp('adaptive_max_pool2d'), atenOp('adaptive_max_pool3d')];

function adaptiveMax(n: 1 | 2 | 3, input: Tensor, outputSize: number | (number | null)[], opts: { returnIndices?: boolean }, what: string): Tensor | { values: Tensor; indices: Tensor } {
  const o = options(opts, what, ['returnIndices']);
  const x = tensor(input, 'input');
  const shape = x.shape;
  const size = typeof outputSize === 'number' ? new Array(n).fill(int(outputSize, 'outputSize', 0))
    : Array.isArray(outputSize) && outputSize.length === n ? outputSize.map((s, i) => (s === null ? shape[shape.length - n + i] : int(s, 'outputSize', 0)))
      : (() => { throw new TypeError(`${what}: outputSize must be an integer or ${n} entries`); })();
  const [values, indices] = ADAPTIVE_MAX[n - 1](x, size) as Tensor[];
  if (bool(o.returnIndices ?? false, 'returnIndices')) return namedResult(['values', 'indices'], [values, indices]) as { values: Tensor; indices: Tensor };
  indices.dispose();
  return values;
}

export function adaptiveMaxPool1d(input: Tensor, outputSize: number | [number | null], opts: { returnIndices?: boolean } = {}): Tensor {
  return adaptiveMax(1, input, outputSize, opts, 'adaptiveMaxPool1d') as Tensor;
}
export function adaptiveMaxPool2d(input: Tensor, outputSize: number | [number | null, number | null], opts: { returnIndices?: boolean } = {}): Tensor {
  return adaptiveMax(2, input, outputSize, opts, 'adaptiveMaxPool2d') as Tensor;
}
export function adaptiveMaxPool3d(input: Tensor, outputSize: number | [number | null, number | null, number | null], opts: { returnIndices?: boolean } = {}): Tensor {
  return adaptiveMax(3, input, outputSize, opts, 'adaptiveMaxPool3d') as Tensor;
}

const IM2COL = atenOp('im2col');
const COL2IM = atenOp('col2im');

export interface FoldOptions {
  dilation?: number | [number, number];
  padding?: number | [number, number];
  stride?: number | [number, number];
}

/** F.unfold(input (N, C, H, W), kernelSize, {dilation=1, padding=0, stride=1}) → (N, C·kh·kw, L). */
export function unfold(input: Tensor, kernelSize: number | [number, number], opts: FoldOptions = {}): Tensor {
  const o = options(opts, 'unfold', ['dilation', 'padding', 'stride']);
  return IM2COL(tensor(input, 'input'), tuple(kernelSize, 2, 'kernelSize', 1), tuple(o.dilation ?? 1, 2, 'dilation', 1), tuple(o.padding ?? 0, 2, 'padding', 0), tuple(o.stride ?? 1, 2, 'stride', 1));
}

/** F.fold(input (N, C·kh·kw, L), outputSize, kernelSize, {dilation, padding, stride}) → (N, C, H, W). */
export function fold(input: Tensor, outputSize: number | [number, number], kernelSize: number | [number, number], opts: FoldOptions = {}): Tensor {
  const o = options(opts, 'fold', ['dilation', 'padding', 'stride']);
  return COL2IM(tensor(input, 'input'), tuple(outputSize, 2, 'outputSize', 1), tuple(kernelSize, 2, 'kernelSize', 1), tuple(o.dilation ?? 1, 2, 'dilation', 1), tuple(o.padding ?? 0, 2, 'padding', 0), tuple(o.stride ?? 1, 2, 'stride', 1));
}
