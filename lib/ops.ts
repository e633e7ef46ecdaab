/**
 * ATen operators by schema name, resolved once and called through the dispatcher
 * (native.callOp). `op('aten::add', 'Tensor')` returns the id; results keep native handles,
 * which callers wrap into Tensors.
 */
import { native } from './native';

const ids = new Map<string, number>();

export function op(name: string, overload = ''): number {
  const key = overload ? `${name}.${overload}` : name;
  let id = ids.get(key);
  if (id === undefined) {
    id = native.opHandle(name, overload);
    ids.set(key, id);
  }
  return id;
}

/** A lazily resolved operator: `const ADD = lazyOp('aten::add', 'Tensor'); ADD()` → id. */
export function lazyOp(name: string, overload = ''): () => number {
  let id = -1;
  return () => (id >= 0 ? id : (id = op(name, overload)));
}
