/** svf-torch eval: PFENet's few-shot protocol (mIoU, FB-IoU) on the fold's novel classes. */
import { noGrad } from '../../autograd';
import { tidy } from '../../memory';
import * as F from '../../nn/functional';
import { resnetLayers, ResNet } from '../../models';
import { EpisodeLoader } from '../../fss/loader';
import { FewShotMeter } from '../../fss/metrics';
import { disposeBatch, EpisodeBatch } from '../../fss/tensors';
import { prototypeLogits } from '../../fss/prototype';
import { testTransforms } from '../../fss/transforms';
import { svfModules } from '../../svf/policy';
import { CommandSpec, Parsed } from '../args';
import { evalPfenet, MODEL_OPTION, PFENET_OPTIONS } from '../pfenet';
import { scoreEpisode } from '../score';
import { DATA_OPTIONS, openDataset } from '../data';
import { ARCHS, applySingularValues, loadSvfModel } from '../model';
import { Output } from '../output';
import { Progress } from '../progress';

export const spec: CommandSpec = {
  name: 'eval',
  brief: 'PFENet\'s few-shot protocol on the fold\'s novel classes: mIoU, FB-IoU',
  summary: 'Evaluate on the fold\'s novel classes with PFENet\'s protocol: episodes fixed by the seed, test-time resize with padding, prediction compared with the label at its original size; prints mIoU and FB-IoU.',
  positionals: [],
  options: [
    ...DATA_OPTIONS.map((o) => (o.name === 'seed' ? { ...o, default: 321, help: 'seed of the evaluation episodes' } : o)),
    MODEL_OPTION,
    { name: 'weights', type: 'string', required: true, metavar: 'FILE', help: 'prototype: resolved (svf-torch resolve) or dense torchvision .pth; pfenet: a checkpoint (best.pth) or state_dict' },
    { name: 'arch', type: 'string', default: 'resnet50', choices: [...ARCHS], help: 'backbone architecture' },
    { name: 's', type: 'string', metavar: 'A[:w],B:w', help: 'S checkpoint(s) to evaluate; several are mixed; none = the base singular values' },
    { name: 'episodes', type: 'int', default: 1000, help: 'evaluation episodes (SVF\'s code: 1000)' },
    { name: 'batch', type: 'int', default: 1, help: 'episodes per forward' },
    ...PFENET_OPTIONS.filter((o) => o.name !== 'initmodel'),
  ],
  epilog: 'example: svf-torch eval --data-root VOC2012 --fold 0 --weights resnet50-svf.pth --s fold0-s.safetensors --json',
};

export { scoreEpisode };

export async function run(a: Parsed, out: Output): Promise<Record<string, unknown>> {
  if (a.model === 'pfenet') return evalPfenet(a, out);
  const ds = await openDataset(a, 'val', testTransforms(a.size as number), out.stderr);
  out.text(`${ds.name} fold ${ds.fold} val: ${ds.length} images, classes ${ds.classes.join(',')}, ${a.shot}-shot, ${a.episodes} episodes (seed ${a.seed})`);
  const { model } = await loadSvfModel(a.weights as string, a.arch as string);
  try {
    if (a.s) applySingularValues(model, a.s as string);
    model.requiresGrad_(false);
    const layers = resnetLayers(model as ResNet);
    svfModules(layers); // the same frozen-BatchNorm folding as training
    model.eval();
    const meter = new FewShotMeter();
    const loader = new EpisodeLoader(ds, { batchSize: a.batch as number, episodes: a.episodes as number, seed: a.seed as number, workers: a.workers as number });
    const progress = new Progress('eval', loader.length, { unit: 'batch', stream: out.stderr });
    const t0 = performance.now();
    for await (const b of loader) {
      noGrad(() => tidy(() => {
        const logits = prototypeLogits(layers, b.support, b.supportMask, b.query);
        for (let e = 0; e < b.classIds.length; e++) scoreEpisode(meter, b, e, logits);
      }));
      disposeBatch(b);
      const r = meter.compute();
      progress.tick(1, `mIoU ${(100 * r.mIoU).toFixed(1)} FB-IoU ${(100 * r.fbIoU).toFixed(1)}`);
    }
    await loader.close();
    const r = meter.compute();
    const result = { ...r, fold: ds.fold, shot: ds.shot, dataset: a.dataset, s: a.s ?? null, seconds: (performance.now() - t0) / 1000 };
    out.text(`mIoU ${(100 * r.mIoU).toFixed(2)}%  FB-IoU ${(100 * r.fbIoU).toFixed(2)}%  over ${r.episodes} episodes`);
    out.text(`per class: ${Object.entries(r.classIoU).map(([c, v]) => `${c}: ${(100 * v).toFixed(1)}`).join(', ')}`);
    return result;
  } finally {
    model.dispose();
  }
}
