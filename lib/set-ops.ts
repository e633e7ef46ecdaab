/**
 * torch.unique, torch.unique_consecutive, torch.tensordot and torch.lu: Python-level functions in
 * torch/functional.py (their results depend on flags, or their arguments are reshaped before
 * ATen), composed here as PyTorch composes them. Also Tensor.unique / Tensor.uniqueConsecutive.
 */
import { atenOp, namedResult } from './oplayer/dispatch';
import { Tensor } from './tensor';
import { isPlainObject } from './validate';

const UNIQUE2 = atenOp('_unique2');
const UNIQUE_DIM = atenOp('unique_dim');
const UNIQUE_CONSECUTIVE = atenOp('unique_consecutive');
const TENSORDOT = atenOp('tensordot');
const LU_FACTOR_EX = atenOp('linalg_lu_factor_ex');

export interface UniqueOptions {
  sorted?: boolean;
  returnInverse?: boolean;
  returnCounts?: boolean;
  dim?: number | null;
}


/** Python's positional (sorted, return_inverse, return_counts, dim) or one options object. */
function uniqueArgs(args: unknown[], names: (keyof UniqueOptions)[], what: string): UniqueOptions {
  const o: Record<string, unknown> = {};
  const last = args[args.length - 1];
  const positional = isPlainObject(last) ? args.slice(0, -1) : args;
  if (positional.length > names.length) throw new TypeError(`${what}: expected at most ${names.length} positional arguments`);
  positional.forEach((v, i) => (o[names[i]] = v));
  if (isPlainObject(last)) {
    for (const [k, v] of Object.entries(last)) {
      if (!names.includes(k as keyof UniqueOptions)) throw new TypeError(`${what}(): unknown option '${k}'`);
      if (k in o) throw new TypeError(`${what}(): '${k}' given twice`);
      o[k] = v;
    }
  }
  for (const k of ['sorted', 'returnInverse', 'returnCounts']) {
    if (o[k] !== undefined && typeof o[k] !== 'boolean') throw new TypeError(`${what}: ${k} must be a boolean`);
  }
  if (o.dim !== undefined && o.dim !== null && !Number.isInteger(o.dim)) throw new TypeError(`${what}: dim must be an integer or null`);
  return o as UniqueOptions;
}

function pick(output: Tensor, inverse: Tensor, counts: Tensor, o: UniqueOptions): Tensor | Tensor[] {
  const out: Tensor[] = [output];
  if (o.returnInverse) out.push(inverse); else inverse.dispose();
  if (o.returnCounts) out.push(counts); else counts.dispose();
  return out.length === 1 ? output : out;
}

/** torch.unique(input, sorted=true, returnInverse=false, returnCounts=false, dim=null): the output, or [output, inverse?, counts?]. */
export function unique(input: Tensor, options?: UniqueOptions): Tensor | Tensor[];
export function unique(input: Tensor, sorted?: boolean, returnInverse?: boolean, returnCounts?: boolean, dim?: number | null): Tensor | Tensor[];
export function unique(input: Tensor, ...args: unknown[]): Tensor | Tensor[] {
  if (!(input instanceof Tensor)) throw new TypeError('unique(input): input must be a Tensor');
  const o = uniqueArgs(args, ['sorted', 'returnInverse', 'returnCounts', 'dim'], 'unique');
  const flags = [o.sorted ?? true, o.returnInverse ?? false, o.returnCounts ?? false];
  const [output, inverse, counts] = (o.dim === undefined || o.dim === null ? UNIQUE2(input, ...flags) : UNIQUE_DIM(input, o.dim, ...flags)) as Tensor[];
  return pick(output, inverse, counts, o);
}

