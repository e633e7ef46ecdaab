/**
 * torch.nn.functional (also exported as `nn.F`). One ATen op each where PyTorch's is one (the
 * generated ones below), composed as torch/nn/functional.py composes the others. The
 * hand-written ones take Python's optional parameters positionally or in an options object
 * (positional.ts).
 */
import type { DType } from '../../dtype';
import type { Tensor } from '../../tensor';
import * as activation from './activation';
import * as activationExtra from './activation-extra';
import * as composites from './composites';
import * as conv from './conv';
import * as distance from './distance';
import * as drop from './dropout';
import * as grid from './grid';
import * as emb from './embedding';
import * as fractional from './fractional-pool';
import * as gumbel from './gumbel';
import * as loss from './loss';
import * as losses from './losses';
import * as norm from './normalization';
import * as padding from './padding';
import * as pooling from './pooling';
import * as poolingNd from './pooling-nd';
import { pythonArgs } from './positional';
import * as sampling from './sampling';

export { Conv2dOptions, Padding2d } from './conv';
export { BatchNormOptions, InstanceNormOptions } from './normalization';
export { MaxPool2dOptions, AvgPool2dOptions, AdaptiveSize, maxPool2dWithIndices, adaptiveAvgPool2d } from './pooling';
export { DropoutOptions } from './dropout';
export { PadMode } from './padding';
export { InterpolateOptions, InterpolateMode } from './sampling';
export { Reduction, CrossEntropyOptions, BceWithLogitsOptions } from './loss';
export { linear } from './conv';
export { relu } from './activation';
export { softsign, tanhshrink, logsigmoid } from './activation-extra';
export { GridSampleOptions } from './grid';
export { EmbeddingOptions, EmbeddingBagOptions, EmbeddingBagMode } from './embedding';
export { GumbelSoftmaxOptions } from './gumbel';
export { FractionalMaxPoolOptions } from './fractional-pool';
export { MaxPoolOptions, FoldOptions } from './pooling-nd';
export {
  NllLossOptions, l1Loss, smoothL1Loss, huberLoss, klDiv, poissonNllLoss, marginRankingLoss, hingeEmbeddingLoss,
  softMarginLoss, cosineEmbeddingLoss, tripletMarginLoss, multiMarginLoss, multilabelMarginLoss, multilabelSoftMarginLoss,
} from './losses';

type Size1 = number | [number];
type Size2 = number | [number, number];
type Size3 = number | [number, number, number];
type Pooled = { values: Tensor; indices: Tensor };
type Reduction = loss.Reduction;

export const conv2d = pythonArgs<{
  (input: Tensor, weight: Tensor, options?: conv.Conv2dOptions & { bias?: Tensor | null }): Tensor;
  (input: Tensor, weight: Tensor, bias?: Tensor | null, stride?: Size2, padding?: conv.Padding2d, dilation?: Size2, groups?: number, options?: conv.Conv2dOptions): Tensor;
}>('conv2d', conv.conv2d, ['input', 'weight'], ['bias', 'stride', 'padding', 'dilation', 'groups']);

export const batchNorm = pythonArgs<{
  (input: Tensor, runningMean: Tensor | null, runningVar: Tensor | null, options?: norm.BatchNormOptions): Tensor;
  (input: Tensor, runningMean: Tensor | null, runningVar: Tensor | null, weight?: Tensor | null, bias?: Tensor | null, training?: boolean, momentum?: number, eps?: number, options?: norm.BatchNormOptions): Tensor;
}>('batchNorm', norm.batchNorm, ['input', 'runningMean', 'runningVar'], ['weight', 'bias', 'training', 'momentum', 'eps']);

export const instanceNorm = pythonArgs<{
  (input: Tensor, options?: norm.InstanceNormOptions): Tensor;
  (input: Tensor, runningMean?: Tensor | null, runningVar?: Tensor | null, weight?: Tensor | null, bias?: Tensor | null, useInputStats?: boolean, momentum?: number, eps?: number): Tensor;
}>('instanceNorm', norm.instanceNorm, ['input'], ['runningMean', 'runningVar', 'weight', 'bias', 'useInputStats', 'momentum', 'eps']);

