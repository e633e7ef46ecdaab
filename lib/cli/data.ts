/** The dataset options train and eval share, and opening the dataset they name. */
import * as fss from '../fss';
import { FewShotDataset } from '../fss/dataset';
import { Transform } from '../fss/transforms';
import { OptionSpec, Parsed } from './args';
import { Output } from './output';
import { Progress } from './progress';

export const DATA_OPTIONS: OptionSpec[] = [
  { name: 'dataset', type: 'string', default: 'pascal', choices: ['pascal', 'coco'], help: 'PASCAL-5i (VOC2012 + SBD) or COCO-20i, in PFENet\'s layout' },
  { name: 'data-root', type: 'string', required: true, metavar: 'DIR', help: 'VOC2012 folder (JPEGImages/, SegmentationClassAug/) or COCO2014 folder' },
  { name: 'fold', type: 'int', default: 0, help: 'fold 0–3' },
  { name: 'shot', type: 'int', default: 1, help: 'support images per episode (K)' },
  { name: 'list', type: 'string', metavar: 'FILE', help: 'list file ("image label" lines) instead of the default lists/…' },
  { name: 'split-style', type: 'string', default: 'fwb', choices: ['fwb', 'panet'], help: 'COCO folds: FWB interleaved or PANet contiguous' },
  { name: 'filter-intersection', type: 'bool', help: 'training: drop images holding novel classes (BAM)' },
  { name: 'size', type: 'int', default: 473, help: 'crop (train) / test-resize (eval) size, PFENet\'s 473' },
  { name: 'workers', type: 'int', default: 2, help: 'loader worker threads' },
  { name: 'seed', type: 'int', default: 0, help: 'seed of episodes and augmentation' },
];

export async function openDataset(a: Parsed, split: 'train' | 'val', transform: Transform[], stderr?: Output['stderr']): Promise<FewShotDataset> {
  let progress: Progress | null = null;
  const onScan = (done: number, total: number) => {
    progress ??= new Progress(`scan ${split} labels`, total, { unit: 'file', stream: stderr });
    progress.tick();
  };
  const opts = {
    onScan,
    root: a.dataRoot as string, fold: a.fold as number, shot: a.shot as number, split, transform,
    listFile: a.list as string | undefined, filterIntersection: Boolean(a.filterIntersection),
  };
  return a.dataset === 'coco' ? fss.Coco20i({ ...opts, splitStyle: a.splitStyle as fss.CocoSplitStyle }) : fss.Pascal5i(opts);
}
