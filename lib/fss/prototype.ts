/**
 * The prototype/cosine few-shot segmenter the SVF examples train until PFENet lands: layer2 and
 * upsampled layer3 features of the (resolved) backbone, masked average pooling of the support
 * features into a foreground and a background prototype (K shots pooled together), cosine
 * similarity of every query position to each, ×10, upsampled to the input size.
 */
import { cat, stack } from '../generated/torch';
import { tidy } from '../memory';
import * as F from '../nn/functional';
import { Module } from '../nn/module';
import { Tensor } from '../tensor';

/** Cosine logits are scaled so softmax can get confident (the usual temperature of 10). */
export const COSINE_SCALE = 10;

/** Layer2 and upsampled layer3 features, concatenated ([layer0 … layer4] as models.resnetLayers gives). */
export function prototypeFeatures(layers: Module[], x: Tensor): Tensor {
  return tidy(() => {
    let h = x;
    for (const l of layers.slice(0, 3)) h = l.forward(h);
    const f3 = layers[3].forward(h);
    const up = F.interpolate(f3, { size: [h.shape[2], h.shape[3]], mode: 'bilinear', alignCorners: true });
    return cat([h, up], 1);
  });
}

/**
 * Logits [B, 2, H, W] (background, foreground) of the query given K supports.
 * support [B, K, 3, H, W] or [B, 3, H, W]; supportMask [B, K, H, W] or [B, H, W] with 1 the
 * class, 0 background and 255 ignored (in neither prototype); query [B, 3, H, W].
 */
export function prototypeLogits(layers: Module[], support: Tensor, supportMask: Tensor, query: Tensor): Tensor {
  return tidy(() => {
    const s = support.ndim === 4 ? support.unsqueeze(1) : support;
    const m = supportMask.ndim === 3 ? supportMask.unsqueeze(1) : supportMask;
    const [b, k] = [s.shape[0], s.shape[1]];
    const [H, W] = [query.shape[2], query.shape[3]];
    const feats = prototypeFeatures(layers, cat([s.flatten(0, 1), query], 0));
    const fs = feats.narrow(0, 0, b * k);
    const fq = feats.narrow(0, b * k, b);
    const [h, w, c] = [fs.shape[2], fs.shape[3], fs.shape[1]];
    const down = (mask: Tensor) => F.interpolate(mask.flatten(0, 1).unsqueeze(1).float(), { size: [h, w], mode: 'bilinear', alignCorners: true });
    const fg = down(m.eq(1));
    const bg = down(m.eq(0));
    // pool over the K shots and all positions: [B, C, 1, 1]
    const proto = (mask: Tensor) => {
      const num = fs.mul(mask).view(b, k, c, h * w).sum([1, 3]);
      const den = mask.view(b, k, 1, h * w).sum([1, 3]).add(1e-5);
      return num.div(den).unsqueeze(2).unsqueeze(3);
    };
    const sims = [proto(bg), proto(fg)].map((p) => F.cosineSimilarity(fq, p, { dim: 1 }));
    const logits = stack(sims, 1).mul(COSINE_SCALE);
    return F.interpolate(logits, { size: [H, W], mode: 'bilinear', alignCorners: true });
  });
}

