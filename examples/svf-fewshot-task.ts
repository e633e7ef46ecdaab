/**
 * A synthetic few-shot segmentation task, made on the fly (no data set needed): every image
 * has a noise background, one foreground shape of the target family (warm hues, striped)
 * and one distractor shape of another family (cool hues, checkered). An episode is a support
 * image + mask and a query image + mask of the same family; the mask marks the target shape.
 */
import * as torch from '../lib/index';

export { rng } from '../lib/fss/rng';

interface Shape {
  cx: number; cy: number; rx: number; ry: number; ellipse: boolean; angle: number;
}

function randomShape(r: () => number, size: number): Shape {
  const rx = size * (0.12 + 0.14 * r());
  const ry = size * (0.12 + 0.14 * r());
  return { cx: size * (0.25 + 0.5 * r()), cy: size * (0.25 + 0.5 * r()), rx, ry, ellipse: r() < 0.5, angle: r() * Math.PI };
}

function inside(s: Shape, x: number, y: number): boolean {
  const dx = x - s.cx;
  const dy = y - s.cy;
  const c = Math.cos(s.angle);
  const sn = Math.sin(s.angle);
  const u = (dx * c + dy * sn) / s.rx;
  const v = (-dx * sn + dy * c) / s.ry;
  return s.ellipse ? u * u + v * v <= 1 : Math.abs(u) <= 1 && Math.abs(v) <= 1;
}

const MEAN = [0.485, 0.456, 0.406];
const STD = [0.229, 0.224, 0.225];

/** One normalized image (3·size·size) and its target mask (size·size, 0/1). */
export function makeImage(r: () => number, size: number): { image: Float32Array; mask: Float32Array } {
  const image = new Float32Array(3 * size * size);
  const mask = new Float32Array(size * size);
  const target = randomShape(r, size);
  const distractor = randomShape(r, size);
  // target family: warm (red/orange) stripes; distractor: cool (blue/green) checks
  const warm = [0.75 + 0.25 * r(), 0.2 + 0.35 * r(), 0.05 + 0.15 * r()];
  const cool = [0.05 + 0.2 * r(), 0.3 + 0.4 * r(), 0.6 + 0.4 * r()];
  const freq = 0.5 + 0.4 * r();
  const theta = r() * Math.PI;
  const tint = [r(), r(), r()].map((v) => 0.3 + 0.3 * v);
  const targetOnTop = r() < 0.5;
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const p = y * size + x;
      let rgb = tint.map((t) => t + 0.35 * (r() - 0.5));
      const inT = inside(target, x, y);
      const inD = inside(distractor, x, y);
      const showT = inT && (targetOnTop || !inD);
      if (showT) {
        const stripe = 0.75 + 0.25 * Math.sin(freq * (x * Math.cos(theta) + y * Math.sin(theta)));
        rgb = warm.map((c) => c * stripe + 0.05 * (r() - 0.5));
        mask[p] = 1;
      } else if (inD) {
        const check = ((Math.floor(x / 4) + Math.floor(y / 4)) % 2) * 0.3 + 0.7;
        rgb = cool.map((c) => c * check + 0.05 * (r() - 0.5));
      }
      for (let c = 0; c < 3; c++) image[c * size * size + p] = (rgb[c] - MEAN[c]) / STD[c];
    }
  }
  return { image, mask };
}

export interface Batch {
  support: torch.Tensor; supportMask: torch.Tensor; query: torch.Tensor; queryMask: torch.Tensor;
}

/** A batch of episodes: images (B, 3, S, S) float32, masks (B, S, S) (float for support, int64 for query). */
export function makeBatch(r: () => number, batch: number, size: number): Batch {
  const imgs = (n: number) => Array.from({ length: n }, () => makeImage(r, size));
  const s = imgs(batch);
  const q = imgs(batch);
  const cat = (parts: Float32Array[]) => {
    const out = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
    let o = 0;
    for (const p of parts) { out.set(p, o); o += p.length; }
    return out;
  };
  return {
    support: torch.tensor(cat(s.map((e) => e.image)), { shape: [batch, 3, size, size] }),
    supportMask: torch.tensor(cat(s.map((e) => e.mask)), { shape: [batch, size, size] }),
    query: torch.tensor(cat(q.map((e) => e.image)), { shape: [batch, 3, size, size] }),
    queryMask: torch.tensor(cat(q.map((e) => e.mask)), { shape: [batch, size, size] }).long(),
  };
}
