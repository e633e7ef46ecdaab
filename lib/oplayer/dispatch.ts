/**
 * The run-time half of the generated op layer (lib/generated/*): one generated function or
 * method = one Entry, a Python name with its candidate ATen overloads. On first use the
 * overloads are resolved against the LibTorch actually loaded (`native.opHandle`) and their
 * schemas read back from it (`native.opSchema`), so the argument lists are those of this
 * LibTorch even where 1.13 and 2.x differ. A call then tries the overloads in order, as
 * Python's arg parser does: positional values by type, a trailing plain object as keyword
 * arguments (camelCase keys), and calls the first that fits through the dispatcher.
 */
import { isDevice } from '../device';
import { dtypeCode, dtypeName, isDType } from '../dtype';
import { TorchError } from '../errors';
import { native, TensorHandle } from '../native';
import { camel, expressible, parseSchema, Schema, TypeSpec } from './schema';

/** What the generator emits for one Python name (lib/generated/table.ts). */
export interface EntrySpec {
  /** Shown in errors, e.g. 'torch.sort', 'Tensor.sort', 'torch.nn.functional.gelu'. */
  readonly name: string;
  /** Candidate ATen overloads in Python's order, 'name.overload'. */
  readonly ops: readonly string[];
  /** A Tensor method: `self` is the receiver. */
  readonly method?: boolean;
  /** Python's `*tensors`: the Tensor[] parameter may be given as separate arguments. */
  readonly varTensors?: boolean;
  /** nn.functional's trailing `inplace` flag: [in-place ATen overloads, its Python position (after input)]. */
  readonly inplace?: readonly [readonly string[], number];
}

interface Overload {
  id: number;
  schema: Schema;
  text: string;
  /** Indices into schema.args of the positional parameters, `self` left out for methods. */
  positional: number[];
  /** camelCase keyword → index into schema.args. */
  keywords: Map<string, number>;
  selfIndex: number;
  /** The only positional parameter is an int list: `x.view(2, 3)` as `x.view([2, 3])`. */
  varInts: boolean;
  /** Factory (dtype/layout/device/pin_memory): also takes `requiresGrad`. */
  factory: boolean;
  /** Per argument: its type; whether it must be given; whether, absent, it is passed as None. */
  types: TypeSpec[];
  required: boolean[];
  nullFill: boolean[];
  /** Returns one plain Tensor (no alias of an argument): the common case, wrapped directly. */
  oneTensor: boolean;
  /** The slots before any argument is bound: null where an optional parameter has no default. */
  template: unknown[];
}

/**
 * A cached call shape: its overload and, where the arguments go into the slots one to one, where
 * each passed slot comes from (SELF, TEMPLATE, or the index of the argument), up to the last
 * slot that must be passed.
 */
interface ShapeHit {
  o: Overload;
  sources: number[] | null;
  /** The direct call for the commonest slot layouts, made once (see invoker()). */
  run: ((self: Tensor | undefined, a0: unknown, a1: unknown) => unknown) | null;
}

const handleOf = (v: unknown): unknown => (v instanceof Tensor ? v.handle : v);

/**
 * A direct call specialised to its slot layout and result, for the layouts of the commonest
 * calls (`x.f()`, `x.f(y)`, `f(x)`, `f(x, y)` with every other parameter at its default).
 */
function invoker(o: Overload, sources: number[]): ShapeHit['run'] {
  const id = o.id;
  if (!o.oneTensor) return null;
  const out = (raw: unknown): unknown => (raw === null ? null : wrap(raw as TensorHandle));
  switch (sources.join(',')) {
    case `${SELF}`: return (self) => out(native.callOp(id, self!.handle));
    case `${SELF},0`: return (self, a0) => out(native.callOp(id, self!.handle, handleOf(a0)));
    case '0': return (_self, a0) => out(native.callOp(id, handleOf(a0)));
    case '0,1': return (_self, a0, a1) => out(native.callOp(id, handleOf(a0), handleOf(a1)));
    default: return null;
  }
}
const SELF = -2;
const TEMPLATE = -1;

