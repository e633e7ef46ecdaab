/** nn's own argument helpers (factory keywords, optional handles); the generic checks are lib/validate.ts. */
import { Device, isDevice } from '../device';
import { DType, isDType } from '../dtype';
import { Tensor } from '../tensor';

// The checks themselves live in lib/validate.ts (one module for the whole library).
export { int, num, bool, prob, pair, tensor, optTensor, options } from '../validate';

export function handleOrNull(t: Tensor | null | undefined): unknown {
  return t ? t.handle : null;
}

export interface FactoryOptions {
  device?: Device;
  dtype?: DType;
}

/** Validates the `{ device, dtype }` factory keywords modules accept. */
export function factory(opts: FactoryOptions): FactoryOptions {
  if (opts.device !== undefined && !isDevice(opts.device)) throw new TypeError(`invalid device ${JSON.stringify(opts.device)}`);
  if (opts.dtype !== undefined && !isDType(opts.dtype)) throw new TypeError(`invalid dtype ${JSON.stringify(opts.dtype)}`);
  return { device: opts.device, dtype: opts.dtype };
}
