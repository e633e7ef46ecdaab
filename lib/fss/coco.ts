/**
 * COCO-20i in PFENet's/BAM's layout: train2014/ and val2014/ images, grey label PNGs with the
 * 80 classes numbered 1–80 (0 background, 255 ignore) under annotations/train2014/ and
 * annotations/val2014/, and list files lists/coco/train.txt / val.txt ("image label" lines).
 * Folds: FWB's interleaved split by default (fold f: classes f+1, f+5, …, f+77 — PFENet's
 * use_split_coco), PANet's contiguous split as an option (fold f: 20f+1 … 20f+20).
 */
import { buildDataset, DatasetOptions, FewShotDataset, FoldClasses } from './dataset';
import { findList, readList, requireDirs } from './lists';

export type CocoSplitStyle = 'fwb' | 'panet';

export function cocoFold(fold: number, style: CocoSplitStyle = 'fwb'): FoldClasses {
  if (![0, 1, 2, 3].includes(fold)) throw new RangeError(`Coco20i: fold must be 0, 1, 2 or 3, got ${String(fold)}`);
  if (style !== 'fwb' && style !== 'panet') throw new RangeError(`Coco20i: splitStyle must be 'fwb' or 'panet', got ${String(style)}`);
  const all = Array.from({ length: 80 }, (_, i) => i + 1);
  const novel = style === 'fwb' ? all.filter((c) => (c - 1) % 4 === fold) : all.filter((c) => c > 20 * fold && c <= 20 * fold + 20);
  return { novel, base: all.filter((c) => !novel.includes(c)) };
}

const LAYOUT = 'COCO2014 with train2014/, val2014/, annotations/train2014/ and annotations/val2014/ label PNGs, lists in lists/coco/';

export async function Coco20i(opts: DatasetOptions & { splitStyle?: CocoSplitStyle }): Promise<FewShotDataset> {
  const who = 'Coco20i';
  if (!opts || typeof opts.root !== 'string') throw new TypeError(`${who}({ root, fold, … }): root must be a path`);
  const folds = cocoFold(opts.fold, opts.splitStyle ?? 'fwb');
  const split = opts.split ?? 'train';
  const dir = split === 'val' ? 'val2014' : 'train2014';
  requireDirs(who, opts.root, [dir, `annotations/${dir}`], LAYOUT);
  const name = split === 'val' ? 'val' : 'train';
  const list = findList(who, opts.root, opts.listFile, [`lists/coco/${name}.txt`, `${name}.txt`, `lists/coco/${name}_data_list.txt`]);
  const items = readList(list, opts.root, (id) => [`${dir}/${id}.jpg`, `annotations/${dir}/${id}.png`]);
  return buildDataset(who, opts.root, opts.fold, folds, opts, items);
}
