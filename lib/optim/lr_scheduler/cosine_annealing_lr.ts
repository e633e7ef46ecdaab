/**
 * torch.optim.lr_scheduler.CosineAnnealingLR (PyTorch 1.13) in its recursive form, branch for
 * branch, so the lr sequence (including past tMax, where it rises again) equals PyTorch's.
 */
import { Optimizer } from '../optimizer';
import { num, options as checkOptions } from '../../validate';
import { LRScheduler, SchedulerHyperParams } from './lr_scheduler';

export interface CosineAnnealingLROptions {
  tMax: number;
  etaMin?: number;
  lastEpoch?: number;
}

export class CosineAnnealingLR extends LRScheduler {
  tMax: number;
  etaMin: number;

  constructor(optimizer: Optimizer, options: CosineAnnealingLROptions) {
    const o = checkOptions(options, 'CosineAnnealingLR', ['tMax', 'etaMin', 'lastEpoch']);
    super(optimizer, (o.lastEpoch as number | undefined) ?? -1);
    this.tMax = num(o.tMax, 'CosineAnnealingLR: tMax');
    if (!(this.tMax > 0)) throw new RangeError(`CosineAnnealingLR: tMax must be positive, got ${this.tMax}`);
    this.etaMin = num(o.etaMin ?? 0, 'CosineAnnealingLR: etaMin');
    this.initialStep();
  }

  protected computeLr(): number[] {
    const groups = this.optimizer.paramGroups;
    const e = this.lastEpoch;
    const { tMax, etaMin } = this;
    if (e === 0) return groups.map((g) => g.lr);
    if (this.stepCount === 1 && e > 0)
      return this.baseLrs.map((b) => etaMin + ((b - etaMin) * (1 + Math.cos((e * Math.PI) / tMax))) / 2);
    if (pyMod(e - 1 - tMax, 2 * tMax) === 0)
      return groups.map((g, i) => g.lr + ((this.baseLrs[i] - etaMin) * (1 - Math.cos(Math.PI / tMax))) / 2);
    return groups.map(
      (g) => ((1 + Math.cos((Math.PI * e) / tMax)) / (1 + Math.cos((Math.PI * (e - 1)) / tMax))) * (g.lr - etaMin) + etaMin,
    );
  }

  protected closedFormLr(): number[] {
    const { tMax, etaMin } = this;
    return this.baseLrs.map((b) => etaMin + ((b - etaMin) * (1 + Math.cos((Math.PI * this.lastEpoch) / tMax))) / 2);
  }

  protected hyperParams(): SchedulerHyperParams {
    return [['T_max', this.tMax], ['eta_min', this.etaMin]];
  }

  protected setHyperParam(name: string, value: number): void {
    if (name === 'T_max') this.tMax = value;
    else if (name === 'eta_min') this.etaMin = value;
  }
}

/** Python's `%` (the result takes the divisor's sign). */
function pyMod(a: number, b: number): number {
  return ((a % b) + b) % b;
}
