/**
 * torch.optim.SGD (PyTorch 1.13, the single-tensor path `_single_tensor_sgd`), step for step:
 *   d_p = maximize ? -grad : grad;  d_p += weightDecay * p
 *   buf = first step ? clone(d_p) : momentum * buf + (1 - dampening) * d_p
 *   d_p = nesterov ? d_p + momentum * buf : buf;  p -= lr * d_p
 * The same ATen operators as Python, so float results are bit-identical.
 */
import { libtorchAtLeast } from '../runtime';
import { Tensor } from '../tensor';
import { Optimizer, OptionValue, ParamGroup, ParamGroupInput } from './optimizer';
import { bool, nonNegative, num, options as checkOptions } from '../validate';

export interface SGDOptions {
  /** Required (here or in every param group). */
  lr?: number;
  momentum?: number;
  dampening?: number;
  weightDecay?: number;
  nesterov?: boolean;
  maximize?: boolean;
}

export interface SGDParamGroup extends ParamGroup {
  momentum: number;
  dampening: number;
  weightDecay: number;
  nesterov: boolean;
  maximize: boolean;
}

export class SGD extends Optimizer<SGDParamGroup> {
  constructor(params: Tensor[] | ParamGroupInput<SGDParamGroup>[], options: SGDOptions = {}) {
    const o = checkOptions(options, 'SGD', ['lr', 'momentum', 'dampening', 'weightDecay', 'nesterov', 'maximize']);
    const defaults: Record<string, OptionValue | undefined> = {
      lr: o.lr === undefined ? undefined : nonNegative(o.lr, 'SGD: lr', 'learning rate'),
      momentum: nonNegative(o.momentum ?? 0, 'SGD: momentum', 'momentum value'),
      dampening: num(o.dampening ?? 0, 'SGD: dampening'),
      weightDecay: nonNegative(o.weightDecay ?? 0, 'SGD: weightDecay', 'weight_decay value'),
      nesterov: bool(o.nesterov ?? false, 'SGD: nesterov'),
      maximize: bool(o.maximize ?? false, 'SGD: maximize'),
    };
    for (const k of Object.keys(o))
      if (!(k in defaults)) throw new TypeError(`SGD: unknown option '${k}'`);
    if (defaults.nesterov && ((defaults.momentum as number) <= 0 || defaults.dampening !== 0))
      throw new RangeError('Nesterov momentum requires a momentum and zero dampening');
    super(params, defaults);
  }

  // The group keys of the Python torch of the LibTorch line in use (checked on 1.13.1 and 2.14.1;
  // the 2.x layout, with `fused`, is taken for every 2.x line).
  protected torchOnlyGroupKeys(): Record<string, OptionValue> {
    return libtorchAtLeast(2, 0) ? { foreach: null, differentiable: false, fused: null } : { foreach: null, differentiable: false };
  }

  protected torchGroupKeyOrder(): string[] {
    const keys = ['lr', 'momentum', 'dampening', 'weight_decay', 'nesterov', 'maximize', 'foreach', 'differentiable'];
    return libtorchAtLeast(2, 0) ? [...keys, 'fused'] : keys;
  }

  protected validateGroup(g: SGDParamGroup): void {
    nonNegative(g.lr, 'SGD: lr', 'learning rate');
    nonNegative(g.momentum, 'SGD: momentum', 'momentum value');
    num(g.dampening, 'SGD: dampening');
    nonNegative(g.weightDecay, 'SGD: weightDecay', 'weight_decay value');
    bool(g.nesterov, 'SGD: nesterov');
    bool(g.maximize, 'SGD: maximize');
    if (g.nesterov && (g.momentum <= 0 || g.dampening !== 0))
      throw new RangeError('Nesterov momentum requires a momentum and zero dampening');
  }

  protected updateGroup(g: SGDParamGroup): void {
    const { lr, momentum, dampening, weightDecay, nesterov, maximize } = g;
    for (const p of g.params) {
      const grad = p.grad;
      if (grad === null) continue;
      const st = this.stateOf(p);
      let dp = maximize ? grad.neg() : grad;
      if (weightDecay !== 0) dp = dp.add(p, weightDecay);
      if (momentum !== 0) {
        let buf = st.get('momentum_buffer');
        if (!(buf instanceof Tensor)) {
          buf = dp.clone();
          this.setState(st, 'momentum_buffer', buf);
        } else {
          buf.mul_(momentum).add_(dp, 1 - dampening);
        }
        dp = nesterov ? dp.add(buf, momentum) : buf;
      } else if (!st.has('momentum_buffer')) {
        st.set('momentum_buffer', null); // PyTorch records None when there is no momentum
      }
      p.add_(dp, -lr);
    }
  }
}
