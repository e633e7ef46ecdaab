/**
 * The in-place ATen operators the update rules need beyond the Tensor methods (addcmul_,
 * addcdiv_, maximum(out=), detach_). Each mutates a tensor it was given and returns that
 * tensor: the op layer returns the written argument itself (self, or `out` for the out=
 * overload, which the generated Tensor/torch functions leave out), so no handle is made.
 */
import { atenOp } from '../oplayer/dispatch';
import { Tensor } from '../tensor';

const O = {
  addcmul_: atenOp('addcmul_'),
  addcdiv_: atenOp('addcdiv_'),
  maximumOut: atenOp('maximum.out'),
  detach_: atenOp('detach_'),
};

/** self += value * t1 * t2, as `self.addcmul_(t1, t2, value=value)`. */
export function addcmul_(self: Tensor, t1: Tensor, t2: Tensor, value: number): Tensor {
  return O.addcmul_(self, t1, t2, { value });
}

/** self += value * t1 / t2, as `self.addcdiv_(t1, t2, value=value)`. */
export function addcdiv_(self: Tensor, t1: Tensor, t2: Tensor, value: number): Tensor {
  return O.addcdiv_(self, t1, t2, { value });
}

/** out = maximum(a, b), as `torch.maximum(a, b, out=out)` (out may alias a). */
export function maximumInto(out: Tensor, a: Tensor, b: Tensor): Tensor {
  return O.maximumOut(a, b, { out });
}

/** Detaches `self` from the graph that made it, in place (`Tensor.detach_()`). */
export function detach_(self: Tensor): Tensor {
  return O.detach_(self);
}
