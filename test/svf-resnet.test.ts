/**
 * SVF on torchvision ResNets vs the Python reference (test/reference/svf_ref.py, the seed's
 * resolver/SVD_Conv2d/svf_modules in PyTorch): same weights, the resolved model's output,
 * the decomposition (S and U·diag(S)·V per layer), state_dict keys, and SGD on vector_S.
 */
import { strict as assert } from 'assert';
import * as torch from '../lib/index';
import { disposeReference, loadReference, maxRelDiff, Reference, runReference } from './helpers/reference';

const { models, svf, optim, nn } = torch;

function loadNet(ref: Reference, arch: 'resnet18' | 'resnet50' | 'resnet101'): torch.models.ResNet {
  const net = models[arch]({ numClasses: 10 });
  const sd = new Map<string, torch.Tensor>();
  for (const [k, v] of ref.tensors) if (k.startsWith('sd.')) sd.set(k.slice(3), v);
  net.loadStateDict(sd);
  return net.eval();
}

function svdMatrix(layer: torch.svf.SVDModule): torch.Tensor {
  return torch.tidy(() => {
    const w = layer.mergedWeightDetached();
    return w.reshape([w.shape[0], -1]);
  });
}

for (const arch of ['resnet18', 'resnet50', 'resnet101'] as const) {
  describe(`svf on ${arch} vs the Python reference`, function () {
    this.timeout(600000);
    let ref: Reference;
    let net: torch.models.ResNet;
    let resolved: torch.models.ResNet;
    const steps = 3;

    before(() => {
      ref = loadReference(runReference('svf_resnet.py', [arch, '64', String(steps)], `svf_resnet_${arch}`));
      net = loadNet(ref, arch);
      resolved = svf.resolver(net);
    });
    after(() => {
      disposeReference(ref);
      net.dispose();
      resolved.dispose();
    });

    it('loads the same weights (dense outputs agree)', () => {
      const y = torch.noGrad(() => net.forward(ref.get('x')));
      // the same operations through the same LibTorch build: only the thread split of a
      // reduction can differ, a few float32 roundings (u = 6e-8) per layer, ~100u overall
      assert.ok(maxRelDiff(y, ref.get('y')) < 1e-5, `dense rel ${maxRelDiff(y, ref.get('y'))}`);
    });

    it('resolves the same layers with the same state_dict keys and shapes', () => {
      const names = ref.extra.names as string[];
      assert.deepEqual(svf.svdLayers(resolved).map(([n]) => n), names);
      assert.deepEqual([...resolved.stateDict().keys()], ref.extra.keys);
      const conv1 = resolved.getSubmodule('conv1') as torch.svf.SVDConv2d;
      assert.ok(conv1 instanceof svf.SVDConv2d);
      assert.deepEqual(conv1.conv_U.weight.shape, [64, 64, 1, 1]);
      assert.deepEqual(conv1.conv_V.weight.shape, [64, 3, 7, 7]);
      assert.deepEqual(conv1.vector_S.shape, [1, 64, 1, 1]);
      assert.ok(resolved.getSubmodule('fc') instanceof svf.SVDLinear);
    });

    it('leaves the input model untouched', () => {
      assert.ok(net.getSubmodule('conv1') instanceof nn.Conv2d);
      assert.equal(maxRelDiff(net.getSubmodule('conv1').getParameter('weight')!, ref.get('sd.conv1.weight')), 0);
    });

    it('gives the reference SVD model output in both execution modes (fc 10×C keeps rank 8 of 10)', () => {
      assert.equal((resolved.getSubmodule('fc') as torch.svf.SVDLinear).rank, 8);
      for (const mode of ['merged', 'factored'] as const) {
        for (const [, l] of svf.svdLayers(resolved)) l.mode = mode;
        resolved.eval();
        const y = torch.noGrad(() => resolved.forward(ref.get('x')));
        const vsRef = maxRelDiff(y, ref.get('y_svf'));
        y.dispose();
        // merged U·diag(S)·V vs the reference's factored V→U: each layer's product is summed in
        // another order, relative error ~√K·u ≈ 4e-6 (K ≤ 4608) per layer, compounding over the
        // depth (≤ 104 layers: ≤ 4e-4 worst case, ~4e-5 as a random walk): 1e-4
        assert.ok(vsRef < 1e-4, `${mode}: vs reference SVD model ${vsRef}`);
      }
      for (const [, l] of svf.svdLayers(resolved)) l.mode = 'auto';
    });

    it('gives the original output at full rank with rankMultiple 1 (≤1e-4), merged and factored', () => {
      const exact = svf.resolver(net, { rankMultiple: 1 });
      try {
        for (const mode of ['merged', 'factored'] as const) {
          for (const [, l] of svf.svdLayers(exact)) l.mode = mode;
          const y = torch.noGrad(() => exact.forward(ref.get('x')));
          const vsDense = maxRelDiff(y, ref.get('y'));
          y.dispose();
          // full rank reproduces W up to the SVD's backward error (~K·u ≈ 3e-4 worst case per
          // weight, ~√K·u typically) propagated as above: 1e-4 (the truncated model is > 1e-3 off)
          assert.ok(vsDense < 1e-4, `${mode}: vs dense ${vsDense}`);
        }
        // the truncated default really differs: the check above can fail
        assert.ok(maxRelDiff(ref.get('y_svf'), ref.get('y')) > 1e-3);
      } finally {
        exact.dispose();
      }
    });

    it('has the reference decomposition (same S, same U·diag(S)·V)', () => {
      for (const [name, layer] of svf.svdLayers(resolved)) {
        const dS = maxRelDiff(layer.vector_S, ref.get(`S.${name}`));
        // singular values are perfectly conditioned (Weyl: |δσ| ≤ ‖δW‖): both SVDs have
        // backward error ~√K·u·‖W‖ ≈ 4e-6 relative to σ_max
        assert.ok(dS < 1e-5, `${name}: S rel ${dS}`);
        const w = svdMatrix(layer);
        const dW = maxRelDiff(w, ref.get(`W.${name}`));
        w.dispose();
        // the product U·diag(S)·V is W up to the same backward error, whatever the (ill-
        // conditioned) singular vectors are: compared, not the vectors themselves
        assert.ok(dW < 1e-5, `${name}: U·S·V rel ${dW}`);
      }
    });

    it('fine-tunes vector_S with SGD (lr 0.01, momentum 0.9) to where PyTorch ends', () => {
      const model = svf.resolver(net);
      try {
        model.requiresGrad_(false);
        const layers = models.resnetLayers(model);
        const trainable = svf.svfModules(layers);
        assert.equal(trainable, ref.extra.trainable);
        model.train();
        const params = model.parameters().filter((p) => p.requiresGrad);
        const opt = new optim.SGD(params, { lr: 0.01, momentum: 0.9 });
        const labels = torch.tensor([3, 7]);
        const losses: number[] = [];
        for (let i = 0; i < steps; i++) {
          torch.tidy(() => {
            opt.zeroGrad();
            const loss = nn.functional.crossEntropy(model.forward(ref.get('xb')), labels);
            loss.backward();
            opt.step();
            losses.push(loss.item() as number);
          });
        }
        const refLosses = ref.extra.losses as number[];
        // a loss is a sum of O(1) terms through the whole network: float32 forward error is
        // ~depth·√K·2⁻²⁴ relative (≈1e-5 for 100 layers, K ≤ 4608); 1e-4 leaves 10× for the
        // different kernel orders
        losses.forEach((l, i) => assert.ok(Math.abs(l - refLosses[i]) <= 1e-4 * Math.abs(refLosses[i]), `loss ${i}: ${l} vs ${refLosses[i]}`));
        // The update S_trained − S_initial is a small difference of large numbers: its float32
        // error depends on the kernels oneDNN picks per CPU (1.04e-2 against PyTorch on an AMD
        // EPYC for layer3.3.conv1 of resnet101), so no fixed bound follows from it. What does:
        // the same fine-tuning in float64 (the reference's S_trained64) is the truth, and
        // PyTorch's own float32 run shows how far float32 lands from it for this computation
        // (refErr, the worst layer: errors of the same size appear in any layer). Ours, an
        // independent float32 run with other summation orders, must land within 4× that: two
        // runs of the same error distribution, with room for ours to be the unluckier one.
        const update = (trained: torch.Tensor, name: string): torch.Tensor => trained.double().sub(ref.get(`S.${name}`).double());
        const relToTruth = (u: torch.Tensor, truth: torch.Tensor): number =>
          (u.sub(truth).abs().max().item() as number) / (truth.abs().max().item() as number);
        const trainedNames = svf.svdLayers(model).filter(([, l]) => l.vector_S.requiresGrad).map(([n]) => n);
        const refErr = Math.max(...trainedNames.map((name) => torch.tidy(() =>
          relToTruth(update(ref.get(`S_trained.${name}`), name), update(ref.get(`S_trained64.${name}`), name)))));
        assert.ok(refErr > 0 && refErr < 0.1, `PyTorch's own float32 update error ${refErr}`);
        let checked = 0;
        let worst = 0;
        for (const [name, layer] of svf.svdLayers(model)) {
          if (!layer.vector_S.requiresGrad) continue;
          checked++;
          // S itself (O(1)) moves by ~1e-3 of its size in 3 steps: even a 10% error in the
          // update is < 1e-4 of S, so this bound only fails if S went somewhere else entirely
          const d = maxRelDiff(layer.vector_S, ref.get(`S_trained.${name}`));
          assert.ok(d < 1e-4, `${name}: trained S rel ${d}`);
          torch.tidy(() => {
            const truth = update(ref.get(`S_trained64.${name}`), name);
            assert.ok((truth.abs().max().item() as number) > 0, `${name}: S moved`);
            const ours = relToTruth(update(layer.vector_S.detach(), name), truth);
            worst = Math.max(worst, ours);
            assert.ok(ours <= 4 * refErr, `${name}: update off float64 by ${ours}, PyTorch's float32 by up to ${refErr}`);
          });
        }
        console.log(`      update vs float64: ours ≤ ${worst.toExponential(2)}, PyTorch float32 ≤ ${refErr.toExponential(2)}`);
        assert.equal(checked, [...ref.tensors.keys()].filter((k) => k.startsWith('S_trained.')).length);
        assert.ok(checked > 0);
      } finally {
        model.dispose();
      }
    });
  });
}
