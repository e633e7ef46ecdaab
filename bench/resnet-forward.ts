/**
 * ResNet-50 eval forward, batch 1 at 224×224, svf-torch (models.resnet50) versus torchvision in
 * Python (bench/resnet_forward.py) on the same Debian LibTorch 1.13.1, both with 2 intra-op
 * threads, median of N runs after 2 warm-ups, the two
 * sides' runs alternating so that both see the same machine load. Each svf-torch run is `noGrad` + `tidy`, so the
 * intermediate activations are freed as Python's reference counting frees them.
 *
 *   npm run bench -- "resnet50 forward"           (writes its section of BENCHMARKS.md)
 *   npx ts-node bench/resnet-forward.ts           (same, without the build)
 *   BENCH_RUNS=20 BENCH_THREADS=2 ...             (defaults: 15 runs, 2 threads)
 */
import { ChildProcessWithoutNullStreams, spawn } from 'child_process';
import * as os from 'os';
import * as path from 'path';
import * as readline from 'readline';
import * as torch from '../lib';
import { models } from '../lib';
import { Benchmark, machineNotes, markdownTable, PYTHON, root, writeSection } from './report';

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** The Python side as a child process that times one forward per request, so runs can interleave. */
class PythonRunner {
  private readonly child: ChildProcessWithoutNullStreams;
  private readonly lines: AsyncIterator<string>;

  constructor(threads: number) {
    this.child = spawn(PYTHON, [path.join(root, 'bench', 'resnet_forward.py'), '--serve', String(threads)]);
    this.child.stderr.on('data', (d: Buffer) => process.stderr.write(d));
    this.lines = readline.createInterface({ input: this.child.stdout })[Symbol.asyncIterator]();
  }

  async next(): Promise<string> {
    const r = await this.lines.next();
    if (r.done) throw new Error('bench/resnet_forward.py exited early');
    return r.value;
  }

  async time(): Promise<number> {
    this.child.stdin.write('run\n');
    return Number(await this.next());
  }

  close(): void {
    this.child.stdin.end();
  }
}

/**
 * Alternates one svf-torch forward and one Python forward, so both see the same machine load
 * (this 2-core machine is often shared); reports medians and minima of each side.
 */
async function measure(runs: number, threads: number): Promise<{ ts: number[]; py: number[]; info: { torch: string; threads: number } }> {
  const py = new PythonRunner(threads);
  try {
    const info = JSON.parse(await py.next()) as { torch: string; threads: number };
    torch.setNumThreads(threads);
    torch.manualSeed(0);
    const net = models.resnet50().eval();
    const x = torch.randn([1, 3, 224, 224]);
    const once = (): void => torch.noGrad(() => torch.tidy(() => { net.forward(x); }));
    for (let i = 0; i < 2; i++) once(); // warm-up, as the Python side
    const ts: number[] = [];
    const pyTimes: number[] = [];
    for (let i = 0; i < runs; i++) {
      const t0 = process.hrtime.bigint();
      once();
      ts.push(Number(process.hrtime.bigint() - t0) / 1e6);
      pyTimes.push(await py.time());
    }
    x.dispose();
    net.dispose();
    return { ts, py: pyTimes, info };
  } finally {
    py.close();
  }
}

async function run(): Promise<string> {
  const runs = Number(process.env.BENCH_RUNS ?? 15);
  const threads = Number(process.env.BENCH_THREADS ?? 2);
  const load = os.loadavg()[0];
  const m = await measure(runs, threads);
  const tsMed = median(m.ts);
  const pyMed = median(m.py);
  const table = markdownTable(
    ['model', 'input', 'threads', 'svf-torch median (min)', 'Python torch median (min)', 'ratio of medians (svf-torch / Python)', 'ratio of minima'],
    [[
      'resnet50 (eval, noGrad)', '1×3×224×224', threads,
      `${tsMed.toFixed(1)} ms (${Math.min(...m.ts).toFixed(1)})`, `${pyMed.toFixed(1)} ms (${Math.min(...m.py).toFixed(1)})`,
      (tsMed / pyMed).toFixed(3), (Math.min(...m.ts) / Math.min(...m.py)).toFixed(3),
    ]],
  );
  return [
    `ResNet-50 eval forward (random init), batch 1 at 224², ${runs} runs per side after 2 warm-ups, svf-torch and Python runs ` +
      `alternating so both see the same machine load; **${threads} intra-op threads on both sides**. ` +
      'svf-torch: `torch.noGrad(() => torch.tidy(() => net.forward(x)))` with `models.resnet50()`; Python: ' +
      '`with torch.no_grad(): net(x)` with `torchvision.models.resnet50()`. Both run the same LibTorch kernels, so the ' +
      'ratio shows what the TS layer adds (a few hundred op calls per forward).',
    '',
    table,
    '',
    `svf-torch runs (ms): ${m.ts.map((t) => t.toFixed(0)).join(', ')}.`,
    `Python runs (ms): ${m.py.map((t) => t.toFixed(0)).join(', ')}.`,
    `1-minute load average when started: ${load.toFixed(2)} (on a shared machine, trust the minima and the ratio more than absolute times).`,
    '',
    'Reproduce: `npm run bench -- "resnet50 forward"` or `npx ts-node bench/resnet-forward.ts` ' +
      `(Python side alone: \`/usr/bin/python3 bench/resnet_forward.py ${runs} ${threads}\`).`,
    '',
    machineNotes(`Python torch ${m.info.torch} (Debian python3-torch), ${m.info.threads} threads`),
  ].join('\n');
}

export const benchmark: Benchmark = { name: 'resnet50 forward', run };

if (require.main === module) {
  run()
    .then((body) => {
      console.log(body);
      if (!process.argv.includes('--dry-run')) console.log(`\nwritten to ${writeSection(benchmark.name, body)}`);
    })
    .catch((e: unknown) => {
      console.error(e);
      process.exit(1);
    });
}
