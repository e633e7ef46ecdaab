/**
 * nn.functional functions that torch/nn/functional.py composes from other ops (local response
 * norm, power-average pooling, Gaussian NLL, max-unpooling, CTC), with PyTorch's defaults.
 * Intermediates live in a tidy scope: only the result leaves.
 */
import { tidy } from '../../memory';
import { atenOp } from '../../oplayer/dispatch';
import { Tensor } from '../../tensor';
import { bool, int, num, options, tensor } from '../args';
import { reductionEnum, Reduction } from './loss';

const AVG_POOL1D = atenOp('avg_pool1d');
const AVG_POOL2D = atenOp('avg_pool2d');
const AVG_POOL3D = atenOp('avg_pool3d');
const CONSTANT_PAD = atenOp('constant_pad_nd');
const MAX_UNPOOL2D = atenOp('max_unpool2d');
const MAX_UNPOOL3D = atenOp('max_unpool3d');
const CTC = atenOp('ctc_loss.Tensor');

/** F.local_response_norm(input (N, C, …), size, {alpha=1e-4, beta=0.75, k=1}). */
export function localResponseNorm(input: Tensor, size: number, opts: { alpha?: number; beta?: number; k?: number } = {}): Tensor {
  const o = options(opts, 'localResponseNorm', ['alpha', 'beta', 'k']);
  const x = tensor(input, 'input');
  const n = int(size, 'size', 1);
  const [alpha, beta, k] = [num(o.alpha ?? 1e-4, 'alpha'), num(o.beta ?? 0.75, 'beta'), num(o.k ?? 1, 'k')];
  if (x.ndim < 3) throw new RangeError(`Expected 3D or higher dimensionality input (got ${x.ndim} dimensions)`);
  if (x.numel() === 0) return x.clone();
  return tidy(() => {
    let div = x.mul(x).unsqueeze(1);
    if (x.ndim === 3) {
      div = CONSTANT_PAD(div, [0, 0, Math.floor(n / 2), Math.floor((n - 1) / 2)], 0);
      div = (AVG_POOL2D(div, [n, 1], [1, 1]) as Tensor).squeeze(1);
    } else {
      const s = x.shape;
      div = div.view([s[0], 1, s[1], s[2], -1]);
      div = CONSTANT_PAD(div, [0, 0, 0, 0, Math.floor(n / 2), Math.floor((n - 1) / 2)], 0);
      div = (AVG_POOL3D(div, [n, 1, 1], [1, 1, 1]) as Tensor).squeeze(1).view(s);
    }
    return x.div(div.mul(alpha).add(k).pow(beta));
  });
}

function lpPool(dims: 1 | 2, input: Tensor, normType: number, kernelSize: number | number[], opts: { stride?: number | number[] | null; ceilMode?: boolean }, what: string): Tensor {
  const o = options(opts, what, ['stride', 'ceilMode']);
  const x = tensor(input, 'input');
  const p = num(normType, 'normType');
  const kernel = typeof kernelSize === 'number' ? new Array(dims).fill(int(kernelSize, 'kernelSize', 1)) : kernelSize.map((v) => int(v, 'kernelSize', 1));
  const stride = o.stride === undefined || o.stride === null ? [] : typeof o.stride === 'number' ? new Array(dims).fill(o.stride) : o.stride;
  const ceil = bool(o.ceilMode ?? false, 'ceilMode');
  return tidy(() => {
    const powered = x.pow(p);
    const out = (dims === 1 ? AVG_POOL1D(powered, kernel, stride, [0], ceil) : AVG_POOL2D(powered, kernel, stride, [0, 0], ceil)) as Tensor;
    // sign(out) · relu(|out|) · kernel area, then the p-th root (PyTorch's formula)
    return out.sign().mul(out.abs().relu()).mul(kernel.reduce((a, b) => a * b, 1)).pow(1 / p);
  });
}

/** F.lp_pool1d(input, normType, kernelSize, {stride = kernelSize, ceilMode = false}). */
export function lpPool1d(input: Tensor, normType: number, kernelSize: number, opts: { stride?: number | null; ceilMode?: boolean } = {}): Tensor {
  return lpPool(1, input, normType, kernelSize, opts, 'lpPool1d');
}

/** F.lp_pool2d(input, normType, kernelSize, {stride = kernelSize, ceilMode = false}). */
export function lpPool2d(input: Tensor, normType: number, kernelSize: number | [number, number], opts: { stride?: number | [number, number] | null; ceilMode?: boolean } = {}): Tensor {
  return lpPool(2, input, normType, kernelSize, opts, 'lpPool2d');
}

