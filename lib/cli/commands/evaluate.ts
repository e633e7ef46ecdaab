/** svf-torch eval: PFENet's few-shot protocol (mIoU, FB-IoU) on the fold's novel classes. */
import { noGrad } from '../../autograd';
import { full } from '../../creation';
import { tidy } from '../../memory';
import * as F from '../../nn/functional';
import { resnetLayers, ResNet } from '../../models';
import { EpisodeLoader } from '../../fss/loader';
import { FewShotMeter } from '../../fss/metrics';
import { disposeBatch, EpisodeBatch } from '../../fss/tensors';
import { prototypeLogits } from '../../fss/prototype';
import { testTransforms } from '../../fss/transforms';
import { Tensor } from '../../tensor';
import { svfModules } from '../../svf/policy';
import { CommandSpec, Parsed } from '../args';
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
    { name: 'weights', type: 'string', required: true, metavar: 'FILE', help: 'resolved (svf-torch resolve) or dense torchvision .pth' },
    { name: 'arch', type: 'string', default: 'resnet50', choices: [...ARCHS], help: 'backbone architecture' },
    { name: 's', type: 'string', metavar: 'A[:w],B:w', help: 'S checkpoint(s) to evaluate; several are mixed; none = the base singular values' },
    { name: 'episodes', type: 'int', default: 1000, help: 'evaluation episodes (SVF\'s code: 1000)' },
    { name: 'batch', type: 'int', default: 1, help: 'episodes per forward' },
  ],
  epilog: 'example: svf-torch eval --data-root VOC2012 --fold 0 --weights resnet50-svf.pth --s fold0-s.safetensors --json',
};

/** PFENet (ori_resize): the label in the top-left of a 255-filled square of its longer side; logits resized to it. */
export function scoreEpisode(meter: FewShotMeter, b: EpisodeBatch, e: number, logits: Tensor): void {
  tidy(() => {
    const raw = b.rawMasks[e];
    const [h, w] = raw.shape;
    const side = Math.max(h, w);
    const target = full([side, side], 255, { dtype: 'uint8' });
    target.narrow(0, 0, h).narrow(1, 0, w).copy_(raw);
    const up = F.interpolate(logits.narrow(0, e, 1), { size: [side, side], mode: 'bilinear', alignCorners: true });
    meter.update(up.argmax(1).squeeze(0), target, b.classIds[e]);
  });
}

export async function run(a: Parsed, out: Output): Promise<Record<string, unknown>> {
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
