/**
 * Shared plumbing for benchmarks: timing, machine notes, the reference Python interpreter, and
 * writing one `## <name>` section of BENCHMARKS.md (replaced in place, so re-running a bench
 * updates its own section and leaves the others alone).
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { packageRoot } from '../lib/native';
import * as torch from '../lib';

/** A benchmark that `bench/run.ts` can find: export `const benchmark: Benchmark` from a bench/*.ts file. */
export interface Benchmark {
  /** The section name in BENCHMARKS.md and the CLI name: `npm run bench -- <name>`. */
  name: string;
  /** Returns the markdown body of its section (without the `## name` heading). */
  run(): Promise<string> | string;
}

export const root = packageRoot();
export const PYTHON = process.env.SVF_TORCH_PYTHON || '/usr/bin/python3';

/** The reference Python's torch version (the Python side of every comparison). */
export function pythonTorchVersion(): string {
  const r = spawnSync(PYTHON, ['-c', 'import torch; print(torch.__version__)'], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : 'unknown';
}

/** Runs a Python script from bench/ and parses the one JSON line it prints last. */
export function runPython<T>(script: string, args: string[] = [], env: NodeJS.ProcessEnv = {}): T {
  const file = path.join(root, 'bench', script);
  const r = spawnSync(PYTHON, [file, ...args], {
    encoding: 'utf8',
    env: { ...process.env, ...env },
    maxBuffer: 64 << 20,
  });
  if (r.status !== 0) throw new Error(`${PYTHON} ${script} failed (${r.status}):\n${r.stderr}`);
  const lines = r.stdout.trim().split('\n');
  return JSON.parse(lines[lines.length - 1]) as T;
}

/** Timings of `rounds` calls of fn(), in nanoseconds, sorted (fastest first). */
export function timeRounds(fn: () => void, rounds: number): number[] {
  const times: number[] = [];
  for (let r = 0; r < rounds; r++) {
    const t0 = process.hrtime.bigint();
    fn();
    times.push(Number(process.hrtime.bigint() - t0));
  }
  return times.sort((a, b) => a - b);
}

/**
 * Best of `rounds` timings of fn(), in nanoseconds. For overhead measurements the minimum is
 * the robust statistic (as Python's timeit says): noise from other processes only adds time.
 */
export function bestNs(fn: () => void, rounds: number): number {
  return timeRounds(fn, rounds)[0];
}

/** One line describing where the numbers were taken. */
export function machineNotes(extra = ''): string {
  const cpus = os.cpus();
  const date = new Date().toISOString().slice(0, 10);
  const v = torch.version;
  return (
    `Machine: ${cpus.length} cores (${cpus[0]?.model.trim() ?? 'unknown CPU'}), ` +
    `${Math.round(os.totalmem() / 2 ** 30)} GiB RAM, ${os.type()} ${os.release()}; ` +
    `Node ${process.version}; svf-torch ${v.package} on LibTorch ${v.libtorch}` +
    `${v.cuda ? ` (CUDA ${v.cuda})` : ' (CPU)'}${extra ? `; ${extra}` : ''}. Date: ${date}.`
  );
}

export function markdownTable(header: string[], rows: (string | number)[][]): string {
  const line = (cells: (string | number)[]): string => `| ${cells.join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}

/** Replaces (or appends) the `## name` section of BENCHMARKS.md with `body`. */
export function writeSection(name: string, body: string): string {
  const file = path.join(root, 'BENCHMARKS.md');
  const text = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '# Benchmarks\n';
  const section = `## ${name}\n\n${body.trim()}\n`;
  const lines = text.split('\n');
  const start = lines.findIndex((l) => l.trim() === `## ${name}`);
  let out: string;
  if (start < 0) {
    out = `${text.trimEnd()}\n\n${section}`;
  } else {
    let end = lines.findIndex((l, i) => i > start && l.startsWith('## '));
    if (end < 0) end = lines.length;
    const before = lines.slice(0, start).join('\n').trimEnd();
    const after = lines.slice(end).join('\n').trim();
    out = `${before}\n\n${section}${after ? `\n${after}\n` : ''}`;
  }
  fs.writeFileSync(file, out);
  return file;
}

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** Peak resident set size of this process (VmHWM), MiB. */
export function peakRssMiB(): number {
  const line = fs.readFileSync('/proc/self/status', 'utf8').split('\n').find((l) => l.startsWith('VmHWM:'))!;
  return Number(line.split(/\s+/)[1]) / 1024;
}

/** Resets VmHWM to the current RSS (Linux clear_refs 5). */
export function resetPeak(): void {
  fs.writeFileSync('/proc/self/clear_refs', '5');
}

/**
 * Runs `file` (a bench script) again as `--child ...args` in its own process with
 * OMP_NUM_THREADS = threads, and parses the one JSON line it prints last.
 */
export function spawnBenchChild(file: string, args: string[], threads: number, env: NodeJS.ProcessEnv = {}): any {
  const loader = file.endsWith('.ts') && !process.execArgv.some((a) => a.includes('ts-node')) ? ['-r', 'ts-node/register'] : [];
  const r = spawnSync(process.execPath, [...process.execArgv, ...loader, file, '--child', ...args], {
    encoding: 'utf8', env: { ...process.env, OMP_NUM_THREADS: String(threads), ...env }, maxBuffer: 64 << 20,
  });
  if (r.status !== 0) throw new Error(`bench child ${args.join(' ')} failed:\n${r.stderr}`);
  const lines = r.stdout.trim().split('\n');
  return JSON.parse(lines[lines.length - 1]);
}
