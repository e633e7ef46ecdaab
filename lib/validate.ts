/**
 * The one place JS arguments are checked, for tensors, nn, optim and svf alike: a wrong type is a
 * TypeError, a value out of range a RangeError, both raised before anything reaches the addon.
 * An options object is checked against the keys its function accepts, so a misspelt or
 * unsupported option is a TypeError instead of being ignored silently.
 */
import { Scalar, Tensor } from './tensor';

export function int(v: unknown, what: string, min = -Infinity): number {
  if (typeof v !== 'number' || !Number.isInteger(v)) throw new TypeError(`${what} must be an integer, got ${String(v)}`);
  if (v < min) throw new RangeError(`${what} must be >= ${min}, got ${v}`);
  return v;
}

export function positiveInt(v: unknown, what: string): number {
  if (typeof v !== 'number' || !Number.isInteger(v)) throw new TypeError(`${what} must be an integer, got ${String(v)}`);
  if (v <= 0) throw new RangeError(`${what} must be positive, got ${v}`);
  return v;
}

export function ints(v: unknown, what: string): number[] {
  if (!Array.isArray(v)) throw new TypeError(`${what} must be an array of integers`);
  for (const x of v) int(x, what);
  return v as number[];
}

/** A dim or dims argument: undefined/null → undefined, one int → [int]. */
export function optDims(dim: unknown, what: string): number[] | undefined {
  if (dim === undefined || dim === null) return undefined;
  return typeof dim === 'number' ? [int(dim, what)] : ints(dim, what);
}

/** Accepts `f(2, 3)` or `f([2, 3])` as PyTorch does for shape-like arguments. */
export function shapeArgs(args: (number | number[])[], what: string): number[] {
  const flat = args.length === 1 && Array.isArray(args[0]) ? (args[0] as number[]) : (args as number[]);
  return ints(flat, what);
}

export function num(v: unknown, what: string): number {
  if (typeof v !== 'number' || Number.isNaN(v)) throw new TypeError(`${what} must be a number, got ${String(v)}`);
  return v;
}

/** A number ≥ 0; `label` names it in the RangeError as PyTorch's optimizers do ("Invalid learning rate"). */
export function nonNegative(v: unknown, what: string, label = what): number {
  const n = num(v, what);
  if (!(n >= 0)) throw new RangeError(`Invalid ${label}: ${n}`);
  return n;
}

export function prob(v: unknown, what: string): number {
  num(v, what);
  if ((v as number) < 0 || (v as number) > 1) throw new RangeError(`${what} has to be between 0 and 1, but got ${v}`);
  return v as number;
}

export function bool(v: unknown, what: string): boolean {
  if (typeof v !== 'boolean') throw new TypeError(`${what} must be a boolean, got ${String(v)}`);
  return v;
}

/** A plain `{ … }` object (options, a JSON object, a pickled dict): not an array, class instance or tensor. */
export function isPlainObject(v: unknown): v is Record<string, unknown> {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return false;
  const p = Object.getPrototypeOf(v);
  return p === Object.prototype || p === null;
}

export function isScalar(v: unknown): v is Scalar {
  return typeof v === 'number' || typeof v === 'boolean';
}

/** An optional Python scalar: undefined/null → null. */
export function optScalar(v: unknown, what: string): Scalar | null {
  if (v === undefined || v === null) return null;
  if (!isScalar(v)) throw new TypeError(`${what} must be a number`);
  return v;
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

/** One of a fixed set of strings. */
export function oneOf<T extends string>(v: unknown, what: string, choices: readonly T[]): T {
  if (typeof v !== 'string' || !(choices as readonly string[]).includes(v))
    throw new TypeError(`${what} must be one of ${choices.map((c) => `'${c}'`).join(', ')}, got ${JSON.stringify(v)}`);
  return v as T;
}

/**
 * A trailing options object: undefined → {}; anything but an object (null included), or a key not in
 * `keys`, is a TypeError naming the function.
 */
export function options<T extends object>(opts: T | undefined, what: string, keys: readonly string[]): Partial<T> {
  if (opts === undefined) return {};
  if (opts === null || typeof opts !== 'object' || Array.isArray(opts) || opts instanceof Tensor)
    throw new TypeError(`${what}: options must be an object`);
  for (const k of Object.keys(opts)) {
    if (!keys.includes(k)) throw new TypeError(`${what}: unknown option '${k}' (accepted: ${keys.join(', ') || 'none'})`);
  }
  return opts;
}
