/** nn.Linear with PyTorch's init: weight kaiming_uniform_(a=√5), bias U(-1/√in, 1/√in). */
import { Tensor } from '../tensor';
import { bool, factory, FactoryOptions, int, options } from './args';
import { linear } from './functional/conv';
import { calculateFanInAndFanOut, kaimingUniform_, uniform_ } from './init';
import { Module } from './module';
import { emptyParameter } from './parameter';

export class Linear extends Module {
  readonly inFeatures: number;
  readonly outFeatures: number;

  constructor(inFeatures: number, outFeatures: number, opts: { bias?: boolean } & FactoryOptions = {}) {
    super();
    const o = options(opts, 'Linear', ['bias', 'device', 'dtype']);
    this.inFeatures = int(inFeatures, 'inFeatures', 0);
    this.outFeatures = int(outFeatures, 'outFeatures', 0);
    const f = factory(o);
    this.registerParameter('weight', emptyParameter([this.outFeatures, this.inFeatures], f));
    this.registerParameter('bias', bool(o.bias ?? true, 'bias') ? emptyParameter([this.outFeatures], f) : null);
    this.resetParameters();
  }

  resetParameters(): void {
    kaimingUniform_(this.weight, { a: Math.sqrt(5) });
    const b = this.bias;
    if (b) {
      const { fanIn } = calculateFanInAndFanOut(this.weight);
      const bound = fanIn > 0 ? 1 / Math.sqrt(fanIn) : 0;
      uniform_(b, -bound, bound);
    }
  }

  get weight(): Tensor {
    return this.getParameter('weight')!;
  }
  get bias(): Tensor | null {
    return this.getParameter('bias');
  }

  forward(input: Tensor): Tensor {
    return linear(input, this.weight, this.bias);
  }

  extraRepr(): string {
    return `in_features=${this.inFeatures}, out_features=${this.outFeatures}, bias=${this.bias ? 'True' : 'False'}`;
  }
}
