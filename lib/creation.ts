/**
 * Tensor creation with PyTorch's defaults: float32 for floating data, int64 for integral
 * data (as `torch.tensor([1, 2])`), bool for booleans; `opts = { dtype, device, requiresGrad }`.
 */
import { checkDevice, Device } from './device';
import { DType, dtypeCode, dtypeOfTypedArray, isDType } from './dtype';
import { native, TensorHandle } from './native';
import { lazyOp } from './ops';
import { NestedArray, Scalar, shapeArgs, Tensor, wrap } from './tensor';

export interface TensorOptions {
  dtype?: DType;
  device?: Device;
  requiresGrad?: boolean;
}

const O = {
  zeros: lazyOp('aten::zeros'), ones: lazyOp('aten::ones'), empty: lazyOp('aten::empty', 'memory_format'),
  full: lazyOp('aten::full'), randn: lazyOp('aten::randn'), rand: lazyOp('aten::rand'),
  randint: lazyOp('aten::randint', 'low'), arange: lazyOp('aten::arange', 'start_step'),
  linspace: lazyOp('aten::linspace'), eye: lazyOp('aten::eye'), eyeM: lazyOp('aten::eye', 'm'),
  zerosLike: lazyOp('aten::zeros_like'), onesLike: lazyOp('aten::ones_like'), randnLike: lazyOp('aten::randn_like'),
  fullLike: lazyOp('aten::full_like'), randLike: lazyOp('aten::rand_like'),
  toDevice: lazyOp('aten::to', 'device'),
};

function checkOptions(opts: TensorOptions | undefined): { dtype: number | null; device: Device | null; requiresGrad: boolean } {
  if (opts === undefined || opts === null) return { dtype: null, device: null, requiresGrad: false };
  if (typeof opts !== 'object') throw new TypeError('options must be an object { dtype, device, requiresGrad }');
  if (opts.dtype !== undefined && !isDType(opts.dtype)) dtypeCode(opts.dtype); // throws a TypeError naming it
  if (opts.requiresGrad !== undefined && typeof opts.requiresGrad !== 'boolean') throw new TypeError('requiresGrad must be a boolean');
  return {
    dtype: opts.dtype !== undefined ? dtypeCode(opts.dtype) : null,
    device: opts.device !== undefined ? checkDevice(opts.device) : null,
    requiresGrad: opts.requiresGrad ?? false,
  };
}

function finish(h: TensorHandle, requiresGrad: boolean): Tensor {
  const t = wrap(h);
  if (requiresGrad) native.setRequiresGrad(h, true);
  return t;
}

/** Factory ops share the trailing `dtype, layout, device, pin_memory` keyword arguments. */
function factory(id: () => number, leading: unknown[], opts?: TensorOptions): Tensor {
  const o = checkOptions(opts);
  return finish(native.callOp(id(), ...leading, o.dtype, null, o.device, null), o.requiresGrad);
}

function likeOp(id: () => number, like: Tensor, leading: unknown[], opts?: TensorOptions): Tensor {
  if (!(like instanceof Tensor)) throw new TypeError('expected a Tensor to take the shape of');
  const o = checkOptions(opts);
  return finish(native.callOp(id(), like.handle, ...leading, o.dtype, null, o.device, null, null), o.requiresGrad);
}

type ShapeArg = number[] | number;

/** `f([2, 3], opts)`, or Python's varargs `f(2, 3)` / `f(2, 3, opts)`. */
function sizeArgs(args: unknown[]): [number[], TensorOptions | undefined] {
  const last = args[args.length - 1];
  const opts = last !== null && typeof last === 'object' && !Array.isArray(last) ? (last as TensorOptions) : undefined;
  const dims = opts === undefined ? args : args.slice(0, -1);
  return [dims.length === 1 && Array.isArray(dims[0]) ? shapeOf(dims[0] as number[]) : shapeArgs(dims as number[], 'size'), opts];
}
function shapeOf(shape: ShapeArg): number[] {
  return shapeArgs([shape], 'shape');
}

