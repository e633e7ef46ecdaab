/**
 * A pickle virtual machine (protocols 0–5, the opcodes torch.save emits and a few more) that
 * never executes anything: a GLOBAL resolves only through the caller's allow-list, and every
 * other global is refused by name before any REDUCE could run it.
 */
import { TorchError } from '../errors';

/** Thrown when the pickle runs past the bytes given: the caller may retry with more, or report truncation. */
export class PickleEndOfData extends TorchError {
  constructor() {
    super('unexpected end of data inside a pickle (the file is truncated)');
  }
}

/** What an allow-listed global turns into: something callable by REDUCE/NEWOBJ, or a plain value. */
export interface AllowedGlobal {
  /** REDUCE / NEWOBJ / INST / OBJ with these positional arguments. */
  call?(args: unknown[]): unknown;
  /** A global used as a value (e.g. `torch.float32`, `torch.FloatStorage`). */
  value?: unknown;
  readonly qualifiedName: string;
}

export interface UnpicklerHooks {
  /** Returns the allowed global or throws (naming it). */
  findGlobal(module: string, name: string): AllowedGlobal;
  /** BINPERSID / PERSID. */
  persistentLoad(pid: unknown): unknown;
  /** BUILD on an object the VM made (e.g. OrderedDict's `_metadata`); throw to refuse. */
  build(target: unknown, state: unknown): void;
}


const textDecoder = new TextDecoder('utf-8');

function latin1(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i += 8192) s += String.fromCharCode(...bytes.subarray(i, i + 8192));
  return s;
}

/**
 * The longest LONG1/LONG4 integer accepted: V8's BigInt stops at 2^30 bits, and no tensor file
 * needs more than a few bytes; refusing early keeps the error ours instead of V8's.
 */
const MAX_LONG_BYTES = 1 << 20;
/** Python's own limit on decimal int text (sys.int_info.default_max_str_digits): its parse is quadratic. */
const MAX_DECIMAL_DIGITS = 4300;

function safeOrBig(v: bigint): number | bigint {
  return v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v;
}

/**
 * Python's int from little-endian two's complement bytes: a number when safe, else a bigint.
 * Through one hex string (linear), not a shift per byte (quadratic: 1 MiB took minutes).
 */
export function decodeLong(bytes: Uint8Array): number | bigint {
  if (bytes.length === 0) return 0;
  if (bytes.length > MAX_LONG_BYTES) throw new TorchError(`malformed pickle: a ${bytes.length}-byte integer (at most ${MAX_LONG_BYTES} accepted)`);
  let v = BigInt('0x' + Buffer.from(bytes).reverse().toString('hex'));
  if (bytes[bytes.length - 1] & 0x80) v -= 1n << BigInt(bytes.length * 8);
  return safeOrBig(v);
}

function parseDecimal(text: string): number | bigint {
  const t = text.trim().replace(/L$/, '');
  if (!/^[+-]?\d+$/.test(t)) throw new TorchError(`malformed integer in pickle: '${text.slice(0, 40)}'`);
  if (t.length > MAX_DECIMAL_DIGITS + 1) throw new TorchError(`malformed pickle: a ${t.length}-digit integer (Python itself refuses more than ${MAX_DECIMAL_DIGITS})`);
  return safeOrBig(BigInt(t));
}

/** A text memo key (PUT/GET): decimal digits only, so that garbage never becomes NaN keys that match each other. */
function memoKey(text: string): number {
  if (!/^\d{1,9}$/.test(text)) throw new TorchError(`malformed pickle: memo key '${text.slice(0, 40)}' is not a non-negative integer`);
  return Number(text);
}

/** Elements an allow-listed call or BUILD may copy: how many a container argument holds. */
function sizeOf(v: unknown): number {
  if (Array.isArray(v)) return v.length;
  if (v instanceof Map || v instanceof Set) return v.size;
  if (v instanceof Uint8Array) return v.length;
  return 0;
}

export class Unpickler {
  pos: number;
  private readonly view: DataView;
  private stack: unknown[] = [];
  private metastack: unknown[][] = [];
  private memo = new Map<number, unknown>();
  /**
   * Elements allow-listed calls and BUILD may still copy. A memoized container is one GET away
   * from every call, so without a budget a few bytes per call copy it again and again (time
   * and memory quadratic in the file); with it, the work stays linear in the pickle's size.
   */
  private copyBudget: number;

