/**
 * Reference data from Python PyTorch: each suite runs its script in test/reference/ (with
 * Debian's python3-torch, the same LibTorch) into test/fixtures/generated/<name>/ and reads
 * the tensors back. The scripts are committed, their outputs never are.
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import * as torch from '../../lib/index';
import { native } from '../../lib/native';
import { lazyOp } from '../../lib/ops';
import { wrap } from '../../lib/tensor';

export const PYTHON = process.env.SVF_TORCH_PYTHON || '/usr/bin/python3';
const ROOT = path.resolve(__dirname, '..', '..');

/** Runs test/reference/<script> OUTDIR [...args] and returns OUTDIR. Throws (never skips) on failure. */
export function runReference(script: string, args: string[] = [], name = path.basename(script, '.py')): string {
  const outdir = path.join(ROOT, 'test', 'fixtures', 'generated', name);
  fs.rmSync(outdir, { recursive: true, force: true });
  fs.mkdirSync(outdir, { recursive: true });
  execFileSync(PYTHON, [path.join(ROOT, 'test', 'reference', script), outdir, ...args], {
    stdio: ['ignore', 'inherit', 'inherit'],
    env: { ...process.env, OMP_NUM_THREADS: process.env.OMP_NUM_THREADS || '2' },
  });
  return outdir;
}

export interface Reference {
  tensors: Map<string, torch.Tensor>;
  extra: Record<string, unknown>;
  get(name: string): torch.Tensor;
}

/** Reads what reflib.save_tensors wrote. Tensors are kept (outside tidy) until disposeReference. */
export function loadReference(outdir: string): Reference {
  const manifest = JSON.parse(fs.readFileSync(path.join(outdir, 'manifest.json'), 'utf8')) as {
    tensors: Record<string, { dtype: torch.DType; shape: number[]; file: string }>;
    extra: Record<string, unknown>;
  };
  const tensors = new Map<string, torch.Tensor>();
  for (const [name, m] of Object.entries(manifest.tensors)) {
    const bytes = fs.readFileSync(path.join(outdir, m.file));
    const half = m.dtype === 'float16' || m.dtype === 'bfloat16';
    const t = torch.fromBytes(bytes, m.shape, half ? 'int16' : m.dtype);
    if (half) {
      // reinterpret the int16 bits as the half type via a view
      tensors.set(name, torch.keep(viewAs(t, m.dtype)));
    } else {
      tensors.set(name, torch.keep(t));
    }
  }
  return {
    tensors,
    extra: manifest.extra,
    get(name: string) {
      const t = tensors.get(name);
      if (!t) throw new Error(`reference tensor '${name}' not found in ${outdir}`);
      return t;
    },
  };
}

const VIEW_DTYPE = lazyOp('aten::view', 'dtype');

/** The same bytes read as another dtype of the same size (Tensor.view(dtype) of PyTorch). */
function viewAs(t: torch.Tensor, dtype: torch.DType): torch.Tensor {
  return wrap(native.callOp(VIEW_DTYPE(), t.handle, native.dtypeCodes[dtype]));
}

/** Disposes every tensor in a loaded value (tensors, arrays, Maps, Sets, nested to any depth). */
export function disposeAll(value: unknown): void {
  const stack = [value];
  const seen = new Set<unknown>();
  while (stack.length) {
    const v = stack.pop();
    if (v instanceof torch.Tensor) v.dispose();
    else if ((Array.isArray(v) || v instanceof Map || v instanceof Set) && !seen.has(v)) {
      seen.add(v);
      for (const x of v.values()) stack.push(x);
    }
  }
}

export function disposeReference(ref: Reference): void {
  for (const t of ref.tensors.values()) t.dispose();
}

/** Max |a-b| / max(|b|, tiny): one number to compare against a tolerance. */
export function maxRelDiff(a: torch.Tensor, b: torch.Tensor): number {
  return torch.tidy(() => {
    const x = a.detach().cpu().double();
    const y = b.detach().cpu().double();
    const num = x.sub(y).abs().max().item() as number;
    const den = Math.max(y.abs().max().item() as number, 1e-12);
    return num / den;
  });
}

/** Max |a-b|; complex tensors compare their (real, imaginary) parts (a cast to double would drop the imaginary one). */
export function maxAbsDiff(a: torch.Tensor, b: torch.Tensor): number {
  const parts = (t: torch.Tensor): torch.Tensor => {
    const d = t.detach().cpu();
    return torch.isComplex(d) ? torch.viewAsReal(d.resolveConj()).double() : d.double();
  };
  return torch.tidy(() => parts(a).sub(parts(b)).abs().max().item() as number);
}
