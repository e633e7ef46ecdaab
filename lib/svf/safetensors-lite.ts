/**
 * A minimal safetensors reader/writer for the singular-value checkpoints (floating tensors
 * only): 8-byte little-endian header length, a JSON header {name: {dtype, shape,
 * data_offsets}, __metadata__: {string: string}}, then the raw little-endian data.
 */
import * as fs from 'fs';
import * as path from 'path';
import { fromBytes } from '../creation';
import { DType } from '../dtype';
import { TorchError } from '../errors';
import { keep } from '../memory';
import { native } from '../native';
import { Tensor } from '../tensor';

const CODES: Partial<Record<DType, string>> = { float32: 'F32', float64: 'F64', float16: 'F16', bfloat16: 'BF16' };
const FROM_CODE: Record<string, DType> = { F32: 'float32', F64: 'float64' };

function rawBytes(t: Tensor): Buffer {
  const c = t.detach().cpu().contiguous();
  try {
    return Buffer.from(native.toBuffer(c.handle));
  } finally {
    c.dispose();
  }
}

export function writeSafetensors(file: string, tensors: Map<string, Tensor>, metadata: Record<string, string>): void {
  const header: Record<string, unknown> = { __metadata__: metadata };
  const chunks: Buffer[] = [];
  let offset = 0;
  for (const [name, t] of tensors) {
    const code = CODES[t.dtype];
    if (!code) throw new TypeError(`safetensors: unsupported dtype ${t.dtype} for '${name}'`);
    const bytes = rawBytes(t);
    header[name] = { dtype: code, shape: t.shape, data_offsets: [offset, offset + bytes.length] };
    chunks.push(bytes);
    offset += bytes.length;
  }
  let json = JSON.stringify(header);
  while ((8 + Buffer.byteLength(json)) % 8 !== 0) json += ' '; // pad so data starts 8-aligned
  const len = Buffer.alloc(8);
  len.writeBigUInt64LE(BigInt(Buffer.byteLength(json)));
  const tmp = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.tmp`);
  fs.writeFileSync(tmp, Buffer.concat([len, Buffer.from(json), ...chunks]));
  fs.renameSync(tmp, file);
}

export function readSafetensors(file: string): { tensors: Map<string, Tensor>; metadata: Record<string, string> } {
  const buf = fs.readFileSync(file);
  if (buf.length < 8) throw new TorchError(`safetensors: ${file} is too short`);
  const n = Number(buf.readBigUInt64LE(0));
  if (8 + n > buf.length) throw new TorchError(`safetensors: ${file} has a header longer than the file`);
  type Entry = { dtype: string; shape: number[]; data_offsets: [number, number] };
  let header: Record<string, unknown>;
  try {
    header = JSON.parse(buf.subarray(8, 8 + n).toString('utf8'));
  } catch (e) {
    throw new TorchError(`safetensors: ${file} has an invalid JSON header (${(e as Error).message})`);
  }
  const metadata = (header.__metadata__ ?? {}) as Record<string, string>;
  const tensors = new Map<string, Tensor>();
  const data = buf.subarray(8 + n);
  for (const [name, value] of Object.entries(header)) {
    if (name === '__metadata__') continue;
    const info = value as Entry;
    const dtype = FROM_CODE[info.dtype];
    if (!dtype) throw new TorchError(`safetensors: unsupported dtype ${info.dtype} for '${name}'`);
    const [a, b] = info.data_offsets;
    if (!(a >= 0 && b >= a && b <= data.length)) throw new TorchError(`safetensors: bad data_offsets for '${name}'`);
    tensors.set(name, keep(fromBytes(Buffer.from(data.subarray(a, b)), info.shape, dtype)));
  }
  return { tensors, metadata };
}
