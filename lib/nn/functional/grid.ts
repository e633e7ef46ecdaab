/** F.grid_sample and F.affine_grid: PyTorch's string arguments → ATen's enums (torch/nn/functional.py). */
import { atenOp } from '../../oplayer/dispatch';
import { Tensor } from '../../tensor';
import { bool, int, options, tensor } from '../args';

const GRID_SAMPLER = atenOp('grid_sampler');
const AFFINE_GRID = atenOp('affine_grid_generator');

const MODES: Record<string, number> = { bilinear: 0, nearest: 1, bicubic: 2 };
const PADDING: Record<string, number> = { zeros: 0, border: 1, reflection: 2 };

export interface GridSampleOptions {
  mode?: 'bilinear' | 'nearest' | 'bicubic';
  paddingMode?: 'zeros' | 'border' | 'reflection';
  /** PyTorch's default (None) means false, with a warning there. */
  alignCorners?: boolean | null;
}

/** F.grid_sample(input (N, C, H, W) or (N, C, D, H, W), grid (N, H', W', 2) / (N, D', H', W', 3), {mode, paddingMode, alignCorners}). */
export function gridSample(input: Tensor, grid: Tensor, opts: GridSampleOptions = {}): Tensor {
  const o = options(opts, 'gridSample', ['mode', 'paddingMode', 'alignCorners']);
  const mode = o.mode ?? 'bilinear';
  const padding = o.paddingMode ?? 'zeros';
  if (!(mode in MODES)) throw new TypeError(`nn.functional.grid_sample(): expected mode to be 'bilinear', 'nearest' or 'bicubic', but got: '${String(mode)}'`);
  if (!(padding in PADDING)) throw new TypeError(`nn.functional.grid_sample(): expected padding_mode to be 'zeros', 'border', or 'reflection', but got: '${String(padding)}'`);
  const x = tensor(input, 'input');
  if (mode === 'bicubic' && x.ndim !== 4) throw new RangeError('grid_sample(): bicubic interpolation only supports 4D input');
  const alignCorners = o.alignCorners === undefined || o.alignCorners === null ? false : bool(o.alignCorners, 'alignCorners');
  return GRID_SAMPLER(x, tensor(grid, 'grid'), MODES[mode], PADDING[padding], alignCorners);
}

/** F.affine_grid(theta (N, 2, 3) or (N, 3, 4), size [N, C, H, W] or [N, C, D, H, W], {alignCorners}). */
export function affineGrid(theta: Tensor, size: number[], opts: { alignCorners?: boolean | null } = {}): Tensor {
  const o = options(opts, 'affineGrid', ['alignCorners']);
  if (!Array.isArray(size)) throw new TypeError('affineGrid(theta, size): size must be an array of integers');
  size.forEach((d) => int(d, 'size', 1));
  const alignCorners = o.alignCorners === undefined || o.alignCorners === null ? false : bool(o.alignCorners, 'alignCorners');
  return AFFINE_GRID(tensor(theta, 'theta'), size, alignCorners);
}
