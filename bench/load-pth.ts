/**
 * Loading a torchvision resnet50 .pth (~100 MB) in svf-torch vs Python's torch.load, same file,
 * same machine. Reproduce:
 *   npm run bench -- "pth load"                                  (writes its BENCHMARKS.md section)
 *   npx ts-node bench/load-pth.ts [FILE] [--reps N]              (timing only, one table row)
 *   npx ts-node bench/load-pth.ts --memory FILE                  (peak extra memory of one load, JSON)
 * Without FILE, bench/load_pth.py writes one to the temp folder first. The Python script is found
 * from the package root (report.ts), so the compiled bench under dist/ runs it too.
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as torch from '../lib/index';
import { Benchmark, machineNotes, PYTHON, root, runPython } from './report';

const SCRIPT = path.join(root, 'bench', 'load_pth.py');

function disposeAll(v: unknown): void {
  if (v instanceof torch.Tensor) v.dispose();
  else if (v instanceof Map) for (const x of v.values()) disposeAll(x);
  else if (Array.isArray(v)) v.forEach(disposeAll);
}

function statusKb(field: string): number {
  const m = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(fs.readFileSync('/proc/self/status', 'utf8'));
  if (!m) throw new Error(`no ${field} in /proc/self/status`);
  return Number(m[1]) * 1024;
}

/** One load in this process: peak RSS above the starting RSS (the kernel's high-water mark, reset first). */
export function measureMemory(file: string): Record<string, number> {
  const fileBytes = fs.statSync(file).size;
  // warm the code paths on a small file (not this one: its freed pages would be reused and hide the cost)
  const warm = path.join(os.tmpdir(), `svf-torch-warm-${process.pid}.pt`);
  const w = torch.ones([4]);
  torch.save(new Map([['w', w]]), warm);
  disposeAll(torch.load(warm));
  w.dispose();
  fs.unlinkSync(warm);
  // the same for heap that startup freed: returned to the OS first, so that reusing it cannot hide the cost
  torch.trimMemory();
  const { rss: rssBefore, heapTotal: v8HeapBefore, arrayBuffers: arrayBuffersBefore } = process.memoryUsage();
  const torchBefore = torch.memory().numBytes;
  fs.writeFileSync('/proc/self/clear_refs', '5'); // resets VmHWM to the current RSS
  const sd = torch.load(file);
  const peakRss = statusKb('VmHWM');
  const rssAfter = process.memoryUsage().rss;
  const torchAfter = torch.memory().numBytes;
  disposeAll(sd);
  return {
    fileBytes, rssBefore, rssAfter, peakRss,
    // memory the JS side held at the start, which it may hand back during the load
    jsBytesBefore: v8HeapBefore + arrayBuffersBefore,
    peakExtraBytes: peakRss - rssBefore,
    peakExtraRatio: (peakRss - rssBefore) / fileBytes,
    tensorBytes: torchAfter - torchBefore,
  };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

/** Median load times of the same file on both sides, Python's measured between ours. */
function timeLoads(file: string, reps: number): { svf: number; py: number; torch: string; threads: number } {
  disposeAll(torch.load(file)); // warm the page cache and the code paths
  const times: number[] = [];
  for (let i = 0; i < reps; i++) {
    const t0 = process.hrtime.bigint();
    const sd = torch.load(file);
    times.push(Number(process.hrtime.bigint() - t0) / 1e9);
    disposeAll(sd);
  }
  const py = runPython<{ seconds: number; torch: string; threads: number }>('load_pth.py', ['time', file, String(reps)]);
  return { svf: median(times), py: py.seconds, torch: py.torch, threads: py.threads };
}

function resnet50File(): string {
  const file = path.join(os.tmpdir(), 'svf-torch-resnet50.pth');
  if (!fs.existsSync(file)) execFileSync(PYTHON, [SCRIPT, 'make', file], { stdio: 'inherit' });
  return file;
}

function row(file: string, t: { svf: number; py: number }): string {
  const mb = fs.statSync(file).size / 1e6;
  return `| resnet50 state_dict (${mb.toFixed(1)} MB) | ${(t.svf * 1000).toFixed(1)} ms | ${(t.py * 1000).toFixed(1)} ms | ${(t.svf / t.py).toFixed(2)}× |`;
}

function run(): string {
  const reps = 9;
  const file = resnet50File();
  const t = timeLoads(file, reps);
  return [
    `Median of ${reps} loads of the same file per side (page cache warm, Python measured right after svf-torch); Python torch ${t.torch}.`,
    `Reproduce: \`npm run bench -- "pth load"\` (bench/load_pth.py writes the file on first use).`,
    '',
    '| file | svf-torch torch.load | Python torch.load | ratio (svf / Python) |',
    '| --- | --- | --- | --- |',
    row(file, t),
    '',
    machineNotes(`load average ${os.loadavg().map((l) => l.toFixed(1)).join(' / ')}`),
  ].join('\n');
}

export const benchmark: Benchmark = { name: 'pth load', run };

function main(): void {
  const args = process.argv.slice(2);
  const repsAt = args.indexOf('--reps');
  const reps = repsAt >= 0 ? Number(args[repsAt + 1]) : 5;
  const file = args.find((a, i) => !a.startsWith('--') && (i === 0 || args[i - 1] !== '--reps')) ?? resnet50File();
  if (args.includes('--memory')) {
    console.log(JSON.stringify(measureMemory(file)));
    return;
  }
  console.log(row(file, timeLoads(file, reps)));
}

if (require.main === module) main();
