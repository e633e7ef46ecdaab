/** svf-torch train: fine-tune the singular values of a resolved backbone on few-shot episodes. */
import { tidy } from '../../memory';
import { Module } from '../../nn/module';
import { DistributedDataParallel } from '../../nn/parallel';
import { Tensor } from '../../tensor';
import * as F from '../../nn/functional';
import { SGD } from '../../optim/sgd';
import { PolyLR } from '../../optim/lr_scheduler';
import { resnetLayers, ResNet } from '../../models';
import { svfModules } from '../../svf/policy';
import { saveSingularValues } from '../../svf/checkpoint';
import { EpisodeLoader } from '../../fss/loader';
import { disposeBatch } from '../../fss/tensors';
import { prototypeLogits } from '../../fss/prototype';
import { trainTransforms } from '../../fss/transforms';
import { CommandSpec, Parsed, UsageError } from '../args';
import { MODEL_OPTION, PFENET_OPTIONS, PFENET_TRAIN_OPTIONS, trainPfenet } from '../pfenet';
import { DATA_OPTIONS, openDataset } from '../data';
import { ARCHS, applySingularValues, loadSvfModel } from '../model';
import { Output } from '../output';
import { Progress } from '../progress';
import { destroyProcessGroup } from '../../distributed/process-group';
import { isLauncher, joinWorkers, launchWorkers, NPROC_OPTIONS } from '../nproc';

/** The backbone with the prototype head as one module, so DistributedDataParallel can wrap it. */
class PrototypeNet extends Module {
  constructor(model: Module, private readonly layers: Module[]) {
    super();
    this.registerModule('model', model);
  }
  forward(support: Tensor, supportMask: Tensor, query: Tensor): Tensor {
    return prototypeLogits(this.layers, support, supportMask, query);
  }
}

export const spec: CommandSpec = {
  name: 'train',
  brief: 'fine-tune the singular values on few-shot segmentation episodes (→ S checkpoint)',
  summary: 'Train on few-shot segmentation episodes (PFENet\'s augmentation). --model prototype: fine-tune only the singular values (vector_S) of layer2–layer4 of a resolved backbone under a prototype/cosine head; writes the S checkpoint. --model pfenet: PFENet, its backbone frozen or with --svf its singular values trained (the SVF recipe), validated every --val-every epochs with the best mIoU kept; --resume continues exactly.',
  positionals: [],
  options: [
    MODEL_OPTION,
    ...DATA_OPTIONS,
    { name: 'weights', type: 'string', metavar: 'FILE', help: 'prototype: resolved (svf-torch resolve) or dense torchvision .pth (required)' },
    { name: 'arch', type: 'string', default: 'resnet50', choices: [...ARCHS], help: 'backbone architecture' },
    { name: 's', type: 'string', metavar: 'A[:w],B:w', help: 'start from S checkpoint(s); several are mixed (svf.mixSingularValues)' },
    { name: 'out', type: 'string', required: true, metavar: 'FILE|DIR', help: 'prototype: S checkpoint to write (.safetensors); pfenet: folder for last.pth and best.pth' },
    { name: 'steps', type: 'int', default: 100, help: 'optimizer steps' },
    { name: 'batch', type: 'int', default: 4, help: 'episodes per step' },
    { name: 'lr', type: 'number', metavar: 'LR', help: 'base SGD learning rate, poly decay 0.9 (default: prototype 2 for S, momentum 0.9; pfenet 0.0025, momentum 0.9, weight decay 1e-4)' },
    ...PFENET_OPTIONS,
    ...PFENET_TRAIN_OPTIONS,
    ...NPROC_OPTIONS,
  ],
  epilog: 'examples:\n  svf-torch train --data-root VOC2012 --fold 0 --shot 1 --weights resnet50-svf.pth --out fold0-s.safetensors\n  svf-torch train --model pfenet --layers 50 --svf --initmodel initmodel/resnet50_v2.pth --data-root VOC2012 --fold 0 --shot 1 --epochs 200 --batch 4 --out exp/fold0',
};

