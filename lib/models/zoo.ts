/** The torchvision constructors (architectures only; weights are loaded with loadStateDict). */
import { BasicBlock, Bottleneck } from './blocks';
import { ResNet, ResNetOptions } from './resnet';

export type ResNetFactoryOptions = Omit<ResNetOptions, 'groups' | 'widthPerGroup'>;

export const resnet18 = (opts: ResNetFactoryOptions = {}): ResNet => new ResNet(BasicBlock, [2, 2, 2, 2], opts);
export const resnet34 = (opts: ResNetFactoryOptions = {}): ResNet => new ResNet(BasicBlock, [3, 4, 6, 3], opts);
export const resnet50 = (opts: ResNetFactoryOptions = {}): ResNet => new ResNet(Bottleneck, [3, 4, 6, 3], opts);
export const resnet101 = (opts: ResNetFactoryOptions = {}): ResNet => new ResNet(Bottleneck, [3, 4, 23, 3], opts);
export const resnet152 = (opts: ResNetFactoryOptions = {}): ResNet => new ResNet(Bottleneck, [3, 8, 36, 3], opts);
export const resnext50_32x4d = (opts: ResNetFactoryOptions = {}): ResNet =>
  new ResNet(Bottleneck, [3, 4, 6, 3], { ...opts, groups: 32, widthPerGroup: 4 });
export const resnext101_32x8d = (opts: ResNetFactoryOptions = {}): ResNet =>
  new ResNet(Bottleneck, [3, 4, 23, 3], { ...opts, groups: 32, widthPerGroup: 8 });
export const wide_resnet50_2 = (opts: ResNetFactoryOptions = {}): ResNet =>
  new ResNet(Bottleneck, [3, 4, 6, 3], { ...opts, widthPerGroup: 128 });
export const wide_resnet101_2 = (opts: ResNetFactoryOptions = {}): ResNet =>
  new ResNet(Bottleneck, [3, 4, 23, 3], { ...opts, widthPerGroup: 128 });
