/**
 * Loading a torchvision resnet50 .pth (~100 MB) in svf-torch vs Python's torch.load, same file,
 * same machine. Reproduce:
 *   npx ts-node bench/load-pth.ts [FILE] [--reps N] [--append]   (timing; --append adds to BENCHMARKS.md)
 *   npx ts-node bench/load-pth.ts --memory FILE                   (peak extra memory of one load, JSON)
 * Without FILE, bench/load_pth.py writes one to the temp folder first.
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as torch from '../lib/index';

const PYTHON = process.env.SVF_TORCH_PYTHON || '/usr/bin/python3';
const SCRIPT = path.join(__dirname, 'load_pth.py');

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
  const rssBefore = process.memoryUsage().rss;
  const torchBefore = torch.memory().numBytes;
  fs.writeFileSync('/proc/self/clear_refs', '5'); // resets VmHWM to the current RSS
  const sd = torch.load(file);
  const peakRss = statusKb('VmHWM');
  const rssAfter = process.memoryUsage().rss;
  const torchAfter = torch.memory().numBytes;
  disposeAll(sd);
  return {
    fileBytes, rssBefore, rssAfter, peakRss,
    peakExtraBytes: peakRss - rssBefore,
    peakExtraRatio: (peakRss - rssBefore) / fileBytes,
    tensorBytes: torchAfter - torchBefore,
  };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

function main(): void {
  const args = process.argv.slice(2);
  const memory = args.includes('--memory');
  const append = args.includes('--append');
  const repsAt = args.indexOf('--reps');
  const reps = repsAt >= 0 ? Number(args[repsAt + 1]) : 5;
  let file = args.find((a, i) => !a.startsWith('--') && (i === 0 || args[i - 1] !== '--reps'));
  if (!file) {
    file = path.join(os.tmpdir(), 'svf-torch-resnet50.pth');
    if (!fs.existsSync(file)) execFileSync(PYTHON, [SCRIPT, 'make', file], { stdio: 'inherit' });
  }
  if (memory) {
    console.log(JSON.stringify(measureMemory(file)));
    return;
  }
  disposeAll(torch.load(file)); // warm
  const times: number[] = [];
  for (let i = 0; i < reps; i++) {
    const t0 = process.hrtime.bigint();
    const sd = torch.load(file);
    times.push(Number(process.hrtime.bigint() - t0) / 1e9);
    disposeAll(sd);
  }
  const svf = median(times);
  const py = JSON.parse(execFileSync(PYTHON, [SCRIPT, 'time', file, String(reps)], { encoding: 'utf8' })) as { seconds: number; torch: string };
  const mb = fs.statSync(file).size / 1e6;
  const row = `| resnet50 state_dict (${mb.toFixed(1)} MB) | ${(svf * 1000).toFixed(1)} ms | ${(py.seconds * 1000).toFixed(1)} ms | ${(svf / py.seconds).toFixed(2)}× |`;
  console.log(row);
  if (append) {
    const bench = path.join(__dirname, '..', 'BENCHMARKS.md');
    const section =
      `\n## pth load\n\n` +
      `Median of ${reps} loads of the same file (page cache warm), ${os.cpus().length} cores, ${os.cpus()[0]?.model ?? 'cpu'}, Node ${process.version}, Python torch ${py.torch}.\n` +
      `Reproduce: \`npx ts-node bench/load-pth.ts --append\` (writes the file with bench/load_pth.py).\n\n` +
      `| file | svf-torch torch.load | Python torch.load | ratio (svf / Python) |\n| --- | --- | --- | --- |\n${row}\n`;
    fs.appendFileSync(bench, section);
  }
}

if (require.main === module) main();
