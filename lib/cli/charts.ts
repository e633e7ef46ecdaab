/**
 * Minimal SVG charts for the spectra report: self-contained markup (no scripts, no external
 * fonts or styles), so the HTML page works offline and librsvg can render the same SVG to PNG.
 */

export interface Series {
  name: string;
  values: number[];
  color: string;
}

export interface ChartOptions {
  title: string;
  xLabel: string;
  yLabel: string;
  width?: number;
  height?: number;
  logY?: boolean;
}

const FONT = 'DejaVu Sans, Arial, Helvetica, sans-serif';

export function esc(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** About `n` round tick values covering [lo, hi]. */
export function niceTicks(lo: number, hi: number, n = 5): number[] {
  if (!(hi > lo)) return [lo];
  const raw = (hi - lo) / n;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * mag).find((s) => s >= raw)!;
  const out: number[] = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi + step * 1e-9; v += step) out.push(+v.toPrecision(12));
  return out;
}

function fmt(v: number): string {
  const a = Math.abs(v);
  return a !== 0 && (a >= 1e4 || a < 1e-3) ? v.toExponential(0) : String(+v.toPrecision(3));
}

interface Frame {
  svg: string[];
  x: (i: number) => number;
  y: (v: number) => number;
  w: number;
  h: number;
}

/** Axes, grid, tick labels, axis titles; returns scales for the plot area. */
function frame(o: ChartOptions, n: number, lo: number, hi: number, xTicks: (string | null)[]): Frame {
  const w = o.width ?? 640;
  const h = o.height ?? 320;
  const m = { l: 70, r: 16, t: 34, b: 58 };
  const pw = w - m.l - m.r;
  const ph = h - m.t - m.b;
  const tf = (v: number) => (o.logY ? Math.log10(v) : v);
  const [a, b] = [tf(lo), tf(hi)];
  const y = (v: number) => m.t + ph - ((tf(v) - a) / (b - a || 1)) * ph;
  const x = (i: number) => m.l + (n <= 1 ? pw / 2 : (i / (n - 1)) * pw);
  const svg = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}" viewBox="0 0 ${w} ${h}" font-family="${FONT}">`,
    `<rect width="${w}" height="${h}" fill="#ffffff"/>`,
    `<text x="${w / 2}" y="20" font-size="15" text-anchor="middle" fill="#111">${esc(o.title)}</text>`,
  ];
  // log axes: powers of ten when the data spans them, else round values in between
  const decades: number[] = [];
  if (o.logY) for (let e = Math.ceil(a); e <= Math.floor(b); e++) decades.push(10 ** e);
  const ticks = o.logY && decades.length >= 2 ? decades : niceTicks(lo, hi, 5);
  for (const t of ticks) {
    svg.push(`<line x1="${m.l}" x2="${m.l + pw}" y1="${y(t)}" y2="${y(t)}" stroke="#e3e3e3"/>`);
    svg.push(`<text x="${m.l - 6}" y="${y(t) + 4}" font-size="11" text-anchor="end" fill="#333">${fmt(t)}</text>`);
  }
  xTicks.forEach((label, i) => {
    if (label !== null) svg.push(`<text x="${x(i)}" y="${m.t + ph + 16}" font-size="10" text-anchor="middle" fill="#333">${esc(label)}</text>`);
  });
  svg.push(`<line x1="${m.l}" x2="${m.l}" y1="${m.t}" y2="${m.t + ph}" stroke="#222" stroke-width="1.5"/>`);
  svg.push(`<line x1="${m.l}" x2="${m.l + pw}" y1="${m.t + ph}" y2="${m.t + ph}" stroke="#222" stroke-width="1.5"/>`);
  svg.push(`<text x="${m.l + pw / 2}" y="${h - 10}" font-size="13" text-anchor="middle" fill="#111">${esc(o.xLabel)}</text>`);
  svg.push(`<text transform="translate(16 ${m.t + ph / 2}) rotate(-90)" font-size="13" text-anchor="middle" fill="#111">${esc(o.yLabel)}</text>`);
  return { svg, x, y, w: pw, h: ph };
}

function finite(values: number[], logY?: boolean): number[] {
  return values.filter((v) => Number.isFinite(v) && (!logY || v > 0));
}

/** Lines over index (e.g. singular values by rank position), with a legend. */
export function lineChart(series: Series[], o: ChartOptions): string {
  const all = series.flatMap((s) => finite(s.values, o.logY));
  let [lo, hi] = [Math.min(...all), Math.max(...all)];
  if (lo === hi) { lo = o.logY ? lo / 2 : lo - 1; hi = o.logY ? hi * 2 : hi + 1; }
  const n = Math.max(...series.map((s) => s.values.length));
  const xt = niceTicks(0, n - 1, 5).filter(Number.isInteger);
  const f = frame(o, n, lo, hi, Array.from({ length: n }, (_, i) => (xt.includes(i) ? String(i) : null)));
  series.forEach((s, k) => {
    const pts = s.values.map((v, i) => (Number.isFinite(v) && (!o.logY || v > 0) ? `${f.x(i).toFixed(1)},${f.y(v).toFixed(1)}` : '')).filter(Boolean);
    f.svg.push(`<polyline fill="none" stroke="${s.color}" stroke-width="1.6" points="${pts.join(' ')}"/>`);
    const lx = f.x(0) + 8 + k * 150;
    f.svg.push(`<line x1="${lx}" x2="${lx + 18}" y1="44" y2="44" stroke="${s.color}" stroke-width="3"/><text x="${lx + 22}" y="48" font-size="11" fill="#111">${esc(s.name)}</text>`);
  });
  return f.svg.join('') + '</svg>';
}

/** One bar per category (labels shown every `labelEvery`). */
export function barChart(labels: string[], values: number[], o: ChartOptions & { color?: string; labelEvery?: number }): string {
  const hi = Math.max(...finite(values), 1e-12);
  const every = o.labelEvery ?? Math.max(1, Math.ceil(labels.length / 12));
  const f = frame(o, labels.length, 0, hi * 1.05, labels.map((l, i) => (i % every === 0 ? l : null)));
  const bw = Math.max(1, (f.w / Math.max(1, labels.length)) * 0.7);
  values.forEach((v, i) => {
    if (!Number.isFinite(v)) return;
    const top = f.y(v);
    f.svg.push(`<rect x="${(f.x(i) - bw / 2).toFixed(1)}" y="${top.toFixed(1)}" width="${bw.toFixed(1)}" height="${(f.y(0) - top).toFixed(1)}" fill="${o.color ?? '#3b6fb6'}"><title>${esc(labels[i])}: ${fmt(v)}</title></rect>`);
  });
  return f.svg.join('') + '</svg>';
}
