/**
 * The in-place ATen operators the update rules need beyond the Tensor methods (addcmul_,
 * addcdiv_, maximum(out=), detach_). Each mutates a tensor it was given and returns that
 * tensor. The addon hands back the very handle that was written (self, or `out` for out=
 * overloads); `mutated` still frees any other handle, so nothing can leak.
 */
import { native } from '../native';
import { lazyOp } from '../ops';
import { Tensor } from '../tensor';

/** Drops the handle an op returned unless it is the one `target` already owns. */
function mutated(target: Tensor, returned: unknown): Tensor {
  if (returned !== target.handle && native.isHandle(returned)) native.dispose(returned);
  return target;
}

const O = {
  addcmul_: lazyOp('aten::addcmul_'),
  addcdiv_: lazyOp('aten::addcdiv_'),
  maximumOut: lazyOp('aten::maximum', 'out'),
  detach_: lazyOp('aten::detach_'),
};

/** self += value * t1 * t2, as `self.addcmul_(t1, t2, value=value)`. */
export function addcmul_(self: Tensor, t1: Tensor, t2: Tensor, value: number): Tensor {
  return mutated(self, native.callOp(O.addcmul_(), self.handle, t1.handle, t2.handle, value));
}

/** self += value * t1 / t2, as `self.addcdiv_(t1, t2, value=value)`. */
export function addcdiv_(self: Tensor, t1: Tensor, t2: Tensor, value: number): Tensor {
  return mutated(self, native.callOp(O.addcdiv_(), self.handle, t1.handle, t2.handle, value));
}

/** out = maximum(a, b), as `torch.maximum(a, b, out=out)` (out may alias a). */
export function maximumInto(out: Tensor, a: Tensor, b: Tensor): Tensor {
  return mutated(out, native.callOp(O.maximumOut(), a.handle, b.handle, out.handle));
}

/** Detaches `self` from the graph that made it, in place (`Tensor.detach_()`). */
export function detach_(self: Tensor): Tensor {
  return mutated(self, native.callOp(O.detach_(), self.handle));
}
