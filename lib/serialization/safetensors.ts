/**
 * The safetensors format: an 8-byte little-endian header length N, N bytes of JSON
 * ({name: {dtype, shape, data_offsets: [begin, end]}, __metadata__?: {string: string}},
 * padded with spaces to 8-byte alignment), then the tensors' bytes, contiguous and
 * little-endian, offsets relative to the end of the header.
 */
import { DType, elementSize } from '../dtype';
import { TorchError } from '../errors';
import { native } from '../native';
import { Tensor } from '../tensor';
import { isPlainObject } from '../validate';
import { writeAtomic, writeAtomicSync } from './atomic-file';
import { ReadPlan, readTensor, runAsync, runSync, Source } from './byte-io';
import { dtypeOfSafetensorsCode, safetensorsCodeOfDtype } from './storage-types';

/** loadSafetensors' result: the tensors by name, in file order, and the `__metadata__` strings (or null). */
export class SafetensorsMap extends Map<string, Tensor> {
  metadata: Record<string, string> | null = null;
}

interface HeaderEntry {
  dtype: DType;
  shape: number[];
  begin: number;
  end: number;
}

/** The reference library's limit (safetensors' MAX_HEADER_SIZE). */
const MAX_HEADER = 100_000_000;
const bad = (why: string): TorchError => new TorchError(`not a valid safetensors file: ${why}`);


function checkMetadata(raw: unknown): Record<string, string> {
  if (!isPlainObject(raw)) throw bad('__metadata__ must be an object of strings');
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(raw)) {
    if (typeof v !== 'string') throw bad(`__metadata__ value '${k}' is not a string`);
    out[k] = v;
  }
  return out;
}

function checkEntry(name: string, raw: unknown): HeaderEntry {
  if (!isPlainObject(raw) || typeof raw.dtype !== 'string' || !Array.isArray(raw.shape) || !Array.isArray(raw.data_offsets) || raw.data_offsets.length !== 2)
    throw bad(`entry '${name}' needs dtype, shape and data_offsets`);
  const shape = raw.shape as unknown[];
  const [begin, end] = raw.data_offsets as unknown[];
  if (!shape.every((s) => Number.isSafeInteger(s) && (s as number) >= 0)) throw bad(`entry '${name}' has a bad shape`);
  if (!Number.isSafeInteger(begin) || !Number.isSafeInteger(end) || (begin as number) < 0 || (end as number) < (begin as number))
    throw bad(`entry '${name}' has bad data_offsets`);
  const dtype = dtypeOfSafetensorsCode(raw.dtype);
  const nbytes = (shape as number[]).reduce((a, b) => a * b, 1) * elementSize(dtype);
  if (!Number.isSafeInteger(nbytes)) throw bad(`entry '${name}': its shape overflows`);
  if ((end as number) - (begin as number) !== nbytes) throw bad(`entry '${name}' spans ${(end as number) - (begin as number)} bytes, its shape and dtype need ${nbytes}`);
  return { dtype, shape: shape as number[], begin: begin as number, end: end as number };
}

/**
 * The reference library's rule: sorted by offset, the tensors tile the data exactly — each
 * begins where the previous ended, the first at 0, the last at the end of the file. So no two
 * tensors share bytes and no bytes hide between them.
 */
function checkTiling(entries: Map<string, HeaderEntry>, dataLength: number): void {
  const sorted = [...entries].sort((a, b) => a[1].begin - b[1].begin || a[1].end - b[1].end);
  let at = 0;
  for (const [name, e] of sorted) {
    if (e.begin < at) throw bad(`entry '${name}' (bytes ${e.begin}..${e.end}) overlaps the tensor before it (which ends at ${at})`);
    if (e.begin > at) throw bad(`entry '${name}' begins at byte ${e.begin}, leaving a gap after byte ${at}`);
    at = e.end;
  }
  if (at > dataLength) throw bad(`the tensors end at byte ${at} of the data, past the end of the file (truncated)`);
  if (at < dataLength) throw bad(`the tensors end at byte ${at} of the data, ${dataLength - at} bytes before the end of the file`);
}

