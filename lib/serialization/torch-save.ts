/**
 * torch.save: a zip archive Python's torch.load (1.13 and later) reads. Layout as torch writes
 * it: `<archive>/data.pkl` (protocol 2, tensors as `torch._utils._rebuild_tensor_v2` with
 * persistent ids ('storage', torch.<Type>Storage, key, location, numel)), one
 * `<archive>/data/<key>` per storage (views sharing a storage save it once), `version` ("3")
 * and `byteorder` ("little"). Storages are written as the pickler meets them, so memory stays
 * at about one storage; the file is replaced atomically.
 */
import * as path from 'path';
import { native } from '../native';
import { Tensor } from '../tensor';
import { writeAtomic, writeAtomicSync } from './atomic-file';
import { PickleBuilder, pickleValue } from './pickle-writer';
import { storageClassOfDtype } from './storage-types';
import { elementSize } from '../dtype';
import { WritePlan, ZipWriter } from './zip-writer';

export interface SaveOptions {
  /** Write ZIP64 structures even when not needed (readers must handle them; used by tests). */
  forceZip64?: boolean;
}

/** The archive folder torch derives from the file name: the base name without its last extension. */
export function archiveNameFor(file: string): string {
  const base = path.basename(file);
  const dot = base.lastIndexOf('.');
  const name = (dot > 0 ? base.slice(0, dot) : base).replace(/[^A-Za-z0-9_.-]/g, '_');
  return name.length ? name : 'archive';
}

function* savePlan(value: unknown, archive: string, opts: SaveOptions): WritePlan {
  const zip = new ZipWriter(opts.forceZip64 ?? false);
  const keys = new Map<string, string>(); // native storage identity -> archive key
  const pickle = new PickleBuilder();
  yield* pickleValue(value, pickle, function* (t: Tensor, p: PickleBuilder): WritePlan {
    const h = t.handle; // throws for a disposed tensor
    const dtype = t.dtype;
    const info = native.storageInfo(h);
    let key = keys.get(info.key);
    if (key === undefined) {
      key = String(keys.size);
      keys.set(info.key, key);
      yield* zip.record(`${archive}/data/${key}`, [new Uint8Array(native.storageBytes(h))]);
    }
    const device = native.device(h);
    const location = device === 'cuda' ? 'cuda:0' : device;
    p.global('torch._utils', '_rebuild_tensor_v2').mark();
    p.mark().str('storage').global('torch', storageClassOfDtype(dtype)).str(key).str(location)
      .int(Math.floor(info.nbytes / elementSize(dtype))).tuple().op(0x51); // BINPERSID
    p.int(info.offset);
    p.mark(); for (const s of t.shape) p.int(s); p.tuple();
    p.mark(); for (const s of info.strides) p.int(s); p.tuple();
    p.bool(t.requiresGrad);
    p.global('collections', 'OrderedDict').emptyTuple().reduce();
    p.tuple().reduce();
  });
  yield* zip.record(`${archive}/data.pkl`, [pickle.bytes()]);
  yield* zip.record(`${archive}/byteorder`, [Buffer.from('little')]);
  yield* zip.record(`${archive}/version`, [Buffer.from('3\n')]);
  yield* zip.finish();
}

function checkArgs(file: unknown, opts: unknown): SaveOptions {
  if (typeof file !== 'string' || file.length === 0) throw new TypeError('torch.save(value, path): path must be a non-empty string');
  if (opts !== undefined && (typeof opts !== 'object' || opts === null)) throw new TypeError('torch.save options must be an object');
  return (opts ?? {}) as SaveOptions;
}

/**
 * torch.save(value, path): Maps with string keys become OrderedDicts (other Maps and plain
 * objects dicts), arrays lists, tensors torch tensors (requiresGrad kept). Atomic: an error
 * midway leaves any previous file untouched.
 */
export function save(value: unknown, file: string, opts?: SaveOptions): void {
  const o = checkArgs(file, opts);
  writeAtomicSync(file, savePlan(value, archiveNameFor(file), o));
}

/** torch.save with the file writes done through fs.promises. */
export async function saveAsync(value: unknown, file: string, opts?: SaveOptions): Promise<void> {
  const o = checkArgs(file, opts);
  await writeAtomic(file, savePlan(value, archiveNameFor(file), o));
}
