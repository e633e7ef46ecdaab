/**
 * The Tensor facade: a JS object owning one native handle. Every method validates its JS
 * arguments, then calls one ATen operator through the dispatcher (see ops.ts), so autograd,
 * broadcasting and devices behave exactly as in PyTorch.
 */
import { checkDevice, Device } from './device';
import { DType, dtypeCode, dtypeName, isDType, typedArrayFor, TypedArray } from './dtype';
import { TorchError } from './errors';
import { disposeWhenCollected, Scope, SCOPE, track } from './memory';
import { native, TensorHandle } from './native';
import { lazyOp } from './ops';
import { method as generatedMethod, namedResult } from './oplayer/dispatch';
import { TENSOR_METHODS } from './generated/tensor-table';
import { isPlainObject, bool as checkBool, int as checkInt, ints as checkInts, isScalar, optDims, optScalar, options, shapeArgs } from './validate';

export { shapeArgs };

export type Scalar = number | boolean;
export type Operand = Tensor | Scalar;
export type NestedArray = number | boolean | bigint | NestedArray[];

const O = {
  add: lazyOp('aten::add', 'Tensor'), addS: lazyOp('aten::add', 'Scalar'),
  sub: lazyOp('aten::sub', 'Tensor'), subS: lazyOp('aten::sub', 'Scalar'),
  rsubS: lazyOp('aten::rsub', 'Scalar'),
  mul: lazyOp('aten::mul', 'Tensor'), mulS: lazyOp('aten::mul', 'Scalar'),
  div: lazyOp('aten::div', 'Tensor'), divS: lazyOp('aten::div', 'Scalar'),
  pow: lazyOp('aten::pow', 'Tensor_Tensor'), powS: lazyOp('aten::pow', 'Tensor_Scalar'),
  add_: lazyOp('aten::add_', 'Tensor'), addS_: lazyOp('aten::add_', 'Scalar'),
  sub_: lazyOp('aten::sub_', 'Tensor'), subS_: lazyOp('aten::sub_', 'Scalar'),
  mul_: lazyOp('aten::mul_', 'Tensor'), mulS_: lazyOp('aten::mul_', 'Scalar'),
  div_: lazyOp('aten::div_', 'Tensor'), divS_: lazyOp('aten::div_', 'Scalar'),
  eq: lazyOp('aten::eq', 'Tensor'), eqS: lazyOp('aten::eq', 'Scalar'),
  ne: lazyOp('aten::ne', 'Tensor'), neS: lazyOp('aten::ne', 'Scalar'),
  lt: lazyOp('aten::lt', 'Tensor'), ltS: lazyOp('aten::lt', 'Scalar'),
  le: lazyOp('aten::le', 'Tensor'), leS: lazyOp('aten::le', 'Scalar'),
  gt: lazyOp('aten::gt', 'Tensor'), gtS: lazyOp('aten::gt', 'Scalar'),
  ge: lazyOp('aten::ge', 'Tensor'), geS: lazyOp('aten::ge', 'Scalar'),
  neg: lazyOp('aten::neg'), sqrt: lazyOp('aten::sqrt'), rsqrt: lazyOp('aten::rsqrt'),
  exp: lazyOp('aten::exp'), log: lazyOp('aten::log'), abs: lazyOp('aten::abs'), sign: lazyOp('aten::sign'),
  sigmoid: lazyOp('aten::sigmoid'), tanh: lazyOp('aten::tanh'), relu: lazyOp('aten::relu'),
  clamp: lazyOp('aten::clamp'), clamp_: lazyOp('aten::clamp_'),
  clampT: lazyOp('aten::clamp', 'Tensor'),
  matmul: lazyOp('aten::matmul'), mm: lazyOp('aten::mm'), bmm: lazyOp('aten::bmm'),
  sum: lazyOp('aten::sum'), sumDim: lazyOp('aten::sum', 'dim_IntList'),
  mean: lazyOp('aten::mean'), meanDim: lazyOp('aten::mean', 'dim'),
  max: lazyOp('aten::max'), maxDim: lazyOp('aten::max', 'dim'), maximum: lazyOp('aten::maximum'),
  min: lazyOp('aten::min'), minDim: lazyOp('aten::min', 'dim'), minimum: lazyOp('aten::minimum'),
  all: lazyOp('aten::all'), allDim: lazyOp('aten::all', 'dim'), any: lazyOp('aten::any'), anyDim: lazyOp('aten::any', 'dim'),
  argmax: lazyOp('aten::argmax'), argmin: lazyOp('aten::argmin'),
  std: lazyOp('aten::std'), stdDim: lazyOp('aten::std', 'dim'),
  var: lazyOp('aten::var'), varDim: lazyOp('aten::var', 'dim'),
  vnorm: lazyOp('aten::linalg_vector_norm'), matrixNormStr: lazyOp('aten::linalg_matrix_norm', 'str_ord'),
  land: lazyOp('aten::logical_and'), lor: lazyOp('aten::logical_or'), lnot: lazyOp('aten::logical_not'),
  softmax: lazyOp('aten::softmax', 'int'), logSoftmax: lazyOp('aten::log_softmax', 'int'),
  allclose: lazyOp('aten::allclose'), equal: lazyOp('aten::equal'),
  zero_: lazyOp('aten::zero_'), fill_: lazyOp('aten::fill_', 'Scalar'), copy_: lazyOp('aten::copy_'),
  view: lazyOp('aten::view'), reshape: lazyOp('aten::reshape'), permute: lazyOp('aten::permute'),
  transpose: lazyOp('aten::transpose', 'int'), t: lazyOp('aten::t'),
  squeeze: lazyOp('aten::squeeze'), squeezeDim: lazyOp('aten::squeeze', 'dim'), unsqueeze: lazyOp('aten::unsqueeze'),
  flatten: lazyOp('aten::flatten', 'using_ints'), expand: lazyOp('aten::expand'), repeat: lazyOp('aten::repeat'),
  narrow: lazyOp('aten::narrow'), select: lazyOp('aten::select', 'int'), slice: lazyOp('aten::slice', 'Tensor'),
  split: lazyOp('aten::split', 'Tensor'), splitSizes: lazyOp('aten::split_with_sizes'), chunk: lazyOp('aten::chunk'),
  gather: lazyOp('aten::gather'), indexSelect: lazyOp('aten::index_select'),
  maskedFillS: lazyOp('aten::masked_fill', 'Scalar'), maskedFillT: lazyOp('aten::masked_fill', 'Tensor'),
  toDtype: lazyOp('aten::to', 'dtype'), toDevice: lazyOp('aten::to', 'device'),
  clone: lazyOp('aten::clone'), detach: lazyOp('aten::detach'), contiguous: lazyOp('aten::contiguous'),
};

