/**
 * fss: few-shot segmentation data in the community's layouts (PASCAL-5i, COCO-20i as PFENet
 * and BAM read them), PFENet's transforms, a prefetching loader and PFENet's metrics.
 */
export { Pascal5i, pascalFold } from './pascal';
export { Coco20i, cocoFold, CocoSplitStyle } from './coco';
export { FewShotDataset, DatasetOptions, FoldClasses, MIN_CLASS_PIXELS } from './dataset';
export { EpisodePlan, Item, RawEpisode } from './episode';
export { EpisodeTensors, SampleTensors, EpisodeBatch, disposeBatch } from './tensors';
export * as transforms from './transforms';
export { makeSyntheticDataset, SyntheticOptions, SyntheticImage } from './synthetic';
export * as metrics from './metrics';
export { EpisodeLoader, LoaderOptions, LoaderStats } from './loader';
export { prototypeLogits, prototypeFeatures } from './prototype';
export * as pfenet from './pfenet';
export { PFENet, PFENetOptions, PFENetTrainOutput } from './pfenet';
