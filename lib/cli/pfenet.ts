/**
 * `svf-torch train|eval --model pfenet`: PFENet (optionally with SVF in its backbone) trained
 * with the recipe (lib/fss/pfenet/svf.ts), validated every N epochs on the fold's novel classes
 * (best mIoU kept), checkpoints that resume exactly, one log line per epoch.
 *
 * Exact resume: a run is a function of the checkpoint at an epoch boundary — model (BatchNorm
 * statistics included), optimizer momenta, scheduler — and of per-epoch seeds: epoch e draws its
 * episodes with seed + e and re-seeds LibTorch's generator (dropout) with seed·1000 + e.
 *
 * Across processes (`--nproc N`, or torchrun's variables): as PFENet's train.py, each rank takes
 * batch / N episodes of every step (a DistributedSampler over the epoch's episodes, without
 * shuffling, so a step's episodes are the single-process step's), DistributedDataParallel averages
 * the gradients, rank 0 validates and writes the checkpoints while the others wait at a barrier,
 * and every rank resumes from the same checkpoint.
 */
import * as fs from 'fs';
import * as path from 'path';
import { noGrad } from '../autograd';
import { tidy } from '../memory';
import { manualSeed } from '../runtime';
import { Tensor } from '../tensor';
import { load } from '../serialization/torch-load';
import { EpisodeLoader } from '../fss/loader';
import { FewShotMeter } from '../fss/metrics';
import { disposeBatch } from '../fss/tensors';
import { FewShotDataset } from '../fss/dataset';
import { testTransforms, trainTransforms } from '../fss/transforms';
import { PFENet } from '../fss/pfenet/model';
import { hasSvf, recipe } from '../fss/pfenet/svf';
import { loadCheckpointState, resumeCheckpoint, saveCheckpoint, trainStep } from '../fss/pfenet/training';
import { DistributedDataParallel } from '../nn/parallel';
import { allReduce, barrier, destroyProcessGroup } from '../distributed/process-group';
import { DistributedSampler } from '../distributed/sampler';
import { tensor as makeTensor } from '../creation';
import { OptionSpec, Parsed, UsageError } from './args';
import { joinWorkers } from './nproc';
import { openDataset } from './data';
import { requireFile } from './model';
import { Output } from './output';
import { Progress } from './progress';
import { scoreEpisode } from './score';

/** Options of train/eval that only PFENet reads (the prototype path ignores them). */
export const MODEL_OPTION: OptionSpec = { name: 'model', type: 'string', default: 'prototype', choices: ['prototype', 'pfenet'], help: 'prototype/cosine head over a resolved backbone, or PFENet (TPAMI 2020)' };
export const PFENET_OPTIONS: OptionSpec[] = [
  { name: 'layers', type: 'int', default: 50, choices: ['50', '101'], help: 'pfenet: ResNet depth of the deep-stem backbone' },
  { name: 'svf', type: 'bool', help: 'pfenet: SVF in the backbone (layer2–4 train their singular values at lr/10; BatchNorm fixed)' },
  { name: 'ppm-scales', type: 'string', metavar: 'A,B,…', help: 'pfenet: pyramid bins of the Feature Enrichment Module (default 60,30,15,8; eval: the checkpoint\'s)' },
  { name: 'initmodel', type: 'string', metavar: 'FILE', help: 'pfenet: ImageNet initmodel of the backbone (resnet50_v2.pth / resnet101_v2.pth layout)' },
];

function ppmScales(a: Parsed, fallback?: unknown): number[] | undefined {
  const spec = (a.ppmScales as string | undefined) ?? (Array.isArray(fallback) ? fallback.join(',') : undefined);
  if (spec === undefined) return undefined;
  const bins = spec.split(',').map((x) => Number(x.trim()));
  if (!bins.length || bins.some((b) => !Number.isFinite(b) || b <= 0)) throw new UsageError(`--ppm-scales must be positive numbers separated by commas, got ${spec}`);
  return bins;
}
export const PFENET_TRAIN_OPTIONS: OptionSpec[] = [
  { name: 'epochs', type: 'int', default: 1, help: 'pfenet: training epochs' },
  { name: 'episodes', type: 'int', metavar: 'N', help: 'pfenet: episodes per epoch (default: the train list\'s length)' },
  { name: 'aux-weight', type: 'number', default: 1, help: 'pfenet: weight of the auxiliary (per-bin) loss' },
  { name: 'val-every', type: 'int', default: 1, help: 'pfenet: validate every N epochs (and after the last); 0 = never' },
  { name: 'val-episodes', type: 'int', default: 100, help: 'pfenet: validation episodes (seed 321, fixed)' },
  { name: 'resume', type: 'string', metavar: 'FILE', help: 'pfenet: continue from a checkpoint (last.pth) of the same run' },
  { name: 'stop-after', type: 'int', metavar: 'N', help: 'pfenet: end this invocation after N epochs (the schedule still spans --epochs; continue with --resume)' },
  { name: 'log', type: 'string', metavar: 'FILE', help: 'pfenet: append one JSON line per epoch (loss, mIoU, FB-IoU, lr, time)' },
];

