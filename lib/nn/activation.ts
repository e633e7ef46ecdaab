/** Activation modules. */
import { Tensor } from '../tensor';
import { bool } from './args';
import { relu } from './functional/activation';
import { Module } from './module';

export class ReLU extends Module {
  readonly inplace: boolean;

  /** `new ReLU()`, `new ReLU({ inplace: true })` or PyTorch's positional `new ReLU(true)`. */
  constructor(opts: { inplace?: boolean } | boolean = {}) {
    super();
    this.inplace = typeof opts === 'boolean' ? opts : bool(opts?.inplace ?? false, 'inplace');
  }

  forward(input: Tensor): Tensor {
    return relu(input, this.inplace);
  }

  extraRepr(): string {
    return this.inplace ? 'inplace=True' : '';
  }
}
