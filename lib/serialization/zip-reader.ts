/**
 * A minimal zip reader for torch.save archives: the central directory (ZIP64 included) names
 * every record and its local header offset; record bytes are read on demand. Stored records
 * are what torch writes; deflated ones (a re-zipped archive) are inflated.
 */
import * as zlib from 'zlib';
import { DType } from '../dtype';
import { TorchError } from '../errors';
import { Tensor } from '../tensor';
import { ReadPlan, readTensor } from './byte-io';

export interface ZipEntry {
  name: string;
  method: number;
  compressedSize: number;
  size: number;
  localHeaderOffset: number;
}

const EOCD_SIG = 0x06054b50;
const ZIP64_LOCATOR_SIG = 0x07064b50;
const ZIP64_EOCD_SIG = 0x06064b50;
const CENTRAL_SIG = 0x02014b50;
const LOCAL_SIG = 0x04034b50;

function dv(b: Uint8Array): DataView {
  return new DataView(b.buffer, b.byteOffset, b.byteLength);
}
function u64(d: DataView, at: number): number {
  const v = d.getBigUint64(at, true);
  if (v > BigInt(Number.MAX_SAFE_INTEGER)) throw new TorchError('zip field too large');
  return Number(v);
}

/** Deflate's best case: 258-byte matches coded in 2 bits, about 1032 output bytes per input byte. */
const MAX_DEFLATE_RATIO = 1032;

const corrupt = (why: string): TorchError => new TorchError(`corrupt or truncated zip archive: ${why}`);

export function* readZipDirectory(fileSize: number): ReadPlan<Map<string, ZipEntry>> {
  const tailLength = Math.min(fileSize, 22 + 0xffff + 20);
  const tailStart = fileSize - tailLength;
  const tail = yield { offset: tailStart, length: tailLength };
  const t = dv(tail);
  let eocd = -1;
  for (let i = tailLength - 22; i >= 0; i--) {
    if (t.getUint32(i, true) === EOCD_SIG) { eocd = i; break; }
  }
  if (eocd < 0) throw corrupt('no end-of-central-directory record (the file is probably truncated)');
  let entries = t.getUint16(eocd + 10, true);
  let cdSize = t.getUint32(eocd + 12, true);
  let cdOffset = t.getUint32(eocd + 16, true);
  if (eocd >= 20 && t.getUint32(eocd - 20, true) === ZIP64_LOCATOR_SIG) {
    const z64Offset = u64(t, eocd - 20 + 8);
    const z = dv(yield { offset: z64Offset, length: 56 });
    if (z.getUint32(0, true) !== ZIP64_EOCD_SIG) throw corrupt('bad ZIP64 end-of-central-directory record');
    entries = u64(z, 32);
    cdSize = u64(z, 40);
    cdOffset = u64(z, 48);
  }
  if (entries > cdSize / 46) throw corrupt(`${entries} entries cannot fit a ${cdSize}-byte central directory`);
  if (cdOffset + cdSize > fileSize) throw corrupt('the central directory lies past the end of the file (truncated)');
  const cd = yield { offset: cdOffset, length: cdSize };
  const c = dv(cd);
  const out = new Map<string, ZipEntry>();
  const decoder = new TextDecoder('utf-8');
  let p = 0;
  for (let i = 0; i < entries; i++) {
    if (p + 46 > cd.length || c.getUint32(p, true) !== CENTRAL_SIG) throw corrupt(`bad central directory entry ${i} at byte ${cdOffset + p}`);
    const method = c.getUint16(p + 10, true);
    let compressedSize = c.getUint32(p + 20, true);
    let size = c.getUint32(p + 24, true);
    const nameLength = c.getUint16(p + 28, true);
    const extraLength = c.getUint16(p + 30, true);
    const commentLength = c.getUint16(p + 32, true);
    let localHeaderOffset = c.getUint32(p + 42, true);
    const extraEnd = p + 46 + nameLength + extraLength;
    if (extraEnd + commentLength > cd.length) throw corrupt(`central directory entry ${i} runs past the directory`);
    const name = decoder.decode(cd.subarray(p + 46, p + 46 + nameLength));
    // ZIP64 extended information: 8-byte values for exactly the fields saturated above, in this order
    const saturated = [size === 0xffffffff, compressedSize === 0xffffffff, localHeaderOffset === 0xffffffff];
    let e = p + 46 + nameLength;
    while (e + 4 <= extraEnd) {
      const id = c.getUint16(e, true);
      const len = c.getUint16(e + 2, true);
      const fieldEnd = e + 4 + len;
      if (fieldEnd > extraEnd) throw corrupt(`extra field of '${name}' runs past its entry`);
      if (id === 0x0001) {
        let q = e + 4;
        const next = (): number => {
          if (q + 8 > fieldEnd) throw corrupt(`ZIP64 extra field of '${name}' is too short for its saturated sizes`);
          const v = u64(c, q);
          q += 8;
          return v;
        };
        if (saturated[0]) { size = next(); saturated[0] = false; }
        if (saturated[1]) { compressedSize = next(); saturated[1] = false; }
        if (saturated[2]) { localHeaderOffset = next(); saturated[2] = false; }
      }
      e = fieldEnd;
    }
    if (saturated.some((x) => x)) throw corrupt(`'${name}' has ZIP64 sizes (0xffffffff) but no ZIP64 extra field for them`);
    if (localHeaderOffset + 30 > fileSize || compressedSize > fileSize) throw corrupt(`record '${name}' lies past the end of the file (truncated)`);
    out.set(name, { name, method, compressedSize, size, localHeaderOffset });
    p = extraEnd + commentLength;
  }
  return out;
}

