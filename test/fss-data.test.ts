/**
 * PASCAL-5i and COCO-20i on generated datasets in the real layouts (JPEG images, grey label
 * PNGs with 255 bands, objects under and over 2·32·32 pixels, PFENet's list files): the
 * candidates per class equal an independent Python implementation of PFENet's rules (PIL +
 * numpy), episodes are reproducible and well formed, and bad layouts give errors that say
 * what was expected where.
 */
import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as torch from '../lib/index';
import { disposeReference, loadReference, Reference, runReference } from './helpers/reference';

const { fss } = torch;

describe('fss: datasets in the community layout', () => {
  let tmp: string;
  let voc: string;
  let coco: string;
  let ref: Reference;
  let written: torch.fss.SyntheticImage[];
  before(async () => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'svf-fss-'));
    voc = path.join(tmp, 'VOC2012');
    coco = path.join(tmp, 'COCO2014');
    written = await fss.makeSyntheticDataset(voc, { images: 120, seed: 3 });
    await fss.makeSyntheticDataset(coco, { layout: 'coco', images: 420, seed: 4, minSize: 100, maxSize: 120 });
    ref = loadReference(runReference('fss_dataset.py', [voc, coco]));
  });
  after(() => {
    disposeReference(ref);
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('the generated data really has small objects and 255 bands', () => {
    const sizes = written.flatMap((w) => Object.entries(w.pixels).filter(([c]) => c !== '0' && c !== '255').map(([, n]) => n));
    assert.ok(sizes.some((n) => n < fss.MIN_CLASS_PIXELS) && sizes.some((n) => n >= fss.MIN_CLASS_PIXELS));
    assert.ok(written.every((w) => (w.pixels[255] ?? 0) > 0));
  });

  const expectCandidates = (ds: torch.fss.FewShotDataset, key: string) => {
    const want = ref.extra[key] as Record<string, string[]>;
    assert.deepEqual(ds.classes.map(String), Object.keys(want));
    for (const c of ds.classes) assert.deepEqual(ds.candidates(c), want[String(c)], `${key}: class ${c}`);
  };

  it('Pascal5i: candidates per class match PFENet rules for every fold, split and filterIntersection', async () => {
    let filtered = 0;
    for (const fold of [0, 1, 2, 3]) {
      expectCandidates(await fss.Pascal5i({ root: voc, fold, split: 'val' }), `voc/${fold}/val`);
      const train = await fss.Pascal5i({ root: voc, fold, split: 'train' });
      expectCandidates(train, `voc/${fold}/train`);
      const f = await fss.Pascal5i({ root: voc, fold, split: 'train', filterIntersection: true });
      expectCandidates(f, `voc/${fold}/train/filter`);
      filtered += train.length - f.length;
    }
    assert.ok(filtered > 0, 'filterIntersection dropped nothing: the test data has no mixed images');
  });

  it('Coco20i: FWB interleaved folds (default) and PANet contiguous folds', async () => {
    for (const fold of [0, 3]) {
      const val = await fss.Coco20i({ root: coco, fold, split: 'val' });
      assert.deepEqual(val.classes, Array.from({ length: 20 }, (_, i) => fold + 1 + 4 * i));
      expectCandidates(val, `coco-fwb/${fold}/val`);
      expectCandidates(await fss.Coco20i({ root: coco, fold, split: 'train', splitStyle: 'panet' }), `coco-panet/${fold}/train`);
    }
  });

  it('episodes: K supports of the query class, never the query, reproducible per seed', async () => {
    const ds = await fss.Pascal5i({ root: voc, fold: 1, split: 'val', shot: 2 });
    const plans = Array.from({ length: 40 }, (_, i) => ds.plan(i, 7));
    assert.deepEqual(plans, Array.from({ length: 40 }, (_, i) => ds.plan(i, 7)));
    const other = Array.from({ length: 40 }, (_, i) => ds.plan(i, 8));
    assert.notDeepEqual(plans.map((p) => p.support), other.map((p) => p.support));
    for (const p of plans) {
      assert.ok(ds.classes.includes(p.classId));
      assert.equal(new Set(p.support.map((s) => s.id)).size, 2);
      for (const s of p.support) {
        assert.notEqual(s.id, p.query.id);
        assert.ok(ds.candidates(p.classId).includes(s.id));
      }
      assert.ok(ds.candidates(p.classId).includes(p.query.id));
    }
    // val walks the list in order; train shuffles per epoch (every image once per epoch)
    const queries = ds.queries.map((i) => ds.items[i].id);
    assert.ok(queries.length > 5 && queries.length <= ds.length);
    assert.deepEqual(plans.map((p) => p.query.id), plans.map((_, i) => queries[i % queries.length]));
    const train = await fss.Pascal5i({ root: voc, fold: 1 });
    const trainQueries = train.queries.map((i) => train.items[i].id);
    const epoch = trainQueries.map((_, i) => train.plan(i, 1).query.id);
    assert.deepEqual([...epoch].sort(), [...trainQueries].sort());
    assert.notDeepEqual(epoch, trainQueries);
  });

  it('episode tensors: uint8 images, binarized masks (class → 1, 255 kept, other classes → 0)', async () => {
    const ds = await fss.Pascal5i({ root: voc, fold: 0, split: 'train' });
    const before = torch.memory().numTensors;
    for (let i = 0; i < 6; i++) {
      const e = await ds.episode(i, 3);
      const plan = ds.plan(i, 3);
      assert.equal(e.classId, plan.classId);
      using labels = await torch.vision.io.readMask(plan.query.label);
      using img = await torch.vision.io.readImage(plan.query.image);
      assert.deepEqual(e.query.image.shape, img.shape);
      assert.equal(e.query.image.dtype, 'uint8');
      const want = torch.tidy(() => torch.where(labels.eq(plan.classId), 1, torch.where(labels.eq(255), 255, 0)).to('uint8'));
      assert.ok(torch.tidy(() => e.query.mask.eq(want).all().item()));
      assert.ok(torch.tidy(() => e.query.rawMask.eq(want).all().item()));
      want.dispose();
      // the support really shows the class over the threshold
      assert.ok(torch.tidy(() => e.support[0].mask.eq(1).sum().item() as number) >= fss.MIN_CLASS_PIXELS);
      for (const t of [e.query.image, e.query.mask, e.query.rawMask, ...e.support.flatMap((s) => [s.image, s.mask])]) t.dispose();
    }
    assert.equal(torch.memory().numTensors, before);
  });

  it('errors say what is missing and where it was looked for', async () => {
    const empty = path.join(tmp, 'empty');
    fs.mkdirSync(empty);
    await assert.rejects(fss.Pascal5i({ root: empty, fold: 0 }), (e: Error) => e.message.includes(empty) && /JPEGImages\//.test(e.message) && /SegmentationClassAug\//.test(e.message));
    await assert.rejects(fss.Pascal5i({ root: voc, fold: 4 }), /fold must be 0, 1, 2 or 3/);
    await assert.rejects(fss.Pascal5i({ root: voc, fold: 0, listFile: 'nope.txt' }), /list file .*nope\.txt does not exist/);
    fs.mkdirSync(path.join(empty, 'JPEGImages'));
    fs.mkdirSync(path.join(empty, 'SegmentationClassAug'));
    await assert.rejects(fss.Pascal5i({ root: empty, fold: 0, split: 'val' }), /looked for lists\/pascal\/val\.txt, val\.txt/);
    fs.writeFileSync(path.join(empty, 'val.txt'), 'JPEGImages/a.jpg SegmentationClassAug/a.png\n');
    await assert.rejects(fss.Pascal5i({ root: empty, fold: 0, split: 'val' }), /readMask: cannot read .*SegmentationClassAug\/a\.png: no such file/);
    await assert.rejects(fss.Coco20i({ root: voc, fold: 0 }), /has no train2014\/, annotations\/train2014\//);
  });
});
