/** Argument checks shared by the layers and functional forms: bad JS arguments fail here, before native. */
import { Device, isDevice } from '../device';
import { DType, isDType } from '../dtype';
import { Tensor } from '../tensor';

export function int(v: unknown, what: string, min = -Infinity): number {
  if (typeof v !== 'number' || !Number.isInteger(v)) throw new TypeError(`${what} must be an integer, got ${String(v)}`);
  if (v < min) throw new RangeError(`${what} must be >= ${min}, got ${v}`);
  return v;
}

export function num(v: unknown, what: string): number {
  if (typeof v !== 'number' || Number.isNaN(v)) throw new TypeError(`${what} must be a number, got ${String(v)}`);
  return v;
}

export function bool(v: unknown, what: string): boolean {
  if (typeof v !== 'boolean') throw new TypeError(`${what} must be a boolean, got ${String(v)}`);
  return v;
}

export function prob(v: unknown, what: string): number {
  num(v, what);
  if ((v as number) < 0 || (v as number) > 1) throw new RangeError(`${what} has to be between 0 and 1, but got ${v}`);
  return v as number;
}

/** PyTorch's _pair: an int becomes [n, n]; a 2-array is checked. */
export function pair(v: unknown, what: string, min = -Infinity): [number, number] {
  if (typeof v === 'number') return [int(v, what, min), v];
  if (Array.isArray(v) && v.length === 2) return [int(v[0], what, min), int(v[1], what, min)];
  throw new TypeError(`${what} must be an integer or a pair of integers, got ${JSON.stringify(v)}`);
}

export function tensor(v: unknown, what: string): Tensor {
  if (!(v instanceof Tensor)) throw new TypeError(`${what} must be a Tensor`);
  return v;
}

export function optTensor(v: unknown, what: string): Tensor | null {
  if (v === undefined || v === null) return null;
  return tensor(v, what);
}

export function handleOrNull(t: Tensor | null | undefined): unknown {
  return t ? t.handle : null;
}

export interface FactoryOptions {
  device?: Device;
  dtype?: DType;
}

/** Validates the `{ device, dtype }` factory keywords modules accept. */
export function factory(opts: FactoryOptions): FactoryOptions {
  if (opts.device !== undefined && !isDevice(opts.device)) throw new TypeError(`invalid device ${JSON.stringify(opts.device)}`);
  if (opts.dtype !== undefined && !isDType(opts.dtype)) throw new TypeError(`invalid dtype ${JSON.stringify(opts.dtype)}`);
  return { device: opts.device, dtype: opts.dtype };
}

export function options<T extends object>(opts: T | undefined, what: string): Partial<T> {
  if (opts === undefined || opts === null) return {};
  if (typeof opts !== 'object' || Array.isArray(opts)) throw new TypeError(`${what}: options must be an object`);
  return opts;
}
