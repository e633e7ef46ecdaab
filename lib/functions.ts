/** Module-level tensor functions (torch.cat, torch.where, …) and torch.add & co. */
import { native, TensorHandle } from './native';
import { lazyOp } from './ops';
import { AlphaOption, ClampOptions, asTensor, Operand, RoundingMode, StdVarOptions, Tensor, wrap } from './tensor';
import { DType } from './dtype';
import * as G from './generated/torch';
import { withFallback } from './oplayer/dispatch';

/**
 * A hand-written torch function backed by the generated one: PyTorch's other call forms
 * (`torch.cat([a, b], { dim: 1 })`, keyword options) reach the generated layer when the
 * hand-written code rejects them; its type offers both signatures.
 */
function orGenerated<H extends (...a: any[]) => unknown, Gen extends (...a: any[]) => unknown>(own: H, generated: Gen): H & Gen {
  return withFallback(own as (...a: unknown[]) => unknown, generated as (...a: unknown[]) => unknown) as unknown as H & Gen;
}

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

function catImpl(tensors: Tensor[], dim = 0): Tensor {
  if (!Number.isInteger(dim)) throw new TypeError('cat(tensors, dim): dim must be an integer');
  return wrap(native.callOp(O.cat(), tensorList(tensors, 'cat'), dim));
}

function stackImpl(tensors: Tensor[], dim = 0): Tensor {
  if (!Number.isInteger(dim)) throw new TypeError('stack(tensors, dim): dim must be an integer');
  return wrap(native.callOp(O.stack(), tensorList(tensors, 'stack'), dim));
}

