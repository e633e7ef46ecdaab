/**
 * torchvision's ResNet family with its exact state_dict keys and initialization, plus the
 * PSPNet/PFENet "deep stem" (three 3×3 convs; keys conv1/bn1/conv2/bn2/conv3/bn3).
 */
import { noGrad } from '../autograd';
import { ReLU } from '../nn/activation';
import { BatchNorm2d } from '../nn/batchnorm';
import { Conv2d } from '../nn/conv';
import { Sequential } from '../nn/container';
import { constant_, kaimingNormal_ } from '../nn/init';
import { Linear } from '../nn/linear';
import { Module } from '../nn/module';
import { AdaptiveAvgPool2d, MaxPool2d } from '../nn/pooling';
import { Tensor } from '../tensor';
import { BasicBlock, BlockClass, Bottleneck, conv1x1, conv3x3, NormLayer, step } from './blocks';
import { ConvNormPairs } from '../nn/fold';

export interface ResNetOptions {
  numClasses?: number;
  zeroInitResidual?: boolean;
  groups?: number;
  widthPerGroup?: number;
  /** Per layer2..layer4: replace the stride-2 with dilation (DeepLab/PSPNet output stride 8/16). */
  replaceStrideWithDilation?: [boolean, boolean, boolean];
  /** The three-conv stem of PSPNet/PFENet `resnet50_v2`-style weights (inplanes becomes 128). */
  deepStem?: boolean;
  normLayer?: NormLayer;
}

function checkOptions(opts: ResNetOptions): Required<Omit<ResNetOptions, 'normLayer'>> & { normLayer: NormLayer } {
  if (opts === null || typeof opts !== 'object') throw new TypeError('ResNet options must be an object');
  const numClasses = opts.numClasses ?? 1000;
  if (!Number.isInteger(numClasses) || numClasses < 1) throw new RangeError(`numClasses must be a positive integer, got ${String(numClasses)}`);
  const rswd = opts.replaceStrideWithDilation ?? [false, false, false];
  if (!Array.isArray(rswd) || rswd.length !== 3 || rswd.some((v) => typeof v !== 'boolean'))
    throw new RangeError(`replaceStrideWithDilation should be null or a 3-element array of booleans, got ${JSON.stringify(rswd)}`);
  const groups = opts.groups ?? 1;
  const widthPerGroup = opts.widthPerGroup ?? 64;
  if (!Number.isInteger(groups) || groups < 1) throw new RangeError('groups must be a positive integer');
  if (!Number.isInteger(widthPerGroup) || widthPerGroup < 1) throw new RangeError('widthPerGroup must be a positive integer');
  for (const k of ['zeroInitResidual', 'deepStem'] as const)
    if (opts[k] !== undefined && typeof opts[k] !== 'boolean') throw new TypeError(`${k} must be a boolean`);
  if (opts.normLayer !== undefined && typeof opts.normLayer !== 'function') throw new TypeError('normLayer must be a function (numFeatures) => Module');
  return {
    numClasses, groups, widthPerGroup, replaceStrideWithDilation: rswd as [boolean, boolean, boolean],
    zeroInitResidual: opts.zeroInitResidual ?? false, deepStem: opts.deepStem ?? false,
    normLayer: opts.normLayer ?? ((n: number) => new BatchNorm2d(n)),
  };
}

/**
 * forward reads every child from the registry on each call (so a resolver may swap convs), and
 * frees the intermediate activations it owns as soon as they are consumed; outputs of blocks
 * inside the layer Sequentials are freed by an enclosing torch.tidy, as every forward should run.
 */
export class ResNet extends Module implements ConvNormPairs {
  readonly deepStem: boolean;
  private inplanes: number;
  private dilation = 1;
  private readonly groups: number;
  private readonly baseWidth: number;
  private readonly normLayer: NormLayer;

