/**
 * What SVDConv2d and SVDLinear share: the singular values `vector_S`, the execution mode
 * (factored V → ×S → U, or one dense op with the merged weight), the merged-weight cache,
 * and the interpolation strength of setStrength.
 *
 * The cache is keyed on LibTorch's version counters of U, V and S (every in-place write —
 * an optimizer step, loadStateDict's copy_, fill_ — bumps them), on their storage identity
 * (Module.to() swaps storage with set_data, which does not bump the counter) and on the
 * strength; so a stale merged weight is never used, and a frozen layer merges once.
 */
import { noGrad } from '../autograd';
import { TorchError } from '../errors';
import { tidy } from '../memory';
import { DerivedTensors, recordsGraph, versionStamp } from '../nn/derived';
import { Module } from '../nn/module';
import { Tensor } from '../tensor';
import { ExecutionMode } from './types';

export abstract class SVDLayer extends Module {
  /** How forward runs; see ExecutionMode. */
  mode: ExecutionMode = 'auto';
  /** The mode the last forward actually used (for tests and benchmarks). */
  lastMode: 'merged' | 'factored' | null = null;
  /** Merged (and, in SVDConv2d, BatchNorm-folded) weights, rebuilt when their sources change. */
  protected readonly derived = new DerivedTensors();
  private strength = 1;

  /** The (1, rank, …) singular values, a registered parameter. */
  get vector_S(): Tensor {
    return this.getParameter('vector_S') as Tensor;
  }
  abstract get rank(): number;
  /** U's and V's weights (the frozen bases). */
  protected abstract get uWeight(): Tensor;
  protected abstract get vWeight(): Tensor;
  protected abstract get uBias(): Tensor | null;
  /** W = U·diag(s)·V in the layout of the dense layer's weight (autograd flows into s). */
  protected abstract mergeWeight(s: Tensor): Tensor;
  protected abstract denseForward(x: Tensor, weight: Tensor): Tensor;
  protected abstract factoredForward(x: Tensor, s: Tensor): Tensor;
  /** Multiply-adds for an input shape: dense op, V op, U op, merge. */
  protected abstract costs(x: Tensor): { dense: number; v: number; u: number; merge: number };

  /** The singular values in use: S, or S_base + α·(S − S_base) after setStrength(α ≠ 1). */
  effectiveS(): Tensor {
    const s = this.vector_S;
    if (this.strength === 1) return s;
    const base = this.getBuffer('vector_S_base');
    if (!base) throw new Error('unreachable: strength set without a base');
    const alpha = this.strength;
    return tidy(() => base.add(s.sub(base).mul(alpha)));
  }

  /** fn(S in use), disposing the blended S of setStrength afterwards. */
  protected withEffectiveS<T>(fn: (s: Tensor) => T): T {
    const s = this.effectiveS();
    try {
      return fn(s);
    } finally {
      if (s !== this.vector_S) s.dispose();
    }
  }

  /** setStrength: α = 0 gives the base (pre-tuning) singular values, 1 the tuned ones. */
  setStrength(alpha: number): void {
    if (typeof alpha !== 'number' || !Number.isFinite(alpha)) throw new TypeError(`setStrength(alpha): alpha must be a finite number, got ${String(alpha)}`);
    if (alpha !== 1 && (!this.hasBuffer('vector_S_base') || !this.getBuffer('vector_S_base'))) {
      throw new TorchError('setStrength: this SVD layer has no base singular values (it was not made by decompose/resolver)');
    }
    this.strength = alpha;
  }
  getStrength(): number {
    return this.strength;
  }

  /**
   * Takes over `source`'s execution mode, strength, base singular values (shared) and training
   * flag: for a layer built on `source`'s own tensors by a model transform.
   */
  protected adoptState(source: SVDLayer): void {
    this.mode = source.mode;
    this.strength = source.strength;
    this.training = source.training;
    if (source.hasBuffer('vector_S_base')) this.registerBuffer('vector_S_base', source.getBuffer('vector_S_base'), { persistent: false });
  }

  /** Records the decomposition's singular values as the non-persistent base of setStrength. */
  protected setBase(s: Tensor): void {
    this.registerBuffer('vector_S_base', noGrad(() => tidy(() => s.detach().clone())), { persistent: false });
  }

  /** Whether a forward now must record a graph through the layer's own parameters. */
  protected needsGraph(): boolean {
    return [this.vector_S, this.uWeight, this.vWeight, this.uBias].some(recordsGraph);
  }

  /** Picks the execution for input x. */
  chooseMode(x: Tensor): 'merged' | 'factored' {
    if (this.mode !== 'auto') return this.mode;
    if (!this.needsGraph()) return 'merged';
    const c = this.costs(x);
    const inputGrad = x.requiresGrad ? 1 : 0;
    // forward + backward multiply-adds with frozen U/V: merged needs dL/dW (one dense op), the
    // input gradient when x requires grad, and the merge twice; factored needs U's input
    // gradient (for dL/dS) and V's input gradient when x requires grad.
    const merged = c.dense * (2 + inputGrad) + 2 * c.merge;
    const factored = c.v * (1 + inputGrad) + 2 * c.u;
    return merged < factored ? 'merged' : 'factored';
  }

  /** The dense weight U·diag(S_used)·V: cached (no graph) when nothing needs a gradient. */
  mergedWeight(): Tensor {
    if (this.needsGraph()) return this.withEffectiveS((s) => this.mergeWeight(s));
    return this.derived.get('merged', this.factorsKey(), () => this.mergedWeightDetached());
  }

  /** What the merged weight derives from: U, V, S (version and storage) and the strength. */
  protected factorsKey(): string {
    return [versionStamp(this.uWeight), versionStamp(this.vWeight), versionStamp(this.vector_S), this.strength].join('|');
  }

  /** A fresh (uncached, graph-free) merged weight with the singular values in use. */
  mergedWeightDetached(): Tensor {
    return noGrad(() => this.withEffectiveS((s) => this.mergeWeight(s)));
  }

  /** Drops the cached merged weight (it is rebuilt on demand). */
  invalidate(): void {
    this.derived.clear();
  }

  forward(x: Tensor): Tensor {
    const mode = this.chooseMode(x);
    this.lastMode = mode;
    if (mode === 'merged') {
      const graph = this.needsGraph();
      const w = this.mergedWeight();
      try {
        return this.denseForward(x, w);
      } finally {
        if (graph) w.dispose();
      }
    }
    return this.withEffectiveS((s) => this.factoredForward(x, s));
  }

  protected releaseDerived(): void {
    this.invalidate();
  }
}
