/**
 * Single SVD layers vs the Python reference (test/reference/svf_layers.py): grouped, dilated,
 * reflect- and 'same'-padded convs, 1×1 convs and Linear reproduce their originals at full
 * rank and the reference's decomposition at reduced rank; depthwise convs stay dense;
 * decompose/rebuild round trips; merged and factored agree, also in training.
 */
import { strict as assert } from 'assert';
import * as torch from '../lib/index';
import { TorchError } from '../lib/index';
import { disposeReference, loadReference, maxRelDiff, Reference, runReference } from './helpers/reference';

const { nn, svf } = torch;
type Dense = torch.nn.Conv2d | torch.nn.Linear;

const SPECS: Record<string, () => Dense> = {
  grouped: () => new nn.Conv2d(8, 12, 3, { stride: 2, padding: 1, groups: 4 }),
  dilated: () => new nn.Conv2d(6, 10, [3, 5], { padding: [2, 1], dilation: [2, 1], bias: false }),
  reflect: () => new nn.Conv2d(5, 7, 3, { padding: 1, paddingMode: 'reflect' }),
  same: () => new nn.Conv2d(4, 9, 4, { padding: 'same', dilation: 2 }),
  pointwise: () => new nn.Conv2d(16, 24, 1),
  linear: () => new nn.Linear(20, 6),
  depthwise: () => new nn.Conv2d(8, 8, 3, { padding: 1, groups: 8 }),
};

