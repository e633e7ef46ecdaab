/**
 * EpisodeLoader: worker threads give exactly the batches the in-process path and
 * dataset.episode give (determinism does not depend on workers), batches have the documented
 * shapes and dtypes, prefetch hides data time behind a busy consumer, errors from a worker
 * name the file, and no tensor is left behind.
 */
import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as torch from '../lib/index';

const { fss } = torch;

describe('fss: EpisodeLoader', () => {
  let tmp: string;
  let voc: string;
  before(async () => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'svf-loader-'));
    voc = path.join(tmp, 'VOC2012');
    await fss.makeSyntheticDataset(voc, { images: 100, seed: 5 });
  });
  after(() => fs.rmSync(tmp, { recursive: true, force: true }));

  const collect = async (loader: torch.fss.EpisodeLoader) => {
    const out: number[][] = [];
    for await (const b of loader) {
      out.push([...(b.query.data() as Float32Array).subarray(0, 64), ...(b.support.data() as Float32Array).subarray(0, 64), ...Array.from((b.queryMask.data() as BigInt64Array).subarray(0, 64), Number), ...b.classIds]);
      fss.disposeBatch(b);
    }
    return out;
  };

  it('workers (2) and in-process give the same batches; shapes and dtypes', async () => {
    const ds = await fss.Pascal5i({ root: voc, fold: 0, split: 'train', shot: 2, transform: fss.transforms.trainTransforms(64) });
    const before = torch.memory().numTensors;
    const a = await collect(new fss.EpisodeLoader(ds, { batchSize: 3, episodes: 10, seed: 4, workers: 2 }));
    const b = await collect(new fss.EpisodeLoader(ds, { batchSize: 3, episodes: 10, seed: 4, workers: 0 }));
    assert.equal(a.length, 4);
    assert.deepEqual(a, b);
    const c = await collect(new fss.EpisodeLoader(ds, { batchSize: 3, episodes: 10, seed: 5, workers: 0 }));
    assert.notDeepEqual(a, c);
    for await (const batch of new fss.EpisodeLoader(ds, { batchSize: 3, episodes: 3, seed: 4, workers: 1 })) {
      assert.deepEqual(batch.query.shape, [3, 3, 64, 64]);
      assert.equal(batch.query.dtype, 'float32');
      assert.deepEqual(batch.support.shape, [3, 2, 3, 64, 64]);
      assert.deepEqual(batch.supportMask.shape, [3, 2, 64, 64]);
      assert.equal(batch.queryMask.dtype, 'int64');
      assert.deepEqual(batch.indices, [0, 1, 2]);
      // the batch is dataset.episode(i, seed), stacked
      const e = await ds.episode(1, 4);
      assert.ok(torch.tidy(() => batch.query.select(0, 1).equal(e.query.image)));
      assert.ok(torch.tidy(() => batch.queryMask.select(0, 1).equal(e.query.mask.long())));
      assert.ok(torch.tidy(() => batch.rawMasks[1].equal(e.query.rawMask)));
      for (const t of [e.query.image, e.query.mask, e.query.rawMask, ...e.support.flatMap((s) => [s.image, s.mask])]) t.dispose();
      fss.disposeBatch(batch);
    }
    assert.equal(torch.memory().numTensors, before);
  });

  it('a sampler picks the episodes (DistributedSampler: each rank its share of every step)', async () => {
    const ds = await fss.Pascal5i({ root: voc, fold: 0, split: 'train', shot: 1, transform: fss.transforms.trainTransforms(48) });
    const indices = async (loader: torch.fss.EpisodeLoader) => {
      const out: number[][] = [];
      for await (const b of loader) {
        out.push(b.indices);
        fss.disposeBatch(b);
      }
      return out;
    };
    // one process, batch 4, episodes 0..9 vs two ranks with batch 2: step k's episodes are the same set
    const whole = await indices(new fss.EpisodeLoader(ds, { batchSize: 4, episodes: 10, seed: 1, workers: 0 }));
    const ranks = await Promise.all([0, 1].map((rank) => indices(new fss.EpisodeLoader(ds, {
      batchSize: 2, seed: 1, workers: 0, sampler: new torch.distributed.DistributedSampler(10, { numReplicas: 2, rank, shuffle: false }),
    }))));
    assert.deepEqual(whole, [[0, 1, 2, 3], [4, 5, 6, 7], [8, 9]]);
    assert.deepEqual(ranks[0].map((s, k) => [...s, ...ranks[1][k]].sort((x, y) => x - y)), whole);
    // and the episodes themselves are the dataset's
    const [picked] = await collect(new fss.EpisodeLoader(ds, { batchSize: 2, seed: 1, workers: 0, sampler: [7, 3] }));
    const [direct] = await collect(new fss.EpisodeLoader(ds, { batchSize: 1, seed: 1, workers: 0, start: 7, episodes: 1 }));
    assert.deepEqual(picked.slice(0, 64), direct.slice(0, 64));
    assert.throws(() => new fss.EpisodeLoader(ds, { sampler: [1], episodes: 2 }), TypeError);
    assert.throws(() => new fss.EpisodeLoader(ds, { sampler: 5 as unknown as number[] }), TypeError);
    assert.throws(() => new fss.EpisodeLoader(ds, { sampler: [1, -2] }), RangeError);
    assert.throws(() => new fss.EpisodeLoader(ds, { sampler: [] }), RangeError);
    function* endless() { for (;;) yield 0; }
    assert.throws(() => new fss.EpisodeLoader(ds, { sampler: endless() }), /more than/);
  });

  it('val batches: test-time resize, raw masks at the original size', async () => {
    const ds = await fss.Pascal5i({ root: voc, fold: 2, split: 'val', transform: fss.transforms.testTransforms(96) });
    for await (const b of new fss.EpisodeLoader(ds, { batchSize: 2, episodes: 2, seed: 0, workers: 1 })) {
      assert.deepEqual(b.query.shape, [2, 3, 96, 96]);
      b.rawMasks.forEach((m, i) => {
        const item = ds.plan(i, 0).query;
        assert.ok(m.shape[0] >= 112 && m.shape[1] >= 112, `${item.id}: raw mask ${m.shape}`);
      });
      fss.disposeBatch(b);
    }
  });

  it('prefetch: a busy consumer does not wait for data after the first batch', async () => {
    const ds = await fss.Pascal5i({ root: voc, fold: 0, split: 'train', transform: fss.transforms.trainTransforms(64) });
    const loader = new fss.EpisodeLoader(ds, { batchSize: 2, episodes: 12, seed: 1, workers: 2, prefetch: 2 });
    const it = loader[Symbol.asyncIterator]();
    for (;;) {
      const r = await it.next();
      if (r.done) break;
      fss.disposeBatch(r.value);
      const busy = performance.now() + 300; // a 300 ms "training step" that holds the JS thread
      while (performance.now() < busy);
    }
    // stats.waits: time spent awaiting episodes not made yet (collation excluded)
    const later = loader.stats.waits.slice(1);
    assert.equal(later.length, 5);
    assert.ok(Math.max(...later) < 40, `waits after the first batch: ${later.map((w) => w.toFixed(1)).join(', ')} ms`);
    assert.ok(loader.stats.waits[0] > Math.max(...later), 'the first batch did wait (the measure is not vacuous)');
    assert.equal(loader.stats.batches, 6);
  });

  it('a missing image is reported with its path, from the worker', async () => {
    const ds = await fss.Pascal5i({ root: voc, fold: 0, split: 'val', transform: fss.transforms.testTransforms(64) });
    const victim = ds.plan(0, 0).query.image;
    fs.renameSync(victim, victim + '.bak');
    try {
      const run = async () => { for await (const b of new fss.EpisodeLoader(ds, { episodes: 1, workers: 1 })) fss.disposeBatch(b); };
      await assert.rejects(run(), (e: Error) => e.message.includes(victim) && /no such file/.test(e.message));
    } finally {
      fs.renameSync(victim + '.bak', victim);
    }
  });
});
