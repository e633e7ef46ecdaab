/**
 * A few-shot segmentation dataset with PFENet's rules (util/dataset.py): an image counts for a
 * class when the class covers ≥ 2·32·32 pixels; 0 is background and 255 ignored; images with
 * no counted class of the split are dropped; optionally (BAM's filter_intersection) training
 * drops images that hold any class outside the training classes. Episodes are seeded: episode
 * i of seed s is the same whatever order or worker makes it.
 */
import { decodeMask } from '../vision/decode';
import { EpisodePlan, Item, loadEpisode, RawEpisode } from './episode';
import { mixSeed, permutation, rng } from './rng';
import { episodeTensors, EpisodeTensors } from './tensors';
import { Transform } from './transforms';

/** PFENet's threshold (Shaban et al.'s: ≥ 2 cells after a 32× downsampling). */
export const MIN_CLASS_PIXELS = 2 * 32 * 32;

export interface DatasetOptions {
  root: string;
  fold: number;
  shot?: number;
  split?: 'train' | 'val';
  listFile?: string;
  /** Training only: drop images holding a class outside the training classes (BAM). */
  filterIntersection?: boolean;
  /** fss.transforms.* steps (e.g. trainTransforms(473)); none = raw uint8 images and labels. */
  transform?: Transform[];
  /** Label PNGs decoded at once while scanning (default 8). */
  concurrency?: number;
  /** Called as labels are scanned (a full VOC train list is ~6000 PNGs): done of total. */
  onScan?: (done: number, total: number) => void;
}

export interface FoldClasses {
  /** The fold's (novel) classes: evaluation episodes. */
  novel: number[];
  /** The other classes: training episodes. */
  base: number[];
}

export class FewShotDataset {
  readonly split: 'train' | 'val';
  readonly shot: number;
  /** The classes episodes of this split are drawn from (val: the fold's novel classes; train: the base classes). */
  readonly classes: number[];
  readonly transforms: Transform[];
  private readonly byClass = new Map<number, number[]>();

  constructor(
    readonly name: string,
    readonly root: string,
    readonly fold: number,
    readonly foldClasses: FoldClasses,
    opts: DatasetOptions,
    /** Usable images, in list-file order, with the classes counted in each. */
    readonly items: Item[],
    readonly itemClasses: number[][],
  ) {
    this.split = opts.split ?? 'train';
    this.shot = opts.shot ?? 1;
    this.classes = this.split === 'val' ? foldClasses.novel : foldClasses.base;
    this.transforms = opts.transform ?? [];
    for (const c of this.classes) this.byClass.set(c, []);
    itemClasses.forEach((cs, i) => cs.forEach((c) => this.byClass.get(c)!.push(i)));
    // a query needs a class with K images besides itself (PFENet would loop forever otherwise)
    this.queries = itemClasses.map((_, i) => i).filter((i) => this.usableClasses(i).length > 0);
    if (this.queries.length === 0) throw new Error(`${name}: no ${this.split} class of fold ${fold} has ${this.shot + 1} images (a query and ${this.shot} support)`);
  }

  /** Item indices that can be an episode's query, in list order. */
  readonly queries: number[];

  private usableClasses(item: number): number[] {
    return this.itemClasses[item].filter((c) => this.byClass.get(c)!.length - 1 >= this.shot);
  }

  get length(): number {
    return this.items.length;
  }

  /** Ids of the images usable for `classId`, in list-file order. */
  candidates(classId: number): string[] {
    const c = this.byClass.get(classId);
    if (!c) throw new RangeError(`${this.name}: class ${classId} is not a ${this.split} class of fold ${this.fold} (${this.classes.join(', ')})`);
    return c.map((i) => this.items[i].id);
  }

