/**
 * Backbones for the CLI: torchvision ResNets from a dense .pth (state_dict, or a checkpoint
 * holding one under 'state_dict' / 'model', DataParallel's 'module.' stripped), or a resolved
 * SVF model as `svf-torch resolve` writes it (conv_U/conv_V/vector_S keys), which is rebuilt
 * as SVD layers of the saved ranks without decomposing anything again.
 */
import * as os from 'os';
import * as path from 'path';
import * as fs from 'fs';
import { noGrad } from '../autograd';
import { tidy } from '../memory';
import * as models from '../models';
import { Conv2d } from '../nn/conv';
import { Linear } from '../nn/linear';
import { Module } from '../nn/module';
import { Tensor } from '../tensor';
import { load } from '../serialization/torch-load';
import { stripPrefix } from '../serialization/strip-prefix';
import { loadSingularValues } from '../svf/checkpoint';
import { mixSingularValues, parseMixSpec, saveMixedSingularValues } from '../svf/mix';
import { decompose, resolverTargets, svdLayers } from '../svf/resolver';
import { SVDConv2d } from '../svf/svd-conv2d';
import { SVDLinear } from '../svf/svd-linear';
import { UsageError } from './args';

export const ARCHS = ['resnet18', 'resnet34', 'resnet50', 'resnet101', 'resnet152'] as const;
export type Arch = (typeof ARCHS)[number];

export function requireFile(file: string, what: string): void {
  if (!fs.existsSync(file)) throw new UsageError(`${what} ${path.resolve(file)} does not exist`);
}

/** Calls fn for every tensor reachable in a loaded object (Maps, arrays), with its dotted key. */
export function forEachTensor(obj: unknown, fn: (key: string, t: Tensor) => void, prefix = ''): void {
  if (obj instanceof Tensor) fn(prefix, obj);
  else if (obj instanceof Map) for (const [k, v] of obj) forEachTensor(v, fn, prefix ? `${prefix}.${String(k)}` : String(k));
  else if (Array.isArray(obj)) obj.forEach((v, i) => forEachTensor(v, fn, prefix ? `${prefix}.${i}` : String(i)));
}

/** The tensors of a .pt/.pth state_dict file, by key (anything else the file held is freed). */
export function readStateDict(file: string): Map<string, Tensor> {
  requireFile(file, 'weights file');
  const loaded = load(file) as unknown;
  let obj = loaded;
  for (const k of ['state_dict', 'model']) {
    if (obj instanceof Map && obj.get(k) instanceof Map) obj = obj.get(k);
  }
  const sd = new Map<string, Tensor>();
  if (obj instanceof Map) for (const [k, v] of stripPrefix(obj as Map<string, unknown>, 'module.')) if (v instanceof Tensor) sd.set(k, v);
  const kept = new Set(sd.values());
  forEachTensor(loaded, (_k, t) => { if (!kept.has(t)) t.dispose(); });
  if (!(obj instanceof Map)) throw new Error(`${file} does not hold a state_dict (a dict of tensors)`);
  if (sd.size === 0) throw new Error(`${file} holds no tensors`);
  return sd;
}

export function disposeAll(sd: Map<string, Tensor>): void {
  for (const t of sd.values()) t.dispose();
}

export function isResolved(sd: Map<string, Tensor>): boolean {
  return [...sd.keys()].some((k) => k.endsWith('.conv_U.weight'));
}

export function backbone(arch: string, opts: { deepStem?: boolean } = {}): models.ResNet {
  if (!(ARCHS as readonly string[]).includes(arch)) throw new UsageError(`--arch must be one of ${ARCHS.join(', ')}, got ${arch}`);
  return (models as unknown as Record<Arch, (o: object) => models.ResNet>)[arch as Arch]({ deepStem: opts.deepStem });
}

/** Loads dense weights into `net`; only the classifier (fc) may be missing or extra. */
export function loadDense(net: Module, sd: Map<string, Tensor>, file: string, arch: string): void {
  let r: { missingKeys: string[]; unexpectedKeys: string[] };
  try {
    r = net.loadStateDict(sd, { strict: false });
  } catch (e) {
    const lines = (e as Error).message.split('\n');
    throw new Error(`${file} does not fit ${arch} (is --arch right?): ${lines.slice(0, 3).join('\n')}${lines.length > 3 ? `\n\t… ${lines.length - 3} more` : ''}`);
  }
  const bad = [...r.missingKeys, ...r.unexpectedKeys].filter((k) => !k.startsWith('fc.'));
  if (bad.length) throw new Error(`${file} does not fit ${arch}: ${r.missingKeys.length} missing, ${r.unexpectedKeys.length} unexpected keys (${bad.slice(0, 4).join(', ')}…) — is --arch right?`);
}

