/**
 * PFENet-ResNet50 training step, svf-torch vs the same model in Python on the same LibTorch
 * (bench/pfenet_bench.py over test/reference/pfenet_ref.py) and thread count: the official
 * frozen backbone vs SVF in the backbone (layer2–4 singular values train, BatchNorm fixed), random
 * weights and inputs, batch 2, 1-shot. Every configuration runs in its own process; peak RSS is
 * VmHWM after a reset following a warm-up step (whole process, model included).
 *
 *   npx tsc -p . && npm run bench -- pfenet
 *   BENCH_THREADS=2 BENCH_STEPS=3 BENCH_PFENET_SIZE=97 BENCH_PFENET_BATCH=2 (defaults)
 */
import * as os from 'os';
import * as torch from '../lib';
import { Benchmark, machineNotes, markdownTable, median, peakRssMiB, PYTHON, pythonTorchVersion, resetPeak, runPython, spawnBenchChild, writeSection } from './report';

const { fss } = torch;

/** The child side: one configuration, one JSON line. */
function child(what: 'frozen' | 'svf', size: number, batch: number, steps: number): unknown {
  torch.manualSeed(0);
  const model = new fss.PFENet({ layers: 50 });
  if (what === 'svf') fss.PFENet.applySvf(model);
  model.train();
  const { optimizer } = fss.PFENet.recipe(model, { baseLr: 0.0025, maxIters: 1000 });
  const q = torch.randn([batch, 3, size, size]);
  const s = torch.randn([batch, 1, 3, size, size]);
  const m = torch.randint(0, 2, [batch, 1, size, size]).float();
  const y = torch.randint(0, 2, [batch, size, size]);
  const batchOf = { query: q, support: s, supportMask: m, queryMask: y } as unknown as torch.fss.EpisodeBatch;
  const step = () => fss.pfenet.trainStep(model, optimizer, batchOf);
  step();
  resetPeak();
  const times: number[] = [];
  const cpu: number[] = [];
  for (let i = 0; i < steps; i++) {
    const t = process.hrtime.bigint();
    const c = process.cpuUsage();
    step();
    times.push(Number(process.hrtime.bigint() - t) / 1e9);
    const d = process.cpuUsage(c);
    cpu.push((d.user + d.system) / 1e6);
  }
  return { times, cpu, peak_mib: peakRssMiB(), trainable: model.numParameters({ trainableOnly: true }), params: model.numParameters() };
}

function spawnChild(args: string[], threads: number, env: NodeJS.ProcessEnv = {}): any {
  return spawnBenchChild(__filename, args, threads, env);
}

async function run(): Promise<string> {
  const threads = Number(process.env.BENCH_THREADS ?? 2);
  const steps = Number(process.env.BENCH_STEPS ?? 3);
  const size = Number(process.env.BENCH_PFENET_SIZE ?? 97);
  const batch = Number(process.env.BENCH_PFENET_BATCH ?? 2);
  const rows: (string | number)[][] = [];
  for (const what of ['frozen', 'svf'] as const) {
    const ts = spawnChild([what, String(size), String(batch), String(steps)], threads);
    const py = runPython<any>('pfenet_bench.py', [what, String(size), String(batch), String(steps), String(threads)], { OMP_NUM_THREADS: String(threads) });
    const [tt, pt] = [median(ts.times), median(py.times)];
    const [tc, pc] = [median(ts.cpu), median(py.cpu)];
    rows.push([what === 'svf' ? 'PFENet+SVF' : 'PFENet, frozen backbone', ts.trainable, tt.toFixed(2), pt.toFixed(2), (tt / pt).toFixed(2),
      tc.toFixed(2), pc.toFixed(2), (tc / pc).toFixed(2),
      ts.peak_mib.toFixed(0), py.peak_mib.toFixed(0), (ts.peak_mib / py.peak_mib).toFixed(2)]);
  }
  return [
    `### one training step, PFENet-ResNet50, batch ${batch}, 1-shot, ${size}², bins 60/30/15/8\n`,
    markdownTable(['model', 'trainable params', 'svf-torch s/step', 'Python s/step', 'time ratio', 'svf-torch CPU s/step', 'Python CPU s/step', 'CPU ratio', 'svf-torch peak RSS MiB', 'Python peak RSS MiB', 'memory ratio'], rows),
    `\nMedians of ${steps} steps after a warm-up step, one process per configuration. CPU s/step is the process's user + system time (all threads): on a machine shared with other jobs it is the steadier measure; wall time there depends on what else ran at the moment.`,
    `\nThe pyramid bins (60² at 256 channels) cost the same at any image size and dominate at small ones.`,
    `Reproduce: \`npx tsc -p . && BENCH_THREADS=${threads} BENCH_STEPS=${steps} BENCH_PFENET_SIZE=${size} BENCH_PFENET_BATCH=${batch} npm run bench -- pfenet\`.`,
    machineNotes(`${threads} intra-op threads both sides; Python torch ${pythonTorchVersion()} (${PYTHON}), svf-torch on LibTorch ${torch.version.libtorch}; load average at the end ${os.loadavg().map((l) => l.toFixed(1)).join(' / ')} (a shared machine: compare within the table)`),
  ].join('\n');
}

export const benchmark: Benchmark = { name: 'pfenet', run };

if (require.main === module) {
  const args = process.argv.slice(2);
  if (args[0] === '--child') {
    console.log(JSON.stringify(child(args[1] as 'frozen' | 'svf', Number(args[2]), Number(args[3]), Number(args[4]))));
    process.exit(0);
  } else {
    run().then((body) => {
      console.log(body);
      writeSection('pfenet', body);
    }).catch((e) => { console.error(e); process.exit(1); });
  }
}
