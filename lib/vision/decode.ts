/**
 * Image decoding and encoding on sharp (libvips, prebuilt through npm). libvips decodes on
 * libuv's thread pool, so awaiting these functions leaves the JS thread free. This file holds
 * no tensors (it runs in the data loader's worker threads too); lib/vision/io.ts wraps it.
 */
import { promises as fsp } from 'fs';
import type { Sharp, SharpOptions } from 'sharp';

type SharpFn = (input?: Buffer | Uint8Array, options?: SharpOptions) => Sharp;
let sharpFn: SharpFn | null = null;

/** sharp, loaded on first use: importing svf-torch must not fail where libvips cannot load. */
function sharp(input?: Buffer | Uint8Array, options?: SharpOptions): Sharp {
  if (!sharpFn) {
    try {
      // eslint-disable-next-line @typescript-eslint/no-var-requires
      sharpFn = require('sharp') as SharpFn;
    } catch (e) {
      throw new Error(`torch.vision.io needs the sharp package (prebuilt libvips; npm install sharp): ${(e as Error).message}`);
    }
  }
  return sharpFn(input, options);
}

/** Interleaved 8-bit pixels: HWC for images (channels 3), HW for masks (channels 1). */
export interface RawImage {
  data: Uint8Array;
  width: number;
  height: number;
  channels: number;
}

async function readBytes(file: string, who: string): Promise<Buffer> {
  if (typeof file !== 'string' || file === '') throw new TypeError(`${who}(path): path must be a non-empty string`);
  try {
    return await fsp.readFile(file);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a directory' : (e as Error).message;
    throw new Error(`${who}: cannot read ${file}: ${why}`);
  }
}

async function decodeRaw(bytes: Buffer, file: string, who: string, pipeline: (s: Sharp) => Sharp): Promise<RawImage> {
  try {
    // failOn 'error': a truncated JPEG/PNG is an error, not a grey tail
    const { data, info } = await pipeline(sharp(bytes, { failOn: 'error' })).raw({ depth: 'uchar' }).toBuffer({ resolveWithObject: true });
    return { data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength), width: info.width, height: info.height, channels: info.channels };
  } catch (e) {
    throw new Error(`${who}: ${file} is not a decodable image (${(e as Error).message})`);
  }
}

/** RGB pixels of a JPEG/PNG/WebP… (grey images are expanded, alpha dropped, EXIF orientation ignored as labels have none). */
export async function decodeImage(file: string): Promise<RawImage> {
  const bytes = await readBytes(file, 'readImage');
  return decodeRaw(bytes, file, 'readImage', (s) => s.removeAlpha().toColourspace('srgb'));
}

/** The palette (PLTE) of an indexed-colour PNG as 0xRRGGBB values, or null for any other file. */
export function pngPalette(bytes: Uint8Array): number[] | null {
  const sig = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
  if (bytes.length < 33 || sig.some((b, i) => bytes[i] !== b)) return null;
  if (bytes[25] !== 3) return null; // IHDR colour type 3 = indexed
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (let o = 8; o + 8 <= bytes.length; ) {
    const len = view.getUint32(o);
    const type = String.fromCharCode(bytes[o + 4], bytes[o + 5], bytes[o + 6], bytes[o + 7]);
    if (type === 'PLTE') {
      const out: number[] = [];
      for (let i = 0; i + 2 < len; i += 3) out.push((bytes[o + 8 + i] << 16) | (bytes[o + 9 + i] << 8) | bytes[o + 10 + i]);
      return out;
    }
    if (type === 'IDAT' || type === 'IEND') break;
    o += 12 + len;
  }
  return null;
}

/**
 * Class labels of a segmentation mask: the palette index of an indexed PNG (VOC's
 * SegmentationClass), the value of a grey PNG (SegmentationClassAug, COCO label PNGs), and
 * for an RGB file OpenCV's IMREAD_GRAYSCALE luma, which is what PFENet's reader sees.
 */
export async function decodeMask(file: string): Promise<RawImage> {
  const bytes = await readBytes(file, 'readMask');
  const palette = pngPalette(bytes);
  const raw = await decodeRaw(bytes, file, 'readMask', (s) => s.removeAlpha());
  const n = raw.width * raw.height;
  const out = new Uint8Array(n);
  const c = raw.channels;
  const d = raw.data;
  if (palette) {
    // libvips expands indexed PNGs to RGB; map each colour back to its first palette index
    const index = new Map<number, number>();
    palette.forEach((rgb, i) => { if (!index.has(rgb)) index.set(rgb, i); });
    if (index.size !== palette.length) {
      throw new Error(`readMask: ${file} has repeated palette colours; their indices cannot be told apart`);
    }
    let last = -1;
    let lastIdx = 0;
    for (let p = 0; p < n; p++) {
      const rgb = c >= 3 ? (d[p * c] << 16) | (d[p * c + 1] << 8) | d[p * c + 2] : d[p * c] * 0x010101;
      if (rgb !== last) {
        const i = index.get(rgb);
        if (i === undefined) throw new Error(`readMask: ${file} has a pixel colour outside its palette`);
        last = rgb;
        lastIdx = i;
      }
      out[p] = lastIdx;
    }
  } else if (c === 1) {
    out.set(d.subarray(0, n));
  } else {
    // OpenCV's fixed-point RGB→grey (cv::COLOR_RGB2GRAY on 8-bit: 14-bit coefficients, rounded)
    for (let p = 0; p < n; p++) out[p] = (d[p * c] * 4899 + d[p * c + 1] * 9617 + d[p * c + 2] * 1868 + 8192) >> 14;
  }
  return { data: out, width: raw.width, height: raw.height, channels: 1 };
}

function checkRaw(img: RawImage, who: string): void {
  const { width, height, channels, data } = img;
  if (![1, 3, 4].includes(channels)) throw new RangeError(`${who}: 1, 3 or 4 channels, got ${channels}`);
  if (data.length !== width * height * channels) throw new RangeError(`${who}: ${data.length} bytes for ${width}×${height}×${channels}`);
}

/** Writes interleaved pixels as PNG (lossless; grey when channels is 1). */
export async function encodePng(img: RawImage, file: string): Promise<void> {
  checkRaw(img, 'writePng');
  let s = sharp(img.data, { raw: { width: img.width, height: img.height, channels: img.channels as 1 | 3 | 4 } });
  // libvips would otherwise store one band as RGB; label PNGs must stay 8-bit grey
  if (img.channels === 1) s = s.toColourspace('b-w');
  await s
    .png({ compressionLevel: 6 })
    .toFile(file);
}

/** Writes interleaved RGB pixels as a baseline JPEG (4:2:0 as most cameras and VOC's files). */
export async function encodeJpeg(img: RawImage, file: string, quality = 90): Promise<void> {
  checkRaw(img, 'writeJpeg');
  await sharp(img.data, { raw: { width: img.width, height: img.height, channels: img.channels as 1 | 3 | 4 } })
    .jpeg({ quality, mozjpeg: false })
    .toFile(file);
}

/** An SVG document rendered to PNG (librsvg inside libvips; text needs a system font); density 72 = one pixel per SVG unit. */
export async function svgToPng(svg: string, file: string, density = 72): Promise<void> {
  await sharp(Buffer.from(svg), { density }).png().toFile(file);
}
