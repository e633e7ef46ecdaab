/**
 * PyTorch's storage classes (`torch.FloatStorage`, ...) and safetensors' dtype codes, mapped
 * to svf-torch dtypes. One table so the reader and the writer cannot disagree.
 */
import { DType, DTYPES, dtypeInfo, isDType } from '../dtype';
import { TorchError } from '../errors';

// From the addon's dtype table; an untyped storage is a byte array (torch 2.x may pickle it
// for storages saved alone).
const STORAGE_DTYPES: Record<string, DType> = Object.fromEntries([
  ...DTYPES.map((d) => [dtypeInfo(d).storageClass, d]),
  ['UntypedStorage', 'uint8'],
]);

/** dtypes PyTorch has but svf-torch does not: named in the error instead of "unknown". */
const UNSUPPORTED_STORAGES = new Set([
  'QInt8Storage', 'QUInt8Storage', 'QInt32Storage',
  'QUInt4x2Storage', 'QUInt2x4Storage', 'ComplexHalfStorage',
]);

export function isStorageClassName(name: string): boolean {
  return name in STORAGE_DTYPES || UNSUPPORTED_STORAGES.has(name);
}

export function dtypeOfStorageClass(name: string): DType {
  const d = STORAGE_DTYPES[name];
  if (d === undefined) throw new TorchError(`torch.${name} holds a dtype svf-torch does not support`);
  return d;
}

export function storageClassOfDtype(dtype: DType): string {
  if (!isDType(dtype)) throw new TorchError(`no torch storage class for dtype ${dtype}`);
  return dtypeInfo(dtype).storageClass;
}

/** `torch.float32`, `torch.float` & co. as pickled (`GLOBAL torch float32`) → dtype. */
export const TORCH_DTYPE_NAMES: Record<string, DType> = Object.fromEntries(
  DTYPES.flatMap((d) => {
    const legacy = dtypeInfo(d).legacyName;
    return legacy ? [[d, d], [legacy, d]] : [[d, d]];
  }),
);

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
  const code = SAFETENSORS_BY_DTYPE.get(dtype);
  if (code === undefined) throw new TorchError(`safetensors has no dtype for ${dtype} tensors`);
  return code;
}
