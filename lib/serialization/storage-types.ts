/**
 * PyTorch's storage classes (`torch.FloatStorage`, ...) and safetensors' dtype codes, mapped
 * to svf-torch dtypes. One table so the reader and the writer cannot disagree.
 */
import { DType } from '../dtype';
import { TorchError } from '../errors';

const STORAGE_DTYPES: Record<string, DType> = {
  FloatStorage: 'float32',
  DoubleStorage: 'float64',
  HalfStorage: 'float16',
  BFloat16Storage: 'bfloat16',
  LongStorage: 'int64',
  IntStorage: 'int32',
  ShortStorage: 'int16',
  CharStorage: 'int8',
  ByteStorage: 'uint8',
  BoolStorage: 'bool',
  // an untyped storage is a byte array (torch 2.x may pickle it for storages saved alone)
  UntypedStorage: 'uint8',
};

/** dtypes PyTorch has but svf-torch does not: named in the error instead of "unknown". */
const UNSUPPORTED_STORAGES = new Set([
  'ComplexFloatStorage', 'ComplexDoubleStorage', 'QInt8Storage', 'QUInt8Storage', 'QInt32Storage',
  'QUInt4x2Storage', 'QUInt2x4Storage', 'ComplexHalfStorage',
]);

const STORAGE_BY_DTYPE = new Map<DType, string>(
  Object.entries(STORAGE_DTYPES).filter(([k]) => k !== 'UntypedStorage').map(([k, v]) => [v, k]),
);

export const ELEMENT_SIZE: Record<DType, number> = {
  float32: 4, float64: 8, float16: 2, bfloat16: 2, int64: 8, int32: 4, int16: 2, int8: 1, uint8: 1, bool: 1,
};

export function isStorageClassName(name: string): boolean {
  return name in STORAGE_DTYPES || UNSUPPORTED_STORAGES.has(name);
}

export function dtypeOfStorageClass(name: string): DType {
  const d = STORAGE_DTYPES[name];
  if (d === undefined) throw new TorchError(`torch.${name} holds a dtype svf-torch does not support`);
  return d;
}

export function storageClassOfDtype(dtype: DType): string {
  const s = STORAGE_BY_DTYPE.get(dtype);
  if (s === undefined) throw new TorchError(`no torch storage class for dtype ${dtype}`);
  return s;
}

/** `torch.float32` & co. as pickled (`GLOBAL torch float32`) → dtype. */
export const TORCH_DTYPE_NAMES: Record<string, DType> = {
  float32: 'float32', float: 'float32', float64: 'float64', double: 'float64', float16: 'float16', half: 'float16',
  bfloat16: 'bfloat16', int64: 'int64', long: 'int64', int32: 'int32', int: 'int32', int16: 'int16', short: 'int16',
  int8: 'int8', uint8: 'uint8', bool: 'bool',
};

const SAFETENSORS_CODES: Record<string, DType> = {
  F32: 'float32', F64: 'float64', F16: 'float16', BF16: 'bfloat16', I64: 'int64', I32: 'int32', I16: 'int16',
  I8: 'int8', U8: 'uint8', BOOL: 'bool',
};
const SAFETENSORS_BY_DTYPE = new Map<DType, string>(Object.entries(SAFETENSORS_CODES).map(([k, v]) => [v, k]));

export function dtypeOfSafetensorsCode(code: string): DType {
  const d = Object.prototype.hasOwnProperty.call(SAFETENSORS_CODES, code) ? SAFETENSORS_CODES[code] : undefined;
  if (d === undefined) throw new TorchError(`safetensors dtype '${code}' is not supported by svf-torch`);
  return d;
}

export function safetensorsCodeOfDtype(dtype: DType): string {
  return SAFETENSORS_BY_DTYPE.get(dtype) as string;
}
