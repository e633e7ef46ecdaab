/**
 * A real PFENet+SVF training run on CPU, measured: the generated VOC-layout dataset
 * (fss.makeSyntheticDataset, fold 0, 1-shot), 65² crops, batch 2, the SVF recipe (base LR
 * BENCH_TRAIN_LR), no ImageNet initmodel (none can be downloaded here: the backbone is random,
 * so what it learns comes from the head and the singular values; its BatchNorm statistics are
 * measured on training images first, see calibrateBatchNorm). Held-out mIoU / FB-IoU on
 * the fold's novel classes (fixed episodes, seed 321) before training and after every epoch.
 *
 *   npx tsc -p . && npm run bench -- pfenet-train
 *   BENCH_THREADS=2 BENCH_TRAIN_EPOCHS=6 BENCH_TRAIN_STEPS=20 BENCH_TRAIN_VAL=20 BENCH_TRAIN_LR=0.0025 BENCH_TRAIN_BINS=15,8,4 (defaults;
 *   the official bins 60,30,15,8 cost ~3× more a step on CPU, the 60² bin alone most of it)
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as torch from '../lib';
import { validate } from '../lib/cli/pfenet';
import { Benchmark, machineNotes, markdownTable, writeSection } from './report';

const { fss } = torch;

async function run(): Promise<string> {
  const threads = Number(process.env.BENCH_THREADS ?? 2);
  const epochs = Number(process.env.BENCH_TRAIN_EPOCHS ?? 6);
  const stepsPerEpoch = Number(process.env.BENCH_TRAIN_STEPS ?? 20);
  const valEpisodes = Number(process.env.BENCH_TRAIN_VAL ?? 20);
  const lr = Number(process.env.BENCH_TRAIN_LR ?? 0.0025);
  const bins = (process.env.BENCH_TRAIN_BINS ?? '15,8,4').split(',').map(Number);
  const batch = 2;
  const size = 65;
  torch.setNumThreads(threads);
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'pfenet-train-'));
  try {
    const root = path.join(tmp, 'VOC2012');
    await fss.makeSyntheticDataset(root, { images: 160, seed: 2, minSize: 80, maxSize: 120 });
    const common = { root, fold: 0, shot: 1 };
    const trainDs = await fss.Pascal5i({ ...common, split: 'train', transform: fss.transforms.trainTransforms(size) });
    const valDs = await fss.Pascal5i({ ...common, split: 'val', transform: fss.transforms.testTransforms(size) });
    torch.manualSeed(0);
    const model = new fss.PFENet({ layers: 50, ppmScales: bins });
    await calibrateBatchNorm(model, trainDs, 16, batch);
    fss.PFENet.applySvf(model);
    const { optimizer, scheduler } = fss.PFENet.recipe(model, { baseLr: lr, maxIters: epochs * stepsPerEpoch });
    const rows: (string | number)[][] = [];
    const val = async () => validate(model, valDs, { episodes: valEpisodes, batch, workers: 1 });
    const v0 = await val();
    rows.push([0, 0, '–', (100 * v0.mIoU).toFixed(2), (100 * v0.fbIoU).toFixed(2), '–']);
    const stepTimes: number[] = [];
    for (let e = 0; e < epochs; e++) {
      torch.manualSeed(1000 + e);
      model.train();
      const loader = new fss.EpisodeLoader(trainDs, { batchSize: batch, episodes: stepsPerEpoch * batch, seed: e, workers: 1 });
      let sum = 0;
      let n = 0;
      const t0 = performance.now();
      for await (const b of loader) {
        const t = performance.now();
        sum += fss.pfenet.trainStep(model, optimizer, b).loss;
        stepTimes.push((performance.now() - t) / 1000);
        fss.disposeBatch(b);
        scheduler.step();
        n++;
      }
      await loader.close();
      const perStep = (performance.now() - t0) / 1000 / n;
      const v = await val();
      rows.push([e + 1, (e + 1) * stepsPerEpoch, (sum / n).toFixed(4), (100 * v.mIoU).toFixed(2), (100 * v.fbIoU).toFixed(2), perStep.toFixed(2)]);
      console.error(`epoch ${e + 1}: ${rows[rows.length - 1].join(' | ')}`);
    }
    optimizer.dispose();
    model.dispose();
    const sorted = [...stepTimes].sort((a, b) => a - b);
    return [
      `### PFENet-ResNet50+SVF, ${epochs * stepsPerEpoch} steps on the generated dataset (fold 0, 1-shot, ${size}² crops, batch ${batch}, base LR ${lr}, bins ${bins.join('/')})\n`,
      markdownTable(['epoch', 'steps', 'mean train loss (main + aux)', `val mIoU % (${valEpisodes} episodes)`, 'val FB-IoU %', 's/step'], rows),
      `\nMedian step ${sorted[Math.floor(sorted.length / 2)].toFixed(2)} s. Random backbone (no initmodel; BatchNorm statistics measured on 16 training batches), so the absolute mIoU says little; compare the rows with each other.`,
      `Reproduce: \`npx tsc -p . && BENCH_THREADS=${threads} BENCH_TRAIN_EPOCHS=${epochs} BENCH_TRAIN_STEPS=${stepsPerEpoch} BENCH_TRAIN_VAL=${valEpisodes} BENCH_TRAIN_LR=${lr} BENCH_TRAIN_BINS=${bins.join(',')} npm run bench -- pfenet-train\`.`,
      machineNotes(`${threads} intra-op threads, LibTorch ${torch.version.libtorch}; load average at the end ${os.loadavg().map((l) => l.toFixed(1)).join(' / ')} (a shared machine: step times are inflated by the other jobs)`),
    ].join('\n');
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

/**
 * A random backbone's BatchNorm holds 0/1 statistics, so in eval mode (SVF pins it there) its
 * activations grow through the residual sums and layer4 sees nearly one direction: the head has
 * nothing to learn from. Measuring the statistics on training images (cumulative average, as a
 * pre-trained network would have them) stands in for the ImageNet initmodel this machine lacks.
 */
async function calibrateBatchNorm(model: torch.fss.PFENet, ds: torch.fss.FewShotDataset, batches: number, batch: number): Promise<void> {
  const bns = model.backbone().flatMap((l) => l.modules()).filter((m): m is torch.nn.BatchNorm2d => m instanceof torch.nn.BatchNorm2d);
  for (const bn of bns) {
    bn.resetRunningStats();
    bn.momentum = null;
  }
  const layers = model.backbone();
  for (const l of layers) l.train();
  const loader = new fss.EpisodeLoader(ds, { batchSize: batch, episodes: batches * batch, seed: 99, workers: 1 });
  for await (const b of loader) {
    torch.noGrad(() => torch.tidy(() => { layers.reduce((h: torch.Tensor, l) => l.forward(h) as torch.Tensor, b.query); }));
    fss.disposeBatch(b);
  }
  await loader.close();
  for (const bn of bns) bn.momentum = 0.1;
}

export const benchmark: Benchmark = { name: 'pfenet-train', run };

if (require.main === module) {
  run().then((body) => {
    console.log(body);
    writeSection('pfenet-train', body);
  }).catch((e) => { console.error(e); process.exit(1); });
}
