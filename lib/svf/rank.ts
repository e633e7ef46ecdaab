/**
 * Which layers the resolver decomposes and at what rank — the rules of the original SVF
 * resolver, with its customizedLayersLowRankRatio actually honoured.
 *
 * A weight squeezed of its size-1 dims is classified by what is left: 2-D counts as a 1×1
 * layer (1×1 convs and Linear), 4-D as a k×k layer; anything else (depthwise convs, single
 * output channel, one-sided kernels such as 1×3 over one input channel) stays dense.
 */

export type LayerKind = '1x1' | 'kxk';

/** The original code's classification of a weight shape, or null when it is left alone. */
export function layerKind(weightShape: number[]): LayerKind | null {
  const squeezed = weightShape.filter((d) => d !== 1);
  if (squeezed.length === 2) return '1x1';
  if (squeezed.length === 4) return 'kxk';
  return null;
}

/**
 * Rank kept for a matrix of full rank `full`: floor(floor(full·ratio)/multiple)·multiple,
 * clamped to [1, full].
 */
export function rankFor(full: number, ratio: number, multiple: number): number {
  const r = Math.floor(Math.floor(full * ratio) / multiple) * multiple;
  return Math.max(1, Math.min(full, r));
}

export function checkRatio(ratio: unknown, what: string): number {
  if (typeof ratio !== 'number' || !Number.isFinite(ratio) || ratio <= 0 || ratio > 1)
    throw new RangeError(`${what} must be a number in (0, 1], got ${String(ratio)}`);
  return ratio;
}

/**
 * The one default of rankMultiple: a ratio's rank is rounded down to a multiple of 4, as the
 * original SVF code's resolver rounds (round_to_nearest, base_number=4; the Python reference of
 * test/svf-layers encodes it) — nothing changes on ResNets at ratio 1.0, whose ranks are
 * multiples of 4. The resolver and decompose's ratio path both use it. decompose(layer) given
 * neither a ratio nor a multiple takes its explicit-rank path at the full rank instead: there
 * is no ratio to round, and one layer decomposed without options is the exact decomposition
 * for every shape.
 */
export const RANK_MULTIPLE = 4;

export function checkRankMultiple(m: unknown): number {
  if (typeof m !== 'number' || !Number.isInteger(m) || m < 1) throw new RangeError(`rankMultiple must be a positive integer, got ${String(m)}`);
  return m;
}
