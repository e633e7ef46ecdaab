/**
 * svf-torch: Singular Value Fine-tuning for TypeScript on LibTorch.
 *   import * as torch from 'svf-torch';
 *   const { nn, optim, models, svf } = torch;
 */
export { TorchError } from './errors';
export { DType, DTYPES } from './dtype';
export { Device } from './device';
export { Tensor, Scalar, Operand, NestedArray } from './tensor';
export * from './creation';
export * from './functions';
// The generated op layer: every torch.* ATen op not hand-written above, Tensor methods included.
export * from './generated/torch-exports';
export { unique, uniqueConsecutive, tensordot, lu, UniqueOptions } from './set-ops';
export { isTensor, nonzero } from './tensor-extras';
export { tidy, tidyOwned, keep, memory } from './memory';
export { noGrad, enableGrad, isGradEnabled, setGradEnabled } from './autograd';
export { manualSeed, getNumThreads, setNumThreads, cuda, version, trimMemory } from './runtime';
export * as autograd from './autograd';
export * as linalg from './linalg';
export * as special from './generated/special-exports';
export * as nn from './nn';
export * as models from './models';
export * as optim from './optim';
export * as svf from './svf';
export * as vision from './vision';
export * as fss from './fss';
export * as distributed from './distributed';
// serialization: torch.load/save/loadSafetensors/saveSafetensors
export * from './serialization';
