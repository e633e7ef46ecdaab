/**
 * PFENet's evaluation protocol (train.py validate): per episode, foreground and background
 * intersection and union of the prediction with the label, pixels labelled 255 left out.
 * mIoU: per class, foreground intersections and unions summed over the class's episodes, IoU
 * = their ratio, averaged over the classes seen. FB-IoU: background and foreground
 * intersections and unions summed over all episodes, the mean of the two IoUs.
 */
import { tidy } from '../memory';
import { stack } from '../generated/torch';
import { Tensor } from '../tensor';

export interface FewShotResult {
  mIoU: number;
  fbIoU: number;
  /** IoU per class id (the classes seen). */
  classIoU: Record<number, number>;
  episodes: number;
}

/** PFENet adds 1e-10 to every union. */
const EPS = 1e-10;

export class FewShotMeter {
  private readonly classInter = new Map<number, number>();
  private readonly classUnion = new Map<number, number>();
  private readonly inter = [0, 0];
  private readonly union = [0, 0];
  private episodes = 0;

  /**
   * pred, target: [H, W] (one episode of class `classId`) or [B, H, W] with one class id per
   * episode; pred holds 0/1, target 0/1 and 255 for ignored pixels.
   */
  update(pred: Tensor, target: Tensor, classId: number | number[]): void {
    if (!(pred instanceof Tensor) || !(target instanceof Tensor)) throw new TypeError('FewShotMeter.update(pred, target, classId): pred and target must be Tensors');
    if (pred.shape.join() !== target.shape.join()) throw new RangeError(`FewShotMeter.update: pred [${pred.shape}] and target [${target.shape}] differ in shape`);
    const batched = pred.ndim === 3;
    if (!batched && pred.ndim !== 2) throw new RangeError(`FewShotMeter.update: pred must be [H, W] or [B, H, W], got [${pred.shape}]`);
    const ids = Array.isArray(classId) ? classId : [classId];
    const b = batched ? pred.shape[0] : 1;
    if (ids.length !== b || !ids.every(Number.isInteger)) throw new RangeError(`FewShotMeter.update: ${b} integer class id(s) needed, got ${JSON.stringify(classId)}`);
    // [B, 4]: bg intersection, bg union, fg intersection, fg union — one read back per call
    const counts = tidy(() => {
      const p = (batched ? pred : pred.unsqueeze(0)).flatten(1);
      const t = (batched ? target : target.unsqueeze(0)).flatten(1);
      const valid = t.ne(255);
      const cols: Tensor[] = [];
      for (const k of [0, 1]) {
        const pk = p.eq(k).logicalAnd(valid);
        const tk = t.eq(k);
        const i = pk.logicalAnd(tk).sum(1);
        cols.push(i, pk.sum(1).add(tk.sum(1)).sub(i));
      }
      return Array.from(stack(cols, 1).double().data() as Float64Array);
    });
    for (let e = 0; e < b; e++) {
      const [bi, bu, fi, fu] = counts.slice(4 * e, 4 * e + 4);
      this.inter[0] += bi;
      this.union[0] += bu;
      this.inter[1] += fi;
      this.union[1] += fu;
      this.classInter.set(ids[e], (this.classInter.get(ids[e]) ?? 0) + fi);
      this.classUnion.set(ids[e], (this.classUnion.get(ids[e]) ?? 0) + fu);
      this.episodes++;
    }
  }

  compute(): FewShotResult {
    const classIoU: Record<number, number> = {};
    const ids = [...this.classInter.keys()].sort((a, b) => a - b);
    for (const c of ids) classIoU[c] = this.classInter.get(c)! / (this.classUnion.get(c)! + EPS);
    const mIoU = ids.length ? ids.reduce((s, c) => s + classIoU[c], 0) / ids.length : NaN;
    const fbIoU = this.episodes ? (this.inter[0] / (this.union[0] + EPS) + this.inter[1] / (this.union[1] + EPS)) / 2 : NaN;
    return { mIoU, fbIoU, classIoU, episodes: this.episodes };
  }

  reset(): void {
    this.classInter.clear();
    this.classUnion.clear();
    this.inter.fill(0);
    this.union.fill(0);
    this.episodes = 0;
  }
}
