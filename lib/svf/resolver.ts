/**
 * svf.resolver / resolverAsync / decompose: turn eligible Conv2d/Linear leaves into
 * SVDConv2d/SVDLinear, on a deep copy (the input model is left untouched).
 */
import { TorchError } from '../errors';
import { Conv2d } from '../nn/conv';
import { Linear } from '../nn/linear';
import { Module } from '../nn/module';
import { cloneModule } from './clone';
import { geometryOf } from '../nn/conv-geometry';
import { DEFAULT_METHOD, Factors, factorize, factorizeAsync } from './decomposition';
import { checkRankMultiple, checkRatio, layerKind, RANK_MULTIPLE, rankFor } from './rank';
import { SVDConv2d } from './svd-conv2d';
import { SVDLayer } from './svd-layer';
import { SVDLinear } from './svd-linear';
import { DecompositionMethod, ExecutionMode, ResolverOptions } from './types';

export type DenseLayer = Conv2d | Linear;
export type SVDModule = SVDConv2d | SVDLinear;

export interface DecomposeOptions {
  /** Total rank (a multiple of groups); overrides ratio. */
  rank?: number;
  /** Fraction of the full rank G·min(out/G, in/G·kh·kw) to keep (default 1.0). */
  ratio?: number;
  /** Round a ratio's total rank down to a multiple of this (default RANK_MULTIPLE, 4, as the resolver; without ratio and rankMultiple decompose keeps the full rank). */
  rankMultiple?: number;
  method?: DecompositionMethod;
  mode?: ExecutionMode;
}

interface Plan {
  groups: number;
  /** Rank per group. */
  rankPerGroup: number;
}

function isDense(m: Module): m is DenseLayer {
  return m instanceof Conv2d || m instanceof Linear;
}

/** Per-group full rank min(out/G, in/G·kh·kw) and the kept rank per group (see rankFor). */
function plan(layer: DenseLayer, opts: DecomposeOptions): Plan {
  const w = layer.weight;
  const groups = layer instanceof Conv2d ? layer.groups : 1;
  const [out, ...rest] = w.shape;
  const K = rest.reduce((a, b) => a * b, 1);
  const full = Math.min(out / groups, K);
  if (opts.rank !== undefined) {
    const r = opts.rank;
    if (!Number.isInteger(r) || r < 1) throw new RangeError(`decompose: rank must be a positive integer, got ${String(r)}`);
    if (r % groups !== 0) throw new RangeError(`decompose: rank ${r} must be a multiple of groups (${groups})`);
    if (r / groups > full) throw new RangeError(`decompose: rank ${r} exceeds the full rank ${full * groups} of this layer`);
    return { groups, rankPerGroup: r / groups };
  }
  // no ratio and no multiple: the full rank, exact (see RANK_MULTIPLE)
  if (opts.ratio === undefined && opts.rankMultiple === undefined) return { groups, rankPerGroup: full };
  const ratio = checkRatio(opts.ratio ?? 1, 'ratio');
  const multiple = checkRankMultiple(opts.rankMultiple ?? RANK_MULTIPLE);
  // the multiple applies to the total rank (a channel count); each group keeps an equal share
  return { groups, rankPerGroup: Math.max(1, Math.floor(rankFor(groups * full, ratio, multiple) / groups)) };
}

/** Builds the SVD layer for `layer` from its factors (bias copied from the layer). */
function assemble(layer: DenseLayer, p: Plan, f: Factors, mode: ExecutionMode | undefined): SVDModule {
  const w = layer.weight;
  const rank = p.rankPerGroup * p.groups;
  const factory = { device: w.device, dtype: w.dtype };
  let svd: SVDModule;
  if (layer instanceof Conv2d) {
    const g = geometryOf(layer);
    svd = new SVDConv2d(g.inChannels, g.outChannels, g.kernelSize, rank, {
      stride: g.stride, padding: g.padding, dilation: g.dilation, groups: g.groups,
      bias: layer.bias !== null, paddingMode: g.paddingMode, ...factory,
    });
  } else {
    svd = new SVDLinear(layer.inFeatures, layer.outFeatures, rank, { bias: layer.bias !== null, ...factory });
  }
  svd.setFactors(f.U, f.S, f.V, layer.bias);
  // the new layer trains the way the old one did, and starts in its mode
  const trainable = w.requiresGrad;
  for (const t of svd.parameters()) t.requiresGrad_(trainable);
  svd.train(layer.training);
  if (mode) svd.mode = mode;
  return svd;
}

function disposeFactors(f: Factors): void {
  f.U.dispose(); f.S.dispose(); f.V.dispose();
}

function checkLayer(layer: unknown): DenseLayer {
  if (!(layer instanceof Conv2d) && !(layer instanceof Linear)) throw new TypeError('decompose(layer): layer must be an nn.Conv2d or nn.Linear');
  if (!layerKind(layer.weight.shape)) throw new TorchError(`decompose: a weight of shape [${layer.weight.shape.join(', ')}] has no 2-D/4-D core to decompose (depthwise or degenerate)`);
  return layer;
}

/** SVD of one Conv2d/Linear into a new SVDConv2d/SVDLinear (the layer is untouched). */
export function decompose(layer: Conv2d, opts?: DecomposeOptions): SVDConv2d;
export function decompose(layer: Linear, opts?: DecomposeOptions): SVDLinear;
export function decompose(layer: DenseLayer, opts?: DecomposeOptions): SVDModule;
export function decompose(layer: DenseLayer, opts: DecomposeOptions = {}): SVDModule {
  const l = checkLayer(layer);
  const p = plan(l, opts);
  const f = factorize(l.weight, p.groups, p.rankPerGroup, opts.method ?? DEFAULT_METHOD);
  try {
    return assemble(l, p, f, opts.mode);
  } finally {
    disposeFactors(f);
  }
}

