/**
 * Folding an eval-mode BatchNorm into the convolution before it: BN(conv(x)) = conv'(x) with
 * W' = scale·W and b' = scale·b + shift per output channel, where scale = γ / √(running_var + ε)
 * and shift = β − running_mean·scale (FrozenBatchNorm2d.scaleShift gives them). The arithmetic only:
 * which modules fold is decided by an explicit model transform (svf.fuseBatchNorm), not here.
 */
import { tidy } from '../memory';
import { Tensor } from '../tensor';

/** The per-channel affine of a frozen normalization, with the key its values derive from. */
export interface NormAffine {
  scale: Tensor;
  shift: Tensor;
  key: string;
}

/** W' = scale·W (per output channel, dim 0) for a conv weight of any rank. */
export function scaleRows(w: Tensor, scale: Tensor): Tensor {
  return tidy(() => w.mul(scale.reshape([scale.numel(), ...new Array(w.ndim - 1).fill(1)])));
}

/** b' = scale·b + shift (b absent: shift). */
export function foldBias(bias: Tensor | null, affine: NormAffine): Tensor {
  return tidy(() => (bias ? bias.mul(affine.scale).add(affine.shift) : affine.shift.clone()));
}

/**
 * A module that names which of its children run convolution → normalization back to back, the
 * norm consuming nothing but the conv's output (what torchvision's quantizable models list in
 * fuse_model). A Sequential needs no list: adjacent children are exactly that.
 */
export interface ConvNormPairs {
  convNormPairs(): [conv: string, norm: string][];
}
