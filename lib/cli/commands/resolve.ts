/** svf-torch resolve <weights.pth> --arch resnet50 --out svf.pth: decompose a backbone for SVF. */
import { tidy } from '../../memory';
import { save } from '../../serialization/torch-save';
import { svdLayers } from '../../svf/resolver';
import { CommandSpec, Parsed } from '../args';
import { ARCHS, loadSvfModel } from '../model';
import { Output } from '../output';

export const spec: CommandSpec = {
  name: 'resolve',
  brief: 'decompose a ResNet\'s convolutions into SVD layers (weights → svf.pth)',
  summary: 'Decompose every Conv2d of a torchvision ResNet into SVD layers (conv_V → S → conv_U, the SVF code\'s keys) and save the resolved state_dict; train and eval take it as --weights.',
  positionals: [{ name: 'weights', help: 'dense torchvision weights (.pth state_dict)' }],
  options: [
    { name: 'arch', type: 'string', default: 'resnet50', choices: [...ARCHS], help: 'architecture of the weights' },
    { name: 'out', type: 'string', required: true, metavar: 'FILE', help: 'where to write the resolved state_dict (.pth)' },
    { name: 'ratio', type: 'number', default: 1, help: 'globalLowRankRatio: fraction of each layer\'s rank kept' },
    { name: 'deep-stem', type: 'bool', help: 'three-conv stem (PSPNet/PFENet resnet50_v2 weights)' },
  ],
  epilog: 'example: svf-torch resolve resnet50-0676ba61.pth --arch resnet50 --out resnet50-svf.pth',
};

export async function run(a: Parsed, out: Output): Promise<Record<string, unknown>> {
  const t0 = performance.now();
  const { model, resolvedNow } = await loadSvfModel(a.weights as string, a.arch as string, { ratio: a.ratio as number, deepStem: a.deepStem as boolean });
  try {
    if (!resolvedNow) out.text(`${a.weights} is already resolved; writing it again`);
    const layers = svdLayers(model);
    tidy(() => save(model.stateDict(), a.out as string)); // stateDict's detached handles are freed here
    const result = { out: a.out, arch: a.arch, svdLayers: layers.length, ranks: Object.fromEntries(layers.map(([n, l]) => [n, l.rank])), seconds: (performance.now() - t0) / 1000 };
    out.text(`resolved ${a.arch}: ${layers.length} SVD layers in ${result.seconds.toFixed(1)} s → ${a.out}`);
    return result;
  } finally {
    model.dispose();
  }
}