function directSources(o: Overload, args: unknown[]): number[] {
  const sources: number[] = o.template.map(() => TEMPLATE);
  if (o.selfIndex >= 0) sources[o.selfIndex] = SELF;
  for (let k = 0; k < args.length; k++) if (args[k] !== undefined) sources[o.positional[k]] = k;
  let n = sources.length;
  while (n > 0 && sources[n - 1] === TEMPLATE && o.template[n - 1] === undefined) n--;
  return sources.slice(0, n);
}

/** What a direct call (see ShapeHit) returns; `args` need only reach the aliased argument. */
function directResult(o: Overload, raw: unknown, self: Tensor | undefined, args: unknown[]): unknown {
  if (o.oneTensor) return raw === null ? null : wrap(raw as TensorHandle);
  const at = o.schema.aliasedArg;
  return results(o, raw, at < 0 ? undefined : at === o.selfIndex ? self : args[o.positional.indexOf(at)]);
}

/** The value of slot `i` of a direct call (see ShapeHit). */
function slot(sources: number[], i: number, self: Tensor | undefined, args: unknown[], template: unknown[]): unknown {
  const k = sources[i];
  if (k >= 0) {
    const v = args[k];
    return v instanceof Tensor ? v.handle : v;
  }
  return k === SELF ? self!.handle : template[i];
}

interface Resolved {
  overloads: Overload[];
  missing: string[];
}

const MEMORY_FORMATS: Record<string, number> = {
  contiguous_format: 0, contiguousFormat: 0, preserve_format: 1, preserveFormat: 1,
  channels_last: 2, channelsLast: 2, channels_last_3d: 3, channelsLast3d: 3,
};
const LAYOUTS: Record<string, number> = { strided: 0 };

function libtorchVersion(): string {
  try {
    return native.version().libtorch;
  } catch {
    return 'unknown';
  }
}

function resolveOps(ops: readonly string[], method: boolean): Resolved {
  const overloads: Overload[] = [];
  const missing: string[] = [];
  for (const full of ops) {
    const dot = full.indexOf('.');
    const name = dot >= 0 ? full.slice(0, dot) : full;
    const overload = dot >= 0 ? full.slice(dot + 1) : '';
    let id: number;
    try {
      id = native.opHandle(`aten::${name}`, overload);
    } catch {
      missing.push(full);
      continue;
    }
    const text = native.opSchema(id);
    const schema = parseSchema(text);
    if (!expressible(schema)) continue;
    const selfIndex = method ? schema.args.findIndex((a) => a.name === 'self') : -1;
    if (method && selfIndex < 0) continue;
    const positional: number[] = [];
    const keywords = new Map<string, number>();
    schema.args.forEach((a, i) => {
      if (i === selfIndex) return;
      if (!a.kwOnly) positional.push(i);
      keywords.set(camel(a.name), i);
    });
    const only = positional.length === 1 ? schema.args[positional[0]].type : undefined;
    const varInts = !!only && only.list && only.base === 'int';
    const factory = keywords.has('pinMemory') && keywords.has('device');
    overloads.push({
      id, schema, text, positional, keywords, selfIndex, varInts, factory,
      types: schema.args.map((a) => a.type),
      required: schema.args.map((a) => !a.hasDefault && !a.type.optional),
      nullFill: schema.args.map((a) => !a.hasDefault && a.type.optional),
      template: schema.args.map((a) => (!a.hasDefault && a.type.optional ? null : undefined)),
      oneTensor: schema.aliasedArg < 0 && schema.returns.length === 1 && schema.returns[0].type.base === 'Tensor' && !schema.returns[0].type.list,
    });
  }
  return { overloads, missing };
}


const isInt = (v: unknown): boolean => (typeof v === 'number' && Number.isInteger(v)) || typeof v === 'bigint';

