/**
 * The main job: Singular Value Fine-tuning of a ResNet backbone on a synthetic few-shot
 * segmentation task (examples/svf-fewshot-task.ts), end to end:
 *   build ResNet (or --weights file.pth) → svf.resolver → svf.svfModules (layer0/1 frozen,
 *   layer2–4 train only vector_S) → fine-tune S with SGD on support/query episodes
 *   (masked-average-pooling prototypes, cosine similarity, cross-entropy) → query IoU before
 *   and after → save the singular-value checkpoint.
 *
 *   npm start -- --arch resnet50 --steps 40 --size 96 --out svf-singular-values.safetensors
 */
import * as torch from '../lib/index';
import { Batch, makeBatch, rng } from './svf-fewshot-task';

const { models, svf, nn, optim } = torch;
const F = nn.functional;

interface Args {
  arch: 'resnet18' | 'resnet50' | 'resnet101';
  steps: number;
  size: number;
  batch: number;
  lr: number;
  out: string;
  weights?: string;
  seed: number;
  evalEpisodes: number;
}

function parseArgs(argv: string[]): Args {
  const a: Args = { arch: 'resnet50', steps: 40, size: 96, batch: 2, lr: 2, out: 'svf-singular-values.safetensors', seed: 0, evalEpisodes: 8 };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    const value = argv[i + 1];
    const need = () => {
      if (value === undefined) throw new RangeError(`${flag} needs a value`);
      i++;
      return value;
    };
    const int = (min: number) => {
      const n = Number(need());
      if (!Number.isInteger(n) || n < min) throw new RangeError(`${flag} must be an integer ≥ ${min}`);
      return n;
    };
    switch (flag) {
      case '--arch': {
        const v = need();
        if (v !== 'resnet18' && v !== 'resnet50' && v !== 'resnet101') throw new RangeError('--arch must be resnet18, resnet50 or resnet101');
        a.arch = v;
        break;
      }
      case '--steps': a.steps = int(0); break;
      case '--size': a.size = int(32); break;
      case '--batch': a.batch = int(1); break;
      case '--eval-episodes': a.evalEpisodes = int(1); break;
      case '--seed': a.seed = int(0); break;
      case '--lr': a.lr = Number(need()); if (!(a.lr > 0)) throw new RangeError('--lr must be positive'); break;
      case '--out': a.out = need(); break;
      case '--weights': a.weights = need(); break;
      case '-h': case '--help':
        process.stdout.write('usage: svf-main [--arch resnet18|resnet50|resnet101] [--steps N] [--size PX] [--batch B] [--lr LR] [--weights file.pth] [--out file.safetensors]\n');
        process.exit(0);
      // falls through
      default: throw new RangeError(`unknown flag ${flag} (try --help)`);
    }
  }
  return a;
}

function progress(step: number, total: number, text: string): void {
  const width = 24;
  const done = total === 0 ? width : Math.round((step / total) * width);
  process.stderr.write(`\r[${'#'.repeat(done)}${'.'.repeat(width - done)}] ${step}/${total} ${text}   `);
  if (step === total) process.stderr.write('\n');
}

/** Loads torchvision weights from a .pth (a state_dict, or a dict holding one under 'state_dict'). */
function loadWeights(net: torch.models.ResNet, file: string): void {
  const loaded = (torch as unknown as { load: (f: string) => unknown }).load(file);
  let sd = loaded as Map<string, unknown>;
  if (sd instanceof Map && sd.get('state_dict') instanceof Map) sd = sd.get('state_dict') as Map<string, unknown>;
  if (!(sd instanceof Map)) throw new TypeError(`${file} does not hold a state_dict`);
  const clean = new Map<string, torch.Tensor>();
  for (const [k, v] of sd) if (v instanceof torch.Tensor) clean.set(k.replace(/^module\./, ''), v);
  const r = net.loadStateDict(clean, { strict: false });
  console.log(`loaded ${file}: ${clean.size - r.unexpectedKeys.length} tensors (missing ${r.missingKeys.length}, unexpected ${r.unexpectedKeys.length})`);
}

/**
 * Without pretrained weights, BatchNorm's running statistics are 0/1; a few no-grad passes in
 * train mode over synthetic images give them real statistics (cumulative average), as a
 * pre-trained backbone would have.
 */
function calibrateBatchNorm(net: torch.models.ResNet, args: Args): void {
  const bns = net.modules().filter((m) => m instanceof nn.BatchNorm2d) as torch.nn.BatchNorm2d[];
  for (const bn of bns) bn.momentum = null;
  net.train();
  const r = rng(999);
  torch.noGrad(() => {
    for (let i = 0; i < 4; i++) torch.tidy(() => { const b = makeBatch(r, 4, args.size); net.forward(b.query); });
  });
  for (const bn of bns) bn.momentum = 0.1;
  net.eval();
}