/** F.gaussian_nll_loss(input, target, var, {full=false, eps=1e-6, reduction='mean'}). */
export function gaussianNllLoss(input: Tensor, target: Tensor, variance: Tensor, opts: { full?: boolean; eps?: number; reduction?: Reduction } = {}): Tensor {
  const o = options(opts, 'gaussianNllLoss', ['full', 'eps', 'reduction']);
  const x = tensor(input, 'input');
  const y = tensor(target, 'target');
  let v = tensor(variance, 'var');
  const reduction = reductionEnum(o.reduction);
  const eps = num(o.eps ?? 1e-6, 'eps');
  const xs = x.shape;
  const vs = v.shape;
  const same = (a: number[], b: number[]): boolean => a.length === b.length && a.every((d, i) => d === b[i]);
  return tidy(() => {
    if (!same(vs, xs)) {
      if (same(xs.slice(0, -1), vs)) v = v.unsqueeze(-1);
      else if (!(same(xs.slice(0, -1), vs.slice(0, -1)) && vs[vs.length - 1] === 1)) throw new RangeError('var is of incorrect size');
    }
    if (v.lt(0).any().item()) throw new RangeError('var has negative entry/entries');
    const clamped = v.detach().clamp(eps);
    // clamp without letting the clamp into autograd: var + (clamped − var).detach()
    const safe = v.add(clamped.sub(v.detach()));
    let loss = safe.log().add(x.sub(y).pow(2).div(safe)).mul(0.5);
    if (bool(o.full ?? false, 'full')) loss = loss.add(0.5 * Math.log(2 * Math.PI));
    return reduction === 0 ? loss : reduction === 1 ? loss.mean() : loss.sum();
  });
}

function unpoolSize(x: Tensor, dims: number, kernel: number[], stride: number[], padding: number[], outputSize: number[] | null | undefined): number[] {
  const s = x.shape;
  if (outputSize) {
    const o = outputSize.length === dims + 2 ? outputSize.slice(2) : outputSize;
    if (o.length !== dims) throw new RangeError(`outputSize must have ${dims} or ${dims + 2} elements`);
    return o;
  }
  return kernel.map((k, i) => (s[s.length - dims + i] - 1) * stride[i] - 2 * padding[i] + k);
}

function tuple(v: number | number[], n: number, what: string, min: number): number[] {
  return typeof v === 'number' ? new Array(n).fill(int(v, what, min)) : v.map((x) => int(x, what, min));
}

export interface MaxUnpoolOptions {
  stride?: number | number[] | null;
  padding?: number | number[];
  outputSize?: number[] | null;
}

/** F.max_unpool1d/2d/3d(input, indices, kernelSize, {stride = kernelSize, padding = 0, outputSize}). */
function maxUnpool(dims: 1 | 2 | 3, input: Tensor, indices: Tensor, kernelSize: number | number[], opts: MaxUnpoolOptions, what: string): Tensor {
  const o = options(opts, what, ['stride', 'padding', 'outputSize']);
  const x = tensor(input, 'input');
  const idx = tensor(indices, 'indices');
  const kernel = tuple(kernelSize, dims, 'kernelSize', 1);
  const stride = o.stride === undefined || o.stride === null ? kernel : tuple(o.stride, dims, 'stride', 1);
  const padding = tuple(o.padding ?? 0, dims, 'padding', 0);
  const size = unpoolSize(x, dims, kernel, stride, padding, o.outputSize);
  if (dims === 3) return MAX_UNPOOL3D(x, idx, size, stride, padding);
  if (dims === 2) return MAX_UNPOOL2D(x, idx, size);
  return tidy(() => (MAX_UNPOOL2D(x.unsqueeze(-1), idx.unsqueeze(-1), [size[0], 1]) as Tensor).squeeze(-1));
}

export function maxUnpool1d(input: Tensor, indices: Tensor, kernelSize: number, opts: MaxUnpoolOptions = {}): Tensor {
  return maxUnpool(1, input, indices, kernelSize, opts, 'maxUnpool1d');
}
export function maxUnpool2d(input: Tensor, indices: Tensor, kernelSize: number | [number, number], opts: MaxUnpoolOptions = {}): Tensor {
  return maxUnpool(2, input, indices, kernelSize, opts, 'maxUnpool2d');
}
export function maxUnpool3d(input: Tensor, indices: Tensor, kernelSize: number | [number, number, number], opts: MaxUnpoolOptions = {}): Tensor {
  return maxUnpool(3, input, indices, kernelSize, opts, 'maxUnpool3d');
}

/** F.ctc_loss(logProbs (T, N, C), targets, inputLengths, targetLengths, {blank=0, reduction='mean', zeroInfinity=false}). */
export function ctcLoss(logProbs: Tensor, targets: Tensor, inputLengths: Tensor, targetLengths: Tensor,
  opts: { blank?: number; reduction?: Reduction; zeroInfinity?: boolean } = {}): Tensor {
  const o = options(opts, 'ctcLoss', ['blank', 'reduction', 'zeroInfinity']);
  return CTC(tensor(logProbs, 'logProbs'), tensor(targets, 'targets'), tensor(inputLengths, 'inputLengths'), tensor(targetLengths, 'targetLengths'),
    int(o.blank ?? 0, 'blank'), reductionEnum(o.reduction), bool(o.zeroInfinity ?? false, 'zeroInfinity'));
}