/**
 * Hand-written methods hand PyTorch's keyword arguments (rounding_mode, alpha, correction …)
 * to the generated layer (lib/generated), which knows every overload of the op.
 */
const GEN = {
  add: generatedMethod(TENSOR_METHODS.add), sub: generatedMethod(TENSOR_METHODS.sub), div: generatedMethod(TENSOR_METHODS.div),
  add_: generatedMethod(TENSOR_METHODS.add_), sub_: generatedMethod(TENSOR_METHODS.sub_), div_: generatedMethod(TENSOR_METHODS.div_),
  std: generatedMethod(TENSOR_METHODS.std), var: generatedMethod(TENSOR_METHODS.var),
  clamp: generatedMethod(TENSOR_METHODS.clamp), clamp_: generatedMethod(TENSOR_METHODS.clamp_),
  max: generatedMethod(TENSOR_METHODS.max), min: generatedMethod(TENSOR_METHODS.min),
};

export interface ClampOptions { min?: Operand | null; max?: Operand | null }
export type RoundingMode = 'trunc' | 'floor' | null;
/** `alpha` of add/sub: PyTorch's keyword `{ alpha }`, or (as svf-torch always took it) a number. */
export type AlphaOption = number | { alpha?: Scalar };


function alphaOptions(alpha: AlphaOption | undefined, name: string): { alpha?: Scalar } | undefined {
  if (alpha === undefined) return undefined;
  if (typeof alpha === 'number') return { alpha };
  if (!isPlainObject(alpha)) throw new TypeError(`${name}(other, options): options must be { alpha } or a number`);
  return alpha;
}

/** Reductions' `(dim?, keepdim?, { dtype })`, also as `({ dtype })` or `(dim, { keepdim, dtype })`, as Python's keywords allow. */
function reductionArgs(dim: unknown, keepdim: unknown, opts: unknown, name: string): [number | number[] | undefined, boolean, { dtype?: DType }] {
  let o: Record<string, unknown> = isPlainObject(opts) ? opts : {};
  if (opts !== undefined && !isPlainObject(opts)) throw new TypeError(`${name}: options must be an object`);
  if (isPlainObject(dim)) { o = { ...dim, ...o }; dim = undefined; }
  if (isPlainObject(keepdim)) { o = { ...keepdim, ...o }; keepdim = undefined; }
  for (const k of Object.keys(o)) {
    if (k !== 'dtype' && k !== 'keepdim' && k !== 'dim') throw new TypeError(`${name}(): unknown option '${k}'`);
  }
  if (o.dim !== undefined) dim = o.dim;
  if (o.keepdim !== undefined) keepdim = o.keepdim;
  return [dim === null ? undefined : (dim as number | number[] | undefined), (keepdim ?? false) as boolean, { dtype: o.dtype as DType | undefined }];
}





/** Module-private: only wrap() can say that a handle came straight from the addon. */
const FROM_NATIVE: unique symbol = Symbol('svf-torch handle from the addon');

