/**
 * The SVF freezing policy, BatchNorm pinning, singular-value checkpoints (round trip, the
 * fingerprint check, a file Python reads back), setStrength, and the resolver's deep copy.
 */
import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as torch from '../lib/index';
import { disposeReference, loadReference, maxRelDiff, runReference } from './helpers/reference';

const { models, svf, nn } = torch;

function count(ps: [string, torch.Tensor][], pred: (name: string) => boolean): number {
  return ps.filter(([n]) => pred(n)).reduce((s, [, p]) => s + p.numel(), 0);
}

describe('svf policy', function () {
  this.timeout(300000);
  let resolved: torch.models.ResNet;
  before(() => {
    torch.manualSeed(0);
    const net = models.resnet18({ numClasses: 10 });
    resolved = svf.resolver(net);
    net.dispose();
  });
  after(() => resolved.dispose());

  it('svfModules: layer0/layer1 frozen, layer2–4 train only vector_S; returns the count', () => {
    const layers = models.resnetLayers(resolved);
    const n = svf.svfModules(layers);
    layers.slice(0, 2).forEach((l, i) => assert.ok(l.parameters().every((p) => !p.requiresGrad), `layer${i} frozen`));
    let expected = 0;
    for (const l of layers.slice(2)) {
      for (const [name, p] of l.namedParameters()) {
        assert.equal(p.requiresGrad, name.endsWith('vector_S'), name);
        if (name.endsWith('vector_S')) expected += p.numel();
      }
    }
    assert.equal(n, expected);
    assert.ok(n > 0 && n < 10000);
  });

  it('freezes frozen BatchNorm to eval across model.train() (freezeBn) by swapping modules, and not with freezeBn false', () => {
    const layers = models.resnetLayers(resolved);
    const keys = [...resolved.stateDict().keys()];
    const before = resolved.stateDict();
    const nParams = resolved.parameters().length;
    svf.svfModules(layers);
    resolved.train();
    const bns = () => resolved.modules().filter((m): m is torch.nn.BatchNorm2d => m instanceof nn.BatchNorm2d);
    assert.ok(bns().length > 0);
    for (const bn of bns()) {
      assert.ok(bn instanceof nn.FrozenBatchNorm2d, 'swapped for a FrozenBatchNorm2d');
      assert.equal(bn.training, false);
      assert.ok(!Object.prototype.hasOwnProperty.call(bn, 'train'), 'train is the class method, not patched');
    }
    assert.ok(resolved.getSubmodule('layer2').training, 'other modules still train');
    // the same state: keys, order, tensors (shared, not copied) and parameters()
    assert.deepEqual([...resolved.stateDict().keys()], keys);
    for (const [k, v] of resolved.stateDict()) assert.ok(torch.equal(v, before.get(k)!), k);
    assert.equal(resolved.parameters().length, nParams);
    svf.svfModules(layers, { freezeBn: false });
    resolved.train();
    for (const bn of bns()) {
      assert.equal(bn.constructor, nn.BatchNorm2d);
      assert.equal(bn.training, true);
    }
    assert.deepEqual([...resolved.stateDict().keys()], keys);
  });

  it('fuses the frozen BatchNorms into the SVD convs before them (foldBn), same keys, output and S gradients as unfused', () => {
    const layers = models.resnetLayers(resolved);
    const bns = () => resolved.modules().filter((m): m is torch.nn.BatchNorm2d => m instanceof nn.BatchNorm2d);
    const x = torch.randn([2, 3, 64, 64]);
    const run = () => torch.tidy(() => {
      resolved.zeroGrad();
      let h = x;
      for (const l of layers) h = l.forward(h) as torch.Tensor;
      h.pow(2).mean().backward();
      const grads = layers.flatMap((l) => l.parameters()).filter((p) => p.requiresGrad).map((p) => torch.keep(p.grad!.clone()));
      return { y: torch.keep(h.detach()), grads };
    });
    const fusedConvs = () => resolved.modules().filter((m): m is torch.svf.SVDConv2dBn => m instanceof svf.SVDConv2dBn);
    svf.svfModules(layers, { foldBn: false });
    resolved.train();
    assert.equal(fusedConvs().length, 0);
    assert.ok(bns().every((bn) => bn instanceof nn.FrozenBatchNorm2d && !(bn instanceof svf.FoldedBatchNorm2d)));
    const plain = run();
    const keys = [...resolved.stateDict().keys()];
    svf.svfModules(layers);
    resolved.train();
    // every BatchNorm of a ResNet follows an SVD conv (stem, blocks, downsample): all fused
    assert.equal(fusedConvs().length, bns().length, 'every conv + BatchNorm pair fused');
    assert.ok(fusedConvs().every((c) => bns().includes(c.norm)), 'the fused conv reads the BatchNorm in its slot');
    assert.deepEqual([...resolved.stateDict().keys()], keys);
    let normalized = 0;
    for (const c of fusedConvs()) {
      const f = c.norm.normalize.bind(c.norm);
      c.norm.normalize = (a) => { normalized++; return f(a); };
    }
    const fused = run();
    assert.equal(normalized, 0, 'every conv + BatchNorm pair ran folded');
    // folding rounds each scaled weight once (u = 6e-8) and otherwise runs the same conv: per
    // layer the outputs move by ≲ u·Σ|w·x|/|y|, a few u; over the network's layers ≲ 1e-6
    assert.ok(maxRelDiff(fused.y, plain.y) < 1e-5, `output ${maxRelDiff(fused.y, plain.y)}`);
    assert.equal(fused.grads.length, plain.grads.length);
    // gradients of S sum those differences over every position of the batch: ≲ 10× the forward's
    fused.grads.forEach((g, i) => assert.ok(maxRelDiff(g, plain.grads[i]) < 1e-4, `grad ${i}: ${maxRelDiff(g, plain.grads[i])}`));
    for (const c of fusedConvs()) delete (c.norm as unknown as Record<string, unknown>).normalize;
    // a BatchNorm whose affine trains is an nn.BatchNorm2d again, its conv unfused
    svf.applyPolicy(layers, { trainS: [4], trainBnAffine: true });
    assert.equal(resolved.getSubmodule('layer4.0.bn1').constructor, nn.BatchNorm2d);
    assert.equal(resolved.getSubmodule('layer4.0.conv1').constructor, svf.SVDConv2d);
    assert.ok(resolved.getSubmodule('layer3.0.conv1') instanceof svf.SVDConv2dBn, 'the frozen ones stay fused');
    svf.svfModules(layers);
  });

  it('applyPolicy: trainS, trainUV and trainBnAffine', () => {
    const layers = models.resnetLayers(resolved);
    const named = layers.map((l) => l.namedParameters());
    const onlyS3 = svf.applyPolicy(layers, { trainS: [3] });
    assert.equal(onlyS3, count(named[3], (n) => n.endsWith('vector_S')));
    const withBn = svf.applyPolicy(layers, { trainS: [3, 4], trainBnAffine: true });
    const isBn = (n: string) => /(^|\.)bn\d\.|downsample\.1\./.test(n);
    assert.equal(withBn, [3, 4].reduce((s, i) => s + count(named[i], (n) => n.endsWith('vector_S') || isBn(n)), 0));
    // a BN that trains is not pinned
    const bn = resolved.getSubmodule('layer4.0.bn1');
    resolved.train();
    assert.equal(bn.training, true);
    assert.equal(resolved.getSubmodule('layer2.0.bn1').training, false);
    const all = svf.applyPolicy(layers, { trainS: [4], trainUV: true });
    assert.equal(all, count(named[4], (n) => !isBn(n)));
    assert.throws(() => svf.applyPolicy(layers, { trainS: [7] }), RangeError);
    assert.throws(() => svf.svfModules([] as torch.nn.Module[]), TypeError);
  });
});

