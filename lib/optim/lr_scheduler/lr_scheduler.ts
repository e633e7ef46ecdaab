/**
 * The base of the LR schedulers, after torch.optim.lr_scheduler._LRScheduler (PyTorch 1.13):
 * the chainable (recursive) form — each `step()` derives the new lr of every group from the
 * group's current lr — with PyTorch's counters, `initial_lr` bookkeeping and state dict keys.
 */
import { libtorchAtLeast } from '../../runtime';
import { Optimizer } from '../optimizer';

/** Hyper-parameters under their PyTorch attribute names (`step_size`, `T_max`, ...), in PyTorch's order. */
export type SchedulerHyperParams = [string, number][];

export abstract class LRScheduler {
  readonly optimizer: Optimizer;
  /** Each group's `initialLr` when the scheduler was made. */
  baseLrs: number[];
  /** The index of the last step (-1 before the first, which the constructor takes). */
  lastEpoch: number;
  protected stepCount = 0;
  private lastLr: number[] = [];

  /** Subclasses set their hyper-parameters, then call `initialStep()` (PyTorch's order). */
  constructor(optimizer: Optimizer, lastEpoch = -1) {
    if (!(optimizer instanceof Optimizer)) throw new TypeError(`${String(optimizer)} is not an Optimizer`);
    if (!Number.isInteger(lastEpoch) || lastEpoch < -1) throw new RangeError(`lastEpoch must be an integer >= -1, got ${lastEpoch}`);
    this.optimizer = optimizer;
    if (lastEpoch === -1) {
      for (const g of optimizer.paramGroups) if (g.initialLr === undefined) g.initialLr = g.lr;
    } else {
      optimizer.paramGroups.forEach((g, i) => {
        if (g.initialLr === undefined)
          throw new RangeError(`param 'initial_lr' is not specified in param_groups[${i}] when resuming an optimizer`);
      });
    }
    this.baseLrs = optimizer.paramGroups.map((g) => g.initialLr as number);
    this.lastEpoch = lastEpoch;
  }

  /** The chainable lr of every group for `lastEpoch` (PyTorch's `get_lr`). */
  protected abstract computeLr(): number[];
  /** The closed form (PyTorch's `_get_closed_form_lr`), used by the deprecated `step(epoch)`. */
  protected abstract closedFormLr(): number[];
  /** Hyper-parameters for stateDict, PyTorch names and order. */
  protected abstract hyperParams(): SchedulerHyperParams;
  /** Sets a hyper-parameter from a state dict (PyTorch name). */
  protected abstract setHyperParam(name: string, value: number): void;

  protected initialStep(): void {
    this.stepCount = 0;
    this.step();
  }

  /** Advances one step and writes the new lr into every param group. `epoch` is PyTorch's deprecated closed-form jump. */
  step(epoch?: number): void {
    this.stepCount += 1;
    let values: number[];
    if (epoch === undefined) {
      this.lastEpoch += 1;
      values = this.computeLr();
    } else {
      if (!Number.isInteger(epoch)) throw new TypeError(`step(epoch): epoch must be an integer, got ${String(epoch)}`);
      this.lastEpoch = epoch;
      values = this.closedFormLr();
    }
    this.optimizer.paramGroups.forEach((g, i) => {
      g.lr = values[i];
    });
    this.lastLr = this.optimizer.paramGroups.map((g) => g.lr);
  }

  /** The lr of every group set by the last step. */
  getLastLr(): number[] {
    return [...this.lastLr];
  }

  /**
   * PyTorch's `state_dict()` (its `__dict__` without the optimizer), same keys and order as the
   * Python torch of the LibTorch line in use: `verbose` until 2.7 removed it, `_is_initial` (a
   * flag that is true only inside the constructor's first step) with it from 2.7 on. Both layouts
   * are cross-checked on 1.13.1 and 2.14.1; loadStateDict reads either.
   */
  stateDict(): Record<string, unknown> {
    const sd: Record<string, unknown> = {};
    for (const [k, v] of this.hyperParams()) sd[k] = v;
    sd.base_lrs = [...this.baseLrs];
    sd.last_epoch = this.lastEpoch;
    if (!libtorchAtLeast(2, 7)) sd.verbose = false;
    sd._step_count = this.stepCount;
    if (libtorchAtLeast(2, 7)) sd._is_initial = false;
    sd._get_lr_called_within_step = false;
    sd._last_lr = [...this.lastLr];
    return sd;
  }

  /** Restores what stateDict() (or PyTorch's `state_dict()`) returned. */
  loadStateDict(stateDict: Record<string, unknown> | Map<string, unknown>): void {
    const sd = stateDict instanceof Map ? Object.fromEntries(stateDict) : stateDict;
    if (sd === null || typeof sd !== 'object') throw new TypeError('loadStateDict(stateDict): expected an object');
    const num = (k: string): number | undefined => {
      const v = sd[k];
      if (v === undefined) return undefined;
      if (typeof v === 'bigint') return Number(v);
      if (typeof v !== 'number') throw new TypeError(`loadStateDict: '${k}' must be a number`);
      return v;
    };
    const nums = (k: string): number[] | undefined => {
      const v = sd[k];
      if (v === undefined) return undefined;
      if (!Array.isArray(v)) throw new TypeError(`loadStateDict: '${k}' must be an array of numbers`);
      return v.map((x) => Number(x));
    };
    for (const [k] of this.hyperParams()) {
      const v = num(k);
      if (v !== undefined) this.setHyperParam(k, v);
    }
    this.baseLrs = nums('base_lrs') ?? this.baseLrs;
    this.lastEpoch = num('last_epoch') ?? this.lastEpoch;
    this.stepCount = num('_step_count') ?? this.stepCount;
    this.lastLr = nums('_last_lr') ?? this.lastLr;
  }
}