const VAL_SEED = 321;

function checkPositive(a: Parsed, key: string, flag: string, min = 1): number {
  const v = a[key] as number;
  if (!Number.isInteger(v) || v < min) throw new UsageError(`--${flag} must be an integer >= ${min}, got ${v}`);
  return v;
}

/** A PFENet as the flags describe it, with the initmodel loaded and SVF applied when asked. */
export function buildPfenet(a: Parsed, svf: boolean, savedScales?: unknown): PFENet {
  const model = new PFENet({ layers: Number(a.layers), shot: a.shot as number, ppmScales: ppmScales(a, savedScales) });
  try {
    if (a.initmodel) {
      requireFile(a.initmodel as string, '--initmodel');
      const sd = load(a.initmodel as string) as Map<string, Tensor>;
      try {
        model.loadBackbone(sd instanceof Map && sd.has('state_dict') ? (sd.get('state_dict') as unknown as Map<string, Tensor>) : sd);
      } finally {
        disposeLoaded(sd);
      }
    }
    if (svf) PFENet.applySvf(model);
    return model;
  } catch (e) {
    model.dispose();
    throw e;
  }
}

function disposeLoaded(v: unknown): void {
  if (v instanceof Tensor) v.dispose();
  else if (v instanceof Map || Array.isArray(v)) for (const x of v.values()) disposeLoaded(x);
}

/** mIoU / FB-IoU of `model` on `episodes` episodes of the val split, fixed by the seed (default 321). */
export async function validate(model: PFENet, ds: FewShotDataset, opts: { episodes: number; batch: number; workers: number; seed?: number; out?: Output; label?: string }) {
  model.eval();
  const meter = new FewShotMeter();
  const loader = new EpisodeLoader(ds, { batchSize: opts.batch, episodes: opts.episodes, seed: opts.seed ?? VAL_SEED, workers: opts.workers });
  const progress = new Progress(opts.label ?? 'eval', loader.length, { unit: 'batch', stream: opts.out?.stderr });
  try {
    for await (const b of loader) {
      noGrad(() => tidy(() => {
        const logits = model.forward(b.query, b.support, b.supportMask) as Tensor;
        for (let e = 0; e < b.classIds.length; e++) scoreEpisode(meter, b, e, logits);
      }));
      disposeBatch(b);
      const r = meter.compute();
      progress.tick(1, `mIoU ${(100 * r.mIoU).toFixed(1)} FB-IoU ${(100 * r.fbIoU).toFixed(1)}`);
    }
  } finally {
    await loader.close();
  }
  return meter.compute();
}

export async function trainPfenet(a: Parsed, out: Output): Promise<Record<string, unknown>> {
  if (!a.out) throw new UsageError('--out DIR is required with --model pfenet (checkpoints last.pth and best.pth go there)');
  const epochs = checkPositive(a, 'epochs', 'epochs');
  const batch = checkPositive(a, 'batch', 'batch');
  const valEvery = checkPositive(a, 'valEvery', 'val-every', 0);
  const valEpisodes = checkPositive(a, 'valEpisodes', 'val-episodes');
  const size = a.size as number;
  if ((size - 1) % 8 !== 0) throw new UsageError(`--size must be 8k+1 for PFENet (e.g. 473, 97, 65), got ${size}`);
  const lr = (a.lr as number | undefined) ?? 0.0025;
  const dir = a.out as string;
  const [rank, worldSize] = joinWorkers();
  try {
    if (batch % worldSize !== 0) throw new UsageError(`--batch ${batch} must be a multiple of the process count ${worldSize}: each process takes batch / ${worldSize} episodes of a step`);
    return await trainPfenetRank(a, out, { epochs, batch, valEvery, valEpisodes, size, lr, dir, rank, worldSize });
  } finally {
    if (worldSize > 1) destroyProcessGroup();
  }
}

interface RunPlan { epochs: number; batch: number; valEvery: number; valEpisodes: number; size: number; lr: number; dir: string; rank: number; worldSize: number }

