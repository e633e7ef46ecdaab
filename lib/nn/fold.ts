/**
 * Folding a frozen, eval-mode BatchNorm into the convolution before it: BN(conv(x)) =
 * conv'(x) with W' = scale·W and b' = scale·b + shift per output channel, where
 * scale = γ / √(running_var + ε) and shift = β − running_mean·scale. One convolution instead of
 * a convolution and a normalization, forward and backward, and no saved BN input.
 *
 * Folding is opt-in per BatchNorm (`foldIntoConv`, switched on by the SVF policy for the
 * BatchNorms it pins to eval) and done by convolutions that implement forwardFolded (SVDConv2d:
 * its merged weight is cached anyway, so the folded one replaces it; a dense Conv2d would need
 * a second copy of its weight and does not fold). It is used only while it is the same function
 * (up to float rounding): the BN in eval mode with running statistics and, when grad mode is
 * on, no trainable affine parameter. Otherwise the two modules run as they are. Folded weights
 * are cached in DerivedTensors (lib/nn/derived.ts), so a stale one is never used.
 */
import { tidy } from '../memory';
import { Tensor } from '../tensor';
import { Module } from './module';

/** The per-channel affine of a foldable normalization, with the key its values derive from. */
export interface NormAffine {
  scale: Tensor;
  shift: Tensor;
  key: string;
}

/** A normalization that can hand its affine to the preceding convolution. */
export interface FoldableNorm extends Module {
  /** The affine, or null when folding would not be exact now. */
  foldedAffine(): NormAffine | null;
}

/** A convolution that can run with a following normalization's affine folded in. */
export interface NormFoldingConv extends Module {
  /** conv'(x) with the affine folded in, or null when this conv cannot fold now. */
  forwardFolded(x: Tensor, affine: NormAffine): Tensor | null;
}

export function isFoldableNorm(m: Module): m is FoldableNorm {
  return typeof (m as unknown as { foldedAffine?: unknown }).foldedAffine === 'function';
}

export function isNormFoldingConv(m: Module): m is NormFoldingConv {
  return typeof (m as unknown as { forwardFolded?: unknown }).forwardFolded === 'function';
}

/** W' = scale·W (per output channel, dim 0) for a conv weight of any rank. */
export function scaleRows(w: Tensor, scale: Tensor): Tensor {
  return tidy(() => w.mul(scale.reshape([scale.numel(), ...new Array(w.ndim - 1).fill(1)])));
}

/** b' = scale·b + shift (b absent: shift). */
export function foldBias(bias: Tensor | null, affine: NormAffine): Tensor {
  return tidy(() => (bias ? bias.mul(affine.scale).add(affine.shift) : affine.shift.clone()));
}

/** norm(conv(x)), folded into one convolution when both allow it. */
export function convThenNorm(conv: Module, norm: Module, x: Tensor): Tensor {
  if (isNormFoldingConv(conv) && isFoldableNorm(norm)) {
    const affine = norm.foldedAffine();
    if (affine) {
      const y = conv.forwardFolded(x, affine);
      if (y) return y;
    }
  }
  const h = conv.forward(x) as Tensor;
  try {
    return norm.forward(h) as Tensor;
  } finally {
    if (h !== x) h.dispose();
  }
}
