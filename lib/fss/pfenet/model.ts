/**
 * PFENet (Tian et al., "Prior Guided Feature Enrichment Network for Few-Shot Segmentation",
 * TPAMI 2020) as the official model/PFENet.py computes it, with its state_dict keys.
 *
 * The backbone runs without autograd when none of its parameters trains (the official code's
 * torch.no_grad), and with autograd once SVF (applySvf) lets its singular values train, as the
 * SVF authors' variant does.
 */
import { isGradEnabled, noGrad } from '../../autograd';
import { cat } from '../../generated/torch';
import { tidy } from '../../memory';
import { Module } from '../../nn/module';
import { adaptiveAvgPool2d } from '../../nn/functional/pooling';
import { crossEntropy } from '../../nn/functional/loss';
import { Tensor } from '../../tensor';
import { BackboneLayers, dilatedResnetLayers, initmodelToPfenet, vggLayers } from './backbone';
import { alphaConv, classifier, doubleConv, initMerge, perBin, reduction, res1 } from './head';
import { BACKBONE_NAMES, HEAD_NAMES } from './names';
import { ApplySvfOptions, applySvf, paramGroups, recipe, RecipeOptions } from './svf';
import { CheckedOptions, checkOptions, PFENetOptions } from './options';
import { priorMask, resize, weightedGap } from './prior';

/** Label value the losses ignore (PFENet's padding/ignore label). */
export const IGNORE_LABEL = 255;

export interface PFENetTrainOutput {
  /** [B, classes, h, w] */
  logits: Tensor;
  /** Cross-entropy of the final logits (ignore 255). */
  mainLoss: Tensor;
  /** Mean cross-entropy of the per-bin inner_cls logits, each upsampled to the output size. */
  auxLoss: Tensor;
}

interface Features {
  f2: Tensor;
  f3: Tensor;
  f4: Tensor;
}

function checkInputs(query: unknown, supportImages: unknown, supportMasks: unknown, target: unknown): number {
  if (!(query instanceof Tensor)) throw new TypeError('PFENet.forward: query must be a Tensor [B, 3, H, W]');
  if (!(supportImages instanceof Tensor)) throw new TypeError('PFENet.forward: supportImages must be a Tensor [B, K, 3, H, W]');
  if (!(supportMasks instanceof Tensor)) throw new TypeError('PFENet.forward: supportMasks must be a Tensor [B, K, H, W]');
  if (target !== undefined && target !== null && !(target instanceof Tensor)) throw new TypeError('PFENet.forward: target must be a Tensor [B, H, W] or undefined');
  const [b, c, h, w] = query.shape;
  if (query.ndim !== 4 || c !== 3) throw new RangeError(`PFENet.forward: query must be [B, 3, H, W], got [${query.shape.join(', ')}]`);
  if ((h - 1) % 8 !== 0 || (w - 1) % 8 !== 0) throw new RangeError(`PFENet.forward: (H − 1) and (W − 1) must be multiples of 8 (e.g. 473), got ${h}×${w}`);
  const s = supportImages.shape;
  if (supportImages.ndim !== 5 || s[0] !== b || s[2] !== 3) throw new RangeError(`PFENet.forward: supportImages must be [${b}, K, 3, H, W], got [${s.join(', ')}]`);
  const m = supportMasks.shape;
  if (supportMasks.ndim !== 4 || m[0] !== b || m[1] !== s[1] || m[2] !== s[3] || m[3] !== s[4])
    throw new RangeError(`PFENet.forward: supportMasks must be [${b}, ${s[1]}, ${s[3]}, ${s[4]}], got [${m.join(', ')}]`);
  if (target instanceof Tensor && (target.ndim !== 3 || target.shape[0] !== b || target.shape[1] !== h || target.shape[2] !== w))
    throw new RangeError(`PFENet.forward: target must be [${b}, ${h}, ${w}], got [${target.shape.join(', ')}]`);
  return s[1];
}

export class PFENet extends Module {
  readonly layers: number;
  readonly shot: number;
  readonly ppmScales: number[];
  readonly vgg: boolean;
  readonly classes: number;
  readonly zoomFactor: number;

