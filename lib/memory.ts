/**
 * Explicit memory: `tidy(fn)` disposes every tensor made inside `fn` except what it returns
 * or `keep`s; scopes nest. The native finalizer is only the backstop for dropped handles.
 */
import { native } from './native';

export interface Disposable {
  dispose(): void;
  readonly isDisposed: boolean;
  /** Called when the object leaves every tidy scope (its lifetime is now the GC's or the caller's). */
  escaped?(): void;
}

const scopes: Set<Disposable>[] = [];
const kept = new WeakSet<Disposable>();

/** Called by every Tensor constructor: the innermost tidy scope owns the new tensor. */
export function track(t: Disposable): void {
  if (scopes.length > 0) scopes[scopes.length - 1].add(t);
}

/**
 * Native bytes of tensors made inside a scope are not reported to V8 (the scope disposes them;
 * reporting would trigger a full GC whenever a step allocates more than V8's external-memory
 * margin). The addon learns when the first scope opens and the last closes; tensors that leave
 * the scopes are reported through escaped().
 */
function pushScope(scope: Set<Disposable>): void {
  if (scopes.length === 0) native.setScoped(true);
  scopes.push(scope);
}

function popScope(): void {
  scopes.pop();
  if (scopes.length === 0) native.setScoped(false);
}

/** Keeps `t` alive past every enclosing tidy scope; returns it. */
export function keep<T extends Disposable>(t: T): T {
  kept.add(t);
  for (const s of scopes) s.delete(t);
  if (!t.isDisposed) t.escaped?.();
  return t;
}

/** Everything reachable from a returned value; iterative, so a deeply nested result (a loaded file) costs no stack. */
function collect(value: unknown, out: Set<unknown>): void {
  const stack = [value];
  while (stack.length) {
    const v = stack.pop();
    if (v === null || typeof v !== 'object' || out.has(v)) continue;
    out.add(v);
    if (Array.isArray(v)) for (const x of v) stack.push(x);
    else if (v instanceof Map) for (const x of v.values()) stack.push(x);
    else if (Object.getPrototypeOf(v) === Object.prototype) for (const x of Object.values(v)) stack.push(x);
  }
}

export function tidy<T>(fn: () => T): T;
export function tidy<T>(name: string, fn: () => T): T;
export function tidy<T>(a: string | (() => T), b?: () => T): T {
  const fn = typeof a === 'function' ? a : b;
  if (typeof fn !== 'function') throw new TypeError('tidy(fn): fn must be a function');
  return scoped(fn).result;
}

/**
 * tidy(fn) for a function returning one tensor (or other disposable), also saying whether that
 * result was made inside fn — then the caller owns it and may dispose it as soon as it is
 * consumed — or came from outside (fn's input, a parameter), which the caller must leave alone.
 */
export function tidyOwned<T extends Disposable>(fn: () => T): { value: T; made: boolean } {
  const { result, made } = scoped(fn);
  return { value: result, made: made.has(result) };
}

function scoped<T>(fn: () => T): { result: T; made: Set<Disposable> } {
  const scope = new Set<Disposable>();
  pushScope(scope);
  let result: T;
  try {
    result = fn();
  } catch (e) {
    popScope();
    for (const t of scope) if (!kept.has(t)) t.dispose();
    throw e;
  }
  popScope();
  if (result && typeof (result as { then?: unknown }).then === 'function') {
    for (const t of scope) if (!kept.has(t)) t.dispose();
    throw new TypeError('tidy(fn): fn must be synchronous (it returned a Promise)');
  }
  const returned = new Set<unknown>();
  collect(result, returned);
  const parent = scopes.length > 0 ? scopes[scopes.length - 1] : undefined;
  for (const t of scope) {
    if (returned.has(t)) {
      if (kept.has(t)) continue;
      if (parent) parent.add(t); // returned tensors belong to the enclosing scope
      else if (!t.isDisposed) t.escaped?.();
    } else if (!kept.has(t)) {
      t.dispose();
    }
  }
  return { result, made: scope };
}

/**
 * Live native tensor handles of this thread: their count and bytes, and externalBytes, the part
 * reported to V8 as external memory (tensors outside every tidy scope; see pushScope).
 */
export function memory(): { numTensors: number; numBytes: number; externalBytes: number } {
  return native.memory();
}