describe('svf singular-value checkpoints and strength', function () {
  this.timeout(300000);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'svf-sv-'));
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  const smallNet = () => new nn.Sequential(
    new nn.Conv2d(3, 16, 3, { padding: 1 }), new nn.BatchNorm2d(16), new nn.ReLU(),
    new nn.Conv2d(16, 32, 3, { stride: 2 }), new nn.ReLU(), new nn.Conv2d(32, 8, 1),
  ).eval();

  function tunedPair() {
    torch.manualSeed(1);
    const net = smallNet();
    const a = svf.resolver(net);
    const b = svf.resolver(net);
    torch.noGrad(() => {
      for (const [, l] of svf.svdLayers(a)) l.vector_S.mul_(torch.randLike(l.vector_S).mul(0.4).add(0.8));
    });
    return { net, a, b };
  }

  it('saves only vector_S and loads it back into a fresh resolve of the same weights', () => {
    const { net, a, b } = tunedPair();
    const file = path.join(dir, 'sv.safetensors');
    const saved = svf.saveSingularValues(a, file);
    assert.equal(saved.layers, svf.svdLayers(a).length);
    assert.ok(fs.statSync(file).size < 100000, 'kilobytes, not the backbone');
    const x = torch.randn([1, 3, 32, 32]);
    const ya = torch.noGrad(() => a.forward(x));
    const yb0 = torch.noGrad(() => b.forward(x));
    assert.ok(maxRelDiff(yb0, ya) > 1e-3, 'differ before loading');
    svf.loadSingularValues(b, file);
    for (const [[, la], [, lb]] of svf.svdLayers(a).map((e, i) => [e, svf.svdLayers(b)[i]])) assert.ok(la.vector_S.equal(lb.vector_S));
    // identical S and bases, so identical operations: only run-to-run thread splits of a
    // reduction can differ (a few u); a stale cache would be off by the > 1e-3 checked above
    assert.ok(maxRelDiff(torch.noGrad(() => b.forward(x)), ya) < 1e-6, 'the merged cache follows the loaded S');
    // Python reads the same file
    const ref = loadReference(runReference('svf_read_sv.py', [file]));
    try {
      for (const [name, l] of svf.svdLayers(a)) assert.ok(ref.get(`${name}.vector_S`).equal(l.vector_S.detach()), name);
      assert.equal((ref.extra.metadata as Record<string, string>).fingerprint, saved.fingerprint);
    } finally {
      disposeReference(ref);
    }
    net.dispose(); a.dispose(); b.dispose();
  });

  it('refuses a checkpoint made for other base weights (TorchError)', () => {
    const { net, a } = tunedPair();
    const file = path.join(dir, 'sv2.safetensors');
    svf.saveSingularValues(a, file);
    torch.manualSeed(2);
    const other = svf.resolver(smallNet());
    assert.throws(() => svf.loadSingularValues(other, file), (e: unknown) => e instanceof torch.TorchError && /other base weights/.test((e as Error).message));
    assert.throws(() => svf.saveSingularValues(net, file), torch.TorchError, 'no SVD layers');
    assert.throws(() => svf.loadSingularValues(a, path.join(dir, 'missing.safetensors')));
    net.dispose(); a.dispose(); other.dispose();
  });

  it('setStrength interpolates between the base and the tuned singular values', () => {
    const { net, a, b } = tunedPair();
    const x = torch.randn([1, 3, 32, 32]);
    const yTuned = torch.noGrad(() => a.forward(x));
    const yBase = torch.noGrad(() => b.forward(x));
    assert.equal(svf.setStrength(a, 0), svf.svdLayers(a).length);
    // S_base + 0·(S − S_base) is S_base up to one rounding of the blend (u per S): ≲ 1e-6 at the output
    assert.ok(maxRelDiff(torch.noGrad(() => a.forward(x)), yBase) < 1e-5, 'alpha 0 = base');
    svf.setStrength(a, 0.5);
    // the same model with S = (S_base + S_tuned)/2 set explicitly
    torch.noGrad(() => {
      const la = svf.svdLayers(a);
      svf.svdLayers(b).forEach(([, l], i) => l.vector_S.add_(la[i][1].vector_S).div_(2));
    });
    // the blend and the explicit mean round differently (two or three u per S), nothing else differs
    assert.ok(maxRelDiff(torch.noGrad(() => a.forward(x)), torch.noGrad(() => b.forward(x))) < 1e-5, 'alpha 0.5');
    svf.setStrength(a, 1);
    // alpha 1 uses S itself: the same operations as yTuned (≤ a few u from thread splits)
    assert.ok(maxRelDiff(torch.noGrad(() => a.forward(x)), yTuned) < 1e-6, 'alpha 1 = tuned');
    assert.throws(() => svf.setStrength(a, NaN), TypeError);
    net.dispose(); a.dispose(); b.dispose();
  });
});