  constructor(options: PFENetOptions = {}) {
    super();
    const o: CheckedOptions = checkOptions(options);
    this.layers = o.layers;
    this.shot = o.shot;
    this.ppmScales = o.ppmScales;
    this.vgg = o.vgg;
    this.classes = o.classes;
    this.zoomFactor = o.zoomFactor;
    const backbone: BackboneLayers = o.vgg ? vggLayers() : dilatedResnetLayers(o.layers);
    // frozen, as the official train.py leaves it (forward then runs it without autograd);
    // applySvf lets the singular values of layer2–4 train
    for (const l of backbone) l.requiresGrad_(false);
    BACKBONE_NAMES.forEach((name, i) => this.registerModule(name, backbone[i]));
    const feaDim = o.vgg ? 512 + 256 : 1024 + 512;
    const bins = o.ppmScales.length;
    this.registerModule('cls', classifier(o.classes));
    this.registerModule('down_query', reduction(feaDim));
    this.registerModule('down_supp', reduction(feaDim));
    this.registerModule('init_merge', initMerge(bins));
    this.registerModule('beta_conv', perBin(bins, doubleConv));
    this.registerModule('inner_cls', perBin(bins, () => classifier(o.classes)));
    this.registerModule('res1', res1(bins));
    this.registerModule('res2', doubleConv());
    this.registerModule('alpha_conv', alphaConv(bins));
  }

  /** [layer0, …, layer4] as currently registered (after applySvf, the resolved ones). */
  backbone(): Module[] {
    return BACKBONE_NAMES.map((n) => this.getChild(n));
  }

  /** The head's modules by name (what trains in the official recipe). */
  head(): [string, Module][] {
    return HEAD_NAMES.map((n) => [n, this.getChild(n)]);
  }

  /**
   * Loads an ImageNet initmodel (resnet50_v2.pth / resnet101_v2.pth: conv1, bn1, …, layer1–4, fc)
   * into the backbone; every backbone key must be present and only fc.* may be left over.
   */
  loadBackbone(initmodel: Map<string, Tensor>): void {
    if (!(initmodel instanceof Map)) throw new TypeError('PFENet.loadBackbone(stateDict): expected a Map<string, Tensor> (torch.load of the initmodel)');
    if (this.vgg) throw new RangeError('PFENet.loadBackbone: only the ResNet initmodels are mapped; load VGG weights with loadStateDict');
    const keys = [...this.stateDict().keys()].filter((k) => /^layer[0-4]\./.test(k));
    this.loadStateDict(initmodelToPfenet(keys, initmodel), { strict: false });
  }

  private features(layers: Module[], x: Tensor, mask: Tensor | null): Features & { mask: Tensor | null } {
    const f0 = layers[0].forward(x);
    const f1 = layers[1].forward(f0);
    let f2 = layers[2].forward(f1) as Tensor;
    const f3 = layers[3].forward(f2) as Tensor;
    const m = mask ? resize(mask, f3.shape[2], f3.shape[3]) : null;
    const f4 = layers[4].forward(m ? f3.mul(m) : f3) as Tensor;
    if (this.vgg) f2 = resize(f2, f3.shape[2], f3.shape[3]);
    return { f2, f3, f4, mask: m };
  }

  /**
   * query [B, 3, H, W], supportImages [B, K, 3, H, W], supportMasks [B, K, H, W] (1 = the
   * class; anything else, 255 included, is background for the support) with (H−1) and (W−1)
   * multiples of 8. Eval (or no target): logits [B, classes, H, W]. Training with target
   * [B, H, W] (255 ignored): { logits, mainLoss, auxLoss } as the official forward computes them.
   */
  forward(query: Tensor, supportImages: Tensor, supportMasks: Tensor, target?: Tensor): Tensor | PFENetTrainOutput;
  forward(query: Tensor, supportImages: Tensor, supportMasks: Tensor, target?: Tensor): Tensor | PFENetTrainOutput {
    const shots = checkInputs(query, supportImages, supportMasks, target);
    return tidy(() => {
      const [H, W] = [query.shape[2], query.shape[3]];
      const h = ((H - 1) / 8) * this.zoomFactor + 1;
      const w = ((W - 1) / 8) * this.zoomFactor + 1;
      const layers = this.backbone();
      const backboneTrains = isGradEnabled() && layers.some((l) => l.parameters().some((p) => p.requiresGrad));
      const run = <T>(fn: () => T): T => (backboneTrains ? fn() : noGrad(fn));

      const q = run(() => this.features(layers, query, null));
      const queryFeat = this.getChild('down_query').forward(cat([q.f3, q.f2], 1)) as Tensor;

      const masks: Tensor[] = [];
      const finals: Tensor[] = [];
      const prototypes: Tensor[] = [];
      for (let i = 0; i < shots; i++) {
        const mask = supportMasks.select(1, i).eq(1).float().unsqueeze(1);
        masks.push(mask);
        const s = run(() => this.features(layers, supportImages.select(1, i), mask));
        finals.push(s.f4);
        const suppFeat = this.getChild('down_supp').forward(cat([s.f3, s.f2], 1)) as Tensor;
        prototypes.push(weightedGap(suppFeat, s.mask!));
      }

      const priors = finals.map((f4, i) => resize(priorMask(q.f4, f4, masks[i]), q.f3.shape[2], q.f3.shape[3]));
      const [fh, fw] = [queryFeat.shape[2], queryFeat.shape[3]];
      const prior = resize(cat(priors, 1).mean(1).unsqueeze(1), fh, fw);
      // K shots: the prototypes' mean, summed in the official order
      let prototype = prototypes[0];
      for (let i = 1; i < shots; i++) prototype = prototype.add(prototypes[i]);
      if (shots > 1) prototype = prototype.div(shots);

      const { merged, innerOuts } = this.enrich(queryFeat, prototype, prior);
      let feat = this.getChild('res1').forward(merged) as Tensor;
      feat = (this.getChild('res2').forward(feat) as Tensor).add(feat);
      let logits = this.getChild('cls').forward(feat) as Tensor;
      if (this.zoomFactor !== 1) logits = resize(logits, h, w);

      if (!this.training || !target) return logits;
      const y = target.long();
      const mainLoss = crossEntropy(logits, y, { ignoreIndex: IGNORE_LABEL });
      let auxLoss = crossEntropy(resize(innerOuts[0], h, w), y, { ignoreIndex: IGNORE_LABEL });
      for (let k = 1; k < innerOuts.length; k++) auxLoss = auxLoss.add(crossEntropy(resize(innerOuts[k], h, w), y, { ignoreIndex: IGNORE_LABEL }));
      auxLoss = auxLoss.div(innerOuts.length);
      return { logits, mainLoss, auxLoss };
    });
  }