async function trainPfenetRank(a: Parsed, out: Output, p: RunPlan): Promise<Record<string, unknown>> {
  const { epochs, batch, valEvery, valEpisodes, size, lr, dir, rank, worldSize } = p;
  const lead = rank === 0;
  if (lead) fs.mkdirSync(dir, { recursive: true });
  const trainDs = await openDataset(a, 'train', trainTransforms(size), out.stderr);
  const valDs = await openDataset(a, 'val', testTransforms(size), out.stderr);
  const episodes = a.episodes === undefined ? trainDs.length : checkPositive(a, 'episodes', 'episodes');
  const stepsPerEpoch = Math.ceil(episodes / batch);
  if (lead) out.text(`${trainDs.name} fold ${trainDs.fold} ${a.shot}-shot: ${trainDs.length} train images, ${valDs.length} val; PFENet-ResNet${a.layers}${a.svf ? '+SVF' : ' (frozen backbone)'}, ${epochs} epochs × ${stepsPerEpoch} steps${worldSize > 1 ? ` in ${worldSize} processes (${batch / worldSize} episodes each per step)` : ''}`);
  manualSeed(a.seed as number); // the head's initialisation
  const model = buildPfenet(a, Boolean(a.svf));
  const { optimizer, scheduler } = recipe(model, { baseLr: lr, maxIters: epochs * stepsPerEpoch });
  // rank 0's weights reach every rank at construction; only trainable parameters are averaged
  const net = worldSize > 1 ? new DistributedDataParallel(model) : model;
  try {
    let start = 0;
    let best = -1;
    if (a.resume) {
      requireFile(a.resume as string, '--resume');
      const c = resumeCheckpoint(a.resume as string, model, optimizer, scheduler);
      start = c.epoch;
      best = c.bestMIoU;
      if (lead) out.text(`resumed from ${a.resume} after epoch ${start} (best mIoU ${(100 * best).toFixed(2)})`);
    }
    const trainable = model.parameters().filter((p) => p.requiresGrad).reduce((n, p) => n + p.numel(), 0);
    const history: Record<string, unknown>[] = [];
    const meta = { layers: a.layers, shot: a.shot, svf: Boolean(a.svf), ppmScales: model.ppmScales, fold: a.fold, size, lr, epochs, episodes, batch, seed: a.seed };
    const end = a.stopAfter === undefined ? epochs : Math.min(epochs, start + checkPositive(a, 'stopAfter', 'stop-after'));
    for (let epoch = start; epoch < end; epoch++) {
      manualSeed((a.seed as number) * 1000 + epoch);
      net.train();
      const seed = (a.seed as number) + epoch;
      const loader = worldSize > 1
        ? new EpisodeLoader(trainDs, { batchSize: batch / worldSize, sampler: new DistributedSampler(episodes, { numReplicas: worldSize, rank, shuffle: false }), seed, workers: a.workers as number })
        : new EpisodeLoader(trainDs, { batchSize: batch, episodes, seed, workers: a.workers as number });
      const progress = new Progress(`epoch ${epoch + 1}/${epochs}${worldSize > 1 ? ` rank ${rank}` : ''}`, loader.length, { unit: 'step', stream: out.stderr });
      const sums = { loss: 0, mainLoss: 0, auxLoss: 0 };
      let steps = 0;
      const t0 = performance.now();
      try {
        for await (const b of loader) {
          const r = trainStep(net, optimizer, b, a.auxWeight as number);
          disposeBatch(b);
          scheduler.step();
          for (const k of ['loss', 'mainLoss', 'auxLoss'] as const) sums[k] += r[k];
          steps++;
          progress.tick(1, `loss ${(sums.loss / steps).toFixed(4)}`);
        }
      } finally {
        await loader.close();
      }
      const seconds = (performance.now() - t0) / 1000;
      if (worldSize > 1) averageAcrossRanks(sums, worldSize);
      const row: Record<string, unknown> = {
        epoch: epoch + 1, loss: sums.loss / steps, mainLoss: sums.mainLoss / steps, auxLoss: sums.auxLoss / steps,
        lr: optimizer.paramGroups[optimizer.paramGroups.length - 1].lr, secondsPerStep: seconds / steps,
      };
      const validateNow = valEvery > 0 && ((epoch + 1) % valEvery === 0 || epoch + 1 === epochs);
      if (!lead) {
        barrier(); // rank 0 validates and writes the checkpoints
        continue;
      }
      if (validateNow) {
        const v = await validate(model, valDs, { episodes: valEpisodes, batch, workers: a.workers as number, out, label: `val ${epoch + 1}` });
        Object.assign(row, { mIoU: v.mIoU, fbIoU: v.fbIoU });
        if (v.mIoU > best) {
          best = v.mIoU;
          saveCheckpoint(path.join(dir, 'best.pth'), model, optimizer, scheduler, { epoch: epoch + 1, bestMIoU: best, meta });
          row.best = true;
        }
      }
      saveCheckpoint(path.join(dir, 'last.pth'), model, optimizer, scheduler, { epoch: epoch + 1, bestMIoU: best, meta });
      history.push(row);
      if (a.log) fs.appendFileSync(a.log as string, JSON.stringify(row) + '\n');
      const val = validateNow ? `  mIoU ${(100 * (row.mIoU as number)).toFixed(2)}%  FB-IoU ${(100 * (row.fbIoU as number)).toFixed(2)}%${row.best ? ' (best)' : ''}` : '';
      if (worldSize > 1) barrier();
      out.text(`epoch ${epoch + 1}/${epochs}: loss ${(row.loss as number).toFixed(4)} (main ${(row.mainLoss as number).toFixed(4)}, aux ${(row.auxLoss as number).toFixed(4)}), ${(row.secondsPerStep as number).toFixed(2)} s/step${val}`);
    }
    if (!lead) return { rank, worldSize, model: 'pfenet', epochs: end - start };
    return { out: dir, model: 'pfenet', worldSize, svf: Boolean(a.svf), trainable, resumedFrom: a.resume ? start : null, epochs: history, bestMIoU: best, last: path.join(dir, 'last.pth'), best: best >= 0 ? path.join(dir, 'best.pth') : null };
  } finally {
    if (net instanceof DistributedDataParallel) net.release();
    optimizer.dispose();
    model.dispose();
  }
}

