/**
 * A minimal zip writer in torch's layout: stored (uncompressed) records whose data start on a
 * 64-byte boundary (padding goes in an 'FB' extra field, as PyTorchStreamWriter does), CRC-32
 * per record, and ZIP64 structures when a size or offset needs more than 32 bits.
 */
import * as zlib from 'zlib';

const ALIGNMENT = 64;
const MAX32 = 0xffffffff;

interface Written {
  name: Buffer;
  crc: number;
  size: number;
  offset: number;
}

/** Chunks to append to the file, in order. */
export type WritePlan<T = void> = Generator<Uint8Array, T, void>;

export class ZipWriter {
  private offset = 0;
  private readonly entries: Written[] = [];

  /** `forceZip64` writes the ZIP64 structures even for small archives (to test readers on them). */
  constructor(private readonly forceZip64 = false) {}

  /** Appends one stored record; `parts` are its bytes in order. */
  *record(name: string, parts: Uint8Array[]): WritePlan {
    const nameBytes = Buffer.from(name, 'utf8');
    let size = 0;
    let crc = 0;
    for (const p of parts) {
      size += p.length;
      crc = zlib.crc32(p, crc);
    }
    const zip64 = this.forceZip64 || size >= MAX32 || this.offset >= MAX32;
    const zip64Extra = zip64 ? 20 : 0;
    const beforePad = this.offset + 30 + nameBytes.length + zip64Extra + 4;
    const pad = (ALIGNMENT - (beforePad % ALIGNMENT)) % ALIGNMENT;
    const header = Buffer.alloc(30 + nameBytes.length + zip64Extra + 4 + pad);
    header.writeUInt32LE(0x04034b50, 0);
    header.writeUInt16LE(zip64 ? 45 : 20, 4); // version needed
    header.writeUInt16LE(0, 6); // flags
    header.writeUInt16LE(0, 8); // method: stored
    header.writeUInt16LE(0, 10); // time
    header.writeUInt16LE(0x21, 12); // date: 1980-01-01
    header.writeUInt32LE(crc >>> 0, 14);
    header.writeUInt32LE(zip64 ? MAX32 : size, 18);
    header.writeUInt32LE(zip64 ? MAX32 : size, 22);
    header.writeUInt16LE(nameBytes.length, 26);
    header.writeUInt16LE(zip64Extra + 4 + pad, 28);
    nameBytes.copy(header, 30);
    let e = 30 + nameBytes.length;
    if (zip64) {
      header.writeUInt16LE(0x0001, e);
      header.writeUInt16LE(16, e + 2);
      header.writeBigUInt64LE(BigInt(size), e + 4);
      header.writeBigUInt64LE(BigInt(size), e + 12);
      e += 20;
    }
    header.write('FB', e, 'latin1');
    header.writeUInt16LE(pad, e + 2);
    header.fill('Z', e + 4);
    this.entries.push({ name: nameBytes, crc: crc >>> 0, size, offset: this.offset });
    yield header;
    for (const p of parts) if (p.length) yield p;
    this.offset += header.length + size;
  }

  /** The central directory and end records. */
  *finish(): WritePlan {
    const cdStart = this.offset;
    const central: Buffer[] = [];
    for (const w of this.entries) {
      const needSize = this.forceZip64 || w.size >= MAX32;
      const needOffset = this.forceZip64 || w.offset >= MAX32;
      const extraLength = needSize || needOffset ? 4 + (needSize ? 16 : 0) + (needOffset ? 8 : 0) : 0;
      const c = Buffer.alloc(46 + w.name.length + extraLength);
      c.writeUInt32LE(0x02014b50, 0);
      c.writeUInt16LE(extraLength ? 45 : 20, 4); // made by
      c.writeUInt16LE(extraLength ? 45 : 20, 6); // needed
      c.writeUInt16LE(0x21, 14); // date
      c.writeUInt32LE(w.crc, 16);
      c.writeUInt32LE(needSize ? MAX32 : w.size, 20);
      c.writeUInt32LE(needSize ? MAX32 : w.size, 24);
      c.writeUInt16LE(w.name.length, 28);
      c.writeUInt16LE(extraLength, 30);
      c.writeUInt32LE(needOffset ? MAX32 : w.offset, 42);
      w.name.copy(c, 46);
      let e = 46 + w.name.length;
      if (extraLength) {
        c.writeUInt16LE(0x0001, e);
        c.writeUInt16LE(extraLength - 4, e + 2);
        e += 4;
        if (needSize) {
          c.writeBigUInt64LE(BigInt(w.size), e);
          c.writeBigUInt64LE(BigInt(w.size), e + 8);
          e += 16;
        }
        if (needOffset) c.writeBigUInt64LE(BigInt(w.offset), e);
      }
      central.push(c);
    }
    const cdSize = central.reduce((n, c) => n + c.length, 0);
    for (const c of central) yield c;
    const zip64 = this.forceZip64 || this.entries.length >= 0xffff || cdStart >= MAX32 || cdSize >= MAX32;
    if (zip64) {
      const z = Buffer.alloc(56 + 20);
      z.writeUInt32LE(0x06064b50, 0);
      z.writeBigUInt64LE(44n, 4); // size of the rest of this record
      z.writeUInt16LE(45, 12);
      z.writeUInt16LE(45, 14);
      z.writeBigUInt64LE(BigInt(this.entries.length), 24);
      z.writeBigUInt64LE(BigInt(this.entries.length), 32);
      z.writeBigUInt64LE(BigInt(cdSize), 40);
      z.writeBigUInt64LE(BigInt(cdStart), 48);
      z.writeUInt32LE(0x07064b50, 56); // locator
      z.writeBigUInt64LE(BigInt(cdStart + cdSize), 64);
      z.writeUInt32LE(1, 72); // total disks
      yield z;
    }
    const end = Buffer.alloc(22);
    end.writeUInt32LE(0x06054b50, 0);
    end.writeUInt16LE(zip64 ? 0xffff : this.entries.length, 8);
    end.writeUInt16LE(zip64 ? 0xffff : this.entries.length, 10);
    end.writeUInt32LE(zip64 ? MAX32 : cdSize, 12);
    end.writeUInt32LE(zip64 ? MAX32 : cdStart, 16);
    yield end;
  }
}
