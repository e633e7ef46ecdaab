/** Module-level tensor functions (torch.cat, torch.where, …) and torch.add & co. */
import { native, TensorHandle } from './native';
import { lazyOp } from './ops';
import { AlphaOption, ClampOptions, asTensor, Operand, RoundingMode, StdVarOptions, Tensor, wrap } from './tensor';
import { DType } from './dtype';
import * as G from './generated/torch';

const O = {
  cat: lazyOp('aten::cat'), stack: lazyOp('aten::stack'),
  where: lazyOp('aten::where', 'self'), whereCond: lazyOp('aten::where'),
  whereScalarOther: lazyOp('aten::where', 'ScalarOther'), whereScalarSelf: lazyOp('aten::where', 'ScalarSelf'),
  whereScalar: lazyOp('aten::where', 'Scalar'),
};

function tensorList(ts: unknown, what: string): TensorHandle[] {
  if (!Array.isArray(ts) || ts.length === 0) throw new TypeError(`${what} expects a non-empty array of tensors`);
  return ts.map((t, i) => asTensor(t, `${what}[${i}]`).handle);
}

export function cat(tensors: Tensor[], dim = 0): Tensor {
  if (!Number.isInteger(dim)) throw new TypeError('cat(tensors, dim): dim must be an integer');
  return wrap(native.callOp(O.cat(), tensorList(tensors, 'cat'), dim));
}

export function stack(tensors: Tensor[], dim = 0): Tensor {
  if (!Number.isInteger(dim)) throw new TypeError('stack(tensors, dim): dim must be an integer');
  return wrap(native.callOp(O.stack(), tensorList(tensors, 'stack'), dim));
}

/** where(condition, x, y) with tensors or numbers for x and y; where(condition) → index tensors. */
export function where(condition: Tensor, x: Operand, y: Operand): Tensor;
export function where(condition: Tensor): Tensor[];
export function where(condition: Tensor, x?: Operand, y?: Operand): Tensor | Tensor[] {
  const c = asTensor(condition, 'condition').handle;
  if (x === undefined && y === undefined) return (native.callOp(O.whereCond(), c) as TensorHandle[]).map(wrap);
  const num = (v: unknown): v is number | boolean => typeof v === 'number' || typeof v === 'boolean';
  if (x instanceof Tensor && y instanceof Tensor) return wrap(native.callOp(O.where(), c, x.handle, y.handle));
  if (x instanceof Tensor && num(y)) return wrap(native.callOp(O.whereScalarOther(), c, x.handle, y));
  if (num(x) && y instanceof Tensor) return wrap(native.callOp(O.whereScalarSelf(), c, x, y.handle));
  if (num(x) && num(y)) return wrap(native.callOp(O.whereScalar(), c, x, y));
  throw new TypeError('where(condition, x, y): x and y must be tensors or numbers');
}

