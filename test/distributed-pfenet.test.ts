/**
 * PFENet+SVF across processes: (1) DistributedDataParallel over 2 Gloo ranks with half a batch
 * each ends where one process with the whole batch ends (the recipe's SGD, 2 steps, dropout
 * off so the two runs draw nothing differently), rank 1 starting from other weights; (2)
 * `svf-torch train --model pfenet --svf --nproc 2` trains, validates on rank 0 and writes
 * checkpoints that `eval` reads.
 */
import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as torch from '../lib/index';
import { spawnSync } from 'child_process';
import { maxAbsDiff } from './helpers/reference';
import { runRanks } from './helpers/spawn-ranks';

const ROOT = path.resolve(__dirname, '..');

describe('distributed: PFENet+SVF under DistributedDataParallel', function () {
  this.timeout(900000);
  let tmp: string;
  before(() => (tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'svf-ddp-pfenet-'))));
  after(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it('2 ranks with half the batch each end with the weights of 1 process with the whole batch', async () => {
    const [single] = await runRanks(['pfenet', tmp], { worldSize: 1, deadlineMs: 400000 });
    assert.equal(single.code, 0, single.stderr);
    const ranks = await runRanks(['pfenet', tmp], { worldSize: 2, deadlineMs: 400000 });
    for (const o of ranks) assert.equal(o.code, 0, `rank ${o.rank}: ${o.stderr}`);
    // step 1 starts from the same weights everywhere: the mean of the halves' mean losses is the
    // whole batch's mean loss (float32 sums in another order: a few ulp of a loss of ~1)
    const halves = (ranks[0].result.losses[0] + ranks[1].result.losses[0]) / 2;
    assert.ok(Math.abs(halves - single.result.losses[0]) < 1e-5, `${halves} vs ${single.result.losses[0]}`);
    const load = (f: string) => torch.loadSafetensors(path.join(tmp, f)) as Map<string, torch.Tensor>;
    const [init, one, r0, r1] = ['init', 'single', 'rank0', 'rank1'].map((n) => load(`pfenet-${n}.safetensors`));
    try {
      const trainable: string[] = single.result.trainable;
      assert.ok(trainable.some((k) => k.startsWith('layer4') && k.endsWith('vector_S')), 'layer4 singular values train');
      assert.ok(!trainable.some((k) => /^layer[01]\./.test(k)), 'layer0–1 frozen');
      assert.deepEqual([...r0.keys()], [...one.keys()]);
      const moved = (k: string) => maxAbsDiff(one.get(k)!, init.get(k)!);
      assert.ok(trainable.every((k) => !k.endsWith('vector_S') || moved(k) > 0), 'every trainable singular value moved');
      assert.ok(Math.max(...trainable.map(moved)) > 1e-3, 'the head trained');
      for (const k of one.keys()) if (/^layer[01]\./.test(k)) assert.equal(moved(k), 0, `${k} frozen`);
      for (const [k, t] of one) {
        // every rank applies the same averaged gradient to the same (rank 0's) weights: identical
        assert.equal(maxAbsDiff(r0.get(k)!, r1.get(k)!), 0, `${k}: ranks apart`);
        // halves' mean gradients averaged = the whole batch's, up to float32 rounding of the
        // reductions (relative ~1e-6 of gradients ≲ 1), applied twice at lr ≤ 0.01 with
        // momentum 0.9: ≲ 1e-6 · 0.01 · 2.9 ≪ 1e-5; frozen entries must not move at all
        assert.ok(maxAbsDiff(r0.get(k)!, t) <= 1e-5, `${k}: ${maxAbsDiff(r0.get(k)!, t)} from the single process`);
      }
    } finally {
      for (const m of [init, one, r0, r1]) for (const t of m.values()) t.dispose();
    }
  });

  it('svf-torch train --model pfenet --svf --nproc 2 trains, validates on rank 0 and writes checkpoints', async () => {
    const voc = path.join(tmp, 'VOC2012');
    await torch.fss.makeSyntheticDataset(voc, { images: 60, seed: 2, minSize: 72, maxSize: 96 });
    const common = ['--model', 'pfenet', '--layers', '50', '--data-root', voc, '--fold', '0', '--shot', '1', '--size', '33', '--workers', '1', '--ppm-scales', '8,4'];
    const out = path.join(tmp, 'run');
    const cli = (...argv: string[]) => spawnSync(process.execPath, ['-r', 'ts-node/register/transpile-only', path.join(ROOT, 'lib', 'cli', 'main.ts'), ...argv], {
      encoding: 'utf8', env: { ...process.env, OMP_NUM_THREADS: '1' }, timeout: 600000,
    });
    const odd = cli('train', ...common, '--svf', '--batch', '3', '--nproc', '2', '--out', out);
    assert.notEqual(odd.status, 0);
    assert.match(odd.stderr, /--batch 3 must be a multiple of the process count 2/);
    const r = cli('train', ...common, '--svf', '--epochs', '1', '--episodes', '4', '--batch', '2', '--val-episodes', '2', '--nproc', '2',
      '--log', path.join(tmp, 'run.log'), '--out', out, '--json');
    assert.equal(r.status, 0, r.stderr);
    const j = JSON.parse(r.stdout.trim().split('\n').pop()!);
    assert.deepEqual([j.nproc, j.worldSize], [2, 2]);
    const log = fs.readFileSync(path.join(tmp, 'run.log'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    assert.equal(log.length, 1, 'one log line per epoch (rank 0 only)');
    for (const k of ['loss', 'mIoU', 'fbIoU']) assert.ok(Number.isFinite(log[0][k]), k);
    assert.ok(fs.existsSync(path.join(out, 'last.pth')) && fs.existsSync(path.join(out, 'best.pth')));
    const ev = cli('eval', ...common, '--weights', path.join(out, 'best.pth'), '--episodes', '2', '--batch', '2', '--json');
    assert.equal(ev.status, 0, ev.stderr);
    const e = JSON.parse(ev.stdout.trim().split('\n').pop()!);
    assert.equal(e.svf, true);
    // the validation rank 0 ran (same episodes, seed 321) is what eval reproduces
    assert.ok(Math.abs(e.mIoU - log[0].mIoU) < 1e-12, `${e.mIoU} vs ${log[0].mIoU}`);
  });
});