export interface StdVarOptions {
  unbiased?: boolean;
  keepdim?: boolean;
  /** Bessel's correction as PyTorch ≥ 1.10: 0 = biased, 1 = unbiased. */
  correction?: number | null;
}

export class Tensor implements Disposable {
  private _h: TensorHandle | null;
  /** Registered with the GC backstop (lib/memory.ts): once is enough. */
  private _collectable = false;
  /** The tidy scope that owns this tensor, or null (lib/memory.ts). */
  [SCOPE]: Scope | null = null;

  /**
   * Wraps a native handle; library-internal (users create tensors with torch.tensor & co).
   * wrap() passes FROM_NATIVE for handles the addon just returned, which skips the check (a
   * native call) on the path every op result takes.
   */
  constructor(handle: TensorHandle, origin?: typeof FROM_NATIVE) {
    if (origin === FROM_NATIVE ? handle == null : !native.isHandle(handle)) throw new TypeError('Tensor: expected a native tensor handle');
    this._h = handle;
    if (!track(this)) this.collectable(handle);
  }

  private collectable(h: TensorHandle): void {
    if (this._collectable) return;
    this._collectable = true;
    disposeWhenCollected(this, h);
  }

  /** The native handle; throws once disposed. */
  get handle(): TensorHandle {
    if (this._h === null) throw new TorchError('this tensor was disposed and cannot be used');
    return this._h;
  }

  // ---- memory ------------------------------------------------------------------------------
  dispose(): void {
    if (this._h !== null) {
      native.dispose(this._h);
      this._h = null;
    }
  }
  [Symbol.dispose](): void {
    this.dispose();
  }
  /** Left every tidy scope: the addon reports its bytes to V8 now (see lib/memory.ts). */
  escaped(): void {
    if (this._h === null) return;
    native.reportExternal(this._h);
    this.collectable(this._h);
  }
  get isDisposed(): boolean {
    return this._h === null;
  }

  // ---- properties ----------------------------------------------------------------------------
  get shape(): number[] { return native.shape(this.handle); }
  get dtype(): DType { return dtypeName(native.dtype(this.handle)); }
  get device(): Device { return native.device(this.handle) as Device; }
  get ndim(): number { return native.ndim(this.handle); }
  dim(): number { return this.ndim; }
  size(dim?: number): number | number[] {
    const s = this.shape;
    if (dim === undefined) return s;
    checkInt(dim, 'dim');
    const d = dim < 0 ? dim + s.length : dim;
    if (d < 0 || d >= s.length) throw new RangeError(`dim ${dim} out of range for a ${s.length}-d tensor`);
    return s[d];
  }
  numel(): number { return native.numel(this.handle); }
  stride(): number[] { return native.strides(this.handle); }
  isContiguous(): boolean { return native.isContiguous(this.handle); }
  get isCuda(): boolean { return this.device.startsWith('cuda'); }

  // ---- autograd ------------------------------------------------------------------------------
  get requiresGrad(): boolean { return native.requiresGrad(this.handle); }
  set requiresGrad(flag: boolean) { this.requiresGrad_(flag); }
  requiresGrad_(flag = true): this {
    if (typeof flag !== 'boolean') throw new TypeError('requiresGrad_(flag): flag must be a boolean');
    native.setRequiresGrad(this.handle, flag);
    return this;
  }
  /** The accumulated gradient (a new handle to the same tensor each read), or null. */
  get grad(): Tensor | null {
    const g = native.grad(this.handle);
    return g === null ? null : wrap(g);
  }
  set grad(g: Tensor | null) {
    if (g !== null && !(g instanceof Tensor)) throw new TypeError('grad must be a Tensor or null');
    native.setGrad(this.handle, g === null ? null : g.handle);
  }
  get isLeaf(): boolean { return native.isLeaf(this.handle); }
  get gradFn(): string | null { return native.gradFnName(this.handle); }
  retainGrad(): this { native.retainGrad(this.handle); return this; }
  backward(gradient?: Tensor | null, opts: { retainGraph?: boolean; createGraph?: boolean } = {}): void {
    if (gradient != null && !(gradient instanceof Tensor)) throw new TypeError('backward(gradient): gradient must be a Tensor');
    const o = options(opts, 'backward', ['retainGraph', 'createGraph']);
    native.backward(this.handle, gradient ? gradient.handle : null, o.retainGraph, o.createGraph ?? false);
  }

