/** nn.Upsample: F.interpolate with fixed settings. */
import { Tensor } from '../tensor';
import { options } from './args';
import { interpolate, InterpolateMode } from './functional/sampling';
import { Module } from './module';

export interface UpsampleOptions {
  size?: number | [number, number];
  scaleFactor?: number | [number, number];
  mode?: InterpolateMode;
  alignCorners?: boolean | null;
  recomputeScaleFactor?: boolean | null;
}

export class Upsample extends Module {
  readonly size: number | [number, number] | undefined;
  readonly scaleFactor: number | [number, number] | undefined;
  readonly mode: InterpolateMode;
  readonly alignCorners: boolean | null;
  readonly recomputeScaleFactor: boolean | null;

  constructor(opts: UpsampleOptions = {}) {
    super();
    const o = options(opts, 'Upsample', ['size', 'scaleFactor', 'mode', 'alignCorners', 'recomputeScaleFactor']);
    this.size = o.size;
    this.scaleFactor = o.scaleFactor;
    this.mode = o.mode ?? 'nearest';
    this.alignCorners = o.alignCorners ?? null;
    this.recomputeScaleFactor = o.recomputeScaleFactor ?? null;
  }

  forward(input: Tensor): Tensor {
    return interpolate(input, {
      size: this.size, scaleFactor: this.scaleFactor, mode: this.mode,
      alignCorners: this.alignCorners, recomputeScaleFactor: this.recomputeScaleFactor,
    });
  }

  extraRepr(): string {
    const what = this.scaleFactor !== undefined ? `scale_factor=${this.scaleFactor}` : `size=${this.size}`;
    return `${what}, mode=${this.mode}`;
  }
}
