/** torch.nn.functional (also exported as `nn.F`). Every function is one ATen op via the dispatcher. */
export { conv2d, linear, Conv2dOptions, Padding2d } from './conv';
export { batchNorm, normalize, instanceNorm, BatchNormOptions, InstanceNormOptions } from './normalization';
export { relu, softmax, logSoftmax } from './activation';
export { maxPool2d, maxPool2dWithIndices, avgPool2d, adaptiveAvgPool2d, MaxPool2dOptions, AvgPool2dOptions, AdaptiveSize } from './pooling';
export { dropout, dropout1d, dropout2d, dropout3d, alphaDropout, featureAlphaDropout, DropoutOptions } from './dropout';
export { pad, PadMode } from './padding';
export { interpolate, InterpolateOptions, InterpolateMode } from './sampling';
export { crossEntropy, binaryCrossEntropyWithLogits, mseLoss, Reduction, CrossEntropyOptions, BceWithLogitsOptions } from './loss';
export { cosineSimilarity } from './distance';
export * from './losses';
export { gridSample, affineGrid, GridSampleOptions } from './grid';
export { embedding, EmbeddingOptions } from './embedding';
export { maxPool1d, maxPool3d, adaptiveMaxPool1d, adaptiveMaxPool2d, adaptiveMaxPool3d, unfold, fold, MaxPoolOptions, FoldOptions } from './pooling-nd';
export { softmin, softsign, tanhshrink, logsigmoid } from './activation-extra';
// The generated nn.functional ops that are one ATen op and not hand-written above.
export * from '../../generated/functional-exports';