  // ---- data out ------------------------------------------------------------------------------
  /** A copy of the elements (from any device) as the dtype's typed array; float16/bfloat16 widen to Float32Array. */
  data(): TypedArray {
    const dtype = this.dtype;
    if (dtype === 'float16' || dtype === 'bfloat16') {
      const f = this.to('float32');
      try { return f.data(); } finally { f.dispose(); }
    }
    return typedArrayFor(dtype, native.toBuffer(this.handle));
  }
  dataSync(): TypedArray { return this.data(); }
  /** Nested JS arrays (int64 as bigint, bool as boolean). */
  toArray(): NestedArray {
    const flat = this.data();
    const dtype = this.dtype;
    const get = (i: number): number | bigint | boolean => (dtype === 'bool' ? flat[i] !== 0 : (flat[i] as number | bigint));
    const shape = this.shape;
    if (shape.length === 0) return get(0);
    let index = 0;
    const build = (d: number): NestedArray[] => {
      const out: NestedArray[] = [];
      for (let i = 0; i < shape[d]; i++) out.push(d === shape.length - 1 ? get(index++) : build(d + 1));
      return out;
    };
    return build(0);
  }
  item(): number | boolean { return native.item(this.handle); }
  toString(): string { return native.toString(this.handle); }
  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return this.isDisposed ? 'Tensor <disposed>' : `Tensor(${JSON.stringify(this.shape)}, ${this.dtype}, ${this.device})\n${this.toString()}`;
  }

  // ---- movement ------------------------------------------------------------------------------
  to(target: Device | DType | { device?: Device; dtype?: DType }, opts: { copy?: boolean; nonBlocking?: boolean } = {}): Tensor {
    let device: Device | undefined;
    let dtype: DType | undefined;
    if (typeof target === 'string') {
      if (isDType(target)) dtype = target;
      else device = checkDevice(target, 'to(target)');
    } else if (target && typeof target === 'object') {
      const t = options(target, 'to', ['device', 'dtype']);
      if (t.device !== undefined) device = checkDevice(t.device, 'to({device})');
      if (t.dtype !== undefined) dtype = t.dtype;
    } else {
      throw new TypeError("to(target): target must be a device, a dtype or { device, dtype }");
    }
    const o = options(opts, 'to', ['copy', 'nonBlocking']);
    const nb = o.nonBlocking ?? false;
    const copy = o.copy ?? false;
    if (device !== undefined) {
      const code = dtype !== undefined ? dtypeCode(dtype) : native.dtype(this.handle);
      return wrap(native.callOp(O.toDevice(), this.handle, device, code, nb, copy));
    }
    if (dtype !== undefined) return wrap(native.callOp(O.toDtype(), this.handle, dtypeCode(dtype), nb, copy));
    return wrap(native.callOp(O.detach(), this.handle)); // to({}) — PyTorch returns self; a new alias here
  }
  cpu(): Tensor { return this.to('cpu'); }
  cuda(device: number | Device = 'cuda'): Tensor {
    return this.to(typeof device === 'number' ? (`cuda:${checkInt(device, 'device')}` as Device) : device);
  }
  float(): Tensor { return this.to('float32'); }
  double(): Tensor { return this.to('float64'); }
  half(): Tensor { return this.to('float16'); }
  long(): Tensor { return this.to('int64'); }
  int(): Tensor { return this.to('int32'); }
  bool(): Tensor { return this.to('bool'); }
  clone(): Tensor { return wrap(native.callOp(O.clone(), this.handle)); }
  detach(): Tensor { return wrap(native.callOp(O.detach(), this.handle)); }
  contiguous(): Tensor { return wrap(native.callOp(O.contiguous(), this.handle)); }

  // ---- shape ---------------------------------------------------------------------------------
  view(...shape: (number | number[])[]): Tensor { return wrap(native.callOp(O.view(), this.handle, shapeArgs(shape, 'view(shape)'))); }
  reshape(...shape: (number | number[])[]): Tensor { return wrap(native.callOp(O.reshape(), this.handle, shapeArgs(shape, 'reshape(shape)'))); }
  permute(...dims: (number | number[])[]): Tensor { return wrap(native.callOp(O.permute(), this.handle, shapeArgs(dims, 'permute(dims)'))); }
  transpose(dim0: number, dim1: number): Tensor {
    return wrap(native.callOp(O.transpose(), this.handle, checkInt(dim0, 'dim0'), checkInt(dim1, 'dim1')));
  }
  t(): Tensor { return wrap(native.callOp(O.t(), this.handle)); }
  get T(): Tensor { return this.ndim <= 2 ? this.t() : this.permute([...Array(this.ndim).keys()].reverse()); }
  squeeze(dim?: number): Tensor {
    if (dim === undefined) return wrap(native.callOp(O.squeeze(), this.handle));
    return wrap(native.callOp(O.squeezeDim(), this.handle, checkInt(dim, 'dim')));
  }
  unsqueeze(dim: number): Tensor { return wrap(native.callOp(O.unsqueeze(), this.handle, checkInt(dim, 'dim'))); }
  flatten(startDim = 0, endDim = -1): Tensor {
    return wrap(native.callOp(O.flatten(), this.handle, checkInt(startDim, 'startDim'), checkInt(endDim, 'endDim')));
  }
  expand(...shape: (number | number[])[]): Tensor { return wrap(native.callOp(O.expand(), this.handle, shapeArgs(shape, 'expand(shape)'))); }
  expandAs(other: Tensor): Tensor { return this.expand(asTensor(other, 'other').shape); }
  repeat(...reps: (number | number[])[]): Tensor { return wrap(native.callOp(O.repeat(), this.handle, shapeArgs(reps, 'repeat(repeats)'))); }
  narrow(dim: number, start: number, length: number): Tensor {
    return wrap(native.callOp(O.narrow(), this.handle, checkInt(dim, 'dim'), checkInt(start, 'start'), checkInt(length, 'length')));
  }
  select(dim: number, index: number): Tensor {
    return wrap(native.callOp(O.select(), this.handle, checkInt(dim, 'dim'), checkInt(index, 'index')));
  }
  slice(dim = 0, start?: number | null, end?: number | null, step = 1): Tensor {
    if (start != null) checkInt(start, 'start');
    if (end != null) checkInt(end, 'end');
    return wrap(native.callOp(O.slice(), this.handle, checkInt(dim, 'dim'), start ?? null, end ?? null, checkInt(step, 'step')));
  }
  split(splitSize: number | number[], dim = 0): Tensor[] {
    const r = Array.isArray(splitSize)
      ? native.callOp(O.splitSizes(), this.handle, checkInts(splitSize, 'splitSizes'), checkInt(dim, 'dim'))
      : native.callOp(O.split(), this.handle, checkInt(splitSize, 'splitSize'), checkInt(dim, 'dim'));
    return (r as TensorHandle[]).map(wrap);
  }
  chunk(chunks: number, dim = 0): Tensor[] {
    return (native.callOp(O.chunk(), this.handle, checkInt(chunks, 'chunks'), checkInt(dim, 'dim')) as TensorHandle[]).map(wrap);
  }
  gather(dim: number, index: Tensor): Tensor {
    return wrap(native.callOp(O.gather(), this.handle, checkInt(dim, 'dim'), asTensor(index, 'index').handle));
  }
  indexSelect(dim: number, index: Tensor): Tensor {
    return wrap(native.callOp(O.indexSelect(), this.handle, checkInt(dim, 'dim'), asTensor(index, 'index').handle));
  }
  maskedFill(mask: Tensor, value: Operand): Tensor {
    const m = asTensor(mask, 'mask').handle;
    if (value instanceof Tensor) return wrap(native.callOp(O.maskedFillT(), this.handle, m, value.handle));
    if (!isScalar(value)) throw new TypeError('maskedFill(mask, value): value must be a number or a Tensor');
    return wrap(native.callOp(O.maskedFillS(), this.handle, m, value));
  }

  // ---- math ----------------------------------------------------------------------------------
  /** self + alpha·other; `alpha` as PyTorch's keyword (`{ alpha: 2 }`) or a plain number. */
  add(other: Operand, alpha?: AlphaOption): Tensor {
    if (alpha === undefined) return binary(this, other, O.add, O.addS, 'add');
    return GEN.add.call(this, other, alphaOptions(alpha, 'add')) as Tensor;
  }
  sub(other: Operand, alpha?: AlphaOption): Tensor {
    if (alpha === undefined) return binary(this, other, O.sub, O.subS, 'sub');
    return GEN.sub.call(this, other, alphaOptions(alpha, 'sub')) as Tensor;
  }
  mul(other: Operand): Tensor { return binary(this, other, O.mul, O.mulS, 'mul'); }
  /** self / other; `{ roundingMode: 'trunc' | 'floor' }` as torch.div. */
  div(other: Operand, options?: { roundingMode?: RoundingMode }): Tensor {
    if (options === undefined) return binary(this, other, O.div, O.divS, 'div');
    return GEN.div.call(this, other, options) as Tensor;
  }
  pow(exponent: Operand): Tensor { return binary(this, exponent, O.pow, O.powS, 'pow'); }
  neg(): Tensor { return unary(this, O.neg); }
  sqrt(): Tensor { return unary(this, O.sqrt); }
  rsqrt(): Tensor { return unary(this, O.rsqrt); }
  exp(): Tensor { return unary(this, O.exp); }
  log(): Tensor { return unary(this, O.log); }
  abs(): Tensor { return unary(this, O.abs); }
  sign(): Tensor { return unary(this, O.sign); }
  sigmoid(): Tensor { return unary(this, O.sigmoid); }
  tanh(): Tensor { return unary(this, O.tanh); }
  relu(): Tensor { return unary(this, O.relu); }
  clamp(min?: Operand | null | ClampOptions, max?: Operand | null): Tensor {
    if (isPlainObject(min)) return GEN.clamp.call(this, min) as Tensor;
    if (min instanceof Tensor || max instanceof Tensor) {
      const lo = min == null ? null : asTensor(min, 'min').handle;
      const hi = max == null ? null : asTensor(max, 'max').handle;
      return wrap(native.callOp(O.clampT(), this.handle, lo, hi));
    }
    return wrap(native.callOp(O.clamp(), this.handle, optScalar(min, 'min'), optScalar(max, 'max')));
  }
  matmul(other: Tensor): Tensor { return wrap(native.callOp(O.matmul(), this.handle, asTensor(other, 'other').handle)); }
  mm(other: Tensor): Tensor { return wrap(native.callOp(O.mm(), this.handle, asTensor(other, 'other').handle)); }
  bmm(other: Tensor): Tensor { return wrap(native.callOp(O.bmm(), this.handle, asTensor(other, 'other').handle)); }

  // ---- reductions ----------------------------------------------------------------------------
  sum(options?: { dim?: number | number[] | null; keepdim?: boolean; dtype?: DType | null }): Tensor;
  sum(dim: number | number[] | null | undefined, options?: { keepdim?: boolean; dtype?: DType | null }): Tensor;
  sum(dim: number | number[] | null | undefined, keepdim?: boolean, options?: { dtype?: DType | null }): Tensor;
  sum(d?: unknown, k?: unknown, o?: unknown): Tensor {
    const [dim, keepdim, opts] = reductionArgs(d, k, o, 'sum');
    const dims = optDims(dim, 'dim');
    const dtype = options(opts, 'sum', ['dtype']).dtype;
    const dt = dtype != null ? dtypeCode(dtype) : null;
    if (dims === undefined) return wrap(native.callOp(O.sum(), this.handle, dt));
    return wrap(native.callOp(O.sumDim(), this.handle, dims, checkBool(keepdim, 'keepdim'), dt));
  }
  mean(options?: { dim?: number | number[] | null; keepdim?: boolean; dtype?: DType | null }): Tensor;
  mean(dim: number | number[] | null | undefined, options?: { keepdim?: boolean; dtype?: DType | null }): Tensor;
  mean(dim: number | number[] | null | undefined, keepdim?: boolean, options?: { dtype?: DType | null }): Tensor;
  mean(d?: unknown, k?: unknown, o?: unknown): Tensor {
    const [dim, keepdim, opts] = reductionArgs(d, k, o, 'mean');
    const dims = optDims(dim, 'dim');
    const dtype = options(opts, 'mean', ['dtype']).dtype;
    const dt = dtype != null ? dtypeCode(dtype) : null;
    if (dims === undefined) return wrap(native.callOp(O.mean(), this.handle, dt));
    return wrap(native.callOp(O.meanDim(), this.handle, dims, checkBool(keepdim, 'keepdim'), dt));
  }
  /** max() → the largest element; max(dim) → { values, indices }; max(tensor) → elementwise maximum. */
  max(): Tensor;
  max(dim: number, keepdim?: boolean): { values: Tensor; indices: Tensor };
  max(other: Tensor): Tensor;
  max(dim: number, options: { keepdim?: boolean }): { values: Tensor; indices: Tensor };
  max(dim?: number | Tensor, keepdim: boolean | { keepdim?: boolean } = false): Tensor | { values: Tensor; indices: Tensor } {
    if (typeof keepdim !== 'boolean') return GEN.max.call(this, dim, keepdim) as { values: Tensor; indices: Tensor };
    return minMax(this, dim, keepdim, O.max, O.maxDim, O.maximum);
  }
  min(): Tensor;
  min(dim: number, keepdim?: boolean): { values: Tensor; indices: Tensor };
  min(other: Tensor): Tensor;
  min(dim: number, options: { keepdim?: boolean }): { values: Tensor; indices: Tensor };
  min(dim?: number | Tensor, keepdim: boolean | { keepdim?: boolean } = false): Tensor | { values: Tensor; indices: Tensor } {
    if (typeof keepdim !== 'boolean') return GEN.min.call(this, dim, keepdim) as { values: Tensor; indices: Tensor };
    return minMax(this, dim, keepdim, O.min, O.minDim, O.minimum);
  }
  argmax(dim?: number, keepdim = false): Tensor {
    return wrap(native.callOp(O.argmax(), this.handle, dim === undefined ? null : checkInt(dim, 'dim'), checkBool(keepdim, 'keepdim')));
  }
  argmin(dim?: number, keepdim = false): Tensor {
    return wrap(native.callOp(O.argmin(), this.handle, dim === undefined ? null : checkInt(dim, 'dim'), checkBool(keepdim, 'keepdim')));
  }
  /** True where every element (over `dim`, or all) is non-zero; a bool tensor. */
  all(dim?: number, keepdim = false): Tensor {
    if (dim === undefined) return unary(this, O.all);
    return wrap(native.callOp(O.allDim(), this.handle, checkInt(dim, 'dim'), checkBool(keepdim, 'keepdim')));
  }
  any(dim?: number, keepdim = false): Tensor {
    if (dim === undefined) return unary(this, O.any);
    return wrap(native.callOp(O.anyDim(), this.handle, checkInt(dim, 'dim'), checkBool(keepdim, 'keepdim')));
  }
  /** std(dim?, { unbiased = true, keepdim = false }); PyTorch's other forms (`{ correction }`, positional unbiased) too. */
  std(dim?: number | number[] | null, opts?: StdVarOptions | boolean, keepdim?: boolean): Tensor {
    if (typeof opts === 'object' && opts !== null && !('correction' in opts) && keepdim === undefined && dim !== null) return stdVar(this, dim, options(opts, 'std', ['unbiased', 'keepdim']), O.std, O.stdDim);
    if (opts === undefined && keepdim === undefined && dim !== null) return stdVar(this, dim, {}, O.std, O.stdDim);
    return GEN.std.call(this, ...[dim, opts, keepdim].filter((v) => v !== undefined)) as Tensor;
  }
  var(dim?: number | number[] | null, opts?: StdVarOptions | boolean, keepdim?: boolean): Tensor {
    if (typeof opts === 'object' && opts !== null && !('correction' in opts) && keepdim === undefined && dim !== null) return stdVar(this, dim, options(opts, 'var', ['unbiased', 'keepdim']), O.var, O.varDim);
    if (opts === undefined && keepdim === undefined && dim !== null) return stdVar(this, dim, {}, O.var, O.varDim);
    return GEN.var.call(this, ...[dim, opts, keepdim].filter((v) => v !== undefined)) as Tensor;
  }
  /** The vector p-norm over `dim` (all elements when omitted), as Tensor.norm(p, dim, keepdim). */
  norm(p: number | 'fro' | 'nuc' = 2, dim?: number | number[], keepdim = false): Tensor {
    // torch.norm's string orders: 'fro' is the 2-norm of the entries, 'nuc' the nuclear norm of matrices
    if (p === 'fro') p = 2;
    if (p === 'nuc') return wrap(native.callOp(O.matrixNormStr(), this.handle, 'nuc', optDims(dim, 'dim') ?? [-2, -1], checkBool(keepdim, 'keepdim')));
    if (typeof p !== 'number') throw new TypeError("norm(p): p must be a number, 'fro' or 'nuc'");
    return wrap(native.callOp(O.vnorm(), this.handle, p, optDims(dim, 'dim') ?? null, checkBool(keepdim, 'keepdim')));
  }

  // ---- comparison and logic ------------------------------------------------------------------
  eq(other: Operand): Tensor { return binary(this, other, O.eq, O.eqS, 'eq'); }
  ne(other: Operand): Tensor { return binary(this, other, O.ne, O.neS, 'ne'); }
  lt(other: Operand): Tensor { return binary(this, other, O.lt, O.ltS, 'lt'); }
  le(other: Operand): Tensor { return binary(this, other, O.le, O.leS, 'le'); }
  gt(other: Operand): Tensor { return binary(this, other, O.gt, O.gtS, 'gt'); }
  ge(other: Operand): Tensor { return binary(this, other, O.ge, O.geS, 'ge'); }
  logicalAnd(other: Tensor): Tensor { return wrap(native.callOp(O.land(), this.handle, asTensor(other, 'other').handle)); }
  logicalOr(other: Tensor): Tensor { return wrap(native.callOp(O.lor(), this.handle, asTensor(other, 'other').handle)); }
  logicalNot(): Tensor { return unary(this, O.lnot); }
  allclose(other: Tensor, opts: { rtol?: number; atol?: number; equalNan?: boolean } = {}): boolean {
    const o = options(opts, 'allclose', ['rtol', 'atol', 'equalNan']);
    return native.callOp(O.allclose(), this.handle, asTensor(other, 'other').handle, o.rtol ?? 1e-5, o.atol ?? 1e-8, o.equalNan ?? false) as boolean;
  }
  equal(other: Tensor): boolean { return native.callOp(O.equal(), this.handle, asTensor(other, 'other').handle) as boolean; }
  softmax(dim: number, opts: { dtype?: DType } = {}): Tensor {
    const dtype = options(opts, 'softmax', ['dtype']).dtype;
    return wrap(native.callOp(O.softmax(), this.handle, checkInt(dim, 'dim'), dtype ? dtypeCode(dtype) : null));
  }
  logSoftmax(dim: number, opts: { dtype?: DType } = {}): Tensor {
    const dtype = options(opts, 'logSoftmax', ['dtype']).dtype;
    return wrap(native.callOp(O.logSoftmax(), this.handle, checkInt(dim, 'dim'), dtype ? dtypeCode(dtype) : null));
  }

  // ---- in place ------------------------------------------------------------------------------
  add_(other: Operand, alpha?: AlphaOption): this {
    if (alpha === undefined || typeof alpha === 'number') return inplace(this, other, O.add_, O.addS_, 'add_', alpha);
    GEN.add_.call(this, other, alphaOptions(alpha, 'add_'));
    return this;
  }
  sub_(other: Operand, alpha?: AlphaOption): this {
    if (alpha === undefined || typeof alpha === 'number') return inplace(this, other, O.sub_, O.subS_, 'sub_', alpha);
    GEN.sub_.call(this, other, alphaOptions(alpha, 'sub_'));
    return this;
  }
  mul_(other: Operand): this { return inplace(this, other, O.mul_, O.mulS_, 'mul_'); }
  div_(other: Operand, options?: { roundingMode?: RoundingMode }): this {
    if (options === undefined) return inplace(this, other, O.div_, O.divS_, 'div_');
    GEN.div_.call(this, other, options);
    return this;
  }
  zero_(): this { native.callOp(O.zero_(), this.handle); return this; }
  fill_(value: Scalar): this {
    if (!isScalar(value)) throw new TypeError('fill_(value): value must be a number or boolean');
    native.callOp(O.fill_(), this.handle, value);
    return this;
  }
  copy_(src: Tensor, nonBlocking = false): this {
    native.callOp(O.copy_(), this.handle, asTensor(src, 'src').handle, checkBool(nonBlocking, 'nonBlocking'));
    return this;
  }
  clamp_(min?: Scalar | null | ClampOptions, max?: Scalar | null): this {
    if (isPlainObject(min)) { GEN.clamp_.call(this, min); return this; }
    native.callOp(O.clamp_(), this.handle, optScalar(min, 'min'), optScalar(max, 'max'));
    return this;
  }
}

