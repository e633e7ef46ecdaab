/** F.pad(input, pad, {mode, value}): aten::pad, PyTorch's own dispatch over the padding modes. */
import { atenOp } from '../../oplayer/dispatch';
import { Tensor } from '../../tensor';
import { int, num, options, tensor } from '../args';

const PAD = atenOp('pad');

export type PadMode = 'constant' | 'reflect' | 'replicate' | 'circular';
const MODES: readonly string[] = ['constant', 'reflect', 'replicate', 'circular'];

/** pad lists (left, right, top, bottom, …) from the last dimension backwards, as PyTorch. */
export function pad(input: Tensor, padding: number[], opts: { mode?: PadMode; value?: number | null } = {}): Tensor {
  const o = options(opts, 'pad', ['mode', 'value']);
  if (!Array.isArray(padding) || padding.length % 2 !== 0) throw new TypeError('pad(input, pad): pad must be an array of even length');
  padding.forEach((p) => int(p, 'pad'));
  const mode = o.mode ?? 'constant';
  if (!MODES.includes(mode)) throw new TypeError(`pad: mode must be one of ${MODES.join(', ')}, got '${String(mode)}'`);
  const value = o.value === undefined || o.value === null ? null : num(o.value, 'value');
  return PAD(tensor(input, 'input'), padding, mode, value);
}
