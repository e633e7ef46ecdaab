/**
 * Explicit memory: `tidy(fn)` disposes every tensor made inside `fn` except what it returns
 * or `keep`s; scopes nest. The native finalizer is only the backstop for dropped handles.
 */
import { native } from './native';

export interface Disposable {
  dispose(): void;
  readonly isDisposed: boolean;
}

const scopes: Set<Disposable>[] = [];
const kept = new WeakSet<Disposable>();

/** Called by every Tensor constructor: the innermost tidy scope owns the new tensor. */
export function track(t: Disposable): void {
  if (scopes.length > 0) scopes[scopes.length - 1].add(t);
}

/** Keeps `t` alive past every enclosing tidy scope; returns it. */
export function keep<T extends Disposable>(t: T): T {
  kept.add(t);
  for (const s of scopes) s.delete(t);
  return t;
}

function collect(value: unknown, out: Set<unknown>, seen: Set<unknown>): void {
  if (value === null || typeof value !== 'object' || seen.has(value)) return;
  seen.add(value);
  out.add(value);
  if (Array.isArray(value)) for (const v of value) collect(v, out, seen);
  else if (value instanceof Map) for (const v of value.values()) collect(v, out, seen);
  else if (Object.getPrototypeOf(value) === Object.prototype) for (const v of Object.values(value)) collect(v, out, seen);
}

export function tidy<T>(fn: () => T): T;
export function tidy<T>(name: string, fn: () => T): T;
export function tidy<T>(a: string | (() => T), b?: () => T): T {
  const fn = typeof a === 'function' ? a : b;
  if (typeof fn !== 'function') throw new TypeError('tidy(fn): fn must be a function');
  const scope = new Set<Disposable>();
  scopes.push(scope);
  let result: T;
  try {
    result = fn();
  } catch (e) {
    scopes.pop();
    for (const t of scope) if (!kept.has(t)) t.dispose();
    throw e;
  }
  scopes.pop();
  if (result && typeof (result as { then?: unknown }).then === 'function') {
    for (const t of scope) if (!kept.has(t)) t.dispose();
    throw new TypeError('tidy(fn): fn must be synchronous (it returned a Promise)');
  }
  const returned = new Set<unknown>();
  collect(result, returned, new Set());
  const parent = scopes.length > 0 ? scopes[scopes.length - 1] : undefined;
  for (const t of scope) {
    if (returned.has(t)) {
      if (parent && !kept.has(t)) parent.add(t); // returned tensors belong to the enclosing scope
    } else if (!kept.has(t)) {
      t.dispose();
    }
  }
  return result;
}

/** Live native tensor handles of this thread: count and bytes (as reported to V8). */
export function memory(): { numTensors: number; numBytes: number } {
  return native.memory();
}
