/** Scoring one episode of a batch with PFENet's protocol (shared by eval and training's validation). */
import { full } from '../creation';
import { tidy } from '../memory';
import * as F from '../nn/functional';
import { FewShotMeter } from '../fss/metrics';
import { EpisodeBatch } from '../fss/tensors';
import { Tensor } from '../tensor';

/** PFENet (ori_resize): the label in the top-left of a 255-filled square of its longer side; logits resized to it. */
export function scoreEpisode(meter: FewShotMeter, b: EpisodeBatch, e: number, logits: Tensor): void {
  tidy(() => {
    const raw = b.rawMasks[e];
    const [h, w] = raw.shape;
    const side = Math.max(h, w);
    const target = full([side, side], 255, { dtype: 'uint8' });
    target.narrow(0, 0, h).narrow(1, 0, w).copy_(raw);
    const up = F.interpolate(logits.narrow(0, e, 1), { size: [side, side], mode: 'bilinear', alignCorners: true });
    meter.update(up.argmax(1).squeeze(0), target, b.classIds[e]);
  });
}