interface Target {
  name: string;
  layer: DenseLayer;
  opts: DecomposeOptions;
}

function normalize(opts: ResolverOptions): Required<Omit<ResolverOptions, 'mode'>> & { mode?: ExecutionMode } {
  if (opts === null || typeof opts !== 'object') throw new TypeError('resolver(model, opts): opts must be an object');
  const excluded = opts.excludedLayers ?? [];
  if (!Array.isArray(excluded) || excluded.some((n) => typeof n !== 'string')) throw new TypeError('excludedLayers must be an array of layer names');
  const custom = opts.customizedLayersLowRankRatio ?? {};
  if (custom === null || typeof custom !== 'object') throw new TypeError('customizedLayersLowRankRatio must be an object { name: ratio }');
  for (const [n, r] of Object.entries(custom)) checkRatio(r, `customizedLayersLowRankRatio['${n}']`);
  for (const k of ['skip1x1', 'skip3x3'] as const) {
    if (opts[k] !== undefined && typeof opts[k] !== 'boolean') throw new TypeError(`${k} must be a boolean`);
  }
  const method = opts.method ?? DEFAULT_METHOD;
  if (method !== 'svd' && method !== 'gram') throw new TypeError(`method must be 'svd' or 'gram', got ${String(method)}`);
  if (opts.mode !== undefined && !['auto', 'merged', 'factored'].includes(opts.mode)) throw new TypeError(`mode must be 'auto', 'merged' or 'factored'`);
  return {
    globalLowRankRatio: checkRatio(opts.globalLowRankRatio ?? 1, 'globalLowRankRatio'),
    excludedLayers: excluded,
    customizedLayersLowRankRatio: custom,
    skip1x1: opts.skip1x1 ?? false,
    skip3x3: opts.skip3x3 ?? false,
    rankMultiple: checkRankMultiple(opts.rankMultiple ?? RANK_MULTIPLE),
    method,
    mode: opts.mode,
  };
}

/** The layers the resolver would decompose, with their options (in namedModules order). */
export function resolverTargets(model: Module, options: ResolverOptions = {}): Target[] {
  if (!(model instanceof Module)) throw new TypeError('resolver(model): model must be an nn.Module');
  const o = normalize(options);
  const excluded = (name: string) => o.excludedLayers.some((e) => name === e || name.startsWith(e + '.'));
  const out: Target[] = [];
  const insideSvd: string[] = [];
  for (const [name, m] of model.namedModules()) {
    if (m instanceof SVDLayer) insideSvd.push(name);
    if (!isDense(m)) continue;
    if (insideSvd.some((p) => name.startsWith(p + '.'))) continue;
    const kind = layerKind(m.weight.shape);
    if (!kind || excluded(name)) continue;
    if ((kind === '1x1' && o.skip1x1) || (kind === 'kxk' && o.skip3x3)) continue;
    const ratio = o.customizedLayersLowRankRatio[name] ?? o.globalLowRankRatio;
    out.push({ name, layer: m, opts: { ratio, rankMultiple: o.rankMultiple, method: o.method, mode: o.mode } });
  }
  return out;
}

/**
 * A deep copy of `model` whose eligible Conv2d/Linear leaves are SVD layers
 * (the original SVF resolver, see docs/SVF.md for the rules).
 */
export function resolver<M extends Module>(model: M, options: ResolverOptions = {}): M {
  const targets = new Map(resolverTargets(model, options).map((t) => [t.layer as Module, t]));
  const rootTarget = targets.get(model);
  if (rootTarget) return decompose(rootTarget.layer, rootTarget.opts) as unknown as M;
  return cloneModule(model, (_name, m) => {
    const t = targets.get(m);
    return t ? decompose(t.layer, t.opts) : undefined;
  });
}

/**
 * resolver with every decomposition on a libuv worker thread, `concurrency` (default 1) at a
 * time: the JS thread stays free and the decompositions overlap. Same result as resolver.
 */
export async function resolverAsync<M extends Module>(model: M, options: ResolverOptions & { concurrency?: number } = {}): Promise<M> {
  const targets = resolverTargets(model, options);
  const concurrency = options.concurrency ?? 1;
  if (!Number.isInteger(concurrency) || concurrency < 1) throw new RangeError(`concurrency must be a positive integer, got ${String(concurrency)}`);
  const built = new Map<Module, SVDModule>();
  try {
    await forEachLimited(targets, concurrency, async (t) => {
      const l = checkLayer(t.layer);
      const p = plan(l, t.opts);
      const f = await factorizeAsync(l.weight, p.groups, p.rankPerGroup, t.opts.method ?? DEFAULT_METHOD);
      try {
        built.set(t.layer, assemble(l, p, f, t.opts.mode));
      } finally {
        disposeFactors(f);
      }
    });
  } catch (e) {
    for (const m of built.values()) m.dispose();
    throw e;
  }
  const root = built.get(model);
  if (root) return root as unknown as M;
  return cloneModule(model, (_name, m) => built.get(m));
}

/** Runs fn over items with at most `limit` in flight; rejects with the first error after all settle. */
async function forEachLimited<T>(items: T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  let failure: unknown = null;
  const worker = async () => {
    while (next < items.length) {
      const item = items[next++];
      try {
        await fn(item);
      } catch (e) {
        failure ??= e;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  if (failure) throw failure;
}

/** Every SVD layer of a model, by dotted name. */
export function svdLayers(model: Module): [string, SVDModule][] {
  return model.namedModules().filter(([, m]) => m instanceof SVDLayer) as [string, SVDModule][];
}

