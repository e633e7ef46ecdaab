/**
 * fss.PFENet without a reference run: the initmodel (resnet50_v2.pth layout) loads strictly into
 * the backbone, the PSPNet dilation, bad arguments are JS errors, applySvf keeps no dense copy of
 * the backbone, pins its BatchNorm and the recipe's groups. Small inputs (33×33, bins [6, 3]).
 */
import { strict as assert } from 'assert';
import * as torch from '../lib/index';

const { fss, models, nn, svf } = torch;

describe('fss.PFENet: construction, initmodel, arguments', function () {
  this.timeout(600000);

  it('dilates every conv2 of layer3 (2) and layer4 (4) with stride 1, downsample strides 1', () => {
    const m = new fss.PFENet({ layers: 50, ppmScales: [6, 3] });
    try {
      for (const [layer, d] of [['layer3', 2], ['layer4', 4]] as const) {
        for (const [n, c] of m.getChild(layer).namedModules()) {
          if (!(c instanceof nn.Conv2d)) continue;
          if (n.endsWith('conv2')) assert.deepEqual([c.dilation, c.padding, c.stride], [[d, d], [d, d], [1, 1]], n);
          else assert.deepEqual(c.stride, [1, 1], n);
        }
      }
      assert.deepEqual((m.getSubmodule('layer2.0.conv2') as torch.nn.Conv2d).stride, [2, 2]);
      assert.equal(m.backbone().flatMap((l) => l.parameters()).filter((p) => p.requiresGrad).length, 0, 'backbone frozen by default');
    } finally {
      m.dispose();
    }
  });

  it('loads a resnet50_v2-style initmodel strictly into the backbone (fc ignored), naming what is missing or unexpected', () => {
    const net = models.resnet50({ deepStem: true });
    const m = new fss.PFENet({ layers: 50, ppmScales: [6, 3] });
    try {
      const sd = net.stateDict();
      m.loadBackbone(sd);
      const own = m.stateDict();
      assert.equal(torch.tidy(() => own.get('layer0.6.weight')!.sub(sd.get('conv3.weight')!).abs().max().item()), 0);
      assert.equal(torch.tidy(() => own.get('layer4.2.bn3.running_var')!.sub(sd.get('layer4.2.bn3.running_var')!).abs().max().item()), 0);
      const missing = new Map(sd);
      missing.delete('layer3.1.conv2.weight');
      assert.throws(() => m.loadBackbone(missing), (e: Error) => e instanceof torch.TorchError && /layer3\.1\.conv2\.weight/.test(e.message));
      const extra = new Map(sd);
      extra.set('head.weight', sd.get('fc.bias')!);
      assert.throws(() => m.loadBackbone(extra), (e: Error) => e instanceof torch.TorchError && /Unexpected key\(s\): head\.weight/.test(e.message));
      assert.throws(() => m.loadBackbone({} as never), TypeError);
    } finally {
      net.dispose();
      m.dispose();
    }
  });

  it('rejects bad options and inputs with TypeError/RangeError', () => {
    assert.throws(() => new fss.PFENet({ layers: 34 }), RangeError);
    assert.throws(() => new fss.PFENet({ shot: 0 }), RangeError);
    assert.throws(() => new fss.PFENet({ ppmScales: [] }), TypeError);
    assert.throws(() => new fss.PFENet({ bogus: 1 } as never), TypeError);
    const m = new fss.PFENet({ layers: 50, ppmScales: [6, 3] }).eval();
    try {
      torch.tidy(() => {
        const q = torch.randn([1, 3, 33, 33]);
        const s = torch.randn([1, 1, 3, 33, 33]);
        const k = torch.ones([1, 1, 33, 33]);
        assert.throws(() => m.forward(torch.randn([1, 3, 32, 32]), s, k), RangeError);
        assert.throws(() => m.forward(q, torch.randn([1, 3, 33, 33]), k), RangeError);
        assert.throws(() => m.forward(q, s, torch.ones([1, 2, 33, 33])), RangeError);
        assert.throws(() => m.forward(q, s, 'mask' as never), TypeError);
        const y = torch.noGrad(() => m.forward(q, s, k)) as torch.Tensor;
        assert.deepEqual(y.shape, [1, 2, 33, 33]);
      });
    } finally {
      m.dispose();
    }
  });
});

describe('fss.PFENet.applySvf', function () {
  this.timeout(600000);

  it('keeps no dense backbone beside the decomposed one; pins backbone BatchNorm; the recipe\'s groups', () => {
    const before = torch.memory().numBytes;
    const m = new fss.PFENet({ layers: 50, ppmScales: [6, 3] });
    try {
      const ownBytes = () => [...m.parameters(), ...m.buffers()].reduce((n, t) => n + t.numel() * (t.dtype === 'int64' ? 8 : 4), 0);
      assert.equal(torch.memory().numBytes - before, ownBytes(), 'a fresh model holds exactly its own tensors');
      const trainable = fss.PFENet.applySvf(m);
      assert.ok(trainable > 0);
      assert.ok(m.backbone().every((l) => l.modules().every((c) => !(c instanceof nn.Conv2d) || svf.svdLayers(l).some(([, s]) => s.modules().includes(c)))), 'every backbone conv is an SVD layer\'s factor');
      // every live tensor is one of the model's parameters/buffers: no dense backbone left
      assert.equal(torch.memory().numBytes - before, ownBytes());
      assert.throws(() => fss.PFENet.applySvf(m), RangeError);
      const names = m.namedParameters().filter(([, p]) => p.requiresGrad).map(([n]) => n);
      assert.ok(names.filter((n) => /^layer/.test(n)).every((n) => /^layer[234]\..*vector_S$/.test(n)));
      assert.ok(names.some((n) => n.startsWith('cls.')) && names.some((n) => n.startsWith('layer2.')));
      m.train();
      const bns = m.backbone().flatMap((l) => l.modules()).filter((c) => c instanceof nn.BatchNorm2d);
      assert.ok(bns.every((b) => !b.training));
      assert.ok(m.getChild('cls').training);
      const groups = fss.PFENet.paramGroups(m, 0.01);
      assert.deepEqual(groups.map((g) => g.lr), [0.001, 0.001, 0.001, ...Array(9).fill(0.01)]);
      const { optimizer, scheduler } = fss.PFENet.recipe(m, { baseLr: 0.01, maxIters: 10 });
      assert.equal(optimizer.paramGroups[0].momentum, 0.9);
      assert.equal(optimizer.paramGroups[0].weightDecay, 1e-4);
      scheduler.step();
      assert.ok(Math.abs(optimizer.paramGroups[0].lr - 0.001 * 0.9 ** 0.9) < 1e-15);
      optimizer.dispose();
    } finally {
      m.dispose();
    }
  });
});