export const normalize = pythonArgs<{
  (input: Tensor, options?: { p?: number; dim?: number; eps?: number }): Tensor;
  (input: Tensor, p?: number, dim?: number, eps?: number): Tensor;
}>('normalize', norm.normalize, ['input'], ['p', 'dim', 'eps']);

export const softmax = pythonArgs<{ (input: Tensor, dim: number, options?: { dtype?: DType }): Tensor; (input: Tensor, options: { dim: number; dtype?: DType }): Tensor }>('softmax', activation.softmax, ['input', 'dim'], [], ['dtype']);
export const logSoftmax = pythonArgs<{ (input: Tensor, dim: number, options?: { dtype?: DType }): Tensor; (input: Tensor, options: { dim: number; dtype?: DType }): Tensor }>('logSoftmax', activation.logSoftmax, ['input', 'dim'], [], ['dtype']);
export const softmin = pythonArgs<{ (input: Tensor, dim: number, options?: { dtype?: DType }): Tensor; (input: Tensor, options: { dim: number; dtype?: DType }): Tensor }>('softmin', activationExtra.softmin, ['input', 'dim'], [], ['dtype']);

const MAX_POOL = ['stride', 'padding', 'dilation', 'ceilMode', 'returnIndices'];
export const maxPool1d = pythonArgs<{
  (input: Tensor, kernelSize: Size1, options: poolingNd.MaxPoolOptions & { returnIndices: true }): Pooled;
  (input: Tensor, kernelSize: Size1, options?: poolingNd.MaxPoolOptions): Tensor;
  (input: Tensor, kernelSize: Size1, stride?: Size1 | null, padding?: Size1, dilation?: Size1, ceilMode?: boolean, returnIndices?: false): Tensor;
}>('maxPool1d', poolingNd.maxPool1d, ['input', 'kernelSize'], MAX_POOL);
export const maxPool2d = pythonArgs<{
  (input: Tensor, kernelSize: Size2, options: pooling.MaxPool2dOptions & { returnIndices: true }): Pooled;
  (input: Tensor, kernelSize: Size2, options?: pooling.MaxPool2dOptions): Tensor;
  (input: Tensor, kernelSize: Size2, stride?: Size2 | null, padding?: Size2, dilation?: Size2, ceilMode?: boolean, returnIndices?: false): Tensor;
}>('maxPool2d', pooling.maxPool2d, ['input', 'kernelSize'], MAX_POOL);
export const maxPool3d = pythonArgs<{
  (input: Tensor, kernelSize: Size3, options: poolingNd.MaxPoolOptions & { returnIndices: true }): Pooled;
  (input: Tensor, kernelSize: Size3, options?: poolingNd.MaxPoolOptions): Tensor;
  (input: Tensor, kernelSize: Size3, stride?: Size3 | null, padding?: Size3, dilation?: Size3, ceilMode?: boolean, returnIndices?: false): Tensor;
}>('maxPool3d', poolingNd.maxPool3d, ['input', 'kernelSize'], MAX_POOL);
export const avgPool2d = pythonArgs<{
  (input: Tensor, kernelSize: Size2, options?: pooling.AvgPool2dOptions): Tensor;
  (input: Tensor, kernelSize: Size2, stride?: Size2 | null, padding?: Size2, ceilMode?: boolean, countIncludePad?: boolean, divisorOverride?: number | null): Tensor;
}>('avgPool2d', pooling.avgPool2d, ['input', 'kernelSize'], ['stride', 'padding', 'ceilMode', 'countIncludePad', 'divisorOverride']);
type AdaptiveMax<S> = {
  (input: Tensor, outputSize: S, options: { returnIndices: true }): Pooled;
  (input: Tensor, outputSize: S, options?: { returnIndices?: boolean }): Tensor;
  (input: Tensor, outputSize: S, returnIndices: true): Pooled;
};
export const adaptiveMaxPool1d = pythonArgs<AdaptiveMax<number | [number | null]>>('adaptiveMaxPool1d', (x: Tensor, s: number, o: object) => poolingNd.adaptiveMaxPool1d(x, s, o), ['input', 'outputSize'], ['returnIndices']);
export const adaptiveMaxPool2d = pythonArgs<AdaptiveMax<number | [number | null, number | null]>>('adaptiveMaxPool2d', (x: Tensor, s: number, o: object) => poolingNd.adaptiveMaxPool2d(x, s, o), ['input', 'outputSize'], ['returnIndices']);
export const adaptiveMaxPool3d = pythonArgs<AdaptiveMax<number | [number | null, number | null, number | null]>>('adaptiveMaxPool3d', (x: Tensor, s: number, o: object) => poolingNd.adaptiveMaxPool3d(x, s, o), ['input', 'outputSize'], ['returnIndices']);

