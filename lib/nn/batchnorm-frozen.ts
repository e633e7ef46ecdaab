/**
 * FrozenBatchNorm2d: a BatchNorm2d fixed to its eval function, y = (x − running_mean) ·
 * γ/√(running_var + ε) + β, whatever train() says — the idea of torchvision.ops.FrozenBatchNorm2d
 * (and of the SVF code's fix_bn), as a module of its own instead of a flag on nn.BatchNorm2d.
 *
 * Unlike torchvision's, it keeps nn.BatchNorm2d's state exactly: γ and β stay (frozen)
 * parameters and num_batches_tracked stays a buffer, under the same names and in the same order,
 * so a model's state_dict, parameters() and checkpoints are the same with either module.
 * FrozenBatchNorm2d.from(bn) and toBatchNorm2d() share the tensors (no copy), so swapping one
 * for the other in a model changes the function, not the state.
 */
import { Tensor } from '../tensor';
import { BatchNorm2d } from './batchnorm';
import { DerivedTensors, recordsGraph, versionStamp } from './derived';
import { NormAffine } from './fold';
import { batchNorm } from './functional/normalization';

const STATE = ['weight', 'bias', 'running_mean', 'running_var', 'num_batches_tracked'] as const;

/** Registers `from`'s parameters and buffers on `to` under the same names (the tensors are shared). */
function shareState(from: BatchNorm2d, to: BatchNorm2d): void {
  for (const name of STATE) {
    if (name === 'weight' || name === 'bias') {
      to.getParameter(name)?.dispose();
      to.registerParameter(name, from.getParameter(name));
    } else {
      to.getBuffer(name)?.dispose();
      to.registerBuffer(name, from.getBuffer(name));
    }
  }
}

function options(bn: BatchNorm2d): { eps: number; momentum: number | null; affine: boolean; trackRunningStats: boolean } {
  return { eps: bn.eps, momentum: bn.momentum, affine: bn.affine, trackRunningStats: bn.trackRunningStats };
}

export class FrozenBatchNorm2d extends BatchNorm2d {
  /** scale = γ/√(var+ε) and shift = β − mean·scale, rebuilt when a source tensor changes. */
  private readonly affineCache = new DerivedTensors();

  /** A frozen BatchNorm with `bn`'s hyper-parameters and its very tensors (no copy), in eval mode. */
  static from(bn: BatchNorm2d): FrozenBatchNorm2d {
    return FrozenBatchNorm2d.sharing(bn, (n, o) => new FrozenBatchNorm2d(n, o));
  }

  /** A module made by `make(numFeatures, options)` holding `bn`'s tensors, in eval mode. */
  protected static sharing<T extends BatchNorm2d>(bn: BatchNorm2d, make: (n: number, o: ReturnType<typeof options>) => T): T {
    if (!(bn instanceof BatchNorm2d)) throw new TypeError('FrozenBatchNorm2d.from(bn): bn must be an nn.BatchNorm2d');
    if (!bn.trackRunningStats) throw new RangeError('FrozenBatchNorm2d: the BatchNorm has no running statistics to freeze');
    const m = make(bn.numFeatures, options(bn));
    shareState(bn, m);
    return m;
  }

  /** An nn.BatchNorm2d holding this module's tensors (no copy), in eval mode until the next train(). */
  toBatchNorm2d(): BatchNorm2d {
    const bn = new BatchNorm2d(this.numFeatures, options(this));
    shareState(this, bn);
    return bn.train(false);
  }

  constructor(numFeatures: number, opts: { eps?: number; momentum?: number | null; affine?: boolean; trackRunningStats?: boolean } = {}) {
    super(numFeatures, opts);
    if (!this.trackRunningStats) throw new RangeError('FrozenBatchNorm2d needs running statistics (trackRunningStats: true)');
    this.training = false;
  }

  /** Accepts the mode (and checks it) but stays in eval: the point of the module. */
  train(mode = true): this {
    super.train(mode);
    this.training = false;
    return this;
  }

  /**
   * The per-channel affine this module applies, cached, for a convolution that folds it in;
   * null while γ or β takes part in autograd (a folded weight would not carry their gradient).
   */
  scaleShift(): NormAffine | null {
    const w = this.weight;
    const b = this.bias;
    if (recordsGraph(w) || recordsGraph(b)) return null;
    const mean = this.runningMean!;
    const variance = this.runningVar!;
    const key = [versionStamp(mean), versionStamp(variance), versionStamp(w), versionStamp(b), this.eps].join('|');
    const scale = this.affineCache.get('scale', key, () => {
      const inv = variance.add(this.eps).rsqrt();
      return w ? inv.mul(w) : inv;
    });
    const shift = this.affineCache.get('shift', key, () => {
      const m = mean.mul(scale);
      return b ? b.sub(m) : m.neg();
    });
    return { scale, shift, key: `bn:${key}` };
  }

  /** The eval-mode normalization with the running statistics. */
  normalize(input: Tensor): Tensor {
    this.checkInputDim(input);
    return batchNorm(input, this.runningMean, this.runningVar, {
      weight: this.weight, bias: this.bias, training: false, momentum: 0, eps: this.eps,
    });
  }

  forward(input: Tensor): Tensor {
    return this.normalize(input);
  }

  /** Drops the cached affine (it is rebuilt on demand). */
  invalidate(): void {
    this.affineCache.clear();
  }

  protected releaseDerived(): void {
    this.invalidate();
  }
}
