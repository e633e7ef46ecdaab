/**
 * torch.distributed over c10d's ProcessGroupGloo: two worker processes on loopback, started with
 * torchrun's variables (env:// rendezvous), check every collective's values; the expected values
 * are recomputed here from what each rank contributed. Argument errors and use before
 * initProcessGroup are checked in this process (which never joins a group).
 */
import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as torch from '../lib/index';
import { spawnSync } from 'child_process';
import { PYTHON } from './helpers/reference';
import { runRanks } from './helpers/spawn-ranks';

const { distributed: dist } = torch;

describe('distributed: collectives across 2 Gloo processes', function () {
  this.timeout(180000);
  let results: any[];

  before(async () => {
    const outcomes = await runRanks(['collectives'], { deadlineMs: 150000 });
    for (const o of outcomes) assert.equal(o.code, 0, `rank ${o.rank} failed (${o.signal ?? o.code}):\n${o.stderr}`);
    results = outcomes.map((o) => o.result);
  });

  // What ranks 0 and 1 put in (distributed-worker.ts), elementwise.
  const contributed = (rank: number) => [rank + 1, -(rank + 2) * 0.5, 3 - rank * 4];
  const zip = (f: (a: number, b: number) => number) => contributed(0).map((a, i) => f(a, contributed(1)[i]));

  it('knows its rank, the world size and the backend', () => {
    results.forEach((r, rank) => {
      assert.equal(r.rank, rank);
      assert.equal(r.worldSize, 2);
      assert.equal(r.backend, 'gloo');
      assert.equal(r.initialized, true);
      assert.equal(r.initializedAfterDestroy, false);
    });
  });

  it('allReduce: SUM (default), PRODUCT, MIN, MAX on float32; every rank ends with the same values', () => {
    // small integers and halves: exact in float32 whatever the order of the reduction
    for (const r of results) {
      assert.deepEqual(r['float32.sum'], zip((a, b) => a + b));
      assert.deepEqual(r['float32.product'], zip((a, b) => a * b));
      assert.deepEqual(r['float32.min'], zip(Math.min));
      assert.deepEqual(r['float32.max'], zip(Math.max));
    }
  });

  it('allReduce on float64, int64 (values beyond 2^32) and int32 (BAND)', () => {
    for (const r of results) {
      assert.deepEqual(r['float64.sum'], [1.25 + 2.5, 2e-3]);
      assert.deepEqual(r['int64.max'], [8, 2 ** 40]);
      assert.deepEqual(r['int32.band'], [6 & 3, 12 & 10]);
    }
  });

  it('allReduce: AVG does what PyTorch\'s Gloo does on this LibTorch (refused, as a TorchError, or averaged)', () => {
    // Python torch.distributed on the same LibTorch, one Gloo rank: does it take ReduceOp.AVG?
    const py = spawnSync(PYTHON, ['-c', [
      'import socket, torch, torch.distributed as d',
      's = socket.socket(); s.bind(("127.0.0.1", 0)); p = s.getsockname()[1]; s.close()',
      'd.init_process_group("gloo", init_method=f"tcp://127.0.0.1:{p}", rank=0, world_size=1)',
      'try:\n    d.all_reduce(torch.ones(1), op=d.ReduceOp.AVG); print("ok")\nexcept Exception as e:\n    print("error", str(e).splitlines()[0])',
      'd.destroy_process_group()',
    ].join('\n')], { encoding: 'utf8' });
    assert.equal(py.status, 0, py.stderr);
    const [kind, ...message] = py.stdout.trim().split(' ');
    for (const r of results) {
      if (kind === 'ok') assert.deepEqual(r.avg, [1.5, 2]);
      else assert.equal(r.avg, `TorchError: ${message.join(' ')}`);
    }
  });

  it('allReduce reduces a non-contiguous view in place through its storage', () => {
    const expected = [0, 1, 2, 3, 4, 5].map((v) => v + (v + 10));
    for (const r of results) assert.deepEqual(r.view, expected);
  });

  it('asyncOp: true returns a Promise that resolves once the tensor holds the sum', () => {
    for (const r of results) {
      assert.equal(r.asyncIsPromise, true);
      assert.deepEqual(r.async, [3, 3, 3, 3]);
      assert.deepEqual(r.asyncBroadcast, [1.5]);
    }
  });

  it('broadcast copies the source rank\'s tensor to every rank', () => {
    for (const r of results) {
      assert.deepEqual(r.broadcast0, [1, 2]);
      assert.deepEqual(r.broadcast1, [101, 102]);
    }
  });
});

