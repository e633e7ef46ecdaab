/**
 * svf: Singular Value Fine-tuning — decompose a backbone's Conv2d/Linear layers into
 * U·diag(S)·V (resolver), train only S (svfModules / applyPolicy), checkpoint S alone, and fold
 * back into dense layers (rebuild). See docs/SVF.md.
 */
export { resolver, resolverAsync, resolverTargets, decompose, svdLayers, DecomposeOptions, DenseLayer, SVDModule } from './resolver';
export { rebuild, rebuildLayer } from './rebuild';
export { SVDConv2d, SVDConv2dOptions, SVDConv2dParts } from './svd-conv2d';
export { SVDLinear } from './svd-linear';
export { SVDLayer } from './svd-layer';
export { svfModules, applyPolicy, trainableCount } from './policy';
export { fixBatchNorm, unfixBatchNorm, fuseBatchNorm, unfuseBatchNorm } from './fuse';
export { SVDConv2dBn, FoldedBatchNorm2d } from './svd-conv2d-bn';
export { saveSingularValues, loadSingularValues, setStrength, baseFingerprint } from './checkpoint';
export { cloneModule } from './clone';
export { factorize, Factors } from './decomposition';
export { layerKind, rankFor } from './rank';
export { ResolverOptions, ExecutionMode, DecompositionMethod, PolicyOptions } from './types';
export { mixSingularValues, saveMixedSingularValues, parseMixSpec, MixSpec, MixedSingularValues } from './mix';
