/**
 * Turns the unpickled tree's TensorSpec placeholders into Tensors: one base tensor per storage
 * (its bytes copied once from the file), then each tensor shares that storage through
 * `aten::set_` with its own offset, size and stride, exactly like torch._utils._rebuild_tensor.
 * Storages are read one at a time, so the extra memory is about one storage, not the file.
 */
import { checkDevice, Device } from '../device';
import { elementSize } from '../dtype';
import { TorchError } from '../errors';
import { fromBytes } from '../creation';
import { native } from '../native';
import { atenOp } from '../oplayer/dispatch';
import { Tensor } from '../tensor';
import { ReadPlan } from './byte-io';
import { GlobalRef } from './pickle-reader';
import { childrenOf, checkPlainResult, dataOfGlobal } from './plain-result';
import { StorageRef, TensorSpec } from './torch-pickle';

/** torch.load's map_location: a device for everything, a table from saved locations, or a function. */
export type MapLocation = Device | Record<string, Device> | ((savedLocation: string) => Device | undefined | null);

const O = {
  empty: atenOp('empty.memory_format'),
  set: atenOp('set_.source_Tensor_storage_offset'),
  detach: atenOp('detach'),
};

export function checkMapLocation(m: unknown): MapLocation | undefined {
  if (m === undefined || m === null) return undefined;
  if (typeof m === 'string') return checkDevice(m, 'mapLocation');
  if (typeof m === 'function') return m as MapLocation;
  if (typeof m === 'object') {
    for (const [k, v] of Object.entries(m as Record<string, unknown>)) checkDevice(v, `mapLocation['${k}']`);
    return m as Record<string, Device>;
  }
  throw new TypeError("mapLocation must be a device ('cpu' | 'cuda' | 'cuda:N'), a { savedLocation: device } table or a function");
}

function resolveDevice(location: string, map: MapLocation | undefined): Device {
  let target: unknown = location;
  if (typeof map === 'string') target = map;
  else if (typeof map === 'function') target = map(location) ?? location;
  else if (map && Object.prototype.hasOwnProperty.call(map, location)) target = map[location];
  if (typeof target !== 'string' || !/^(cpu|cuda(:\d+)?)$/.test(target))
    throw new TorchError(`cannot restore a storage saved on '${String(target)}'; pass mapLocation: 'cpu' to load it on the CPU`);
  if (target.startsWith('cuda') && !native.cudaIsAvailable())
    throw new TorchError(
      `attempting to deserialize a tensor on a CUDA device ('${target}') but CUDA is not available; ` +
        "if you are running on a CPU-only machine, use torch.load(file, { mapLocation: 'cpu' })",
    );
  return target as Device;
}

type Container = unknown[] | Map<unknown, unknown> | Set<unknown> | Record<string, unknown>;

/** Puts the made tensors (and dtype strings) where the placeholders were; containers are edited in place. */
function replaceSpecs(root: unknown, made: Map<TensorSpec, Tensor>): unknown {
  const swap = (v: unknown): unknown => {
    if (v instanceof TensorSpec) return made.get(v);
    if (v instanceof GlobalRef) return dataOfGlobal(v);
    return v;
  };
  const seen = new Set<unknown>();
  const stack: unknown[] = [root];
  while (stack.length) {
    const c = stack.pop() as Container;
    if (seen.has(c) || !childrenOf(c)) continue;
    seen.add(c);
    if (Array.isArray(c)) {
      for (let i = 0; i < c.length; i++) { c[i] = swap(c[i]); stack.push(c[i]); }
    } else if (c instanceof Map) {
      const entries = [...c];
      c.clear();
      for (const [k, v] of entries) { c.set(swap(k), swap(v)); stack.push(k, v); }
      const meta = Object.getOwnPropertyDescriptor(c, '_metadata');
      if (meta) stack.push(meta.value);
    } else if (c instanceof Set) {
      const items = [...c];
      c.clear();
      for (const v of items) { c.add(swap(v)); stack.push(v); }
    } else {
      for (const k of Object.keys(c)) { c[k] = swap(c[k]); stack.push(c[k]); }
    }
  }
  return swap(root);
}

/**
 * The view must lie inside its storage, at every index (negative strides included), and its
 * element count must be exact in a double: nothing is allocated for a view, so this is what
 * keeps a lying record from reading outside the storage's bytes.
 */
