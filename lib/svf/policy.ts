/**
 * The SVF freezing policy (svf_modules of the original code) and a configurable one beside it.
 * layers = [layer0, …, layer4] as models.resnetLayers gives them (sharing the net's modules).
 *
 * BatchNorm: the original training keeps the backbone's BatchNorm in eval mode (fix_bn) — its
 * running statistics are part of the pre-trained function that SVF adjusts. With freezeBn
 * (default), every BatchNorm whose parameters are all frozen is swapped for a FrozenBatchNorm2d
 * (fixBatchNorm, fuse.ts), so a later model.train() leaves it in eval, and with foldBn (default)
 * folded into the SVD convolution before it.
 */
import { BatchNorm2d } from '../nn/batchnorm';
import { Module } from '../nn/module';
import { Tensor } from '../tensor';
import { fixBatchNorm, unfixBatchNorm } from './fuse';
import { SVDLayer } from './svd-layer';
import { PolicyOptions } from './types';

function checkLayers(layers: unknown): Module[] {
  if (!Array.isArray(layers) || layers.length === 0 || layers.some((l) => !(l instanceof Module)))
    throw new TypeError('layers must be a non-empty array of modules ([layer0, …, layer4])');
  return layers as Module[];
}

function uniqueParams(layers: Module[]): Tensor[] {
  const seen = new Set<Tensor>();
  for (const l of layers) for (const p of l.parameters()) seen.add(p);
  return [...seen];
}

/** Number of trainable parameter elements across the layers (shared tensors counted once). */
export function trainableCount(layers: Module[]): number {
  return uniqueParams(layers).filter((p) => p.requiresGrad).reduce((n, p) => n + p.numel(), 0);
}

/**
 * The configurable policy: every parameter of `layers` frozen, then in the layers listed in
 * trainS the singular values train (and, if asked, U/V and BatchNorm affine parameters).
 * Returns the trainable parameter count.
 */
export function applyPolicy(layers: Module[], opts: PolicyOptions = {}): number {
  const ls = checkLayers(layers);
  if (opts === null || typeof opts !== 'object') throw new TypeError('applyPolicy(layers, opts): opts must be an object');
  const trainS = opts.trainS ?? [2, 3, 4];
  if (!Array.isArray(trainS) || trainS.some((i) => !Number.isInteger(i) || i < 0 || i >= ls.length))
    throw new RangeError(`trainS must list layer indices in [0, ${ls.length - 1}], got ${JSON.stringify(trainS)}`);
  for (const k of ['trainBnAffine', 'trainUV', 'freezeBn', 'foldBn'] as const) {
    if (opts[k] !== undefined && typeof opts[k] !== 'boolean') throw new TypeError(`${k} must be a boolean`);
  }
  for (const p of uniqueParams(ls)) p.requiresGrad_(false);
  for (const i of trainS) {
    for (const [name, p] of ls[i].namedParameters()) {
      if (name === 'vector_S' || name.endsWith('.vector_S')) p.requiresGrad_(true);
    }
    for (const m of ls[i].modules()) {
      if (opts.trainUV && m instanceof SVDLayer) for (const p of m.parameters()) p.requiresGrad_(true);
      if (opts.trainBnAffine && m instanceof BatchNorm2d) for (const p of m.parameters()) p.requiresGrad_(true);
    }
  }
  if (opts.freezeBn ?? true) fixBatchNorm(ls, { fold: opts.foldBn ?? true });
  else unfixBatchNorm(ls);
  return trainableCount(ls);
}

/**
 * svf_modules of the original code: layer0 and layer1 frozen, layer2–layer4 train only
 * vector_S; frozen BatchNorm fixed to eval (freezeBn, default true) and folded into the SVD conv
 * before it (foldBn, default true). Returns the trainable count.
 */
export function svfModules(layers: Module[], opts: { freezeBn?: boolean; foldBn?: boolean } = {}): number {
  return applyPolicy(layers, { trainS: [2, 3, 4], freezeBn: opts.freezeBn ?? true, foldBn: opts.foldBn ?? true });
}