describe('svf resolver copies the model', () => {
  it('the input is untouched, parameters are not shared, shared modules stay shared', () => {
    torch.manualSeed(5);
    const shared = new nn.Conv2d(4, 8, 3, { padding: 1 });
    const model = new nn.Sequential(shared, new nn.ReLU(), new nn.BatchNorm2d(8));
    const before = shared.weight.clone();
    const r = svf.resolver(model, { excludedLayers: [] });
    assert.ok(model.getSubmodule('0') === shared && shared.weight.equal(before));
    assert.ok(r.getSubmodule('0') instanceof svf.SVDConv2d);
    const twice = new nn.Module();
    twice.registerModule('a', shared);
    twice.registerModule('b', shared);
    const rt = svf.resolver(twice);
    assert.ok(rt.getSubmodule('a') instanceof svf.SVDConv2d);
    assert.equal(rt.getSubmodule('a'), rt.getSubmodule('b'), 'one SVD layer at both names');
    const bn = r.getSubmodule('2') as torch.nn.BatchNorm2d;
    assert.notEqual(bn, model.getSubmodule('2'));
    assert.notEqual(bn.getParameter('weight'), model.getSubmodule('2').getParameter('weight'));
    const x = torch.randn([2, 4, 6, 6]);
    // full-rank SVD layers reproduce W up to the SVD's backward error (≈ K·u, K = 36): ≲ 1e-5
    assert.ok(maxRelDiff(torch.noGrad(() => r.eval().forward(x)), torch.noGrad(() => model.eval().forward(x))) < 1e-5);
    // options
    assert.ok(svf.resolver(model, { excludedLayers: ['0'] }).getSubmodule('0') instanceof nn.Conv2d);
    assert.ok(!(svf.resolver(model, { skip3x3: true }).getSubmodule('0') instanceof svf.SVDLayer));
    const custom = svf.resolver(model, { customizedLayersLowRankRatio: { '0': 0.5 }, rankMultiple: 1 });
    assert.equal((custom.getSubmodule('0') as torch.svf.SVDConv2d).rank, 4);
    assert.throws(() => svf.resolver(model, { globalLowRankRatio: 0 }), RangeError);
    assert.throws(() => svf.resolver({} as torch.nn.Module), TypeError);
  });

  it('resolverAsync gives the same model as resolver', async () => {
    torch.manualSeed(6);
    const net = new nn.Sequential(new nn.Conv2d(3, 16, 3), new nn.Conv2d(16, 32, 1), new nn.Linear(5, 7));
    const a = svf.resolver(net);
    const b = await svf.resolverAsync(net);
    const sa = a.stateDict();
    const sb = b.stateDict();
    assert.deepEqual([...sa.keys()], [...sb.keys()]);
    // the same decomposition code on a worker thread: the same LAPACK calls on the same matrix
    // (bit-equal in practice; 1e-6 allows a different blocking of the same sums)
    for (const [k, v] of sa) assert.ok(maxRelDiff(sb.get(k)!, v) < 1e-6, k);
  });
});
