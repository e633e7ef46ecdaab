/** torchvision's residual blocks (ResNet v1.5: the stride sits on the 3×3 conv of Bottleneck). */
import { Conv2d } from '../nn/conv';
import { Module } from '../nn/module';
import { ReLU } from '../nn/activation';
import { ConvNormPairs } from '../nn/fold';
import { Tensor } from '../tensor';

/** Builds the normalization layer of `n` channels (default nn.BatchNorm2d). */
export type NormLayer = (numFeatures: number) => Module;

export function conv3x3(inPlanes: number, outPlanes: number, stride = 1, groups = 1, dilation = 1): Conv2d {
  return new Conv2d(inPlanes, outPlanes, 3, { stride, padding: dilation, groups, bias: false, dilation });
}

export function conv1x1(inPlanes: number, outPlanes: number, stride = 1): Conv2d {
  return new Conv2d(inPlanes, outPlanes, 1, { stride, bias: false });
}

/**
 * Runs `child` on `x` and disposes `x` unless it is the caller's input or the result itself
 * (in-place modules return their input). The autograd graph keeps what it saved, so dropping
 * our handle early only frees memory sooner.
 */
export function step(owner: Module, child: string, x: Tensor, keepAlive: Tensor): Tensor {
  const y = owner.getChild(child).forward(x) as Tensor;
  if (y !== x && x !== keepAlive) x.dispose();
  return y;
}

export interface BlockOptions {
  stride?: number;
  downsample?: Module | null;
  groups?: number;
  baseWidth?: number;
  dilation?: number;
  normLayer: NormLayer;
}

/** The residual sum: out += identity (downsampled when needed), then ReLU. */
function residual(owner: Module, out: Tensor, x: Tensor): Tensor {
  const identity = owner.hasChild('downsample') ? (owner.getChild('downsample').forward(x) as Tensor) : x;
  out.add_(identity);
  if (identity !== x) identity.dispose();
  return step(owner, 'relu', out, x);
}

export class BasicBlock extends Module implements ConvNormPairs {
  static readonly expansion = 1;
  readonly stride: number;

  constructor(inplanes: number, planes: number, opts: BlockOptions) {
    super();
    const { stride = 1, downsample = null, groups = 1, baseWidth = 64, dilation = 1, normLayer } = opts;
    if (groups !== 1 || baseWidth !== 64) throw new RangeError('BasicBlock only supports groups=1 and base_width=64');
    if (dilation > 1) throw new RangeError('Dilation > 1 not supported in BasicBlock');
    this.registerModule('conv1', conv3x3(inplanes, planes, stride));
    this.registerModule('bn1', normLayer(planes));
    this.registerModule('relu', new ReLU({ inplace: true }));
    this.registerModule('conv2', conv3x3(planes, planes));
    this.registerModule('bn2', normLayer(planes));
    if (downsample) this.registerModule('downsample', downsample);
    this.stride = stride;
  }

  forward(x: Tensor): Tensor {
    let out = step(this, 'conv1', x, x);
    out = step(this, 'bn1', out, x);
    out = step(this, 'relu', out, x);
    out = step(this, 'conv2', out, x);
    out = step(this, 'bn2', out, x);
    return residual(this, out, x);
  }

  convNormPairs(): [string, string][] {
    return [['conv1', 'bn1'], ['conv2', 'bn2']];
  }
}

export class Bottleneck extends Module implements ConvNormPairs {
  static readonly expansion = 4;
  readonly stride: number;

  constructor(inplanes: number, planes: number, opts: BlockOptions) {
    super();
    const { stride = 1, downsample = null, groups = 1, baseWidth = 64, dilation = 1, normLayer } = opts;
    const width = Math.trunc(planes * (baseWidth / 64.0)) * groups;
    this.registerModule('conv1', conv1x1(inplanes, width));
    this.registerModule('bn1', normLayer(width));
    this.registerModule('conv2', conv3x3(width, width, stride, groups, dilation));
    this.registerModule('bn2', normLayer(width));
    this.registerModule('conv3', conv1x1(width, planes * Bottleneck.expansion));
    this.registerModule('bn3', normLayer(planes * Bottleneck.expansion));
    this.registerModule('relu', new ReLU({ inplace: true }));
    if (downsample) this.registerModule('downsample', downsample);
    this.stride = stride;
  }

  forward(x: Tensor): Tensor {
    let out = step(this, 'conv1', x, x);
    out = step(this, 'bn1', out, x);
    out = step(this, 'relu', out, x);
    out = step(this, 'conv2', out, x);
    out = step(this, 'bn2', out, x);
    out = step(this, 'relu', out, x);
    out = step(this, 'conv3', out, x);
    out = step(this, 'bn3', out, x);
    return residual(this, out, x);
  }

  convNormPairs(): [string, string][] {
    return [['conv1', 'bn1'], ['conv2', 'bn2'], ['conv3', 'bn3']];
  }
}

export type BlockClass = typeof BasicBlock | typeof Bottleneck;
