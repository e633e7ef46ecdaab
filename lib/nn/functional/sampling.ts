/**
 * F.interpolate: PyTorch's size/scale-factor logic (torch/nn/functional.py), then the
 * upsample_* ATen op of the mode for 3-D (N, C, L), 4-D (N, C, H, W) or 5-D (N, C, D, H, W) input.
 */
import { atenOp } from '../../oplayer/dispatch';
import { Tensor } from '../../tensor';
import { bool, int, num, options, tensor } from '../args';
import { adaptiveAvgPool2d } from './pooling';

const NEAREST = [atenOp('upsample_nearest1d.vec'), atenOp('upsample_nearest2d.vec'), atenOp('upsample_nearest3d.vec')];
const NEAREST_EXACT = [atenOp('_upsample_nearest_exact1d.vec'), atenOp('_upsample_nearest_exact2d.vec'), atenOp('_upsample_nearest_exact3d.vec')];
const LINEAR: Record<string, [number, (...a: unknown[]) => Tensor]> = {
  linear: [1, atenOp('upsample_linear1d.vec')],
  bilinear: [2, atenOp('upsample_bilinear2d.vec')],
  bicubic: [2, atenOp('upsample_bicubic2d.vec')],
  trilinear: [3, atenOp('upsample_trilinear3d.vec')],
};
const ADAPTIVE_AVG = [atenOp('adaptive_avg_pool1d'), atenOp('adaptive_avg_pool2d'), atenOp('adaptive_avg_pool3d')];

export type InterpolateMode = 'nearest' | 'nearest-exact' | 'linear' | 'bilinear' | 'bicubic' | 'trilinear' | 'area';
const MODES: readonly string[] = ['nearest', 'nearest-exact', 'linear', 'bilinear', 'bicubic', 'trilinear', 'area'];

export interface InterpolateOptions {
  size?: number | number[];
  scaleFactor?: number | number[];
  mode?: InterpolateMode;
  alignCorners?: boolean | null;
  recomputeScaleFactor?: boolean | null;
  antialias?: boolean;
}

function perDim(v: number | number[], n: number, what: string, check: (x: unknown, w: string) => number): number[] {
  if (Array.isArray(v)) {
    if (v.length !== n) throw new TypeError(`Input and ${what} must have the same number of spatial dimensions, but got input with spatial dimensions of ${n} and ${what} of length ${v.length}`);
    return v.map((x) => check(x, what));
  }
  return new Array(n).fill(check(v, what));
}

/** F.interpolate(input, {size | scaleFactor, mode='nearest', alignCorners, recomputeScaleFactor}). */
export function interpolate(input: Tensor, opts: InterpolateOptions): Tensor {
  const o = options(opts, 'interpolate', ['size', 'scaleFactor', 'mode', 'alignCorners', 'recomputeScaleFactor']);
  const x = tensor(input, 'input');
  const mode = o.mode ?? 'nearest';
  if (!MODES.includes(mode)) throw new TypeError(`interpolate: unsupported mode '${String(mode)}' (one of ${MODES.join(', ')})`);
  const n = x.ndim - 2;
  if (n < 1 || n > 3) throw new RangeError(`interpolate: expected a 3-D, 4-D or 5-D input, got ${x.ndim}-D`);
  if (mode in LINEAR && LINEAR[mode][0] !== n) throw new TypeError(`interpolate: mode '${mode}' needs a ${LINEAR[mode][0] + 2}-D input, got ${x.ndim}-D`);
  if (o.antialias) throw new TypeError('interpolate: antialias is not supported');
  const alignCornersGiven = o.alignCorners !== undefined && o.alignCorners !== null;
  if (alignCornersGiven && !(mode in LINEAR))
    throw new TypeError('align_corners option can only be set with the interpolating modes: linear | bilinear | bicubic | trilinear');
  const alignCorners = alignCornersGiven ? bool(o.alignCorners, 'alignCorners') : false;

  const hasSize = o.size !== undefined && o.size !== null;
  const hasScale = o.scaleFactor !== undefined && o.scaleFactor !== null;
  if (hasSize && hasScale) throw new TypeError('only one of size or scale_factor should be defined');
  if (!hasSize && !hasScale) throw new TypeError('either size or scale_factor should be defined');
  let outputSize: number[] | null = hasSize ? perDim(o.size!, n, 'size', (v, w) => int(v, w, 0)) : null;
  let scales: number[] | null = hasScale ? perDim(o.scaleFactor!, n, 'scale_factor', num) : null;
  let recompute = o.recomputeScaleFactor ?? false;
  if (recompute && hasSize) throw new TypeError('recompute_scale_factor is not meaningful with an explicit size.');
  if (mode === 'area' && outputSize === null) recompute = true;
  if (recompute && scales) {
    const shape = x.shape;
    outputSize = scales.map((f, i) => Math.floor(shape[i + 2] * f));
    scales = null;
  }
  if (mode === 'nearest') return NEAREST[n - 1](x, outputSize, scales);
  if (mode === 'nearest-exact') return NEAREST_EXACT[n - 1](x, outputSize, scales);
  if (mode === 'area') {
    if (n === 2) return adaptiveAvgPool2d(x, outputSize as [number, number]);
    return ADAPTIVE_AVG[n - 1](x, outputSize);
  }
  return LINEAR[mode][1](x, outputSize, alignCorners, scales);
}
