/**
 * `--nproc N` for training commands: the command re-runs itself as N local worker processes
 * (distributed.launch: torchrun's variables, a free port), each of which joins a Gloo group
 * over env://. Across machines, torchrun's flags: the same command on each machine with
 * `--nnodes M --node-rank I --master-addr HOST --master-port P` (node 0 hosts the store), or the
 * command under torchrun's variables (RANK, WORLD_SIZE, MASTER_ADDR, MASTER_PORT) set by hand.
 */
import * as path from 'path';
import { initProcessGroup, getRank, getWorldSize, isInitialized } from '../distributed/process-group';
import { launch } from '../distributed/launch';
import { CommandSpec, OptionSpec, Parsed, UsageError } from './args';

export const NPROC_OPTIONS: OptionSpec[] = [
  {
    name: 'nproc', type: 'int', default: 1, metavar: 'N',
    help: 'train in N local processes (Gloo, gradients averaged by DistributedDataParallel); workers inherit the other options',
  },
  { name: 'nnodes', type: 'int', default: 1, metavar: 'M', help: 'machines taking part (torchrun\'s --nnodes); run the same command on each' },
  { name: 'node-rank', type: 'int', default: 0, metavar: 'I', help: 'this machine\'s index, 0..nnodes-1 (torchrun\'s --node-rank)' },
  { name: 'master-addr', type: 'string', metavar: 'HOST', help: 'address of node 0, which hosts the rendezvous store (default 127.0.0.1)' },
  { name: 'master-port', type: 'int', metavar: 'PORT', help: 'port of the store on node 0 (default: a free port; required with --nnodes > 1)' },
];
const LAUNCH_KEYS = new Set(['nproc', 'nnodes', 'node-rank', 'master-addr', 'master-port']);

const flag = (name: string) => '--' + name.replace(/[A-Z]/g, (c) => '-' + c.toLowerCase());

/** The command line that parses back to `a` (every option explicit), without the launch options. */
function argvOf(spec: CommandSpec, a: Parsed): string[] {
  const argv = [spec.name];
  for (const p of spec.positionals) if (a[p.name] !== undefined) argv.push(String(a[p.name]));
  for (const o of spec.options) {
    const v = a[o.name.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase())];
    if (LAUNCH_KEYS.has(o.name) || v === undefined) continue;
    if (o.type === 'bool') { if (v) argv.push(flag(o.name)); } else argv.push(flag(o.name), String(v));
  }
  return argv;
}

/** Whether this run should start the workers (more than one process in all, and not itself a worker). */
export function isLauncher(a: Parsed): boolean {
  return (a.nproc as number) * (a.nnodes as number) > 1 && process.env.RANK === undefined;
}

/** Starts `--nproc` workers running this command; resolves when all succeeded, rejects when one failed. */
export async function launchWorkers(spec: CommandSpec, a: Parsed): Promise<Record<string, unknown>> {
  const main = require.resolve('./main');
  const execArgv = main.endsWith('.ts') && !process.execArgv.some((f) => f.includes('ts-node'))
    ? [...process.execArgv, '-r', 'ts-node/register/transpile-only'] : process.execArgv;
  const nproc = a.nproc as number;
  const nnodes = a.nnodes as number;
  // launch() checks its options itself (its RangeError/TypeError become usage errors below); this
  // one is worded with the CLI's flag, which launch's own message cannot name
  if (nnodes > 1 && a.masterPort === undefined) throw new UsageError('--master-port is required with --nnodes > 1 (every machine must name the same port)');
  const started = await launch({
    nproc, nnodes, nodeRank: a.nodeRank as number, masterAddr: a.masterAddr as string | undefined, masterPort: a.masterPort as number | undefined,
    script: path.resolve(main), argv: argvOf(spec, a), execArgv,
  }).catch((e: Error) => {
    if (e instanceof RangeError || e instanceof TypeError) throw new UsageError(e.message);
    throw e;
  });
  return { nproc, nnodes, worldSize: started.worldSize };
}

/** In a worker (RANK set, WORLD_SIZE > 1): joins the default Gloo group; returns [rank, worldSize]. */
export function joinWorkers(): [number, number] {
  if (process.env.RANK === undefined || Number(process.env.WORLD_SIZE ?? '1') <= 1) return [0, 1];
  if (!isInitialized()) initProcessGroup({ backend: 'gloo' });
  return [getRank(), getWorldSize()];
}
