/**
 * PFENet's transforms: the kernels against references that follow OpenCV's conventions
 * (torch's interpolate for resizes, conv2d with reflect padding for the blur, a numpy
 * warpAffine for rotation); float32 here vs float64 there on 0–255 values: 1e-3 absolute
 * (the float32 rounding of a few multiply-adds on values ≤ 255 is ~1e-4). Then PFENet's
 * pipeline rules: crop padding with the mean / 255, foreground kept by the crop retries,
 * test-time resize sizes and top-left padding, normalization, seeded reproducibility.
 */
import { strict as assert } from 'assert';
import * as torch from '../lib/index';
import { disposeReference, loadReference, Reference, runReference } from './helpers/reference';
import { rng } from '../lib/fss/rng';

const T = torch.fss.transforms;

describe('fss: PFENet transforms', () => {
  let ref: Reference;
  before(() => { ref = loadReference(runReference('fss_transforms.py')); });
  after(() => disposeReference(ref));

  const f32 = (name: string) => ref.get(name).data() as Float32Array;
  const u8 = (name: string) => ref.get(name).data() as Uint8Array;
  const maxDiff = (a: ArrayLike<number>, b: ArrayLike<number>) => {
    assert.equal(a.length, b.length);
    let m = 0;
    for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
    return m;
  };
  const [h, w] = [23, 31];

  it('bilinear and nearest resize (up, down, mixed, identity) as OpenCV', () => {
    for (const [nh, nw] of [[41, 17], [11, 60], [23, 31]]) {
      assert.ok(maxDiff(T.resizeBilinear(f32('img'), h, w, 3, nh, nw), f32(`bil_${nh}x${nw}`)) < 1e-3, `bilinear ${nh}x${nw}`);
      assert.equal(maxDiff(T.resizeNearest(u8('lab'), h, w, nh, nw), u8(`near_${nh}x${nw}`)), 0, `nearest ${nh}x${nw}`);
    }
  });

  it('Gaussian blur 5×5 (σ 1.1, reflect-101 borders)', () => {
    assert.ok(maxDiff(T.gaussianBlur(f32('img'), h, w, 3, 5), f32('blur')) < 1e-3);
  });

  it('RandRotate: warpAffine about the centre, image padded with the mean, label with 255', () => {
    const s = T.apply([T.RandRotate([17, 18], { p: 1 })], { image: f32('img'), mask: u8('lab'), height: h, width: w }, () => 0);
    assert.ok(maxDiff(s.image, f32('rot')) < 1e-3);
    assert.equal(maxDiff(s.mask, u8('rot_lab')), 0);
    assert.ok(s.mask.filter((v) => v === 255).length > w, 'corners became 255');
  });

  const sample = (hh: number, ww: number, fg: (y: number, x: number) => boolean) => {
    const image = new Float32Array(hh * ww * 3).map((_, i) => i % 251);
    const mask = new Uint8Array(hh * ww);
    for (let y = 0; y < hh; y++) for (let x = 0; x < ww; x++) mask[y * ww + x] = fg(y, x) ? 1 : 0;
    return { image, mask, height: hh, width: ww };
  };

  it('Crop: pads small images with the mean colour and 255, keeps ≥ 85% of the foreground when it can', () => {
    const small = T.apply([T.Crop(20)], sample(10, 14, () => true), rng(1));
    assert.equal(small.height, 20);
    assert.equal(small.width, 20);
    assert.equal(small.mask.filter((v) => v === 1).length, 140);
    assert.equal(small.mask.filter((v) => v === 255).length, 400 - 140);
    assert.deepEqual([...small.image.subarray(0, 3)].map((v) => +v.toFixed(3)), T.MEAN_255.map((v) => +v.toFixed(3)));
    // a 12×12 object in a 100×100 image, 40×40 crops: a blind random crop keeps it ≤ 10% of the time
    let kept = 0;
    for (let seed = 0; seed < 20; seed++) {
      const c = T.apply([T.Crop(40)], sample(100, 100, (y, x) => y >= 60 && y < 72 && x >= 20 && x < 32), rng(seed));
      if (c.mask.filter((v) => v === 1).length >= 0.85 * 144) kept++;
    }
    assert.ok(kept >= 18, `foreground kept in ${kept}/20 crops`);
  });

  it('TestResize: longer side to the size, multiples of 8, padded top-left (image 0, label 255)', () => {
    const s = T.apply([T.TestResize(64)], sample(75, 100, () => true), rng(0));
    // 100 → 64; 75·0.64 = 48 (already a multiple of 8)
    assert.equal(s.height, 64);
    assert.equal(s.mask.filter((v) => v === 1).length, 64 * 48);
    assert.equal(s.mask[63 * 64], 255);
    assert.equal(s.image[(63 * 64) * 3], 0);
    const odd = T.apply([T.TestResize(64)], sample(100, 70, () => true), rng(0));
    // 70·0.64 = 44.8 → 44 → 40
    assert.equal(odd.mask.filter((v) => v === 1).length, 64 * 40);
    const tiny = T.apply([T.TestResize(64)], sample(30, 20, () => true), rng(0));
    assert.equal(tiny.mask.filter((v) => v === 1).length, 600, 'smaller images are not upscaled');
  });

  it('Normalize: CHW, (x − 255·mean)/(255·std); the full pipeline is reproducible per seed', () => {
    const n = T.apply([T.Normalize()], { image: new Float32Array([255, 0, 127.5]), mask: new Uint8Array(1), height: 1, width: 1 }, rng(0));
    assert.ok(n.chw);
    const want = [(1 - 0.485) / 0.229, (0 - 0.456) / 0.224, (0.5 - 0.406) / 0.225];
    assert.ok(maxDiff(n.image, want) < 1e-5);
    const s = () => T.apply(T.trainTransforms(32), sample(40, 50, (y, x) => x > 20), rng(9));
    const [a, b] = [s(), s()];
    assert.deepEqual(a, b);
    assert.equal(a.image.length, 3 * 32 * 32);
    assert.notDeepEqual(a.image, T.apply(T.trainTransforms(32), sample(40, 50, (y, x) => x > 20), rng(10)).image);
    assert.throws(() => T.apply([T.Normalize(), T.RandScale()], sample(4, 4, () => true), rng(0)), /after Normalize/);
  });
});