export function zeros(shape: ShapeArg, opts?: TensorOptions): Tensor;
export function zeros(...size: number[]): Tensor;
export function zeros(...args: unknown[]): Tensor { const [shape, opts] = sizeArgs(args); return factory(O.zeros, [shape], opts); }
export function ones(shape: ShapeArg, opts?: TensorOptions): Tensor;
export function ones(...size: number[]): Tensor;
export function ones(...args: unknown[]): Tensor { const [shape, opts] = sizeArgs(args); return factory(O.ones, [shape], opts); }
export function empty(shape: ShapeArg, opts?: TensorOptions): Tensor;
export function empty(...size: number[]): Tensor;
export function empty(...args: unknown[]): Tensor { const [shape, opts] = sizeArgs(args); return factory(O.empty, [shape], opts); }
export function full(shape: ShapeArg, value: Scalar, opts?: TensorOptions): Tensor {
  if (typeof value !== 'number' && typeof value !== 'boolean') throw new TypeError('full(shape, value): value must be a number');
  return factory(O.full, [shapeOf(shape), value], opts);
}
export function randn(shape: ShapeArg, opts?: TensorOptions): Tensor;
export function randn(...size: number[]): Tensor;
export function randn(...args: unknown[]): Tensor { const [shape, opts] = sizeArgs(args); return factory(O.randn, [shape], opts); }
export function rand(shape: ShapeArg, opts?: TensorOptions): Tensor;
export function rand(...size: number[]): Tensor;
export function rand(...args: unknown[]): Tensor { const [shape, opts] = sizeArgs(args); return factory(O.rand, [shape], opts); }
export function randint(low: number, high: number, shape: ShapeArg, opts?: TensorOptions): Tensor;
/** randint(high, shape): low = 0, as PyTorch. */
export function randint(high: number, shape: ShapeArg, opts?: TensorOptions): Tensor;
export function randint(low: number, high: number | ShapeArg, shape?: ShapeArg | TensorOptions, opts?: TensorOptions): Tensor {
  if (Array.isArray(high)) return randint(0, low, high, shape as TensorOptions | undefined);
  if (typeof shape !== 'number' && !Array.isArray(shape)) throw new TypeError('randint(low, high, shape): shape must be an array of integers');
  if (!Number.isInteger(low) || !Number.isInteger(high)) throw new TypeError('randint(low, high, shape): low and high must be integers');
  const o = checkOptions(opts);
  return finish(native.callOp(O.randint(), low, high, shapeOf(shape), o.dtype ?? dtypeCode('int64'), null, o.device, null), o.requiresGrad);
}
/** arange(end) or arange(start, end, step = 1), integral → int64 as in PyTorch. */
export function arange(start: number, end?: number | TensorOptions, step?: number | TensorOptions, opts?: TensorOptions): Tensor {
  if (typeof end === 'object') { opts = end; end = undefined; }
  if (typeof step === 'object') { opts = step; step = undefined; }
  const [s, e] = end === undefined ? [0, start] : [start, end];
  for (const [v, n] of [[s, 'start'], [e, 'end'], [step ?? 1, 'step']] as [unknown, string][])
    if (typeof v !== 'number' || !Number.isFinite(v)) throw new TypeError(`arange: ${n} must be a finite number`);
  return factory(O.arange, [s, e, step ?? 1], opts);
}
export function linspace(start: number, end: number, steps: number, opts?: TensorOptions): Tensor {
  if (typeof start !== 'number' || typeof end !== 'number') throw new TypeError('linspace: start and end must be numbers');
  if (!Number.isInteger(steps) || steps < 0) throw new RangeError('linspace: steps must be a non-negative integer');
  return factory(O.linspace, [start, end, steps], opts);
}
export function eye(n: number, m?: number | TensorOptions, opts?: TensorOptions): Tensor {
  if (typeof m === 'object') { opts = m; m = undefined; }
  if (!Number.isInteger(n) || n < 0) throw new RangeError('eye(n): n must be a non-negative integer');
  if (m === undefined) return factory(O.eye, [n], opts);
  if (!Number.isInteger(m) || m < 0) throw new RangeError('eye(n, m): m must be a non-negative integer');
  return factory(O.eyeM, [n, m], opts);
}
export function zerosLike(t: Tensor, opts?: TensorOptions): Tensor { return likeOp(O.zerosLike, t, [], opts); }
export function onesLike(t: Tensor, opts?: TensorOptions): Tensor { return likeOp(O.onesLike, t, [], opts); }
export function randnLike(t: Tensor, opts?: TensorOptions): Tensor { return likeOp(O.randnLike, t, [], opts); }
export function randLike(t: Tensor, opts?: TensorOptions): Tensor { return likeOp(O.randLike, t, [], opts); }
export function fullLike(t: Tensor, value: Scalar, opts?: TensorOptions): Tensor { return likeOp(O.fullLike, t, [value], opts); }

// ---- torch.tensor -------------------------------------------------------------------------------

function inferShape(data: NestedArray, shape: number[] = []): number[] {
  if (Array.isArray(data)) {
    shape.push(data.length);
    if (data.length > 0) inferShape(data[0], shape);
  }
  return shape;
}

function flatten(data: NestedArray, shape: number[], depth: number, out: (number | boolean | bigint)[]): void {
  if (depth === shape.length) {
    if (Array.isArray(data)) throw new RangeError('tensor(data): ragged nested arrays (inconsistent lengths)');
    if (typeof data !== 'number' && typeof data !== 'boolean' && typeof data !== 'bigint')
      throw new TypeError(`tensor(data): elements must be numbers, booleans or bigints, got ${typeof data}`);
    out.push(data);
    return;
  }
  if (!Array.isArray(data) || data.length !== shape[depth]) throw new RangeError('tensor(data): ragged nested arrays (inconsistent lengths)');
  for (const d of data) flatten(d, shape, depth + 1, out);
}

