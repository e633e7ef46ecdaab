/** Creating a module's own tensors: a fresh Parameter or buffer with the factory { device, dtype }. */
import { empty, zeros, ones, TensorOptions } from '../creation';
import { Tensor } from '../tensor';
import { FactoryOptions } from './args';
import { Parameter } from './module';

/** An uninitialized Parameter of `shape` (the caller initializes it, as PyTorch's reset_parameters). */
export function emptyParameter(shape: number[], f: FactoryOptions): Tensor {
  const data = empty(shape, f as TensorOptions);
  const p = Parameter(data);
  data.dispose();
  return p;
}

export function zerosBuffer(shape: number[], f: FactoryOptions): Tensor {
  return zeros(shape, f as TensorOptions);
}

export function onesBuffer(shape: number[], f: FactoryOptions): Tensor {
  return ones(shape, f as TensorOptions);
}
