/**
 * PASCAL-5i in PFENet's/BAM's layout: a VOC2012 folder with JPEGImages/ and
 * SegmentationClassAug/ (SBD-augmented grey labels), and PFENet's list files —
 * lists/pascal/voc_sbd_merge_noduplicate.txt (train, 5953 images) and lists/pascal/val.txt
 * (VOC val, 1449 images). 20 classes; fold f holds classes 5f+1 … 5f+5.
 */
import { buildDataset, DatasetOptions, FewShotDataset, FoldClasses } from './dataset';
import { findList, readList, requireDirs } from './lists';

export function pascalFold(fold: number): FoldClasses {
  if (![0, 1, 2, 3].includes(fold)) throw new RangeError(`Pascal5i: fold must be 0, 1, 2 or 3, got ${String(fold)}`);
  const all = Array.from({ length: 20 }, (_, i) => i + 1);
  const novel = all.filter((c) => c > 5 * fold && c <= 5 * fold + 5);
  return { novel, base: all.filter((c) => !novel.includes(c)) };
}

const LAYOUT = 'VOC2012 with JPEGImages/ and SegmentationClassAug/, lists in lists/pascal/';

/** Scans the split's labels (decoded off the JS thread) and resolves to the dataset. */
export async function Pascal5i(opts: DatasetOptions): Promise<FewShotDataset> {
  const who = 'Pascal5i';
  if (!opts || typeof opts.root !== 'string') throw new TypeError(`${who}({ root, fold, … }): root must be a path`);
  const folds = pascalFold(opts.fold);
  requireDirs(who, opts.root, ['JPEGImages', 'SegmentationClassAug'], LAYOUT);
  const split = opts.split ?? 'train';
  const names = split === 'val' ? ['val.txt'] : ['voc_sbd_merge_noduplicate.txt'];
  const candidates = names.flatMap((n) => [`lists/pascal/${n}`, n]).concat(split === 'val' ? ['ImageSets/Segmentation/val.txt'] : []);
  const list = findList(who, opts.root, opts.listFile, candidates);
  const items = readList(list, opts.root, (id) => [`JPEGImages/${id}.jpg`, `SegmentationClassAug/${id}.png`]);
  return buildDataset(who, opts.root, opts.fold, folds, opts, items);
}
