/**
 * Deep copy of a module tree: every module is re-created with its own prototype and fields,
 * every parameter/buffer is cloned (requiresGrad kept, kept past tidy), and modules shared at
 * several names stay shared. `replace(name, module)` may return a substitute for a submodule
 * (the resolver's SVD layers), in which case the original's tensors are not copied at all.
 * Caches of derived tensors (DerivedTensors) are never shared: each copy gets an empty one.
 */
import { noGrad } from '../autograd';
import { keep } from '../memory';
import { DerivedTensors } from '../nn/derived';
import { Module } from '../nn/module';
import { Tensor } from '../tensor';

export type Replacer = (name: string, module: Module) => Module | undefined;

export function cloneModule<M extends Module>(root: M, replace?: Replacer): M {
  const memo = new Map<unknown, unknown>();
  return cloneModuleAt(root, '', memo, replace) as M;
}

function cloneModuleAt(m: Module, name: string, memo: Map<unknown, unknown>, replace?: Replacer): Module {
  const seen = memo.get(m);
  if (seen) return seen as Module;
  const substitute = name !== '' && replace ? replace(name, m) : undefined;
  if (substitute) {
    memo.set(m, substitute);
    return substitute;
  }
  const copy = Object.create(Object.getPrototypeOf(m)) as Module;
  memo.set(m, copy);
  for (const key of Reflect.ownKeys(m)) {
    const desc = Object.getOwnPropertyDescriptor(m, key)!;
    if ('value' in desc) {
      if (key === '_modules') {
        const children = new Map<string, Module | null>();
        for (const [childName, child] of desc.value as Map<string, Module | null>) {
          children.set(childName, child ? cloneModuleAt(child, name ? `${name}.${childName}` : childName, memo, replace) : null);
        }
        desc.value = children;
      } else {
        desc.value = cloneValue(desc.value, memo);
      }
    }
    Object.defineProperty(copy, key, desc);
  }
  return copy;
}

function cloneTensor(t: Tensor): Tensor {
  if (t.isDisposed) return t;
  // the detached alias is a handle of its own: disposed here, not left to the finalizer
  const c = noGrad(() => {
    const d = t.detach();
    try {
      return d.clone();
    } finally {
      d.dispose();
    }
  });
  if (t.requiresGrad) c.requiresGrad_(true);
  return keep(c);
}

function cloneValue(v: unknown, memo: Map<unknown, unknown>): unknown {
  if (v === null || typeof v !== 'object') return v;
  if (memo.has(v)) return memo.get(v);
  let out: unknown;
  if (v instanceof Tensor) {
    out = cloneTensor(v);
    memo.set(v, out);
  } else if (v instanceof DerivedTensors) {
    // a cache of tensors derived from the module's own state: the copy starts with its own,
    // empty one (shared, each would evict and dispose the other's entries)
    out = new DerivedTensors();
    memo.set(v, out);
  } else if (v instanceof Module) {
    out = cloneModuleAt(v, '', memo);
  } else if (Array.isArray(v)) {
    const arr: unknown[] = [];
    memo.set(v, arr);
    for (const x of v) arr.push(cloneValue(x, memo));
    out = arr;
  } else if (v instanceof Map) {
    const map = new Map();
    memo.set(v, map);
    for (const [k, x] of v) map.set(k, cloneValue(x, memo));
    out = map;
  } else if (v instanceof Set) {
    const set = new Set();
    memo.set(v, set);
    for (const x of v) set.add(cloneValue(x, memo));
    out = set;
  } else if (Object.getPrototypeOf(v) === Object.prototype || Object.getPrototypeOf(v) === null) {
    const obj = Object.create(Object.getPrototypeOf(v));
    memo.set(v, obj);
    for (const [k, x] of Object.entries(v)) obj[k] = cloneValue(x, memo);
    out = obj;
  } else {
    out = v; // other class instances (functions, options objects) are shared, as copy.deepcopy would not need
  }
  return out;
}
