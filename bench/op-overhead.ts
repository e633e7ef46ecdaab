/**
 * Per-op overhead: 100,000 iterations of tiny ops (2×2 float32) in svf-torch versus the same
 * loops in Python torch (bench/op_overhead.py) on the same Debian LibTorch 1.13.1, both with
 * one intra-op thread. With 4-element tensors the kernels cost almost nothing, so this
 * measures what each language binding adds per call (argument conversion, dispatch, handle
 * lifetime) — the cost that dominates small-tensor code such as optimizer bookkeeping.
 *
 *   npm run bench:op                      (writes the `op-overhead` section of BENCHMARKS.md)
 *   BENCH_ITERS=20000 npm run bench:op    (quicker, noisier)
 *
 * The two sides run back to back, interleaved, BENCH_PASSES times (default 3): each pass times
 * the TS loops, then the Python ones; each loop keeps its minimum over all passes, so load from
 * other processes that comes and goes hits both sides alike.
 */
import * as os from 'os';
import * as torch from '../lib';
import { Benchmark, machineNotes, markdownTable, bestNs, PYTHON, runPython } from './report';

interface PythonResult {
  torch: string;
  threads: number;
  results: Record<string, number>;
  /** CPU time (time.process_time_ns) per iteration, best round. */
  cpu: Record<string, number>;
}

/** Per loop, ns per iteration: wall clock and CPU time of the process, each its best round. */
interface Timings {
  wall: Record<string, number>;
  cpu: Record<string, number>;
}

/** One loop body per row; `ops` is the number of ATen ops it runs (for µs per op). */
interface Loop {
  name: string;
  label: string;
  python: string;
  ops: number;
  body: (a: torch.Tensor, b: torch.Tensor) => void;
}

const LOOPS: Loop[] = [
  {
    name: 'add',
    label: '`c = a.add(b); c.dispose()`',
    python: '`c = a + b`',
    ops: 1,
    body: (a, b) => a.add(b).dispose(),
  },
  {
    name: 'add_tidy',
    label: '`tidy(() => { a.add(b); })`',
    python: '`c = a + b`',
    ops: 1,
    body: (a, b) => torch.tidy(() => { a.add(b); }),
  },
  {
    name: 'mul_sum',
    label: '`tidy(() => { a.mul(b).sum(); })`',
    python: '`c = (a * b).sum()`',
    ops: 2,
    body: (a, b) => torch.tidy(() => { a.mul(b).sum(); }),
  },
  {
    name: 'mul_sum_item',
    label: '`tidy(() => a.mul(b).sum().item())`',
    python: '`x = (a * b).sum().item()`',
    ops: 2,
    body: (a, b) => torch.tidy(() => a.mul(b).sum().item()),
  },
];

const PYTHON_LOOP: Record<string, string> = { add: 'add', add_tidy: 'add', mul_sum: 'mul_sum', mul_sum_item: 'mul_sum_item' };

/** CPU time of the process (all its threads, V8's GC helpers included) in ns. */
function cpuNs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) * 1000;
}

function measureTs(iters: number, rounds: number): Timings {
  const a = torch.rand([2, 2]);
  const b = torch.rand([2, 2]);
  const out: Timings = { wall: {}, cpu: {} };
  for (const loop of LOOPS) {
    const run = (n: number): void => {
      for (let i = 0; i < n; i++) loop.body(a, b);
    };
    run(Math.ceil(iters / 10)); // warm-up: JIT, op-handle resolution, allocator
    let cpu = Infinity;
    const wall = bestNs(() => {
      const c0 = cpuNs();
      run(iters);
      cpu = Math.min(cpu, cpuNs() - c0);
    }, rounds);
    out.wall[loop.name] = wall / iters;
    out.cpu[loop.name] = cpu / iters;
  }
  a.dispose();
  b.dispose();
  return out;
}

async function run(): Promise<string> {
  const iters = Number(process.env.BENCH_ITERS ?? 100_000);
  const rounds = Number(process.env.BENCH_ROUNDS ?? 5);
  const threadsBefore = torch.getNumThreads();
  torch.setNumThreads(1);
  const passes = Number(process.env.BENCH_PASSES ?? 3);
  const loadStart = os.loadavg()[0];
  const before = torch.memory().numTensors;
  const ts: Timings = { wall: {}, cpu: {} };
  let py: PythonResult | undefined;
  const min = (into: Record<string, number>, from: Record<string, number>): void => {
    for (const [k, v] of Object.entries(from)) into[k] = Math.min(into[k] ?? Infinity, v);
  };
  for (let pass = 0; pass < passes; pass++) {
    const t = measureTs(iters, rounds);
    min(ts.wall, t.wall);
    min(ts.cpu, t.cpu);
    const p = runPython<PythonResult>('op_overhead.py', [String(iters), String(rounds)]);
    if (py) {
      min(py.results, p.results);
      min(py.cpu, p.cpu);
    } else py = p;
  }
  const leaked = torch.memory().numTensors - before;
  torch.setNumThreads(threadsBefore);
  if (leaked !== 0) throw new Error(`op-overhead: ${leaked} tensors leaked by the loops`);
  if (!py) throw new Error('op-overhead: BENCH_PASSES must be at least 1');

  const us = (ns: number): string => (ns / 1000).toFixed(2);
  const rows = LOOPS.map((loop) => {
    const t = ts.wall[loop.name];
    const p = py!.results[PYTHON_LOOP[loop.name]];
    const tc = ts.cpu[loop.name];
    const pc = py!.cpu[PYTHON_LOOP[loop.name]];
    return [loop.label, loop.python, us(t / loop.ops), us(p / loop.ops), (t / p).toFixed(2), (tc / pc).toFixed(2)];
  });
  const table = markdownTable(
    ['svf-torch loop body', 'Python torch loop body', 'svf-torch µs/op', 'Python µs/op', 'ratio (svf-torch / Python)', 'CPU-time ratio'],
    rows,
  );
  const line = PYTHON === '/usr/bin/python3' ? '' : `LIBTORCH_USE_PYTORCH=1 SVF_TORCH_PYTHON=${PYTHON} `;
  const body = [
    `${iters.toLocaleString('en-US')} iterations of tiny ops on 2×2 float32 CPU tensors, best of ${rounds} rounds ` +
      `after a warm-up, in ${passes} passes that alternate svf-torch and Python (the minimum over all: load from other processes only adds time); ` +
      `**1 intra-op thread on both sides** (\`torch.setNumThreads(1)\` / \`torch.set_num_threads(1)\`). ` +
      'µs/op = loop time / (iterations × ATen ops per iteration); the ratio compares whole iterations. ' +
      'The CPU-time ratio compares the processes\' CPU time over the same loops (Node\'s GC helper threads included): ' +
      'on a machine other processes load, time spent descheduled inflates wall-clock rounds on both sides, unevenly. ' +
      'Python frees by reference counting; svf-torch frees explicitly (dispose or tidy), as measured.',
    '',
    table,
    '',
    `Reproduce: \`${line}npm run bench:op\` after \`bash scripts/setup.sh\` (Python side alone: \`${PYTHON} bench/op_overhead.py ${iters} ${rounds}\`).`,
    '',
    machineNotes(`Python torch ${py.torch} (${PYTHON === '/usr/bin/python3' ? 'Debian python3-torch' : PYTHON}), ${py.threads} thread; ` +
      `1-minute load average ${loadStart.toFixed(1)} at the start, ${os.loadavg()[0].toFixed(1)} at the end (other processes share these cores)`),
  ].join('\n');
  return body;
}

export const benchmark: Benchmark = { name: 'op-overhead', run };
