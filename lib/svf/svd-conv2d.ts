/**
 * SVD_Conv2d of the SVF code: conv_V (in → rank, the original kernel/stride/padding/
 * dilation/padding mode, no bias) → ×vector_S → conv_U (1×1, rank → out, the original bias).
 * Registration order conv_U, conv_V, vector_S gives PyTorch's state_dict order
 * (vector_S, conv_U.weight, conv_U.bias, conv_V.weight).
 *
 * Grouped convolutions are decomposed group by group (see decomposition.ts): conv_V and conv_U
 * both have `groups` = G, so conv_U.weight is (out, rank/G, 1, 1); with G = 1 this is the
 * original layout (out, rank, 1, 1).
 */
import { DType } from '../dtype';
import { Device } from '../device';
import { Conv2d } from '../nn/conv';
import { emptyParameter } from '../nn/parameter';
import { Tensor } from '../tensor';
import { tidy } from '../memory';
import { SVDLayer } from './svd-layer';
import { noGrad } from '../autograd';
import { recordsGraph } from '../nn/derived';
import { ConvGeometry, convWithGeometry, geometryOf, outputSize, PaddingMode } from '../nn/conv-geometry';
import { factoredConv } from './factored-conv';

export interface SVDConv2dOptions {
  stride?: [number, number];
  padding?: [number, number] | 'same' | 'valid';
  dilation?: [number, number];
  groups?: number;
  bias?: boolean;
  paddingMode?: PaddingMode;
  device?: Device;
  dtype?: DType;
}

/** The modules and singular values of an existing layer, for a layer built on them (no copy). */
export interface SVDConv2dParts {
  convU: Conv2d;
  convV: Conv2d;
  vectorS: Tensor;
}

export class SVDConv2d extends SVDLayer {
  readonly geometry: ConvGeometry;
  private readonly _rank: number;

  /**
   * An uninitialised (empty S) layer of the given geometry and total rank (a multiple of groups);
   * or, given `parts`, a layer on another layer's own conv_U, conv_V and vector_S (the model
   * transforms of fuse.ts swap layers this way without copying their state).
   */
  constructor(inChannels: number, outChannels: number, kernelSize: [number, number], rank: number, opts: SVDConv2dOptions = {}, parts?: SVDConv2dParts) {
    super();
    const groups = opts.groups ?? 1;
    if (!Number.isInteger(rank) || rank < 1) throw new RangeError(`SVDConv2d: rank must be a positive integer, got ${String(rank)}`);
    if (rank % groups !== 0) throw new RangeError(`SVDConv2d: rank ${rank} must be a multiple of groups ${groups}`);
    const factory = { device: opts.device, dtype: opts.dtype };
    const convU = parts?.convU ?? new Conv2d(rank, outChannels, 1, { groups, bias: opts.bias ?? true, ...factory });
    const convV = parts?.convV ?? new Conv2d(inChannels, rank, kernelSize, {
      stride: opts.stride ?? [1, 1], padding: opts.padding ?? [0, 0], dilation: opts.dilation ?? [1, 1],
      groups, bias: false, paddingMode: opts.paddingMode ?? 'zeros', ...factory,
    });
    this.registerModule('conv_U', convU);
    this.registerModule('conv_V', convV);
    this.registerParameter('vector_S', parts?.vectorS ?? emptyParameter([1, rank, 1, 1], factory));
    this.geometry = geometryOf({ ...geometryOf(convV as unknown as ConvGeometry), outChannels });
    this._rank = rank;
  }

  /** A plain SVDConv2d on this layer's modules and tensors (no copy), with its mode and strength. */
  unfused(): SVDConv2d {
    const g = this.geometry;
    const layer = new SVDConv2d(g.inChannels, g.outChannels, g.kernelSize, this._rank, { groups: g.groups }, this.parts());
    layer.adoptState(this);
    return layer;
  }

  /** This layer's conv_U, conv_V and vector_S, for a layer built on them. */
  parts(): SVDConv2dParts {
    return { convU: this.conv_U, convV: this.conv_V, vectorS: this.vector_S };
  }

