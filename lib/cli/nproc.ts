/**
 * `--nproc N` for training commands: the command re-runs itself as N local worker processes
 * (distributed.launch: torchrun's variables, a free port), each of which joins a Gloo group
 * over env://. Across machines, run the command on each with MASTER_ADDR/MASTER_PORT, RANK and
 * WORLD_SIZE set as torchrun sets them (README, "Training across processes").
 */
import * as path from 'path';
import { initProcessGroup, getRank, getWorldSize, isInitialized } from '../distributed/process-group';
import { launch } from '../distributed/launch';
import { CommandSpec, OptionSpec, Parsed } from './args';

export const NPROC_OPTION: OptionSpec = {
  name: 'nproc', type: 'int', default: 1, metavar: 'N',
  help: 'train in N local processes (Gloo, gradients averaged by DistributedDataParallel); workers inherit the other options',
};

const flag = (name: string) => '--' + name.replace(/[A-Z]/g, (c) => '-' + c.toLowerCase());

/** The command line that parses back to `a` (every option explicit), without --nproc. */
function argvOf(spec: CommandSpec, a: Parsed): string[] {
  const argv = [spec.name];
  for (const p of spec.positionals) if (a[p.name] !== undefined) argv.push(String(a[p.name]));
  for (const o of spec.options) {
    const v = a[o.name.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase())];
    if (o.name === 'nproc' || v === undefined) continue;
    if (o.type === 'bool') { if (v) argv.push(flag(o.name)); } else argv.push(flag(o.name), String(v));
  }
  return argv;
}

/** Whether this run should start the workers (--nproc > 1 and not itself a worker). */
export function isLauncher(a: Parsed): boolean {
  return (a.nproc as number) > 1 && process.env.RANK === undefined;
}

/** Starts `--nproc` workers running this command; resolves when all succeeded, rejects when one failed. */
export async function launchWorkers(spec: CommandSpec, a: Parsed): Promise<Record<string, unknown>> {
  const main = require.resolve('./main');
  const execArgv = main.endsWith('.ts') && !process.execArgv.some((f) => f.includes('ts-node'))
    ? [...process.execArgv, '-r', 'ts-node/register/transpile-only'] : process.execArgv;
  const nproc = a.nproc as number;
  const started = await launch({ nproc, script: path.resolve(main), argv: argvOf(spec, a), execArgv });
  return { nproc, worldSize: started.worldSize };
}

/** In a worker (RANK set, WORLD_SIZE > 1): joins the default Gloo group; returns [rank, worldSize]. */
export function joinWorkers(): [number, number] {
  if (process.env.RANK === undefined || Number(process.env.WORLD_SIZE ?? '1') <= 1) return [0, 1];
  if (!isInitialized()) initProcessGroup({ backend: 'gloo' });
  return [getRank(), getWorldSize()];
}