/** The JS value for one schema type, converted for native.callOp; FAIL when it does not fit. */
const FAIL = Symbol('fail');
function convert(v: unknown, t: TypeSpec): unknown {
  if (v === null || v === undefined) return t.optional ? null : FAIL;
  if (t.list) {
    if (!Array.isArray(v)) {
      if (t.size !== undefined && (t.base === 'int' ? isInt(v) : t.base === 'float' && typeof v === 'number')) return v;
      return FAIL;
    }
    switch (t.base) {
      case 'int': return v.every(isInt) ? v : FAIL;
      case 'float': return v.every((x) => typeof x === 'number') ? v : FAIL;
      case 'bool': return v.every((x) => typeof x === 'boolean') ? v : FAIL;
      case 'Tensor': {
        const out: (TensorHandle | null)[] = [];
        for (const x of v) {
          if (x instanceof Tensor) out.push(x.handle);
          else if ((x === null || x === undefined) && t.elemOptional) out.push(null);
          else return FAIL;
        }
        return out;
      }
      default: return FAIL;
    }
  }
  switch (t.base) {
    case 'Tensor': return v instanceof Tensor ? v.handle : FAIL;
    case 'int': return isInt(v) ? v : FAIL;
    case 'float': return typeof v === 'number' ? v : FAIL;
    case 'Scalar': return typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint' ? v : FAIL;
    case 'bool': return typeof v === 'boolean' ? v : FAIL;
    case 'str': return typeof v === 'string' ? v : FAIL;
    case 'ScalarType': return isDType(v) ? dtypeCode(v) : FAIL;
    case 'MemoryFormat': return typeof v === 'string' && v in MEMORY_FORMATS ? MEMORY_FORMATS[v] : FAIL;
    case 'Layout': return typeof v === 'string' && v in LAYOUTS ? LAYOUTS[v] : FAIL;
    case 'Device': return isDevice(v) ? v : FAIL;
    case 'Generator': return FAIL; // only null (above): generators are not exposed
    default: return FAIL;
  }
}

// What the last successful bind() found besides the slots (set right before it returns them;
// bind and the native call it feeds run synchronously, so nothing interleaves).
let boundAliased: unknown;
let boundRequiresGrad = false;
/** The last successful bind() packed `x.view(2, 3)` / `f(eq, a, b)` style arguments into one list. */
let boundPacked = false;
let unknownKey: string | undefined;

/**
 * Binds JS arguments to one overload: the argument slots for native.callOp, or null when they
 * do not fit (`unknownKey` then names an option no parameter of this overload takes).
 */
function bind(o: Overload, self: Tensor | undefined, args: unknown[], opts: Record<string, unknown> | undefined, varTensors: boolean): unknown[] | null {
  const types = o.types;
  const n = types.length;
  const slots: unknown[] = new Array(n);
  const aliasAt = o.schema.aliasedArg;
  let aliased: unknown;
  if (o.selfIndex >= 0) {
    slots[o.selfIndex] = self!.handle;
    if (aliasAt === o.selfIndex) aliased = self;
  }
  let positional = args;
  if (o.varInts && args.length >= 1 && args.every(isInt)) positional = [args];
  if (varTensors && args.length > 0) {
    // Python's `f(eq, *tensors)`: the Tensor[] parameter collects the remaining Tensors.
    const at = o.positional.findIndex((i) => types[i].list && types[i].base === 'Tensor');
    if (at >= 0 && args.length > at && args.slice(at).every((x) => x instanceof Tensor)) positional = [...args.slice(0, at), args.slice(at)];
  }
  const pos = o.positional;
  if (positional.length > pos.length) return null;
  for (let k = 0; k < positional.length; k++) {
    const v = positional[k];
    if (v === undefined) continue;
    const i = pos[k];
    const c = convert(v, types[i]);
    if (c === FAIL) return null;
    slots[i] = c;
    if (i === aliasAt) aliased = v;
  }
  let requiresGrad = false;
  if (opts) {
    for (const key of Object.keys(opts)) {
      const v = opts[key];
      if (key === 'requiresGrad' && o.factory) {
        if (typeof v !== 'boolean' && v !== undefined) return null;
        requiresGrad = v === true;
        continue;
      }
      const i = o.keywords.get(key);
      if (i === undefined || slots[i] !== undefined) {
        unknownKey = key;
        return null;
      }
      if (v === undefined) continue;
      const c = convert(v, types[i]);
      if (c === FAIL) return null;
      slots[i] = c;
      if (i === aliasAt) aliased = v;
    }
  }
  const required = o.required;
  const nullFill = o.nullFill;
  for (let i = 0; i < n; i++) {
    if (slots[i] !== undefined) continue;
    if (required[i]) return null;
    // an optional parameter without a default is passed as None explicitly
    if (nullFill[i]) slots[i] = null;
  }
  boundAliased = aliased;
  boundRequiresGrad = requiresGrad;
  boundPacked = positional !== args;
  return slots;
}