describe('svf layers vs the Python reference', function () {
  this.timeout(120000);
  let ref: Reference;
  const layers = new Map<string, Dense>();

  before(() => {
    ref = loadReference(runReference('svf_layers.py'));
    for (const [name, make] of Object.entries(SPECS)) {
      const layer = make();
      const sd = new Map<string, torch.Tensor>();
      for (const [k, v] of ref.tensors) if (k.startsWith(`${name}.sd.`)) sd.set(k.slice(name.length + 4), v);
      layer.loadStateDict(sd);
      layers.set(name, layer);
    }
  });
  after(() => {
    disposeReference(ref);
    for (const l of layers.values()) l.dispose();
  });

  for (const name of Object.keys(SPECS)) {
    it(`${name}: the resolver's layer matches the reference (class, keys, S, output)`, () => {
      const layer = layers.get(name)!;
      const x = ref.get(`${name}.x`);
      const y = torch.noGrad(() => layer.forward(x));
      // one conv/linear, dot products of K ≤ 6·3·5 terms: float32 error ≲ √K·u ≈ 1e-6 of the
      // output scale, whatever order the kernel sums in; 1e-5 leaves 10×
      assert.ok(maxRelDiff(y, ref.get(`${name}.y`)) < 1e-5, 'same dense layer');
      const model = new nn.Sequential(layer);
      const resolved = svf.resolver(model);
      const m = resolved.getSubmodule('0');
      const expected = ref.extra[name] as string;
      if (expected === 'Conv2d') {
        assert.ok(m instanceof nn.Conv2d && !(m instanceof svf.SVDLayer), 'left dense');
        assert.notEqual(m, layer, 'a copy');
        return;
      }
      assert.equal(m.constructor.name, expected === 'SVD_Conv2d' ? 'SVDConv2d' : 'SVDLinear');
      assert.deepEqual([...m.stateDict().keys()], ref.extra[`${name}.keys`]);
      for (const [k, v] of m.stateDict()) assert.deepEqual(v.shape, ref.get(`${name}.svf_sd.${k}`).shape, k);
      // singular values: Weyl's bound, |δσ| ≤ ‖δW‖ ≈ K·u·‖W‖ for either SVD (≤ 1e-5 of σ_max)
      assert.ok(maxRelDiff((m as torch.svf.SVDModule).vector_S, ref.get(`${name}.S`)) < 1e-5, 'S');
      for (const mode of ['merged', 'factored'] as const) {
        (m as torch.svf.SVDModule).mode = mode;
        const ys = torch.noGrad(() => resolved.forward(x));
        const d = maxRelDiff(ys, ref.get(`${name}.y_svf`));
        // two convs (V then U) or one merged: each ≲ √K·u, plus the SVD's backward error ≈ K·u
        assert.ok(d < 1e-5, `${mode}: ${d}`);
      }
    });

    if (name === 'depthwise') continue;

    if (name !== 'linear') {
      it(`${name}: training through the single-node factored conv and a folded eval BatchNorm gives the reference gradients`, () => {
        const resolved = svf.resolver(new nn.Sequential(layers.get(name)!));
        const m = resolved.getSubmodule('0') as torch.svf.SVDConv2d;
        m.requiresGrad_(false);
        m.vector_S.requiresGrad_(true);
        m.mode = 'factored';
        const w = ref.get(`${name}.train.w`);
        const run = (f: (x: torch.Tensor) => torch.Tensor, prefix: string) => torch.tidy(() => {
          m.zeroGrad();
          const x = ref.get(`${name}.x`).clone().requiresGrad_(true);
          const y = f(x);
          y.mul(w).sum().backward();
          for (const [what, got] of [['y', y], ['gx', x.grad!], ['gS', m.vector_S.grad!]] as const) {
            const d = maxRelDiff(got, ref.get(`${prefix}.${what}`));
            // gradients sum over every output position (B·H·W ≈ 100 terms more than the forward):
            // ≲ √(K·B·H·W)·u ≈ 1e-5 relative; 1e-4 leaves 10× for the other summation order
            assert.ok(d < 1e-4, `${prefix}.${what}: ${d}`);
          }
        });
        run((x) => m.forward(x), `${name}.train`);
        const bn = new nn.BatchNorm2d(m.conv_U.outChannels);
        const sd = new Map<string, torch.Tensor>();
        for (const [k, v] of ref.tensors) if (k.startsWith(`${name}.bn.`) && !/\.(y|gx|gS)$/.test(k)) sd.set(k.slice(name.length + 4), v);
        bn.loadStateDict(sd);
        bn.requiresGrad_(false);
        const seq = new nn.Sequential(m, bn);
        const keys = [...seq.stateDict().keys()];
        assert.equal(svf.fixBatchNorm(seq), 1);
        // the fuse step swapped both modules, on the same tensors under the same keys
        const fusedConv = seq.at(0);
        const folded = seq.at(1);
        assert.ok(fusedConv instanceof svf.SVDConv2dBn && folded instanceof svf.FoldedBatchNorm2d, 'conv + frozen BatchNorm fused');
        assert.deepEqual([...seq.stateDict().keys()], keys);
        assert.strictEqual(fusedConv.vector_S, m.vector_S);
        assert.strictEqual(folded.runningMean, bn.runningMean);
        // a spy on the normalization run after the conv: the fused conv never calls it while it folds
        let normalized = 0;
        const spy = (n: torch.nn.FrozenBatchNorm2d) => {
          const f = n.normalize.bind(n);
          n.normalize = (x) => { normalized++; return f(x); };
        };
        spy(folded);
        run((x) => seq.forward(x), `${name}.bn`);
        assert.equal(normalized, 0, 'the folded path ran');
        // unfolded (fold: false): SVDConv2d then a FrozenBatchNorm2d, the same numbers
        assert.equal(svf.fixBatchNorm(seq, { fold: false }), 1);
        assert.ok(!(seq.at(0) instanceof svf.SVDConv2dBn) && seq.at(1) instanceof torch.nn.FrozenBatchNorm2d, 'unfused');
        assert.deepEqual([...seq.stateDict().keys()], keys);
        spy(seq.at(1));
        run((x) => seq.forward(x), `${name}.bn`);
        assert.equal(normalized, 1, 'the two modules ran');
        // frozen S, no grad, 'auto': the merged weight with the BatchNorm folded in (cached)
        assert.equal(svf.fuseBatchNorm(seq), 1);
        const merged = seq.at<torch.svf.SVDConv2dBn>(0);
        spy(merged.norm);
        merged.mode = 'auto';
        m.vector_S.requiresGrad_(false);
        const yf = torch.noGrad(() => seq.forward(ref.get(`${name}.x`)));
        assert.equal(merged.lastMode, 'merged');
        assert.equal(normalized, 1, 'folded');
        const d = maxRelDiff(yf, ref.get(`${name}.bn.y`));
        // folding scales each output row once more (one rounding, u): same bound as the conv
        assert.ok(d < 1e-5, `merged + folded: ${d}`);
        // and back: unfuseBatchNorm, then unfixBatchNorm gives nn.BatchNorm2d on the same tensors
        assert.equal(svf.unfuseBatchNorm(seq), 1);
        assert.equal(svf.unfixBatchNorm(seq), 1);
        assert.ok(seq.at(1).constructor === nn.BatchNorm2d && seq.at<torch.nn.BatchNorm2d>(1).runningVar === bn.runningVar);
        resolved.dispose();
        bn.dispose();
      });
    }

    it(`${name}: decompose at full rank reproduces the layer; at ratio 0.5 the reference`, () => {
      const layer = layers.get(name)!;
      const x = ref.get(`${name}.x`);
      const full = svf.decompose(layer);
      const y = torch.noGrad(() => full.forward(x));
      assert.ok(maxRelDiff(y, ref.get(`${name}.y`)) < 1e-5, `full rank ${maxRelDiff(y, ref.get(`${name}.y`))}`);
      const half = svf.decompose(layer, { ratio: 0.5, rankMultiple: 1 }); // the reference's decompose(ratio=0.5, rank_multiple=1)
      assert.ok(maxRelDiff(half.vector_S, ref.get(`${name}.S_half`)) < 1e-5);
      const yh = torch.noGrad(() => half.forward(x));
      assert.ok(maxRelDiff(yh, ref.get(`${name}.y_half`)) < 1e-5);
      assert.ok(maxRelDiff(yh, ref.get(`${name}.y`)) > 1e-3, 'truncation changes the output');
      // rebuild folds back to the original layer: same class, keys, weight
      const dense = svf.rebuildLayer(full);
      assert.equal(dense.constructor, layer.constructor);
      assert.deepEqual([...dense.stateDict().keys()], [...layer.stateDict().keys()]);
      assert.ok(maxRelDiff(dense.getParameter('weight')!, layer.weight) < 1e-5);
      const yd = torch.noGrad(() => dense.forward(x));
      assert.ok(maxRelDiff(yd, ref.get(`${name}.y`)) < 1e-5);
    });
  }
});

