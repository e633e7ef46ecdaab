/** Episodes and batches as tensors (the only part of lib/fss that touches LibTorch). */
import { tensor } from '../creation';
import { stack } from '../generated/torch';
import { tidy } from '../memory';
import { Tensor } from '../tensor';
import { RawEpisode } from './episode';
import { Sample } from './transforms';

export interface SampleTensors {
  /** float32 [3, h, w] normalized after transforms, else uint8 [3, H, W] RGB. */
  image: Tensor;
  /** uint8 [h, w]: 1 the episode's class, 0 background, 255 ignore. */
  mask: Tensor;
}

export interface EpisodeTensors {
  classId: number;
  support: SampleTensors[];
  query: SampleTensors & { rawMask: Tensor };
}

/** Image tensor of a sample: normalized CHW float32 as is, else HWC 0–255 → uint8 CHW. */
export function imageTensor(s: Sample): Tensor {
  if (s.chw) return tensor(s.image, { shape: [3, s.height, s.width] });
  return tidy(() => tensor(Uint8Array.from(s.image, (v) => Math.min(255, Math.max(0, Math.round(v)))), { shape: [s.height, s.width, 3] }).permute(2, 0, 1).contiguous());
}

export function maskTensor(mask: Uint8Array, height: number, width: number): Tensor {
  return tensor(mask, { shape: [height, width] });
}

export function episodeTensors(e: RawEpisode): EpisodeTensors {
  const one = (s: Sample): SampleTensors => ({ image: imageTensor(s), mask: maskTensor(s.mask, s.height, s.width) });
  return {
    classId: e.classId,
    support: e.support.map(one),
    query: { ...one(e.query), rawMask: maskTensor(e.rawMask.mask, e.rawMask.height, e.rawMask.width) },
  };
}

/** A batch of B episodes of equal image size; tensors the caller disposes (dispose(batch)). */
export interface EpisodeBatch {
  /** float32 [B, 3, h, w] */
  query: Tensor;
  /** int64 [B, h, w] (1 / 0 / 255), ready for crossEntropy with ignoreIndex 255 */
  queryMask: Tensor;
  /** float32 [B, K, 3, h, w] */
  support: Tensor;
  /** float32 [B, K, h, w] with 255 kept (models decide what ignore means for a support) */
  supportMask: Tensor;
  classIds: number[];
  /** Per episode, the query's binarized label at its original size (uint8 [H, W]). */
  rawMasks: Tensor[];
  /** Episode indices in the dataset. */
  indices: number[];
}

export function collate(episodes: RawEpisode[], indices: number[]): EpisodeBatch {
  const [h, w] = [episodes[0].query.height, episodes[0].query.width];
  for (const e of episodes) {
    for (const s of [e.query, ...e.support]) {
      if (!s.chw) throw new Error('loader: episodes must end with Normalize (use fss.transforms.trainTransforms/testTransforms)');
      if (s.height !== h || s.width !== w) throw new Error(`loader: images of one batch differ in size (${s.height}×${s.width} vs ${h}×${w}); end the transforms with Crop or TestResize`);
    }
  }
  return tidy(() => {
    const img = (s: Sample) => tensor(s.image, { shape: [3, h, w] });
    const msk = (s: Sample) => maskTensor(s.mask, h, w);
    return {
      query: stack(episodes.map((e) => img(e.query))),
      queryMask: stack(episodes.map((e) => msk(e.query))).long(),
      support: stack(episodes.map((e) => stack(e.support.map(img)))),
      supportMask: stack(episodes.map((e) => stack(e.support.map(msk)))).float(),
      classIds: episodes.map((e) => e.classId),
      rawMasks: episodes.map((e) => maskTensor(e.rawMask.mask, e.rawMask.height, e.rawMask.width)),
      indices,
    };
  });
}

export function disposeBatch(b: EpisodeBatch): void {
  for (const t of [b.query, b.queryMask, b.support, b.supportMask, ...b.rawMasks]) t.dispose();
}
