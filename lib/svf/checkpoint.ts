/**
 * Singular-value checkpoints: only the vector_S tensors of a resolved model (kilobytes instead
 * of the whole backbone), with a SHA-256 fingerprint of the frozen bases (U and V weights,
 * names and shapes) so they are never loaded onto a different decomposition.
 */
import { createHash } from 'crypto';
import { noGrad } from '../autograd';
import { tidy } from '../memory';
import { TorchError } from '../errors';
import { native } from '../native';
import { Module } from '../nn/module';
import { Tensor } from '../tensor';
import { svdLayers } from './resolver';
import { loadSafetensors, saveSafetensors } from '../serialization/safetensors';
import { SVDConv2d } from './svd-conv2d';

export const SV_FORMAT = 'svf-singular-values/1';

function bases(layer: ReturnType<typeof svdLayers>[number][1]): [string, Tensor][] {
  return layer instanceof SVDConv2d
    ? [['conv_U.weight', layer.conv_U.weight], ['conv_V.weight', layer.conv_V.weight]]
    : [['fc_U.weight', layer.fc_U.weight], ['fc_V.weight', layer.fc_V.weight]];
}

/** SHA-256 over every SVD layer's name and its U/V weights' dtype, shape and bytes. */
export function baseFingerprint(model: Module): string {
  const h = createHash('sha256');
  for (const [name, layer] of svdLayers(model)) {
    for (const [key, t] of bases(layer)) {
      h.update(`${name}.${key}:${t.dtype}:${t.shape.join('x')};`);
      // toBuffer copies the values out contiguous from any device: no temporary tensor (each
      // one would be a handle left to the finalizer, and a synchronous loop never runs it)
      h.update(new Uint8Array(native.toBuffer(t.handle)));
    }
  }
  return h.digest('hex');
}

function sKey(name: string): string {
  return name ? `${name}.vector_S` : 'vector_S';
}

/** Writes every vector_S of `model` (a safetensors file) with the base fingerprint in its metadata. */
export function saveSingularValues(model: Module, file: string): { layers: number; fingerprint: string } {
  if (!(model instanceof Module)) throw new TypeError('saveSingularValues(model, path): model must be an nn.Module');
  if (typeof file !== 'string' || file === '') throw new TypeError('saveSingularValues(model, path): path must be a non-empty string');
  const layers = svdLayers(model);
  if (layers.length === 0) throw new TorchError('saveSingularValues: the model has no SVD layers (run svf.resolver first)');
  const fingerprint = baseFingerprint(model);
  const tensors = new Map<string, Tensor>(layers.map(([name, l]) => [sKey(name), l.vector_S]));
  saveSafetensors(tensors, file, { format: SV_FORMAT, fingerprint, layers: String(layers.length) });
  return { layers: layers.length, fingerprint };
}

function problemsHeader(file: string, declared: string | undefined, actual: number): never {
  throw new TorchError(`loadSingularValues: ${file} declares ${String(declared)} layers, the model has ${actual}`);
}

/** No NaN or ±inf: one reduction, its temporaries disposed here. */
function allFinite(t: Tensor): boolean {
  return tidy(() => t.isfinite().all().item() as boolean);
}

/**
 * Copies the singular values of `file` into `model` in place; throws TorchError when the file's
 * fingerprint is not the model's bases', or a layer is missing or has another rank.
 */
export function loadSingularValues(model: Module, file: string): { layers: number } {
  if (!(model instanceof Module)) throw new TypeError('loadSingularValues(model, path): model must be an nn.Module');
  if (typeof file !== 'string' || file === '') throw new TypeError('loadSingularValues(model, path): path must be a non-empty string');
  const layers = svdLayers(model);
  if (layers.length === 0) throw new TorchError('loadSingularValues: the model has no SVD layers to load into (run svf.resolver first)');
  const tensors = loadSafetensors(file);
  const metadata = tensors.metadata ?? {};
  try {
    if (metadata.format !== SV_FORMAT) throw new TorchError(`loadSingularValues: ${file} is not a singular-value checkpoint (format ${String(metadata.format)})`);
    const fingerprint = baseFingerprint(model);
    if (metadata.fingerprint !== fingerprint)
      throw new TorchError(`loadSingularValues: ${file} was made for other base weights (fingerprint ${metadata.fingerprint?.slice(0, 12)}…, this model ${fingerprint.slice(0, 12)}…)`);
    if (metadata.layers !== String(layers.length)) problemsHeader(file, metadata.layers, layers.length);
    const problems: string[] = [];
    for (const [name, l] of layers) {
      const t = tensors.get(sKey(name));
      if (!t) problems.push(`missing ${sKey(name)}`);
      else if (t.shape.join() !== l.vector_S.shape.join()) problems.push(`${sKey(name)}: shape [${t.shape}] vs [${l.vector_S.shape}]`);
      else if (t.dtype !== l.vector_S.dtype) problems.push(`${sKey(name)}: dtype ${t.dtype}, the model's is ${l.vector_S.dtype}`);
      else if (!allFinite(t)) problems.push(`${sKey(name)}: holds NaN or infinite values`);
    }
    const known = new Set(layers.map(([n]) => sKey(n)));
    for (const k of tensors.keys()) if (!known.has(k)) problems.push(`unexpected ${k}`);
    if (problems.length) throw new TorchError(`loadSingularValues: ${problems.join('; ')}`);
    noGrad(() => {
      for (const [name, l] of layers) l.vector_S.copy_(tensors.get(sKey(name))!);
    });
    return { layers: layers.length };
  } finally {
    for (const t of tensors.values()) t.dispose();
  }
}

/**
 * Inference-time interpolation: S_used = S_base + alpha·(S_tuned − S_base) in every SVD layer
 * (S_base: the decomposition's values, a non-persistent buffer). alpha = 1 is the tuned model.
 */
export function setStrength(model: Module, alpha: number): number {
  if (!(model instanceof Module)) throw new TypeError('setStrength(model, alpha): model must be an nn.Module');
  const layers = svdLayers(model);
  for (const [, l] of layers) l.setStrength(alpha);
  return layers.length;
}
