/**
 * Where the ranks meet: torch.distributed's rendezvous handlers (torch/distributed/rendezvous.py)
 * turned into the store the addon opens. `env://` reads MASTER_ADDR/MASTER_PORT (and RANK/
 * WORLD_SIZE when not given) as torchrun sets them; `tcp://host:port` names the store's address;
 * `file:///path` uses a FileStore on a shared file system. Rank 0 hosts the TCPStore, unless a
 * torchelastic agent (torchrun) already hosts it (TORCHELASTIC_USE_AGENT_STORE=True).
 */
export interface StoreSpec {
  kind: 'tcp' | 'file';
  address: string;
  port: number;
  server: boolean;
  prefix: string;
  rank: number;
  worldSize: number;
}

function envInt(env: NodeJS.ProcessEnv, name: string, method: string): number {
  const v = env[name];
  if (v === undefined || v === '')
    throw new TypeError(`Error initializing torch.distributed using ${method} rendezvous: environment variable ${name} expected, but not set`);
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw new RangeError(`environment variable ${name} must be a non-negative integer, got '${v}'`);
  return n;
}

function checkRank(rank: number, worldSize: number): void {
  if (worldSize < 1) throw new RangeError(`worldSize must be at least 1, got ${worldSize}`);
  if (rank >= worldSize) throw new RangeError(`rank ${rank} must be below worldSize ${worldSize}`);
}

function checkPort(port: number, what: string): number {
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new RangeError(`${what} must have value from 0 to 65535 but was ${port}.`);
  return port;
}

/** The store for `initMethod` (default 'env://'), with rank/worldSize from the arguments or the environment. */
export function resolveStore(initMethod: string, rank: number | undefined, worldSize: number | undefined,
  env: NodeJS.ProcessEnv = process.env): StoreSpec {
  const method = initMethod.replace(/:\/\/.*$/, '://');
  if (initMethod === 'env://' || initMethod.startsWith('env://')) {
    const r = rank ?? envInt(env, 'RANK', 'env://');
    const w = worldSize ?? envInt(env, 'WORLD_SIZE', 'env://');
    checkRank(r, w);
    const address = env.MASTER_ADDR;
    if (!address) throw new TypeError('Error initializing torch.distributed using env:// rendezvous: environment variable MASTER_ADDR expected, but not set');
    const port = checkPort(envInt(env, 'MASTER_PORT', 'env://'), 'MASTER_PORT');
    // torch.distributed.rendezvous._create_c10d_store: torchrun's agent hosts the store itself.
    const agent = env.TORCHELASTIC_USE_AGENT_STORE === 'True';
    const prefix = agent ? `/worker/attempt_${env.TORCHELASTIC_RESTART_COUNT ?? '0'}` : '';
    return { kind: 'tcp', address, port, server: !agent && r === 0, prefix, rank: r, worldSize: w };
  }
  if (initMethod.startsWith('tcp://')) {
    const m = /^tcp:\/\/(\[[^\]]+\]|[^:/?]+):(\d+)\/?(\?.*)?$/.exec(initMethod);
    if (!m) throw new RangeError(`initMethod '${initMethod}' is not tcp://host:port`);
    const query = new URLSearchParams(m[3] ?? '');
    const r = rank ?? (query.has('rank') ? Number(query.get('rank')) : undefined);
    const w = worldSize ?? (query.has('world_size') ? Number(query.get('world_size')) : undefined);
    if (r === undefined || w === undefined) throw new TypeError('tcp:// rendezvous needs rank and worldSize (arguments or ?rank=&world_size=)');
    checkRank(r, w);
    const address = m[1].replace(/^\[|\]$/g, '');
    return { kind: 'tcp', address, port: checkPort(Number(m[2]), 'port'), server: r === 0, prefix: '', rank: r, worldSize: w };
  }
  if (initMethod.startsWith('file://')) {
    const path = decodeURIComponent(initMethod.slice('file://'.length).replace(/\?.*$/, ''));
    if (!path) throw new RangeError(`initMethod '${initMethod}' names no file`);
    if (rank === undefined || worldSize === undefined) throw new TypeError('file:// rendezvous needs rank and worldSize');
    checkRank(rank, worldSize);
    return { kind: 'file', address: path, port: 0, server: false, prefix: '', rank, worldSize };
  }
  throw new RangeError(`No rendezvous handler for ${method} (initMethod must start with env://, tcp:// or file://)`);
}
