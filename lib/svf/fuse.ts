/**
 * BatchNorm freezing and folding as explicit model transforms: each swaps modules in the model's
 * tree (parent.registerModule(name, substitute)), as torch.ao.quantization.fuse_modules does,
 * instead of flags on nn classes. The substitutes share the originals' tensors, and each keeps
 * its slot, so state_dict keys, order and values, parameters() and checkpoints are unchanged.
 *
 * - fixBatchNorm (fix_bn of the SVF code): a BatchNorm2d whose parameters are all frozen
 *   becomes a FrozenBatchNorm2d (eval function whatever train() says); one whose parameters
 *   train goes back to nn.BatchNorm2d. With fold (default), then fuseBatchNorm.
 * - fuseBatchNorm: an SVDConv2d followed by a frozen BatchNorm becomes SVDConv2dBn + a
 *   FoldedBatchNorm2d (svd-conv2d-bn.ts); unfuseBatchNorm undoes it (the BatchNorm stays frozen);
 *   unfixBatchNorm undoes both.
 *
 * "Followed by" means the norm consumes the conv's output and nothing else: adjacent children of
 * a Sequential, or a pair a module lists in convNormPairs() (the ResNet blocks and stem). Other
 * pairs are not fused (their BatchNorm is still frozen).
 */
import { BatchNorm2d } from '../nn/batchnorm';
import { FrozenBatchNorm2d } from '../nn/batchnorm-frozen';
import { Sequential } from '../nn/container';
import { ConvNormPairs } from '../nn/fold';
import { Module } from '../nn/module';
import { SVDConv2d } from './svd-conv2d';
import { FoldedBatchNorm2d, SVDConv2dBn } from './svd-conv2d-bn';

type Roots = Module | Module[];
type Slot = [parent: Module, name: string];
type Pair = [parent: Module, conv: string, norm: string];

function rootsOf(model: unknown, what: string): Module[] {
  const roots = Array.isArray(model) ? model : [model];
  if (roots.length === 0 || roots.some((m) => !(m instanceof Module))) throw new TypeError(`${what}(model): model must be an nn.Module or an array of them`);
  return roots as Module[];
}

function listsPairs(m: Module): m is Module & ConvNormPairs {
  return typeof (m as Partial<ConvNormPairs>).convNormPairs === 'function';
}

/** Every module of the trees once (a module shared by several roots or slots included once). */
function modulesOf(roots: Module[]): Module[] {
  const seen = new Set<Module>();
  for (const root of roots) for (const m of root.modules()) seen.add(m);
  return [...seen];
}

/** Every slot (parent, child name) of the trees. */
function slotsOf(roots: Module[]): Slot[] {
  return modulesOf(roots).flatMap((parent) => parent.namedChildren().map(([name]): Slot => [parent, name]));
}

/** The conv → norm pairs of the trees (see the header). */
function pairsOf(roots: Module[]): Pair[] {
  const pairs: Pair[] = [];
  for (const m of modulesOf(roots)) {
    if (m instanceof Sequential) {
      const names = m.namedChildren().map(([n]) => n);
      for (let i = 0; i + 1 < names.length; i++) pairs.push([m, names[i], names[i + 1]]);
    } else if (listsPairs(m)) {
      for (const [conv, norm] of m.convNormPairs()) if (m.hasChild(conv) && m.hasChild(norm)) pairs.push([m, conv, norm]);
    }
  }
  return pairs;
}

/**
 * Replaces modules in their slots; a module registered at several slots gets the same
 * substitute at each. Replaced layers drop their caches (their tensors live on in the substitute).
 */
class Swapper {
  private readonly made = new Map<Module, Module>();

  swap<T extends Module>(parent: Module, name: string, make: (old: Module) => T): T {
    const old = parent.getChild(name);
    let sub = this.made.get(old) as T | undefined;
    if (!sub) {
      sub = make(old);
      this.made.set(old, sub);
      dropCaches(old);
    }
    parent.registerModule(name, sub);
    return sub;
  }
}

function dropCaches(m: Module): void {
  if (m instanceof SVDConv2d) m.invalidate();
  else if (m instanceof FrozenBatchNorm2d) m.invalidate();
}

/** A BatchNorm whose γ or β trains. */
function trains(bn: BatchNorm2d): boolean {
  return bn.parameters().some((p) => p.requiresGrad);
}

function isFused(conv: Module, norm: Module): conv is SVDConv2dBn {
  return conv instanceof SVDConv2dBn && norm instanceof FoldedBatchNorm2d && conv.norm === norm;
}

/** How many slots each module fills (a conv or BatchNorm in two slots cannot be fused with one partner). */
function slotCounts(roots: Module[]): Map<Module, number> {
  const counts = new Map<Module, number>();
  for (const [parent, name] of slotsOf(roots)) {
    const child = parent.getChild(name);
    counts.set(child, (counts.get(child) ?? 0) + 1);
  }
  return counts;
}