function checkGeometry(spec: TensorSpec): void {
  const { storage, offset, size, stride } = spec;
  const where = `tensor of size [${size.slice(0, 8)}] and stride [${stride.slice(0, 8)}] at offset ${offset} in storage '${storage.key}'`;
  if (size.length !== stride.length) throw new TorchError(`malformed ${where}: size and stride differ in length`);
  if (size.some((s) => s < 0) || offset < 0) throw new TorchError(`malformed ${where}: negative size or offset`);
  let numel = 1;
  for (const s of size) numel *= s;
  if (!Number.isSafeInteger(numel)) throw new TorchError(`malformed ${where}: too many elements`);
  if (numel === 0) return;
  let first = offset;
  let last = offset;
  for (let i = 0; i < size.length; i++) {
    const reach = (size[i] - 1) * stride[i];
    if (reach < 0) first += reach;
    else last += reach;
  }
  if (!Number.isSafeInteger(first) || !Number.isSafeInteger(last) || first < 0 || last >= storage.numel)
    throw new TorchError(`${where} does not fit the storage's ${storage.numel} elements`);
}

/** Whether the view is its whole storage, contiguous from offset 0 (strides exactly the contiguous ones). */
function coversStorage(spec: TensorSpec): boolean {
  if (spec.offset !== 0) return false;
  let expected = 1;
  for (let i = spec.size.length - 1; i >= 0; i--) {
    if (spec.stride[i] !== expected) return false;
    expected *= spec.size[i];
  }
  return expected === spec.storage.numel;
}

/**
 * `readStorage(ref)` yields the storage's bytes (at least numel × element size; transient).
 * Every tensor made here is disposed if anything fails.
 */
export function* materialize(
  root: unknown,
  readStorage: (ref: StorageRef) => ReadPlan<Uint8Array>,
  mapLocation: MapLocation | undefined,
  readStorageAsTensor?: (ref: StorageRef, nbytes: number, shape: number[]) => ReadPlan<Tensor> | null,
): ReadPlan<unknown> {
  const specs = checkPlainResult(root);
  const byStorage = new Map<StorageRef, TensorSpec[]>();
  for (const s of specs) {
    checkGeometry(s);
    const list = byStorage.get(s.storage);
    if (list) list.push(s);
    else byStorage.set(s.storage, [s]);
  }
  const made = new Map<TensorSpec, Tensor>();
  try {
    for (const [ref, views] of byStorage) {
      const device = resolveDevice(ref.location, mapLocation);
      const nbytes = ref.numel * elementSize(ref.dtype);
      if (device === 'cpu' && views.length === 1 && coversStorage(views[0]) && readStorageAsTensor) {
        // the common case (a state_dict: one contiguous tensor per storage), read straight into
        // a tensor of its shape when the source can: one copy of the bytes, as Python does
        const v = views[0];
        const direct = readStorageAsTensor(ref, nbytes, v.size);
        if (direct) {
          const t = yield* direct;
          made.set(v, t);
          if (v.requiresGrad) native.setRequiresGrad(t.handle, true);
          continue;
        }
      }
      const bytes = yield* readStorage(ref);
      if (bytes.length < nbytes) throw new TorchError(`storage '${ref.key}' has ${bytes.length} bytes, ${nbytes} expected (the file is truncated or corrupt)`);
      if (device === 'cpu' && views.length === 1 && coversStorage(views[0])) {
        // the common case (a state_dict: one contiguous tensor per storage): made in its shape
        // straight from the bytes, one native call instead of five
        const v = views[0];
        const t = fromBytes(bytes.subarray(0, nbytes), v.size, ref.dtype);
        made.set(v, t);
        if (v.requiresGrad) native.setRequiresGrad(t.handle, true);
        continue;
      }
      let base = fromBytes(bytes.subarray(0, nbytes), [ref.numel], ref.dtype);
      try {
        if (device !== 'cpu') {
          const moved = base.to(device);
          base.dispose();
          base = moved;
        }
        for (const v of views) {
          const shell = O.empty([0], { dtype: ref.dtype, device }) as Tensor;
          let t: Tensor;
          try {
            O.set(shell, base, v.offset, v.size, v.stride);
            // a fresh handle: the addon accounts a tensor's bytes when it is wrapped, and the
            // shell was wrapped empty (detach gives a plain leaf sharing the storage, not a view)
            t = O.detach(shell) as Tensor;
          } finally {
            shell.dispose();
          }
          made.set(v, t);
          if (v.requiresGrad) native.setRequiresGrad(t.handle, true);
        }
      } finally {
        base.dispose(); // the views keep the storage alive
      }
    }
  } catch (e) {
    for (const t of made.values()) t.dispose();
    throw e;
  }
  return replaceSpecs(root, made);
}
