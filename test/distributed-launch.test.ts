/**
 * distributed.launch (what `svf-torch train --nproc N` uses): N workers with torchrun's
 * variables meet over env:// on a free port; one failing worker stops the others and rejects.
 */
import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as torch from '../lib/index';
import { transpiledHelper } from './helpers/transpiled';

const { launch } = torch.distributed;

describe('distributed: launch', function () {
  this.timeout(120000);
  let outdir: string;
  beforeEach(() => (outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'svf-launch-'))));
  afterEach(() => fs.rmSync(outdir, { recursive: true, force: true }));

  it('starts N workers with torchrun\'s variables; they form one group', async () => {
    const r = await launch({ nproc: 3, script: transpiledHelper('distributed-worker'), argv: ['launched', outdir], execArgv: [], env: { EXTRA: 'x' } });
    assert.equal(r.worldSize, 3);
    for (let rank = 0; rank < 3; rank++) {
      const got = JSON.parse(fs.readFileSync(path.join(outdir, `rank${rank}.json`), 'utf8'));
      const want: Record<string, string> = {
        RANK: String(rank), LOCAL_RANK: String(rank), WORLD_SIZE: '3', LOCAL_WORLD_SIZE: '3', MASTER_ADDR: '127.0.0.1',
        MASTER_PORT: String(r.masterPort), EXTRA: 'x',
      };
      for (const [k, v] of Object.entries(want)) assert.equal(got.env[k], v, k);
      if (process.env.OMP_NUM_THREADS === undefined) assert.equal(got.env.OMP_NUM_THREADS, '1');
      assert.deepEqual(got.sum, [1 + 2 + 3]);
      assert.deepEqual(got.argv, [outdir]);
    }
  });

  it('one worker failing stops the others and rejects naming it', async () => {
    const start = Date.now();
    await assert.rejects(launch({ nproc: 2, script: transpiledHelper('distributed-worker'), argv: ['fail-rank1'], execArgv: [], killGraceMs: 2000 }),
      /worker 1 \(local rank 1\) failed: exit code 3/);
    // rank 0 would wait 120 s in the rendezvous: it was stopped instead
    assert.ok(Date.now() - start < 60000);
  });

  it('bad options: TypeError/RangeError', async () => {
    await assert.rejects(launch({ nproc: 0, argv: ['true'] }), RangeError);
    await assert.rejects(launch({ nproc: 1.5, argv: ['true'] }), TypeError);
    await assert.rejects(launch({ nproc: 1 }), TypeError);
    await assert.rejects(launch({ nproc: 1, argv: ['true'], nnodes: 2, nodeRank: 0 }), /masterAddr/);
    await assert.rejects(launch({ nproc: 1, argv: ['true'], nnodes: 2, nodeRank: 2, masterAddr: 'a', masterPort: 1 }), RangeError);
  });
});
