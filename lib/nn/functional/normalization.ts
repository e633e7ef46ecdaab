/** F.batchNorm and F.normalize. */
import { native } from '../../native';
import { lazyOp } from '../../ops';
import { Tensor, wrap } from '../../tensor';
import { bool, handleOrNull, int, num, optTensor, options, tensor } from '../args';

const BATCH_NORM = lazyOp('aten::batch_norm');
const NORM = lazyOp('aten::norm', 'ScalarOpt_dim');
const CLAMP_MIN = lazyOp('aten::clamp_min');
const DIV = lazyOp('aten::div', 'Tensor');

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
  return wrap(native.callOp(
    BATCH_NORM(), x.handle,
    handleOrNull(optTensor(o.weight, 'weight')), handleOrNull(optTensor(o.bias, 'bias')),
    handleOrNull(optTensor(runningMean, 'runningMean')), handleOrNull(optTensor(runningVar, 'runningVar')),
    training, momentum, eps, true,
  ));
}

/** F.normalize(input, {p=2, dim=1, eps=1e-12}): input / max(‖input‖_p, eps) along dim. */
export function normalize(input: Tensor, opts: { p?: number; dim?: number; eps?: number } = {}): Tensor {
  const o = options(opts, 'normalize', ['p', 'dim', 'eps']);
  const x = tensor(input, 'input');
  const denom = wrap(native.callOp(NORM(), x.handle, num(o.p ?? 2, 'p'), [int(o.dim ?? 1, 'dim')], true));
  try {
    const clamped = wrap(native.callOp(CLAMP_MIN(), denom.handle, num(o.eps ?? 1e-12, 'eps')));
    try {
      return wrap(native.callOp(DIV(), x.handle, clamped.handle));
    } finally {
      clamped.dispose();
    }
  } finally {
    denom.dispose();
  }
}

const INSTANCE_NORM = lazyOp('aten::instance_norm');

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
  return wrap(native.callOp(
    INSTANCE_NORM(), tensor(input, 'input').handle,
    handleOrNull(optTensor(o.weight, 'weight')), handleOrNull(optTensor(o.bias, 'bias')),
    handleOrNull(optTensor(o.runningMean, 'runningMean')), handleOrNull(optTensor(o.runningVar, 'runningVar')),
    bool(o.useInputStats ?? true, 'useInputStats'), num(o.momentum ?? 0.1, 'momentum'), num(o.eps ?? 1e-5, 'eps'), false,
  ));
}
