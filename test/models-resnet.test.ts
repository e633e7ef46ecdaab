/**
 * Every ResNet variant vs torchvision 1.13 (test/reference/models_resnet.py): state_dict keys in
 * order, strict load, eval output, training-mode output + running stats, parameter gradients.
 */
import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as torch from '../lib/index';
import { models } from '../lib/index';
import { disposeReference, loadReference, maxRelDiff, Reference, runReference } from './helpers/reference';

/**
 * Tolerances. Both sides run torchvision's architecture with the same weights through the same
 * LibTorch build on the same CPU, so every op is the same kernel on the same data: the results
 * are bit-equal in practice (the suite logs 0). What may still differ is how a reduction is
 * split across threads: that changes only how a few partial sums combine, a few roundings
 * (u = 6e-8) per output per layer, ≲ 3u·depth ≈ 1e-5 through ResNet-50's ~50 layers. A
 * gradient goes through the depth twice (forward, then backward) and its sums over the batch's
 * positions split too: ≲ 3e-5; 1e-4 leaves 3×.
 */
const FORWARD_TOL = 1e-5;
const GRAD_TOL = 1e-4;

type Variant = { name: string; build: () => models.ResNet };

const VARIANTS: Variant[] = [
  { name: 'resnet18', build: () => models.resnet18() },
  { name: 'resnet34', build: () => models.resnet34({ numClasses: 10 }) },
  { name: 'resnet50', build: () => models.resnet50() },
  { name: 'resnet101', build: () => models.resnet101({ numClasses: 10 }) },
  { name: 'resnet152', build: () => models.resnet152({ numClasses: 10 }) },
  { name: 'resnext50_32x4d', build: () => models.resnext50_32x4d({ numClasses: 10 }) },
  { name: 'wide_resnet50_2', build: () => models.wide_resnet50_2({ numClasses: 10 }) },
  { name: 'resnet50_dilated', build: () => models.resnet50({ numClasses: 10, replaceStrideWithDilation: [false, true, true] }) },
  { name: 'resnet50_deepstem', build: () => models.resnet50({ numClasses: 10, deepStem: true, replaceStrideWithDilation: [false, true, true] }) },
];

function stateFromReference(ref: Reference, keys: string[]): Map<string, torch.Tensor> {
  return new Map(keys.map((k) => [k, ref.get('sd.' + k)]));
}

/** max|a-b| / max|b| in the tensors' own float32 (the 1e-4 gradient tolerance does not need float64). */
function relDiff32(a: torch.Tensor, b: torch.Tensor): number {
  return torch.tidy(() => (a.sub(b).abs().max().item() as number) / Math.max(b.abs().max().item() as number, 1e-30));
}

/**
 * Under the same seed, a fresh resnet18 equals torchvision's: conv weights kaiming_normal_(fan_out)
 * and fc's default init draw the same numbers; BN weight 1, bias 0, running stats 0/1.
 * (Python randomized only the BN entries after init, so conv/fc entries are still the initial ones.)
 */
function assertSeededInitMatches(net: models.ResNet, ref: Reference): void {
  for (const [k, t] of net.stateDict()) {
    if (/conv|downsample\.0|fc/.test(k)) assert.equal(relDiff32(t, ref.get('sd.' + k)), 0, k);
    else if (/weight$|running_var$/.test(k)) assert.equal(torch.tidy(() => t.sub(1).abs().max().item()), 0, k);
    else assert.equal(torch.tidy(() => t.abs().max().item()), 0, k);
  }
}

for (const v of VARIANTS) {
  describe(`models.${v.name} vs torchvision`, function () {
    this.timeout(240000);
    let ref: Reference;
    let outdir: string;
    let net: models.ResNet;
    let keys: string[];

    before(() => {
      outdir = runReference('models_resnet.py', [v.name], `models_resnet_${v.name}`);
      ref = loadReference(outdir);
      keys = ref.extra.keys as string[];
      torch.manualSeed(0); // as the Python script, so resnet18's init can be compared too
      net = v.build();
    });
    after(() => {
      net?.dispose();
      if (ref) disposeReference(ref);
      fs.rmSync(outdir, { recursive: true, force: true }); // hundreds of MB: do not leave them behind
    });

    it('has the state_dict keys of torchvision, in order, and loads strictly', () => {
      assert.deepEqual([...net.stateDict().keys()], keys);
      if (v.name === 'resnet18') assertSeededInitMatches(net, ref);
      const r = net.loadStateDict(stateFromReference(ref, keys));
      assert.deepEqual(r, { missingKeys: [], unexpectedKeys: [] });
    });

    it('eval forward matches (1e-5 relative)', () => {
      net.eval();
      const out = torch.noGrad(() => net.forward(ref.get('x')));
      try {
        assert.deepEqual(out.shape, ref.get('out_eval').shape);
        const d = maxRelDiff(out, ref.get('out_eval'));
        assert.ok(d < FORWARD_TOL, `eval output rel diff ${d}`);
      } finally {
        out.dispose();
      }
    });

    it('a training forward updates running stats and gives the same gradients', () => {
      net.train();
      torch.tidy(() => {
        const out = net.forward(ref.get('x'));
        const d = maxRelDiff(out, ref.get('out_train'));
        assert.ok(d < FORWARD_TOL, `train output rel diff ${d}`);
        out.pow(2).mean().backward();
      });
      for (const [name, b] of net.namedBuffers()) {
        const expected = ref.get('post.' + name);
        if (b.dtype === 'int64') assert.equal(b.item(), expected.item(), name);
        else {
          const d = maxRelDiff(b, expected);
          assert.ok(d < FORWARD_TOL, `${name}: rel diff ${d}`);
        }
      }
      const params = ref.extra.params as string[];
      assert.deepEqual(net.namedParameters().map(([n]) => n), params);
      for (const [name, p] of net.namedParameters()) {
        const g = p.grad;
        assert.ok(g, `${name} has no gradient`);
        const d = relDiff32(g, ref.get('grad.' + name));
        g.dispose();
        assert.ok(d < GRAD_TOL, `grad ${name}: rel diff ${d}`);
      }
    });
  });
}

