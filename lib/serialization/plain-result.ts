/**
 * What torch.load may hand back: plain data only. The unpickler works with internal objects
 * (allow-listed globals, storage references, Python type markers); a hostile pickle can leave
 * any of them in its result, so the result is walked once (iteratively: nesting depth costs no
 * stack) and anything that is not data the caller asked for is refused, naming what and where.
 */
import { TorchError } from '../errors';
import { GlobalRef } from './pickle-reader';
import { TensorSpec } from './torch-pickle';

/** A global that stands for a value the caller can use (a dtype such as torch.float32 → 'float32'). */
export function dataOfGlobal(g: GlobalRef): string | undefined {
  const v = g.allowed.value;
  return typeof v === 'string' ? v : undefined;
}

function isPlainObject(v: object): boolean {
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

/** The containers whose contents are walked: values, keys and members, and a state_dict's `_metadata`. */
export function childrenOf(v: unknown): unknown[] | null {
  if (Array.isArray(v)) return v;
  if (v instanceof Map) {
    const out: unknown[] = [];
    for (const [k, x] of v) out.push(k, x);
    const meta = Object.getOwnPropertyDescriptor(v, '_metadata');
    if (meta) out.push(meta.value);
    return out;
  }
  if (v instanceof Set) return [...v];
  if (v !== null && typeof v === 'object' && !(v instanceof Uint8Array) && !(v instanceof TensorSpec) && !(v instanceof GlobalRef) && isPlainObject(v))
    return Object.values(v); // builtins.slice → { start, stop, step }
  return null;
}

function describe(v: unknown): string {
  if (v instanceof GlobalRef) return `the global '${v.allowed.qualifiedName}'`;
  if (v !== null && typeof v === 'object') return `an internal ${v.constructor?.name ?? 'object'}`;
  return `a ${typeof v}`;
}

function isKeyPosition(container: unknown, index: number): boolean {
  return (container instanceof Map && index % 2 === 0) || container instanceof Set;
}

/**
 * Checks that `root` holds only numbers, bigints, strings, booleans, null, bytes, arrays, Maps,
 * Sets, slices, dtype globals and tensor placeholders (never as a dict key or set member), and
 * returns the distinct tensor placeholders.
 */
export function checkPlainResult(root: unknown): TensorSpec[] {
  const specs = new Set<TensorSpec>();
  const seen = new Set<unknown>();
  const stack: { v: unknown; where: string }[] = [{ v: root, where: 'the result' }];
  while (stack.length) {
    const { v, where } = stack.pop()!;
    if (v === null || typeof v === 'number' || typeof v === 'bigint' || typeof v === 'string' || typeof v === 'boolean') continue;
    if (v instanceof TensorSpec) { specs.add(v); continue; }
    if (v instanceof Uint8Array) continue;
    if (v instanceof GlobalRef && dataOfGlobal(v) !== undefined) continue;
    const kids = childrenOf(v);
    if (kids === null) throw new TorchError(`refusing a pickle whose result holds ${describe(v)} in ${where}: only tensors and plain data are returned`);
    if (seen.has(v)) continue;
    seen.add(v);
    for (let i = 0; i < kids.length; i++) {
      const k = kids[i];
      if (isKeyPosition(v, i) && (k instanceof TensorSpec))
        throw new TorchError(`refusing a pickle with a tensor as a dict key or set member (in ${where})`);
      stack.push({ v: k, where: v instanceof Map && i % 2 === 1 && typeof kids[i - 1] === 'string' ? `'${(kids[i - 1] as string).slice(0, 80)}'` : where });
    }
  }
  return [...specs];
}
