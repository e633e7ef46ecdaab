/** Pooling modules (PyTorch's arguments and defaults; stride defaults to the kernel size). */
import { noGrad } from '../autograd';
import { Tensor } from '../tensor';
import { bool, int, num, optTensor, options, pair } from './args';
import { fractionalMaxPool2d, fractionalMaxPool3d } from './functional/fractional-pool';
import { AdaptiveSize, adaptiveAvgPool2d, avgPool2d, maxPool2d, maxPool2dWithIndices } from './functional/pooling';
import { Module } from './module';

type Pair = number | [number, number];

/** The window of a pooling module, validated: stride defaults to the kernel size, padding to 0. */
function poolWindow(kernelSize: Pair, stride: Pair | null | undefined, padding: Pair | undefined): { kernelSize: Pair; stride: Pair; padding: Pair } {
  pair(kernelSize, 'kernelSize', 1);
  const s = stride ?? kernelSize;
  pair(s, 'stride', 1);
  const p = padding ?? 0;
  pair(p, 'padding', 0);
  return { kernelSize, stride: s, padding: p };
}

export interface MaxPool2dModuleOptions {
  stride?: Pair | null;
  padding?: Pair;
  dilation?: Pair;
  returnIndices?: boolean;
  ceilMode?: boolean;
}

export class MaxPool2d extends Module {
  readonly kernelSize: Pair;
  readonly stride: Pair;
  readonly padding: Pair;
  readonly dilation: Pair;
  readonly returnIndices: boolean;
  readonly ceilMode: boolean;

  constructor(kernelSize: Pair, opts: MaxPool2dModuleOptions = {}) {
    super();
    const o = options(opts, 'MaxPool2d', ['stride', 'padding', 'dilation', 'returnIndices', 'ceilMode']);
    ({ kernelSize: this.kernelSize, stride: this.stride, padding: this.padding } = poolWindow(kernelSize, o.stride, o.padding));
    this.dilation = o.dilation ?? 1;
    pair(this.dilation, 'dilation', 1);
    this.returnIndices = bool(o.returnIndices ?? false, 'returnIndices');
    this.ceilMode = bool(o.ceilMode ?? false, 'ceilMode');
  }

  /** The pooled tensor, or { values, indices } when returnIndices. */
  forward(input: Tensor): any {
    const opts = { stride: this.stride, padding: this.padding, dilation: this.dilation, ceilMode: this.ceilMode };
    return this.returnIndices ? maxPool2dWithIndices(input, this.kernelSize, opts) : maxPool2d(input, this.kernelSize, opts);
  }

  extraRepr(): string {
    return `kernel_size=${this.kernelSize}, stride=${this.stride}, padding=${this.padding}, dilation=${this.dilation}, ceil_mode=${this.ceilMode ? 'True' : 'False'}`;
  }
}

export interface AvgPool2dModuleOptions {
  stride?: Pair | null;
  padding?: Pair;
  ceilMode?: boolean;
  countIncludePad?: boolean;
  divisorOverride?: number | null;
}

export class AvgPool2d extends Module {
  readonly kernelSize: Pair;
  readonly stride: Pair;
  readonly padding: Pair;
  readonly ceilMode: boolean;
  readonly countIncludePad: boolean;
  readonly divisorOverride: number | null;

  constructor(kernelSize: Pair, opts: AvgPool2dModuleOptions = {}) {
    super();
    const o = options(opts, 'AvgPool2d', ['stride', 'padding', 'ceilMode', 'countIncludePad', 'divisorOverride']);
    ({ kernelSize: this.kernelSize, stride: this.stride, padding: this.padding } = poolWindow(kernelSize, o.stride, o.padding));
    this.ceilMode = bool(o.ceilMode ?? false, 'ceilMode');
    this.countIncludePad = bool(o.countIncludePad ?? true, 'countIncludePad');
    this.divisorOverride = o.divisorOverride == null ? null : int(o.divisorOverride, 'divisorOverride', 1);
  }

  forward(input: Tensor): Tensor {
    return avgPool2d(input, this.kernelSize, {
      stride: this.stride, padding: this.padding, ceilMode: this.ceilMode,
      countIncludePad: this.countIncludePad, divisorOverride: this.divisorOverride,
    });
  }

  extraRepr(): string {
    return `kernel_size=${this.kernelSize}, stride=${this.stride}, padding=${this.padding}`;
  }
}