  /**
   * The Feature Enrichment Module: per bin, the pooled query, the tiled prototype and the
   * resized prior merged (init_merge), refined by the previous (coarser-to-finer) bin through
   * alpha_conv, then beta_conv with a residual; inner_cls gives that bin's auxiliary logits.
   * Returns the bins upsampled to the feature size and concatenated, and the auxiliary logits.
   */
  private enrich(queryFeat: Tensor, prototype: Tensor, prior: Tensor): { merged: Tensor; innerOuts: Tensor[] } {
    const [fh, fw] = [queryFeat.shape[2], queryFeat.shape[3]];
    const pyramid: Tensor[] = [];
    const innerOuts: Tensor[] = [];
    this.ppmScales.forEach((scale, idx) => {
      const bin = scale <= 1 ? Math.trunc(fh * scale) : scale;
      const queryBin = adaptiveAvgPool2d(queryFeat, bin);
      const suppBin = prototype.expand(-1, -1, bin, bin);
      const priorBin = resize(prior, bin, bin);
      let mergeBin = this.getSubmodule(`init_merge.${idx}`).forward(cat([queryBin, suppBin, priorBin], 1)) as Tensor;
      if (idx >= 1) {
        const previous = resize(pyramid[idx - 1], bin, bin);
        const refined = this.getSubmodule(`alpha_conv.${idx - 1}`).forward(cat([mergeBin, previous], 1)) as Tensor;
        mergeBin = refined.add(mergeBin);
      }
      mergeBin = (this.getSubmodule(`beta_conv.${idx}`).forward(mergeBin) as Tensor).add(mergeBin);
      innerOuts.push(this.getSubmodule(`inner_cls.${idx}`).forward(mergeBin) as Tensor);
      pyramid.push(resize(mergeBin, fh, fw));
    });
    return { merged: cat(pyramid, 1), innerOuts };
  }

  /** SVF in this PFENet (see svf.ts): resolves layer0–layer4 in place, freezes per the seeds. */
  static applySvf(model: PFENet, opts: ApplySvfOptions = {}): number {
    return applySvf(model, opts);
  }

  /** The recipe's param groups: layer2–4's trainable parameters at baseLr/10, the head at baseLr. */
  static paramGroups(model: PFENet, baseLr: number, backboneLrScale = 0.1): { params: Tensor[]; lr: number }[] {
    return paramGroups(model, baseLr, backboneLrScale);
  }

  /** SGD(momentum 0.9, weight decay 1e-4) over paramGroups with PolyLR(power 0.9). */
  static recipe(model: PFENet, opts: RecipeOptions) {
    return recipe(model, opts);
  }

  extraRepr(): string {
    return `layers=${this.vgg ? 'vgg16_bn' : this.layers}, shot=${this.shot}, ppm_scales=[${this.ppmScales.join(', ')}]`;
  }
}
