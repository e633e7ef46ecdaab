/**
 * What torch.load may hand back: plain data only. The unpickler works with internal objects
 * (allow-listed globals, storage references, Python type markers); a hostile pickle can leave
 * any of them in its result, so the result is walked once (iteratively: nesting depth costs no
 * stack) and anything that is not data the caller asked for is refused, naming what and where.
 */
import { TorchError } from '../errors';
import { isPlainObject } from '../validate';
import { GlobalRef } from './pickle-reader';
import { TensorSpec } from './torch-pickle';

/** A global that stands for a value the caller can use (a dtype such as torch.float32 → 'float32'). */
export function dataOfGlobal(g: GlobalRef): string | undefined {
  const v = g.allowed.value;
  return typeof v === 'string' ? v : undefined;
}

/**
 * A pickled value named in an error message: short, and never through String() of a container
 * (a hostile pickle nests lists deep enough that Array.prototype.toString overflows the stack).
 */
export function brief(v: unknown): string {
  if (typeof v === 'string') return `'${v.slice(0, 40)}${v.length > 40 ? '…' : ''}'`;
  if (v === null || typeof v !== 'object') return String(v).slice(0, 40);
  if (Array.isArray(v)) return `a tuple/list of ${v.length}`;
  if (v instanceof Map) return `a dict of ${v.size}`;
  return describe(v);
}


/** Dict keys and set members: the hashable positions (values are in childrenOf). */
function keysOf(v: unknown): unknown[] {
  if (v instanceof Map) return [...v.keys()];
  if (v instanceof Set) return [...v];
  return [];
}

/** A container's values: list items, dict values and a state_dict's `_metadata`, a slice's fields; null for a leaf. */
export function childrenOf(v: unknown): unknown[] | null {
  if (Array.isArray(v)) return v;
  if (v instanceof Map) {
    const out = [...v.values()];
    const meta = Object.getOwnPropertyDescriptor(v, '_metadata');
    if (meta) out.push(meta.value);
    return out;
  }
  if (v instanceof Set) return [];
  if (v !== null && typeof v === 'object' && !(v instanceof Uint8Array) && !(v instanceof TensorSpec) && !(v instanceof GlobalRef) && isPlainObject(v))
    return Object.values(v); // builtins.slice → { start, stop, step }
  return null;
}

function describe(v: unknown): string {
  if (v instanceof GlobalRef) return `the global '${v.allowed.qualifiedName}'`;
  if (v !== null && typeof v === 'object') return `an internal ${v.constructor?.name ?? 'object'}`;
  return `a ${typeof v}`;
}

/**
 * Checks that `root` holds only numbers, bigints, strings, booleans, null, bytes, arrays, Maps,
 * Sets, slices, dtype globals and tensor placeholders (never as a dict key or set member), and
 * returns the distinct tensor placeholders.
 */
export function checkPlainResult(root: unknown): TensorSpec[] {
  const specs = new Set<TensorSpec>();
  const seenAsValues = new Set<unknown>();
  const seenInKeys = new Set<unknown>();
  // inKey: inside a dict key or set member, where Python allows only hashable values — never
  // a dict, and (here) never a tensor, which would be out of the caller's reach to dispose
  const stack: { v: unknown; where: string; inKey: boolean }[] = [{ v: root, where: 'the result', inKey: false }];
  while (stack.length) {
    const { v, where, inKey } = stack.pop()!;
    if (v === null || typeof v === 'number' || typeof v === 'bigint' || typeof v === 'string' || typeof v === 'boolean') continue;
    if (inKey && (v instanceof TensorSpec || v instanceof Map))
      throw new TorchError(`refusing a pickle with ${v instanceof Map ? 'a dict' : 'a tensor'} inside a dict key or set member (in ${where})`);
    if (v instanceof TensorSpec) { specs.add(v); continue; }
    if (v instanceof Uint8Array) continue;
    if (v instanceof GlobalRef && dataOfGlobal(v) !== undefined) continue;
    const kids = childrenOf(v);
    if (kids === null) throw new TorchError(`refusing a pickle whose result holds ${describe(v)} in ${where}: only tensors and plain data are returned`);
    const seen = inKey ? seenInKeys : seenAsValues; // a container reached both ways is checked both ways
    if (seen.has(v)) continue;
    seen.add(v);
    const keys = keysOf(v);
    for (const k of keys) stack.push({ v: k, where, inKey: true });
    const named = v instanceof Map ? [...v.keys()] : [];
    kids.forEach((k, i) => {
      const key = named[i];
      stack.push({ v: k, where: typeof key === 'string' ? `'${key.slice(0, 80)}'` : where, inKey });
    });
  }
  return [...specs];
}
