/**
 * Starts the ranks of a multi-process test as torchrun would (RANK, LOCAL_RANK, WORLD_SIZE,
 * MASTER_ADDR=127.0.0.1, MASTER_PORT=a free port), each a plain-JS copy of
 * test/helpers/distributed-worker.ts, and collects their `RESULT <json>` lines. Every rank is
 * killed after `deadlineMs`, so a hang fails the test instead of stalling the suite.
 */
import { ChildProcess, spawn } from 'child_process';
import { freePort } from '../../lib/distributed/launch';
import { transpiledHelper } from './transpiled';

export interface RankOutcome {
  rank: number;
  code: number | null;
  signal: NodeJS.Signals | null;
  result: any;
  stderr: string;
  ms: number;
}

export interface RunRanksOptions {
  worldSize?: number;
  deadlineMs: number;
  env?: NodeJS.ProcessEnv;
  /** Another program for some ranks (e.g. a Python torch.distributed rank): [program, argv]. */
  command?: (rank: number) => [string, string[]] | undefined;
}

export async function runRanks(args: string[], opts: RunRanksOptions): Promise<RankOutcome[]> {
  const worldSize = opts.worldSize ?? 2;
  const script = transpiledHelper('distributed-worker');
  const port = await freePort();
  const start = Date.now();
  const procs: ChildProcess[] = [];
  const outcomes = Array.from({ length: worldSize }, (_, rank) => {
    const [program, argv] = opts.command?.(rank) ?? [process.execPath, [script, ...args]];
    const child = spawn(program, argv, {
      env: {
        ...process.env, ...opts.env, RANK: String(rank), LOCAL_RANK: String(rank), WORLD_SIZE: String(worldSize),
        MASTER_ADDR: '127.0.0.1', MASTER_PORT: String(port), OMP_NUM_THREADS: '1',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    procs.push(child);
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (d) => (stdout += d));
    child.stderr!.on('data', (d) => (stderr += d));
    return new Promise<RankOutcome>((resolve) => {
      child.on('close', (code, signal) => {
        const line = stdout.split('\n').find((l) => l.startsWith('RESULT '));
        resolve({ rank, code, signal, result: line ? JSON.parse(line.slice(7)) : undefined, stderr, ms: Date.now() - start });
      });
    });
  });
  const timer = setTimeout(() => {
    for (const c of procs) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  }, opts.deadlineMs);
  try {
    return await Promise.all(outcomes);
  } finally {
    clearTimeout(timer);
  }
}
