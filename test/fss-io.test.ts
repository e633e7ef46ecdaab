/**
 * torch.vision.io against PIL: palette PNGs give the palette index, grey PNGs their value,
 * RGB PNGs are exact, JPEGs agree with PIL's decoder (both libjpeg-turbo derived) within 1
 * grey level; round trips through writePng are exact; bad files name the file.
 */
import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as torch from '../lib/index';
import { disposeReference, loadReference, maxAbsDiff, Reference, runReference } from './helpers/reference';

const io = torch.vision.io;

describe('fss: torch.vision.io', () => {
  let dir: string;
  let ref: Reference;
  let tmp: string;
  before(() => {
    dir = runReference('fss_images.py');
    ref = loadReference(dir);
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'svf-io-'));
  });
  after(() => {
    disposeReference(ref);
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  const same = (a: torch.Tensor, b: torch.Tensor) => {
    assert.deepEqual(a.shape, b.shape);
    assert.equal(a.dtype, 'uint8');
    assert.equal(maxAbsDiff(a, b), 0);
  };

  it('palette PNG → palette indices (VOC colour map, 255 border)', async () => {
    using m = await io.readMask(path.join(dir, 'palette.png'));
    same(m, ref.get('labels'));
  });

  it('grey PNG → its values; RGB PNG mask → OpenCV grey', async () => {
    using g = await io.readMask(path.join(dir, 'grey.png'));
    same(g, ref.get('labels'));
    using l = await io.readMask(path.join(dir, 'rgb.png'));
    same(l, ref.get('cv_luma'));
  });

  it('RGB PNG exact; JPEG within 1 level of PIL; grey JPEG expands to 3 equal channels', async () => {
    using p = await io.readImage(path.join(dir, 'rgb.png'));
    same(p, ref.get('rgb'));
    using j = await io.readImage(path.join(dir, 'rgb.jpg'));
    assert.deepEqual(j.shape, [3, 37, 53]);
    // same IDCT family; allow one level for a different rounding in chroma upsampling
    assert.ok(maxAbsDiff(j, ref.get('jpg')) <= 1, `JPEG differs from PIL by ${maxAbsDiff(j, ref.get('jpg'))}`);
    using g = await io.readImage(path.join(dir, 'grey.jpg'));
    assert.ok(maxAbsDiff(g, ref.get('grey_jpg')) <= 1);
  });

  it('writePng round trips [H,W], [3,H,W] and [1,H,W] exactly', async () => {
    const rgb = ref.get('rgb');
    await io.writePng(rgb, path.join(tmp, 'a.png'));
    using a = await io.readImage(path.join(tmp, 'a.png'));
    same(a, rgb);
    const labels = ref.get('labels');
    await io.writePng(labels, path.join(tmp, 'b.png'));
    using b = await io.readMask(path.join(tmp, 'b.png'));
    same(b, labels);
    // a one-channel tensor is written as an 8-bit grey PNG (IHDR: bit depth 8, colour type 0), as label PNGs are
    const ihdr = fs.readFileSync(path.join(tmp, 'b.png')).subarray(24, 26);
    assert.deepEqual([...ihdr], [8, 0]);
    using one = labels.unsqueeze(0);
    await io.writePng(one, path.join(tmp, 'c.png'));
    using c = await io.readMask(path.join(tmp, 'c.png'));
    same(c, labels);
  });

  it('bad input: missing, truncated, directory, wrong dtype/shape', async () => {
    await assert.rejects(io.readImage(path.join(tmp, 'nope.jpg')), /readImage: cannot read .*nope\.jpg: no such file/);
    await assert.rejects(io.readMask(path.join(dir, 'broken.png')), /readMask: .*broken\.png is not a decodable image/);
    await assert.rejects(io.readImage(tmp), /it is a directory/);
    using f = torch.zeros([4, 4]);
    await assert.rejects(io.writePng(f, path.join(tmp, 'x.png')), /must be uint8, got float32/);
    using u = torch.zeros([2, 4, 4], { dtype: 'uint8' });
    await assert.rejects(io.writePng(u, path.join(tmp, 'x.png')), /\[H, W\] or \[C, H, W\]/);
  });

  it('decoding does not block the JS thread', async () => {
    // a large JPEG: while it decodes on the thread pool, timers on the JS thread keep firing
    using big = torch.randint(0, 255, [3, 2000, 3000], { dtype: 'uint8' });
    await io.writeJpeg(big, path.join(tmp, 'big.jpg'));
    let ticks = 0;
    const timer = setInterval(() => ticks++, 1);
    const t0 = Date.now();
    const decoded = await io.readImage(path.join(tmp, 'big.jpg'));
    const ms = Date.now() - t0;
    clearInterval(timer);
    decoded.dispose();
    assert.ok(ticks >= Math.min(3, ms / 4), `only ${ticks} timer ticks during a ${ms} ms decode`);
  });
});
