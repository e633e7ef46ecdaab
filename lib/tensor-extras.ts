/**
 * Small Tensor methods and torch functions PyTorch defines in Python (or on the C++ side outside
 * the dispatcher) that have no ATen operator of their own: dtype shorthands, sizes, `tolist`,
 * `newTensor`, `torch.isTensor`.
 */
import { tensor as makeTensor } from './creation';
import { DType } from './dtype';
import { NestedArray, Tensor } from './tensor';

const ITEM_SIZE: Record<DType, number> = {
  float32: 4, float64: 8, float16: 2, bfloat16: 2, int64: 8, int32: 4, int16: 2, int8: 1, uint8: 1, bool: 1,
};

declare module './tensor' {
  interface Tensor {
    /** `to('uint8')`. */
    byte(): Tensor;
    /** `to('int8')`. */
    char(): Tensor;
    /** `to('int16')`. */
    short(): Tensor;
    /** `to('bfloat16')`. */
    bfloat16(): Tensor;
    /** Bytes per element of the dtype. */
    elementSize(): number;
    /** numel(), as Tensor.nelement. */
    nelement(): number;
    /** ndim, as Tensor.ndimension. */
    ndimension(): number;
    /** Nested JS arrays, as Tensor.tolist (toArray()). */
    tolist(): NestedArray;
    /** A new tensor from data with this tensor's dtype and device (Tensor.new_tensor). */
    newTensor(data: NestedArray, options?: { dtype?: DType; requiresGrad?: boolean }): Tensor;
  }
}

const methods: Record<string, (this: Tensor, ...a: never[]) => unknown> = {
  byte(this: Tensor) { return this.to('uint8'); },
  char(this: Tensor) { return this.to('int8'); },
  short(this: Tensor) { return this.to('int16'); },
  bfloat16(this: Tensor) { return this.to('bfloat16'); },
  elementSize(this: Tensor) { return ITEM_SIZE[this.dtype]; },
  nelement(this: Tensor) { return this.numel(); },
  ndimension(this: Tensor) { return this.ndim; },
  tolist(this: Tensor) { return this.toArray(); },
  newTensor(this: Tensor, data: NestedArray, options: { dtype?: DType; requiresGrad?: boolean } = {}) {
    return makeTensor(data, { dtype: options.dtype ?? this.dtype, device: this.device, requiresGrad: options.requiresGrad });
  },
};
for (const [name, fn] of Object.entries(methods)) {
  if (!(name in Tensor.prototype)) Object.defineProperty(Tensor.prototype, name, { value: fn, writable: true, configurable: true });
}

/** torch.is_tensor. */
export function isTensor(obj: unknown): obj is Tensor {
  return obj instanceof Tensor;
}