const FOLD = ['dilation', 'padding', 'stride'];
export const unfold = pythonArgs<{
  (input: Tensor, kernelSize: Size2, options?: poolingNd.FoldOptions): Tensor;
  (input: Tensor, kernelSize: Size2, dilation?: Size2, padding?: Size2, stride?: Size2): Tensor;
}>('unfold', poolingNd.unfold, ['input', 'kernelSize'], FOLD);
export const fold = pythonArgs<{
  (input: Tensor, outputSize: Size2, kernelSize: Size2, options?: poolingNd.FoldOptions): Tensor;
  (input: Tensor, outputSize: Size2, kernelSize: Size2, dilation?: Size2, padding?: Size2, stride?: Size2): Tensor;
}>('fold', poolingNd.fold, ['input', 'outputSize', 'kernelSize'], FOLD);

type DropoutFn = {
  (input: Tensor, options?: drop.DropoutOptions): Tensor;
  (input: Tensor, p?: number, training?: boolean, inplace?: boolean): Tensor;
};
const DROPOUT = ['p', 'training', 'inplace'];
export const dropout = pythonArgs<DropoutFn>('dropout', drop.dropout, ['input'], DROPOUT);
export const dropout1d = pythonArgs<DropoutFn>('dropout1d', drop.dropout1d, ['input'], DROPOUT);
export const dropout2d = pythonArgs<DropoutFn>('dropout2d', drop.dropout2d, ['input'], DROPOUT);
export const dropout3d = pythonArgs<DropoutFn>('dropout3d', drop.dropout3d, ['input'], DROPOUT);
export const alphaDropout = pythonArgs<DropoutFn>('alphaDropout', drop.alphaDropout, ['input'], DROPOUT);
export const featureAlphaDropout = pythonArgs<DropoutFn>('featureAlphaDropout', drop.featureAlphaDropout, ['input'], DROPOUT);

export const pad = pythonArgs<{
  (input: Tensor, pad: number[], options?: { mode?: padding.PadMode; value?: number | null }): Tensor;
  (input: Tensor, pad: number[], mode?: padding.PadMode, value?: number | null): Tensor;
}>('pad', padding.pad, ['input', 'pad'], ['mode', 'value']);

export const interpolate = pythonArgs<{
  (input: Tensor, options: sampling.InterpolateOptions): Tensor;
  (input: Tensor, size?: number | number[] | null, scaleFactor?: number | number[] | null, mode?: sampling.InterpolateMode, alignCorners?: boolean | null, recomputeScaleFactor?: boolean | null): Tensor;
}>('interpolate', sampling.interpolate, ['input'], ['size', 'scaleFactor', 'mode', 'alignCorners', 'recomputeScaleFactor', 'antialias']);