/** torch.unique_consecutive(input, returnInverse=false, returnCounts=false, dim=null). */
export function uniqueConsecutive(input: Tensor, options?: Omit<UniqueOptions, 'sorted'>): Tensor | Tensor[];
export function uniqueConsecutive(input: Tensor, returnInverse?: boolean, returnCounts?: boolean, dim?: number | null): Tensor | Tensor[];
export function uniqueConsecutive(input: Tensor, ...args: unknown[]): Tensor | Tensor[] {
  if (!(input instanceof Tensor)) throw new TypeError('uniqueConsecutive(input): input must be a Tensor');
  const o = uniqueArgs(args, ['returnInverse', 'returnCounts', 'dim'], 'uniqueConsecutive');
  const [output, inverse, counts] = UNIQUE_CONSECUTIVE(input, o.returnInverse ?? false, o.returnCounts ?? false, o.dim ?? null) as Tensor[];
  return pick(output, inverse, counts, o);
}

/** torch.tensordot(a, b, dims = 2): the last `dims` dims of a with the first of b, or explicit [dimsA, dimsB]. */
export function tensordot(a: Tensor, b: Tensor, dims: number | [number[], number[]] | [number, number] | { dims: number | [number[], number[]] } = 2): Tensor {
  if (isPlainObject(dims)) dims = (dims as { dims: number | [number[], number[]] }).dims;
  let da: number[];
  let db: number[];
  if (typeof dims === 'number') {
    if (!Number.isInteger(dims) || dims < 0) throw new RangeError('tensordot expects dims >= 0');
    da = Array.from({ length: dims }, (_v, i) => i - dims);
    db = Array.from({ length: dims }, (_v, i) => i);
  } else if (Array.isArray(dims) && dims.length === 2) {
    const [x, y] = dims as [number | number[], number | number[]];
    da = Array.isArray(x) ? x : [x];
    db = Array.isArray(y) ? y : [y];
  } else throw new TypeError('tensordot expects dims to be an integer or a pair of dimension lists');
  return TENSORDOT(a, b, da, db);
}

/** torch.lu(A, {pivot = true, getInfos = false}) → [LU, pivots], or with getInfos `{ LU, pivots, info }` (also iterable), as Python. */
export function lu(A: Tensor, options?: { pivot?: boolean; getInfos?: false }): [Tensor, Tensor];
export function lu(A: Tensor, options: { pivot?: boolean; getInfos: true }): { LU: Tensor; pivots: Tensor; info: Tensor } & Iterable<Tensor>;
export function lu(A: Tensor, options: { pivot?: boolean; getInfos?: boolean } = {}): unknown {
  if (!isPlainObject(options)) throw new TypeError('lu(A, options): options must be { pivot, getInfos }');
  for (const k of Object.keys(options)) if (k !== 'pivot' && k !== 'getInfos') throw new TypeError(`lu(): unknown option '${k}'`);
  const [LU, pivots, infos] = LU_FACTOR_EX(A, { pivot: options.pivot ?? true }) as Tensor[];
  if (options.getInfos) return namedResult(['LU', 'pivots', 'info'], [LU, pivots, infos]);
  infos.dispose();
  return [LU, pivots];
}

declare module './tensor' {
  interface Tensor {
    /** Tensor.unique(sorted = true, returnInverse = false, returnCounts = false, dim = null), as torch.unique. */
    unique(options?: UniqueOptions): Tensor | Tensor[];
    unique(sorted?: boolean, returnInverse?: boolean, returnCounts?: boolean, dim?: number | null): Tensor | Tensor[];
    uniqueConsecutive(options?: Omit<UniqueOptions, 'sorted'>): Tensor | Tensor[];
    uniqueConsecutive(returnInverse?: boolean, returnCounts?: boolean, dim?: number | null): Tensor | Tensor[];
  }
}

Object.defineProperty(Tensor.prototype, 'unique', {
  value: function (this: Tensor, ...args: unknown[]) { return (unique as (...a: unknown[]) => unknown)(this, ...args); },
  writable: true, configurable: true,
});
Object.defineProperty(Tensor.prototype, 'uniqueConsecutive', {
  value: function (this: Tensor, ...args: unknown[]) { return (uniqueConsecutive as (...a: unknown[]) => unknown)(this, ...args); },
  writable: true, configurable: true,
});