describe('svf execution modes', () => {
  it('merged and factored give the same output and the same gradient of vector_S', () => {
    torch.manualSeed(3);
    const conv = new nn.Conv2d(6, 12, 3, { padding: 1, groups: 2 });
    const svd = svf.decompose(conv, { ratio: 0.75 });
    svd.conv_U.weight.requiresGrad_(false);
    svd.conv_V.weight.requiresGrad_(false);
    svd.conv_U.bias!.requiresGrad_(false);
    const x = torch.randn([2, 6, 7, 7]);
    const grads: torch.Tensor[] = [];
    const outs: torch.Tensor[] = [];
    for (const mode of ['merged', 'factored'] as const) {
      svd.mode = mode;
      svd.zeroGrad();
      const y = svd.forward(x);
      assert.equal(svd.lastMode, mode);
      y.pow(2).sum().backward();
      outs.push(y.detach());
      grads.push(svd.vector_S.grad!.clone());
    }
    // merged vs factored: the same sums in another order (forward ≲ √K·u ≈ 1e-6; the gradient of
    // S sums over 2·7·7 positions more, ≲ 1e-5): 10× margins
    assert.ok(maxRelDiff(outs[0], outs[1]) < 1e-5);
    assert.ok(maxRelDiff(grads[0], grads[1]) < 1e-4, `grad ${maxRelDiff(grads[0], grads[1])}`);
    assert.ok((grads[0].abs().max().item() as number) > 0);
  });

  it('the single-node factored conv refuses trainable bases; with trainable U/V the layer composes ops and U/V get gradients', () => {
    torch.manualSeed(5);
    const svd = svf.decompose(new nn.Conv2d(4, 6, 3, { padding: 1 }));
    svd.mode = 'factored';
    const x = torch.randn([1, 4, 5, 5]);
    const { native } = require('../lib/native') as typeof import('../lib/native');
    const call = () => native.factoredConv2d(x.handle, svd.conv_V.weight.handle, svd.vector_S.handle, svd.conv_U.weight.handle, null, null, null, [1, 1, 1, 1, 1, 1, 1]);
    assert.throws(call, (e: Error) => e instanceof TorchError && /must be frozen/.test(e.message));
    assert.throws(() => native.factoredConv2d(x.handle, svd.conv_V.weight.handle, svd.vector_S.handle, svd.conv_U.weight.handle, null, null, null, [1, 1, 1]), TypeError);
    assert.throws(() => native.factoredConv2d(x.handle, svd.conv_V.weight.handle, svd.vector_S.handle, svd.conv_U.weight.handle, null, svd.vector_S.handle, null, [1, 1, 1, 1, 1, 1, 1]), TypeError);
    svd.forward(x).sum().backward();
    assert.ok(svd.conv_U.weight.grad && svd.conv_V.weight.grad && svd.vector_S.grad, 'every factor got a gradient');
  });

  it('decompose, resolver and their dispose() leave no native tensor behind', () => {
    const count = () => torch.memory().numTensors;
    const conv = new nn.Conv2d(4, 6, 3, { padding: 1 });
    const lin = new nn.Linear(5, 3);
    const before = count();
    for (const l of [svf.decompose(conv), svf.decompose(lin), svf.resolver(new nn.Sequential(conv, new nn.Identity()))]) {
      torch.noGrad(() => torch.tidy(() => { l.forward(l instanceof svf.SVDLinear ? torch.ones([1, 5]) : torch.ones([1, 4, 5, 5])); }));
      l.dispose();
    }
    assert.equal(count(), before);
    conv.dispose();
    lin.dispose();
  });

  it("'auto' merges frozen layers once and recomputes after S changes in place", () => {
    torch.manualSeed(4);
    const conv = new nn.Conv2d(4, 8, 3, { padding: 1 });
    const svd = svf.decompose(conv);
    for (const p of svd.parameters()) p.requiresGrad_(false);
    const x = torch.randn([1, 4, 5, 5]);
    const y0 = svd.forward(x);
    assert.equal(svd.lastMode, 'merged');
    const w0 = svd.mergedWeight();
    assert.equal(svd.mergedWeight(), w0, 'cached while nothing changes');
    torch.noGrad(() => svd.vector_S.mul_(2)); // as an optimizer step would
    const w1 = svd.mergedWeight();
    assert.notEqual(w1, w0);
    const y1 = svd.forward(x);
    const bias = conv.bias!.reshape([1, 8, 1, 1]);
    // without the bias the output is linear in S: doubling S doubles it exactly up to the
    // roundings of one conv (≲ √K·u ≈ 1e-6); the bias is subtracted so the check is not
    // diluted by a term S does not touch (bias ~0.2, conv output ~1: no cancellation)
    assert.ok(maxRelDiff(y1.sub(bias), y0.sub(bias).mul(2)) < 1e-5, 'uses the new S');
    // loadStateDict copies in place too
    const sd = svd.stateDict();
    const half = new Map([...sd].map(([k, v]) => [k, k === 'vector_S' ? v.div(2) : v.clone()]));
    svd.loadStateDict(half);
    assert.ok(maxRelDiff(svd.forward(x), y0) < 1e-5, 'cache invalidated by loadStateDict');
  });

  it("'auto' trains S through the merge or the factors, by cost, and backprop reaches S", () => {
    // an expanding 1×1 conv (in 16 → out 64, rank 16): with a large input one dense op and its
    // weight gradient cost fewer multiply-adds than V, U and U's input gradient
    const conv = new nn.Conv2d(16, 64, 1);
    const svd = svf.decompose(conv);
    svd.conv_U.requiresGrad_(false);
    svd.conv_V.requiresGrad_(false);
    const big = torch.randn([2, 16, 32, 32]);
    const small = torch.randn([1, 16, 2, 2]);
    svd.forward(big).sum().backward();
    assert.equal(svd.lastMode, 'merged', 'large spatial input: one dense conv is cheaper');
    assert.ok(svd.vector_S.grad !== null);
    svd.forward(small).sum().backward();
    assert.equal(svd.lastMode, 'factored', 'tiny spatial input: merging costs more than it saves');
    // a square 3×3 conv whose input needs a gradient: factored is cheaper at any size
    const sq = svf.decompose(new nn.Conv2d(32, 32, 3, { padding: 1 }));
    sq.conv_U.requiresGrad_(false);
    sq.conv_V.requiresGrad_(false);
    sq.forward(torch.randn([2, 32, 16, 16], { requiresGrad: true })).sum().backward();
    assert.equal(sq.lastMode, 'factored');
    // nothing to train: merged, whatever the size
    sq.vector_S.requiresGrad_(false);
    sq.forward(torch.randn([1, 32, 2, 2]));
    assert.equal(sq.lastMode, 'merged');
  });
});
