/**
 * torch.distributed's default process group over LibTorch's c10d (binding/c10d_group.cc,
 * binding/distributed.cc): initProcessGroup, the collectives, destroyProcessGroup. As PyTorch's,
 * collectives work in place and block until done (asyncOp: false) — bounded by the group's
 * timeout — or, with { asyncOp: true }, return a Promise and leave the event loop free.
 */
import { TorchError } from '../errors';
import { native } from '../native';
import { Tensor } from '../tensor';
import { resolveStore } from './rendezvous';

export type Backend = 'gloo' | 'nccl';

/** torch.distributed.ReduceOp; gloo supports SUM, PRODUCT, MIN, MAX, BAND, BOR, BXOR (not AVG). */
export const ReduceOp = Object.freeze({
  SUM: 'sum', AVG: 'avg', PRODUCT: 'product', MIN: 'min', MAX: 'max', BAND: 'band', BOR: 'bor', BXOR: 'bxor',
} as const);
export type ReduceOp = (typeof ReduceOp)[keyof typeof ReduceOp];

// c10d::ReduceOp::RedOpType's values.
const REDUCE_CODES: Record<ReduceOp, number> = { sum: 0, avg: 1, product: 2, min: 3, max: 4, band: 5, bor: 6, bxor: 7 };

export interface InitProcessGroupOptions {
  backend?: Backend;
  rank?: number;
  worldSize?: number;
  /** 'env://' (default: MASTER_ADDR, MASTER_PORT, RANK, WORLD_SIZE), 'tcp://host:port', 'file:///path'. */
  initMethod?: string;
  /** Milliseconds a collective or the rendezvous may wait for the other ranks (PyTorch's default: 30 min). */
  timeout?: number;
}

export interface CollectiveOptions {
  asyncOp?: boolean;
}

function optInt(v: unknown, what: string): number | undefined {
  if (v === undefined) return undefined;
  if (typeof v !== 'number' || !Number.isInteger(v)) throw new TypeError(`${what} must be an integer, got ${String(v)}`);
  if (v < 0) throw new RangeError(`${what} must be >= 0, got ${v}`);
  return v;
}

function checkTensor(t: unknown, what: string): Tensor {
  if (!(t instanceof Tensor)) throw new TypeError(`${what}: tensor must be a Tensor`);
  return t;
}

function asyncFlag(opts: unknown, what: string): boolean {
  if (opts === undefined) return false;
  if (opts === null || typeof opts !== 'object') throw new TypeError(`${what}: options must be an object`);
  const a = (opts as CollectiveOptions).asyncOp;
  if (a !== undefined && typeof a !== 'boolean') throw new TypeError(`${what}: asyncOp must be a boolean`);
  return a ?? false;
}

/** Whether this binary can make `backend` process groups (false, e.g., without gloo's headers at build time). */
export function isAvailable(backend: Backend = 'gloo'): boolean {
  return native.distBackendUnavailable(backend) === null;
}
export function isGlooAvailable(): boolean { return isAvailable('gloo'); }
export function isNcclAvailable(): boolean { return isAvailable('nccl'); }

/**
 * Joins the default process group, blocking until every rank has (or the timeout passes), as
 * torch.distributed.init_process_group. Defaults come from torchrun's variables.
 */
export function initProcessGroup(opts: InitProcessGroupOptions = {}): void {
  if (opts === null || typeof opts !== 'object') throw new TypeError('initProcessGroup(options): options must be an object');
  const backend = opts.backend ?? 'gloo';
  if (typeof backend !== 'string') throw new TypeError('initProcessGroup: backend must be a string');
  if (backend !== 'gloo' && backend !== 'nccl') throw new RangeError(`initProcessGroup: Invalid backend: '${backend}' (expected 'gloo' or 'nccl')`);
  const initMethod = opts.initMethod ?? 'env://';
  if (typeof initMethod !== 'string') throw new TypeError('initProcessGroup: initMethod must be a string');
  let timeout = -1;  // the addon takes PyTorch's kProcessGroupDefaultTimeout
  if (opts.timeout !== undefined) {
    if (typeof opts.timeout !== 'number' || Number.isNaN(opts.timeout)) throw new TypeError('initProcessGroup: timeout must be a number of milliseconds');
    if (!(opts.timeout >= 1) || !Number.isFinite(opts.timeout)) throw new RangeError(`initProcessGroup: timeout must be at least 1 ms, got ${opts.timeout}`);
    timeout = Math.ceil(opts.timeout);
  }
  const store = resolveStore(initMethod, optInt(opts.rank, 'initProcessGroup: rank'), optInt(opts.worldSize, 'initProcessGroup: worldSize'));
  const unavailable = native.distBackendUnavailable(backend);
  if (unavailable !== null) throw new TorchError(unavailable);
  native.distInit(backend, store.rank, store.worldSize, store.kind, store.address, store.port, store.server, store.prefix, timeout);
}

export function isInitialized(): boolean { return native.distIsInitialized(); }
/** This process's rank in the default group; throws before initProcessGroup. */
export function getRank(): number { return native.distRank(); }
/** The number of ranks in the default group; throws before initProcessGroup. */
export function getWorldSize(): number { return native.distWorldSize(); }
export function getBackend(): Backend { return native.distBackend() as Backend; }
/** Leaves the default group (joins its threads); initProcessGroup may be called again after. */
export function destroyProcessGroup(): void { native.distDestroy(); }

/** Reduces `tensor` across all ranks in place (PyTorch's all_reduce; op SUM by default). */
export function allReduce(tensor: Tensor, opts?: { op?: ReduceOp; asyncOp?: false }): void;
export function allReduce(tensor: Tensor, opts: { op?: ReduceOp; asyncOp: true }): Promise<void>;
export function allReduce(tensor: Tensor, opts: { op?: ReduceOp; asyncOp?: boolean } = {}): void | Promise<void> {
  const t = checkTensor(tensor, 'allReduce');
  const async = asyncFlag(opts, 'allReduce');
  const op = opts.op ?? 'sum';
  if (typeof op !== 'string') throw new TypeError('allReduce: op must be a ReduceOp (e.g. ReduceOp.SUM)');
  const code = REDUCE_CODES[op.toLowerCase() as ReduceOp];
  if (code === undefined) throw new RangeError(`allReduce: unknown op '${op}' (one of ${Object.values(ReduceOp).join(', ')})`);
  return native.distAllReduce(t.handle, code, async);
}

/** Copies `src`'s `tensor` into every other rank's `tensor`, in place. */
export function broadcast(tensor: Tensor, src: number, opts?: { asyncOp?: false }): void;
export function broadcast(tensor: Tensor, src: number, opts: { asyncOp: true }): Promise<void>;
export function broadcast(tensor: Tensor, src: number, opts?: CollectiveOptions): void | Promise<void> {
  const t = checkTensor(tensor, 'broadcast');
  const async = asyncFlag(opts, 'broadcast');
  if (typeof src !== 'number' || !Number.isInteger(src)) throw new TypeError(`broadcast: src must be an integer rank, got ${String(src)}`);
  if (src < 0) throw new RangeError(`broadcast: src must be >= 0, got ${src}`);
  return native.distBroadcast(t.handle, src, async);
}

/** Waits until every rank has reached it. */
export function barrier(opts?: { asyncOp?: false }): void;
export function barrier(opts: { asyncOp: true }): Promise<void>;
export function barrier(opts?: CollectiveOptions): void | Promise<void> {
  return native.distBarrier(asyncFlag(opts, 'barrier'));
}