/**
 * Puts SVD layers in place of every conv/linear the state_dict has as conv_U/conv_V or
 * fc_U/fc_V (ranks from vector_S), in `net` itself (it is freshly built: nothing else holds it),
 * disposing the dense layers they replace.
 */
export function svfSkeleton(net: Module, sd: Map<string, Tensor>): Module {
  const targets = net.namedModules().filter(([name]) => name !== '' && sd.has(`${name}.vector_S`));
  for (const [name, m] of targets) {
    const rank = sd.get(`${name}.vector_S`)!.shape[1];
    let svd: Module;
    if (m instanceof Linear) svd = new SVDLinear(m.inFeatures, m.outFeatures, rank, { bias: sd.has(`${name}.fc_U.bias`) });
    else if (m instanceof Conv2d) {
      svd = new SVDConv2d(m.inChannels, m.outChannels, m.kernelSize, rank, {
        stride: m.stride, padding: m.padding, dilation: m.dilation, groups: m.groups, bias: sd.has(`${name}.conv_U.bias`), paddingMode: m.paddingMode,
      });
    } else continue;
    net.setSubmodule(name, svd);
    m.dispose();
  }
  return net;
}

/**
 * The SVF model of a weights file: a resolved file is loaded strictly into its skeleton (and
 * its vector_S becomes each layer's base for setStrength); a dense file is resolved now.
 */
export async function loadSvfModel(file: string, arch: string, opts: { ratio?: number; deepStem?: boolean } = {}): Promise<{ model: Module; resolvedNow: boolean }> {
  const sd = readStateDict(file);
  const net = backbone(arch, opts);
  let keepNet = false;
  try {
    if (isResolved(sd)) {
      const model = svfSkeleton(net, sd); // net itself, with SVD layers
      const fc = [...sd.keys()].some((k) => k.startsWith('fc.'));
      const r = model.loadStateDict(sd, { strict: false });
      const bad = [...r.missingKeys.filter((k) => fc || !k.startsWith('fc.')), ...r.unexpectedKeys];
      if (bad.length) { throw new Error(`${file} does not fit a resolved ${arch}: ${bad.slice(0, 4).join(', ')}${bad.length > 4 ? '…' : ''}`); }
      // the saved vector_S is the decomposition's: it is the base setStrength blends from
      noGrad(() => {
        for (const [, l] of svdLayers(model)) {
          const base = l.hasBuffer('vector_S_base') ? l.getBuffer('vector_S_base') : null;
          if (base) base.copy_(l.vector_S);
          else l.registerBuffer('vector_S_base', tidy(() => l.vector_S.detach().clone()), { persistent: false });
        }
      });
      keepNet = true;
      return { model, resolvedNow: false };
    }
    loadDense(net, sd, file, arch);
    net.eval();
    // in place rather than svf.resolver's copy: the net is ours alone, and one copy of the weights is enough
    for (const t of resolverTargets(net, { globalLowRankRatio: opts.ratio ?? 1 })) {
      net.setSubmodule(t.name, decompose(t.layer, t.opts));
      t.layer.dispose();
    }
    keepNet = true;
    return { model: net, resolvedNow: true };
  } finally {
    if (!keepNet) net.dispose();
    disposeAll(sd);
  }
}

/** Applies --s "a.safetensors[:w],b.safetensors:w": one file loads as is, several are mixed. */
export function applySingularValues(model: Module, spec: string): { files: string[] } {
  const specs = parseMixSpec(spec);
  for (const s of specs) requireFile(s.file, 'S checkpoint');
  // tidy: loadSingularValues' fingerprint temporaries are freed here, not left to the finalizer
  if (specs.length === 1 && specs[0].weight === 1) {
    tidy(() => loadSingularValues(model, specs[0].file));
    return { files: [specs[0].file] };
  }
  const mix = mixSingularValues(specs);
  const tmp = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'svf-mix-')), 'mixed.safetensors');
  try {
    saveMixedSingularValues(mix, tmp, specs);
    tidy(() => loadSingularValues(model, tmp));
  } finally {
    mix.dispose();
    fs.rmSync(path.dirname(tmp), { recursive: true, force: true });
  }
  return { files: specs.map((s) => s.file) };
}

