/**
 * torch.load for files Python's torch.save wrote: the zip format (PyTorch ≥ 1.6, 2.x records
 * included) and the legacy format (`_use_new_zipfile_serialization=False`). Only allow-listed
 * pickle globals are accepted (torch-pickle.ts); nothing in a file is ever executed.
 */
import { TorchError } from '../errors';
import { ReadPlan, runAsync, runSync, Source } from './byte-io';
import { checkMapLocation, MapLocation, materialize } from './materialize';
import { PickleEndOfData, Unpickler } from './pickle-reader';
import { brief } from './plain-result';
import { StorageRef, torchUnpicklerHooks } from './torch-pickle';
import { elementSize } from '../dtype';
import { readZipDirectory, readZipRecord, readZipRecordAsTensor, ZipEntry } from './zip-reader';

export interface LoadOptions {
  /** Where tensors go: 'cpu' | 'cuda' | 'cuda:N', a { savedLocation: device } table, or a function. Default: where they were saved. */
  mapLocation?: MapLocation;
}

/** What torch.load returns: Maps for dicts, arrays for lists/tuples, Tensors, numbers, bigints, strings, booleans, null. */
export type Loaded = unknown;

const LEGACY_MAGIC = 0x1950a86a20f9469cfc6cn;
const LEGACY_PROTOCOL = 1001;

