/**
 * PFENet's segmentation transforms (util/transform.py), on plain typed arrays so they run in
 * the loader's worker threads. Transforms are data ({ op, ...params }) rather than closures
 * so a worker can receive them; `apply` interprets them. Random draws happen in PFENet's order
 * (one per RandScale, RandRotate's coin then angle, the blur and flip coins, two per crop
 * try), from the episode's own seeded stream.
 *
 * Pixel conventions are OpenCV's on float images, as PFENet feeds it: bilinear resize samples
 * at half-pixel centres clamped to the edge, nearest resize takes floor(x·scale), warpAffine
 * maps integer pixel coordinates (labels: nearest = rounded), Gaussian blur reflects at the
 * border without repeating the edge (BORDER_REFLECT_101).
 */
import { randint } from './rng';

/** An image (HWC float, 0–255 until Normalize; CHW after it) and its label map. */
export interface Sample {
  image: Float32Array;
  mask: Uint8Array;
  height: number;
  width: number;
  /** true once Normalize has run: image is CHW, normalized. */
  chw?: boolean;
}

export const IMAGENET_MEAN = [0.485, 0.456, 0.406];
export const IMAGENET_STD = [0.229, 0.224, 0.225];
/** PFENet pads images with the mean colour in 0–255 units. */
export const MEAN_255 = IMAGENET_MEAN.map((m) => m * 255);
export const IGNORE = 255;

export type Transform =
  | { op: 'RandScale'; scale: [number, number] }
  | { op: 'RandRotate'; rotate: [number, number]; padding: number[]; ignoreLabel: number; p: number }
  | { op: 'RandomGaussianBlur'; radius: number; p: number }
  | { op: 'RandomHorizontalFlip'; p: number }
  | { op: 'Crop'; size: [number, number]; cropType: 'rand' | 'center'; padding: number[]; ignoreLabel: number }
  | { op: 'TestResize'; size: number }
  | { op: 'Normalize'; mean: number[]; std: number[] };

function pair(v: [number, number], name: string, check: (a: number, b: number) => boolean): [number, number] {
  if (!Array.isArray(v) || v.length !== 2 || !v.every(Number.isFinite) || !check(v[0], v[1])) throw new RangeError(`${name}: bad range [${String(v)}]`);
  return [v[0], v[1]];
}

export const RandScale = (scale: [number, number] = [0.9, 1.1]): Transform => ({ op: 'RandScale', scale: pair(scale, 'RandScale(scale)', (a, b) => a > 0 && a < b) });
export const RandRotate = (rotate: [number, number] = [-10, 10], opts: { padding?: number[]; ignoreLabel?: number; p?: number } = {}): Transform => ({
  op: 'RandRotate', rotate: pair(rotate, 'RandRotate(rotate)', (a, b) => a < b), padding: opts.padding ?? MEAN_255, ignoreLabel: opts.ignoreLabel ?? IGNORE, p: opts.p ?? 0.5,
});
export const RandomGaussianBlur = (radius = 5, p = 0.5): Transform => {
  if (!Number.isInteger(radius) || radius < 1 || radius % 2 === 0) throw new RangeError(`RandomGaussianBlur(radius): an odd positive integer, got ${radius}`);
  return { op: 'RandomGaussianBlur', radius, p };
};
export const RandomHorizontalFlip = (p = 0.5): Transform => ({ op: 'RandomHorizontalFlip', p });
export const Crop = (size: number | [number, number], opts: { cropType?: 'rand' | 'center'; padding?: number[]; ignoreLabel?: number } = {}): Transform => {
  const s: [number, number] = typeof size === 'number' ? [size, size] : size;
  pair(s, 'Crop(size)', (a, b) => Number.isInteger(a) && Number.isInteger(b) && a > 0 && b > 0);
  return { op: 'Crop', size: s, cropType: opts.cropType ?? 'rand', padding: opts.padding ?? MEAN_255, ignoreLabel: opts.ignoreLabel ?? IGNORE };
};
/** PFENet's test_Resize: longer side to `size` (when larger), both sides floored to multiples of 8, padded top-left (image 0, label 255). */
export const TestResize = (size: number): Transform => {
  if (!Number.isInteger(size) || size < 8) throw new RangeError(`TestResize(size): an integer ≥ 8, got ${size}`);
  return { op: 'TestResize', size };
};
export const Normalize = (mean = IMAGENET_MEAN, std = IMAGENET_STD): Transform => ({ op: 'Normalize', mean, std });

