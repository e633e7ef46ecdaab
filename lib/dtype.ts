/**
 * dtype names of the public API. Codes, item sizes, kinds and PyTorch's names for them come
 * from the addon's one table (binding/dtypes.h, checked against c10 at load), so nothing here
 * or in serialization can drift from LibTorch's enum.
 */
import { DtypeInfo, native } from './native';

export type DType = 'float32' | 'float64' | 'float16' | 'bfloat16' | 'int64' | 'int32' | 'int16' | 'int8' | 'uint8' | 'bool' | 'complex64' | 'complex128';

export const DTYPES: readonly DType[] = native.dtypes.map((d) => d.name as DType);

const nameByCode = new Map<number, DType>();
const infoByName = new Map<string, DtypeInfo>();
for (const d of native.dtypes) {
  nameByCode.set(d.code, d.name as DType);
  infoByName.set(d.name, d);
}

/** The addon's row for a dtype: code, item size, kind, storage class. */
export function dtypeInfo(dtype: DType): DtypeInfo {
  const d = infoByName.get(dtype);
  if (!d) throw new TypeError(`unknown dtype '${String(dtype)}' (one of ${DTYPES.join(', ')})`);
  return d;
}

/** Bytes per element (torch.Tensor.element_size()). */
export function elementSize(dtype: DType): number {
  return dtypeInfo(dtype).itemSize;
}

export function dtypeCode(dtype: DType): number {
  const code = native.dtypeCodes[dtype];
  if (code === undefined) throw new TypeError(`unknown dtype '${String(dtype)}' (one of ${DTYPES.join(', ')})`);
  return code;
}

export function dtypeName(code: number): DType {
  const name = nameByCode.get(code);
  if (!name) throw new TypeError(`unknown dtype code ${code}`);
  return name;
}

export function isDType(v: unknown): v is DType {
  return typeof v === 'string' && Object.prototype.hasOwnProperty.call(native.dtypeCodes, v);
}

export function isFloatingDType(d: DType): boolean {
  return infoByName.get(d)?.isFloatingPoint ?? false;
}

export type TypedArray = Float32Array | Float64Array | BigInt64Array | Int32Array | Int16Array | Int8Array | Uint8Array;

export function isComplexDType(d: DType): boolean {
  return infoByName.get(d)?.isComplex ?? false;
}

/**
 * The typed array `t.data()` returns for each dtype (float16/bfloat16 widen to Float32Array);
 * a complex tensor's elements come as (real, imaginary) pairs, the layout of torch.view_as_real.
 */
export function typedArrayFor(dtype: DType, buffer: ArrayBuffer): TypedArray {
  switch (dtype) {
    case 'float32':
    case 'complex64': return new Float32Array(buffer);
    case 'float64':
    case 'complex128': return new Float64Array(buffer);
    case 'int64': return new BigInt64Array(buffer);
    case 'int32': return new Int32Array(buffer);
    case 'int16': return new Int16Array(buffer);
    case 'int8': return new Int8Array(buffer);
    case 'uint8':
    case 'bool': return new Uint8Array(buffer);
    default: throw new TypeError(`no typed array holds ${dtype} directly`);
  }
}

/** The dtype a typed array's elements have. */
export function dtypeOfTypedArray(a: ArrayBufferView): DType | undefined {
  if (a instanceof Float32Array) return 'float32';
  if (a instanceof Float64Array) return 'float64';
  if (a instanceof BigInt64Array) return 'int64';
  if (a instanceof Int32Array) return 'int32';
  if (a instanceof Int16Array) return 'int16';
  if (a instanceof Int8Array) return 'int8';
  if (a instanceof Uint8Array || a instanceof Uint8ClampedArray) return 'uint8';
  return undefined;
}
