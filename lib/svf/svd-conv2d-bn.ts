/**
 * The fused modules svf.fuseBatchNorm swaps in for an SVDConv2d and the frozen BatchNorm after
 * it (PyTorch's fuse_modules turns such a pair into one fused conv and an Identity; here each
 * keeps its slot, so the state_dict keys, order and values stay exactly the unfused model's):
 *
 * - SVDConv2dBn, in the conv's slot: the SVDConv2d on the conv's own conv_U, conv_V and
 *   vector_S, whose forward is bn(conv(x)) — one convolution with the BatchNorm's affine folded
 *   in: merged, a cached dense weight scale·W with bias scale·b + shift; factored, the
 *   single-node factored convolution applying the affine (no scaled copy of U is kept: it would
 *   cost as much memory as U). Where folding is not the same function — γ or β take part in
 *   autograd, U, V or the bias train, or a merged forward would need a graph — it runs the
 *   convolution and then the normalization.
 * - FoldedBatchNorm2d, in the BatchNorm's slot: a FrozenBatchNorm2d whose state (same keys)
 *   the fused conv reads, and whose forward is the identity (the conv before it applied it).
 */
import { FrozenBatchNorm2d } from '../nn/batchnorm-frozen';
import { BatchNorm2d } from '../nn/batchnorm';
import { versionStamp } from '../nn/derived';
import { foldBias, NormAffine, scaleRows } from '../nn/fold';
import { convWithGeometry } from '../nn/conv-geometry';
import { Tensor } from '../tensor';
import { factoredConv } from './factored-conv';
import { SVDConv2d } from './svd-conv2d';

export class FoldedBatchNorm2d extends FrozenBatchNorm2d {
  /** A folded BatchNorm on `bn`'s tensors (no copy). */
  static from(bn: BatchNorm2d): FoldedBatchNorm2d {
    return FrozenBatchNorm2d.sharing(bn, (n, o) => new FoldedBatchNorm2d(n, o));
  }

  /** The convolution before it has applied the normalization already. */
  forward(input: Tensor): Tensor {
    return input;
  }
}

export class SVDConv2dBn extends SVDConv2d {
  /** The BatchNorm folded in; registered in its own slot of the model, not here (keys stay its own). */
  readonly norm: FoldedBatchNorm2d;

  /** The fused pair on `conv`'s and `norm`'s tensors (no copy). */
  constructor(conv: SVDConv2d, norm: FoldedBatchNorm2d) {
    const g = conv.geometry;
    super(g.inChannels, g.outChannels, g.kernelSize, conv.rank, { groups: g.groups }, conv.parts());
    this.adoptState(conv);
    this.norm = norm;
  }

  forward(x: Tensor): Tensor {
    const affine = this.norm.scaleShift();
    const folded = affine ? this.forwardFolded(x, affine) : null;
    if (folded) return folded;
    const h = super.forward(x);
    try {
      return this.norm.normalize(h);
    } finally {
      h.dispose();
    }
  }

  /** norm(this(x)) as one convolution, or null when that would not be the same function now. */
  private forwardFolded(x: Tensor, affine: NormAffine): Tensor | null {
    const mode = this.chooseMode(x);
    const b = this.uBias;
    if (mode === 'merged') {
      if (this.needsGraph()) return null;
      this.lastMode = mode;
      const key = `${this.factorsKey()}|${versionStamp(b)}|${affine.key}`;
      const w = this.derived.get('merged-folded', key, () => scaleRows(this.mergedWeightDetached(), affine.scale));
      const fb = this.derived.get('merged-folded-bias', key, () => foldBias(b, affine));
      return convWithGeometry(this.geometry, x, w, fb);
    }
    if (!this.basesFrozen()) return null;
    this.lastMode = mode;
    return this.withEffectiveS((s) => factoredConv(this.geometry, x, this.vWeight, s, this.uWeight, b, affine));
  }
}
