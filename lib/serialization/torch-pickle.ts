/**
 * The allow-list that makes unpickling a torch.save file safe: the containers, tensor and
 * parameter rebuild functions, storage classes and dtypes that torch.save emits, and nothing
 * else. Tensors come out as TensorSpec placeholders (storage key + geometry); materialize.ts
 * turns them into Tensors once the storages' bytes are read.
 */
import { DType } from '../dtype';
import { TorchError } from '../errors';
import { AllowedGlobal, GlobalRef, globalValue, UnpicklerHooks } from './pickle-reader';
import { brief } from './plain-result';
import { dtypeOfStorageClass, isStorageClassName, TORCH_DTYPE_NAMES } from './storage-types';

/** One storage of the file: its bytes are `data/<key>` (zip) or the key's chunk (legacy). */
export class StorageRef {
  constructor(
    readonly key: string,
    readonly dtype: DType,
    /** Elements of `dtype` in the whole storage. */
    readonly numel: number,
    readonly location: string,
  ) {}
}

/** A tensor to rebuild: `storage` viewed at `offset` (elements) with `size` and `stride`. */
export class TensorSpec {
  constructor(
    readonly storage: StorageRef,
    readonly offset: number,
    readonly size: number[],
    readonly stride: number[],
    public requiresGrad: boolean,
  ) {}
}

class StorageClass {
  constructor(readonly name: string) {}
}
class PythonType {
  constructor(readonly name: string) {}
}

function ints(v: unknown, what: string): number[] {
  if (!Array.isArray(v) || !v.every((x) => Number.isSafeInteger(x)))
    throw new TorchError(`malformed tensor record: ${what} must be a tuple of ints`);
  return v as number[];
}

function asSpec(v: unknown, fn: string): TensorSpec {
  if (!(v instanceof TensorSpec)) throw new TorchError(`malformed pickle: ${fn} expects a tensor`);
  return v;
}

function rebuildTensor(args: unknown[], fn: string): TensorSpec {
  const [storage, offset, size, stride, requiresGrad] = args;
  if (!(storage instanceof StorageRef)) throw new TorchError(`malformed pickle: ${fn} expects a storage`);
  if (!Number.isSafeInteger(offset) || (offset as number) < 0) throw new TorchError(`malformed pickle: ${fn} storage offset must be a non-negative int`);
  return new TensorSpec(storage, offset as number, ints(size, 'size'), ints(stride, 'stride'), requiresGrad === true);
}

function fn(qualifiedName: string, call: (args: unknown[]) => unknown): AllowedGlobal {
  return { qualifiedName, call };
}
function val(qualifiedName: string, value: unknown): AllowedGlobal {
  return { qualifiedName, value };
}

const latin1Bytes = (s: string): Uint8Array => Uint8Array.from(s, (c) => c.charCodeAt(0) & 0xff);

function toSet(args: unknown[]): Set<unknown> {
  const src = args[0];
  if (src === undefined) return new Set();
  if (Array.isArray(src) || src instanceof Set) return new Set(src);
  throw new TorchError('malformed pickle: set() of a non-iterable');
}

/** The rebuild functions _rebuild_from_type_v2 may wrap (none of them calls another). */
const TENSOR_REBUILDERS = new Set([
  'torch._utils._rebuild_tensor', 'torch._utils._rebuild_tensor_v2', 'torch._utils._rebuild_parameter',
  'torch._utils._rebuild_parameter_with_state',
]);

/** Maps made by collections.OrderedDict: the only dicts Python lets BUILD give attributes. */
const orderedDicts = new WeakSet<Map<unknown, unknown>>();

const ALLOWED: Record<string, (name: string) => AllowedGlobal> = {
  'collections.OrderedDict': (q) => fn(q, (args) => {
    const m = new Map();
    orderedDicts.add(m);
    const src = args[0];
    if (Array.isArray(src)) for (const kv of src) if (Array.isArray(kv) && kv.length === 2) m.set(kv[0], kv[1]);
    if (src instanceof Map) for (const [k, v] of src) m.set(k, v);
    return m;
  }),
  'builtins.set': (q) => fn(q, toSet),
  'builtins.frozenset': (q) => fn(q, toSet),
  '__builtin__.set': (q) => fn(q, toSet),
  '__builtin__.frozenset': (q) => fn(q, toSet),
  'builtins.bytearray': (q) => fn(q, (args) => (typeof args[0] === 'string' ? latin1Bytes(args[0]) : Uint8Array.from((args[0] as Uint8Array) ?? []))),
  'builtins.slice': (q) => fn(q, (args) => ({ start: args[0] ?? null, stop: args[1] ?? null, step: args[2] ?? null })),
  // protocol 2 pickles bytes as _codecs.encode(latin1 text, 'latin1')
  '_codecs.encode': (q) => fn(q, (args) => {
    const [text, encoding] = args;
    if (typeof text !== 'string') throw new TorchError('malformed pickle: _codecs.encode of a non-string');
    return encoding === 'utf-8' || encoding === 'utf8' ? new TextEncoder().encode(text) : latin1Bytes(text);
  }),
  'torch._utils._rebuild_tensor': (q) => fn(q, (args) => rebuildTensor(args, q)),
  'torch._utils._rebuild_tensor_v2': (q) => fn(q, (args) => rebuildTensor(args, q)),
  'torch._utils._rebuild_parameter': (q) => fn(q, (args) => {
    const spec = asSpec(args[0], q);
    spec.requiresGrad = args[1] !== false;
    return spec;
  }),
  'torch._utils._rebuild_parameter_with_state': (q) => fn(q, (args) => {
    const spec = asSpec(args[0], q);
    spec.requiresGrad = args[1] !== false;
    return spec;
  }),
  // torch.Tensor subclasses: func(*args), then Python attributes we have no place for. func may
  // only be a tensor rebuild function: anything else (this one included) could nest the call in
  // itself through a memoized argument tuple and recurse without bound.
  'torch._tensor._rebuild_from_type_v2': (q) => fn(q, (args) => {
    const [inner, , innerArgs] = args;
    if (!(inner instanceof GlobalRef) || !inner.allowed.call || !Array.isArray(innerArgs))
      throw new TorchError(`malformed pickle: ${q}`);
    if (!TENSOR_REBUILDERS.has(inner.allowed.qualifiedName))
      throw new TorchError(`malformed pickle: ${q} may only rebuild a tensor, not call '${inner.allowed.qualifiedName}'`);
    return inner.allowed.call(innerArgs);
  }),
  'torch._tensor.Tensor': (q) => val(q, new PythonType(q)),
  'torch.Tensor': (q) => val(q, new PythonType(q)),
  'torch.nn.parameter.Parameter': (q) => val(q, new PythonType(q)),
  'torch.device': (q) => fn(q, (args) => {
    const [type, index] = args;
    if (typeof type !== 'string') throw new TorchError('malformed pickle: torch.device');
    return typeof index === 'number' ? `${type}:${index}` : type;
  }),
  'torch.Size': (q) => fn(q, (args) => ints(args[0] ?? [], 'torch.Size')),
};

