/**
 * The two support summaries PFENet feeds its pyramid: the mask-weighted global average
 * (Weighted_GAP) and the training-free prior mask — for every query position of the layer4
 * features, the highest cosine similarity to any masked support position, min-max normalised
 * over the query. The operations follow the official code one for one, so the float32 results
 * round the same way.
 */
import { avgPool2d } from '../../nn/functional/pooling';
import { interpolate } from '../../nn/functional/sampling';
import { bmm } from '../../generated/torch';
import { tidy } from '../../memory';
import { Tensor } from '../../tensor';

/** The official cosine/normalisation epsilon. */
export const COSINE_EPS = 1e-7;
/** Added to the mask area so an empty support mask gives a zero prototype, not NaN. */
export const AREA_EPS = 0.0005;

/** Weighted_GAP: Σ(feat·mask) / (Σmask + 0.0005) over the positions → [B, C, 1, 1]. */
export function weightedGap(feat: Tensor, mask: Tensor): Tensor {
  return tidy(() => {
    const masked = feat.mul(mask);
    const [h, w] = [masked.shape[2], masked.shape[3]];
    const area = avgPool2d(mask, [h, w]).mul(h * w).add(AREA_EPS);
    return avgPool2d(masked, [h, w]).mul(h * w).div(area);
  });
}

/** Bilinear, align_corners=True resize to [h, w] (the only resize PFENet uses). */
export function resize(x: Tensor, h: number, w: number): Tensor {
  return interpolate(x, { size: [h, w], mode: 'bilinear', alignCorners: true });
}

/**
 * Prior mask [B, 1, h4, w4] of one shot: query4 [B, C, h4, w4] (layer4 of the query),
 * support4 [B, C, hs, ws] (layer4 of the masked support), mask [B, 1, H, W] (the full-size
 * binary support mask, resized here to the support features).
 */
export function priorMask(query4: Tensor, support4: Tensor, mask: Tensor): Tensor {
  return tidy(() => {
    const [b, c, h, w] = query4.shape;
    const [hs, ws] = [support4.shape[2], support4.shape[3]];
    const s = support4.mul(resize(mask, hs, ws));
    const q = query4.contiguous().view(b, c, -1);
    const qNorm = q.norm(2, 1, true);
    const sT = s.contiguous().view(b, c, -1).permute(0, 2, 1); // not made contiguous: the same bmm path as the official code
    const sNorm = sT.norm(2, 2, true);
    const similarity = bmm(sT, q).div(bmm(sNorm, qNorm).add(COSINE_EPS));
    const best = similarity.max(1).values.view(b, h * w);
    const lo = best.min(1).values.unsqueeze(1);
    const hi = best.max(1).values.unsqueeze(1);
    return best.sub(lo).div(hi.sub(lo).add(COSINE_EPS)).view(b, 1, h, w);
  });
}
