/** PFENet's constructor options, checked (bad values are TypeError/RangeError naming the option). */
export interface PFENetOptions {
  /** ResNet depth of the deep-stem backbone: 50 or 101 (152 as the official code allows). */
  layers?: number;
  /** Support images per episode the model is built and trained for (default 1). */
  shot?: number;
  /** Pyramid bins of the Feature Enrichment Module (default [60, 30, 15, 8]); a bin ≤ 1 is a fraction of the feature size. */
  ppmScales?: number[];
  /** VGG-16-bn backbone instead of ResNet (default false). */
  vgg?: boolean;
  /** Output classes (default 2: background, foreground). */
  classes?: number;
  /** Logits are upsampled to ((H−1)/8·zoomFactor + 1): 8 (default) gives the input size. */
  zoomFactor?: number;
}

export interface CheckedOptions {
  layers: number;
  shot: number;
  ppmScales: number[];
  vgg: boolean;
  classes: number;
  zoomFactor: number;
}

export function checkOptions(opts: PFENetOptions): CheckedOptions {
  if (opts === null || typeof opts !== 'object') throw new TypeError('PFENet(options): options must be an object');
  const known = ['layers', 'shot', 'ppmScales', 'vgg', 'classes', 'zoomFactor'];
  for (const k of Object.keys(opts)) if (!known.includes(k)) throw new TypeError(`PFENet: unknown option '${k}' (known: ${known.join(', ')})`);
  const vgg = opts.vgg ?? false;
  if (typeof vgg !== 'boolean') throw new TypeError('PFENet: vgg must be a boolean');
  const layers = opts.layers ?? 50;
  if (![50, 101, 152].includes(layers)) throw new RangeError(`PFENet: layers must be 50, 101 or 152, got ${String(layers)}`);
  const positiveInt = (v: unknown, what: string, min: number): number => {
    if (typeof v !== 'number' || !Number.isInteger(v)) throw new TypeError(`PFENet: ${what} must be an integer, got ${String(v)}`);
    if (v < min) throw new RangeError(`PFENet: ${what} must be >= ${min}, got ${v}`);
    return v;
  };
  const shot = positiveInt(opts.shot ?? 1, 'shot', 1);
  const classes = positiveInt(opts.classes ?? 2, 'classes', 2);
  const zoomFactor = positiveInt(opts.zoomFactor ?? 8, 'zoomFactor', 1);
  if (![1, 2, 4, 8].includes(zoomFactor)) throw new RangeError(`PFENet: zoomFactor must be 1, 2, 4 or 8, got ${zoomFactor}`);
  const ppmScales = opts.ppmScales ?? [60, 30, 15, 8];
  if (!Array.isArray(ppmScales) || ppmScales.length === 0) throw new TypeError('PFENet: ppmScales must be a non-empty array of numbers');
  for (const s of ppmScales) {
    if (typeof s !== 'number' || !(s > 0)) throw new RangeError(`PFENet: every ppmScales entry must be > 0, got ${String(s)}`);
    if (s > 1 && !Number.isInteger(s)) throw new RangeError(`PFENet: a ppmScales bin above 1 must be an integer, got ${s}`);
  }
  return { layers, shot, ppmScales: [...ppmScales], vgg, classes, zoomFactor };
}