/** Where a record's bytes start: after its local header (whose extra field may differ from the central one). */
function* dataOffset(entry: ZipEntry): ReadPlan<number> {
  const h = dv(yield { offset: entry.localHeaderOffset, length: 30 });
  if (h.getUint32(0, true) !== LOCAL_SIG) throw corrupt(`bad local header for '${entry.name}'`);
  return entry.localHeaderOffset + 30 + h.getUint16(26, true) + h.getUint16(28, true);
}

/**
 * A stored record of exactly `shape` × `dtype` bytes as a new CPU tensor, read straight into
 * its storage; null when the record cannot be read that way (deflated, or another size: the
 * caller then reads its bytes and reports what is wrong).
 */
export function readZipRecordAsTensor(entry: ZipEntry, nbytes: number, shape: number[], dtype: DType): ReadPlan<Tensor> | null {
  if (entry.method !== 0 || entry.compressedSize !== entry.size || entry.size !== nbytes) return null;
  return (function* () {
    const start = yield* dataOffset(entry);
    return yield* readTensor(start, nbytes, shape, dtype);
  })();
}

/**
 * A record's bytes. `transient`: the caller copies them at once (they may live in a scratch
 * buffer reused by the next read).
 */
export function* readZipRecord(entry: ZipEntry, transient = false): ReadPlan<Uint8Array> {
  const start = yield* dataOffset(entry);
  if (entry.method === 0) {
    if (entry.compressedSize !== entry.size) throw corrupt(`stored record '${entry.name}' has mismatched sizes`);
    return yield { offset: start, length: entry.size, transient };
  }
  if (entry.method === 8) {
    // deflate expands at most 1032:1, so a declared size beyond that is a lie; and inflating
    // stops at the declared size, so memory is bounded by the file, never by what it inflates to
    if (entry.size > MAX_DEFLATE_RATIO * entry.compressedSize + 64)
      throw corrupt(`record '${entry.name}' claims ${entry.size} bytes from ${entry.compressedSize} compressed (more than deflate can produce)`);
    const raw = yield { offset: start, length: entry.compressedSize, transient: true };
    let out: Buffer;
    try {
      out = zlib.inflateRawSync(raw, { maxOutputLength: Math.max(entry.size, 1) });
    } catch (e) {
      const why = (e as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE' ? `inflates past its declared ${entry.size} bytes` : `does not inflate (${(e as Error).message})`;
      throw corrupt(`record '${entry.name}' ${why}`);
    }
    if (out.length !== entry.size) throw corrupt(`record '${entry.name}' inflated to ${out.length} bytes, ${entry.size} declared`);
    return out;
  }
  throw new TorchError(`zip record '${entry.name}' uses compression method ${entry.method}; only stored and deflated records are supported`);
}