export const gridSample = pythonArgs<{
  (input: Tensor, grid: Tensor, options?: grid.GridSampleOptions): Tensor;
  (input: Tensor, grid: Tensor, mode?: grid.GridSampleOptions['mode'], paddingMode?: grid.GridSampleOptions['paddingMode'], alignCorners?: boolean | null): Tensor;
}>('gridSample', grid.gridSample, ['input', 'grid'], ['mode', 'paddingMode', 'alignCorners']);
export const affineGrid = pythonArgs<{
  (theta: Tensor, size: number[], options?: { alignCorners?: boolean | null }): Tensor;
  (theta: Tensor, size: number[], alignCorners?: boolean | null): Tensor;
}>('affineGrid', grid.affineGrid, ['theta', 'size'], ['alignCorners']);

export const embedding = pythonArgs<{
  (input: Tensor, weight: Tensor, options?: emb.EmbeddingOptions): Tensor;
  (input: Tensor, weight: Tensor, paddingIdx?: number | null, maxNorm?: number | null, normType?: number, scaleGradByFreq?: boolean, sparse?: boolean): Tensor;
}>('embedding', emb.embedding, ['input', 'weight'], ['paddingIdx', 'maxNorm', 'normType', 'scaleGradByFreq', 'sparse']);

export const embeddingBag = pythonArgs<{
  (input: Tensor, weight: Tensor, options?: emb.EmbeddingBagOptions): Tensor;
  (input: Tensor, weight: Tensor, offsets?: Tensor | null, maxNorm?: number | null, normType?: number, scaleGradByFreq?: boolean, mode?: emb.EmbeddingBagMode,
    sparse?: boolean, perSampleWeights?: Tensor | null, includeLastOffset?: boolean, paddingIdx?: number | null): Tensor;
}>('embeddingBag', emb.embeddingBag, ['input', 'weight'], ['offsets', 'maxNorm', 'normType', 'scaleGradByFreq', 'mode', 'sparse', 'perSampleWeights', 'includeLastOffset', 'paddingIdx']);

export const gumbelSoftmax = pythonArgs<{
  (logits: Tensor, options?: gumbel.GumbelSoftmaxOptions): Tensor;
  (logits: Tensor, tau?: number, hard?: boolean, eps?: number, dim?: number): Tensor;
}>('gumbelSoftmax', gumbel.gumbelSoftmax, ['logits'], ['tau', 'hard', 'eps', 'dim']);

const FRACTIONAL = ['outputSize', 'outputRatio', 'returnIndices', '_randomSamples'];
type Fractional<S, R> = {
  (input: Tensor, kernelSize: S, options: fractional.FractionalMaxPoolOptions & { returnIndices: true }): Pooled;
  (input: Tensor, kernelSize: S, options: fractional.FractionalMaxPoolOptions): Tensor;
  (input: Tensor, kernelSize: S, outputSize: S | null | undefined, outputRatio: R | null | undefined, returnIndices: true, _randomSamples?: Tensor | null): Pooled;
  (input: Tensor, kernelSize: S, outputSize: S | null | undefined, outputRatio?: R | null, returnIndices?: false, _randomSamples?: Tensor | null): Tensor;
};
export const fractionalMaxPool2d = pythonArgs<Fractional<Size2, number | [number, number]>>('fractionalMaxPool2d', fractional.fractionalMaxPool2d, ['input', 'kernelSize'], FRACTIONAL);
export const fractionalMaxPool3d = pythonArgs<Fractional<Size3, number | [number, number, number]>>('fractionalMaxPool3d', fractional.fractionalMaxPool3d, ['input', 'kernelSize'], FRACTIONAL);
/** F.fractional_max_pool2d_with_indices / 3d: the pools with returnIndices. */
export const fractionalMaxPool2dWithIndices = (input: Tensor, kernelSize: Size2, options: Omit<fractional.FractionalMaxPoolOptions, 'returnIndices'>): Pooled =>
  fractional.fractionalMaxPool2d(input, kernelSize, { ...options, returnIndices: true });
export const fractionalMaxPool3dWithIndices = (input: Tensor, kernelSize: Size3, options: Omit<fractional.FractionalMaxPoolOptions, 'returnIndices'>): Pooled =>
  fractional.fractionalMaxPool3d(input, kernelSize, { ...options, returnIndices: true });