/** where(condition, x, y) with tensors or numbers for x and y; where(condition) → index tensors. */
function whereImpl(condition: Tensor, x: Operand, y: Operand): Tensor;
function whereImpl(condition: Tensor): Tensor[];
function whereImpl(condition: Tensor, x?: Operand, y?: Operand): Tensor | Tensor[] {
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
export const add = orGenerated((a: Tensor, b: Operand, alpha?: AlphaOption): Tensor => asTensor(a, 'input').add(b, alpha), G.add);
export const sub = orGenerated((a: Tensor, b: Operand, alpha?: AlphaOption): Tensor => asTensor(a, 'input').sub(b, alpha), G.sub);
export const mul = orGenerated((a: Tensor, b: Operand): Tensor => asTensor(a, 'input').mul(b), G.mul);
/** torch.div(a, b, { roundingMode: 'trunc' | 'floor' }). */
export const div = orGenerated((a: Tensor, b: Operand, options?: { roundingMode?: RoundingMode }): Tensor => asTensor(a, 'input').div(b, options), G.div);
/** torch.pow(tensor, exponent) or torch.pow(number, tensor). */
export const pow = orGenerated((a: Tensor | number, b: Operand): Tensor => (a instanceof Tensor ? a.pow(b) : (G.pow as (...x: unknown[]) => Tensor)(a, b)), G.pow);
export const matmul = orGenerated((a: Tensor, b: Tensor): Tensor => asTensor(a, 'input').matmul(b), G.matmul);
export const mm = orGenerated((a: Tensor, b: Tensor): Tensor => asTensor(a, 'input').mm(b), G.mm);
export const bmm = orGenerated((a: Tensor, b: Tensor): Tensor => asTensor(a, 'input').bmm(b), G.bmm);
export const neg = orGenerated((a: Tensor): Tensor => asTensor(a, 'input').neg(), G.neg);
export const sqrt = orGenerated((a: Tensor): Tensor => asTensor(a, 'input').sqrt(), G.sqrt);
export const rsqrt = orGenerated((a: Tensor): Tensor => asTensor(a, 'input').rsqrt(), G.rsqrt);
export const exp = orGenerated((a: Tensor): Tensor => asTensor(a, 'input').exp(), G.exp);
export const log = orGenerated((a: Tensor): Tensor => asTensor(a, 'input').log(), G.log);
export const abs = orGenerated((a: Tensor): Tensor => asTensor(a, 'input').abs(), G.abs);
export const sign = orGenerated((a: Tensor): Tensor => asTensor(a, 'input').sign(), G.sign);
export const sigmoid = orGenerated((a: Tensor): Tensor => asTensor(a, 'input').sigmoid(), G.sigmoid);
export const tanh = orGenerated((a: Tensor): Tensor => asTensor(a, 'input').tanh(), G.tanh);
export const relu = orGenerated((a: Tensor): Tensor => asTensor(a, 'input').relu(), G.relu);
export const clamp = orGenerated((a: Tensor, min?: Operand | null | ClampOptions, max?: Operand | null): Tensor => asTensor(a, 'input').clamp(min, max), G.clamp);
type ReductionOptions = { dim?: number | number[] | null; keepdim?: boolean; dtype?: DType | null };
/** torch.sum(a, dim?, keepdim?, { dtype }); keywords may also come as `(a, { dim, keepdim, dtype })`. */
function sumImpl(a: Tensor, dim?: number | number[] | null | ReductionOptions, keepdim?: boolean | ReductionOptions, options?: { dtype?: DType | null }): Tensor {
  return (asTensor(a, 'input').sum as (...x: unknown[]) => Tensor)(dim, keepdim, options);
}
function meanImpl(a: Tensor, dim?: number | number[] | null | ReductionOptions, keepdim?: boolean | ReductionOptions, options?: { dtype?: DType | null }): Tensor {
  return (asTensor(a, 'input').mean as (...x: unknown[]) => Tensor)(dim, keepdim, options);
}
export const softmax = orGenerated((a: Tensor, dim: number): Tensor => asTensor(a, 'input').softmax(dim), G.softmax);
export const logSoftmax = orGenerated((a: Tensor, dim: number): Tensor => asTensor(a, 'input').logSoftmax(dim), G.logSoftmax);
export const eq = orGenerated((a: Tensor, b: Operand): Tensor => asTensor(a, 'input').eq(b), G.eq);
export const ne = orGenerated((a: Tensor, b: Operand): Tensor => asTensor(a, 'input').ne(b), G.ne);
export const lt = orGenerated((a: Tensor, b: Operand): Tensor => asTensor(a, 'input').lt(b), G.lt);
export const le = orGenerated((a: Tensor, b: Operand): Tensor => asTensor(a, 'input').le(b), G.le);
export const gt = orGenerated((a: Tensor, b: Operand): Tensor => asTensor(a, 'input').gt(b), G.gt);
export const ge = orGenerated((a: Tensor, b: Operand): Tensor => asTensor(a, 'input').ge(b), G.ge);
export const logicalAnd = orGenerated((a: Tensor, b: Tensor): Tensor => asTensor(a, 'input').logicalAnd(b), G.logicalAnd);
export const logicalOr = orGenerated((a: Tensor, b: Tensor): Tensor => asTensor(a, 'input').logicalOr(b), G.logicalOr);
export const logicalNot = orGenerated((a: Tensor): Tensor => asTensor(a, 'input').logicalNot(), G.logicalNot);
export const allclose = orGenerated((a: Tensor, b: Tensor, opts?: { rtol?: number; atol?: number; equalNan?: boolean }): boolean => asTensor(a, 'input').allclose(b, opts), G.allclose);
export const split = (a: Tensor, size: number | number[], dim = 0): Tensor[] => asTensor(a, 'input').split(size, dim);
export const chunk = orGenerated((a: Tensor, chunks: number, dim = 0): Tensor[] => asTensor(a, 'input').chunk(chunks, dim), G.chunk);
export const gather = orGenerated((a: Tensor, dim: number, index: Tensor): Tensor => asTensor(a, 'input').gather(dim, index), G.gather);
export const indexSelect = orGenerated((a: Tensor, dim: number, index: Tensor): Tensor => asTensor(a, 'input').indexSelect(dim, index), G.indexSelect);
export const maskedFill = orGenerated((a: Tensor, mask: Tensor, value: Operand): Tensor => asTensor(a, 'input').maskedFill(mask, value), G.maskedFill);
export const flatten = orGenerated((a: Tensor, startDim = 0, endDim = -1): Tensor => asTensor(a, 'input').flatten(startDim, endDim), G.flatten);
export const reshape = orGenerated((a: Tensor, shape: number[]): Tensor => asTensor(a, 'input').reshape(shape), G.reshape);
export const transpose = orGenerated((a: Tensor, d0: number, d1: number): Tensor => asTensor(a, 'input').transpose(d0, d1), G.transpose);
export const permute = orGenerated((a: Tensor, dims: number[]): Tensor => asTensor(a, 'input').permute(dims), G.permute);
export const squeeze = orGenerated((a: Tensor, dim?: number): Tensor => asTensor(a, 'input').squeeze(dim), G.squeeze);
export const unsqueeze = orGenerated((a: Tensor, dim: number): Tensor => asTensor(a, 'input').unsqueeze(dim), G.unsqueeze);
export const argmax = orGenerated((a: Tensor, dim?: number, keepdim?: boolean): Tensor => asTensor(a, 'input').argmax(dim, keepdim), G.argmax);
export const argmin = orGenerated((a: Tensor, dim?: number, keepdim?: boolean): Tensor => asTensor(a, 'input').argmin(dim, keepdim), G.argmin);
export const norm = orGenerated((a: Tensor, p?: number | 'fro' | 'nuc', dim?: number | number[], keepdim?: boolean): Tensor => asTensor(a, 'input').norm(p, dim, keepdim), G.norm);
export const maximum = orGenerated((a: Tensor, b: Tensor): Tensor => asTensor(a, 'input').max(asTensor(b, 'other')), G.maximum);
export const minimum = orGenerated((a: Tensor, b: Tensor): Tensor => asTensor(a, 'input').min(asTensor(b, 'other')), G.minimum);
/** torch.max(t) → the largest element; torch.max(t, dim, keepdim?) → { values, indices }; torch.max(a, b) → elementwise. */
function maxImpl(a: Tensor): Tensor;
function maxImpl(a: Tensor, dim: number, keepdim?: boolean): { values: Tensor; indices: Tensor };
function maxImpl(a: Tensor, other: Tensor): Tensor;
function maxImpl(a: Tensor, dim?: number | Tensor, keepdim = false): Tensor | { values: Tensor; indices: Tensor } {
  const t = asTensor(a, 'input');
  if (dim === undefined) return t.max();
  return dim instanceof Tensor ? t.max(dim) : t.max(dim, keepdim);
}
function minImpl(a: Tensor): Tensor;
function minImpl(a: Tensor, dim: number, keepdim?: boolean): { values: Tensor; indices: Tensor };
function minImpl(a: Tensor, other: Tensor): Tensor;
function minImpl(a: Tensor, dim?: number | Tensor, keepdim = false): Tensor | { values: Tensor; indices: Tensor } {
  const t = asTensor(a, 'input');
  if (dim === undefined) return t.min();
  return dim instanceof Tensor ? t.min(dim) : t.min(dim, keepdim);
}
export const std = orGenerated((a: Tensor, dim?: number | number[] | null, opts?: StdVarOptions | boolean, keepdim?: boolean): Tensor => asTensor(a, 'input').std(dim, opts, keepdim), G.std);
export const variance = (a: Tensor, dim?: number | number[] | null, opts?: StdVarOptions | boolean, keepdim?: boolean): Tensor => asTensor(a, 'input').var(dim, opts, keepdim);
export { variance as var };
export const all = orGenerated((a: Tensor, dim?: number, keepdim?: boolean): Tensor => asTensor(a, 'input').all(dim, keepdim), G.all);
export const any = orGenerated((a: Tensor, dim?: number, keepdim?: boolean): Tensor => asTensor(a, 'input').any(dim, keepdim), G.any);
export const clone = orGenerated((a: Tensor): Tensor => asTensor(a, 'input').clone(), G.clone);
export const detach = orGenerated((a: Tensor): Tensor => asTensor(a, 'input').detach(), G.detach);
export const narrow = orGenerated((a: Tensor, dim: number, start: number, length: number): Tensor => asTensor(a, 'input').narrow(dim, start, length), G.narrow);
export const select = orGenerated((a: Tensor, dim: number, index: number): Tensor => asTensor(a, 'input').select(dim, index), G.select);
export const t = orGenerated((a: Tensor): Tensor => asTensor(a, 'input').t(), G.t);
export const cat = orGenerated(catImpl, G.cat);
export const stack = orGenerated(stackImpl, G.stack);
export const where = orGenerated(whereImpl, G.where);
export const sum = orGenerated(sumImpl, G.sum);
export const mean = orGenerated(meanImpl, G.mean);
export const max = orGenerated(maxImpl, G.max);
export const min = orGenerated(minImpl, G.min);
