/** Activations and softmaxes. */
import { dtypeCode, DType } from '../../dtype';
import { native } from '../../native';
import { lazyOp } from '../../ops';
import { recordsGraph } from '../derived';
import { Tensor, wrap } from '../../tensor';
import { bool, int, tensor } from '../args';

const RELU = lazyOp('aten::relu');
const RELU_ = lazyOp('aten::relu_');
const SOFTMAX = lazyOp('aten::softmax', 'int');
const LOG_SOFTMAX = lazyOp('aten::log_softmax', 'int');

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
    else native.callOp(RELU_(), x.handle);
    return x;
  }
  return wrap(native.callOp(RELU(), x.handle));
}

function dimAndDtype(dim: unknown, opts: { dtype?: DType } | undefined): [number, number | null] {
  return [int(dim, 'dim'), opts?.dtype !== undefined ? dtypeCode(opts.dtype) : null];
}

/** F.softmax(input, dim, {dtype}): dim is required (PyTorch's implicit dim is deprecated). */
export function softmax(input: Tensor, dim: number, opts?: { dtype?: DType }): Tensor {
  return wrap(native.callOp(SOFTMAX(), tensor(input, 'input').handle, ...dimAndDtype(dim, opts)));
}

export function logSoftmax(input: Tensor, dim: number, opts?: { dtype?: DType }): Tensor {
  return wrap(native.callOp(LOG_SOFTMAX(), tensor(input, 'input').handle, ...dimAndDtype(dim, opts)));
}