export async function run(a: Parsed, out: Output): Promise<Record<string, unknown>> {
  if (isLauncher(a)) return launchWorkers(spec, a);
  if (a.model === 'pfenet') return trainPfenet(a, out);
  if (!a.weights) throw new UsageError('--weights is required (the backbone of the prototype model)');
  // In a worker of --nproc (or under torchrun): each rank trains on its own episodes, the
  // gradients averaged across ranks by DistributedDataParallel; rank 0 writes the checkpoint.
  const [rank, worldSize] = joinWorkers();
  const ds = await openDataset(a, 'train', trainTransforms(a.size as number), out.stderr);
  out.text(`${ds.name} fold ${ds.fold} train: ${ds.length} images, classes ${ds.classes.join(',')}`);
  const { model } = await loadSvfModel(a.weights as string, a.arch as string);
  try {
    if (a.s) applySingularValues(model, a.s as string);
    model.requiresGrad_(false);
    const layers = resnetLayers(model as ResNet);
    const trainable = svfModules(layers);
    model.train(); // the frozen BatchNorms stay in eval (svfModules pins them)
    const params = model.parameters().filter((p) => p.requiresGrad);
    const head = new PrototypeNet(model, layers);
    // the prototype head does not reach every trained layer (layer4): DDP must not wait for those
    const net: Module = worldSize > 1 ? new DistributedDataParallel(head, { findUnusedParameters: true }) : head;
    const steps = a.steps as number;
    const opt = new SGD(params, { lr: (a.lr as number | undefined) ?? 2, momentum: 0.9 });
    const sched = new PolyLR(opt, { maxIters: steps, power: 0.9 });
    const episodes = steps * (a.batch as number);
    // disjoint episodes per rank: rank r takes the r-th run of `episodes` indices
    const loader = new EpisodeLoader(ds, { batchSize: a.batch as number, episodes, start: rank * episodes, seed: a.seed as number, workers: a.workers as number });
    const progress = new Progress('train', steps, { unit: 'step', stream: out.stderr });
    const losses: number[] = [];
    const t0 = performance.now();
    for await (const b of loader) {
      const loss = tidy(() => {
        opt.zeroGrad();
        const l = F.crossEntropy(net.forward(b.support, b.supportMask, b.query), b.queryMask, { ignoreIndex: 255 });
        l.backward();
        opt.step();
        return l.item() as number;
      });
      disposeBatch(b);
      sched.step();
      losses.push(loss);
      const recent = losses.slice(-10);
      progress.tick(1, `loss ${(recent.reduce((s, x) => s + x, 0) / recent.length).toFixed(4)}`);
    }
    const seconds = (performance.now() - t0) / 1000;
    await loader.close();
    opt.dispose(); // momentum buffers
    if (net instanceof DistributedDataParallel) net.release();
    if (rank !== 0) return { rank, worldSize, steps, firstLoss: losses[0] };
    const saved = tidy(() => saveSingularValues(model, a.out as string)); // tidy frees the fingerprint's temporaries
    const waits = loader.stats.waits;
    const later = waits.slice(1);
    const result = {
      out: a.out, steps, trainable, firstLoss: losses[0], finalLoss: losses.slice(-10).reduce((s, x) => s + x, 0) / Math.min(10, losses.length),
      secondsPerStep: seconds / steps, dataWaitMs: { first: waits[0], afterFirstTotal: later.reduce((s, x) => s + x, 0), afterFirstMax: Math.max(0, ...later) },
      fingerprint: saved.fingerprint, worldSize,
    };
    out.text(`trained ${trainable} singular values for ${steps} steps (${result.secondsPerStep.toFixed(2)} s/step; waited on data ${result.dataWaitMs.afterFirstTotal.toFixed(0)} ms after the first batch): loss ${result.firstLoss.toFixed(4)} → ${result.finalLoss.toFixed(4)}`);
    out.text(`saved ${saved.layers} layers' S to ${a.out}`);
    return result;
  } finally {
    model.dispose();
    if (worldSize > 1) destroyProcessGroup();
  }
}
