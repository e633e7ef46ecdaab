/**
 * nn.BatchNorm2d with PyTorch's _BatchNorm logic: buffers running_mean, running_var,
 * num_batches_tracked (int64); momentum=null means a cumulative moving average whose factor is
 * 1/num_batches_tracked; eval uses the running stats unless they are not tracked.
 */
import { noGrad } from '../autograd';
import { zeros } from '../creation';
import { Tensor } from '../tensor';
import { bool, factory, FactoryOptions, int, num, options } from './args';
import { batchNorm } from './functional/normalization';
import { ones_, zeros_ } from './init';
import { Module } from './module';
import { emptyParameter, onesBuffer, zerosBuffer } from './parameter';

export interface BatchNormModuleOptions extends FactoryOptions {
  eps?: number;
  momentum?: number | null;
  affine?: boolean;
  trackRunningStats?: boolean;
}

export class BatchNorm2d extends Module {
  readonly numFeatures: number;
  readonly eps: number;
  momentum: number | null;
  readonly affine: boolean;
  readonly trackRunningStats: boolean;
  constructor(numFeatures: number, opts: BatchNormModuleOptions = {}) {
    super();
    const o = options(opts, 'BatchNorm2d', ['eps', 'momentum', 'affine', 'trackRunningStats', 'device', 'dtype']);
    this.numFeatures = int(numFeatures, 'numFeatures', 1);
    this.eps = num(o.eps ?? 1e-5, 'eps');
    this.momentum = o.momentum === null ? null : num(o.momentum ?? 0.1, 'momentum');
    this.affine = bool(o.affine ?? true, 'affine');
    this.trackRunningStats = bool(o.trackRunningStats ?? true, 'trackRunningStats');
    const f = factory(o);
    const n = this.numFeatures;
    this.registerParameter('weight', this.affine ? emptyParameter([n], f) : null);
    this.registerParameter('bias', this.affine ? emptyParameter([n], f) : null);
    if (this.trackRunningStats) {
      this.registerBuffer('running_mean', zerosBuffer([n], f));
      this.registerBuffer('running_var', onesBuffer([n], f));
      this.registerBuffer('num_batches_tracked', zerosBuffer([], { device: f.device, dtype: 'int64' }));
    } else {
      this.registerBuffer('running_mean', null);
      this.registerBuffer('running_var', null);
      this.registerBuffer('num_batches_tracked', null);
    }
    this.resetParameters();
  }

  resetRunningStats(): void {
    if (!this.trackRunningStats) return;
    noGrad(() => {
      this.getBuffer('running_mean')!.zero_();
      this.getBuffer('running_var')!.fill_(1);
      this.getBuffer('num_batches_tracked')!.zero_();
    });
  }

  resetParameters(): void {
    this.resetRunningStats();
    if (this.affine) {
      ones_(this.weight!);
      zeros_(this.bias!);
    }
  }

  get weight(): Tensor | null {
    return this.getParameter('weight');
  }
  get bias(): Tensor | null {
    return this.getParameter('bias');
  }
  get runningMean(): Tensor | null {
    return this.getBuffer('running_mean');
  }
  get runningVar(): Tensor | null {
    return this.getBuffer('running_var');
  }
  get numBatchesTracked(): Tensor | null {
    return this.getBuffer('num_batches_tracked');
  }

  /**
   * _BatchNorm._version = 2 added num_batches_tracked: a state_dict of version < 2 or of unknown
   * version (no `_metadata`, e.g. torchvision's original ResNet files) without it loads with 0,
   * as in PyTorch.
   */
  protected upgradeStateDict(sd: Map<string, unknown>, prefix: string, version: number | undefined): Tensor[] {
    const key = `${prefix}num_batches_tracked`;
    if ((version !== undefined && version >= 2) || !this.trackRunningStats || sd.has(key)) return [];
    const zero = zeros([], { dtype: 'int64' });
    sd.set(key, zero);
    return [zero];
  }

  protected checkInputDim(input: Tensor): void {
    if (input.ndim !== 4) throw new RangeError(`expected 4D input (got ${input.ndim}D input)`);
  }

  forward(input: Tensor): Tensor {
    this.checkInputDim(input);
    let factor = this.momentum ?? 0.0;
    if (this.training && this.trackRunningStats) {
      const tracked = this.numBatchesTracked;
      if (tracked) {
        noGrad(() => tracked.add_(1));
        factor = this.momentum === null ? 1.0 / Number(tracked.item()) : this.momentum;
      }
    }
    const runningMean = this.runningMean;
    const runningVar = this.runningVar;
    const bnTraining = this.training ? true : runningMean === null && runningVar === null;
    const useStats = !this.training || this.trackRunningStats;
    return batchNorm(input, useStats ? runningMean : null, useStats ? runningVar : null, {
      weight: this.weight, bias: this.bias, training: bnTraining, momentum: factor, eps: this.eps,
    });
  }

  extraRepr(): string {
    return `${this.numFeatures}, eps=${this.eps}, momentum=${this.momentum ?? 'None'}, affine=${this.affine ? 'True' : 'False'}, track_running_stats=${this.trackRunningStats ? 'True' : 'False'}`;
  }
}
