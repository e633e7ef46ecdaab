/**
 * The one place of a Conv2d's geometry (kernel, stride, padding incl. 'same'/'valid',
 * dilation, groups, padding mode): nn.Conv2d pads with it, and SVF's SVD convolutions (merged
 * mode, the factored node, rebuild) run a dense conv with any weight under it.
 */
import { conv2d } from './functional/conv';
import { pad, PadMode } from './functional/padding';
import { Tensor } from '../tensor';

export type PaddingMode = 'zeros' | 'reflect' | 'replicate' | 'circular';
export const PADDING_MODES: readonly PaddingMode[] = ['zeros', 'reflect', 'replicate', 'circular'];

export interface ConvGeometry {
  inChannels: number;
  outChannels: number;
  kernelSize: [number, number];
  stride: [number, number];
  padding: [number, number] | 'same' | 'valid';
  dilation: [number, number];
  groups: number;
  paddingMode: PaddingMode;
}

export function geometryOf(conv: ConvGeometry): ConvGeometry {
  return {
    inChannels: conv.inChannels,
    outChannels: conv.outChannels,
    kernelSize: [conv.kernelSize[0], conv.kernelSize[1]],
    stride: [conv.stride[0], conv.stride[1]],
    padding: typeof conv.padding === 'string' ? conv.padding : [conv.padding[0], conv.padding[1]],
    dilation: [conv.dilation[0], conv.dilation[1]],
    groups: conv.groups,
    paddingMode: conv.paddingMode,
  };
}

/** PyTorch's _reversed_padding_repeated_twice: [left_w, right_w, top_h, bottom_h]. */
export function explicitPadding(g: Pick<ConvGeometry, 'padding' | 'dilation' | 'kernelSize'>): number[] {
  if (g.padding === 'valid') return [0, 0, 0, 0];
  if (g.padding === 'same') {
    const out: number[] = [];
    for (const d of [1, 0]) {
      const total = g.dilation[d] * (g.kernelSize[d] - 1);
      const left = Math.floor(total / 2);
      out.push(left, total - left);
    }
    return out;
  }
  return [g.padding[1], g.padding[1], g.padding[0], g.padding[0]];
}

/**
 * x as a convolution of this geometry reads it, and the (symmetric) padding left to the
 * convolution: zeros mode with symmetric padding needs no copy; another padding mode, or the
 * asymmetric zeros of an even-sized 'same' kernel, is padded here. The caller disposes `input`
 * when it is not x.
 */
export function padForConv(g: ConvGeometry, x: Tensor): { input: Tensor; padding: [number, number] } {
  const [left, right, top, bottom] = explicitPadding(g);
  if (g.paddingMode === 'zeros' && left === right && top === bottom) return { input: x, padding: [top, left] };
  const mode = (g.paddingMode === 'zeros' ? 'constant' : g.paddingMode) as PadMode;
  return { input: pad(x, [left, right, top, bottom], { mode }), padding: [0, 0] };
}

/** conv2d(x, weight, bias) with the geometry's stride/padding/dilation/groups and padding mode. */
export function convWithGeometry(g: ConvGeometry, x: Tensor, weight: Tensor, bias: Tensor | null): Tensor {
  const { input, padding } = padForConv(g, x);
  try {
    return conv2d(input, weight, bias, { stride: g.stride, dilation: g.dilation, groups: g.groups, padding });
  } finally {
    if (input !== x) input.dispose();
  }
}

/** Output spatial size of the conv for an input of spatial size [h, w]. */
export function outputSize(g: ConvGeometry, h: number, w: number): [number, number] {
  const p = explicitPadding(g);
  const o = (n: number, d: 0 | 1, before: number, after: number) =>
    Math.floor((n + before + after - g.dilation[d] * (g.kernelSize[d] - 1) - 1) / g.stride[d]) + 1;
  return [o(h, 0, p[2], p[3]), o(w, 1, p[0], p[1])];
}
