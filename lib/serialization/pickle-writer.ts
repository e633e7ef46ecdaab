/**
 * A protocol-2 pickler for what torch.save files hold: None, bool, int (bigint too), float,
 * str, bytes, list, dict/OrderedDict, set, and tensors (through a callback that emits torch's
 * `_rebuild_tensor_v2` record). It is a generator so tensor storages can be written to the
 * archive as they are met, not held in memory until the end.
 */
import { Tensor } from '../tensor';
import { WritePlan } from './zip-writer';

export class PickleBuilder {
  private parts: Buffer[] = [];
  private memo = new Map<unknown, number>();

  op(...bytes: number[]): this { this.parts.push(Buffer.from(bytes)); return this; }
  raw(b: Buffer): this { this.parts.push(b); return this; }
  global(module: string, name: string): this { return this.op(0x63).raw(Buffer.from(`${module}\n${name}\n`, 'latin1')); }
  none(): this { return this.op(0x4e); }
  bool(v: boolean): this { return this.op(v ? 0x88 : 0x89); }
  int(v: number | bigint): this {
    if (typeof v === 'number' && v >= 0 && v < 256) return this.op(0x4b, v);
    if (typeof v === 'number' && v >= 0 && v < 65536) return this.op(0x4d, v & 0xff, v >> 8);
    if (typeof v === 'number' && v >= -0x80000000 && v <= 0x7fffffff) {
      const b = Buffer.alloc(5);
      b[0] = 0x4a;
      b.writeInt32LE(v, 1);
      return this.raw(b);
    }
    // LONG1: little-endian two's complement, shortest form
    let big = BigInt(v);
    const bytes: number[] = [];
    for (;;) {
      const byte = Number(big & 0xffn);
      bytes.push(byte);
      big >>= 8n;
      if ((big === 0n && !(byte & 0x80)) || (big === -1n && byte & 0x80)) break;
    }
    return this.op(0x8a, bytes.length, ...bytes);
  }
  float(v: number): this {
    const b = Buffer.alloc(9);
    b[0] = 0x47;
    b.writeDoubleBE(v, 1);
    return this.raw(b);
  }
  str(s: string): this {
    const utf8 = Buffer.from(s, 'utf8');
    const h = Buffer.alloc(5);
    h[0] = 0x58;
    h.writeUInt32LE(utf8.length, 1);
    return this.raw(h).raw(utf8);
  }
  mark(): this { return this.op(0x28); }
  tuple(): this { return this.op(0x74); }
  emptyTuple(): this { return this.op(0x29); }
  reduce(): this { return this.op(0x52); }
  /** Remembers the object just built so a second reference to `key` becomes a memo GET. */
  put(key: unknown): this {
    const i = this.memo.size;
    this.memo.set(key, i);
    if (i < 256) return this.op(0x71, i);
    const b = Buffer.alloc(5);
    b[0] = 0x72;
    b.writeUInt32LE(i, 1);
    return this.raw(b);
  }
  get(key: unknown): boolean {
    const i = this.memo.get(key);
    if (i === undefined) return false;
    if (i < 256) this.op(0x68, i);
    else {
      const b = Buffer.alloc(5);
      b[0] = 0x6a;
      b.writeUInt32LE(i, 1);
      this.raw(b);
    }
    return true;
  }
  bytes(): Buffer { return Buffer.concat([Buffer.from([0x80, 2]), ...this.parts, Buffer.from([0x2e])]); }
}

/** Emits a tensor's record into `p` (and may yield archive chunks, e.g. its storage). */
export type TensorPickler = (t: Tensor, p: PickleBuilder) => WritePlan;

function typeName(v: unknown): string {
  if (v === undefined) return 'undefined';
  if (typeof v === 'function') return 'function';
  if (typeof v === 'symbol') return 'symbol';
  if (typeof v === 'object' && v !== null) return `object (${v.constructor?.name ?? 'null prototype'})`;
  return typeof v;
}

export function* pickleValue(v: unknown, p: PickleBuilder, tensor: TensorPickler, path = 'value', active = new Set<unknown>()): WritePlan {
  if (v === null) { p.none(); return; }
  if (typeof v === 'boolean') { p.bool(v); return; }
  if (typeof v === 'number') { if (Number.isInteger(v) && !Object.is(v, -0)) p.int(v); else p.float(v); return; }
  if (typeof v === 'bigint') { p.int(v); return; }
  if (typeof v === 'string') { p.str(v); return; }
  if (typeof v !== 'object') throw new TypeError(`torch.save: cannot save a ${typeName(v)} (at ${path})`);
  if (p.get(v)) return; // a second reference to the same object stays one object in Python
  if (active.has(v)) throw new TypeError(`torch.save: circular reference at ${path}`);
  active.add(v);
  try {
    if (v instanceof Tensor) {
      yield* tensor(v, p);
    } else if (v instanceof Uint8Array) {
      // protocol 2 spells bytes as _codecs.encode(latin1 text, 'latin1'), like Python does
      p.global('_codecs', 'encode').mark().str(Buffer.from(v).toString('latin1')).str('latin1').tuple().reduce();
    } else if (Array.isArray(v)) {
      p.op(0x5d); // EMPTY_LIST
      p.put(v);
      if (v.length) {
        p.mark();
        for (let i = 0; i < v.length; i++) yield* pickleValue(v[i], p, tensor, `${path}[${i}]`, active);
        p.op(0x65); // APPENDS
      }
      return;
    } else if (v instanceof Map) {
      const ordered = [...v.keys()].every((k) => typeof k === 'string');
      if (ordered) p.global('collections', 'OrderedDict').emptyTuple().reduce();
      else p.op(0x7d); // EMPTY_DICT
      p.put(v);
      if (v.size) {
        p.mark();
        for (const [k, x] of v) {
          yield* pickleValue(k, p, tensor, `${path} key`, active);
          yield* pickleValue(x, p, tensor, `${path}.get(${JSON.stringify(String(k))})`, active);
        }
        p.op(0x75); // SETITEMS
      }
      return;
    } else if (v instanceof Set) {
      p.global('builtins', 'set').mark().op(0x5d);
      if (v.size) {
        p.mark();
        let i = 0;
        for (const x of v) yield* pickleValue(x, p, tensor, `${path} item ${i++}`, active);
        p.op(0x65);
      }
      p.tuple().reduce();
    } else if (Object.getPrototypeOf(v) === Object.prototype || Object.getPrototypeOf(v) === null) {
      p.op(0x7d);
      p.put(v);
      const entries = Object.entries(v as Record<string, unknown>);
      if (entries.length) {
        p.mark();
        for (const [k, x] of entries) {
          p.str(k);
          yield* pickleValue(x, p, tensor, `${path}.${k}`, active);
        }
        p.op(0x75);
      }
      return;
    } else {
      throw new TypeError(`torch.save: cannot save a ${typeName(v)} (at ${path}); save tensors, numbers, strings, booleans, null, arrays, Maps and plain objects`);
    }
    p.put(v);
  } finally {
    active.delete(v);
  }
}
