/**
 * svf-torch spectra <S.safetensors> --base <weights> --out report.html: how fine-tuning moved
 * the singular values — per layer base vs tuned spectra and their ratio, and a summary of which
 * layers moved most — as one self-contained HTML page (inline SVG) plus a PNG of the summary.
 */
import * as fs from 'fs';
import * as path from 'path';
import { tidy } from '../../memory';
import { loadSafetensors } from '../../serialization/safetensors';
import { baseFingerprint } from '../../svf/checkpoint';
import { svdLayers } from '../../svf/resolver';
import { svgToPng } from '../../vision/decode';
import { CommandSpec, Parsed } from '../args';
import { barChart, esc, lineChart } from '../charts';
import { ARCHS, loadSvfModel, requireFile } from '../model';
import { Output } from '../output';

export const spec: CommandSpec = {
  name: 'spectra',
  brief: 'HTML + PNG report of the singular values before and after fine-tuning',
  summary: 'Report how fine-tuning moved the singular values: per layer S_base vs S_tuned and S_tuned/S_base, and which layers moved most (self-contained HTML with inline SVG, and a PNG of the summary beside it).',
  positionals: [{ name: 's', help: 'S checkpoint (.safetensors from train)' }],
  options: [
    { name: 'base', type: 'string', required: true, metavar: 'FILE', help: 'the weights the S checkpoint was tuned from (resolved or dense .pth)' },
    { name: 'arch', type: 'string', default: 'resnet50', choices: [...ARCHS], help: 'backbone architecture' },
    { name: 'out', type: 'string', default: 'spectra.html', metavar: 'FILE', help: 'HTML report; the PNG is written beside it (.png)' },
    { name: 'top', type: 'int', default: 10, help: 'layers listed as moved most' },
  ],
  epilog: 'example: svf-torch spectra fold0-s.safetensors --base resnet50-svf.pth --out fold0-spectra.html',
};

export interface LayerSpectrum {
  layer: string;
  rank: number;
  base: number[];
  tuned: number[];
  /** ‖S_tuned − S_base‖ / ‖S_base‖ */
  relChange: number;
  ratioMin: number;
  ratioMax: number;
}

const stat = (a: number[]) => Math.sqrt(a.reduce((s, v) => s + v * v, 0));

export function layerSpectrum(layer: string, base: number[], tuned: number[]): LayerSpectrum {
  const diff = stat(base.map((b, i) => tuned[i] - b));
  const ratios = base.map((b, i) => tuned[i] / b).filter(Number.isFinite);
  return { layer, rank: base.length, base, tuned, relChange: diff / (stat(base) || 1), ratioMin: Math.min(...ratios), ratioMax: Math.max(...ratios) };
}

function summarySvg(spectra: LayerSpectrum[], width = 960, height = 420): string {
  return barChart(spectra.map((s) => s.layer.replace(/^layer/, 'L').replace(/\.conv/, '.c')), spectra.map((s) => 100 * s.relChange), {
    title: 'Relative change of the singular values per layer', xLabel: 'layer (network order)', yLabel: '‖S_tuned − S_base‖ / ‖S_base‖ (%)', width, height,
  });
}

function html(sFile: string, baseFile: string, spectra: LayerSpectrum[], top: LayerSpectrum[]): string {
  const rows = top.map((s) => `<tr><td>${esc(s.layer)}</td><td>${s.rank}</td><td>${(100 * s.relChange).toFixed(3)}%</td><td>${s.ratioMin.toFixed(4)}</td><td>${s.ratioMax.toFixed(4)}</td></tr>`).join('');
  const layers = spectra.map((s) => {
    const spec = lineChart([{ name: 'S_base', values: s.base, color: '#888888' }, { name: 'S_tuned', values: s.tuned, color: '#d0452b' }], {
      title: `${s.layer}: singular values`, xLabel: 'index (descending S_base)', yLabel: 'singular value', logY: true, width: 460, height: 260,
    });
    const ratio = lineChart([{ name: 'S_tuned / S_base', values: s.tuned.map((t, i) => t / s.base[i]), color: '#3b6fb6' }], {
      title: `${s.layer}: ratio`, xLabel: 'index', yLabel: 'S_tuned / S_base', width: 460, height: 260,
    });
    return `<section><h3>${esc(s.layer)} <small>rank ${s.rank}, change ${(100 * s.relChange).toFixed(3)}%</small></h3>${spec}${ratio}</section>`;
  }).join('\n');
  return `<!doctype html><html><head><meta charset="utf-8"><title>SVF spectra: ${esc(path.basename(sFile))}</title>
<style>body{font-family:DejaVu Sans,Arial,sans-serif;margin:24px;color:#111}table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:3px 8px;text-align:right}td:first-child{text-align:left}section svg{margin-right:8px}</style></head><body>
<h1>Singular values before and after SVF</h1>
<p>S checkpoint <code>${esc(sFile)}</code>, base <code>${esc(baseFile)}</code>: ${spectra.length} layers.</p>
<h2>Summary</h2>${summarySvg(spectra)}
<h2>Moved most</h2><table><tr><th>layer</th><th>rank</th><th>‖ΔS‖/‖S_base‖</th><th>min ratio</th><th>max ratio</th></tr>${rows}</table>
<h2>Per layer</h2>
${layers}
</body></html>`;
}

export async function run(a: Parsed, out: Output): Promise<Record<string, unknown>> {
  const sFile = a.s as string;
  requireFile(sFile, 'S checkpoint');
  const { model } = await loadSvfModel(a.base as string, a.arch as string);
  const tuned = loadSafetensors(sFile);
  let spectra: LayerSpectrum[];
  try {
    const fp = tidy(() => baseFingerprint(model));
    if (tuned.metadata?.fingerprint !== fp)
      throw new Error(`${sFile} was not tuned from ${a.base} (fingerprint ${String(tuned.metadata?.fingerprint).slice(0, 12)}… vs ${fp.slice(0, 12)}…)`);
    spectra = svdLayers(model).map(([name, l]) => {
      const t = tuned.get(`${name}.vector_S`);
      if (!t) throw new Error(`${sFile} has no ${name}.vector_S`);
      return tidy(() => layerSpectrum(name, Array.from(l.vector_S.flatten().double().data() as Float64Array), Array.from(t.flatten().double().data() as Float64Array)));
    });
  } finally {
    for (const t of tuned.values()) t.dispose();
    model.dispose();
  }
  const top = [...spectra].sort((x, y) => y.relChange - x.relChange).slice(0, a.top as number);
  const htmlFile = a.out as string;
  const pngFile = htmlFile.replace(/\.html?$/i, '') + '.png';
  fs.mkdirSync(path.dirname(path.resolve(htmlFile)), { recursive: true });
  fs.writeFileSync(htmlFile, html(sFile, a.base as string, spectra, top));
  await svgToPng(summarySvg(spectra), pngFile);
  out.text(`${spectra.length} layers; moved most: ${top.slice(0, 5).map((s) => `${s.layer} ${(100 * s.relChange).toFixed(2)}%`).join(', ')}`);
  out.text(`wrote ${htmlFile} and ${pngFile}`);
  return { html: htmlFile, png: pngFile, layers: spectra.length, top: top.map(({ layer, rank, relChange, ratioMin, ratioMax }) => ({ layer, rank, relChange, ratioMin, ratioMax })) };
}
