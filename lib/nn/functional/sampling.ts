/** F.interpolate: PyTorch 1.13's size/scale-factor logic, then aten::upsample_*2d.vec. */
import { native } from '../../native';
import { lazyOp } from '../../ops';
import { Tensor, wrap } from '../../tensor';
import { bool, int, num, options, tensor } from '../args';
import { adaptiveAvgPool2d } from './pooling';

const NEAREST = lazyOp('aten::upsample_nearest2d', 'vec');
const BILINEAR = lazyOp('aten::upsample_bilinear2d', 'vec');
const BICUBIC = lazyOp('aten::upsample_bicubic2d', 'vec');

export type InterpolateMode = 'nearest' | 'bilinear' | 'bicubic' | 'area';

export interface InterpolateOptions {
  size?: number | [number, number];
  scaleFactor?: number | [number, number];
  mode?: InterpolateMode;
  alignCorners?: boolean | null;
  recomputeScaleFactor?: boolean | null;
}

/** F.interpolate(input, {size | scaleFactor, mode='nearest', alignCorners}) for 4-D (N, C, H, W) input. */
export function interpolate(input: Tensor, opts: InterpolateOptions): Tensor {
  const o = options(opts, 'interpolate', ['size', 'scaleFactor', 'mode', 'alignCorners', 'recomputeScaleFactor']);
  const x = tensor(input, 'input');
  const mode = o.mode ?? 'nearest';
  if (!['nearest', 'bilinear', 'bicubic', 'area'].includes(mode)) throw new TypeError(`interpolate: unsupported mode '${String(mode)}'`);
  if (x.ndim !== 4) throw new RangeError(`interpolate: expected a 4-D (N, C, H, W) input, got ${x.ndim}-D`);
  const alignCornersGiven = o.alignCorners !== undefined && o.alignCorners !== null;
  if (alignCornersGiven && (mode === 'nearest' || mode === 'area'))
    throw new TypeError('align_corners option can only be set with the interpolating modes: linear | bilinear | bicubic | trilinear');
  const alignCorners = alignCornersGiven ? bool(o.alignCorners, 'alignCorners') : false;

  const hasSize = o.size !== undefined && o.size !== null;
  const hasScale = o.scaleFactor !== undefined && o.scaleFactor !== null;
  if (hasSize && hasScale) throw new TypeError('only one of size or scaleFactor should be defined');
  if (!hasSize && !hasScale) throw new TypeError('either size or scaleFactor should be defined');
  let outputSize: number[] | null = null;
  let scales: number[] | null = null;
  if (hasSize) {
    const s = o.size!;
    outputSize = Array.isArray(s) ? (s.length === 2 ? s.map((v) => int(v, 'size', 0)) : badLength('size')) : [int(s, 'size', 0), s];
  } else {
    const f = o.scaleFactor!;
    scales = Array.isArray(f) ? (f.length === 2 ? f.map((v) => num(v, 'scaleFactor')) : badLength('scaleFactor')) : [num(f, 'scaleFactor'), f];
  }
  let recompute = o.recomputeScaleFactor ?? false;
  if (recompute && hasSize) throw new TypeError('recompute_scale_factor is not meaningful with an explicit size.');
  if (mode === 'area' && outputSize === null) recompute = true;
  if (recompute && scales) {
    const shape = x.shape;
    outputSize = scales.map((f, i) => Math.floor(shape[i + 2] * f));
    scales = null;
  }
  switch (mode) {
    case 'nearest': return wrap(native.callOp(NEAREST(), x.handle, outputSize, scales));
    case 'bilinear': return wrap(native.callOp(BILINEAR(), x.handle, outputSize, alignCorners, scales));
    case 'bicubic': return wrap(native.callOp(BICUBIC(), x.handle, outputSize, alignCorners, scales));
    default: return adaptiveAvgPool2d(x, outputSize as [number, number]);
  }
}

function badLength(what: string): never {
  throw new TypeError(`interpolate: ${what} must have 2 entries for a 4-D input`);
}
