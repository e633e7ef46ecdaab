/**
 * Threads under load: 4 worker threads at once, each running 200 iterations of an SVF step, an
 * S checkpoint save and load, torch.save and torch.load of its state_dict and a read of one
 * safetensors file all of them share (test/helpers/svf-load-worker.ts). No crash, no handle
 * leak (each worker's live handles after 20 iterations equal those at the end; the process's
 * RSS, less what the workers' V8 heaps grew, within 40 MiB from the moment all four are warm —
 * 20 iterations each: isolates, LibTorch pools and optimizer state made — until the first
 * finishes), and the same numbers in every worker.
 */
import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Worker } from 'worker_threads';
import * as torch from '../lib/index';
import { disposeAll } from './helpers/reference';
import { transpiledHelper } from './helpers/transpiled';
import { workerModel } from './helpers/worker-model';

interface Report { id: number; warm: number; end: number; S: number[][]; warmHeap: number; endHeap: number }

describe('threads under load: 4 workers × 200 SVF steps, loads and saves', function () {
  this.timeout(900000);

  it('no crash, no leak, and every worker ends with the same singular values', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'svf-workers-'));
    const shared = path.join(dir, 'shared.safetensors');
    const t = torch.randn([64, 64]);
    torch.saveSafetensors(new Map([['w', t]]), shared);
    t.dispose();
    torch.manualSeed(0);
    const net = workerModel();
    const init = net.stateDict();
    init.set('x', torch.randn([2, 3, 16, 16]));
    torch.save(init, path.join(dir, 'init.pt'));
    disposeAll(init);
    net.dispose();
    const script = transpiledHelper('svf-load-worker');
    const rss: number[] = [];
    let warmWorkers = 0;
    let finished = false;
    let heapGrowth = 0;
    const sampler = setInterval(() => { if (warmWorkers === 4 && !finished) rss.push(process.memoryUsage().rss); }, 100);
    try {
      const reports = await Promise.all([0, 1, 2, 3].map((id) => new Promise<Report>((resolve, reject) => {
        const w = new Worker(script, { workerData: { id, dir, iterations: Number(process.env.SVF_WORKER_ITERS ?? 200), shared } });
        let report: Report | undefined;
        w.on('message', (m: Report | { warmedUp: true }) => {
          if ('warmedUp' in m) warmWorkers++;
          else { finished = true; report = m; }
        });
        w.on('error', reject);
        w.on('exit', (code) => (code === 0 && report ? resolve(report) : reject(new Error(`worker ${id} exited ${code} without a report`))));
      })));
      heapGrowth = reports.reduce((n, r) => n + r.endHeap - r.warmHeap, 0);
      for (const r of reports) assert.equal(r.end, r.warm, `worker ${r.id}: live handles ${r.warm} after warm-up, ${r.end} at the end`);
      // the same float32 computation in each worker; LibTorch's CPU kernels split work the same
      // way for the same shapes and thread count, so the results agree to the last bit or within
      // a few roundings (u = 6e-8) per step over 200 steps: 1e-4 relative
      const ref = reports[0].S.flat();
      const scale = Math.max(...ref.map(Math.abs));
      for (const r of reports.slice(1)) {
        const d = Math.max(...r.S.flat().map((v, i) => Math.abs(v - ref[i])));
        assert.ok(d <= 1e-4 * scale, `worker ${r.id}: singular values differ by ${d}`);
      }
      assert.ok(ref.every(Number.isFinite));
    } finally {
      clearInterval(sampler);
      fs.rmSync(dir, { recursive: true, force: true });
    }
    assert.ok(rss.length >= 10, `only ${rss.length} RSS samples between warm-up and the end`);
    // the workers' V8 heaps grow until their collector settles (garbage, not a leak: the live
    // heap stays ~15–25 MB each); what remains of the RSS growth is native memory
    const growth = (rss[rss.length - 1] - rss[0]) / 2 ** 20;
    const native = growth - heapGrowth / 2 ** 20;
    console.log(`      RSS after warm-up ${(rss[0] / 2 ** 20).toFixed(0)} → ${(rss[rss.length - 1] / 2 ** 20).toFixed(0)} MiB, of which the workers' V8 heaps ${(heapGrowth / 2 ** 20).toFixed(1)} MiB: native ${native.toFixed(1)} MiB`);
    assert.ok(native <= 40, `native memory grew ${native.toFixed(1)} MiB while the workers ran`);
  });
});
