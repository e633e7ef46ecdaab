/**
 * svf-torch train/eval --model pfenet on a generated VOC-layout dataset (33×33 crops so a
 * ResNet-50 PFENet runs in seconds per step on two cores): SVF training with validation every
 * epoch, the best-mIoU checkpoint, the per-epoch log, exact resume (2 epochs straight vs 1 +
 * --resume + 1: identical weights, optimizer and scheduler), eval of the best checkpoint
 * reproducing its validation mIoU, and the options in --help. The eval takes the checkpoint's bins (saved with it).
 */
import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as torch from '../lib/index';
import { cli } from './helpers/cli';

describe('cli: svf-torch train/eval --model pfenet', function () {
  this.timeout(1800000);
  let tmp: string;
  let voc: string;
  const f = (name: string) => path.join(tmp, name);
  // bins 8/4 instead of 60/30/15/8: the 60² bin alone costs seconds a step on two cores
  const common = () => ['--model', 'pfenet', '--layers', '50', '--data-root', voc, '--fold', '0', '--shot', '1', '--size', '33', '--workers', '1'];
  const run = (out: string, ...extra: string[]) => cli('train', ...common(), '--svf', '--epochs', '2', '--episodes', '2', '--batch', '2',
    '--val-episodes', '2', '--seed', '3', '--ppm-scales', '8,4', '--out', out, '--json', ...extra);

  before(async () => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'svf-cli-pfenet-'));
    voc = f('VOC2012');
    await torch.fss.makeSyntheticDataset(voc, { images: 100, seed: 2, minSize: 72, maxSize: 96 });
  });
  after(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it('trains PFENet+SVF with validation every epoch, a log line per epoch, and resumes exactly', async () => {
    const straight = await run(f('a'), '--log', f('a.log'));
    assert.equal(straight.code, 0, straight.stderr);
    const j = JSON.parse(straight.stdout.trim().split('\n').pop()!);
    assert.equal(j.svf, true);
    assert.equal(j.epochs.length, 2);
    for (const e of j.epochs) for (const k of ['loss', 'mainLoss', 'auxLoss', 'mIoU', 'fbIoU', 'lr']) assert.ok(Number.isFinite(e[k]), `${k} of epoch ${e.epoch}`);
    const log = fs.readFileSync(f('a.log'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    assert.deepEqual(log.map((r) => r.epoch), [1, 2]);
    assert.ok(fs.existsSync(f('a/last.pth')) && fs.existsSync(f('a/best.pth')));
    assert.equal(j.bestMIoU, Math.max(...j.epochs.map((e: { mIoU: number }) => e.mIoU)));

    const first = await run(f('b'), '--stop-after', '1');
    assert.equal(first.code, 0, first.stderr);
    assert.equal(JSON.parse(first.stdout.trim().split('\n').pop()!).epochs.length, 1);
    const second = await run(f('b'), '--resume', f('b/last.pth'));
    assert.equal(second.code, 0, second.stderr);
    const resumed = JSON.parse(second.stdout.trim().split('\n').pop()!);
    assert.equal(resumed.resumedFrom, 1);
    assert.deepEqual(resumed.epochs.map((e: { epoch: number }) => e.epoch), [2]);
    const A = torch.load(f('a/last.pth')) as Map<string, unknown>;
    const B = torch.load(f('b/last.pth')) as Map<string, unknown>;
    try {
      const sa = A.get('state_dict') as Map<string, torch.Tensor>;
      const sb = B.get('state_dict') as Map<string, torch.Tensor>;
      assert.deepEqual([...sa.keys()], [...sb.keys()]);
      // the same operations on the same numbers in the same order: bit-identical
      for (const [k, t] of sa) assert.equal(torch.tidy(() => t.double().sub(sb.get(k)!.double()).abs().max().item()), 0, k);
      const moms = (m: Map<string, unknown>) => [...((m.get('optimizer') as Map<string, unknown>).get('state') as Map<number, Map<string, torch.Tensor>>).values()].map((s) => s.get('momentum_buffer')!);
      const [ma, mb] = [moms(A), moms(B)];
      assert.ok(ma.length > 0 && ma.length === mb.length);
      ma.forEach((t, i) => assert.equal(torch.tidy(() => t.sub(mb[i]).abs().max().item()), 0));
      assert.deepEqual((A.get('scheduler') as Map<string, unknown>).get('last_epoch'), (B.get('scheduler') as Map<string, unknown>).get('last_epoch'));
      assert.equal(A.get('epoch'), 2);
    } finally {
      for (const m of [A, B]) disposeDeep(m);
    }

    // eval of the best checkpoint with the validation's episodes gives the validation's mIoU
    const bestEpoch = j.epochs.find((e: { best?: boolean; mIoU: number }) => e.mIoU === j.bestMIoU);
    const ev = await cli('eval', ...common(), '--weights', f('a/best.pth'), '--episodes', '2', '--batch', '2', '--json');
    assert.equal(ev.code, 0, ev.stderr);
    const r = JSON.parse(ev.stdout.trim().split('\n').pop()!);
    assert.equal(r.svf, true, 'an SVF checkpoint is recognised by its vector_S keys');
    assert.ok(Math.abs(r.mIoU - bestEpoch.mIoU) < 1e-12, `${r.mIoU} vs ${bestEpoch.mIoU}`);
    assert.ok(Math.abs(r.fbIoU - bestEpoch.fbIoU) < 1e-12);
  });

  it('--help lists the PFENet options; bad combinations are usage errors', async () => {
    const h = await cli('train', '--help');
    for (const o of ['--ppm-scales', '--model', '--layers', '--svf', '--initmodel', '--epochs', '--episodes', '--val-every', '--val-episodes', '--resume', '--stop-after', '--log', '--aux-weight'])
      assert.ok(h.stdout.includes(o), o);
    assert.match((await cli('eval', '--help')).stdout, /--model[\s\S]*--layers[\s\S]*--svf/);
    const size = await cli('train', ...common(), '--size', '32', '--out', f('c'));
    assert.equal(size.code, 2);
    assert.match(size.stderr, /--size must be 8k\+1/);
    const layers = await cli('train', ...common(), '--layers', '34', '--out', f('c'));
    assert.equal(layers.code, 2);
  });
});

function disposeDeep(v: unknown): void {
  if (v instanceof torch.Tensor) v.dispose();
  else if (v instanceof Map || Array.isArray(v)) for (const x of v.values()) disposeDeep(x);
}
