/**
 * distributed.launch: torchrun's job on one machine — start `nproc` worker processes with
 * RANK, LOCAL_RANK, WORLD_SIZE, LOCAL_WORLD_SIZE, MASTER_ADDR and MASTER_PORT (a free port
 * unless given), forward their output, and fail all when one fails (the others are sent
 * SIGTERM, then SIGKILL). Across machines run it on each with the same masterAddr/masterPort,
 * nnodes and its own nodeRank; node 0's first worker hosts the store.
 */
import { ChildProcess, spawn } from 'child_process';
import * as net from 'net';

export interface LaunchOptions {
  /** Workers on this machine. */
  nproc: number;
  /** A JS (or, with ts-node in execArgv, TS) file that node runs in each worker, with `argv` after it. */
  script?: string;
  /** Arguments after `script`; without `script`, the whole command line (argv[0] is the program). */
  argv?: string[];
  /** Extra environment for the workers (on top of this process's). */
  env?: NodeJS.ProcessEnv;
  /** Node flags for `script` (default: this process's, so ts-node/register carries over). */
  execArgv?: string[];
  /** Default 127.0.0.1 for one machine; the address of node 0 across machines. */
  masterAddr?: string;
  /** Default: a free port on one machine; required across machines. */
  masterPort?: number;
  nnodes?: number;
  nodeRank?: number;
  /** Milliseconds between SIGTERM and SIGKILL for the survivors of a failed worker (default 5000). */
  killGraceMs?: number;
}

export interface LaunchResult {
  worldSize: number;
  masterAddr: string;
  masterPort: number;
}

/** A TCP port nobody listens on right now (the OS picks it). */
export function freePort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, host, () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

function positiveInt(v: unknown, what: string, min: number): number {
  if (typeof v !== 'number' || !Number.isInteger(v)) throw new TypeError(`launch: ${what} must be an integer, got ${String(v)}`);
  if (v < min) throw new RangeError(`launch: ${what} must be >= ${min}, got ${v}`);
  return v;
}

function command(opts: LaunchOptions): [string, string[]] {
  const argv = opts.argv ?? [];
  if (!Array.isArray(argv) || argv.some((a) => typeof a !== 'string')) throw new TypeError('launch: argv must be an array of strings');
  if (opts.script !== undefined) {
    if (typeof opts.script !== 'string' || !opts.script) throw new TypeError('launch: script must be a file path');
    return [process.execPath, [...(opts.execArgv ?? process.execArgv), opts.script, ...argv]];
  }
  if (argv.length === 0) throw new TypeError('launch: give script (and argv) or a command line in argv');
  return [argv[0], argv.slice(1)];
}

/** Runs the workers to completion; rejects with the first failure (rank, exit code or signal). */
export async function launch(opts: LaunchOptions): Promise<LaunchResult> {
  if (opts === null || typeof opts !== 'object') throw new TypeError('launch(options): options must be an object');
  const nproc = positiveInt(opts.nproc, 'nproc', 1);
  const nnodes = positiveInt(opts.nnodes ?? 1, 'nnodes', 1);
  const nodeRank = positiveInt(opts.nodeRank ?? 0, 'nodeRank', 0);
  if (nodeRank >= nnodes) throw new RangeError(`launch: nodeRank ${nodeRank} must be below nnodes ${nnodes}`);
  const [program, args] = command(opts);
  const masterAddr = opts.masterAddr ?? (nnodes > 1 ? undefined : '127.0.0.1');
  if (!masterAddr) throw new TypeError('launch: masterAddr (node 0\'s address) is required across machines');
  if (nnodes > 1 && opts.masterPort === undefined) throw new TypeError('launch: masterPort is required across machines');
  const masterPort = opts.masterPort === undefined ? await freePort() : positiveInt(opts.masterPort, 'masterPort', 1);
  if (masterPort > 65535) throw new RangeError(`launch: masterPort must be at most 65535, got ${masterPort}`);
  const grace = opts.killGraceMs ?? 5000;
  const worldSize = nproc * nnodes;

  const procs: ChildProcess[] = [];
  let failure: Error | null = null;
  const stopOthers = () => {
    for (const p of procs) if (p.exitCode === null && p.signalCode === null) p.kill('SIGTERM');
    setTimeout(() => {
      for (const p of procs) if (p.exitCode === null && p.signalCode === null) p.kill('SIGKILL');
    }, grace).unref();
  };
  const exits = Array.from({ length: nproc }, (_, localRank) => {
    const rank = nodeRank * nproc + localRank;
    const child = spawn(program, args, {
      stdio: 'inherit',
      env: {
        // torchrun sets OMP_NUM_THREADS=1 for several workers unless the user chose
        ...(nproc > 1 && process.env.OMP_NUM_THREADS === undefined ? { OMP_NUM_THREADS: '1' } : {}),
        ...process.env, ...opts.env,
        RANK: String(rank), LOCAL_RANK: String(localRank), WORLD_SIZE: String(worldSize), LOCAL_WORLD_SIZE: String(nproc),
        GROUP_RANK: String(nodeRank), MASTER_ADDR: masterAddr, MASTER_PORT: String(masterPort),
      },
    });
    procs.push(child);
    return new Promise<void>((resolve) => {
      child.on('error', (e) => {
        failure ??= new Error(`launch: worker ${rank} could not start: ${e.message}`);
        stopOthers();
        resolve();
      });
      child.on('exit', (code, signal) => {
        if ((code !== 0 || signal) && failure === null) {
          failure = new Error(`launch: worker ${rank} (local rank ${localRank}) failed: ${signal ? `killed by ${signal}` : `exit code ${code}`}`);
          stopOthers();
        }
        resolve();
      });
    });
  });
  await Promise.all(exits);
  if (failure) throw failure;
  return { worldSize, masterAddr, masterPort };
}
