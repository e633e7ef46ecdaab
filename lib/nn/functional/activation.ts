/** Activations and softmaxes. */
import { DType } from '../../dtype';
import { native } from '../../native';
import { atenOp } from '../../oplayer/dispatch';
import { recordsGraph } from '../derived';
import { Tensor } from '../../tensor';
import { bool, int, tensor } from '../args';

const RELU = atenOp('relu');
const RELU_ = atenOp('relu_');
const SOFTMAX = atenOp('softmax.int');
const LOG_SOFTMAX = atenOp('log_softmax.int');

function inplaceFlag(v: boolean | { inplace?: boolean } | undefined): boolean {
  if (v === undefined) return false;
  return typeof v === 'boolean' ? v : bool(v.inplace ?? false, 'inplace');
}

/** F.relu(input, inplace=false); `inplace` also as `{ inplace }`. In place returns the same Tensor object. */
export function relu(input: Tensor, inplace?: boolean | { inplace?: boolean }): Tensor {
  const x = tensor(input, 'input');
  if (inplaceFlag(inplace)) {
    // with autograd recording, the in-place op keeps a 1-byte mask for backward instead of
    // the float output (binding/masked_relu.h); same values and gradients as relu_
    if (recordsGraph(x)) native.reluMasked_(x.handle);
    else RELU_(x);
    return x;
  }
  return RELU(x);
}

function dimAndDtype(dim: unknown, opts: { dtype?: DType } | undefined): [number, DType | null] {
  return [int(dim, 'dim'), opts?.dtype ?? null];
}

/** F.softmax(input, dim, {dtype}): dim is required (PyTorch's implicit dim is deprecated). */
export function softmax(input: Tensor, dim: number, opts?: { dtype?: DType }): Tensor {
  return SOFTMAX(tensor(input, 'input'), ...dimAndDtype(dim, opts));
}

export function logSoftmax(input: Tensor, dim: number, opts?: { dtype?: DType }): Tensor {
  return LOG_SOFTMAX(tensor(input, 'input'), ...dimAndDtype(dim, opts));
}
