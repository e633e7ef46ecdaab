/**
 * Explicit memory: `tidy(fn)` disposes every tensor made inside `fn` except what it returns
 * or `keep`s; scopes nest. The GC is only the backstop for dropped tensors.
 *
 * A scope is an array of what was made in it; each tracked object names its owning scope in
 * its SCOPE field, so keep() and "returned to the parent" are one field write and a scope's end
 * is one indexed pass (no Set, no iterator: a tidy per small op is on the per-op path).
 */
import { native, TensorHandle } from './native';

export interface Disposable {
  dispose(): void;
  readonly isDisposed: boolean;
  /** Called when the object leaves every tidy scope (its lifetime is now the GC's or the caller's). */
  escaped?(): void;
}

/** The field of a tracked object holding the scope that owns it (null: none). Tensor declares it. */
export const SCOPE: unique symbol = Symbol('svf-torch.scope');
export type Scope = Tracked[];
export interface Tracked extends Disposable {
  [SCOPE]?: Scope | null;
}

const scopes: Scope[] = [];

/**
 * Called by every Tensor constructor: the innermost tidy scope owns the new tensor (true);
 * outside every scope (false) its lifetime is the caller's, with the GC as backstop.
 */
export function track(t: Tracked): boolean {
  if (scopes.length === 0) return false;
  const scope = scopes[scopes.length - 1];
  t[SCOPE] = scope;
  scope.push(t);
  return true;
}

/**
 * The backstop for tensors dropped without dispose: when the GC collects a tensor registered
 * here, its native handle is disposed. A registered tensor that is disposed withdraws its
 * registration (forgetCollectable), so the backstop never passes on a stale handle whose slot a
 * newer tensor may hold by then (the generation check would take such a handle for the live
 * one again after 2^24 reuses of its slot: seconds of a tight loop). Only tensors whose
 * lifetime the GC decides are registered — those made outside every tidy scope and those that
 * leave the scopes (escaped) — so the tensors a tidy scope disposes cost nothing here.
 *
 * Registration waits for the end of the current job (or for 1024 candidates): a tensor
 * disposed by then — `a.add(b).dispose()`, the common case — is never registered. Registering
 * each one at once (and unregistering at dispose) cost about a fifth of a small op, and cells of
 * disposed tensors piled up until the event loop turned. Until its registration a dropped tensor
 * is held here, so the collector frees it at most one job later.
 */
const backstop = new FinalizationRegistry<TensorHandle>((h) => native.dispose(h));
const MAX_PENDING = 1024;
let pendingOwners: Disposable[] = [];
let pendingHandles: TensorHandle[] = [];
let flushQueued = false;
/**
 * Candidates are numbered by batch: disposeWhenCollected returns the batch an owner joins, and
 * every batch before `pendingBatch` has been through flushPending. An owner keeps its batch
 * number (Tensor's `_collectable`), so its dispose knows, without a field of its own, whether
 * the backstop holds it (see forgetCollectable).
 */
let pendingBatch = 1;

function flushPending(): void {
  flushQueued = false;
  pendingBatch++;
  const owners = pendingOwners;
  const handles = pendingHandles;
  pendingOwners = [];
  pendingHandles = [];
  for (let i = 0; i < owners.length; i++) {
    if (!owners[i].isDisposed) backstop.register(owners[i], handles[i], owners[i]);
  }
}

/** Adds `owner` to the backstop's candidates; returns its batch (nonzero). */
export function disposeWhenCollected(owner: Disposable, h: TensorHandle): number {
  pendingOwners.push(owner);
  pendingHandles.push(h);
  const batch = pendingBatch;
  if (pendingOwners.length >= MAX_PENDING) flushPending();
  else if (!flushQueued) {
    flushQueued = true;
    queueMicrotask(flushPending);
  }
  return batch;
}

/**
 * Before a candidate of `batch` (0: never one) disposes its handle: withdraws it from the
 * backstop if it was registered (it was undisposed when its batch was flushed).
 */
export function forgetCollectable(owner: Disposable, batch: number): void {
  if (batch !== 0 && batch < pendingBatch) backstop.unregister(owner);
}

/**
 * Native bytes of tensors made inside a scope are not reported to V8 (the scope disposes them;
 * reporting would trigger a full GC whenever a step allocates more than V8's external-memory
 * margin). The addon learns when the first scope opens and the last closes; tensors that leave
 * the scopes are reported through escaped().
 */
const scopeFlag = native.scopeFlag;

function pushScope(scope: Scope): void {
  scopes.push(scope);
  scopeFlag[0] = 1;
}

function popScope(): void {
  scopes.pop();
  if (scopes.length === 0) scopeFlag[0] = 0;
}

/** Keeps `t` alive past every enclosing tidy scope; returns it. */
export function keep<T extends Disposable>(t: T): T {
  // Owned by no scope from now on: every scope skips it at its end.
  (t as Tracked)[SCOPE] = null;
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
  return scoped(fn);
}

/**
 * tidy(fn) for a function returning one tensor (or other disposable), also saying whether that
 * result was made inside fn — then the caller owns it and may dispose it as soon as it is
 * consumed — or came from outside (fn's input, a parameter), which the caller must leave alone.
 */
export function tidyOwned<T extends Disposable>(fn: () => T): { value: T; made: boolean } {
  const value = scoped(fn);
  return { value, made: lastResultMade };
}

/** Whether the last scoped() result was made inside its scope (for tidyOwned). */
let lastResultMade = false;

function scoped<T>(fn: () => T): T {
  // A fresh array: young-generation allocation is cheaper than emptying one (`length = 0` is a runtime call).
  const scope: Scope = [];
  pushScope(scope);
  let result: T;
  try {
    result = fn();
  } catch (e) {
    popScope();
    disposeAll(scope);
    throw e;
  }
  popScope();
  const r = result as unknown as Tracked | null | undefined;
  lastResultMade = r != null && r[SCOPE] === scope;
  if (result === null || (typeof result !== 'object' && typeof result !== 'function')) {
    disposeAll(scope); // a number, a boolean, undefined: nothing made inside can be returned
    return result;
  }
  if (typeof (result as { then?: unknown }).then === 'function') {
    disposeAll(scope);
    throw new TypeError('tidy(fn): fn must be synchronous (it returned a Promise)');
  }
  const returned = new Set<unknown>();
  collect(result, returned);
  const parent = scopes.length > 0 ? scopes[scopes.length - 1] : null;
  for (let i = 0; i < scope.length; i++) {
    const t = scope[i];
    if (t[SCOPE] !== scope) continue; // kept, or already handed on
    if (!returned.has(t)) {
      t[SCOPE] = null;
      t.dispose();
    } else if (parent) {
      t[SCOPE] = parent; // returned tensors belong to the enclosing scope
      parent.push(t);
    } else {
      t[SCOPE] = null;
      if (!t.isDisposed) t.escaped?.();
    }
  }
  return result;
}

function disposeAll(scope: Scope): void {
  for (let i = 0; i < scope.length; i++) {
    const t = scope[i];
    if (t[SCOPE] !== scope) continue;
    t[SCOPE] = null;
    t.dispose();
  }
}

/**
 * Live native tensor handles of this thread: their count and bytes, and externalBytes, the part
 * reported to V8 as external memory (tensors outside every tidy scope; see pushScope).
 */
export function memory(): { numTensors: number; numBytes: number; externalBytes: number } {
  return native.memory();
}
