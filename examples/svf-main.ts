/**
 * The main job: Singular Value Fine-tuning for few-shot segmentation, end to end through the
 * real pipeline on an embedded default dataset. It writes a small PASCAL-5i dataset in the real
 * VOC layout (JPEG images, grey SegmentationClassAug PNGs with 255 bands, PFENet's list files)
 * to a temp folder, then runs the CLI's commands in-process:
 *   resolve (ResNet → SVD layers) → eval (base S) → train (policy: layer0/1 frozen, S of
 *   layer2–4 trained on PFENet-augmented episodes) → eval (tuned S) → spectra (HTML + PNG)
 * and saves the singular-value checkpoint.
 *
 *   npm start -- --arch resnet50 --steps 30 --size 96 --out svf-singular-values.safetensors
 *   npm start -- --weights resnet50.pth --data-root /data/VOC2012   (real weights and data)
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as torch from '../lib/index';
import { main as cli } from '../lib/cli/main';
import { parse, UsageError, helpText, CommandSpec } from '../lib/cli/args';

const { models, nn, fss } = torch;

const SPEC: CommandSpec = {
  name: 'svf-main',
  prog: 'npm start --',
  summary: 'SVF main job: resolve → eval → train → eval → spectra on a generated VOC-layout dataset (or --data-root).',
  positionals: [],
  options: [
    { name: 'arch', type: 'string', default: 'resnet50', choices: ['resnet18', 'resnet50', 'resnet101'], help: 'backbone' },
    { name: 'weights', type: 'string', help: 'dense torchvision .pth (default: random init with calibrated BatchNorm)' },
    { name: 'data-root', type: 'string', help: 'a real VOC2012 folder (default: generate one in a temp folder)' },
    { name: 'steps', type: 'int', default: 30, help: 'training steps' },
    { name: 'batch', type: 'int', default: 2, help: 'episodes per step' },
    { name: 'size', type: 'int', default: 96, help: 'crop / test size' },
    { name: 'lr', type: 'number', default: 2, help: 'SGD learning rate for S' },
    { name: 'eval-episodes', type: 'int', default: 40, help: 'evaluation episodes' },
    { name: 'seed', type: 'int', default: 0, help: 'seed' },
    { name: 'out', type: 'string', default: 'svf-singular-values.safetensors', help: 'S checkpoint to write' },
    { name: 'keep', type: 'bool', help: 'keep the temp folder (dataset, resolved weights, report)' },
  ],
};

/**
 * Random-init BatchNorm has running statistics 0/1; a few no-grad train-mode passes over the
 * dataset's images give it real ones (cumulative average), as a pretrained backbone would have.
 */
async function calibratedWeights(arch: string, voc: string, size: number, file: string): Promise<void> {
  const net = (models as unknown as Record<string, () => torch.models.ResNet>)[arch]();
  const bns = net.modules().filter((m) => m instanceof nn.BatchNorm2d) as torch.nn.BatchNorm2d[];
  for (const bn of bns) bn.momentum = null;
  net.train();
  const ds = await fss.Pascal5i({ root: voc, fold: 0, transform: fss.transforms.trainTransforms(size) });
  const loader = new fss.EpisodeLoader(ds, { batchSize: 4, episodes: 16, seed: 99 });
  for await (const b of loader) {
    torch.noGrad(() => torch.tidy(() => { net.forward(b.query); }));
    fss.disposeBatch(b);
  }
  await loader.close();
  torch.tidy(() => torch.save(net.stateDict(), file));
  net.dispose();
}

async function step(argv: string[]): Promise<Record<string, unknown>> {
  process.stderr.write(`\n$ svf-torch ${argv.join(' ')}\n`);
  const { code, result } = await cli(argv);
  if (code !== 0 || !result) throw new Error(`svf-torch ${argv[0]} failed (exit ${code})`);
  return result;
}

async function run(): Promise<void> {
  const a = parse(SPEC, process.argv.slice(2));
  if (a.help) { process.stdout.write(helpText(SPEC)); return; }
  const t0 = performance.now();
  torch.manualSeed(a.seed as number); // the random-init backbone, so a run's figures repeat
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'svf-main-'));
  try {
    console.log(`svf-torch ${torch.version.package} on LibTorch ${torch.version.libtorch}, ${torch.getNumThreads()} threads; work folder ${tmp}`);
    let voc = a.dataRoot as string | undefined;
    if (!voc) {
      voc = path.join(tmp, 'VOC2012');
      const imgs = await fss.makeSyntheticDataset(voc, { images: 120, seed: a.seed as number });
      console.log(`generated ${imgs.length} JPEG images + SegmentationClassAug PNGs + PFENet lists in ${voc}`);
    }
    const arch = a.arch as string;
    const size = String(a.size);
    let weights = a.weights as string | undefined;
    if (!weights) {
      weights = path.join(tmp, `${arch}-init.pth`);
      await calibratedWeights(arch, voc, a.size as number, weights);
      console.log(`random-init ${arch} with calibrated BatchNorm → ${weights}`);
    }
    const svfWeights = path.join(tmp, `${arch}-svf.pth`);
    const common = ['--data-root', voc, '--fold', '0', '--shot', '1', '--size', size, '--weights', svfWeights, '--arch', arch];
    const resolved = await step(['resolve', weights, '--arch', arch, '--out', svfWeights]);
    const evalArgs = [...common, '--episodes', String(a.evalEpisodes), '--batch', '4'];
    const before = await step(['eval', ...evalArgs]);
    const trained = await step(['train', ...common, '--steps', String(a.steps), '--batch', String(a.batch), '--lr', String(a.lr), '--seed', String(a.seed), '--out', a.out as string]);
    const after = await step(['eval', ...evalArgs, '--s', a.out as string]);
    const report = path.join(a.keep ? tmp : path.dirname(path.resolve(a.out as string)), 'svf-spectra.html');
    await step(['spectra', a.out as string, '--base', svfWeights, '--arch', arch, '--out', report]);
    const pct = (r: Record<string, unknown>, k: string) => (100 * (r[k] as number)).toFixed(1);
    console.log(`\nSVF main job (${((performance.now() - t0) / 1000).toFixed(0)} s): ${resolved.svdLayers} SVD layers, ${trained.trainable} trainable singular values`);
    console.log(`  novel-class mIoU ${pct(before, 'mIoU')}% → ${pct(after, 'mIoU')}%, FB-IoU ${pct(before, 'fbIoU')}% → ${pct(after, 'fbIoU')}% (${after.episodes} episodes, fold 0, 1-shot)`);
    console.log(`  train loss ${(trained.firstLoss as number).toFixed(3)} → ${(trained.finalLoss as number).toFixed(3)}, ${(trained.secondsPerStep as number).toFixed(2)} s/step`);
    console.log(`  S checkpoint ${a.out}; spectra report ${report}`);
  } finally {
    if (!a.keep) fs.rmSync(tmp, { recursive: true, force: true });
  }
}

run().catch((e) => {
  process.stderr.write(`\nsvf-main: ${e instanceof Error ? e.message : String(e)}${e instanceof UsageError ? ' (--help)' : ''}\n`);
  process.exit(1);
});
