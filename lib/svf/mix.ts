/**
 * Transformer²-style mixing of singular-value checkpoints, for CNNs: S = Σ wᵢ·Sᵢ over several
 * S checkpoints tuned from the same base (e.g. one per task or fold). The fingerprints must
 * agree — the same U and V — or the blend would mean nothing. Weights are used as given (not
 * normalized), as Transformer² combines its expert vectors with free coefficients.
 */
import { TorchError } from '../errors';
import { tidy } from '../memory';
import { Tensor } from '../tensor';
import { loadSafetensors, saveSafetensors } from '../serialization/safetensors';
import { SV_FORMAT } from './checkpoint';

export interface MixSpec {
  file: string;
  weight: number;
}

export interface MixedSingularValues {
  /** vector_S per layer key, blended. */
  tensors: Map<string, Tensor>;
  fingerprint: string;
  dispose(): void;
}

/** Parses "a.safetensors:0.7,b.safetensors:0.3" (a lone file without weight means weight 1). */
export function parseMixSpec(spec: string): MixSpec[] {
  if (typeof spec !== 'string' || spec.trim() === '') throw new TypeError('S checkpoint spec: expected "file[:weight][,file:weight…]"');
  return spec.split(',').map((part) => {
    const entry = part.trim();
    // the text after the last ':' (if it is not part of a path) is the weight
    const m = /^(.+):([^:/\\]*)$/.exec(entry);
    const [file, w] = m ? [m[1], m[2]] : [entry, '1'];
    const weight = w.trim() === '' ? NaN : Number(w);
    if (!file || !Number.isFinite(weight)) throw new TypeError(`S checkpoint spec: bad entry "${entry}" (expected file:weight with a number)`);
    return { file, weight };
  });
}

/**
 * Loads each S checkpoint and returns Σ weight·S per layer. Throws naming the file when a
 * checkpoint is not an S checkpoint, its fingerprint differs from the first, or its layers or
 * ranks differ.
 */
export function mixSingularValues(specs: MixSpec[]): MixedSingularValues {
  if (!Array.isArray(specs) || specs.length === 0) throw new TypeError('mixSingularValues([{ file, weight }…]): at least one checkpoint');
  for (const s of specs) {
    if (!s || typeof s.file !== 'string' || typeof s.weight !== 'number' || !Number.isFinite(s.weight))
      throw new TypeError(`mixSingularValues: each entry needs a file (string) and a finite weight, got ${JSON.stringify(s)}`);
  }
  const out = new Map<string, Tensor>();
  let fingerprint = '';
  let first = '';
  try {
    for (const { file, weight } of specs) {
      const t = loadSafetensors(file);
      try {
        const meta = t.metadata ?? {};
        if (meta.format !== SV_FORMAT) throw new TorchError(`mixSingularValues: ${file} is not a singular-value checkpoint (format ${String(meta.format)})`);
        if (!first) {
          fingerprint = String(meta.fingerprint);
          first = file;
        } else if (meta.fingerprint !== fingerprint) {
          throw new TorchError(`mixSingularValues: ${file} was tuned from other base weights than ${first} (fingerprint ${String(meta.fingerprint).slice(0, 12)}… vs ${fingerprint.slice(0, 12)}…)`);
        }
        const keys = [...t.keys()].sort();
        if (out.size && keys.join() !== [...out.keys()].sort().join()) throw new TorchError(`mixSingularValues: ${file} has other layers than ${first}`);
        for (const [k, s] of t) {
          const prev = out.get(k);
          if (prev && prev.shape.join() !== s.shape.join()) throw new TorchError(`mixSingularValues: ${file}: ${k} has shape [${s.shape}], ${first} [${prev.shape}]`);
          const next = tidy(() => (prev ? prev.add(s.double().mul(weight)) : s.double().mul(weight)));
          prev?.dispose();
          out.set(k, next);
        }
      } finally {
        for (const s of t.values()) s.dispose();
      }
    }
    for (const [k, s] of out) {
      out.set(k, tidy(() => s.float()));
      s.dispose();
    }
  } catch (e) {
    for (const s of out.values()) s.dispose();
    throw e;
  }
  return { tensors: out, fingerprint, dispose: () => out.forEach((s) => s.dispose()) };
}

/** Writes a mix as an S checkpoint (loadSingularValues reads it; its fingerprint is the inputs'). */
export function saveMixedSingularValues(mix: MixedSingularValues, file: string, specs: MixSpec[]): void {
  saveSafetensors(mix.tensors, file, { format: SV_FORMAT, fingerprint: mix.fingerprint, layers: String(mix.tensors.size), mix: JSON.stringify(specs) });
}
