/**
 * svf.rebuild: the inverse of the resolver — a deep copy whose SVD layers are dense
 * Conv2d/Linear again (W = U·diag(S_used)·V, the bias of U), so the state_dict has the
 * original model's keys and loads into torchvision. A BatchNorm folded into an SVD conv
 * (fuseBatchNorm) is a FrozenBatchNorm2d again in the copy, after its dense conv.
 */
import { FrozenBatchNorm2d } from '../nn/batchnorm-frozen';
import { Module } from '../nn/module';
import { cloneModule } from './clone';
import { SVDConv2d } from './svd-conv2d';
import { FoldedBatchNorm2d } from './svd-conv2d-bn';
import { SVDLinear } from './svd-linear';

/** One SVD layer folded back (the layer is untouched; an SVDConv2dBn gives its conv alone). */
export function rebuildLayer(layer: SVDConv2d | SVDLinear): Module {
  if (layer instanceof SVDConv2d) {
    const c = layer.toConv2d();
    c.train(layer.training);
    return c;
  }
  if (layer instanceof SVDLinear) {
    const l = layer.toLinear();
    l.train(layer.training);
    return l;
  }
  throw new TypeError('rebuildLayer(layer): layer must be an SVDConv2d or SVDLinear');
}

function fold(m: Module): Module | undefined {
  if (m instanceof FoldedBatchNorm2d) return FrozenBatchNorm2d.from(cloneModule(m));
  if (!(m instanceof SVDConv2d) && !(m instanceof SVDLinear)) return undefined;
  const dense = rebuildLayer(m);
  const trainable = m.vector_S.requiresGrad;
  for (const p of dense.parameters()) p.requiresGrad_(trainable);
  return dense;
}

export function rebuild<M extends Module>(model: M): M {
  if (!(model instanceof Module)) throw new TypeError('rebuild(model): model must be an nn.Module');
  const root = fold(model);
  if (root) return root as unknown as M;
  return cloneModule(model, (_name, m) => fold(m));
}
