/** torch.nn: Module, Parameter, the layers, `functional` (alias `F`) and `init`. */
export { Module, Parameter, LoadStateDictResult, StateDictInput } from './module';
export { Conv2d, Conv2dModuleOptions, PaddingMode } from './conv';
export { Linear } from './linear';
export { BatchNorm2d, BatchNormModuleOptions } from './batchnorm';
export { FrozenBatchNorm2d } from './batchnorm-frozen';
export { Sequential, ModuleList, ModuleDict, Identity } from './container';
export { ReLU } from './activation';
export { NormAffine } from './fold';
export * as functional from './functional';
export * as F from './functional';
export * as init from './init';
export { MaxPool2d, AvgPool2d, AdaptiveAvgPool2d, FractionalMaxPool2d, FractionalMaxPool3d, FractionalMaxPoolModuleOptions } from './pooling';
export { Embedding, EmbeddingModuleOptions, EmbeddingBag, EmbeddingBagModuleOptions } from './embedding';
export { Dropout, Dropout2d } from './dropout';
export { Upsample, UpsampleOptions } from './upsample';
export * as parallel from './parallel';
