/**
 * Making one episode from file paths: decode, binarize the labels for the episode's class
 * (PFENet: class → 1, 255 stays 255, everything else — other classes included — → 0), and
 * augment each image with its own seeded stream. No tensors here: the loader's worker threads
 * run this file.
 */
import { decodeImage, decodeMask } from '../vision/decode';
import { mixSeed, rng } from './rng';
import { Sample, Transform, apply, IGNORE } from './transforms';

/** One image/label pair of a list file. */
export interface Item {
  id: string;
  image: string;
  label: string;
}

export interface EpisodePlan {
  index: number;
  classId: number;
  query: Item;
  support: Item[];
}

export interface RawEpisode {
  classId: number;
  query: Sample;
  support: Sample[];
  /** The query's binarized label at its original size (PFENet evaluates on it). */
  rawMask: { mask: Uint8Array; height: number; width: number };
}

/** PFENet's label binarization for one class. */
export function binarize(labels: Uint8Array, classId: number): Uint8Array {
  const out = new Uint8Array(labels.length);
  for (let i = 0; i < labels.length; i++) out[i] = labels[i] === classId ? 1 : labels[i] === IGNORE ? IGNORE : 0;
  return out;
}

/** Image (HWC float 0–255) and binarized label of one item; image and label must have the same size. */
export async function loadItem(item: Item, classId: number): Promise<Sample> {
  const [img, lab] = await Promise.all([decodeImage(item.image), decodeMask(item.label)]);
  if (img.width !== lab.width || img.height !== lab.height)
    throw new Error(`image and label sizes differ: ${item.image} is ${img.width}×${img.height}, ${item.label} is ${lab.width}×${lab.height}`);
  return { image: Float32Array.from(img.data), mask: binarize(lab.data, classId), height: img.height, width: img.width };
}

/** Decodes and augments one episode; image k (query 0, supports 1…) draws from stream (seed, index, k). */
export async function loadEpisode(plan: EpisodePlan, transforms: Transform[], seed: number): Promise<RawEpisode> {
  const items = [plan.query, ...plan.support];
  const samples = await Promise.all(items.map((it) => loadItem(it, plan.classId)));
  const q = samples[0];
  const rawMask = { mask: q.mask, height: q.height, width: q.width };
  const out = samples.map((s, k) => (transforms.length ? apply(transforms, s, rng(mixSeed(seed, plan.index, k + 1))) : s));
  return { classId: plan.classId, query: out[0], support: out.slice(1), rawMask };
}
