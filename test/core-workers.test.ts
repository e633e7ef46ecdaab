/**
 * worker_threads: four workers each load the addon in their own isolate, run ops, autograd,
 * svd (sync and on the libuv pool) and an SVF layer step through the addon's own autograd nodes,
 * and must agree with the main thread. Handles cannot
 * cross threads (Externals are per isolate): posting one fails cleanly.
 */
import * as assert from 'assert';
import * as path from 'path';
import { Worker } from 'worker_threads';
import * as torch from '../lib/index';
import { native, TensorHandle } from '../lib/native';
import { compute, computeSvf, WorkerResult } from './helpers/core-worker';

const WORKER = path.join(__dirname, 'helpers', 'core-worker.ts');

function runWorker(id: number, mainHandle: number): Promise<WorkerResult> {
  return new Promise((resolve, reject) => {
    const w = new Worker(`require('ts-node/register'); require(${JSON.stringify(WORKER)});`, {
      eval: true,
      workerData: { id, coreWorker: true, mainHandle },
      env: { ...process.env, TS_NODE_TRANSPILE_ONLY: 'true' },
    });
    let result: WorkerResult | undefined;
    w.on('message', (m: WorkerResult) => {
      if (!(m && 'forward' in m)) return;
      result = m;
      // while the worker's tensor is live: the main thread must not take it for one of its own
      try {
        native.shape(m.workerHandle as unknown as TensorHandle);
        m.mainHandleError += ' | main thread accepted the worker\'s handle';
      } catch (e) {
        m.mainHandleError += ` | ${(e as Error).name}: ${(e as Error).message}`;
      }
    });
    w.on('error', reject);
    w.on('exit', (code) => (code === 0 && result ? resolve(result) : reject(new Error(`worker ${id} exited ${code} without a result`))));
  });
}

const maxDiff = (a: Float32Array, b: Float32Array): number => {
  assert.strictEqual(a.length, b.length);
  return a.reduce((m, v, i) => Math.max(m, Math.abs(v - b[i])), 0);
};

/** The main thread's live handle count once garbage collection and the finalizers it queues have run. */
async function settledCount(): Promise<number> {
  const gc = (globalThis as { gc?: () => void }).gc;
  assert.ok(gc, 'the suite runs with --expose-gc (.mocharc.json node-option)');
  for (let i = 0; i < 3; i++) {
    gc();
    await new Promise((r) => setImmediate(r));
  }
  return torch.memory().numTensors;
}

describe('core: worker_threads', function () {
  this.timeout(120000);

  it('4 workers load the addon, run ops + autograd + svd, and agree with the main thread', async function () {
    // Handles an earlier test dropped may be finalized at any time and would move the count:
    // let the collector take them first (mocha runs with --expose-gc; see .mocharc.json).
    const mainMemory = await settledCount();
    const mainTensor = torch.ones([2]);
    const results = await Promise.all([0, 1, 2, 3].map((id) => runWorker(id, mainTensor.handle as unknown as number)));
    mainTensor.dispose();
    const here = compute();
    here.A.dispose();
    const hereSvf = computeSvf();
    assert.ok(hereSvf.some((v) => v !== 0), 'the SVF step has a gradient');
    assert.strictEqual(await settledCount(), mainMemory, 'workers must not touch the main thread\'s count');
    assert.strictEqual(torch.isGradEnabled(), true, 'grad mode is per thread');
    assert.deepStrictEqual(results.map((r) => r.id), [0, 1, 2, 3]);
    // the same ops on the same inputs in another isolate of the same process: the same kernels,
    // so bit-equal in practice; absolute bounds of ~10u on O(1) values (u = 6e-8) allow a
    // different thread split, and 1e-5 for the SVD and the SVF gradient (sums of more terms)
    for (const r of results) {
      assert.ok(maxDiff(r.forward, here.forward) <= 1e-6, `worker ${r.id}: forward`);
      assert.ok(maxDiff(r.gradX, here.gradX) <= 1e-6, `worker ${r.id}: grad x`);
      assert.ok(maxDiff(r.gradW, here.gradW) <= 1e-6, `worker ${r.id}: grad W`);
      assert.ok(maxDiff(r.S, here.S) <= 1e-5, `worker ${r.id}: svd`);
      assert.ok(maxDiff(r.asyncS, r.S) === 0, `worker ${r.id}: svdAsync differs from svd`);
      assert.strictEqual(r.memoryAfter, r.memoryBefore, `worker ${r.id}: leaked tensors`);
      const refused = 'TypeError: the tensor is a tensor handle of another thread (handles cannot cross worker_threads)';
      assert.strictEqual(r.mainHandleError, `${refused} | ${refused}`, `worker ${r.id}: a handle was used across threads`);
      assert.strictEqual(r.gradEnabledAfterNoGrad, false);
      assert.ok(maxDiff(r.svfGradS, hereSvf) <= 1e-5, `worker ${r.id}: SVF factored node + folded BatchNorm + masked ReLU`);
    }
  });
});
