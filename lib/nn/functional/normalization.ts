/** F.batchNorm and F.normalize. */
import { atenOp } from '../../oplayer/dispatch';
import { Tensor } from '../../tensor';
import { bool, int, num, optTensor, options, tensor } from '../args';

const BATCH_NORM = atenOp('batch_norm');
const NORM = atenOp('norm.ScalarOpt_dim');
const CLAMP_MIN = atenOp('clamp_min');
const DIV = atenOp('div.Tensor');

export interface BatchNormOptions {
  weight?: Tensor | null;
  bias?: Tensor | null;
  training?: boolean;
  momentum?: number;
  eps?: number;
}

/**
 * F.batch_norm(input, running_mean, running_var, weight, bias, training=False, momentum=0.1, eps=1e-5).
 * In training mode the running statistics (when given) are updated in place by ATen.
 */
export function batchNorm(input: Tensor, runningMean: Tensor | null, runningVar: Tensor | null, opts: BatchNormOptions = {}): Tensor {
  const o = options(opts, 'batchNorm', ['weight', 'bias', 'training', 'momentum', 'eps']);
  const x = tensor(input, 'input');
  const training = bool(o.training ?? false, 'training');
  const momentum = num(o.momentum ?? 0.1, 'momentum');
  const eps = num(o.eps ?? 1e-5, 'eps');
  if (training) {
    const shape = x.shape;
    let perChannel = shape[0] ?? 1;
    for (let i = 2; i < shape.length; i++) perChannel *= shape[i];
    if (perChannel === 1) throw new RangeError(`Expected more than 1 value per channel when training, got input size [${shape.join(', ')}]`);
  }
  return BATCH_NORM(x,
    optTensor(o.weight, 'weight'), optTensor(o.bias, 'bias'),
    optTensor(runningMean, 'runningMean'), optTensor(runningVar, 'runningVar'),
    training, momentum, eps, true
  );
}

/** F.normalize(input, {p=2, dim=1, eps=1e-12}): input / max(‖input‖_p, eps) along dim. */
export function normalize(input: Tensor, opts: { p?: number; dim?: number; eps?: number } = {}): Tensor {
  const o = options(opts, 'normalize', ['p', 'dim', 'eps']);
  const x = tensor(input, 'input');
  const denom = NORM(x, num(o.p ?? 2, 'p'), [int(o.dim ?? 1, 'dim')], true);
  try {
    const clamped = CLAMP_MIN(denom, num(o.eps ?? 1e-12, 'eps'));
    try {
      return DIV(x, clamped);
    } finally {
      clamped.dispose();
    }
  } finally {
    denom.dispose();
  }
}

const INSTANCE_NORM = atenOp('instance_norm');

export interface InstanceNormOptions {
  runningMean?: Tensor | null;
  runningVar?: Tensor | null;
  weight?: Tensor | null;
  bias?: Tensor | null;
  useInputStats?: boolean;
  momentum?: number;
  eps?: number;
}

/** F.instance_norm(input, {runningMean, runningVar, weight, bias, useInputStats=true, momentum=0.1, eps=1e-5}). */
export function instanceNorm(input: Tensor, opts: InstanceNormOptions = {}): Tensor {
  const o = options(opts, 'instanceNorm', ['runningMean', 'runningVar', 'weight', 'bias', 'useInputStats', 'momentum', 'eps']);
  return INSTANCE_NORM(tensor(input, 'input'),
    optTensor(o.weight, 'weight'), optTensor(o.bias, 'bias'),
    optTensor(o.runningMean, 'runningMean'), optTensor(o.runningVar, 'runningVar'),
    bool(o.useInputStats ?? true, 'useInputStats'), num(o.momentum ?? 0.1, 'momentum'), num(o.eps ?? 1e-5, 'eps'), false
  );
}