/** Unfuses the fused pairs `which` selects; returns how many. */
function unfusePairs(roots: Module[], swapper: Swapper, which: (norm: FoldedBatchNorm2d) => boolean): number {
  let n = 0;
  for (const [parent, convName, normName] of pairsOf(roots)) {
    const conv = parent.getChild(convName);
    const norm = parent.getChild(normName);
    if (!isFused(conv, norm) || !which(conv.norm)) continue;
    swapper.swap(parent, convName, () => conv.unfused());
    swapper.swap(parent, normName, () => FrozenBatchNorm2d.from(norm as FoldedBatchNorm2d));
    n++;
  }
  return n;
}

/** Fuses every SVDConv2d → FrozenBatchNorm2d pair (neither in another slot); returns how many. */
function fusePairs(roots: Module[], swapper: Swapper): number {
  const counts = slotCounts(roots);
  let n = 0;
  for (const [parent, convName, normName] of pairsOf(roots)) {
    const conv = parent.getChild(convName);
    const norm = parent.getChild(normName);
    if (!(conv instanceof SVDConv2d) || conv instanceof SVDConv2dBn || counts.get(conv) !== 1) continue;
    if (!(norm instanceof FrozenBatchNorm2d) || norm instanceof FoldedBatchNorm2d || counts.get(norm) !== 1) continue;
    if (norm.numFeatures !== conv.geometry.outChannels) continue;
    const folded = swapper.swap(parent, normName, () => FoldedBatchNorm2d.from(norm));
    swapper.swap(parent, convName, () => new SVDConv2dBn(conv, folded));
    n++;
  }
  return n;
}

/**
 * fix_bn: every BatchNorm2d in `model` (a module or [layer0, …]) with no trainable parameter
 * and running statistics is swapped for a FrozenBatchNorm2d on its tensors, so model.train()
 * leaves it in eval; a frozen one whose parameters train again goes back to nn.BatchNorm2d.
 * With fold (default true), the frozen ones after an SVD convolution are folded into it
 * (fuseBatchNorm). Returns how many BatchNorms are frozen.
 */
export function fixBatchNorm(model: Roots, opts: { fold?: boolean } = {}): number {
  const roots = rootsOf(model, 'fixBatchNorm');
  if (opts === null || typeof opts !== 'object') throw new TypeError('fixBatchNorm(model, opts): opts must be an object');
  const fold = opts.fold ?? true;
  if (typeof fold !== 'boolean') throw new TypeError('fixBatchNorm: fold must be a boolean');
  const swapper = new Swapper();
  unfusePairs(roots, swapper, (norm) => !fold || trains(norm));
  let frozen = 0;
  for (const [parent, name] of slotsOf(roots)) {
    const bn = parent.getChild(name);
    if (!(bn instanceof BatchNorm2d)) continue;
    if (trains(bn)) {
      if (bn instanceof FrozenBatchNorm2d) swapper.swap(parent, name, () => bn.toBatchNorm2d());
    } else if (bn instanceof FrozenBatchNorm2d) {
      frozen++;
    } else if (bn.trackRunningStats) {
      swapper.swap(parent, name, () => FrozenBatchNorm2d.from(bn));
      frozen++;
    }
  }
  if (fold) fusePairs(roots, swapper);
  return frozen;
}

/** Undoes fixBatchNorm: every frozen BatchNorm is an nn.BatchNorm2d again (in eval until the next train()). Returns how many. */
export function unfixBatchNorm(model: Roots): number {
  const roots = rootsOf(model, 'unfixBatchNorm');
  const swapper = new Swapper();
  unfusePairs(roots, swapper, () => true);
  let n = 0;
  for (const [parent, name] of slotsOf(roots)) {
    const bn = parent.getChild(name);
    if (bn instanceof FrozenBatchNorm2d) {
      swapper.swap(parent, name, () => bn.toBatchNorm2d());
      n++;
    }
  }
  return n;
}

/**
 * Folds every frozen BatchNorm that follows an SVDConv2d into it (FrozenBatchNorm2d, as
 * fixBatchNorm makes them; an nn.BatchNorm2d is not frozen, so not folded). Returns how many pairs.
 */
export function fuseBatchNorm(model: Roots): number {
  return fusePairs(rootsOf(model, 'fuseBatchNorm'), new Swapper());
}

/** Undoes fuseBatchNorm: SVDConv2d and FrozenBatchNorm2d again. Returns how many pairs. */
export function unfuseBatchNorm(model: Roots): number {
  return unfusePairs(rootsOf(model, 'unfuseBatchNorm'), new Swapper(), () => true);
}
