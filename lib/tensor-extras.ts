/**
 * Small Tensor methods and torch functions PyTorch defines in Python (or on the C++ side outside
 * the dispatcher) that have no ATen operator of their own: dtype shorthands, sizes, `tolist`,
 * `newTensor`, `torch.isTensor`.
 */
import { tensor as makeTensor } from './creation';
import { DType, elementSize } from './dtype';
import { NestedArray, Tensor } from './tensor';

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
  elementSize(this: Tensor) { return elementSize(this.dtype); },
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

// torch.nonzero / Tensor.nonzero with PyTorch's Python-level `{ asTuple: true }`: one index tensor per dim.
type NonzeroFn = (this: Tensor, ...a: unknown[]) => unknown;
const generatedNonzero = (Tensor.prototype as unknown as { nonzero: NonzeroFn }).nonzero;
function asTupleOption(args: unknown[]): boolean | undefined {
  const last = args[args.length - 1];
  if (last === null || typeof last !== 'object' || Object.getPrototypeOf(last) !== Object.prototype || !('asTuple' in last)) return undefined;
  const { asTuple, ...rest } = last as { asTuple: unknown };
  if (Object.keys(rest).length) throw new TypeError(`nonzero(): unknown option '${Object.keys(rest)[0]}'`);
  if (typeof asTuple !== 'boolean') throw new TypeError('nonzero(): asTuple must be a boolean');
  return asTuple;
}

/** torch.nonzero(input, { asTuple }): indices as an (n, ndim) tensor, or with asTuple one 1-D tensor per dimension. */
export function nonzero(input: Tensor, options?: { asTuple?: false }): Tensor;
export function nonzero(input: Tensor, options: { asTuple: true }): Tensor[];
export function nonzero(input: Tensor, options?: { asTuple?: boolean }): Tensor | Tensor[] {
  if (!(input instanceof Tensor)) throw new TypeError('nonzero(input): input must be a Tensor');
  const m = (Tensor.prototype as unknown as { nonzero: NonzeroFn }).nonzero;
  return m.apply(input, options === undefined ? [] : [options]) as Tensor | Tensor[];
}

Object.defineProperty(Tensor.prototype, 'nonzero', {
  value: function (this: Tensor, ...args: unknown[]) {
    const asTuple = asTupleOption(args);
    if (asTuple === undefined) return generatedNonzero.apply(this, args);
    const idx = generatedNonzero.call(this) as Tensor;
    if (!asTuple) return idx;
    try {
      // a 0-d input counts as 1-d, as in PyTorch
      return this.ndim === 0 ? [idx.view(-1)] : (idx as unknown as { unbind(d: number): Tensor[] }).unbind(1);
    } finally {
      idx.dispose(); // the results are views that keep the storage
    }
  },
  writable: true, configurable: true,
});