/** Each rank's epoch means (equal batches per rank) → the mean over all ranks' steps. */
function averageAcrossRanks(sums: Record<'loss' | 'mainLoss' | 'auxLoss', number>, worldSize: number): void {
  const keys = ['loss', 'mainLoss', 'auxLoss'] as const;
  tidy(() => {
    const t = makeTensor(keys.map((k) => sums[k]), { dtype: 'float64' });
    allReduce(t);
    const v = t.toArray() as number[];
    keys.forEach((k, i) => (sums[k] = v[i] / worldSize));
  });
}

export async function evalPfenet(a: Parsed, out: Output): Promise<Record<string, unknown>> {
  if (!a.weights) throw new UsageError('--weights FILE (a PFENet checkpoint or state_dict) is required');
  requireFile(a.weights as string, '--weights');
  const size = a.size as number;
  if ((size - 1) % 8 !== 0) throw new UsageError(`--size must be 8k+1 for PFENet (e.g. 473, 97, 65), got ${size}`);
  const ds = await openDataset(a, 'val', testTransforms(size), out.stderr);
  const { stateDict, checkpoint } = loadCheckpointState(a.weights as string);
  // a checkpoint of an SVF run holds vector_S: the model must be decomposed before it loads
  const svf = Boolean(a.svf) || [...stateDict.keys()].some((k) => k.endsWith('.vector_S'));
  let model: PFENet | null = null;
  try {
    model = buildPfenet({ ...a, initmodel: undefined }, svf, checkpoint?.meta.ppmScales);
    model.loadStateDict(stateDict);
  } catch (e) {
    model?.dispose();
    throw e;
  } finally {
    disposeLoaded(stateDict);
  }
  try {
    out.text(`${ds.name} fold ${ds.fold} val: ${ds.length} images, ${a.shot}-shot, ${a.episodes} episodes (seed ${a.seed}); PFENet-ResNet${a.layers}${hasSvf(model) ? '+SVF' : ''}${checkpoint ? ` after epoch ${checkpoint.epoch}` : ''}`);
    const t0 = performance.now();
    const r = await validate(model, ds, { episodes: a.episodes as number, batch: a.batch as number, workers: a.workers as number, seed: a.seed as number, out });
    const result = { ...r, fold: ds.fold, shot: ds.shot, dataset: a.dataset, model: 'pfenet', svf, seconds: (performance.now() - t0) / 1000 };
    out.text(`mIoU ${(100 * r.mIoU).toFixed(2)}%  FB-IoU ${(100 * r.fbIoU).toFixed(2)}%  over ${r.episodes} episodes`);
    return result;
  } finally {
    model.dispose();
  }
}