// ---- helpers shared by the methods above and by functions.ts -----------------------------------

/** A handle the addon returned (an op result): wrapped without asking the addon again. */
export function wrap(h: TensorHandle): Tensor {
  return new Tensor(h, FROM_NATIVE);
}

export function asTensor(v: unknown, what: string): Tensor {
  if (!(v instanceof Tensor)) throw new TypeError(`${what} must be a Tensor`);
  return v;
}



function unary(self: Tensor, id: () => number): Tensor {
  return wrap(native.callOp(id(), self.handle));
}

function binary(self: Tensor, other: Operand, tId: () => number, sId: () => number, name: string, alpha?: number): Tensor {
  if (alpha !== undefined && typeof alpha !== 'number') throw new TypeError(`${name}(other, alpha): alpha must be a number`);
  if (other instanceof Tensor) return wrap(alpha === undefined ? native.callOp(tId(), self.handle, other.handle) : native.callOp(tId(), self.handle, other.handle, alpha));
  if (isScalar(other)) return wrap(alpha === undefined ? native.callOp(sId(), self.handle, other) : native.callOp(sId(), self.handle, other, alpha));
  throw new TypeError(`${name}(other): other must be a Tensor or a number`);
}

function inplace<T extends Tensor>(self: T, other: Operand, tId: () => number, sId: () => number, name: string, alpha?: number): T {
  if (alpha !== undefined && typeof alpha !== 'number') throw new TypeError(`${name}(other, alpha): alpha must be a number`);
  const rest = alpha === undefined ? [] : [alpha]; // mul_/div_ take no alpha
  if (other instanceof Tensor) native.callOp(tId(), self.handle, other.handle, ...rest);
  else if (isScalar(other)) native.callOp(sId(), self.handle, other, ...rest);
  else throw new TypeError(`${name}(other): other must be a Tensor or a number`);
  return self;
}

function minMax(
  self: Tensor, dim: number | Tensor | undefined, keepdim: boolean,
  all: () => number, byDim: () => number, elementwise: () => number,
): Tensor | { values: Tensor; indices: Tensor } {
  if (dim === undefined) return wrap(native.callOp(all(), self.handle));
  if (dim instanceof Tensor) return wrap(native.callOp(elementwise(), self.handle, dim.handle));
  const [values, indices] = native.callOp(byDim(), self.handle, checkInt(dim, 'dim'), checkBool(keepdim, 'keepdim')) as TensorHandle[];
  return namedResult(['values', 'indices'], [wrap(values), wrap(indices)]) as { values: Tensor; indices: Tensor };
}

function stdVar(
  self: Tensor, dim: number | number[] | undefined, opts: { unbiased?: boolean; keepdim?: boolean },
  all: () => number, byDim: () => number,
): Tensor {
  const unbiased = checkBool(opts.unbiased ?? true, 'unbiased');
  const dims = optDims(dim, 'dim');
  if (dims === undefined && !opts.keepdim) return wrap(native.callOp(all(), self.handle, unbiased));
  return wrap(native.callOp(byDim(), self.handle, dims ?? null, unbiased, checkBool(opts.keepdim ?? false, 'keepdim')));
}