  constructor(block: BlockClass, layers: [number, number, number, number], opts: ResNetOptions = {}) {
    super();
    if (block !== BasicBlock && block !== Bottleneck) throw new TypeError('ResNet(block): block must be BasicBlock or Bottleneck');
    if (!Array.isArray(layers) || layers.length !== 4 || layers.some((n) => !Number.isInteger(n) || n < 1))
      throw new RangeError('ResNet(block, layers): layers must be 4 positive integers');
    const o = checkOptions(opts);
    this.groups = o.groups;
    this.baseWidth = o.widthPerGroup;
    this.normLayer = o.normLayer;
    this.deepStem = o.deepStem;
    const norm = this.normLayer;

    if (this.deepStem) {
      this.registerModule('conv1', conv3x3(3, 64, 2));
      this.registerModule('bn1', norm(64));
      this.registerModule('relu', new ReLU({ inplace: true }));
      this.registerModule('conv2', conv3x3(64, 64));
      this.registerModule('bn2', norm(64));
      this.registerModule('conv3', conv3x3(64, 128));
      this.registerModule('bn3', norm(128));
      this.inplanes = 128;
    } else {
      this.inplanes = 64;
      this.registerModule('conv1', new Conv2d(3, 64, 7, { stride: 2, padding: 3, bias: false }));
      this.registerModule('bn1', norm(64));
      this.registerModule('relu', new ReLU({ inplace: true }));
    }
    this.registerModule('maxpool', new MaxPool2d(3, { stride: 2, padding: 1 }));
    const rswd = o.replaceStrideWithDilation;
    this.registerModule('layer1', this.makeLayer(block, 64, layers[0]));
    this.registerModule('layer2', this.makeLayer(block, 128, layers[1], 2, rswd[0]));
    this.registerModule('layer3', this.makeLayer(block, 256, layers[2], 2, rswd[1]));
    this.registerModule('layer4', this.makeLayer(block, 512, layers[3], 2, rswd[2]));
    this.registerModule('avgpool', new AdaptiveAvgPool2d([1, 1]));
    this.registerModule('fc', new Linear(512 * block.expansion, o.numClasses));

    noGrad(() => {
      for (const m of this.modules()) {
        if (m instanceof Conv2d) kaimingNormal_(m.weight, { mode: 'fan_out', nonlinearity: 'relu' });
        else if (m instanceof BatchNorm2d) {
          if (m.weight) constant_(m.weight, 1);
          if (m.bias) constant_(m.bias, 0);
        }
      }
      if (o.zeroInitResidual) {
        for (const m of this.modules()) {
          const bn = m instanceof Bottleneck ? m.getChild('bn3') : m instanceof BasicBlock ? m.getChild('bn2') : null;
          if (bn instanceof BatchNorm2d && bn.weight) constant_(bn.weight, 0);
        }
      }
    });
  }

  private makeLayer(block: BlockClass, planes: number, blocks: number, stride = 1, dilate = false): Sequential {
    let downsample: Module | null = null;
    const previousDilation = this.dilation;
    if (dilate) {
      this.dilation *= stride;
      stride = 1;
    }
    if (stride !== 1 || this.inplanes !== planes * block.expansion) {
      downsample = new Sequential(conv1x1(this.inplanes, planes * block.expansion, stride), this.normLayer(planes * block.expansion));
    }
    const common = { groups: this.groups, baseWidth: this.baseWidth, normLayer: this.normLayer };
    const layers: Module[] = [new block(this.inplanes, planes, { ...common, stride, downsample, dilation: previousDilation })];
    this.inplanes = planes * block.expansion;
    for (let i = 1; i < blocks; i++) layers.push(new block(this.inplanes, planes, { ...common, dilation: this.dilation }));
    return new Sequential(...layers);
  }

  /** The stem through max-pool, reading the current children. */
  forwardStem(x: Tensor): Tensor {
    let out = x;
    for (const [conv, bn] of this.convNormPairs()) {
      out = step(this, conv, out, x);
      out = step(this, bn, out, x);
      out = step(this, 'relu', out, x);
    }
    return step(this, 'maxpool', out, x);
  }

  /** The stem's conv → BatchNorm pairs (the blocks list their own). */
  convNormPairs(): [string, string][] {
    return this.deepStem ? [['conv1', 'bn1'], ['conv2', 'bn2'], ['conv3', 'bn3']] : [['conv1', 'bn1']];
  }

  /** Features after layer4 (before pooling). */
  forwardFeatures(x: Tensor): Tensor {
    let out = this.forwardStem(x);
    for (const name of ['layer1', 'layer2', 'layer3', 'layer4']) out = step(this, name, out, x);
    return out;
  }

  forward(x: Tensor): Tensor {
    let out = this.forwardFeatures(x);
    out = step(this, 'avgpool', out, x);
    const flat = out.flatten(1);
    if (flat !== out && out !== x) out.dispose();
    return step(this, 'fc', flat, x);
  }
}

/**
 * layer0 of resnetLayers: a Sequential over the net's own stem modules (conv1, bn1, relu, …,
 * maxpool). Replacing one of its children — a model transform such as svf.fuseBatchNorm
 * swapping in another module — replaces it in the net too, so the two keep running the same
 * modules. (A transform applied to the net itself is not seen by a view made before it.)
 */
class ResNetStem extends Sequential {
  private owner: ResNet | null = null;
  private names: string[] = [];

  constructor(net: ResNet, names: string[]) {
    super(...names.map((n) => net.getChild(n)));
    this.owner = net;
    this.names = names;
  }

  registerModule(name: string, module: Module | null): void {
    super.registerModule(name, module);
    if (this.owner) this.owner.registerModule(this.names[Number(name)], module);
  }
}

/**
 * [layer0, layer1, layer2, layer3, layer4] of a ResNet, sharing its module objects: layer0 is a
 * Sequential of the stem (conv1, bn1, relu, [conv2, bn2, relu, conv3, bn3, relu,] maxpool).
 */
export function resnetLayers(net: ResNet): [Sequential, Module, Module, Module, Module] {
  if (!(net instanceof ResNet)) throw new TypeError('resnetLayers(net): net must be a models.ResNet');
  const stem = net.deepStem ? ['conv1', 'bn1', 'relu', 'conv2', 'bn2', 'relu', 'conv3', 'bn3', 'relu'] : ['conv1', 'bn1', 'relu'];
  const c = (name: string): Module => net.getChild(name);
  return [new ResNetStem(net, [...stem, 'maxpool']), c('layer1'), c('layer2'), c('layer3'), c('layer4')];
}