  /**
   * Which images episode `index` uses: the query is the list's images in order (val, as
   * PFENet's unshuffled loader) or in a seeded per-epoch shuffle (train), skipping images
   * none of whose classes has K other images; the class is drawn
   * among the query's counted classes, the K supports among that class's other images.
   */
  plan(index: number, seed = 0): EpisodePlan {
    if (!Number.isInteger(index) || index < 0) throw new RangeError(`${this.name}.episode(index): a non-negative integer, got ${index}`);
    const n = this.queries.length;
    let k = index % n;
    if (this.split === 'train') k = permutation(n, rng(mixSeed(seed, Math.floor(index / n), 0x5eed)))[k];
    const q = this.queries[k];
    const r = rng(mixSeed(seed, index));
    const usable = this.usableClasses(q);
    const classId = usable[Math.floor(r() * usable.length)];
    const pool = this.byClass.get(classId)!.filter((i) => i !== q);
    const support: Item[] = [];
    const taken = new Set<number>();
    while (support.length < this.shot) {
      const i = pool[Math.floor(r() * pool.length)];
      if (!taken.has(i)) { taken.add(i); support.push(this.items[i]); }
    }
    return { index, classId, query: this.items[q], support };
  }

  /** Decoded and transformed episode, without tensors (what loader workers send back). */
  rawEpisode(index: number, seed = 0): Promise<RawEpisode> {
    return loadEpisode(this.plan(index, seed), this.transforms, seed);
  }

  /** `{ classId, support: [{ image, mask }…], query: { image, mask, rawMask } }`; dispose the tensors when done. */
  async episode(index: number, seed = 0): Promise<EpisodeTensors> {
    return episodeTensors(await this.rawEpisode(index, seed));
  }
}

/** Counted classes (∈ `classes`, ≥ MIN_CLASS_PIXELS) of every item; null marks an item dropped by filterIntersection. */
export async function scanLabels(
  items: Item[], classes: number[], filterIntersection: boolean, concurrency = 8, onScan?: (done: number, total: number) => void,
): Promise<(number[] | null)[]> {
  const wanted = new Set(classes);
  const out: (number[] | null)[] = new Array(items.length);
  let next = 0;
  let done = 0;
  const work = async () => {
    while (next < items.length) {
      const i = next++;
      const { data } = await decodeMask(items[i].label);
      const hist = new Uint32Array(256);
      for (let p = 0; p < data.length; p++) hist[data[p]]++;
      let foreign = false;
      const counted: number[] = [];
      for (let c = 1; c < 255; c++) {
        if (hist[c] === 0) continue;
        if (!wanted.has(c)) foreign = true;
        else if (hist[c] >= MIN_CLASS_PIXELS) counted.push(c);
      }
      out[i] = filterIntersection && foreign ? null : counted;
      onScan?.(++done, items.length);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, concurrency) }, work));
  return out;
}

/** Scans the labels and builds the dataset (the shared tail of Pascal5i and Coco20i). */
export async function buildDataset(name: string, root: string, fold: number, folds: FoldClasses, opts: DatasetOptions, all: Item[]): Promise<FewShotDataset> {
  const split = opts.split ?? 'train';
  if (split !== 'train' && split !== 'val') throw new RangeError(`${name}: split must be 'train' or 'val', got ${String(split)}`);
  const shot = opts.shot ?? 1;
  if (!Number.isInteger(shot) || shot < 1) throw new RangeError(`${name}: shot must be a positive integer, got ${String(shot)}`);
  const classes = split === 'val' ? folds.novel : folds.base;
  const filter = split === 'train' && (opts.filterIntersection ?? false);
  const counted = await scanLabels(all, classes, filter, opts.concurrency, opts.onScan);
  const items: Item[] = [];
  const itemClasses: number[][] = [];
  counted.forEach((cs, i) => {
    if (cs && cs.length) { items.push(all[i]); itemClasses.push(cs); }
  });
  if (items.length === 0) throw new Error(`${name}: no image in the list has a ${split} class of fold ${fold} covering ≥ ${MIN_CLASS_PIXELS} pixels`);
  return new FewShotDataset(name, root, fold, folds, { ...opts, split, shot }, items, itemClasses);
}