describe('distributed: file:// rendezvous (FileStore)', function () {
  this.timeout(120000);
  it('3 ranks meet through a file and reduce', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'svf-filestore-'));
    try {
      const outcomes = await runRanks(['filestore', path.join(dir, 'store')], { worldSize: 3, deadlineMs: 100000 });
      for (const o of outcomes) {
        assert.equal(o.code, 0, `rank ${o.rank} failed (${o.signal ?? o.code}):\n${o.stderr}`);
        assert.deepEqual(o.result.sum, [111]);
      }
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('distributed: arguments and use before initProcessGroup', () => {
  it('getRank/getWorldSize/collectives before initProcessGroup fail with a clear TorchError', () => {
    assert.equal(dist.isInitialized(), false);
    for (const f of [() => dist.getRank(), () => dist.getWorldSize(), () => dist.barrier(), () => dist.allReduce(torch.ones(1)),
      () => dist.broadcast(torch.ones(1), 0), () => dist.destroyProcessGroup(),
      () => new torch.nn.parallel.DistributedDataParallel(new torch.nn.Linear(2, 2))]) {
      assert.throws(f, (e: Error) => e instanceof torch.TorchError && /not been initialized.*initProcessGroup/.test(e.message));
    }
  });

  it('bad arguments are TypeError/RangeError, before anything connects', () => {
    const env = { ...process.env };
    try {
      delete process.env.MASTER_ADDR;
      delete process.env.RANK;
      assert.throws(() => dist.initProcessGroup({ backend: 'mpi' as never, rank: 0, worldSize: 1 }), RangeError);
      assert.throws(() => dist.initProcessGroup({ backend: 3 as never }), TypeError);
      assert.throws(() => dist.initProcessGroup(null as never), TypeError);
      assert.throws(() => dist.initProcessGroup({ rank: 2, worldSize: 2, initMethod: 'tcp://127.0.0.1:1' }), RangeError);
      assert.throws(() => dist.initProcessGroup({ rank: -1, worldSize: 2, initMethod: 'tcp://127.0.0.1:1' }), RangeError);
      assert.throws(() => dist.initProcessGroup({ rank: 0.5, worldSize: 2, initMethod: 'tcp://127.0.0.1:1' }), TypeError);
      assert.throws(() => dist.initProcessGroup({ rank: 0, worldSize: 0, initMethod: 'tcp://127.0.0.1:1' }), RangeError);
      assert.throws(() => dist.initProcessGroup({ rank: 0, worldSize: 1, initMethod: 'tcp://127.0.0.1:70000' }), RangeError);
      assert.throws(() => dist.initProcessGroup({ rank: 0, worldSize: 1, initMethod: 'udp://x:1' }), RangeError);
      assert.throws(() => dist.initProcessGroup({ rank: 0, worldSize: 1, initMethod: 'tcp://127.0.0.1:1', timeout: 0 }), RangeError);
      assert.throws(() => dist.initProcessGroup({ rank: 0, worldSize: 1, initMethod: 'tcp://127.0.0.1:1', timeout: '5' as never }), TypeError);
      // env:// without torchrun's variables names the one missing
      assert.throws(() => dist.initProcessGroup({ rank: 0, worldSize: 1 }), /MASTER_ADDR expected, but not set/);
      assert.throws(() => dist.initProcessGroup({}), /RANK expected, but not set/);
      assert.throws(() => dist.initProcessGroup({ initMethod: 'tcp://127.0.0.1:1' }), TypeError);
    } finally {
      Object.assign(process.env, env);
    }
    assert.throws(() => dist.allReduce([1, 2] as never), TypeError);
    assert.throws(() => dist.allReduce(torch.ones(1), { op: 'mean' as never }), RangeError);
    assert.throws(() => dist.allReduce(torch.ones(1), { op: 1 as never }), TypeError);
    assert.throws(() => dist.allReduce(torch.ones(1), { asyncOp: 'yes' as never }), TypeError);
    assert.throws(() => dist.broadcast(torch.ones(1), 0.5), TypeError);
    assert.throws(() => dist.broadcast(torch.ones(1), -1), RangeError);
    assert.throws(() => dist.broadcast({} as never, 0), TypeError);
    assert.throws(() => new torch.nn.parallel.DistributedDataParallel({} as never), TypeError);
    assert.equal(dist.isInitialized(), false);
  });

  it('reports which backends this binary can make', () => {
    assert.equal(dist.isGlooAvailable(), true, 'the addon was built without gloo headers (apt-get install libgloo-dev)');
  });

  it('NCCL where PyTorch on this LibTorch has it; without a GPU, PyTorch\'s own refusal as a TorchError', async () => {
    // Python on the same LibTorch: is NCCL there, and what does a 1-rank NCCL group do here?
    const py = spawnSync(PYTHON, ['-c', [
      'import json, socket, torch, torch.distributed as d',
      'r = {"available": d.is_nccl_available(), "error": None}',
      'if r["available"]:',
      '    s = socket.socket(); s.bind(("127.0.0.1", 0)); p = s.getsockname()[1]; s.close()',
      '    try:',
      '        d.init_process_group("nccl", init_method=f"tcp://127.0.0.1:{p}", rank=0, world_size=1)',
      '        t = torch.tensor([1.0, 2.0], device="cuda"); d.all_reduce(t); r["sum"] = t.tolist(); d.destroy_process_group()',
      '    except Exception as e:',
      '        r["error"] = str(e).splitlines()[0]',
      'print(json.dumps(r))',
    ].join('\n')], { encoding: 'utf8' });
    assert.equal(py.status, 0, py.stderr);
    const ref = JSON.parse(py.stdout.trim().split('\n').pop()!);
    assert.equal(dist.isNcclAvailable(), ref.available, 'NCCL built where PyTorch has it (a CUDA build with a toolkit\'s headers at build time)');
    const init = async () => dist.initProcessGroup({ backend: 'nccl', rank: 0, worldSize: 1, initMethod: `tcp://127.0.0.1:${await dist.freePort()}` });
    if (!ref.available) {
      await assert.rejects(init, (e: Error) => e instanceof torch.TorchError && /backend 'nccl' not built/.test(e.message));
    } else if (ref.error !== null) {
      await assert.rejects(init, (e: Error) => e instanceof torch.TorchError && e.message === ref.error);
      assert.equal(dist.isInitialized(), false);
    } else {
      await init();
      try {
        const t = torch.tensor([1, 2], { dtype: 'float32', device: 'cuda' });
        dist.allReduce(t);
        assert.deepEqual(torch.tidy(() => t.cpu().toArray()), ref.sum);
        t.dispose();
      } finally {
        dist.destroyProcessGroup();
      }
    }
  });
});
