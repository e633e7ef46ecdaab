/** 2-D pooling: aten::max_pool2d(_with_indices), aten::avg_pool2d, aten::adaptive_avg_pool2d. */
import { atenOp } from '../../oplayer/dispatch';
import { namedResult } from '../../oplayer/dispatch';
import { Tensor } from '../../tensor';
import { bool, int, options, pair, tensor } from '../args';

const MAX_POOL2D = atenOp('max_pool2d');
const MAX_POOL2D_WITH_INDICES = atenOp('max_pool2d_with_indices');
const AVG_POOL2D = atenOp('avg_pool2d');
const ADAPTIVE_AVG_POOL2D = atenOp('adaptive_avg_pool2d');

export interface MaxPool2dOptions {
  stride?: number | [number, number] | null;
  padding?: number | [number, number];
  dilation?: number | [number, number];
  ceilMode?: boolean;
  /** Also return the argmax indices, as `{ values, indices }` (F.max_pool2d(..., return_indices=True)). */
  returnIndices?: boolean;
}

const MAX_POOL_KEYS = ['stride', 'padding', 'dilation', 'ceilMode', 'returnIndices'] as const;

/** stride null/undefined means "= kernel size", which ATen spells as an empty list. */
function strideOrEmpty(s: unknown): number[] {
  return s === undefined || s === null ? [] : pair(s, 'stride', 1);
}

export function maxPool2d(input: Tensor, kernelSize: number | [number, number], opts: MaxPool2dOptions & { returnIndices: true }): { values: Tensor; indices: Tensor };
export function maxPool2d(input: Tensor, kernelSize: number | [number, number], opts?: MaxPool2dOptions): Tensor;
export function maxPool2d(input: Tensor, kernelSize: number | [number, number], opts: MaxPool2dOptions = {}): Tensor | { values: Tensor; indices: Tensor } {
  const o = options(opts, 'maxPool2d', MAX_POOL_KEYS);
  if (o.returnIndices) return maxPool2dWithIndices(input, kernelSize, { ...o, returnIndices: undefined });
  return MAX_POOL2D(tensor(input, 'input'), pair(kernelSize, 'kernelSize', 1), strideOrEmpty(o.stride),
    pair(o.padding ?? 0, 'padding', 0), pair(o.dilation ?? 1, 'dilation', 1), bool(o.ceilMode ?? false, 'ceilMode')
  );
}

/** F.max_pool2d(..., return_indices=True). */
export function maxPool2dWithIndices(input: Tensor, kernelSize: number | [number, number], opts: MaxPool2dOptions = {}): { values: Tensor; indices: Tensor } {
  const { returnIndices: _ignored, ...o } = options(opts, 'maxPool2dWithIndices', MAX_POOL_KEYS);
  const [v, i] = MAX_POOL2D_WITH_INDICES(tensor(input, 'input'), pair(kernelSize, 'kernelSize', 1), strideOrEmpty(o.stride),
    pair(o.padding ?? 0, 'padding', 0), pair(o.dilation ?? 1, 'dilation', 1), bool(o.ceilMode ?? false, 'ceilMode')
  ) as Tensor[];
  return namedResult(['values', 'indices'], [v, i]) as { values: Tensor; indices: Tensor };
}

export interface AvgPool2dOptions {
  stride?: number | [number, number] | null;
  padding?: number | [number, number];
  ceilMode?: boolean;
  countIncludePad?: boolean;
  divisorOverride?: number | null;
}

export function avgPool2d(input: Tensor, kernelSize: number | [number, number], opts: AvgPool2dOptions = {}): Tensor {
  const o = options(opts, 'avgPool2d', ['stride', 'padding', 'ceilMode', 'countIncludePad', 'divisorOverride']);
  const div = o.divisorOverride === undefined || o.divisorOverride === null ? null : int(o.divisorOverride, 'divisorOverride', 1);
  return AVG_POOL2D(tensor(input, 'input'), pair(kernelSize, 'kernelSize', 1), strideOrEmpty(o.stride),
    pair(o.padding ?? 0, 'padding', 0), bool(o.ceilMode ?? false, 'ceilMode'), bool(o.countIncludePad ?? true, 'countIncludePad'), div
  );
}

export type AdaptiveSize = number | [number | null, number | null];

/** F.adaptive_avg_pool2d: a null entry keeps the input's size along that dim. */
export function adaptiveAvgPool2d(input: Tensor, outputSize: AdaptiveSize): Tensor {
  const x = tensor(input, 'input');
  let size: number[];
  if (typeof outputSize === 'number') size = [int(outputSize, 'outputSize', 0), outputSize];
  else if (Array.isArray(outputSize) && outputSize.length === 2) {
    const shape = x.shape;
    size = outputSize.map((s, i) => (s === null ? shape[shape.length - 2 + i] : int(s, 'outputSize', 0)));
  } else throw new TypeError('adaptiveAvgPool2d(input, outputSize): outputSize must be an integer or a pair');
  return ADAPTIVE_AVG_POOL2D(x, size);
}
