/**
 * torch.optim.AdamW (PyTorch 1.13, the single-tensor path `_single_tensor_adamw`, capturable =
 * false), step for step: decoupled weight decay `p *= 1 - lr * weightDecay`, moments
 * `m = b1 m + (1 - b1) g`, `v = b2 v + (1 - b2) g²` (amsgrad: `vmax = max(vmax, v)`), then
 * `p += -(lr / (1 - b1^t)) * m / (sqrt(v) / sqrt(1 - b2^t) + eps)`. The step count is a float32
 * scalar tensor in the state, as in PyTorch.
 */
import { libtorchAtLeast } from '../runtime';
import { zeros, zerosLike } from '../creation';
import { Tensor } from '../tensor';
import { Optimizer, OptionValue, ParamGroup, ParamGroupInput } from './optimizer';
import { addcdiv_, addcmul_, maximumInto } from './param_ops';
import { bool, nonNegative, num, options as checkOptions } from '../validate';

export interface AdamWOptions {
  lr?: number;
  betas?: [number, number];
  eps?: number;
  weightDecay?: number;
  amsgrad?: boolean;
  maximize?: boolean;
}

export interface AdamWParamGroup extends ParamGroup {
  betas: [number, number];
  eps: number;
  weightDecay: number;
  amsgrad: boolean;
  maximize: boolean;
}

function checkBetas(v: unknown): [number, number] {
  if (!Array.isArray(v) || v.length !== 2) throw new TypeError('AdamW: betas must be an array [beta1, beta2]');
  v.forEach((b, i) => {
    num(b, `AdamW: betas[${i}]`);
    if (!(b >= 0 && b < 1)) throw new RangeError(`Invalid beta parameter at index ${i}: ${b}`);
  });
  return [v[0], v[1]];
}

export class AdamW extends Optimizer<AdamWParamGroup> {
  constructor(params: Tensor[] | ParamGroupInput<AdamWParamGroup>[], options: AdamWOptions = {}) {
    const o = checkOptions(options, 'AdamW', ['lr', 'betas', 'eps', 'weightDecay', 'amsgrad', 'maximize']);
    const defaults: Record<string, OptionValue> = {
      lr: nonNegative(o.lr ?? 1e-3, 'AdamW: lr', 'learning rate'),
      betas: checkBetas(o.betas ?? [0.9, 0.999]),
      eps: nonNegative(o.eps ?? 1e-8, 'AdamW: eps', 'epsilon value'),
      weightDecay: nonNegative(o.weightDecay ?? 1e-2, 'AdamW: weightDecay', 'weight_decay value'),
      amsgrad: bool(o.amsgrad ?? false, 'AdamW: amsgrad'),
      maximize: bool(o.maximize ?? false, 'AdamW: maximize'),
    };
    for (const k of Object.keys(o))
      if (!(k in defaults)) throw new TypeError(`AdamW: unknown option '${k}'`);
    super(params, defaults);
  }

  // The group keys of the Python torch of the LibTorch line in use (checked on 1.13.1 and 2.14.1;
  // the 2.x layout — AdamW as Adam with decoupled weight decay — is taken for every 2.x line).
  protected torchOnlyGroupKeys(): Record<string, OptionValue> {
    return libtorchAtLeast(2, 0)
      ? { foreach: null, capturable: false, differentiable: false, fused: null, decoupled_weight_decay: true }
      : { foreach: null, capturable: false };
  }

  protected torchGroupKeyOrder(): string[] {
    return libtorchAtLeast(2, 0)
      ? ['lr', 'betas', 'eps', 'weight_decay', 'amsgrad', 'maximize', 'foreach', 'capturable', 'differentiable', 'fused', 'decoupled_weight_decay']
      : ['lr', 'betas', 'eps', 'weight_decay', 'amsgrad', 'foreach', 'maximize', 'capturable'];
  }

  protected validateGroup(g: AdamWParamGroup): void {
    nonNegative(g.lr, 'AdamW: lr', 'learning rate');
    g.betas = checkBetas(g.betas);
    nonNegative(g.eps, 'AdamW: eps', 'epsilon value');
    nonNegative(g.weightDecay, 'AdamW: weightDecay', 'weight_decay value');
    bool(g.amsgrad, 'AdamW: amsgrad');
    bool(g.maximize, 'AdamW: maximize');
  }

  protected updateGroup(g: AdamWParamGroup): void {
    const { lr, eps, weightDecay, amsgrad, maximize } = g;
    const [beta1, beta2] = g.betas;
    for (const p of g.params) {
      const grad = p.grad;
      if (grad === null) continue;
      const st = this.stateOf(p);
      if (st.size === 0) {
        this.setState(st, 'step', zeros([], { dtype: 'float32' }));
        this.setState(st, 'exp_avg', zerosLike(p));
        this.setState(st, 'exp_avg_sq', zerosLike(p));
        if (amsgrad) this.setState(st, 'max_exp_avg_sq', zerosLike(p));
      }
      // A state dict from PyTorch < 1.12 stores the step as a number (as AdamW.__setstate__ converts).
      if (typeof st.get('step') === 'number') this.setState(st, 'step', zeros([], { dtype: 'float32' }).add_(st.get('step') as number));
      const stepT = stateTensor(st.get('step'), 'step');
      const expAvg = stateTensor(st.get('exp_avg'), 'exp_avg');
      const expAvgSq = stateTensor(st.get('exp_avg_sq'), 'exp_avg_sq');
      const gr = maximize ? grad.neg() : grad;

      stepT.add_(1);
      p.mul_(1 - lr * weightDecay);
      expAvg.mul_(beta1).add_(gr, 1 - beta1);
      addcmul_(expAvgSq.mul_(beta2), gr, gr, 1 - beta2);

      const step = stepT.item() as number;
      const biasCorrection1 = 1 - beta1 ** step;
      const biasCorrection2 = 1 - beta2 ** step;
      const stepSize = lr / biasCorrection1;
      const biasCorrection2Sqrt = Math.sqrt(biasCorrection2);
      let denom: Tensor;
      if (amsgrad) {
        const maxExpAvgSq = stateTensor(st.get('max_exp_avg_sq'), 'max_exp_avg_sq');
        maximumInto(maxExpAvgSq, maxExpAvgSq, expAvgSq);
        denom = maxExpAvgSq.sqrt().div(biasCorrection2Sqrt).add_(eps);
      } else {
        denom = expAvgSq.sqrt().div(biasCorrection2Sqrt).add_(eps);
      }
      addcdiv_(p, expAvg, denom, -stepSize);
    }
  }
}

function stateTensor(v: unknown, key: string): Tensor {
  if (!(v instanceof Tensor)) throw new RangeError(`AdamW: the parameter state has no tensor '${key}' (amsgrad turned on after the state was created?)`);
  return v;
}