  constructor(private readonly bytes: Uint8Array, start: number, private readonly hooks: UnpicklerHooks) {
    this.pos = start;
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.copyBudget = 16 * (bytes.length - start) + (1 << 16);
  }

  private need(n: number): void {
    if (n < 0) throw new TorchError(`malformed pickle: negative length ${n} at byte ${this.pos}`);
    if (this.pos + n > this.bytes.length) throw new PickleEndOfData();
  }
  private charge(values: unknown[], opcode: string): void {
    let n = values.length;
    for (const v of values) n += sizeOf(v);
    this.copyBudget -= n;
    if (this.copyBudget < 0) throw new TorchError(`malformed pickle: ${opcode} at byte ${this.pos - 1} would copy more than ${16}x the pickle's size (a decompression bomb)`);
  }
  private u8(): number { this.need(1); return this.bytes[this.pos++]; }
  private u16(): number { this.need(2); const v = this.view.getUint16(this.pos, true); this.pos += 2; return v; }
  private u32(): number { this.need(4); const v = this.view.getUint32(this.pos, true); this.pos += 4; return v; }
  private i32(): number { this.need(4); const v = this.view.getInt32(this.pos, true); this.pos += 4; return v; }
  private u64(): number {
    this.need(8);
    const v = this.view.getBigUint64(this.pos, true);
    this.pos += 8;
    if (v > BigInt(Number.MAX_SAFE_INTEGER)) throw new TorchError('pickle length field too large');
    return Number(v);
  }
  private take(n: number): Uint8Array {
    this.need(n);
    const b = this.bytes.subarray(this.pos, this.pos + n);
    this.pos += n;
    return b;
  }
  private line(): string {
    const end = this.bytes.indexOf(0x0a, this.pos);
    if (end < 0) throw new PickleEndOfData();
    const s = latin1(this.bytes.subarray(this.pos, end));
    this.pos = end + 1;
    return s;
  }

  private pop(): unknown {
    if (this.stack.length === 0) throw new TorchError('malformed pickle: stack underflow');
    return this.stack.pop();
  }
  private top(): unknown {
    if (this.stack.length === 0) throw new TorchError('malformed pickle: stack underflow');
    return this.stack[this.stack.length - 1];
  }
  private popMark(): unknown[] {
    const items = this.stack;
    const prev = this.metastack.pop();
    if (prev === undefined) throw new TorchError('malformed pickle: no MARK');
    this.stack = prev;
    return items;
  }
  private memoGet(i: number): unknown {
    if (!this.memo.has(i)) throw new TorchError(`malformed pickle: memo key ${i} missing`);
    return this.memo.get(i);
  }
  private call(g: unknown, args: unknown[], opcode: string): unknown {
    this.charge(args, opcode);
    return this.callable(g, opcode)(args);
  }
  private callable(g: unknown, opcode: string): (args: unknown[]) => unknown {
    if (g instanceof GlobalRef && g.allowed.call) return g.allowed.call.bind(g.allowed);
    const what = g instanceof GlobalRef ? `'${g.allowed.qualifiedName}'` : 'a non-callable value';
    throw new TorchError(`refusing to call ${what} in pickle (${opcode})`);
  }
  private global(module: string, name: string): unknown {
    const allowed = this.hooks.findGlobal(module, name);
    return new GlobalRef(allowed);
  }
  private setItems(target: unknown, items: unknown[]): void {
    if (!(target instanceof Map)) throw new TorchError('malformed pickle: SETITEM(S) on a non-dict');
    for (let i = 0; i + 1 < items.length; i += 2) target.set(items[i], items[i + 1]);
  }