/** PFENet's training pipeline (train.py): scale 0.9–1.1, rotate ±10°, blur, flip, random crop, ImageNet normalization. */
export function trainTransforms(size = 473, opts: { scale?: [number, number]; rotate?: [number, number] } = {}): Transform[] {
  return [RandScale(opts.scale), RandRotate(opts.rotate), RandomGaussianBlur(), RandomHorizontalFlip(), Crop(size), Normalize()];
}

/** PFENet's evaluation pipeline: test-time resize with padding, normalization. */
export function testTransforms(size = 473): Transform[] {
  return [TestResize(size), Normalize()];
}

// ---- kernels --------------------------------------------------------------------------------

/** cv2.resize INTER_LINEAR on HWC float data (dst → src: (x + 0.5)·scale − 0.5, clamped). */
export function resizeBilinear(src: Float32Array, h: number, w: number, c: number, nh: number, nw: number, sy = h / nh, sx = w / nw): Float32Array {
  const out = new Float32Array(nh * nw * c);
  const xs0 = new Int32Array(nw);
  const xs1 = new Int32Array(nw);
  const fxs = new Float32Array(nw);
  for (let x = 0; x < nw; x++) {
    let f = (x + 0.5) * sx - 0.5;
    let i = Math.floor(f);
    f -= i;
    if (i < 0) { i = 0; f = 0; }
    if (i >= w - 1) { i = w - 1; f = 0; }
    xs0[x] = i * c;
    xs1[x] = Math.min(i + 1, w - 1) * c;
    fxs[x] = f;
  }
  for (let y = 0; y < nh; y++) {
    let fy = (y + 0.5) * sy - 0.5;
    let iy = Math.floor(fy);
    fy -= iy;
    if (iy < 0) { iy = 0; fy = 0; }
    if (iy >= h - 1) { iy = h - 1; fy = 0; }
    const r0 = iy * w * c;
    const r1 = Math.min(iy + 1, h - 1) * w * c;
    let o = y * nw * c;
    for (let x = 0; x < nw; x++) {
      const fx = fxs[x];
      for (let k = 0; k < c; k++, o++) {
        const top = src[r0 + xs0[x] + k] * (1 - fx) + src[r0 + xs1[x] + k] * fx;
        const bot = src[r1 + xs0[x] + k] * (1 - fx) + src[r1 + xs1[x] + k] * fx;
        out[o] = top * (1 - fy) + bot * fy;
      }
    }
  }
  return out;
}

/** cv2.resize INTER_NEAREST on a label map: src = min(floor(dst·scale), size − 1). */
export function resizeNearest(src: Uint8Array, h: number, w: number, nh: number, nw: number, sy = h / nh, sx = w / nw): Uint8Array {
  const out = new Uint8Array(nh * nw);
  const xs = new Int32Array(nw);
  for (let x = 0; x < nw; x++) xs[x] = Math.min(Math.floor(x * sx), w - 1);
  for (let y = 0; y < nh; y++) {
    const row = Math.min(Math.floor(y * sy), h - 1) * w;
    for (let x = 0; x < nw; x++) out[y * nw + x] = src[row + xs[x]];
  }
  return out;
}

/** cv2.getRotationMatrix2D((w/2, h/2), angle, 1) + warpAffine, constant borders. */
function rotate(s: Sample, angle: number, padding: number[], ignore: number): Sample {
  const { height: h, width: w } = s;
  const a = Math.cos((angle * Math.PI) / 180);
  const b = Math.sin((angle * Math.PI) / 180);
  const cx = w / 2;
  const cy = h / 2;
  // forward M = [[a, b, (1-a)cx - b·cy], [-b, a, b·cx + (1-a)cy]]; a rotation's inverse is its transpose
  const tx = (1 - a) * cx - b * cy;
  const ty = b * cx + (1 - a) * cy;
  const image = new Float32Array(h * w * 3);
  const mask = new Uint8Array(h * w);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const dx = x - tx;
      const dy = y - ty;
      const sx = a * dx - b * dy;
      const sy = b * dx + a * dy;
      const o = y * w + x;
      const nx = Math.round(sx);
      const ny = Math.round(sy);
      mask[o] = nx >= 0 && ny >= 0 && nx < w && ny < h ? s.mask[ny * w + nx] : ignore;
      const x0 = Math.floor(sx);
      const y0 = Math.floor(sy);
      const fx = sx - x0;
      const fy = sy - y0;
      // the four taps; one outside the image reads the padding colour (BORDER_CONSTANT)
      const in00 = x0 >= 0 && y0 >= 0 && x0 < w && y0 < h;
      const in01 = x0 + 1 >= 0 && y0 >= 0 && x0 + 1 < w && y0 < h;
      const in10 = x0 >= 0 && y0 + 1 >= 0 && x0 < w && y0 + 1 < h;
      const in11 = x0 + 1 >= 0 && y0 + 1 >= 0 && x0 + 1 < w && y0 + 1 < h;
      const p00 = (y0 * w + x0) * 3;
      const p10 = p00 + w * 3;
      for (let k = 0; k < 3; k++) {
        const v00 = in00 ? s.image[p00 + k] : padding[k];
        const v01 = in01 ? s.image[p00 + 3 + k] : padding[k];
        const v10 = in10 ? s.image[p10 + k] : padding[k];
        const v11 = in11 ? s.image[p10 + 3 + k] : padding[k];
        image[o * 3 + k] = (v00 * (1 - fx) + v01 * fx) * (1 - fy) + (v10 * (1 - fx) + v11 * fx) * fy;
      }
    }
  }
  return { image, mask, height: h, width: w };
}