describe('models: construction details', () => {
  it('zeroInitResidual zeroes the last BN of every block', () => {
    const a = models.resnet18({ zeroInitResidual: true });
    const b = models.resnet50({ zeroInitResidual: true, numClasses: 10 });
    try {
      for (const [k, t] of a.stateDict()) if (/layer\d\.\d\.bn2\.weight$/.test(k)) assert.equal(t.abs().max().item(), 0, k);
      for (const [k, t] of b.stateDict()) if (/layer\d\.\d\.bn3\.weight$/.test(k)) assert.equal(t.abs().max().item(), 0, k);
      assert.equal(a.getSubmodule('layer1.0.bn1').stateDict().get('weight')!.min().item(), 1);
    } finally {
      a.dispose();
      b.dispose();
    }
  });

  it('resnetLayers shares the stem and layers (not copies)', () => {
    const net = models.resnet50({ numClasses: 10, deepStem: true });
    try {
      const [layer0, l1, l2, l3, l4] = models.resnetLayers(net);
      const stem = [...layer0];
      const names = ['conv1', 'bn1', 'relu', 'conv2', 'bn2', 'relu', 'conv3', 'bn3', 'relu', 'maxpool'];
      assert.equal(layer0.length, names.length);
      names.forEach((n, i) => assert.equal(stem[i], net.getChild(n), n));
      assert.equal(l1, net.getChild('layer1'));
      assert.equal(l2, net.getChild('layer2'));
      assert.equal(l3, net.getChild('layer3'));
      assert.equal(l4, net.getChild('layer4'));
      assert.equal(layer0.parameters()[0], net.getSubmodule('conv1').getParameter('weight'));
      const plain = models.resnetLayers(models.resnet18());
      assert.deepEqual([...plain[0]].map((m) => m.constructor.name), ['Conv2d', 'BatchNorm2d', 'ReLU', 'MaxPool2d']);
      plain[0].dispose();
      plain.slice(1).forEach((m) => m.dispose());
      // the split runs the same computation as the net
      net.eval();
      torch.tidy(() => {
        const x = torch.randn([1, 3, 40, 40]);
        let y = x;
        for (const l of [layer0, l1, l2, l3, l4]) y = l.forward(y);
        const z = net.forwardFeatures(x);
        assert.equal(maxRelDiff(y, z), 0);
      });
    } finally {
      net.dispose();
    }
  });

  it('forward uses a child swapped in with setSubmodule', () => {
    const net = models.resnet18({ numClasses: 4 });
    try {
      net.eval();
      torch.tidy(() => {
        const x = torch.randn([1, 3, 32, 32]);
        const before = net.forward(x);
        const fc = new torch.nn.Linear(512, 4);
        torch.noGrad(() => fc.weight.zero_());
        torch.noGrad(() => fc.bias!.fill_(3));
        net.setSubmodule('fc', fc);
        const after = net.forward(x);
        assert.ok(maxRelDiff(before, after) > 0);
        assert.deepEqual(Array.from(after.data() as Float32Array), [3, 3, 3, 3]);
        net.setSubmodule('layer4.1.conv2', new torch.nn.Identity());
        assert.equal(net.getSubmodule('layer4.1.conv2').constructor.name, 'Identity');
        net.forward(x);
      });
    } finally {
      net.dispose();
    }
  });

  it('rejects bad options with TypeError/RangeError', () => {
    assert.throws(() => models.resnet18({ replaceStrideWithDilation: [true] as any }), RangeError);
    assert.throws(() => models.resnet18({ numClasses: 0 }), RangeError);
    assert.throws(() => models.resnet18({ deepStem: 'yes' as any }), TypeError);
    assert.throws(() => models.resnet18({ replaceStrideWithDilation: [false, false, true] }), RangeError); // BasicBlock: no dilation
  });
});