export class AdaptiveAvgPool2d extends Module {
  readonly outputSize: AdaptiveSize;

  constructor(outputSize: AdaptiveSize) {
    super();
    if (typeof outputSize === 'number') int(outputSize, 'outputSize', 0);
    else if (!Array.isArray(outputSize) || outputSize.length !== 2) throw new TypeError('AdaptiveAvgPool2d(outputSize): an integer or a pair (entries may be null)');
    this.outputSize = outputSize;
  }

  forward(input: Tensor): Tensor {
    return adaptiveAvgPool2d(input, this.outputSize);
  }

  extraRepr(): string {
    return `output_size=${JSON.stringify(this.outputSize)}`;
  }
}

type FractionalRatio = number | number[];

/** nn.FractionalMaxPool2d / 3d: F.fractional_max_pool with fixed settings; `_randomSamples` is a buffer (None unless given). */
class FractionalMaxPool extends Module {
  readonly kernelSize: number[];
  readonly outputSize: number[] | null;
  readonly outputRatio: number[] | null;
  readonly returnIndices: boolean;

  constructor(private readonly dims: 2 | 3, kernelSize: number | number[], opts: FractionalMaxPoolModuleOptions, what: string) {
    super();
    const o = options(opts, what, ['outputSize', 'outputRatio', 'returnIndices', '_randomSamples']);
    const perDim = (v: number | number[], w: string): number[] => {
      if (typeof v === 'number') return new Array(dims).fill(v);
      if (!Array.isArray(v) || v.length !== dims) throw new TypeError(`${what}: ${w} must be a number or ${dims} numbers`);
      return v;
    };
    this.kernelSize = perDim(kernelSize, 'kernelSize').map((k) => int(k, 'kernelSize', 1));
    this.returnIndices = bool(o.returnIndices ?? false, 'returnIndices');
    // an alias of the given samples (same storage, as PyTorch's buffer): the module owns and disposes its handle
    const samples = optTensor(o._randomSamples, '_randomSamples');
    this.registerBuffer('_random_samples', samples && noGrad(() => samples.detach()));
    this.outputSize = o.outputSize === undefined || o.outputSize === null ? null : perDim(o.outputSize, 'outputSize').map((s) => int(s, 'outputSize', 1));
    this.outputRatio = o.outputRatio === undefined || o.outputRatio === null ? null : perDim(o.outputRatio, 'outputRatio').map((r) => num(r, 'outputRatio'));
    if (this.outputSize === null && this.outputRatio === null) throw new TypeError(`${what} requires specifying either an output size, or a pooling ratio`);
    if (this.outputSize !== null && this.outputRatio !== null) throw new TypeError('only one of output_size and output_ratio may be specified');
    if (this.outputRatio && !this.outputRatio.every((r) => r > 0 && r < 1)) throw new RangeError(`output_ratio must be between 0 and 1 (got ${JSON.stringify(o.outputRatio)})`);
  }

  /** The pooled tensor, or { values, indices } when returnIndices. */
  forward(input: Tensor): any {
    const opts = { outputSize: this.outputSize, outputRatio: this.outputRatio, returnIndices: this.returnIndices, _randomSamples: this.getBuffer('_random_samples') };
    return this.dims === 2 ? fractionalMaxPool2d(input, this.kernelSize as [number, number], opts) : fractionalMaxPool3d(input, this.kernelSize as [number, number, number], opts);
  }

  extraRepr(): string {
    return `kernel_size=${this.kernelSize}, ${this.outputSize ? `output_size=${this.outputSize}` : `output_ratio=${this.outputRatio}`}`;
  }
}

export interface FractionalMaxPoolModuleOptions {
  outputSize?: number | number[] | null;
  outputRatio?: FractionalRatio | null;
  returnIndices?: boolean;
  _randomSamples?: Tensor | null;
}

export class FractionalMaxPool2d extends FractionalMaxPool {
  constructor(kernelSize: number | [number, number], opts: FractionalMaxPoolModuleOptions = {}) {
    super(2, kernelSize, opts, 'FractionalMaxPool2d');
  }
}

export class FractionalMaxPool3d extends FractionalMaxPool {
  constructor(kernelSize: number | [number, number, number], opts: FractionalMaxPoolModuleOptions = {}) {
    super(3, kernelSize, opts, 'FractionalMaxPool3d');
  }
}