/**
 * PyTorch's rules for `torch.tensor(list)`: empty → float32; any non-integral number (or
 * NaN/±Infinity) → float32; else any number/bigint → int64 (booleans among them count as
 * 0/1); only booleans → bool. JS has one number type, so `1.0` is integral here: pass
 * `{ dtype: 'float32' }` for float data that happens to be whole.
 */
function inferDtype(values: (number | boolean | bigint)[]): DType {
  if (values.length === 0) return 'float32';
  let sawNumber = false;
  for (const v of values) {
    if (typeof v === 'number') {
      if (!Number.isInteger(v)) return 'float32';
      sawNumber = true;
    } else if (typeof v === 'bigint') {
      sawNumber = true;
    }
  }
  return sawNumber ? 'int64' : 'bool';
}

function packValues(values: (number | boolean | bigint)[], dtype: DType): ArrayBufferView {
  const n = values.length;
  const num = (v: number | boolean | bigint): number => (typeof v === 'bigint' ? Number(v) : Number(v));
  switch (dtype) {
    case 'float64': return Float64Array.from(values, num);
    case 'int64': return BigInt64Array.from(values, (v) => (typeof v === 'bigint' ? v : BigInt(Math.trunc(Number(v)))));
    case 'int32': return Int32Array.from(values, num);
    case 'int16': return Int16Array.from(values, num);
    case 'int8': return Int8Array.from(values, num);
    case 'uint8': return Uint8Array.from(values, num);
    case 'bool': return Uint8Array.from(values, (v) => (num(v) !== 0 ? 1 : 0));
    default: {
      const a = new Float32Array(n);
      for (let i = 0; i < n; i++) a[i] = num(values[i]);
      return a;
    }
  }
}

export interface TensorDataOptions extends TensorOptions {
  /** The shape of flat typed-array data (default: 1-D). */
  shape?: number[];
}

/**
 * torch.tensor: nested arrays, a scalar, or a TypedArray with `{ shape }` (BigInt64Array for
 * int64). Always copies the data.
 */
export function tensor(data: NestedArray | ArrayBufferView | Tensor, opts: TensorDataOptions = {}): Tensor {
  const o = checkOptions(opts);
  let handle: TensorHandle;
  let storedDtype: DType;
  if (data instanceof Tensor) {
    handle = native.callOp(O.toDevice(), data.detach().handle, native.device(data.handle), native.dtype(data.handle), false, true);
    storedDtype = data.dtype;
  } else if (ArrayBuffer.isView(data)) {
    const dt = dtypeOfTypedArray(data);
    if (dt === undefined) throw new TypeError('tensor(data): unsupported typed array (use Float32Array, Float64Array, BigInt64Array, Int32Array, Int16Array, Int8Array or Uint8Array)');
    const length = (data as unknown as { length: number }).length;
    const shape = opts.shape !== undefined ? shapeArgs([opts.shape], 'shape') : [length];
    if (shape.reduce((a, b) => a * b, 1) !== length)
      throw new RangeError(`tensor(data, {shape}): shape [${shape}] needs ${shape.reduce((a, b) => a * b, 1)} elements, data has ${length}`);
    handle = native.fromBuffer(data, shape, dtypeCode(dt));
    storedDtype = dt;
  } else {
    if (opts.shape !== undefined) throw new TypeError('tensor(data, {shape}): shape applies to typed arrays only');
    const shape = inferShape(data);
    const values: (number | boolean | bigint)[] = [];
    flatten(data, shape, 0, values);
    storedDtype = opts.dtype === 'float16' || opts.dtype === 'bfloat16' ? 'float32' : opts.dtype ?? inferDtype(values);
    handle = native.fromBuffer(packValues(values, storedDtype), shape, dtypeCode(storedDtype));
  }
  let t = wrap(handle);
  const want = opts.dtype ?? storedDtype;
  if (want !== storedDtype || (o.device !== null && o.device !== 'cpu')) {
    const moved = t.to({ dtype: want, device: o.device ?? (t.device as Device) });
    t.dispose();
    t = moved;
  }
  if (o.requiresGrad) t.requiresGrad_(true);
  return t;
}

/** A tensor from raw little-endian bytes (no inference): what file readers use. */
export function fromBytes(bytes: ArrayBufferView | ArrayBuffer, shape: number[], dtype: DType): Tensor {
  return wrap(native.fromBuffer(bytes, shapeArgs([shape], 'shape'), dtypeCode(dtype)));
}
