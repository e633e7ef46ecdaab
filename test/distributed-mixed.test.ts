/**
 * svf-torch ranks and Python torch.distributed ranks in one Gloo group (same LibTorch): the
 * rendezvous keys, the Gloo wire protocol and DDP's Reducer are PyTorch's own, so a Python rank 0
 * and an svf-torch rank 1 reduce together, and train one model with DistributedDataParallel
 * to the same weights as two Python ranks.
 */
import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as torch from '../lib/index';
import { disposeReference, loadReference, maxAbsDiff, PYTHON, Reference, runReference } from './helpers/reference';
import { runRanks } from './helpers/spawn-ranks';

const SCRIPT = path.join(__dirname, 'reference', 'distributed_mixed_rank.py');
const pythonRank0 = (...argv: string[]) => (rank: number): [string, string[]] | undefined =>
  rank === 0 ? [PYTHON, [SCRIPT, ...argv]] : undefined;

describe('distributed: a Python rank and an svf-torch rank in one group', function () {
  this.timeout(300000);

  it('allReduce (SUM, MAX), broadcast and barrier across the two', async () => {
    const outcomes = await runRanks(['mixed'], { deadlineMs: 150000, command: pythonRank0('collectives') });
    for (const o of outcomes) {
      assert.equal(o.code, 0, `rank ${o.rank} failed (${o.signal ?? o.code}):\n${o.stderr}`);
      assert.deepEqual(o.result, { rank: o.rank, sum: [3, 10], max: [3], broadcast: [6] });
    }
  });

  describe('DistributedDataParallel', () => {
    let ref: Reference;
    let outdir: string;
    before(() => {
      ref = loadReference(runReference('distributed_ddp.py'));
      outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'svf-mixed-'));
    });
    after(() => {
      disposeReference(ref);
      fs.rmSync(outdir, { recursive: true, force: true });
    });

    it('Python\'s DDP on rank 0, svf-torch\'s on rank 1: both end with PyTorch\'s weights', async () => {
      const refdir = path.join(__dirname, 'fixtures', 'generated', 'distributed_ddp');
      const pyOut = path.join(outdir, 'python');
      const outcomes = await runRanks(['ddp', refdir, outdir], { deadlineMs: 240000, command: pythonRank0('ddp', refdir, pyOut) });
      const logs = outcomes.map((o) => `rank ${o.rank} (${o.signal ?? o.code}):\n${o.stderr}`).join('\n');
      for (const o of outcomes) assert.equal(o.code, 0, logs);
      const python = loadReference(pyOut);
      const ours = torch.loadSafetensors(path.join(outdir, 'rank1.safetensors')) as Map<string, torch.Tensor>;
      try {
        for (const k of (ref.extra as { keys: string[] }).keys) {
          // the same averaged gradients applied by the same SGD on both ranks: identical bits
          assert.equal(maxAbsDiff(ours.get(`module.${k}`)!, python.get(`module.${k}`)), 0, k);
          // and what two Python ranks reach (same Reducer, same LibTorch; room for another CPU's kernels)
          assert.ok(maxAbsDiff(ours.get(`module.${k}`)!, ref.get(`ddp0.${k}`)) <= 1e-6, k);
        }
      } finally {
        disposeReference(python);
        for (const t of ours.values()) t.dispose();
      }
    });
  });
});
