/** svf-torch inspect <file>: what a .pt/.pth/.safetensors file holds. */
import * as fs from 'fs';
import { Tensor } from '../../tensor';
import { load } from '../../serialization/torch-load';
import { loadSafetensors } from '../../serialization/safetensors';
import { CommandSpec, Parsed } from '../args';
import { forEachTensor, requireFile } from '../model';
import { Output } from '../output';

export const spec: CommandSpec = {
  name: 'inspect',
  brief: 'keys, shapes, dtypes, bytes and SVD ranks of a .pt/.pth/.safetensors file',
  summary: 'List the tensors of a .pt/.pth (torch.save, Python or svf-torch) or .safetensors file: key, shape, dtype, bytes; SVD layers and their ranks; safetensors metadata.',
  positionals: [{ name: 'file', help: 'a .pt, .pth or .safetensors file' }],
  options: [{ name: 'limit', type: 'int', default: 40, help: 'rows of the tensor table printed (all go to --json)' }],
  epilog: 'example: svf-torch inspect resnet50.pth\n         svf-torch inspect svf-s.safetensors --json',
};

const ELEMENT_BYTES: Record<string, number> = { float64: 8, int64: 8, float32: 4, int32: 4, float16: 2, bfloat16: 2, int16: 2, int8: 1, uint8: 1, bool: 1 };

interface Row { key: string; shape: number[]; dtype: string; bytes: number }

export async function run(a: Parsed, out: Output): Promise<Record<string, unknown>> {
  const file = a.file as string;
  requireFile(file, 'file');
  const rows: Row[] = [];
  const tensors: Tensor[] = [];
  let metadata: Record<string, string> | null = null;
  const isSafetensors = fs.readFileSync(file).subarray(8, 9).toString() === '{';
  try {
    const row = (key: string, t: Tensor) => {
      rows.push({ key, shape: t.shape, dtype: t.dtype, bytes: t.numel() * ELEMENT_BYTES[t.dtype] });
      tensors.push(t);
    };
    if (isSafetensors) {
      const t = loadSafetensors(file);
      metadata = t.metadata;
      forEachTensor(t, row);
    } else {
      forEachTensor(load(file), row);
    }
  } finally {
    for (const t of tensors) t.dispose();
  }
  const svd = rows.filter((r) => /(^|\.)vector_S$/.test(r.key)).map((r) => ({ layer: r.key.replace(/\.?vector_S$/, ''), rank: r.shape[r.shape.length === 4 ? 1 : r.shape.length - 1] }));
  const result = {
    file,
    format: isSafetensors ? 'safetensors' : 'torch',
    tensors: rows.length,
    parameters: rows.reduce((n, r) => n + r.shape.reduce((a, b) => a * b, 1), 0),
    bytes: rows.reduce((n, r) => n + r.bytes, 0),
    svdLayers: svd,
    metadata,
    rows,
  };
  const limit = a.limit as number;
  out.text(`${file}: ${result.format}, ${rows.length} tensors, ${result.parameters.toLocaleString('en-US')} elements, ${(result.bytes / 1e6).toFixed(2)} MB`);
  if (metadata) out.text(`metadata: ${JSON.stringify(metadata)}`);
  const w = Math.min(60, Math.max(3, ...rows.map((r) => r.key.length)));
  for (const r of rows.slice(0, limit)) out.text(`  ${r.key.padEnd(w)}  ${`[${r.shape.join(', ')}]`.padEnd(20)} ${r.dtype.padEnd(8)} ${r.bytes}`);
  if (rows.length > limit) out.text(`  … ${rows.length - limit} more (--limit N, or --json)`);
  if (svd.length) out.text(`SVD layers: ${svd.length}; ranks ${svd.slice(0, 6).map((s) => `${s.layer} ${s.rank}`).join(', ')}${svd.length > 6 ? ', …' : ''}`);
  return result;
}
