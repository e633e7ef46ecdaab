/** torch.nn.functional (also exported as `nn.F`). Every function is one ATen op via the dispatcher. */
export { conv2d, linear, Conv2dOptions, Padding2d } from './conv';
export { batchNorm, normalize, BatchNormOptions } from './normalization';
export { relu, softmax, logSoftmax } from './activation';
export { maxPool2d, maxPool2dWithIndices, avgPool2d, adaptiveAvgPool2d, MaxPool2dOptions, AvgPool2dOptions, AdaptiveSize } from './pooling';
export { dropout, dropout2d, DropoutOptions } from './dropout';
export { pad, PadMode } from './padding';
export { interpolate, InterpolateOptions, InterpolateMode } from './sampling';
export { crossEntropy, binaryCrossEntropyWithLogits, mseLoss, Reduction, CrossEntropyOptions, BceWithLogitsOptions } from './loss';
export { cosineSimilarity } from './distance';
// The generated nn.functional ops that are one ATen op and not hand-written above.
export * from '../../generated/functional-exports';