/** The 1-D Gaussian OpenCV uses for ksize with sigma 0: σ = 0.3·((k − 1)/2 − 1) + 0.8. */
export function gaussianKernel(k: number): Float64Array {
  const sigma = 0.3 * ((k - 1) * 0.5 - 1) + 0.8;
  const g = new Float64Array(k);
  let sum = 0;
  for (let i = 0; i < k; i++) {
    const x = i - (k - 1) / 2;
    g[i] = Math.exp(-(x * x) / (2 * sigma * sigma));
    sum += g[i];
  }
  for (let i = 0; i < k; i++) g[i] /= sum;
  return g;
}

function reflect101(i: number, n: number): number {
  if (n === 1) return 0;
  while (i < 0 || i >= n) i = i < 0 ? -i : 2 * n - 2 - i;
  return i;
}

/** Separable Gaussian blur of an HWC float image (cv2.GaussianBlur(img, (k, k), 0)). */
export function gaussianBlur(src: Float32Array, h: number, w: number, c: number, k: number): Float32Array {
  const g = gaussianKernel(k);
  const r = (k - 1) / 2;
  // reflected source index of every tap position, computed once per axis
  const xs = Int32Array.from({ length: w + 2 * r }, (_, i) => reflect101(i - r, w) * c);
  const ys = Int32Array.from({ length: h + 2 * r }, (_, i) => reflect101(i - r, h) * w * c);
  const tmp = new Float32Array(src.length);
  const out = new Float32Array(src.length);
  for (let y = 0; y < h; y++) {
    const row = y * w * c;
    for (let x = 0; x < w; x++) {
      for (let ch = 0; ch < c; ch++) {
        let acc = 0;
        for (let i = 0; i < k; i++) acc += g[i] * src[row + xs[x + i] + ch];
        tmp[row + x * c + ch] = acc;
      }
    }
  }
  const rowLen = w * c;
  for (let y = 0; y < h; y++) {
    const o = y * rowLen;
    for (let i = 0; i < k; i++) {
      const gi = g[i];
      const from = ys[y + i];
      for (let j = 0; j < rowLen; j++) out[o + j] += gi * tmp[from + j];
    }
  }
  return out;
}

function flip(s: Sample): Sample {
  const { height: h, width: w } = s;
  const image = new Float32Array(s.image.length);
  const mask = new Uint8Array(s.mask.length);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const o = y * w + x;
      const i = y * w + (w - 1 - x);
      mask[o] = s.mask[i];
      image[o * 3] = s.image[i * 3];
      image[o * 3 + 1] = s.image[i * 3 + 1];
      image[o * 3 + 2] = s.image[i * 3 + 2];
    }
  }
  return { image, mask, height: h, width: w };
}

/** Places s at (top, left) in an H×W canvas filled with `fill` / `fillLabel` (cv2.copyMakeBorder / PFENet's back_crop). */
function canvas(s: Sample, H: number, W: number, top: number, left: number, fill: number[], fillLabel: number): Sample {
  const image = new Float32Array(H * W * 3);
  for (let p = 0; p < H * W; p++) { image[p * 3] = fill[0]; image[p * 3 + 1] = fill[1]; image[p * 3 + 2] = fill[2]; }
  const mask = new Uint8Array(H * W).fill(fillLabel);
  for (let y = 0; y < s.height; y++) {
    image.set(s.image.subarray(y * s.width * 3, (y + 1) * s.width * 3), ((y + top) * W + left) * 3);
    mask.set(s.mask.subarray(y * s.width, (y + 1) * s.width), (y + top) * W + left);
  }
  return { image, mask, height: H, width: W };
}

function window(s: Sample, top: number, left: number, ch: number, cw: number): Sample {
  const image = new Float32Array(ch * cw * 3);
  const mask = new Uint8Array(ch * cw);
  for (let y = 0; y < ch; y++) {
    const from = (y + top) * s.width + left;
    image.set(s.image.subarray(from * 3, (from + cw) * 3), y * cw * 3);
    mask.set(s.mask.subarray(from, from + cw), y * cw);
  }
  return { image, mask, height: ch, width: cw };
}

