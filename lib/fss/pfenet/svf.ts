/**
 * SVF in PFENet, as the SVF authors' training code does it: layer0–layer4 resolved (every conv
 * decomposed, full rank), the seeds' svf_modules policy (layer0–1 frozen, layer2–4 train only
 * vector_S, the head trains), backbone BatchNorm frozen to eval (fix_bn: svf.fixBatchNorm swaps
 * in FrozenBatchNorm2d, fused into the SVD conv before it; same keys), and the recipe: SGD
 * momentum 0.9, weight decay 1e-4, poly LR (power 0.9) with layer2–4 at a tenth of the base LR.
 *
 * Unlike the original, the dense backbone is not kept beside the decomposed one: each dense
 * layer is disposed as soon as its resolved copy is registered.
 */
import { Module } from '../../nn/module';
import { SGD } from '../../optim/sgd';
import { PolyLR } from '../../optim/lr_scheduler';
import { resolver } from '../../svf/resolver';
import { svfModules } from '../../svf/policy';
import { SVDLayer } from '../../svf/svd-layer';
import { ResolverOptions } from '../../svf/types';
import { Tensor } from '../../tensor';
import type { PFENet } from './model';
import { BACKBONE_NAMES, HEAD_NAMES } from './names';

export interface ApplySvfOptions extends ResolverOptions {
  /** Fuse the frozen backbone BatchNorms into the SVD conv before them (svf.fuseBatchNorm; default true). */
  foldBn?: boolean;
}

function checkModel(model: unknown, what: string): PFENet {
  const m = model as PFENet;
  if (!(model instanceof Module) || typeof m.backbone !== 'function' || typeof m.head !== 'function') throw new TypeError(`${what}: model must be an fss.PFENet`);
  return m;
}

export function hasSvf(model: PFENet): boolean {
  return model.backbone().some((l) => l.modules().some((m) => m instanceof SVDLayer));
}

/**
 * Resolves layer0–layer4 in place (the dense layers are disposed) and applies the freezing
 * policy. Returns the number of trainable backbone parameters (the singular values of layer2–4).
 */
export function applySvf(model: PFENet, opts: ApplySvfOptions = {}): number {
  checkModel(model, 'PFENet.applySvf');
  if (opts === null || typeof opts !== 'object') throw new TypeError('PFENet.applySvf(model, opts): opts must be an object');
  if (hasSvf(model)) throw new RangeError('PFENet.applySvf: the backbone is already decomposed');
  const { foldBn, ...resolverOptions } = opts;
  for (const name of BACKBONE_NAMES) {
    const dense = model.getChild(name);
    const resolved = resolver(dense, { globalLowRankRatio: 1.0, skip1x1: false, skip3x3: false, ...resolverOptions });
    model.registerModule(name, resolved);
    dense.dispose();
  }
  return svfModules(model.backbone(), { freezeBn: true, foldBn: foldBn ?? true });
}

export interface RecipeOptions {
  /** Base learning rate of the head (default 0.0025, PFENet's PASCAL config). */
  baseLr?: number;
  /** Total optimizer steps the poly decay runs over. */
  maxIters: number;
  momentum?: number;
  weightDecay?: number;
  power?: number;
  /** LR factor of the backbone's trainable parameters (default 0.1). */
  backboneLrScale?: number;
}

/**
 * The optimizer's param groups: layer2, layer3, layer4 (their trainable parameters, the
 * singular values after applySvf; a layer with none is left out) at baseLr·backboneLrScale,
 * then the head modules in the official order at baseLr.
 */
export function paramGroups(model: PFENet, baseLr: number, backboneLrScale = 0.1): { params: Tensor[]; lr: number }[] {
  checkModel(model, 'PFENet.paramGroups');
  const groups: { params: Tensor[]; lr: number }[] = [];
  const backbone = model.backbone();
  if (backbone.slice(0, 2).some((l) => l.parameters().some((p) => p.requiresGrad)))
    throw new RangeError('PFENet.paramGroups: layer0/layer1 have trainable parameters; the recipe keeps them frozen');
  for (const layer of backbone.slice(2)) {
    const params = layer.parameters().filter((p) => p.requiresGrad);
    if (params.length) groups.push({ params, lr: baseLr * backboneLrScale });
  }
  const headOrder = ['down_query', 'down_supp', 'init_merge', 'alpha_conv', 'beta_conv', 'inner_cls', 'res1', 'res2', 'cls'];
  for (const name of headOrder) groups.push({ params: model.getChild(name).parameters(), lr: baseLr });
  return groups;
}

/** SGD (momentum 0.9, weight decay 1e-4) over paramGroups and PolyLR(power 0.9) over maxIters. */
export function recipe(model: PFENet, opts: RecipeOptions): { optimizer: SGD; scheduler: PolyLR } {
  if (opts === null || typeof opts !== 'object') throw new TypeError('PFENet.recipe(model, opts): opts must be an object with maxIters');
  const baseLr = opts.baseLr ?? 0.0025;
  if (typeof baseLr !== 'number' || !(baseLr > 0)) throw new RangeError(`PFENet.recipe: baseLr must be > 0, got ${String(baseLr)}`);
  const optimizer = new SGD(paramGroups(model, baseLr, opts.backboneLrScale ?? 0.1), {
    lr: baseLr, momentum: opts.momentum ?? 0.9, weightDecay: opts.weightDecay ?? 1e-4,
  });
  const scheduler = new PolyLR(optimizer, { maxIters: opts.maxIters, power: opts.power ?? 0.9 });
  return { optimizer, scheduler };
}


