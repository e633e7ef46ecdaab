/**
 * A small few-shot segmentation dataset in the real on-disk layouts (VOC2012 + SBD as PFENet
 * reads it, or COCO2014 as PFENet/BAM prepare it): real JPEG images, grey label PNGs with a
 * 255 band around each object as VOC draws it, objects large and small (some under the 2·32·32
 * pixel threshold), and PFENet's list files. Each class has its own colour and texture, so a
 * backbone can learn it. Used by the main job, the tests and the loader benchmark.
 */
import * as fs from 'fs';
import * as path from 'path';
import { encodeJpeg, encodePng } from '../vision/decode';
import { rng } from './rng';

export interface SyntheticOptions {
  layout?: 'voc' | 'coco';
  /** Number of images (default 100); the first 60% form the train list, the rest val. */
  images?: number;
  /** Classes 1..numClasses appear (default 20 for voc, 80 for coco). */
  numClasses?: number;
  /** Image sides are drawn in [minSize, maxSize] (default 112..160). */
  minSize?: number;
  maxSize?: number;
  seed?: number;
}

export interface SyntheticImage {
  id: string;
  width: number;
  height: number;
  /** Pixels per class label (255 included) as written. */
  pixels: Record<number, number>;
}

function classColour(c: number): [number, number, number] {
  const hue = ((c * 137.5) % 360) / 60;
  const x = 1 - Math.abs((hue % 2) - 1);
  const rgb = [[1, x, 0], [x, 1, 0], [0, 1, x], [0, x, 1], [x, 0, 1], [1, 0, x]][Math.floor(hue) % 6];
  return rgb.map((v) => 40 + 200 * v) as [number, number, number];
}

/** Writes the dataset under `root` and returns what each image holds. */
export async function makeSyntheticDataset(root: string, opts: SyntheticOptions = {}): Promise<SyntheticImage[]> {
  const layout = opts.layout ?? 'voc';
  const n = opts.images ?? 100;
  const numClasses = opts.numClasses ?? (layout === 'voc' ? 20 : 80);
  const [lo, hi] = [opts.minSize ?? 112, opts.maxSize ?? 160];
  const r = rng(opts.seed ?? 1);
  const dirs = layout === 'voc'
    ? { train: ['JPEGImages', 'SegmentationClassAug'], val: ['JPEGImages', 'SegmentationClassAug'] }
    : { train: ['train2014', 'annotations/train2014'], val: ['val2014', 'annotations/val2014'] };
  for (const d of [...dirs.train, ...dirs.val]) fs.mkdirSync(path.join(root, d), { recursive: true });
  const nTrain = Math.round(n * 0.6);
  const out: SyntheticImage[] = [];
  const lines: { train: string[]; val: string[] } = { train: [], val: [] };
  for (let i = 0; i < n; i++) {
    const split = i < nTrain ? 'train' : 'val';
    const id = layout === 'voc' ? `2008_${String(i).padStart(6, '0')}` : `COCO_${split}2014_${String(i).padStart(12, '0')}`;
    const w = lo + Math.floor(r() * (hi - lo + 1));
    const h = lo + Math.floor(r() * (hi - lo + 1));
    const img = new Uint8Array(w * h * 3);
    const lab = new Uint8Array(w * h);
    const tint = [r(), r(), r()].map((v) => 60 + 80 * v);
    for (let p = 0; p < w * h; p++) for (let k = 0; k < 3; k++) img[p * 3 + k] = tint[k] + 40 * (r() - 0.5);
    // classes cycle within each split so every class gets images in both; a second, sometimes small, object
    const first = 1 + ((split === 'train' ? i : i - nTrain) % numClasses);
    const objects: { c: number; small: boolean }[] = [{ c: first, small: false }];
    if (r() < 0.6) objects.push({ c: 1 + ((first + 2 + Math.floor(r() * (numClasses - 3))) % numClasses), small: r() < 0.4 });
    for (const { c, small } of objects) {
      const rad = small ? 10 + r() * 8 : Math.min(w, h) * (0.28 + 0.12 * r());
      const cx = rad + r() * Math.max(1, w - 2 * rad);
      const cy = rad + r() * Math.max(1, h - 2 * rad);
      const ellipse = r() < 0.5;
      const col = classColour(c);
      const period = 3 + (c % 5);
      for (let y = 0; y < h; y++) {
        for (let x = 0; x < w; x++) {
          const d = ellipse ? Math.hypot(x - cx, y - cy) : Math.max(Math.abs(x - cx), Math.abs(y - cy));
          if (d > rad + 2) continue;
          const p = y * w + x;
          if (d > rad) { lab[p] = 255; continue; } // VOC's ignore band around objects
          const stripe = Math.floor((x + (c % 2 ? y : -y)) / period) % 2 ? 1 : 0.7;
          for (let k = 0; k < 3; k++) img[p * 3 + k] = Math.min(255, col[k] * stripe + 20 * (r() - 0.5));
          lab[p] = c;
        }
      }
    }
    const [imgDir, labDir] = dirs[split];
    const imgRel = `${imgDir}/${id}.jpg`;
    const labRel = `${labDir}/${id}.png`;
    await encodeJpeg({ data: img, width: w, height: h, channels: 3 }, path.join(root, imgRel), 92);
    await encodePng({ data: lab, width: w, height: h, channels: 1 }, path.join(root, labRel));
    lines[split].push(`${imgRel} ${labRel}`);
    const pixels: Record<number, number> = {};
    for (const v of lab) pixels[v] = (pixels[v] ?? 0) + 1;
    out.push({ id, width: w, height: h, pixels });
  }
  const listDir = path.join(root, 'lists', layout === 'voc' ? 'pascal' : 'coco');
  fs.mkdirSync(listDir, { recursive: true });
  const names = layout === 'voc' ? { train: 'voc_sbd_merge_noduplicate.txt', val: 'val.txt' } : { train: 'train.txt', val: 'val.txt' };
  fs.writeFileSync(path.join(listDir, names.train), lines.train.join('\n') + '\n');
  fs.writeFileSync(path.join(listDir, names.val), lines.val.join('\n') + '\n');
  return out;
}
