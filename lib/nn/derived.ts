/**
 * Tensors a module derives from its parameters and buffers (merged SVD weights, folded
 * BatchNorm affines), cached and keyed on LibTorch's version counters and storage identity of
 * everything they are made from: an optimizer step, loadStateDict's copy_, an in-place edit or
 * Module.to() changes the key, so a stale derived tensor is never used.
 */
import { isGradEnabled, noGrad } from '../autograd';
import { keep, tidy } from '../memory';
import { native } from '../native';
import { Tensor } from '../tensor';

/** Storage identity and version counter: changes whenever the tensor's values may have changed. */
export function versionStamp(t: Tensor | null): string {
  return t === null ? '-' : native.versionKey(t.handle);
}

/** Tensors derived from module state (merged or folded weights), one per slot, rebuilt when their key changes. */
export class DerivedTensors {
  private readonly entries = new Map<string, { key: string; value: Tensor }>();

  get(slot: string, key: string, make: () => Tensor): Tensor {
    const e = this.entries.get(slot);
    if (e && e.key === key && !e.value.isDisposed) return e.value;
    if (e) e.value.dispose();
    const value = keep(noGrad(() => tidy(make)));
    this.entries.set(slot, { key, value });
    return value;
  }

  clear(): void {
    for (const e of this.entries.values()) e.value.dispose();
    this.entries.clear();
  }
}

/** Whether `t` takes part in autograd now (a trainable tensor while grad mode is on). */
export function recordsGraph(t: Tensor | null): boolean {
  return t !== null && t.requiresGrad && isGradEnabled();
}
