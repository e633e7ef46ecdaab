/**
 * torch.stft / Tensor.stft with Python's semantics (torch/functional.py): with `center` (the
 * default) the signal is padded by n_fft // 2 on both sides with F.pad's `padMode` ('reflect' by
 * default) and then aten::stft runs without centering — as Python does on every LibTorch line,
 * whether or not its aten::stft has a `center` overload. torch.istft is one ATen op (generated).
 */
import { Entry } from './oplayer/dispatch';
import { pythonArgs } from './nn/functional/positional';
import type { Tensor } from './tensor';
import { bool, int, tensor } from './validate';

export interface StftOptions {
  hopLength?: number | null;
  winLength?: number | null;
  window?: Tensor | null;
  center?: boolean;
  padMode?: 'constant' | 'reflect' | 'replicate' | 'circular';
  normalized?: boolean;
  onesided?: boolean | null;
  returnComplex?: boolean | null;
  /** LibTorch ≥ 2.6 only, and only without `center`. */
  alignToWindow?: boolean | null;
}

export type StftArgs =
  | [nFft: number, options?: StftOptions]
  | [nFft: number, hopLength?: number | null, winLength?: number | null, window?: Tensor | null, center?: boolean, padMode?: StftOptions['padMode'],
    normalized?: boolean, onesided?: boolean | null, returnComplex?: boolean | null, options?: StftOptions];

// made on first use: this module loads while tensor.ts does, before the op layer may be complete
let entries: { stft: Entry; pad: Entry } | undefined;
const E = () => (entries ??= { stft: new Entry({ name: 'torch.stft', ops: ['stft'] }), pad: new Entry({ name: 'torch.nn.functional.pad', ops: ['pad'] }) });

/** The op's own keyword arguments: everything but center and padMode, as given. */
const OP_KEYS = ['hopLength', 'winLength', 'window', 'normalized', 'onesided', 'returnComplex', 'alignToWindow'] as const;

function stftImpl(signal: unknown, nFft: unknown, o: StftOptions): Tensor {
  const input = tensor(signal, 'input');
  const n = int(nFft, 'nFft');
  const center = bool(o.center ?? true, 'center');
  const padMode = o.padMode ?? 'reflect';
  if (typeof padMode !== 'string') throw new TypeError(`stft: padMode must be a string, got ${String(padMode)}`);
  if (center && o.alignToWindow !== undefined && o.alignToWindow !== null) throw new TypeError('stft align_to_window should only be set when center = false');
  const opts: Record<string, unknown> = {};
  for (const k of OP_KEYS) if (o[k] !== undefined) opts[k] = o[k];
  if (!center) return E().stft.call(undefined, [input, n, opts]) as Tensor;
  // Python: view as 3-D (batch, channel, time), pad the time axis, view back
  const dims = input.ndim;
  const pad = Math.floor(n / 2);
  const extended = input.view([...new Array(Math.max(3 - dims, 0)).fill(1), ...input.shape]);
  const padded = E().pad.call(undefined, [extended, [pad, pad], padMode]) as Tensor;
  const framed = padded.view(dims === 0 ? [] : padded.shape.slice(-dims));
  try {
    return E().stft.call(undefined, [framed, n, opts]) as Tensor;
  } finally {
    framed.dispose();
    padded.dispose();
    extended.dispose();
  }
}

const STFT = pythonArgs<(input: Tensor, ...args: StftArgs) => Tensor>('stft', stftImpl, ['input', 'nFft'],
  ['hopLength', 'winLength', 'window', 'center', 'padMode', 'normalized', 'onesided', 'returnComplex', 'alignToWindow']);

/** torch.stft(input, nFft, {hopLength, winLength, window, center=true, padMode='reflect', normalized=false, onesided, returnComplex}). */
export function stft(input: Tensor, ...args: StftArgs): Tensor {
  return STFT(input, ...args);
}
