/** torchvision-style models: the ResNet family and the layer split used by few-shot segmentation. */
export { ResNet, ResNetOptions, resnetLayers } from './resnet';
export { BasicBlock, Bottleneck, BlockOptions, NormLayer, conv1x1, conv3x3 } from './blocks';
export {
  resnet18, resnet34, resnet50, resnet101, resnet152, resnext50_32x4d, resnext101_32x8d,
  wide_resnet50_2, wide_resnet101_2, ResNetFactoryOptions,
} from './zoo';
