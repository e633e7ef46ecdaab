/**
 * SVDLinear: fc_V (in → rank, no bias) → ×vector_S (1, rank) → fc_U (rank → out, the
 * original bias). Registered fc_U, fc_V, vector_S like SVD_Conv2d, so the state_dict order is
 * vector_S, fc_U.weight, fc_U.bias, fc_V.weight.
 */
import { noGrad } from '../autograd';
import { Device } from '../device';
import { DType } from '../dtype';
import { tidy } from '../memory';
import { linear } from '../nn/functional/conv';
import { Linear } from '../nn/linear';
import { emptyParameter } from '../nn/parameter';
import { Tensor } from '../tensor';
import { SVDLayer } from './svd-layer';

export class SVDLinear extends SVDLayer {
  readonly inFeatures: number;
  readonly outFeatures: number;
  private readonly _rank: number;

  constructor(inFeatures: number, outFeatures: number, rank: number, opts: { bias?: boolean; device?: Device; dtype?: DType } = {}) {
    super();
    if (!Number.isInteger(rank) || rank < 1) throw new RangeError(`SVDLinear: rank must be a positive integer, got ${String(rank)}`);
    const factory = { device: opts.device, dtype: opts.dtype };
    this.registerModule('fc_U', new Linear(rank, outFeatures, { bias: opts.bias ?? true, ...factory }));
    this.registerModule('fc_V', new Linear(inFeatures, rank, { bias: false, ...factory }));
    this.registerParameter('vector_S', emptyParameter([1, rank], factory));
    this.inFeatures = inFeatures;
    this.outFeatures = outFeatures;
    this._rank = rank;
  }

  get rank(): number { return this._rank; }
  get fc_U(): Linear { return this.getChild<Linear>('fc_U'); }
  get fc_V(): Linear { return this.getChild<Linear>('fc_V'); }
  protected get uWeight(): Tensor { return this.fc_U.weight; }
  protected get vWeight(): Tensor { return this.fc_V.weight; }
  protected get uBias(): Tensor | null { return this.fc_U.bias; }

  /** Loads factors U (out, r), S (r), V (r, in) and the bias. */
  setFactors(U: Tensor, S: Tensor, V: Tensor, bias: Tensor | null): void {
    noGrad(() => tidy(() => {
      this.fc_U.weight.copy_(U);
      this.fc_V.weight.copy_(V);
      this.vector_S.copy_(S.reshape([1, this._rank]));
      const b = this.fc_U.bias;
      if (b && bias) b.copy_(bias);
    }));
    this.setBase(this.vector_S);
    this.invalidate();
  }

  protected mergeWeight(s: Tensor): Tensor {
    return tidy(() => this.uWeight.mul(s.reshape([1, this._rank])).matmul(this.vWeight));
  }

  protected denseForward(x: Tensor, weight: Tensor): Tensor {
    return linear(x, weight, this.uBias);
  }

  protected factoredForward(x: Tensor, s: Tensor): Tensor {
    return tidy(() => this.fc_U.forward(this.fc_V.forward(x).mul(s)));
  }

  protected costs(x: Tensor): { dense: number; v: number; u: number; merge: number } {
    const rows = x.numel() / this.inFeatures;
    const { inFeatures: i, outFeatures: o } = this;
    const r = this._rank;
    return { dense: rows * o * i, v: rows * r * i, u: rows * o * r, merge: o * r * i };
  }

  /** The equivalent dense Linear. */
  toLinear(): Linear {
    const w = this.uWeight;
    const lin = new Linear(this.inFeatures, this.outFeatures, { bias: this.uBias !== null, device: w.device, dtype: w.dtype });
    noGrad(() => tidy(() => {
      lin.weight.copy_(this.mergedWeightDetached());
      const b = this.uBias;
      if (b && lin.bias) lin.bias.copy_(b);
    }));
    return lin;
  }

  extraRepr(): string {
    return `in_features=${this.inFeatures}, out_features=${this.outFeatures}, rank=${this._rank}, bias=${this.uBias ? 'True' : 'False'}`;
  }
}
