/** Dropout modules: active in training mode, identity in eval (the module's `training` flag). */
import { Tensor } from '../tensor';
import { bool, prob } from './args';
import { dropout, dropout2d } from './functional/dropout';
import { Module } from './module';

type DropoutArgs = { p?: number; inplace?: boolean } | number;

abstract class DropoutBase extends Module {
  readonly p: number;
  readonly inplace: boolean;

  /** `new Dropout()`, `new Dropout(0.1)` or `new Dropout({ p, inplace })`. */
  constructor(opts: DropoutArgs = {}) {
    super();
    const o = typeof opts === 'number' ? { p: opts } : opts ?? {};
    this.p = prob(o.p ?? 0.5, 'dropout probability');
    this.inplace = bool(o.inplace ?? false, 'inplace');
  }

  extraRepr(): string {
    return `p=${this.p}, inplace=${this.inplace ? 'True' : 'False'}`;
  }
}

export class Dropout extends DropoutBase {
  forward(input: Tensor): Tensor {
    return dropout(input, { p: this.p, training: this.training, inplace: this.inplace });
  }
}

export class Dropout2d extends DropoutBase {
  forward(input: Tensor): Tensor {
    return dropout2d(input, { p: this.p, training: this.training, inplace: this.inplace });
  }
}
