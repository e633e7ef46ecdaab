/**
 * PFENet's backbones, split into layer0–layer4 with the official state_dict keys:
 * - the deep-stem ResNet-50/101 of PSPNet/PFENet (`resnet50_v2.pth`): layer0 = Sequential(conv1,
 *   bn1, relu1, conv2, bn2, relu2, conv3, bn3, relu3, maxpool) → keys layer0.0/1/3/4/6/7; layer3
 *   and layer4 dilated the PSPNet way: every block's conv2 has dilation 2 (layer3) / 4 (layer4),
 *   padding equal to it, stride 1 — the first block included — and the downsample conv stride 1.
 *   (torchvision's replaceStrideWithDilation keeps the first block of each layer at the previous
 *   dilation, a different function, so it is not used.)
 * - VGG-16-bn cut at features indices 7, 14, 24, 34 as get_vgg16_layer does.
 */
import { noGrad } from '../../autograd';
import { Module } from '../../nn/module';
import { BatchNorm2d } from '../../nn/batchnorm';
import { Conv2d } from '../../nn/conv';
import { ReLU } from '../../nn/activation';
import { Sequential } from '../../nn/container';
import { MaxPool2d } from '../../nn/pooling';
import { constant_, kaimingNormal_ } from '../../nn/init';
import { Bottleneck, conv1x1, conv3x3 } from '../../models/blocks';
import { TorchError } from '../../errors';
import { Tensor } from '../../tensor';

export type BackboneLayers = [Module, Module, Module, Module, Module];

const BLOCKS: Record<number, [number, number, number, number]> = { 50: [3, 4, 6, 3], 101: [3, 4, 23, 3], 152: [3, 8, 36, 3] };

const bn = (n: number) => new BatchNorm2d(n);

/** One ResNet layer of Bottlenecks; stride on the first block's conv2, every conv2 at `dilation`. */
function bottleneckLayer(inplanes: number, planes: number, blocks: number, stride: number, dilation: number): Sequential {
  const outplanes = planes * Bottleneck.expansion;
  const downsample = stride !== 1 || inplanes !== outplanes ? new Sequential(conv1x1(inplanes, outplanes, stride), bn(outplanes)) : null;
  const out: Module[] = [new Bottleneck(inplanes, planes, { stride, downsample, dilation, normLayer: bn })];
  for (let i = 1; i < blocks; i++) out.push(new Bottleneck(outplanes, planes, { dilation, normLayer: bn }));
  return new Sequential(...out);
}

/** The official resnet.py initialisation: kaiming_normal_(fan_out, relu) convs, BatchNorm 1/0. */
function initResnet(layers: Module[]): void {
  noGrad(() => {
    for (const l of layers) {
      for (const m of l.modules()) {
        if (m instanceof Conv2d) kaimingNormal_(m.weight, { mode: 'fan_out', nonlinearity: 'relu' });
        else if (m instanceof BatchNorm2d) {
          if (m.weight) constant_(m.weight, 1);
          if (m.bias) constant_(m.bias, 0);
        }
      }
    }
  });
}

/** layer0–layer4 of the deep-stem ResNet with PSPNet/PFENet dilation (output stride 8). */
export function dilatedResnetLayers(depth: number): BackboneLayers {
  const blocks = BLOCKS[depth];
  if (!blocks) throw new RangeError(`PFENet: layers must be 50, 101 or 152, got ${String(depth)}`);
  const relu = () => new ReLU({ inplace: true });
  const layer0 = new Sequential(
    conv3x3(3, 64, 2), bn(64), relu(), conv3x3(64, 64), bn(64), relu(), conv3x3(64, 128), bn(128), relu(),
    new MaxPool2d(3, { stride: 2, padding: 1 }),
  );
  const layers: BackboneLayers = [
    layer0,
    bottleneckLayer(128, 64, blocks[0], 1, 1),
    bottleneckLayer(256, 128, blocks[1], 2, 1),
    bottleneckLayer(512, 256, blocks[2], 1, 2),
    bottleneckLayer(1024, 512, blocks[3], 1, 4),
  ];
  initResnet(layers);
  return layers;
}

/** VGG-16-bn features (cfg 'D', ceil-mode max-pools) cut into layer0–layer4 as get_vgg16_layer. */
export function vggLayers(): BackboneLayers {
  const cfg: (number | 'M')[] = [64, 64, 'M', 128, 128, 'M', 256, 256, 256, 'M', 512, 512, 512, 'M', 512, 512, 512, 'M'];
  const features: Module[] = [];
  let inC = 3;
  for (const v of cfg) {
    if (v === 'M') features.push(new MaxPool2d(2, { stride: 2, ceilMode: true }));
    else {
      features.push(new Conv2d(inC, v, 3, { padding: 1 }), bn(v), new ReLU({ inplace: true }));
      inC = v;
    }
  }
  noGrad(() => {
    for (const m of features) {
      if (m instanceof Conv2d) {
        kaimingNormal_(m.weight, { mode: 'fan_out', nonlinearity: 'relu' });
        if (m.bias) constant_(m.bias, 0);
      } else if (m instanceof BatchNorm2d) {
        if (m.weight) constant_(m.weight, 1);
        if (m.bias) constant_(m.bias, 0);
      }
    }
  });
  const cut = [0, 7, 14, 24, 34, 43];
  return [0, 1, 2, 3, 4].map((i) => new Sequential(...features.slice(cut[i], cut[i + 1]))) as unknown as BackboneLayers;
}

/** resnet50_v2.pth's key for a PFENet backbone key (layer0.N ↔ the stem's conv/bn names), or null. */
const STEM: Record<string, string> = { 0: 'conv1', 1: 'bn1', 3: 'conv2', 4: 'bn2', 6: 'conv3', 7: 'bn3' };

export function initmodelKey(pfenetKey: string): string | null {
  const m = /^layer0\.(\d+)\.(.+)$/.exec(pfenetKey);
  if (m) return STEM[m[1]] ? `${STEM[m[1]]}.${m[2]}` : null;
  return /^layer[1-4]\./.test(pfenetKey) ? pfenetKey : null;
}

/**
 * The backbone part of an initmodel state_dict (resnet50_v2.pth / resnet101_v2.pth keys: conv1,
 * bn1, …, layer1–4, fc) renamed to PFENet's keys. Strict: every backbone key must be there and
 * nothing but the classifier (fc.*) may be left over, each offender named.
 */
export function initmodelToPfenet(backboneKeys: string[], sd: Map<string, Tensor>): Map<string, Tensor> {
  const out = new Map<string, Tensor>();
  const used = new Set<string>();
  const missing: string[] = [];
  for (const k of backboneKeys) {
    const src = initmodelKey(k);
    const t = src === null ? undefined : sd.get(src);
    if (!t) missing.push(`${k} (${src ?? '?'})`);
    else {
      out.set(k, t);
      used.add(src!);
    }
  }
  const unexpected = [...sd.keys()].filter((k) => !used.has(k) && !/^fc\./.test(k));
  if (missing.length || unexpected.length) {
    throw new TorchError(`Error(s) in loading the backbone initmodel:\n\tMissing key(s): ${missing.join(', ') || 'none'}\n\tUnexpected key(s): ${unexpected.join(', ') || 'none'}`);
  }
  return out;
}
