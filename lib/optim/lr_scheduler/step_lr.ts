/** torch.optim.lr_scheduler.StepLR (PyTorch 1.13): lr *= gamma every `stepSize` steps. */
import { Optimizer } from '../optimizer';
import { num, options as checkOptions, positiveInt } from '../../validate';
import { LRScheduler, SchedulerHyperParams } from './lr_scheduler';

export interface StepLROptions {
  stepSize: number;
  gamma?: number;
  lastEpoch?: number;
}

export class StepLR extends LRScheduler {
  stepSize: number;
  gamma: number;

  constructor(optimizer: Optimizer, options: StepLROptions) {
    const o = checkOptions(options, 'StepLR', ['stepSize', 'gamma', 'lastEpoch']);
    super(optimizer, (o.lastEpoch as number | undefined) ?? -1);
    this.stepSize = positiveInt(o.stepSize, 'StepLR: stepSize');
    this.gamma = num(o.gamma ?? 0.1, 'StepLR: gamma');
    this.initialStep();
  }

  protected computeLr(): number[] {
    const groups = this.optimizer.paramGroups;
    if (this.lastEpoch === 0 || this.lastEpoch % this.stepSize !== 0) return groups.map((g) => g.lr);
    return groups.map((g) => g.lr * this.gamma);
  }

  protected closedFormLr(): number[] {
    return this.baseLrs.map((b) => b * this.gamma ** Math.floor(this.lastEpoch / this.stepSize));
  }

  protected hyperParams(): SchedulerHyperParams {
    return [['step_size', this.stepSize], ['gamma', this.gamma]];
  }

  protected setHyperParam(name: string, value: number): void {
    if (name === 'step_size') this.stepSize = value;
    else if (name === 'gamma') this.gamma = value;
  }
}