function* readHeader(size: number): ReadPlan<{ entries: Map<string, HeaderEntry>; metadata: Record<string, string> | null; dataStart: number }> {
  if (size < 8) throw bad('shorter than its 8-byte header length');
  const lenBytes = yield { offset: 0, length: 8 };
  const n = Number(new DataView(lenBytes.buffer, lenBytes.byteOffset, 8).getBigUint64(0, true));
  if (n > MAX_HEADER || 8 + n > size) throw bad(`header length ${n} does not fit a ${size}-byte file (truncated or not safetensors)`);
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(yield { offset: 8, length: n });
  } catch {
    throw bad('the header is not UTF-8');
  }
  if (!text.startsWith('{')) throw bad('the header is not JSON (it does not start with \'{\')');
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw bad('the header is not JSON');
  }
  if (!isPlainObject(json)) throw bad('the header is not a JSON object');
  const entries = new Map<string, HeaderEntry>();
  let metadata: Record<string, string> | null = null;
  for (const [name, raw] of Object.entries(json)) {
    if (name === '__metadata__') metadata = raw === null ? null : checkMetadata(raw); // null: the reference's None
    else entries.set(name, checkEntry(name, raw));
  }
  checkTiling(entries, size - 8 - n);
  return { entries, metadata, dataStart: 8 + n };
}

function* loadPlan(size: number): ReadPlan<SafetensorsMap> {
  const { entries, metadata, dataStart } = yield* readHeader(size);
  const out = new SafetensorsMap();
  out.metadata = metadata;
  try {
    for (const [name, e] of entries) {
      out.set(name, yield* readTensor(dataStart + e.begin, e.end - e.begin, e.shape, e.dtype));
    }
  } catch (err) {
    for (const t of out.values()) t.dispose();
    throw err;
  }
  return out;
}

/** Reads a .safetensors file (path or bytes) into Map<name, Tensor> (CPU), with `.metadata`. */
export function loadSafetensors(pathOrBuffer: Source): SafetensorsMap {
  return runSync(pathOrBuffer, loadPlan);
}
export function loadSafetensorsAsync(pathOrBuffer: Source): Promise<SafetensorsMap> {
  return runAsync(pathOrBuffer, loadPlan);
}

/** Only the `__metadata__` strings (null when absent), reading just the header. */
export function readSafetensorsMetadata(pathOrBuffer: Source): Record<string, string> | null {
  return runSync(pathOrBuffer, function* (size) { return (yield* readHeader(size)).metadata; });
}

function checkSaveArgs(tensors: unknown, metadata: unknown): [string, Tensor][] {
  const list: [string, Tensor][] =
    tensors instanceof Map ? [...tensors] : tensors && typeof tensors === 'object' ? Object.entries(tensors) : [];
  if (!(tensors instanceof Map) && (!tensors || typeof tensors !== 'object'))
    throw new TypeError('saveSafetensors(tensors, path): tensors must be a Map<string, Tensor> or an object of tensors');
  for (const [k, t] of list) {
    if (typeof k !== 'string' || k === '__metadata__') throw new TypeError(`saveSafetensors: bad tensor name ${JSON.stringify(k)}`);
    if (!(t instanceof Tensor)) throw new TypeError(`saveSafetensors: '${k}' is not a Tensor`);
    t.handle; // eslint-disable-line @typescript-eslint/no-unused-expressions -- throws for a disposed tensor
  }
  if (metadata !== undefined && metadata !== null) {
    if (typeof metadata !== 'object' || Object.values(metadata).some((v) => typeof v !== 'string'))
      throw new TypeError('saveSafetensors: metadata must map strings to strings');
  }
  return list;
}

function* savePlan(list: [string, Tensor][], metadata: Record<string, string> | null | undefined): Generator<Uint8Array, void, void> {
  const header: Record<string, unknown> = {};
  if (metadata) header.__metadata__ = metadata;
  let offset = 0;
  for (const [name, t] of list) {
    const nbytes = t.numel() * elementSize(t.dtype);
    header[name] = { dtype: safetensorsCodeOfDtype(t.dtype), shape: t.shape, data_offsets: [offset, offset + nbytes] };
    offset += nbytes;
  }
  let json = JSON.stringify(header);
  json += ' '.repeat((8 - ((8 + Buffer.byteLength(json)) % 8)) % 8);
  const h = Buffer.from(json, 'utf8');
  const len = Buffer.alloc(8);
  len.writeBigUInt64LE(BigInt(h.length));
  yield len;
  yield h;
  for (const [, t] of list) yield new Uint8Array(native.toBuffer(t.handle)); // contiguous, from any device
}

/** Writes tensors (CPU or CUDA; copied contiguous) and optional string metadata as .safetensors, atomically. */
export function saveSafetensors(tensors: Map<string, Tensor> | Record<string, Tensor>, file: string, metadata?: Record<string, string>): void {
  writeAtomicSync(file, savePlan(checkSaveArgs(tensors, metadata), metadata));
}
export async function saveSafetensorsAsync(tensors: Map<string, Tensor> | Record<string, Tensor>, file: string, metadata?: Record<string, string>): Promise<void> {
  await writeAtomic(file, savePlan(checkSaveArgs(tensors, metadata), metadata));
}
