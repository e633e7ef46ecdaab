/** Activations that torch/nn/functional.py composes in Python (not one ATen op under the same name). */
import { DType } from '../../dtype';
import { atenOp } from '../../oplayer/dispatch';
import { Tensor } from '../../tensor';
import { int, options, tensor } from '../args';
import { softmax } from './activation';

const LOG_SIGMOID = atenOp('log_sigmoid');

/** F.softmin(input, dim, {dtype}) = softmax(−input). */
export function softmin(input: Tensor, dim: number, opts: { dtype?: DType } = {}): Tensor {
  const neg = tensor(input, 'input').neg();
  try { return softmax(neg, int(dim, 'dim'), options(opts, 'softmin', ['dtype'])); } finally { neg.dispose(); }
}

/** F.softsign: x / (1 + |x|). */
export function softsign(input: Tensor): Tensor {
  const x = tensor(input, 'input');
  const a = x.abs();
  const d = a.add(1);
  try { return x.div(d); } finally { a.dispose(); d.dispose(); }
}

/** F.tanhshrink: x − tanh(x). */
export function tanhshrink(input: Tensor): Tensor {
  const x = tensor(input, 'input');
  const t = x.tanh();
  try { return x.sub(t); } finally { t.dispose(); }
}

/** F.logsigmoid: log σ(x) (aten::log_sigmoid, stable for large |x|). */
export function logsigmoid(input: Tensor): Tensor {
  return LOG_SIGMOID(tensor(input, 'input'));
}
