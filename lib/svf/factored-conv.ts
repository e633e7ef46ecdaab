/**
 * The factored SVD convolution conv_U(conv_V(x)·s) + b through the addon's single autograd node
 * (binding/factored_conv.cc): with U, V and b frozen it keeps only conv_V's output for the
 * backward pass, where the three composed ops would also keep x and the product (see the
 * header there), and applies a folded BatchNorm's affine without caching a scaled U.
 */
import { native } from '../native';
import { NormAffine } from '../nn/fold';
import { Tensor, wrap } from '../tensor';
import { ConvGeometry, padForConv } from '../nn/conv-geometry';

/** (conv_U(conv_V(x)·s) + bias), times affine.scale plus affine.shift per output channel when given. */
export function factoredConv(g: ConvGeometry, x: Tensor, v: Tensor, s: Tensor, u: Tensor, bias: Tensor | null, affine?: NormAffine): Tensor {
  const { input, padding } = padForConv(g, x);
  try {
    return wrap(native.factoredConv2d(input.handle, v.handle, s.handle, u.handle, bias ? bias.handle : null,
      affine ? affine.scale.handle : null, affine ? affine.shift.handle : null,
      [g.stride[0], g.stride[1], padding[0], padding[1], g.dilation[0], g.dilation[1], g.groups]));
  } finally {
    if (input !== x) input.dispose();
  }
}