function count(mask: Uint8Array, v: number): number {
  let n = 0;
  for (let i = 0; i < mask.length; i++) if (mask[i] === v) n++;
  return n;
}

/** PFENet's Crop: pad to at least the crop size, then retry random windows (≤ 30 more) until it keeps ≥ 85% of the foreground. */
function crop(s0: Sample, t: Extract<Transform, { op: 'Crop' }>, r: () => number): Sample {
  const [ch, cw] = t.size;
  let s = s0;
  const padH = Math.max(ch - s.height, 0);
  const padW = Math.max(cw - s.width, 0);
  if (padH > 0 || padW > 0) s = canvas(s, s.height + padH, s.width + padW, Math.floor(padH / 2), Math.floor(padW / 2), t.padding, t.ignoreLabel);
  const offsets = (): [number, number] =>
    t.cropType === 'rand' ? [randint(r, 0, s.height - ch), randint(r, 0, s.width - cw)] : [Math.floor((s.height - ch) / 2), Math.floor((s.width - cw) / 2)];
  const rawPos = count(s.mask, 1);
  const take = () => {
    const [top, left] = offsets();
    return window(s, top, left, ch, cw);
  };
  let out = take();
  for (let tries = 0; count(out.mask, 1) < 0.85 * rawPos && tries <= 30; tries++) out = take();
  return out;
}

/** PFENet's test_Resize (see TestResize). */
function testResize(s: Sample, size: number): Sample {
  const fit = (h: number, w: number): [number, number] => {
    if (Math.max(h, w) <= size) return [h, w];
    let [nh, nw] = h >= w ? [size, Math.trunc(w * (size / h))] : [Math.trunc(h * (size / w)), size];
    nh = Math.trunc(nh / 8) * 8;
    nw = Math.trunc(nw / 8) * 8;
    return [nh, nw];
  };
  const [nh, nw] = fit(s.height, s.width);
  const resized: Sample = {
    image: resizeBilinear(s.image, s.height, s.width, 3, nh, nw),
    mask: resizeNearest(s.mask, s.height, s.width, nh, nw),
    height: nh,
    width: nw,
  };
  return canvas(resized, size, size, 0, 0, [0, 0, 0], IGNORE);
}

/** ToTensor + Normalize: HWC 0–255 → CHW (x/255 − mean)/std, i.e. (x − 255·mean)/(255·std) as PFENet. */
function normalize(s: Sample, mean: number[], std: number[]): Sample {
  const n = s.height * s.width;
  const out = new Float32Array(3 * n);
  for (let k = 0; k < 3; k++) {
    const m = mean[k] * 255;
    const d = std[k] * 255;
    for (let p = 0; p < n; p++) out[k * n + p] = (s.image[p * 3 + k] - m) / d;
  }
  return { image: out, mask: s.mask, height: s.height, width: s.width, chw: true };
}

/** Runs the transforms in order on one sample with the random stream `r`. */
export function apply(transforms: Transform[], s0: Sample, r: () => number): Sample {
  let s = s0;
  for (const t of transforms) {
    if (s.chw) throw new Error(`transforms: ${t.op} after Normalize (Normalize must come last)`);
    switch (t.op) {
      case 'RandScale': {
        const f = t.scale[0] + (t.scale[1] - t.scale[0]) * r();
        const nh = Math.round(s.height * f);
        const nw = Math.round(s.width * f);
        s = { image: resizeBilinear(s.image, s.height, s.width, 3, nh, nw, 1 / f, 1 / f), mask: resizeNearest(s.mask, s.height, s.width, nh, nw, 1 / f, 1 / f), height: nh, width: nw };
        break;
      }
      case 'RandRotate':
        if (r() < t.p) s = rotate(s, t.rotate[0] + (t.rotate[1] - t.rotate[0]) * r(), t.padding, t.ignoreLabel);
        break;
      case 'RandomGaussianBlur':
        if (r() < t.p) s = { ...s, image: gaussianBlur(s.image, s.height, s.width, 3, t.radius) };
        break;
      case 'RandomHorizontalFlip':
        if (r() < t.p) s = flip(s);
        break;
      case 'Crop':
        s = crop(s, t, r);
        break;
      case 'TestResize':
        s = testResize(s, t.size);
        break;
      case 'Normalize':
        s = normalize(s, t.mean, t.std);
        break;
      default:
        throw new TypeError(`transforms: unknown op ${(t as { op: string }).op}`);
    }
  }
  return s;
}
