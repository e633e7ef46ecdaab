/**
 * The SVF freezing policy (svf_modules of the original code) and a configurable one beside it.
 * layers = [layer0, …, layer4] as models.resnetLayers gives them (sharing the net's modules).
 *
 * BatchNorm: the original training keeps the backbone's BatchNorm in eval mode (fix_bn) — its
 * running statistics are part of the pre-trained function that SVF adjusts. With freezeBn
 * (default), every BatchNorm whose parameters are all frozen is pinned to eval mode
 * (BatchNorm2d.evalPinned), so a later model.train() leaves it in eval.
 */
import { BatchNorm2d } from '../nn/batchnorm';
import { Module } from '../nn/module';
import { Tensor } from '../tensor';
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

function checkBatchNorm(bn: unknown, what: string): BatchNorm2d {
  if (!(bn instanceof BatchNorm2d)) throw new TypeError(`${what}(bn): bn must be an nn.BatchNorm2d`);
  return bn;
}

/** Pins a BatchNorm to eval mode (train(true) is ignored) until unpinned. */
export function pinEval(bn: Module): void {
  const b = checkBatchNorm(bn, 'pinEval');
  b.evalPinned = true;
  b.train(false);
}

export function unpinEval(bn: Module): void {
  const b = checkBatchNorm(bn, 'unpinEval');
  b.foldIntoConv = false;
  b.evalPinned = false;
}

export function isPinnedEval(bn: Module): boolean {
  return bn instanceof BatchNorm2d && bn.evalPinned;
}

/**
 * fix_bn: every BatchNorm in `model` with no trainable parameter goes to eval mode and
 * stays there across model.train(); BatchNorms that train are unpinned. Returns how many were pinned.
 */
export function fixBatchNorm(model: Module | Module[], opts: { fold?: boolean } = {}): number {
  const roots = Array.isArray(model) ? model : [model];
  const fold = opts.fold ?? true;
  if (typeof fold !== 'boolean') throw new TypeError('fixBatchNorm: fold must be a boolean');
  let n = 0;
  for (const root of roots) {
    for (const m of root.modules()) {
      if (!(m instanceof BatchNorm2d)) continue;
      if (m.parameters().some((p) => p.requiresGrad)) {
        unpinEval(m);
      } else {
        pinEval(m);
        m.foldIntoConv = fold;
        n++;
      }
    }
  }
  return n;
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
  else for (const l of ls) for (const m of l.modules()) if (m instanceof BatchNorm2d) unpinEval(m);
  return trainableCount(ls);
}

/**
 * svf_modules of the original code: layer0 and layer1 frozen, layer2–layer4 train only
 * vector_S; frozen BatchNorm pinned to eval (freezeBn, default true). Returns the trainable count.
 */
export function svfModules(layers: Module[], opts: { freezeBn?: boolean; foldBn?: boolean } = {}): number {
  return applyPolicy(layers, { trainS: [2, 3, 4], freezeBn: opts.freezeBn ?? true, foldBn: opts.foldBn ?? true });
}