  /** Runs until STOP and returns the unpickled value. */
  load(): unknown {
    for (;;) {
      const op = this.u8();
      switch (op) {
        case 0x80: { // PROTO
          const proto = this.u8();
          if (proto > 5) throw new TorchError(`unsupported pickle protocol ${proto}`);
          break;
        }
        case 0x95: this.u64(); break; // FRAME: framing is only a hint for buffered readers
        case 0x2e: return this.pop(); // STOP
        case 0x28: this.metastack.push(this.stack); this.stack = []; break; // MARK
        case 0x30: this.pop(); break; // POP
        case 0x31: this.popMark(); break; // POP_MARK
        case 0x32: this.stack.push(this.top()); break; // DUP
        // ---- constants and numbers
        case 0x4e: this.stack.push(null); break; // NONE
        case 0x88: this.stack.push(true); break; // NEWTRUE
        case 0x89: this.stack.push(false); break; // NEWFALSE
        case 0x4b: this.stack.push(this.u8()); break; // BININT1
        case 0x4d: this.stack.push(this.u16()); break; // BININT2
        case 0x4a: this.stack.push(this.i32()); break; // BININT
        case 0x8a: this.stack.push(decodeLong(this.take(this.u8()))); break; // LONG1
        case 0x8b: this.stack.push(decodeLong(this.take(this.i32()))); break; // LONG4 (take refuses a negative length)
        case 0x49: { // INT (protocol 0; "I01\n"/"I00\n" are booleans)
          const s = this.line();
          this.stack.push(s === '01' ? true : s === '00' ? false : parseDecimal(s));
          break;
        }
        case 0x4c: this.stack.push(parseDecimal(this.line())); break; // LONG
        case 0x47: { // BINFLOAT (big-endian)
          this.need(8);
          this.stack.push(this.view.getFloat64(this.pos, false));
          this.pos += 8;
          break;
        }
        case 0x46: this.stack.push(parseFloat(this.line())); break; // FLOAT
        // ---- strings and bytes
        case 0x8c: this.stack.push(textDecoder.decode(this.take(this.u8()))); break; // SHORT_BINUNICODE
        case 0x58: this.stack.push(textDecoder.decode(this.take(this.u32()))); break; // BINUNICODE
        case 0x8d: this.stack.push(textDecoder.decode(this.take(this.u64()))); break; // BINUNICODE8
        case 0x56: this.stack.push(this.line()); break; // UNICODE (raw-unicode-escape; ASCII in practice)
        case 0x55: this.stack.push(latin1(this.take(this.u8()))); break; // SHORT_BINSTRING (py2 str)
        case 0x54: this.stack.push(latin1(this.take(this.i32()))); break; // BINSTRING
        case 0x53: { // STRING: a quoted repr
          const s = this.line().trim();
          this.stack.push(s.length >= 2 ? s.slice(1, -1) : s);
          break;
        }
        case 0x43: this.stack.push(Uint8Array.from(this.take(this.u8()))); break; // SHORT_BINBYTES
        case 0x42: this.stack.push(Uint8Array.from(this.take(this.u32()))); break; // BINBYTES
        case 0x8e: this.stack.push(Uint8Array.from(this.take(this.u64()))); break; // BINBYTES8
        case 0x96: this.stack.push(Uint8Array.from(this.take(this.u64()))); break; // BYTEARRAY8
        // ---- containers
        case 0x7d: this.stack.push(new Map()); break; // EMPTY_DICT
        case 0x5d: this.stack.push([]); break; // EMPTY_LIST
        case 0x29: this.stack.push([]); break; // EMPTY_TUPLE
        case 0x8f: this.stack.push(new Set()); break; // EMPTY_SET
        case 0x85: this.stack.push([this.pop()]); break; // TUPLE1
        case 0x86: { const b = this.pop(); const a = this.pop(); this.stack.push([a, b]); break; } // TUPLE2
        case 0x87: { const c = this.pop(); const b = this.pop(); const a = this.pop(); this.stack.push([a, b, c]); break; }
        case 0x74: { const items = this.popMark(); this.stack.push(items); } break; // TUPLE
        case 0x6c: { const items = this.popMark(); this.stack.push(items); } break; // LIST
        case 0x64: { // DICT
          const items = this.popMark();
          const m = new Map();
          this.setItems(m, items);
          this.stack.push(m);
          break;
        }
        case 0x91: { const items = this.popMark(); this.stack.push(new Set(items)); } break; // FROZENSET
        case 0x61: { // APPEND
          const v = this.pop();
          const list = this.top();
          if (!Array.isArray(list)) throw new TorchError('malformed pickle: APPEND on a non-list');
          list.push(v);
          break;
        }
        case 0x65: { // APPENDS
          const items = this.popMark();
          const list = this.top();
          if (!Array.isArray(list)) throw new TorchError('malformed pickle: APPENDS on a non-list');
          for (const v of items) list.push(v);
          break;
        }
        case 0x73: { const v = this.pop(); const k = this.pop(); this.setItems(this.top(), [k, v]); break; } // SETITEM
        case 0x75: { const items = this.popMark(); this.setItems(this.top(), items); break; } // SETITEMS
        case 0x90: { // ADDITEMS
          const items = this.popMark();
          const s = this.top();
          if (!(s instanceof Set)) throw new TorchError('malformed pickle: ADDITEMS on a non-set');
          for (const v of items) s.add(v);
          break;
        }
        // ---- memo
        case 0x71: this.memo.set(this.u8(), this.top()); break; // BINPUT
        case 0x72: this.memo.set(this.u32(), this.top()); break; // LONG_BINPUT
        case 0x70: this.memo.set(memoKey(this.line()), this.top()); break; // PUT
        case 0x94: this.memo.set(this.memo.size, this.top()); break; // MEMOIZE
        case 0x68: this.stack.push(this.memoGet(this.u8())); break; // BINGET
        case 0x6a: this.stack.push(this.memoGet(this.u32())); break; // LONG_BINGET
        case 0x67: this.stack.push(this.memoGet(memoKey(this.line()))); break; // GET
        // ---- globals and calls (allow-list only)
        case 0x63: { // GLOBAL "module\nname\n"
          const module = this.line();
          const name = this.line();
          this.stack.push(this.global(module, name));
          break;
        }
        case 0x93: { // STACK_GLOBAL
          const name = this.pop();
          const module = this.pop();
          if (typeof module !== 'string' || typeof name !== 'string') throw new TorchError('malformed pickle: STACK_GLOBAL needs strings');
          this.stack.push(this.global(module, name));
          break;
        }
        case 0x52: { // REDUCE
          const args = this.pop();
          const fn = this.pop();
          if (!Array.isArray(args)) throw new TorchError('malformed pickle: REDUCE arguments are not a tuple');
          this.stack.push(this.call(fn, args, 'REDUCE'));
          break;
        }
        case 0x81: { // NEWOBJ
          const args = this.pop();
          const cls = this.pop();
          if (!Array.isArray(args)) throw new TorchError('malformed pickle: NEWOBJ arguments are not a tuple');
          this.stack.push(this.call(cls, args, 'NEWOBJ'));
          break;
        }
        case 0x92: { // NEWOBJ_EX
          const kwargs = this.pop();
          const args = this.pop();
          const cls = this.pop();
          if (!Array.isArray(args)) throw new TorchError('malformed pickle: NEWOBJ_EX arguments are not a tuple');
          if (kwargs instanceof Map && kwargs.size > 0) throw new TorchError('refusing NEWOBJ_EX with keyword arguments');
          this.stack.push(this.call(cls, args, 'NEWOBJ_EX'));
          break;
        }
        case 0x69: { // INST "module\nname\n" with MARKed args
          const module = this.line();
          const name = this.line();
          const args = this.popMark();
          this.stack.push(this.call(this.global(module, name), args, 'INST'));
          break;
        }
        case 0x6f: { // OBJ: MARK cls args...
          const items = this.popMark();
          const cls = items.shift();
          this.stack.push(this.call(cls, items, 'OBJ'));
          break;
        }
        case 0x62: { // BUILD
          const state = this.pop();
          this.charge([state], 'BUILD');
          this.hooks.build(this.top(), state);
          break;
        }
        case 0x51: this.stack.push(this.hooks.persistentLoad(this.pop())); break; // BINPERSID
        case 0x50: this.stack.push(this.hooks.persistentLoad(this.line())); break; // PERSID
        case 0x82: case 0x83: case 0x84: // EXT1/2/4: the copyreg extension registry
          throw new TorchError('refusing pickle extension codes (EXT1/EXT2/EXT4)');
        case 0x97: case 0x98: // NEXT_BUFFER / READONLY_BUFFER
          throw new TorchError('out-of-band pickle buffers (protocol 5) are not supported');
        default:
          throw new TorchError(`not a valid pickle: unknown opcode 0x${op.toString(16)} at byte ${this.pos - 1}`);
      }
    }
  }
}

/** A resolved, allow-listed global on the VM stack. */
export class GlobalRef {
  constructor(readonly allowed: AllowedGlobal) {}
}

/** The value behind a GLOBAL used as data (e.g. `torch.float32` → 'float32'). */
export function globalValue(v: unknown): unknown {
  return v instanceof GlobalRef ? v.allowed.value ?? v : v;
}