export const cosineSimilarity = pythonArgs<{
  (x1: Tensor, x2: Tensor, options?: { dim?: number; eps?: number }): Tensor;
  (x1: Tensor, x2: Tensor, dim?: number, eps?: number): Tensor;
}>('cosineSimilarity', distance.cosineSimilarity, ['x1', 'x2'], ['dim', 'eps']);

export const crossEntropy = pythonArgs<{
  (input: Tensor, target: Tensor, options?: loss.CrossEntropyOptions): Tensor;
  (input: Tensor, target: Tensor, weight?: Tensor | null, options?: Omit<loss.CrossEntropyOptions, 'weight'>): Tensor;
}>('crossEntropy', loss.crossEntropy, ['input', 'target'], ['weight'], ['ignoreIndex', 'reduction', 'labelSmoothing']);
export const nllLoss = pythonArgs<{
  (input: Tensor, target: Tensor, options?: losses.NllLossOptions): Tensor;
  (input: Tensor, target: Tensor, weight?: Tensor | null, options?: Omit<losses.NllLossOptions, 'weight'>): Tensor;
}>('nllLoss', losses.nllLoss, ['input', 'target'], ['weight'], ['ignoreIndex', 'reduction']);
export const binaryCrossEntropy = pythonArgs<{
  (input: Tensor, target: Tensor, options?: { weight?: Tensor | null; reduction?: Reduction }): Tensor;
  (input: Tensor, target: Tensor, weight?: Tensor | null, options?: { reduction?: Reduction }): Tensor;
}>('binaryCrossEntropy', losses.binaryCrossEntropy, ['input', 'target'], ['weight'], ['reduction']);
export const binaryCrossEntropyWithLogits = pythonArgs<{
  (input: Tensor, target: Tensor, options?: loss.BceWithLogitsOptions): Tensor;
  (input: Tensor, target: Tensor, weight?: Tensor | null, options?: Omit<loss.BceWithLogitsOptions, 'weight'>): Tensor;
}>('binaryCrossEntropyWithLogits', loss.binaryCrossEntropyWithLogits, ['input', 'target'], ['weight'], ['reduction', 'posWeight']);
export const mseLoss = pythonArgs<(input: Tensor, target: Tensor, options?: { reduction?: Reduction }) => Tensor>('mseLoss', loss.mseLoss, ['input', 'target'], [], ['reduction']);