/** Several results: an object with PyTorch's (camelCase) field names, also iterable in order. */
export function namedResult(names: string[], values: unknown[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  names.forEach((n, i) => (out[n] = values[i]));
  Object.defineProperty(out, Symbol.iterator, { value: () => values[Symbol.iterator](), enumerable: false });
  return out;
}

function fromNative(v: unknown, t: TypeSpec): unknown {
  if (t.base === 'Tensor') {
    // handles straight from the addon: wrap() skips the is-it-a-handle check (a native call)
    if (t.list) return (v as (TensorHandle | null)[]).map((h) => (h === null ? null : wrap(h)));
    return v === null ? null : wrap(v as TensorHandle);
  }
  if (t.base === 'ScalarType' && typeof v === 'number') {
    try { return dtypeName(v); } catch { return v; }
  }
  return v;
}

function results(o: Overload, raw: unknown, aliased: unknown): unknown {
  if (o.oneTensor) return raw === null ? null : wrap(raw as TensorHandle);
  const rets = o.schema.returns;
  if (o.schema.aliasedArg >= 0 && aliased instanceof Tensor) return aliased;
  if (rets.length === 0) return undefined;
  if (rets.length === 1) return fromNative(raw, rets[0].type);
  const values = (raw as unknown[]).map((v, i) => fromNative(v, rets[i].type));
  if (rets.every((r) => r.name)) return namedResult(rets.map((r) => camel(r.name!)), values);
  return values;
}

function describe(v: unknown): string {
  if (v instanceof Tensor) return 'Tensor';
  if (v === null) return 'null';
  if (Array.isArray(v)) return v.length && v.every((x) => x instanceof Tensor) ? 'Tensor[]' : `[${v.map(describe).join(', ')}]`;
  if (isPlainObject(v)) return `{ ${Object.keys(v).join(', ')} }`;
  if (typeof v === 'number') return Number.isInteger(v) ? 'int' : 'float';
  return typeof v;
}

/**
 * The call shape of positional arguments for the overload cache: one octal digit per argument
 * (undefined, Tensor, integer, other number, boolean, null, bigint) under a leading 1, so that
 * equal keys mean every overload's bind() succeeds or fails alike; -1 where the values
 * themselves decide (strings, arrays, option objects …), which are not cached.
 */
function callShape(args: unknown[]): number {
  const n = args.length;
  if (n > 8) return -1;
  let key = 1;
  for (let i = 0; i < n; i++) {
    const k = kind(args[i]);
    if (k < 0) return -1;
    key = key * 8 + k;
  }
  return key;
}

/** One argument's digit of callShape, or -1. */
function kind(v: unknown): number {
  if (v instanceof Tensor) return 1;
  if (typeof v === 'number') return Number.isInteger(v) ? 2 : 3;
  if (typeof v === 'boolean') return 4;
  if (v === undefined) return 0;
  if (v === null) return 5;
  if (typeof v === 'bigint') return 6;
  return -1;
}

/** callShape of the first n (≤ 4) of four separate arguments, without an array. */
function callShape4(n: number, a0: unknown, a1: unknown, a2: unknown, a3: unknown): number {
  let key = 1;
  for (let i = 0; i < n; i++) {
    const k = kind(i === 0 ? a0 : i === 1 ? a1 : i === 2 ? a2 : a3);
    if (k < 0) return -1;
    key = key * 8 + k;
  }
  return key;
}

/** The value of slot `i` of a direct call from four separate arguments (see ShapeHit). */
function slot4(sources: number[], i: number, self: Tensor | undefined, template: unknown[], a0: unknown, a1: unknown, a2: unknown, a3: unknown): unknown {
  const k = sources[i];
  if (k >= 0) {
    const v = k === 0 ? a0 : k === 1 ? a1 : k === 2 ? a2 : a3;
    return v instanceof Tensor ? v.handle : v;
  }
  return k === SELF ? self!.handle : template[i];
}

/** native.callOp with the slots as arguments; fixed arities avoid the spread's iterator. */
function invoke(id: number, s: unknown[]): unknown {
  // trailing parameters left at their defaults are not passed at all (the addon fills them in)
  let n = s.length;
  while (n > 0 && s[n - 1] === undefined) n--;
  switch (n) {
    case 0: return native.callOp(id);
    case 1: return native.callOp(id, s[0]);
    case 2: return native.callOp(id, s[0], s[1]);
    case 3: return native.callOp(id, s[0], s[1], s[2]);
    case 4: return native.callOp(id, s[0], s[1], s[2], s[3]);
    case 5: return native.callOp(id, s[0], s[1], s[2], s[3], s[4]);
    default: return native.callOp(id, ...s.slice(0, n));
  }
}

/** One generated function or method: resolved lazily, then called through the dispatcher. */
export class Entry {
  private resolved?: Resolved;
  private inplaceEntry?: Entry;
  /** callShape → the overload that call shape binds to (Python's first fit, found once). */
  private readonly byShape = new Map<number, ShapeHit>();
  private lastShape = -1;
  private lastHit: ShapeHit | undefined = undefined;
  /** No nn.functional `inplace` flag to split off: call4 may take its fast path. */
  private readonly noInplace: boolean;
  private readonly isMethod: boolean;

  constructor(readonly spec: EntrySpec) {
    this.noInplace = !spec.inplace;
    this.isMethod = spec.method === true;
  }

  private get ops(): Resolved {
    return (this.resolved ??= resolveOps(this.spec.ops, !!this.spec.method));
  }

  /**
   * call() for up to four arguments given separately, so that the common call (a cached call
   * shape) allocates no argument array: the per-op path of small-tensor code.
   */
  call4(self: Tensor | undefined, n: number, a0?: unknown, a1?: unknown, a2?: unknown, a3?: unknown): unknown {
    // trailing undefined arguments are absent ones: one call shape for `f(x)` and `f(x, undefined)`
    while (n > 0 && (n === 4 ? a3 : n === 3 ? a2 : n === 2 ? a1 : a0) === undefined) n--;
    if (this.noInplace && (self instanceof Tensor || !this.isMethod)) {
      const shape = callShape4(n, a0, a1, a2, a3);
      // the shape of the previous call first: a loop repeats one call shape
      const hit = shape === this.lastShape ? this.lastHit : shape >= 0 ? this.byShape.get(shape) : undefined;
      if (hit !== undefined && hit.sources !== null) {
        this.lastShape = shape;
        this.lastHit = hit;
        if (hit.run !== null) return hit.run(self, a0, a1);
        const o = hit.o;
        const src = hit.sources;
        const t = o.template;
        const id = o.id;
        let raw: unknown;
        switch (src.length) {
          case 1: raw = native.callOp(id, slot4(src, 0, self, t, a0, a1, a2, a3)); break;
          case 2: raw = native.callOp(id, slot4(src, 0, self, t, a0, a1, a2, a3), slot4(src, 1, self, t, a0, a1, a2, a3)); break;
          case 3: raw = native.callOp(id, slot4(src, 0, self, t, a0, a1, a2, a3), slot4(src, 1, self, t, a0, a1, a2, a3), slot4(src, 2, self, t, a0, a1, a2, a3)); break;
          default: return this.direct(o, src, self, [a0, a1, a2, a3].slice(0, n));
        }
        return directResult(o, raw, self, [a0, a1, a2, a3]);
      }
    }
    return this.call(self, n === 0 ? [] : n === 1 ? [a0] : n === 2 ? [a0, a1] : n === 3 ? [a0, a1, a2] : [a0, a1, a2, a3]);
  }

  call(self: Tensor | undefined, args: unknown[]): unknown {
    if (this.spec.inplace) {
      const r = this.splitInplace(args);
      if (r) return r.entry.call(self, r.args);
    }
    if (this.spec.method && !(self instanceof Tensor)) throw new TypeError(`${this.spec.name}: must be called on a Tensor`);
    const shape = callShape(args);
    if (shape >= 0) {
      const hit = this.byShape.get(shape);
      if (hit !== undefined) {
        if (hit.sources !== null) return this.direct(hit.o, hit.sources, self, args);
        const slots = bind(hit.o, self, args, undefined, this.spec.varTensors === true);
        if (slots !== null) return this.finish(hit.o, slots);
      }
    }
    const { overloads, missing } = this.ops;
    if (overloads.length === 0) {
      throw new TorchError(`${this.spec.name}: ${missing.length ? `aten::${missing.join(', aten::')}` : 'no overload'} is not available in LibTorch ${libtorchVersion()}`);
    }
    let opts: Record<string, unknown> | undefined;
    let end = args.length;
    while (end > 0 && args[end - 1] === undefined) end--;
    if (end > 0) {
      const last = args[end - 1];
      if (typeof last === 'object' && !(last instanceof Tensor) && isPlainObject(last)) {
        opts = last;
        end--;
      }
    }
    const positional = end === args.length ? args : args.slice(0, end);
    let firstUnknown: string | undefined;
    const varTensors = this.spec.varTensors === true;
    for (let k = 0; k < overloads.length; k++) {
      const o = overloads[k];
      unknownKey = undefined;
      const slots = bind(o, self, positional, opts, varTensors);
      if (slots !== null) {
        if (shape >= 0) {
          const sources = !boundPacked && positional === args ? directSources(o, args) : null;
          this.byShape.set(shape, { o, sources, run: sources && invoker(o, sources) });
        }
        return this.finish(o, slots);
      }
      if (unknownKey !== undefined) firstUnknown ??= unknownKey;
    }
    const unknown = firstUnknown;
    const got = (this.spec.method ? positional : positional).map(describe).join(', ') + (opts ? `${positional.length ? ', ' : ''}${describe(opts)}` : '');
    const lines = overloads.map((o) => `  ${o.text}`).join('\n');
    const extra = missing.length ? `\n(not in LibTorch ${libtorchVersion()}: aten::${missing.join(', aten::')})` : '';
    if (unknown !== undefined && overloads.every((o) => !o.keywords.has(unknown))) {
      throw new TypeError(`${this.spec.name}(): unknown option '${unknown}'; the overloads are:\n${lines}${extra}`);
    }
    throw new TypeError(`${this.spec.name}(): no overload takes (${got}); the overloads are:\n${lines}${extra}`);
  }

  /**
   * A call of a cached shape whose values go one to one into the slots: the shape already says
   * that every value fits its parameter (a Tensor is passed as its handle, the rest as they are).
   */
  private direct(o: Overload, sources: number[], self: Tensor | undefined, args: unknown[]): unknown {
    const t = o.template;
    const id = o.id;
    let raw: unknown;
    switch (sources.length) {
      case 1: raw = native.callOp(id, slot(sources, 0, self, args, t)); break;
      case 2: raw = native.callOp(id, slot(sources, 0, self, args, t), slot(sources, 1, self, args, t)); break;
      case 3: raw = native.callOp(id, slot(sources, 0, self, args, t), slot(sources, 1, self, args, t), slot(sources, 2, self, args, t)); break;
      default: raw = invoke(id, sources.map((_, i) => slot(sources, i, self, args, t)));
    }
    return directResult(o, raw, self, args);
  }

  private finish(o: Overload, slots: unknown[]): unknown {
    const aliased = boundAliased;
    const requiresGrad = boundRequiresGrad;
    boundAliased = undefined;
    const out = results(o, invoke(o.id, slots), aliased);
    if (requiresGrad && out instanceof Tensor) out.requiresGrad_(true);
    return out;
  }

  /** F.relu(x, true) / F.relu(x, { inplace: true }) → the `_` op; false → the op without the flag. */
  private splitInplace(args: unknown[]): { entry: Entry; args: unknown[] } | undefined {
    const [ops, position] = this.spec.inplace!;
    let flag: unknown;
    let rest = args;
    const last = args[args.length - 1];
    if (isPlainObject(last) && 'inplace' in last) {
      const { inplace, ...others } = last;
      flag = inplace;
      rest = Object.keys(others).length ? [...args.slice(0, -1), others] : args.slice(0, -1);
    } else if (args.length > position && typeof args[position] === 'boolean') {
      flag = args[position];
      rest = [...args.slice(0, position), ...args.slice(position + 1)];
    } else return undefined;
    if (typeof flag !== 'boolean' && flag !== undefined) throw new TypeError(`${this.spec.name}: inplace must be a boolean`);
    if (!flag) return { entry: this.withoutInplace(), args: rest };
    this.inplaceEntry ??= new Entry({ name: this.spec.name, ops });
    return { entry: this.inplaceEntry, args: rest };
  }

  private plain?: Entry;
  private withoutInplace(): Entry {
    return (this.plain ??= new Entry({ ...this.spec, inplace: undefined }));
  }
}

/** A generated free function: `torch.sin(x)`. */
export function fn(spec: EntrySpec): (...args: unknown[]) => unknown {
  const e = new Entry(spec);
  return (...args: unknown[]) => e.call(undefined, args);
}

/** A generated method: `x.sin()`. */
export function method(spec: EntrySpec): (this: Tensor, ...args: unknown[]) => unknown {
  const e = new Entry({ ...spec, method: true });
  // named parameters, not `...args` (and `arguments` only for its length): the common call allocates no array
  return function (this: Tensor, a0?: unknown, a1?: unknown, a2?: unknown, a3?: unknown, a4?: unknown, a5?: unknown, a6?: unknown, a7?: unknown, a8?: unknown, a9?: unknown, a10?: unknown, a11?: unknown) {
    const n = arguments.length;
    if (n <= 4) return e.call4(this, n, a0, a1, a2, a3);
    if (n > 12) throw new TypeError(`${spec.name}(): at most 12 arguments, got ${n}`);
    return e.call(this, [a0, a1, a2, a3, a4, a5, a6, a7, a8, a9, a10, a11].slice(0, n));
  };
}

/**
 * One ATen operator (or several overloads) as a JS function with the op layer's conversion
 * and errors, for hand-written compositions (nn.functional) that call ops Python reaches
 * through torch._C: `atenOp('nll_loss_nd')(input, target, weight, reduction, ignoreIndex)`.
 */
export function atenOp(...ops: string[]): (...args: unknown[]) => any {
  const e = new Entry({ name: `aten::${ops[0]}`, ops });
  return (...args: unknown[]) => e.call(undefined, args);
}

// Last, after everything above is defined: tensor.ts installs the generated methods (built with
// Entry) while it loads, so when a process reaches this module before tensor.ts, Entry must
// exist by the time tensor.ts is loaded from here. Only function bodies above use these.
import { Tensor, wrap } from '../tensor';
import { isPlainObject } from '../validate';
