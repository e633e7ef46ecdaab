/**
 * torch.utils.data.DistributedSampler for episode (or any) indices: each rank takes a disjoint
 * shard of [0, n) — every numReplicas-th index from its rank on — after an optional shuffle
 * with seed + epoch (the same torch.randperm order as PyTorch's, through a private generator),
 * padded with the first indices so that every rank gets the same count (or trimmed with
 * dropLast). Call setEpoch(e) before each epoch for a new order, as with PyTorch's.
 */
import { native } from '../native';
import { wrap } from '../tensor';
import { getRank, getWorldSize } from './process-group';

export interface DistributedSamplerOptions {
  /** Default: the default group's world size. */
  numReplicas?: number;
  /** Default: this process's rank in the default group. */
  rank?: number;
  shuffle?: boolean;
  seed?: number;
  dropLast?: boolean;
}

function nonNegativeInt(v: unknown, what: string): number {
  if (typeof v !== 'number' || !Number.isInteger(v)) throw new TypeError(`DistributedSampler: ${what} must be an integer, got ${String(v)}`);
  if (v < 0) throw new RangeError(`DistributedSampler: ${what} must be >= 0, got ${v}`);
  return v;
}

export class DistributedSampler implements Iterable<number> {
  readonly datasetLength: number;
  readonly numReplicas: number;
  readonly rank: number;
  readonly shuffle: boolean;
  readonly seed: number;
  readonly dropLast: boolean;
  /** How many indices each rank gets per epoch. */
  readonly numSamples: number;
  readonly totalSize: number;
  private epoch = 0;

  /** `dataset`: its length (an episode count) or anything with a `length`. */
  constructor(dataset: number | { length: number }, opts: DistributedSamplerOptions = {}) {
    if (typeof dataset !== 'number' && (dataset === null || typeof dataset !== 'object'))
      throw new TypeError('DistributedSampler(dataset): dataset must be a length or an object with a length');
    const n = typeof dataset === 'number' ? dataset : dataset.length;
    this.datasetLength = nonNegativeInt(n, 'the dataset length');
    if (opts === null || typeof opts !== 'object') throw new TypeError('DistributedSampler: options must be an object');
    this.numReplicas = opts.numReplicas === undefined ? getWorldSize() : nonNegativeInt(opts.numReplicas, 'numReplicas');
    if (this.numReplicas < 1) throw new RangeError('DistributedSampler: numReplicas must be at least 1');
    this.rank = opts.rank === undefined ? getRank() : nonNegativeInt(opts.rank, 'rank');
    if (this.rank >= this.numReplicas) throw new RangeError(`Invalid rank ${this.rank}, rank should be in the interval [0, ${this.numReplicas - 1}]`);
    this.shuffle = opts.shuffle ?? true;
    if (typeof this.shuffle !== 'boolean') throw new TypeError('DistributedSampler: shuffle must be a boolean');
    this.seed = opts.seed === undefined ? 0 : nonNegativeInt(opts.seed, 'seed');
    this.dropLast = opts.dropLast ?? false;
    if (typeof this.dropLast !== 'boolean') throw new TypeError('DistributedSampler: dropLast must be a boolean');
    // PyTorch: with dropLast and a remainder, drop the tail so that every rank gets the same count.
    this.numSamples = this.dropLast && this.datasetLength % this.numReplicas !== 0
      ? Math.ceil((this.datasetLength - this.numReplicas) / this.numReplicas)
      : Math.ceil(this.datasetLength / this.numReplicas);
    this.totalSize = this.numSamples * this.numReplicas;
  }

  get length(): number {
    return this.numSamples;
  }

  /** The epoch whose order the next iteration yields (PyTorch's set_epoch). */
  setEpoch(epoch: number): void {
    this.epoch = nonNegativeInt(epoch, 'epoch');
  }

  /** This rank's indices for the current epoch. */
  indices(): number[] {
    let all: number[];
    if (this.shuffle) {
      const perm = wrap(native.randpermSeeded(this.datasetLength, this.seed + this.epoch));
      try {
        all = (perm.toArray() as number[]).map(Number);
      } finally {
        perm.dispose();
      }
    } else {
      all = Array.from({ length: this.datasetLength }, (_, i) => i);
    }
    if (!this.dropLast) {
      // pad with the first indices (repeated as often as needed) to a multiple of numReplicas
      const padding = this.totalSize - all.length;
      for (let i = 0; i < padding; i++) all.push(all[i % this.datasetLength]);
    } else {
      all = all.slice(0, this.totalSize);
    }
    const mine: number[] = [];
    for (let i = this.rank; i < this.totalSize; i += this.numReplicas) mine.push(all[i]);
    return mine;
  }

  [Symbol.iterator](): Iterator<number> {
    return this.indices()[Symbol.iterator]();
  }
}
