/**
 * svf.cloneModule (what resolver and rebuild copy models with): the copy owns its caches of
 * derived tensors (a frozen BatchNorm's affine, SVD layers' merged weights). Shared, the two
 * modules' keys differ (their tensors are different storages), so each use by one evicts and
 * disposes the entry the other handed out.
 */
import { strict as assert } from 'assert';
import * as torch from '../lib/index';

const { nn, svf } = torch;

describe('module copies own their caches', () => {
  it('FrozenBatchNorm2d: the affine the original handed out survives the copy\'s use and disposal', () => {
    torch.manualSeed(0);
    const bn = nn.FrozenBatchNorm2d.from(new nn.BatchNorm2d(4)); // as svf.fixBatchNorm swaps it in
    bn.requiresGrad_(false);
    torch.noGrad(() => { bn.runningVar!.copy_(torch.tensor([0.5, 1, 1.5, 2])); });
    const copy = svf.cloneModule(bn);
    const held = bn.scaleShift()!;
    const copyAffine = copy.scaleShift()!;
    assert.notEqual(held.scale, copyAffine.scale, 'each module made its own');
    assert.ok(held.scale.equal(copyAffine.scale), 'with the same values');
    assert.ok(!held.scale.isDisposed && !held.shift.isDisposed, 'the copy did not evict the original\'s entries');
    assert.strictEqual(bn.scaleShift()!.scale, held.scale, 'the original still hits its cache');
    copy.dispose();
    assert.ok(!held.scale.isDisposed, 'disposing the copy leaves the original\'s cache alone');
    bn.dispose();
  });

  it('SVD layers: the merged weight is cached per module, in the resolver\'s copy as in a clone', () => {
    torch.manualSeed(0);
    const layer = svf.decompose(new nn.Conv2d(3, 6, 3), { rank: 2 });
    layer.requiresGrad_(false);
    const copy = svf.cloneModule(layer);
    const held = layer.mergedWeight();
    const other = copy.mergedWeight();
    assert.notEqual(held, other);
    assert.ok(held.equal(other), 'same values, separate tensors');
    assert.strictEqual(layer.mergedWeight(), held, 'no eviction: the original still hits its cache');
    copy.dispose();
    assert.ok(!held.isDisposed);
    layer.dispose();
  });

  it('a fused conv + BatchNorm pair: the copy\'s fused conv reads the copy\'s BatchNorm', () => {
    torch.manualSeed(0);
    const seq = new nn.Sequential(svf.decompose(new nn.Conv2d(3, 4, 3), { rank: 2 }), new nn.BatchNorm2d(4));
    seq.requiresGrad_(false);
    assert.equal(svf.fixBatchNorm(seq), 1);
    const copy = svf.cloneModule(seq);
    const conv = copy.at<torch.svf.SVDConv2dBn>(0);
    assert.ok(conv instanceof svf.SVDConv2dBn);
    assert.strictEqual(conv.norm, copy.at(1), 'the copy\'s own BatchNorm, in its slot');
    assert.notStrictEqual(conv.norm, seq.at(1));
    const x = torch.randn([1, 3, 6, 6]);
    assert.ok(torch.noGrad(() => copy.forward(x).equal(seq.forward(x))));
    // rebuild: a dense conv and the BatchNorm normalizing again (frozen), the same function
    const dense = svf.rebuild(seq);
    assert.equal(dense.at(0).constructor, nn.Conv2d);
    assert.equal(dense.at(1).constructor, nn.FrozenBatchNorm2d);
    assert.deepEqual([...dense.at(1).stateDict().keys()], [...seq.at(1).stateDict().keys()]);
    // the same rank-2 weight U·S·V, scaled by the BatchNorm before (fused) or after the conv
    // (rebuilt): one rounding more or less per product, ≲ √K·u ≈ 3e-7 of the output's scale
    const d = torch.noGrad(() => torch.tidy(() => {
      const yf = seq.forward(x);
      return (dense.forward(x).sub(yf).abs().max().item() as number) / (yf.abs().max().item() as number);
    }));
    assert.ok(d < 1e-5, `rebuilt vs fused: ${d}`);
    dense.dispose();
    copy.dispose();
    seq.dispose();
  });
});
