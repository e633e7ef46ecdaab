/**
 * Builders for damaged and hostile files: raw pickles opcode by opcode, zip archives whose
 * headers may lie (sizes, methods, ZIP64 fields), and safetensors files from any header. Used
 * by the hostile-file tests and by the fuzzer, so both speak the same byte-level language.
 */
import * as zlib from 'zlib';

/** A pickle from opcode bytes, strings (latin1) and buffers, with protocol 2 header and STOP. */
export function pickle(...parts: (number | string | Uint8Array)[]): Buffer {
  const chunks = parts.map((p) => (typeof p === 'number' ? Buffer.from([p]) : typeof p === 'string' ? Buffer.from(p, 'latin1') : Buffer.from(p)));
  return Buffer.concat([Buffer.from([0x80, 0x02]), ...chunks, Buffer.from([0x2e])]);
}

export function i32(v: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeInt32LE(v);
  return b;
}

export interface RawRecord {
  name: string;
  /** The bytes as stored (already deflated for method 8). */
  data: Uint8Array;
  method?: number;
  /** Declared sizes; default: the truth. */
  size?: number;
  compressedSize?: number;
  /** Write 0xffffffff sizes in the central directory without the ZIP64 extra field. */
  zip64WithoutExtra?: boolean;
}

/** A deflated record whose declared size may lie. */
export function deflated(name: string, content: Uint8Array, declaredSize = content.length): RawRecord {
  return { name, data: zlib.deflateRawSync(content), method: 8, size: declaredSize };
}

/** A zip archive exactly as described, lies included (no CRC checks are made by the reader). */
export function rawZip(records: RawRecord[]): Buffer {
  const locals: Buffer[] = [];
  const central: Buffer[] = [];
  let offset = 0;
  for (const r of records) {
    const name = Buffer.from(r.name, 'utf8');
    const method = r.method ?? 0;
    const compressedSize = r.compressedSize ?? r.data.length;
    const size = r.size ?? (method === 0 ? r.data.length : 0);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(method, 8);
    local.writeUInt32LE(compressedSize >>> 0, 18);
    local.writeUInt32LE(size >>> 0, 22);
    local.writeUInt16LE(name.length, 26);
    locals.push(local, name, Buffer.from(r.data));
    const c = Buffer.alloc(46);
    c.writeUInt32LE(0x02014b50, 0);
    c.writeUInt16LE(20, 4);
    c.writeUInt16LE(20, 6);
    c.writeUInt16LE(method, 10);
    c.writeUInt32LE(r.zip64WithoutExtra ? 0xffffffff : compressedSize >>> 0, 20);
    c.writeUInt32LE(r.zip64WithoutExtra ? 0xffffffff : size >>> 0, 24);
    c.writeUInt16LE(name.length, 28);
    c.writeUInt32LE(offset, 42);
    central.push(c, name);
    offset += 30 + name.length + r.data.length;
  }
  const cd = Buffer.concat(central);
  const eocd = Buffer.alloc(22);
  eocd.writeUInt32LE(0x06054b50, 0);
  eocd.writeUInt16LE(records.length, 8);
  eocd.writeUInt16LE(records.length, 10);
  eocd.writeUInt32LE(cd.length, 12);
  eocd.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, cd, eocd]);
}

/** A torch.save-shaped archive around a raw data.pkl and optional storages. */
export function torchZip(dataPkl: Uint8Array, storages: [string, Uint8Array][] = []): Buffer {
  return rawZip([
    { name: 'archive/data.pkl', data: dataPkl },
    ...storages.map(([k, b]) => ({ name: `archive/data/${k}`, data: b })),
    { name: 'archive/version', data: Buffer.from('3\n') },
  ]);
}

/** A safetensors file from a header object (or raw header text) and data bytes. */
export function safetensorsOf(header: unknown, data: Uint8Array = new Uint8Array(0)): Buffer {
  const h = Buffer.from(typeof header === 'string' ? header : JSON.stringify(header), 'utf8');
  const len = Buffer.alloc(8);
  len.writeBigUInt64LE(BigInt(h.length));
  return Buffer.concat([len, h, Buffer.from(data)]);
}