export const localResponseNorm = pythonArgs<{
  (input: Tensor, size: number, options?: { alpha?: number; beta?: number; k?: number }): Tensor;
  (input: Tensor, size: number, alpha?: number, beta?: number, k?: number): Tensor;
}>('localResponseNorm', composites.localResponseNorm, ['input', 'size'], ['alpha', 'beta', 'k']);
export const lpPool1d = pythonArgs<{
  (input: Tensor, normType: number, kernelSize: number, options?: { stride?: number | null; ceilMode?: boolean }): Tensor;
  (input: Tensor, normType: number, kernelSize: number, stride?: number | null, ceilMode?: boolean): Tensor;
}>('lpPool1d', composites.lpPool1d, ['input', 'normType', 'kernelSize'], ['stride', 'ceilMode']);
export const lpPool2d = pythonArgs<{
  (input: Tensor, normType: number, kernelSize: Size2, options?: { stride?: Size2 | null; ceilMode?: boolean }): Tensor;
  (input: Tensor, normType: number, kernelSize: Size2, stride?: Size2 | null, ceilMode?: boolean): Tensor;
}>('lpPool2d', composites.lpPool2d, ['input', 'normType', 'kernelSize'], ['stride', 'ceilMode']);
export const gaussianNllLoss = pythonArgs<{
  (input: Tensor, target: Tensor, variance: Tensor, options?: { full?: boolean; eps?: number; reduction?: Reduction }): Tensor;
  (input: Tensor, target: Tensor, variance: Tensor, full?: boolean, eps?: number, reduction?: Reduction): Tensor;
}>('gaussianNllLoss', composites.gaussianNllLoss, ['input', 'target', 'var'], ['full', 'eps', 'reduction']);
const UNPOOL = ['stride', 'padding', 'outputSize'];
type Unpool<S> = {
  (input: Tensor, indices: Tensor, kernelSize: S, options?: composites.MaxUnpoolOptions): Tensor;
  (input: Tensor, indices: Tensor, kernelSize: S, stride?: S | null, padding?: S, outputSize?: number[] | null): Tensor;
};
export const maxUnpool1d = pythonArgs<Unpool<Size1>>('maxUnpool1d', composites.maxUnpool1d, ['input', 'indices', 'kernelSize'], UNPOOL);
export const maxUnpool2d = pythonArgs<Unpool<Size2>>('maxUnpool2d', composites.maxUnpool2d, ['input', 'indices', 'kernelSize'], UNPOOL);
export const maxUnpool3d = pythonArgs<Unpool<Size3>>('maxUnpool3d', composites.maxUnpool3d, ['input', 'indices', 'kernelSize'], UNPOOL);
export const ctcLoss = pythonArgs<{
  (logProbs: Tensor, targets: Tensor, inputLengths: Tensor, targetLengths: Tensor, options?: { blank?: number; reduction?: Reduction; zeroInfinity?: boolean }): Tensor;
  (logProbs: Tensor, targets: Tensor, inputLengths: Tensor, targetLengths: Tensor, blank?: number, reduction?: Reduction, zeroInfinity?: boolean): Tensor;
}>('ctcLoss', composites.ctcLoss, ['logProbs', 'targets', 'inputLengths', 'targetLengths'], ['blank', 'reduction', 'zeroInfinity']);
/** F.upsample (deprecated in PyTorch for interpolate, same arguments). */
export const upsample = interpolate;
/** F.upsample_nearest(input, size?, scaleFactor?): interpolate with mode 'nearest'. */
export function upsampleNearest(input: Tensor, size?: number | number[] | null, scaleFactor?: number | number[] | null): Tensor {
  return sampling.interpolate(input, { size: size ?? undefined, scaleFactor: scaleFactor ?? undefined, mode: 'nearest' });
}
/** F.upsample_bilinear(input, size?, scaleFactor?): interpolate with mode 'bilinear' and alignCorners = true. */
export function upsampleBilinear(input: Tensor, size?: number | number[] | null, scaleFactor?: number | number[] | null): Tensor {
  return sampling.interpolate(input, { size: size ?? undefined, scaleFactor: scaleFactor ?? undefined, mode: 'bilinear', alignCorners: true });
}
/** F.max_pool1d_with_indices & co.: the pools with returnIndices. */
export const maxPool1dWithIndices = (input: Tensor, kernelSize: Size1, options: Omit<poolingNd.MaxPoolOptions, 'returnIndices'> = {}): Pooled =>
  poolingNd.maxPool1d(input, kernelSize, { ...options, returnIndices: true });
export const maxPool3dWithIndices = (input: Tensor, kernelSize: Size3, options: Omit<poolingNd.MaxPoolOptions, 'returnIndices'> = {}): Pooled =>
  poolingNd.maxPool3d(input, kernelSize, { ...options, returnIndices: true });
export const adaptiveMaxPool1dWithIndices = (input: Tensor, outputSize: number | [number | null]): Pooled => adaptiveMaxPool1d(input, outputSize, true);
export const adaptiveMaxPool2dWithIndices = (input: Tensor, outputSize: number | [number | null, number | null]): Pooled => adaptiveMaxPool2d(input, outputSize, true);
export const adaptiveMaxPool3dWithIndices = (input: Tensor, outputSize: number | [number | null, number | null, number | null]): Pooled => adaptiveMaxPool3d(input, outputSize, true);
export { MaxUnpoolOptions } from './composites';

// The generated nn.functional ops that are one ATen op and not hand-written above.
export * from '../../generated/functional-exports';