/** Layer2 and upsampled layer3 features (the usual few-shot segmentation split), concatenated. */
function features(layers: torch.nn.Module[], x: torch.Tensor): torch.Tensor {
  return torch.tidy(() => {
    let h = x;
    for (const l of layers.slice(0, 3)) h = l.forward(h);
    const f2 = h;
    const f3 = layers[3].forward(f2);
    const up = F.interpolate(f3, { size: [f2.shape[2], f2.shape[3]], mode: 'bilinear', alignCorners: true });
    return torch.cat([f2, up], 1);
  });
}

/** Masked average pooling → fg/bg prototypes → cosine similarity ×10 → logits at image size. */
function episodeLogits(layers: torch.nn.Module[], b: Batch): torch.Tensor {
  return torch.tidy(() => {
    const n = b.support.shape[0];
    const size = b.support.shape[2];
    const feats = features(layers, torch.cat([b.support, b.query], 0));
    const [fs, fq] = [feats.narrow(0, 0, n), feats.narrow(0, n, n)];
    const [h, w] = [fs.shape[2], fs.shape[3]];
    const m = F.interpolate(b.supportMask.unsqueeze(1), { size: [h, w], mode: 'bilinear', alignCorners: true });
    const proto = (mask: torch.Tensor) => fs.mul(mask).sum([2, 3]).div(mask.sum([2, 3]).add(1e-5)).unsqueeze(2).unsqueeze(3);
    const fg = F.cosineSimilarity(fq, proto(m), { dim: 1 });
    const bg = F.cosineSimilarity(fq, proto(torch.onesLike(m).sub(m)), { dim: 1 });
    const logits = torch.stack([bg, fg], 1).mul(10);
    return F.interpolate(logits, { size: [size, size], mode: 'bilinear', alignCorners: true });
  });
}

function evaluate(layers: torch.nn.Module[], args: Args): { loss: number; iou: number } {
  const r = rng(12345); // the same held-out episodes every time
  let loss = 0;
  let inter = 0;
  let union = 0;
  const batches = Math.ceil(args.evalEpisodes / args.batch);
  torch.noGrad(() => {
    for (let i = 0; i < batches; i++) {
      torch.tidy(() => {
        const b = makeBatch(r, args.batch, args.size);
        const logits = episodeLogits(layers, b);
        loss += F.crossEntropy(logits, b.queryMask).item() as number;
        const pred = logits.argmax(1);
        const gt = b.queryMask.eq(1);
        const pf = pred.eq(1);
        inter += pf.logicalAnd(gt).sum().item() as number;
        union += pf.logicalOr(gt).sum().item() as number;
      });
    }
  });
  return { loss: loss / batches, iou: union === 0 ? 1 : inter / union };
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  torch.manualSeed(args.seed);
  console.log(`svf-torch ${torch.version.package} on LibTorch ${torch.version.libtorch}, ${torch.getNumThreads()} threads`);
  const net = models[args.arch]();
  if (args.weights) loadWeights(net, args.weights);
  else calibrateBatchNorm(net, args);
  net.eval();

  let t = Date.now();
  const model = await svf.resolverAsync(net);
  net.dispose();
  const svdCount = svf.svdLayers(model).length;
  console.log(`resolved ${args.arch}: ${svdCount} SVD layers in ${((Date.now() - t) / 1000).toFixed(1)} s`);

  model.requiresGrad_(false);
  const layers = models.resnetLayers(model);
  const trainable = svf.svfModules(layers);
  const total = model.numParameters();
  console.log(`trainable parameters: ${trainable} of ${total} (${((100 * trainable) / total).toFixed(3)}%) — the singular values of layer2–layer4`);

  model.train(); // BatchNorm of the frozen backbone stays in eval (svfModules pins it)
  const before = evaluate(layers, args);
  console.log(`before: query loss ${before.loss.toFixed(4)}, IoU ${(100 * before.iou).toFixed(1)}%`);

  const params = model.parameters().filter((p) => p.requiresGrad);
  const opt = new optim.SGD(params, { lr: args.lr, momentum: 0.9 });
  const r = rng(args.seed + 1);
  t = Date.now();
  let avg = 0;
  for (let step = 1; step <= args.steps; step++) {
    const loss = torch.tidy(() => {
      opt.zeroGrad();
      const b = makeBatch(r, args.batch, args.size);
      const l = F.crossEntropy(episodeLogits(layers, b), b.queryMask);
      l.backward();
      opt.step();
      return l.item() as number;
    });
    avg = step === 1 ? loss : 0.9 * avg + 0.1 * loss;
    progress(step, args.steps, `loss ${avg.toFixed(4)} ${((Date.now() - t) / 1000 / step).toFixed(2)} s/step`);
  }
  const after = evaluate(layers, args);
  console.log(`after ${args.steps} steps: query loss ${after.loss.toFixed(4)}, IoU ${(100 * after.iou).toFixed(1)}% (${after.iou >= before.iou ? '+' : ''}${(100 * (after.iou - before.iou)).toFixed(1)} points)`);

  const saved = svf.saveSingularValues(model, args.out);
  console.log(`saved the singular values of ${saved.layers} layers to ${args.out} (base fingerprint ${saved.fingerprint.slice(0, 16)}…)`);
  model.dispose();
}

main().catch((e) => {
  process.stderr.write(`\nsvf-main: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(1);
});
