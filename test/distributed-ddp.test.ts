/**
 * nn.parallel.DistributedDataParallel: 2 Gloo processes, each with half the batch, train the
 * net of test/reference/distributed_ddp.py for a few SGD (momentum) steps and must end where
 * (a) one process with the whole batch ends and (b) PyTorch's own DDP over 2 Gloo processes
 * ends, from the same start and data. Rank 1 starts from other random weights: DDP's broadcast
 * from rank 0 at construction must replace them (the frozen parameter and the buffer too).
 */
import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as torch from '../lib/index';
import { disposeReference, loadReference, maxAbsDiff, Reference, runReference } from './helpers/reference';
import { runRanks } from './helpers/spawn-ranks';

describe('distributed: DistributedDataParallel over 2 Gloo processes', function () {
  this.timeout(300000);
  let ref: Reference;
  let outdir: string;
  let keys: string[];
  const ranks: Map<string, torch.Tensor>[] = [];
  let grads: { localGrad: number[]; syncedGrad: number[] }[];

  before(async () => {
    ref = loadReference(runReference('distributed_ddp.py'));
    keys = (ref.extra as { keys: string[] }).keys;
    outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'svf-ddp-'));
    const refdir = path.join(__dirname, 'fixtures', 'generated', 'distributed_ddp');
    const outcomes = await runRanks(['ddp', refdir, outdir], { deadlineMs: 240000 });
    for (const o of outcomes) {
      assert.equal(o.code, 0, `rank ${o.rank} failed (${o.signal ?? o.code}):\n${o.stderr}`);
      assert.deepEqual(o.result.keys, (ref.extra as { ddpKeys: string[] }).ddpKeys, 'state_dict keys as PyTorch DDP (module. prefix)');
      assert.equal(o.result.frozenGrad, true, 'a frozen parameter gets no gradient');
    }
    grads = outcomes.map((o) => o.result);
    for (let r = 0; r < 2; r++) ranks.push(torch.loadSafetensors(path.join(outdir, `rank${r}.safetensors`)) as Map<string, torch.Tensor>);
  });

  after(() => {
    for (const sd of ranks) for (const t of sd.values()) t.dispose();
    disposeReference(ref);
    fs.rmSync(outdir, { recursive: true, force: true });
  });

  it('the ranks end with identical weights (every rank applies the same averaged gradient)', () => {
    for (const k of keys) assert.equal(maxAbsDiff(ranks[0].get(`module.${k}`)!, ranks[1].get(`module.${k}`)!), 0, k);
  });

  it('rank 0\'s frozen parameter and buffer reached rank 1, which started from other values', () => {
    for (const k of ['shift', 'scale']) {
      assert.ok(maxAbsDiff(ref.get(`rank1_init.${k}`), ref.get(`init.${k}`)) > 0.01, `${k}: the ranks start apart`);
      assert.equal(maxAbsDiff(ranks[1].get(`module.${k}`)!, ref.get(`init.${k}`)), 0, k);
    }
  });

  it('equals one process with the whole batch (≤ 1e-5) and PyTorch\'s DDP on the same data', () => {
    // Halves' mean gradients averaged = the whole batch's mean gradient up to float32 rounding:
    // the sums run in another order (per half, then across ranks), each a relative error of a
    // few ulp (~1e-7) of gradients of size ~1, carried through 4 steps of lr 0.1 with
    // momentum 0.9: ~1e-7 · 4 · 0.1 · (1 + 0.9 + …) ≪ 1e-5.
    for (const k of keys) {
      const got = ranks[0].get(`module.${k}`)!;
      assert.ok(maxAbsDiff(got, ref.get(`init.${k}`)) > 1e-3 || k === 'shift' || k === 'scale', `${k} trained`);
      const single = maxAbsDiff(got, ref.get(`single.${k}`));
      assert.ok(single <= 1e-5, `${k}: ${single} from the single-process run`);
      // PyTorch's DDP runs the same Reducer on the same LibTorch: the same float operations in
      // the same order, so the same bits are expected; 1e-6 leaves room for another CPU's kernels.
      const pytorch = maxAbsDiff(got, ref.get(`ddp0.${k}`));
      assert.ok(pytorch <= 1e-6, `${k}: ${pytorch} from PyTorch's DDP`);
    }
  });

  it('noSync keeps gradients local; the next synced backward averages them', () => {
    const [g0, g1] = grads;
    const diff = (a: number[], b: number[]) => Math.max(...a.map((v, i) => Math.abs(v - b[i])));
    assert.ok(diff(g0.localGrad, g1.localGrad) > 1e-4, 'each rank keeps its own half\'s gradient');
    assert.equal(diff(g0.syncedGrad, g1.syncedGrad), 0, 'synced gradients are the same on every rank');
    // the average of the two local gradients, up to float32 rounding of the sum (|g| < 10)
    const mean = g0.localGrad.map((v, i) => (v + g1.localGrad[i]) / 2);
    assert.ok(diff(g0.syncedGrad, mean) < 1e-6, `${diff(g0.syncedGrad, mean)}`);
  });
});