// Function forms of the Tensor methods, as torch.add(a, b) etc.
export const add = (a: Tensor, b: Operand, alpha?: AlphaOption): Tensor => asTensor(a, 'input').add(b, alpha);
export const sub = (a: Tensor, b: Operand, alpha?: AlphaOption): Tensor => asTensor(a, 'input').sub(b, alpha);
export const mul = (a: Tensor, b: Operand): Tensor => asTensor(a, 'input').mul(b);
/** torch.div(a, b, { roundingMode: 'trunc' | 'floor' }). */
export const div = (a: Tensor, b: Operand, options?: { roundingMode?: RoundingMode }): Tensor => asTensor(a, 'input').div(b, options);
/** torch.pow(tensor, exponent) or torch.pow(number, tensor). */
export const pow = (a: Tensor | number, b: Operand): Tensor => (a instanceof Tensor ? a.pow(b) : (G.pow as (...x: unknown[]) => Tensor)(a, b));
export const matmul = (a: Tensor, b: Tensor): Tensor => asTensor(a, 'input').matmul(b);
export const mm = (a: Tensor, b: Tensor): Tensor => asTensor(a, 'input').mm(b);
export const bmm = (a: Tensor, b: Tensor): Tensor => asTensor(a, 'input').bmm(b);
export const neg = (a: Tensor): Tensor => asTensor(a, 'input').neg();
export const sqrt = (a: Tensor): Tensor => asTensor(a, 'input').sqrt();
export const rsqrt = (a: Tensor): Tensor => asTensor(a, 'input').rsqrt();
export const exp = (a: Tensor): Tensor => asTensor(a, 'input').exp();
export const log = (a: Tensor): Tensor => asTensor(a, 'input').log();
export const abs = (a: Tensor): Tensor => asTensor(a, 'input').abs();
export const sign = (a: Tensor): Tensor => asTensor(a, 'input').sign();
export const sigmoid = (a: Tensor): Tensor => asTensor(a, 'input').sigmoid();
export const tanh = (a: Tensor): Tensor => asTensor(a, 'input').tanh();
export const relu = (a: Tensor): Tensor => asTensor(a, 'input').relu();
export const clamp = (a: Tensor, min?: Operand | null | ClampOptions, max?: Operand | null): Tensor => asTensor(a, 'input').clamp(min, max);
type ReductionOptions = { dim?: number | number[] | null; keepdim?: boolean; dtype?: DType | null };
/** torch.sum(a, dim?, keepdim?, { dtype }); keywords may also come as `(a, { dim, keepdim, dtype })`. */
export function sum(a: Tensor, dim?: number | number[] | null | ReductionOptions, keepdim?: boolean | ReductionOptions, options?: { dtype?: DType | null }): Tensor {
  return (asTensor(a, 'input').sum as (...x: unknown[]) => Tensor)(dim, keepdim, options);
}
export function mean(a: Tensor, dim?: number | number[] | null | ReductionOptions, keepdim?: boolean | ReductionOptions, options?: { dtype?: DType | null }): Tensor {
  return (asTensor(a, 'input').mean as (...x: unknown[]) => Tensor)(dim, keepdim, options);
}
export const softmax = (a: Tensor, dim: number): Tensor => asTensor(a, 'input').softmax(dim);
export const logSoftmax = (a: Tensor, dim: number): Tensor => asTensor(a, 'input').logSoftmax(dim);
export const eq = (a: Tensor, b: Operand): Tensor => asTensor(a, 'input').eq(b);
export const ne = (a: Tensor, b: Operand): Tensor => asTensor(a, 'input').ne(b);
export const lt = (a: Tensor, b: Operand): Tensor => asTensor(a, 'input').lt(b);
export const le = (a: Tensor, b: Operand): Tensor => asTensor(a, 'input').le(b);
export const gt = (a: Tensor, b: Operand): Tensor => asTensor(a, 'input').gt(b);
export const ge = (a: Tensor, b: Operand): Tensor => asTensor(a, 'input').ge(b);
export const logicalAnd = (a: Tensor, b: Tensor): Tensor => asTensor(a, 'input').logicalAnd(b);
export const logicalOr = (a: Tensor, b: Tensor): Tensor => asTensor(a, 'input').logicalOr(b);
export const logicalNot = (a: Tensor): Tensor => asTensor(a, 'input').logicalNot();
export const allclose = (a: Tensor, b: Tensor, opts?: { rtol?: number; atol?: number; equalNan?: boolean }): boolean => asTensor(a, 'input').allclose(b, opts);
export const split = (a: Tensor, size: number | number[], dim = 0): Tensor[] => asTensor(a, 'input').split(size, dim);
export const chunk = (a: Tensor, chunks: number, dim = 0): Tensor[] => asTensor(a, 'input').chunk(chunks, dim);
export const gather = (a: Tensor, dim: number, index: Tensor): Tensor => asTensor(a, 'input').gather(dim, index);
export const indexSelect = (a: Tensor, dim: number, index: Tensor): Tensor => asTensor(a, 'input').indexSelect(dim, index);
export const maskedFill = (a: Tensor, mask: Tensor, value: Operand): Tensor => asTensor(a, 'input').maskedFill(mask, value);
export const flatten = (a: Tensor, startDim = 0, endDim = -1): Tensor => asTensor(a, 'input').flatten(startDim, endDim);
export const reshape = (a: Tensor, shape: number[]): Tensor => asTensor(a, 'input').reshape(shape);
export const transpose = (a: Tensor, d0: number, d1: number): Tensor => asTensor(a, 'input').transpose(d0, d1);
export const permute = (a: Tensor, dims: number[]): Tensor => asTensor(a, 'input').permute(dims);
export const squeeze = (a: Tensor, dim?: number): Tensor => asTensor(a, 'input').squeeze(dim);
export const unsqueeze = (a: Tensor, dim: number): Tensor => asTensor(a, 'input').unsqueeze(dim);
export const argmax = (a: Tensor, dim?: number, keepdim?: boolean): Tensor => asTensor(a, 'input').argmax(dim, keepdim);
export const argmin = (a: Tensor, dim?: number, keepdim?: boolean): Tensor => asTensor(a, 'input').argmin(dim, keepdim);
export const norm = (a: Tensor, p?: number, dim?: number | number[], keepdim?: boolean): Tensor => asTensor(a, 'input').norm(p, dim, keepdim);
export const maximum = (a: Tensor, b: Tensor): Tensor => asTensor(a, 'input').max(asTensor(b, 'other'));
export const minimum = (a: Tensor, b: Tensor): Tensor => asTensor(a, 'input').min(asTensor(b, 'other'));
/** torch.max(t) → the largest element; torch.max(t, dim, keepdim?) → { values, indices }; torch.max(a, b) → elementwise. */
export function max(a: Tensor): Tensor;
export function max(a: Tensor, dim: number, keepdim?: boolean): { values: Tensor; indices: Tensor };
export function max(a: Tensor, other: Tensor): Tensor;
export function max(a: Tensor, dim?: number | Tensor, keepdim = false): Tensor | { values: Tensor; indices: Tensor } {
  const t = asTensor(a, 'input');
  if (dim === undefined) return t.max();
  return dim instanceof Tensor ? t.max(dim) : t.max(dim, keepdim);
}
export function min(a: Tensor): Tensor;
export function min(a: Tensor, dim: number, keepdim?: boolean): { values: Tensor; indices: Tensor };
export function min(a: Tensor, other: Tensor): Tensor;
export function min(a: Tensor, dim?: number | Tensor, keepdim = false): Tensor | { values: Tensor; indices: Tensor } {
  const t = asTensor(a, 'input');
  if (dim === undefined) return t.min();
  return dim instanceof Tensor ? t.min(dim) : t.min(dim, keepdim);
}
export const std = (a: Tensor, dim?: number | number[] | null, opts?: StdVarOptions | boolean, keepdim?: boolean): Tensor => asTensor(a, 'input').std(dim, opts, keepdim);
export const variance = (a: Tensor, dim?: number | number[] | null, opts?: StdVarOptions | boolean, keepdim?: boolean): Tensor => asTensor(a, 'input').var(dim, opts, keepdim);
export { variance as var };
export const all = (a: Tensor, dim?: number, keepdim?: boolean): Tensor => asTensor(a, 'input').all(dim, keepdim);
export const any = (a: Tensor, dim?: number, keepdim?: boolean): Tensor => asTensor(a, 'input').any(dim, keepdim);
export const clone = (a: Tensor): Tensor => asTensor(a, 'input').clone();
export const detach = (a: Tensor): Tensor => asTensor(a, 'input').detach();
export const narrow = (a: Tensor, dim: number, start: number, length: number): Tensor => asTensor(a, 'input').narrow(dim, start, length);
export const select = (a: Tensor, dim: number, index: number): Tensor => asTensor(a, 'input').select(dim, index);
export const t = (a: Tensor): Tensor => asTensor(a, 'input').t();
