/**
 * fss.metrics.FewShotMeter against an independent numpy implementation of PFENet's protocol
 * on 60 random episodes (ignore regions, empty foregrounds, rarely seen classes), fed one
 * episode at a time and as batches. Sums of integer counts are exact in float64, so the only
 * difference is the order of the final divisions: 1e-12.
 */
import { strict as assert } from 'assert';
import * as torch from '../lib/index';
import { disposeReference, loadReference, Reference, runReference } from './helpers/reference';

describe('fss: FewShotMeter (PFENet protocol)', () => {
  let ref: Reference;
  before(() => { ref = loadReference(runReference('fss_metrics.py')); });
  after(() => disposeReference(ref));

  const check = (r: torch.fss.metrics.FewShotResult) => {
    const want = ref.extra as { mIoU: number; fbIoU: number; classIoU: Record<string, number> };
    assert.ok(Math.abs(r.mIoU - want.mIoU) < 1e-12, `mIoU ${r.mIoU} vs ${want.mIoU}`);
    assert.ok(Math.abs(r.fbIoU - want.fbIoU) < 1e-12, `FB-IoU ${r.fbIoU} vs ${want.fbIoU}`);
    assert.deepEqual(Object.keys(r.classIoU), Object.keys(want.classIoU));
    for (const [c, v] of Object.entries(want.classIoU)) assert.ok(Math.abs(r.classIoU[Number(c)] - v) < 1e-12);
    // the two numbers really differ: a swapped definition would not pass both
    assert.ok(Math.abs(want.mIoU - want.fbIoU) > 0.01);
  };

  it('one episode at a time', () => {
    const m = new torch.fss.metrics.FewShotMeter();
    const classes = ref.extra.classes as number[];
    classes.forEach((c, e) => m.update(ref.get(`pred${e}`), ref.get(`target${e}`), c));
    const r = m.compute();
    assert.equal(r.episodes, 60);
    check(r);
  });

  it('in batches of equal-size episodes, after a reset', () => {
    const m = new torch.fss.metrics.FewShotMeter();
    torch.tidy(() => m.update(torch.ones([4, 4], { dtype: 'int64' }), torch.zeros([4, 4], { dtype: 'int64' }), 9));
    m.reset();
    const classes = ref.extra.classes as number[];
    classes.forEach((c, e) => {
      // counts are sums over pixels, so an episode split into its two halves along H (a batch
      // of two) must add up to the same totals
      const p = ref.get(`pred${e}`);
      const t = ref.get(`target${e}`);
      if (p.shape[0] % 2 === 0) {
        const h = p.shape[0] / 2;
        torch.tidy(() => {
          const pb = torch.stack([p.narrow(0, 0, h), p.narrow(0, h, h)]);
          const tb = torch.stack([t.narrow(0, 0, h), t.narrow(0, h, h)]);
          m.update(pb, tb, [c, c]);
        });
      } else m.update(p, t, c);
    });
    const r = m.compute();
    check(r);
  });

  it('rejects mismatched shapes and class ids', () => {
    const m = new torch.fss.metrics.FewShotMeter();
    using a = torch.zeros([2, 3, 3], { dtype: 'int64' });
    using b = torch.zeros([2, 3, 4], { dtype: 'int64' });
    assert.throws(() => m.update(a, b, [1, 1]), /differ in shape/);
    assert.throws(() => m.update(a, a, 1), /2 integer class id/);
  });
});
