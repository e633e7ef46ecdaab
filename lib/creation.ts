/**
 * Tensor creation with PyTorch's defaults: float32 for floating data, int64 for integral
 * data (as `torch.tensor([1, 2])`), bool for booleans; `opts = { dtype, device, requiresGrad }`.
 */
import { checkDevice, Device } from './device';
import { DType, dtypeCode, dtypeOfTypedArray, isDType } from './dtype';
import { native, TensorHandle } from './native';
import * as G from './generated/torch';
import { NestedArray, Scalar, shapeArgs, Tensor, wrap } from './tensor';

export interface TensorOptions {
  dtype?: DType;
  device?: Device;
  requiresGrad?: boolean;
}

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

// zeros, ones, empty, full, rand(n), randint, arange, the *Like factories … are the generated ops
// (lib/generated/torch.ts): they take Python's varargs sizes and { dtype, device, requiresGrad }.
// Re-exported here for the library's own imports (the same bindings as torch.*).
export { zeros, ones, empty, full, rand, randn, randint, arange, zerosLike, onesLike, randLike, randnLike, fullLike } from './generated/torch';
// linspace and eye are hand-written only to reject a negative count as a RangeError before LibTorch.

export function linspace(start: number, end: number, steps: number, opts?: TensorOptions): Tensor {
  if (typeof start !== 'number' || typeof end !== 'number') throw new TypeError('linspace: start and end must be numbers');
  if (!Number.isInteger(steps) || steps < 0) throw new RangeError('linspace: steps must be a non-negative integer');
  return opts === undefined ? G.linspace(start, end, steps) : G.linspace(start, end, steps, opts);
}
export function eye(n: number, m?: number | TensorOptions, opts?: TensorOptions): Tensor {
  if (typeof m === 'object') { opts = m; m = undefined; }
  if (!Number.isInteger(n) || n < 0) throw new RangeError('eye(n): n must be a non-negative integer');
  if (m !== undefined && (!Number.isInteger(m) || m < 0)) throw new RangeError('eye(n, m): m must be a non-negative integer');
  const call = G.eye as (...a: unknown[]) => Tensor;
  return call(...(m === undefined ? [n] : [n, m]), ...(opts === undefined ? [] : [opts]));
}

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
    // a copy without history, as torch.tensor(t) (which warns to use t.clone().detach())
    const d = data.detach();
    const c = d.clone();
    d.dispose();
    handle = c.handle;
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
    // JS numbers are packed as a dtype a typed array holds, then cast (real → complex: imaginary 0)
    storedDtype = REAL_STORAGE[opts.dtype as string] ?? opts.dtype ?? inferDtype(values);
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

/** dtypes JS numbers are not packed in directly: the dtype they are packed in before the cast. */
const REAL_STORAGE: Record<string, DType> = { float16: 'float32', bfloat16: 'float32', complex64: 'float32', complex128: 'float64' };

/** A tensor from raw little-endian bytes (no inference): what file readers use. */
export function fromBytes(bytes: ArrayBufferView | ArrayBuffer, shape: number[], dtype: DType): Tensor {
  return wrap(native.fromBuffer(bytes, shapeArgs([shape], 'shape'), dtypeCode(dtype)));
}
