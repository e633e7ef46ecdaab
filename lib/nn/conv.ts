/** nn.Conv2d with PyTorch's arguments, validation, init (kaiming_uniform_(a=√5)) and padding modes. */
import { Tensor } from '../tensor';
import { bool, factory, FactoryOptions, int, options, pair } from './args';
import { checkPadding, conv2d, Padding2d } from './functional/conv';
import { pad } from './functional/padding';
import { explicitPadding, PADDING_MODES, PaddingMode } from './conv-geometry';
import { kaimingUniform_, calculateFanInAndFanOut, uniform_ } from './init';
import { Module } from './module';
import { emptyParameter } from './parameter';

export type { PaddingMode };

export interface Conv2dModuleOptions extends FactoryOptions {
  stride?: number | [number, number];
  padding?: Padding2d;
  dilation?: number | [number, number];
  groups?: number;
  bias?: boolean;
  paddingMode?: PaddingMode;
}

export class Conv2d extends Module {
  readonly inChannels: number;
  readonly outChannels: number;
  readonly kernelSize: [number, number];
  readonly stride: [number, number];
  readonly padding: [number, number] | 'same' | 'valid';
  readonly dilation: [number, number];
  readonly groups: number;
  readonly paddingMode: PaddingMode;
  /** F.pad's list for non-'zeros' padding modes: (left, right, top, bottom). */
  private readonly reversedPaddingRepeatedTwice: number[];

  constructor(inChannels: number, outChannels: number, kernelSize: number | [number, number], opts: Conv2dModuleOptions = {}) {
    super();
    const o = options(opts, 'Conv2d', ['stride', 'padding', 'dilation', 'groups', 'bias', 'paddingMode', 'device', 'dtype']);
    this.inChannels = int(inChannels, 'inChannels', 1);
    this.outChannels = int(outChannels, 'outChannels', 1);
    this.kernelSize = pair(kernelSize, 'kernelSize', 1);
    this.stride = pair(o.stride ?? 1, 'stride', 1);
    this.padding = checkPadding(o.padding ?? 0);
    this.dilation = pair(o.dilation ?? 1, 'dilation', 1);
    this.groups = int(o.groups ?? 1, 'groups');
    this.paddingMode = o.paddingMode ?? 'zeros';
    const withBias = bool(o.bias ?? true, 'bias');
    const f = factory(o);
    if (this.groups <= 0) throw new RangeError('groups must be a positive integer');
    if (this.inChannels % this.groups !== 0) throw new RangeError('in_channels must be divisible by groups');
    if (this.outChannels % this.groups !== 0) throw new RangeError('out_channels must be divisible by groups');
    if (!PADDING_MODES.includes(this.paddingMode as PaddingMode))
      throw new TypeError(`padding_mode must be one of ${JSON.stringify(PADDING_MODES)}, but got padding_mode='${String(this.paddingMode)}'`);
    if (this.padding === 'same' && this.stride.some((s) => s !== 1)) throw new RangeError("padding='same' is not supported for strided convolutions");
    this.reversedPaddingRepeatedTwice = explicitPadding(this);

    const [kh, kw] = this.kernelSize;
    this.registerParameter('weight', emptyParameter([this.outChannels, this.inChannels / this.groups, kh, kw], f));
    this.registerParameter('bias', withBias ? emptyParameter([this.outChannels], f) : null);
    this.resetParameters();
  }

  /** PyTorch's _ConvNd.reset_parameters. */
  resetParameters(): void {
    kaimingUniform_(this.weight, { a: Math.sqrt(5) });
    const b = this.bias;
    if (b) {
      const { fanIn } = calculateFanInAndFanOut(this.weight);
      if (fanIn !== 0) {
        const bound = 1 / Math.sqrt(fanIn);
        uniform_(b, -bound, bound);
      }
    }
  }

  get weight(): Tensor {
    return this.getParameter('weight')!;
  }
  get bias(): Tensor | null {
    return this.getParameter('bias');
  }

  forward(input: Tensor): Tensor {
    const opts = { stride: this.stride, dilation: this.dilation, groups: this.groups };
    if (this.paddingMode !== 'zeros') {
      const padded = pad(input, this.reversedPaddingRepeatedTwice, { mode: this.paddingMode });
      try {
        return conv2d(padded, this.weight, this.bias, { ...opts, padding: 0 });
      } finally {
        padded.dispose();
      }
    }
    return conv2d(input, this.weight, this.bias, { ...opts, padding: this.padding });
  }

  extraRepr(): string {
    let s = `${this.inChannels}, ${this.outChannels}, kernel_size=(${this.kernelSize.join(', ')}), stride=(${this.stride.join(', ')})`;
    const p = this.padding;
    if (typeof p === 'string' || p[0] !== 0 || p[1] !== 0) s += `, padding=${typeof p === 'string' ? `${p}` : `(${p.join(', ')})`}`;
    if (this.dilation[0] !== 1 || this.dilation[1] !== 1) s += `, dilation=(${this.dilation.join(', ')})`;
    if (this.groups !== 1) s += `, groups=${this.groups}`;
    if (!this.bias) s += ', bias=False';
    if (this.paddingMode !== 'zeros') s += `, padding_mode=${this.paddingMode}`;
    return s;
  }
}