/** The allow-list lookup: anything not listed is refused by name, before it could be called. */
export function findTorchGlobal(module: string, name: string): AllowedGlobal {
  const q = `${module}.${name}`;
  const make = ALLOWED[q];
  if (make) return make(q);
  if ((module === 'torch' || module === 'torch.cuda' || module === 'torch.storage') &&
      (isStorageClassName(name) || name === '_TypedStorage' || name === 'TypedStorage')) {
    return val(q, new StorageClass(name));
  }
  if (module === 'torch' && Object.prototype.hasOwnProperty.call(TORCH_DTYPE_NAMES, name)) return val(q, TORCH_DTYPE_NAMES[name]);
  throw new TorchError(`refusing to load global '${q}': only PyTorch tensors, storages and plain containers are allowed (nothing in a file is executed)`);
}

/** Hooks for one file: storages are deduplicated by key so views keep sharing one storage. */
export function torchUnpicklerHooks(): UnpicklerHooks & { storages: Map<string, StorageRef> } {
  const storages = new Map<string, StorageRef>();
  return {
    storages,
    findGlobal: findTorchGlobal,
    persistentLoad(pid: unknown): unknown {
      if (!Array.isArray(pid) || pid.length < 5) throw new TorchError('malformed persistent id in pickle');
      const [typename, cls, key, location, numel] = pid;
      if (typename === 'module') throw new TorchError('this file pickles a whole nn.Module (source and class); only state_dicts and plain containers of tensors can be loaded');
      if (typename !== 'storage') throw new TorchError(`unknown persistent id type ${brief(typename)}`);
      const c = globalValue(cls);
      if (!(c instanceof StorageClass)) throw new TorchError('malformed persistent id: not a storage class');
      if (typeof key !== 'string' || typeof location !== 'string' || !Number.isSafeInteger(numel) || (numel as number) < 0)
        throw new TorchError('malformed persistent id: (key, location, numel ≥ 0) expected');
      if (pid[5] !== undefined && pid[5] !== null) throw new TorchError('legacy storage views (view_metadata) are not supported');
      const dtype = c.name === '_TypedStorage' || c.name === 'TypedStorage' ? 'uint8' : dtypeOfStorageClass(c.name);
      let ref = storages.get(key);
      if (ref === undefined) {
        ref = new StorageRef(key, dtype, numel as number, location);
        storages.set(key, ref);
      } else if (ref.dtype !== dtype || ref.numel !== numel || ref.location !== location) {
        throw new TorchError(`storage ${brief(key)} is described twice differently (${ref.dtype}×${ref.numel} on ${brief(ref.location)}, ${dtype}×${numel} on ${brief(location)})`);
      }
      return ref;
    },
    build(target: unknown, state: unknown): void {
      if (target instanceof TensorSpec) return; // Python-side attributes of a tensor subclass: nothing to keep
      if (target instanceof Map && orderedDicts.has(target)) {
        // OrderedDict's instance dict: torch.save only ever puts a state_dict's `_metadata`
        // (module versions) there. Any other name could shadow the Map's own methods (`get`,
        // `size`) in what the caller receives, so it is refused.
        const dict = Array.isArray(state) ? state[0] : state;
        if (dict === null || dict === undefined) return;
        if (!(dict instanceof Map)) throw new TorchError('malformed pickle: BUILD state of an OrderedDict is not a dict');
        for (const [k, v] of dict) {
          if (k !== '_metadata') throw new TorchError(`refusing to set attribute ${brief(k)} on an OrderedDict (only a state_dict's _metadata is kept)`);
          if (!(v instanceof Map)) throw new TorchError('malformed pickle: a state_dict\'s _metadata must be a dict');
          Object.defineProperty(target, k, { value: v, enumerable: false, configurable: true, writable: true });
        }
        return;
      }
      throw new TorchError('refusing to BUILD (set state on) an object that is not an OrderedDict or a tensor');
    },
  };
}