  get rank(): number { return this._rank; }
  get conv_U(): Conv2d { return this.getChild<Conv2d>('conv_U'); }
  get conv_V(): Conv2d { return this.getChild<Conv2d>('conv_V'); }
  protected get uWeight(): Tensor { return this.conv_U.weight; }
  protected get vWeight(): Tensor { return this.conv_V.weight; }
  protected get uBias(): Tensor | null { return this.conv_U.bias; }

  /** Loads factors (U (out, r), S (G·r), V (G·r, K), see decomposition.ts) and the bias. */
  setFactors(U: Tensor, S: Tensor, V: Tensor, bias: Tensor | null): void {
    const g = this.geometry;
    const perGroup = this._rank / g.groups;
    noGrad(() => tidy(() => {
      this.conv_U.weight.copy_(U.reshape([g.outChannels, perGroup, 1, 1]));
      this.conv_V.weight.copy_(V.reshape([this._rank, g.inChannels / g.groups, g.kernelSize[0], g.kernelSize[1]]));
      this.vector_S.copy_(S.reshape([1, this._rank, 1, 1]));
      const b = this.conv_U.bias;
      if (b && bias) b.copy_(bias);
    }));
    this.setBase(this.vector_S);
    this.invalidate();
  }

  protected mergeWeight(s: Tensor): Tensor {
    const g = this.geometry;
    const G = g.groups;
    const r = this._rank / G;
    return tidy(() => {
      const u = this.uWeight.reshape([G, g.outChannels / G, r]);
      const v = this.vWeight.reshape([G, r, -1]);
      const us = u.mul(s.reshape([G, 1, r]));
      return us.matmul(v).reshape([g.outChannels, g.inChannels / G, g.kernelSize[0], g.kernelSize[1]]);
    });
  }

  protected denseForward(x: Tensor, weight: Tensor): Tensor {
    return convWithGeometry(this.geometry, x, weight, this.uBias);
  }

  /** U, V and the bias are frozen now: the factored path can run as one autograd node. */
  protected basesFrozen(): boolean {
    return ![this.uWeight, this.vWeight, this.uBias].some(recordsGraph);
  }

  protected factoredForward(x: Tensor, s: Tensor): Tensor {
    if (this.basesFrozen()) return factoredConv(this.geometry, x, this.vWeight, s, this.uWeight, this.uBias);
    return tidy(() => this.conv_U.forward(this.conv_V.forward(x).mul(s)));
  }

  protected costs(x: Tensor): { dense: number; v: number; u: number; merge: number } {
    const g = this.geometry;
    const [n, , h, w] = x.shape;
    const [oh, ow] = outputSize(g, h, w);
    const pixels = n * oh * ow;
    const K = (g.inChannels / g.groups) * g.kernelSize[0] * g.kernelSize[1];
    const r = this._rank / g.groups;
    return { dense: pixels * g.outChannels * K, v: pixels * this._rank * K, u: pixels * g.outChannels * r, merge: g.outChannels * r * K };
  }

  /** The equivalent dense Conv2d (W = U·diag(S_used)·V, the bias of conv_U). */
  toConv2d(): Conv2d {
    const g = this.geometry;
    const w = this.uWeight;
    const conv = new Conv2d(g.inChannels, g.outChannels, g.kernelSize, {
      stride: g.stride, padding: g.padding, dilation: g.dilation, groups: g.groups,
      bias: this.uBias !== null, paddingMode: g.paddingMode, device: w.device, dtype: w.dtype,
    });
    noGrad(() => tidy(() => {
      const merged = this.mergedWeightDetached();
      conv.weight.copy_(merged);
      const b = this.uBias;
      if (b && conv.bias) conv.bias.copy_(b);
    }));
    return conv;
  }

  extraRepr(): string {
    const g = this.geometry;
    return `${g.inChannels}, ${g.outChannels}, kernel_size=(${g.kernelSize.join(', ')}), rank=${this._rank}, stride=(${g.stride.join(', ')})` +
      (g.groups !== 1 ? `, groups=${g.groups}` : '');
  }
}
