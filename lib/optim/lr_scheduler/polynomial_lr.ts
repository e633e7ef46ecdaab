/**
 * torch.optim.lr_scheduler.PolynomialLR (PyTorch 1.13) and PolyLR, the few-shot segmentation
 * "poly" schedule lr = base_lr * (1 - iter / maxIters)^power. PolyLR is PolynomialLR with
 * totalIters = maxIters and power 0.9 by default, in PyTorch's recursive form
 *   lr_t = lr_{t-1} * ((1 - t/T) / (1 - (t-1)/T))^power   (t <= T; unchanged after T)
 * so its lr sequence equals PolynomialLR(opt, total_iters=maxIters, power=power) numerically
 * (the closed form agrees to rounding).
 */
import { Optimizer } from '../optimizer';
import { num, options as checkOptions, positiveInt } from '../../validate';
import { LRScheduler, SchedulerHyperParams } from './lr_scheduler';

export interface PolynomialLROptions {
  totalIters?: number;
  power?: number;
  lastEpoch?: number;
}

export class PolynomialLR extends LRScheduler {
  totalIters: number;
  power: number;

  constructor(optimizer: Optimizer, options: PolynomialLROptions = {}) {
    const o = checkOptions(options, 'PolynomialLR', ['totalIters', 'power', 'lastEpoch']);
    super(optimizer, (o.lastEpoch as number | undefined) ?? -1);
    this.totalIters = positiveInt(o.totalIters ?? 5, 'PolynomialLR: totalIters');
    this.power = num(o.power ?? 1.0, 'PolynomialLR: power');
    this.initialStep();
  }

  protected computeLr(): number[] {
    const groups = this.optimizer.paramGroups;
    const e = this.lastEpoch;
    const T = this.totalIters;
    if (e === 0 || e > T) return groups.map((g) => g.lr);
    const decayFactor = ((1.0 - e / T) / (1.0 - (e - 1) / T)) ** this.power;
    return groups.map((g) => g.lr * decayFactor);
  }

  protected closedFormLr(): number[] {
    const T = this.totalIters;
    return this.baseLrs.map((b) => b * (1.0 - Math.min(T, this.lastEpoch) / T) ** this.power);
  }

  protected hyperParams(): SchedulerHyperParams {
    return [['total_iters', this.totalIters], ['power', this.power]];
  }

  protected setHyperParam(name: string, value: number): void {
    if (name === 'total_iters') this.totalIters = value;
    else if (name === 'power') this.power = value;
  }
}

export interface PolyLROptions {
  maxIters: number;
  power?: number;
  lastEpoch?: number;
}

export class PolyLR extends PolynomialLR {
  constructor(optimizer: Optimizer, options: PolyLROptions) {
    const o = checkOptions(options, 'PolyLR', ['maxIters', 'power', 'lastEpoch']);
    super(optimizer, {
      totalIters: positiveInt(o.maxIters, 'PolyLR: maxIters'),
      power: o.power === undefined ? 0.9 : num(o.power, 'PolyLR: power'),
      lastEpoch: o.lastEpoch as number | undefined,
    });
  }

  get maxIters(): number {
    return this.totalIters;
  }
}
