/**
 * The few torch functions that are not one generated op as they stand (every other torch.* op is
 * generated: lib/generated/torch.ts, exported through torch-exports.ts).
 */
import { AlphaOption, asTensor, Operand, Tensor } from './tensor';
import * as G from './generated/torch';

type Call = (...a: unknown[]) => unknown;

/** add/sub's arguments for the generated op: a plain-number alpha becomes PyTorch's keyword. */
function alphaArgs(args: unknown[]): unknown[] {
  return typeof args[2] === 'number' ? [args[0], args[1], { alpha: args[2] }, ...args.slice(3)] : args;
}

// Hand-written only for svf-torch's `torch.add(a, b, 2)` (PyTorch's alpha is keyword-only: `{ alpha: 2 }`).
function addImpl(a: Tensor, b: Operand, alpha?: AlphaOption): Tensor;
function addImpl(...args: unknown[]): Tensor { return (G.add as Call)(...alphaArgs(args)) as Tensor; }
function subImpl(a: Tensor, b: Operand, alpha?: AlphaOption): Tensor;
function subImpl(...args: unknown[]): Tensor { return (G.sub as Call)(...alphaArgs(args)) as Tensor; }
export const add = addImpl as typeof addImpl & typeof G.add;
export const sub = subImpl as typeof subImpl & typeof G.sub;

/** torch.split (Python-level in PyTorch: torch.functional.split): Tensor.split, sizes or one size. */
export const split = (a: Tensor, size: number | number[], dim = 0): Tensor[] => asTensor(a, 'input').split(size as number, dim);

// Hand-written only for Python's torch.norm orders 'fro' and 'nuc' (Tensor.norm handles them).
function normImpl(a: Tensor, p?: number | 'fro' | 'nuc' | null, dim?: number | number[] | null, keepdim?: boolean): Tensor;
function normImpl(a: unknown, ...rest: unknown[]): Tensor {
  return (asTensor(a, 'input').norm as Call)(...rest) as Tensor;
}
export const norm = normImpl as typeof normImpl & typeof G.norm;

/** torch.var under a name that is not a JS keyword (`torch.var` is exported too). */
export const variance = G.var;

// Hand-written for Python's centre padding (lib/spectral.ts; Tensor.stft is the same function).
export { stft, StftOptions } from './spectral';
