/**
 * torch.vision.io: images and masks as uint8 tensors (torchvision.io's layout: [3, H, W] RGB,
 * masks [H, W]). Decoding and encoding run on libuv's thread pool (sharp), hence Promises.
 */
import { tensor } from '../creation';
import { tidy } from '../memory';
import { Tensor } from '../tensor';
import { RawImage, decodeImage, decodeMask, encodeJpeg, encodePng } from './decode';

/** JPEG/PNG (any sharp format) → uint8 [3, H, W] RGB. */
export async function readImage(file: string): Promise<Tensor> {
  const raw = await decodeImage(file);
  return tidy(() => tensor(raw.data, { shape: [raw.height, raw.width, 3] }).permute(2, 0, 1).contiguous());
}

/** A label PNG → uint8 [H, W]: palette index for indexed PNGs, else the grey value. */
export async function readMask(file: string): Promise<Tensor> {
  const raw = await decodeMask(file);
  return tensor(raw.data, { shape: [raw.height, raw.width] });
}

/** uint8 [H, W] (grey) or [C, H, W] with C = 1, 3 or 4 → interleaved pixels. */
export function toRaw(t: Tensor, who: string): RawImage {
  if (!(t instanceof Tensor)) throw new TypeError(`${who}(tensor, path): tensor must be a Tensor`);
  if (t.dtype !== 'uint8') throw new TypeError(`${who}: tensor must be uint8, got ${t.dtype} (scale and .to('uint8') first)`);
  const shape = t.shape;
  if (shape.length === 2) {
    const data = tidy(() => t.cpu().contiguous().data() as Uint8Array);
    return { data, width: shape[1], height: shape[0], channels: 1 };
  }
  if (shape.length !== 3 || ![1, 3, 4].includes(shape[0])) throw new RangeError(`${who}: tensor must be [H, W] or [C, H, W] with C in 1, 3, 4, got [${shape}]`);
  const data = tidy(() => t.cpu().permute(1, 2, 0).contiguous().data() as Uint8Array);
  return { data, width: shape[2], height: shape[1], channels: shape[0] };
}

/** Writes a uint8 [H, W] or [C, H, W] tensor as a PNG (lossless). */
export async function writePng(t: Tensor, file: string): Promise<void> {
  if (typeof file !== 'string' || file === '') throw new TypeError('writePng(tensor, path): path must be a non-empty string');
  await encodePng(toRaw(t, 'writePng'), file);
}

/** Writes a uint8 [3, H, W] tensor as a JPEG (quality 1–100, default 90). */
export async function writeJpeg(t: Tensor, file: string, opts: { quality?: number } = {}): Promise<void> {
  if (typeof file !== 'string' || file === '') throw new TypeError('writeJpeg(tensor, path): path must be a non-empty string');
  const q = opts.quality ?? 90;
  if (!Number.isInteger(q) || q < 1 || q > 100) throw new RangeError(`writeJpeg: quality must be an integer in 1..100, got ${q}`);
  await encodeJpeg(toRaw(t, 'writeJpeg'), file, q);
}