function* loadZip(size: number, mapLocation: MapLocation | undefined): ReadPlan<Loaded> {
  const entries = yield* readZipDirectory(size);
  const names = [...entries.keys()];
  if (names.some((n) => /(^|\/)constants\.pkl$/.test(n) || /(^|\/)code\//.test(n)))
    throw new TorchError('this is a TorchScript archive (torch.jit.save), not a torch.save file; use torch.jit.load for it');
  const pkl = names.filter((n) => n === 'data.pkl' || n.endsWith('/data.pkl')).sort((a, b) => a.length - b.length)[0];
  if (pkl === undefined) throw new TorchError('not a PyTorch file: a zip archive without data.pkl');
  const prefix = pkl.slice(0, pkl.length - 'data.pkl'.length);
  const order = entries.get(prefix + 'byteorder');
  if (order) {
    const text = new TextDecoder().decode(yield* readZipRecord(order));
    if (text.trim() !== 'little') throw new TorchError(`this file was written with '${text.trim()}' byte order; only little-endian files are supported`);
  }
  const hooks = torchUnpicklerHooks();
  const pickle = yield* readZipRecord(entries.get(pkl) as ZipEntry);
  let root: unknown;
  try {
    root = new Unpickler(pickle, 0, hooks).load();
  } catch (e) {
    if (e instanceof PickleEndOfData) throw new TorchError(`${pkl} ends inside its pickle (the file is truncated or corrupt)`);
    throw e;
  }
  return yield* materialize(root, function* (ref: StorageRef) {
    const entry = entries.get(`${prefix}data/${ref.key}`);
    if (!entry) throw new TorchError(`the archive has no record for storage '${ref.key}' (${prefix}data/${ref.key})`);
    return yield* readZipRecord(entry, true);
  }, mapLocation, (ref: StorageRef, nbytes: number, shape: number[]) => {
    const entry = entries.get(`${prefix}data/${ref.key}`);
    return entry ? readZipRecordAsTensor(entry, nbytes, shape, ref.dtype) : null;
  });
}

/** The legacy format: five pickles in a row (magic, protocol, sys_info, the value, storage keys), then raw storages. */
function* loadLegacy(size: number, mapLocation: MapLocation | undefined): ReadPlan<Loaded> {
  let window = Math.min(size, 1 << 20);
  for (;;) {
    const head = yield { offset: 0, length: window };
    try {
      let first: unknown;
      try {
        first = new Unpickler(head, 0, torchUnpicklerHooks()).load();
      } catch (e) {
        if (e instanceof PickleEndOfData) throw e;
        throw new TorchError('not a PyTorch file: unrecognized data (neither a zip archive nor a legacy torch.save pickle)');
      }
      if (first !== LEGACY_MAGIC) throw new TorchError('not a PyTorch file: a pickle without torch.save\'s magic number');
      const reader = new Unpickler(head, 0, torchUnpicklerHooks());
      reader.load();
      const plain = torchUnpicklerHooks();
      const protocol = new Unpickler(head, reader.pos, plain);
      const version = protocol.load();
      if (version !== LEGACY_PROTOCOL) throw new TorchError(`unsupported legacy torch.save protocol version ${brief(version)}`);
      const sys = new Unpickler(head, protocol.pos, plain);
      const sysInfo = sys.load();
      if (sysInfo instanceof Map && sysInfo.get('little_endian') === false) throw new TorchError('big-endian legacy files are not supported');
      const hooks = torchUnpicklerHooks();
      const main = new Unpickler(head, sys.pos, hooks);
      const root = main.load();
      const keysReader = new Unpickler(head, main.pos, plain);
      const keys = keysReader.load();
      if (!Array.isArray(keys) || !keys.every((k) => typeof k === 'string')) throw new TorchError('malformed legacy file: storage key list');
      // storages follow in key order, each as an int64 element count and then its bytes
      const where = new Map<string, { offset: number; nbytes: number }>();
      let pos = keysReader.pos;
      for (const key of keys as string[]) {
        const ref = hooks.storages.get(key);
        if (!ref) throw new TorchError(`malformed legacy file: storage '${key}' is not used by the pickle`);
        const countBytes = yield { offset: pos, length: 8 };
        const count = new DataView(countBytes.buffer, countBytes.byteOffset, 8).getBigInt64(0, true);
        if (count < 0n) throw new TorchError(`malformed legacy file: storage '${key}' has a negative element count ${count} (at byte ${pos})`);
        const nbytes = Number(count) * elementSize(ref.dtype);
        if (pos + 8 + nbytes > size)
          throw new TorchError(`legacy file: storage '${key}' claims ${count} elements (${nbytes} bytes at byte ${pos + 8}), past the end of the ${size}-byte file (truncated or corrupt)`);
        where.set(key, { offset: pos + 8, nbytes });
        pos += 8 + nbytes;
      }
      return yield* materialize(root, function* (ref: StorageRef) {
        const w = where.get(ref.key);
        if (!w) throw new TorchError(`malformed legacy file: no data for storage '${ref.key}'`);
        return yield { offset: w.offset, length: w.nbytes, transient: true };
      }, mapLocation);
    } catch (e) {
      if (!(e instanceof PickleEndOfData)) throw e;
      if (window >= size) throw new TorchError('unexpected end of file inside the pickled data (the file is truncated)');
      window = Math.min(size, window * 8);
    }
  }
}

function* loadPlan(size: number, mapLocation: MapLocation | undefined): ReadPlan<Loaded> {
  if (size === 0) throw new TorchError('not a PyTorch file: the file is empty');
  const magic = yield { offset: 0, length: Math.min(size, 4) };
  if (size >= 4 && magic[0] === 0x50 && magic[1] === 0x4b && magic[2] === 0x03 && magic[3] === 0x04) return yield* loadZip(size, mapLocation);
  if (magic[0] === 0x80) return yield* loadLegacy(size, mapLocation);
  const hex = [...magic].map((b) => b.toString(16).padStart(2, '0')).join(' ');
  throw new TorchError(`not a PyTorch file: unrecognized header bytes ${hex} (expected a zip archive or a legacy torch.save pickle)`);
}

function options(opts: LoadOptions | undefined): MapLocation | undefined {
  if (opts === undefined || opts === null) return undefined;
  if (typeof opts !== 'object') throw new TypeError('load options must be an object { mapLocation }');
  return checkMapLocation(opts.mapLocation);
}

/**
 * torch.load: what Python's torch.save wrote. Dicts and OrderedDicts → Map (a state_dict's
 * `_metadata` rides along as a non-enumerable property), lists/tuples → arrays, tensors → Tensor
 * (sharing storage as in the file; nn.Parameter → requiresGrad), ints → number (bigint beyond 2^53).
 */
export function load(pathOrBuffer: Source, opts?: LoadOptions): Loaded {
  const mapLocation = options(opts);
  return runSync(pathOrBuffer, (size) => loadPlan(size, mapLocation));
}

/** torch.load with the file reads done through fs.promises. */
export async function loadAsync(pathOrBuffer: Source, opts?: LoadOptions): Promise<Loaded> {
  const mapLocation = options(opts);
  return runAsync(pathOrBuffer, (size) => loadPlan(size, mapLocation));
}
