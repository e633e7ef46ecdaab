/** nn layers and nn.functional vs PyTorch 1.13 on the same inputs (test/reference/nn_layers.py). */
import { strict as assert } from 'assert';
import * as torch from '../lib/index';
import { nn } from '../lib/index';
import { disposeReference, loadReference, maxRelDiff, Reference, runReference } from './helpers/reference';

const F = nn.functional;
let ref: Reference;
const r = (name: string): torch.Tensor => ref.get(name);

/** A fresh leaf copy of a reference tensor that records gradients. */
function leaf(name: string): torch.Tensor {
  return r(name).clone().requiresGrad_(true);
}

/**
 * Relative to the reference's largest |value|. The tolerances used below, from the float32 error
 * (u = 6e-8) of what each compares (inputs here have at most a few hundred elements):
 * - 1e-6: elementwise results and small reductions (losses, softmax, norms, running stats):
 *   a few ulp, or ≲ √K·u ≈ 6e-7 for K ≤ 100 summed terms;
 * - 1e-5 (the default): convolutions, pooling and interpolation outputs and their gradients,
 *   dot products of up to ~600 terms summed in a kernel-chosen order (≲ √K·u ≈ 1.5e-6, 10× room);
 * - 1e-4: BatchNorm's input gradient, a difference of nearly equal terms (g − mean g − x̂·mean(g·x̂)),
 *   whose relative error grows by the cancellation (~10× here);
 * - 1e-12: float64 (u = 1.1e-16), the same reasoning.
 */
function close(actual: torch.Tensor, expected: torch.Tensor | string, tol = 1e-5, what = ''): void {
  const e = typeof expected === 'string' ? r(expected) : expected;
  assert.deepEqual(actual.shape, e.shape, `${what || String(expected)}: shape`);
  const d = maxRelDiff(actual, e);
  assert.ok(d <= tol, `${what || String(expected)}: relative difference ${d} > ${tol}`);
}

function grad(t: torch.Tensor): torch.Tensor {
  const g = t.grad;
  assert.ok(g, 'missing gradient');
  return g;
}

before(function () {
  this.timeout(120000);
  ref = loadReference(runReference('nn_layers.py'));
});
after(() => disposeReference(ref));

describe('nn.Conv2d vs PyTorch', () => {
  const cases: [string, () => nn.Conv2d][] = [
    ['conv_basic', () => new nn.Conv2d(4, 6, 3)],
    ['conv_stride_pad', () => new nn.Conv2d(4, 6, [3, 2], { stride: 2, padding: [1, 2] })],
    ['conv_dil_groups', () => new nn.Conv2d(4, 6, 3, { dilation: 2, groups: 2, bias: false, padding: 2 })],
    ['conv_same', () => new nn.Conv2d(4, 6, 4, { padding: 'same', dilation: [1, 2] })],
    ['conv_valid', () => new nn.Conv2d(4, 3, 3, { padding: 'valid' })],
    ['conv_reflect', () => new nn.Conv2d(4, 6, 3, { padding: 1, paddingMode: 'reflect' })],
    ['conv_replicate', () => new nn.Conv2d(4, 6, 3, { padding: [2, 1], paddingMode: 'replicate', stride: 2 })],
    ['conv_circular', () => new nn.Conv2d(4, 6, 3, { padding: 'same', paddingMode: 'circular' })],
  ];
  for (const [name, build] of cases) {
    it(`${name}: seeded init, forward and gradients`, () => {
      torch.manualSeed((ref.extra[name] as { seed: number }).seed);
      const m = build();
      try {
        assert.equal(maxRelDiff(m.weight, r(`${name}.weight`)), 0, 'weight init');
        const hasBias = ref.tensors.has(`${name}.bias`);
        assert.equal(m.bias !== null, hasBias);
        if (m.bias) assert.equal(maxRelDiff(m.bias, r(`${name}.bias`)), 0, 'bias init');
        torch.tidy(() => {
          const x = leaf(`${name}.x`);
          const y = m.forward(x);
          close(y, `${name}.y`);
          y.mul(r(`${name}.g`)).sum().backward();
          close(grad(x), `${name}.gx`, 1e-5);
          close(grad(m.weight), `${name}.gw`, 1e-5);
          if (m.bias) close(grad(m.bias), `${name}.gb`, 1e-5);
        });
      } finally {
        m.dispose();
      }
    });
  }

  it('exposes PyTorch fields and state_dict keys', () => {
    const m = new nn.Conv2d(4, 8, 3, { stride: [2, 1], groups: 2, bias: false, paddingMode: 'reflect', padding: 1 });
    assert.equal(m.inChannels, 4);
    assert.equal(m.outChannels, 8);
    assert.deepEqual(m.kernelSize, [3, 3]);
    assert.deepEqual(m.stride, [2, 1]);
    assert.deepEqual(m.padding, [1, 1]);
    assert.deepEqual(m.dilation, [1, 1]);
    assert.equal(m.groups, 2);
    assert.equal(m.paddingMode, 'reflect');
    assert.deepEqual(m.weight.shape, [8, 2, 3, 3]);
    assert.equal(m.bias, null);
    assert.deepEqual([...m.stateDict().keys()], ['weight']);
    assert.equal(new nn.Conv2d(1, 1, 1, { padding: 'same' }).padding, 'same');
  });

  it('validates arguments as PyTorch does (TypeError/RangeError, before native)', () => {
    assert.throws(() => new nn.Conv2d(3, 4, 3, { groups: 2 }), RangeError);
    assert.throws(() => new nn.Conv2d(4, 3, 3, { groups: 2 }), RangeError);
    assert.throws(() => new nn.Conv2d(4, 4, 3, { padding: 'same', stride: 2 }), RangeError);
    assert.throws(() => new nn.Conv2d(4, 4, 3, { paddingMode: 'mirror' as any }), TypeError);
    assert.throws(() => new nn.Conv2d(4, 4, 3, { padding: 'full' as any }), TypeError);
    assert.throws(() => new nn.Conv2d(4, 4, 1.5 as any), TypeError);
    assert.throws(() => new nn.Conv2d(4, 4, 0), RangeError);
  });
});

describe('nn.Linear vs PyTorch', () => {
  it('seeded init, forward on 3-D input, gradients', () => {
    torch.manualSeed(7);
    const m = new nn.Linear(5, 3);
    try {
      assert.equal(m.inFeatures, 5);
      assert.equal(m.outFeatures, 3);
      assert.equal(maxRelDiff(m.weight, r('linear.weight')), 0);
      assert.equal(maxRelDiff(m.bias!, r('linear.bias')), 0);
      torch.tidy(() => {
        const x = leaf('linear.x');
        const y = m.forward(x);
        close(y, 'linear.y');
        y.sum().backward();
        close(grad(x), 'linear.gx');
        close(grad(m.weight), 'linear.gw');
        close(grad(m.bias!), 'linear.gb');
      });
    } finally {
      m.dispose();
    }
    torch.manualSeed(8);
    const m2 = new nn.Linear(6, 2, { bias: false });
    assert.equal(m2.bias, null);
    assert.equal(maxRelDiff(m2.weight, r('linear_nobias.weight')), 0);
    assert.deepEqual([...m2.stateDict().keys()], ['weight']);
    m2.dispose();
  });
});

describe('nn.BatchNorm2d vs PyTorch (3 training steps, then eval)', () => {
  const cases: [string, () => nn.BatchNorm2d][] = [
    ['bn_default', () => new nn.BatchNorm2d(4)],
    ['bn_cumulative', () => new nn.BatchNorm2d(4, { momentum: null })],
    ['bn_momentum', () => new nn.BatchNorm2d(4, { momentum: 0.3, eps: 1e-3 })],
    ['bn_noaffine', () => new nn.BatchNorm2d(4, { affine: false })],
    ['bn_nostats', () => new nn.BatchNorm2d(4, { trackRunningStats: false })],
  ];
  for (const [name, build] of cases) {
    it(name, () => {
      const m = build();
      const extra = ref.extra[name] as { buffers: string[]; keys: string[] };
      try {
        assert.deepEqual([...m.stateDict().keys()], extra.keys);
        assert.deepEqual(m.namedBuffers().map(([n]) => n), extra.buffers);
        if (m.affine) {
          torch.noGrad(() => {
            m.weight!.copy_(torch.tensor([1.0, 0.5, 2.0, -1.0]));
            m.bias!.copy_(torch.tensor([0.0, 0.1, -0.2, 0.3]));
          });
        }
        m.train();
        for (let i = 0; i < 3; i++) {
          torch.tidy(() => close(m.forward(r(`bn.x${i}`)), `${name}.y${i}`));
          for (const [b, t] of m.namedBuffers()) {
            if (t.dtype === 'int64') assert.equal(t.item(), r(`${name}.${b}_${i}`).item(), `${b} after step ${i}`);
            else close(t, `${name}.${b}_${i}`, 1e-6);
          }
        }
        m.eval();
        torch.tidy(() => close(m.forward(r('bn.xe')), `${name}.ye`));
      } finally {
        m.dispose();
      }
    });
  }

  it('F.batchNorm updates the given running stats and differentiates', () => {
    torch.tidy(() => {
      const x = leaf('bn.x0');
      const w = torch.tensor([1.0, 0.5, 2.0, -1.0]).requiresGrad_(true);
      const rm = torch.zeros([4]);
      const rv = torch.ones([4]);
      const y = F.batchNorm(x, rm, rv, { weight: w, training: true, momentum: 0.2, eps: 1e-4 });
      close(y, 'fbn.y');
      close(rm, 'fbn.rm', 1e-6);
      close(rv, 'fbn.rv', 1e-6);
      y.mul(y).sum().backward();
      close(grad(x), 'fbn.gx', 1e-4);
      close(grad(w), 'fbn.gw', 1e-5);
    });
  });

  it('rejects non-4-D input and one value per channel in training', () => {
    const m = new nn.BatchNorm2d(3);
    torch.tidy(() => {
      assert.throws(() => m.forward(torch.randn([2, 3, 4])), RangeError);
      assert.throws(() => m.forward(torch.randn([1, 3, 1, 1])), RangeError);
      m.eval();
      assert.deepEqual(m.forward(torch.randn([1, 3, 1, 1])).shape, [1, 3, 1, 1]);
    });
    m.dispose();
  });
});

describe('pooling vs PyTorch', () => {
  it('functional and module forms', () => {
    torch.tidy(() => {
      const x = r('pool.x');
      close(F.maxPool2d(x, 3, { stride: 2, padding: 1 }), 'pool.max');
      close(new nn.MaxPool2d(3, { stride: 2, padding: 1 }).forward(x), 'pool.max');
      close(F.maxPool2d(x, [3, 2], { stride: 2, ceilMode: true }), 'pool.max_ceil');
      close(F.maxPool2d(x, 2, { stride: 1, dilation: 2 }), 'pool.max_dil');
      close(F.avgPool2d(x, 3, { stride: 2, padding: 1 }), 'pool.avg');
      close(new nn.AvgPool2d(3, { stride: 2, padding: 1, countIncludePad: false }).forward(x), 'pool.avg_nopad');
      close(F.avgPool2d(x, 2, { ceilMode: true }), 'pool.avg_ceil');
      close(F.avgPool2d(x, 2, { divisorOverride: 3 }), 'pool.avg_div');
      close(F.adaptiveAvgPool2d(x, 1), 'pool.ada1');
      close(new nn.AdaptiveAvgPool2d([4, 3]).forward(x), 'pool.ada');
      close(F.adaptiveAvgPool2d(x, [5, null]), 'pool.ada_none');
      const { values, indices } = new nn.MaxPool2d(3, { stride: 2, padding: 1, returnIndices: true }).forward(x);
      close(values, 'pool.max');
      assert.ok(indices.equal(r('pool.max_idx')));
      const xl = leaf('pool.x');
      F.maxPool2d(xl, 3, { stride: 2, padding: 1 }).sum().backward();
      close(grad(xl), 'pool.gmax');
    });
  });
});

describe('F.interpolate / nn.Upsample vs PyTorch', () => {
  const cases: [string, nn.functional.InterpolateOptions][] = [
    ['bilinear_ac_size', { size: [9, 12], mode: 'bilinear', alignCorners: true }],
    ['bilinear_size', { size: [9, 12], mode: 'bilinear', alignCorners: false }],
    ['bilinear_scale', { scaleFactor: 2.5, mode: 'bilinear', alignCorners: false }],
    ['bilinear_ac_scale', { scaleFactor: [1.5, 0.5], mode: 'bilinear', alignCorners: true }],
    ['bilinear_recompute', { scaleFactor: 1.7, mode: 'bilinear', recomputeScaleFactor: true }],
    ['nearest_size', { size: [8, 3] }],
    ['nearest_scale', { scaleFactor: 2 }],
    ['nearest_int_size', { size: 6 }],
    ['bicubic', { size: [8, 8], mode: 'bicubic', alignCorners: false }],
    ['area', { size: [3, 4], mode: 'area' }],
  ];
  for (const [name, opts] of cases) {
    it(name, () => {
      torch.tidy(() => {
        const x = leaf('interp.x');
        const y = F.interpolate(x, opts);
        close(y, `interp_${name}.y`);
        const w = torch.arange(y.numel(), { dtype: 'float32' }).reshape(y.shape);
        y.mul(torch.tensor(Array.from(w.data() as Float32Array, Math.cos)).reshape(y.shape)).sum().backward();
        close(grad(x), `interp_${name}.gx`, 1e-5);
      });
    });
  }
  it('nn.Upsample and argument errors', () => {
    torch.tidy(() => {
      close(new nn.Upsample({ scaleFactor: 2, mode: 'bilinear', alignCorners: true }).forward(r('interp.x')), 'upsample.y');
      assert.throws(() => F.interpolate(r('interp.x'), { size: 3, scaleFactor: 2 }), TypeError);
      assert.throws(() => F.interpolate(r('interp.x'), {}), TypeError);
      assert.throws(() => F.interpolate(r('interp.x'), { size: 3, alignCorners: true }), TypeError);
      assert.throws(() => F.interpolate(r('interp.x'), { size: 3, mode: 'trilinear' as any }), TypeError);
    });
  });
});

describe('losses vs PyTorch', () => {
  const ceCases: [string, (w: torch.Tensor) => nn.functional.CrossEntropyOptions][] = [
    ['mean', (w) => ({ weight: w, ignoreIndex: 255 })],
    ['sum', (w) => ({ weight: w, ignoreIndex: 255, reduction: 'sum' })],
    ['none', () => ({ ignoreIndex: 255, reduction: 'none' })],
    ['smooth', (w) => ({ weight: w, ignoreIndex: 255, labelSmoothing: 0.1 })],
  ];
  for (const [name, opts] of ceCases) {
    it(`crossEntropy on (N, C, H, W) segmentation logits: ${name}`, () => {
      torch.tidy(() => {
        const logits = leaf('ce4.logits');
        const loss = F.crossEntropy(logits, r('ce4.target'), opts(r('ce4.weight')));
        close(loss, `ce4_${name}.loss`, 1e-6);
        loss.sum().backward();
        close(grad(logits), `ce4_${name}.g`, 1e-5);
      });
    });
  }
  it('crossEntropy on (N, C) with the default ignoreIndex -100, and with probability targets', () => {
    torch.tidy(() => {
      const logits = leaf('ce2.logits');
      const loss = F.crossEntropy(logits, r('ce2.target'));
      close(loss, 'ce2.loss', 1e-6);
      loss.backward();
      close(grad(logits), 'ce2.g', 1e-5);
      close(F.crossEntropy(r('ce2.logits'), r('ce_probs.target')), 'ce_probs.loss', 1e-6);
      assert.throws(() => F.crossEntropy(logits, r('ce2.target'), { reduction: 'avg' as any }), TypeError);
    });
  });
  it('binaryCrossEntropyWithLogits and mseLoss', () => {
    torch.tidy(() => {
      const x = leaf('bce.x');
      const loss = F.binaryCrossEntropyWithLogits(x, r('bce.y'), { weight: r('bce.w'), posWeight: r('bce.pw') });
      close(loss, 'bce.loss', 1e-6);
      loss.backward();
      close(grad(x), 'bce.g', 1e-5);
      close(F.binaryCrossEntropyWithLogits(r('bce.x'), r('bce.y'), { reduction: 'sum' }), 'bce.loss_sum', 1e-6);
      close(F.binaryCrossEntropyWithLogits(r('bce.x'), r('bce.y'), { reduction: 'none' }), 'bce.loss_none', 1e-6);
      assert.throws(() => F.binaryCrossEntropyWithLogits(r('bce.x'), r('bce.w').flatten()), RangeError);
      close(F.mseLoss(r('bce.x'), r('bce.y')), 'mse.loss', 1e-6);
      close(F.mseLoss(r('bce.x'), r('bce.y'), { reduction: 'sum' }), 'mse.loss_sum', 1e-6);
      close(F.mseLoss(r('bce.x'), r('bce.y'), { reduction: 'none' }), 'mse.loss_none', 1e-6);
    });
  });
});

describe('activations, similarity, normalize, pad vs PyTorch', () => {
  it('relu, softmax, logSoftmax, cosineSimilarity, normalize', () => {
    torch.tidy(() => {
      const x = r('act.x');
      close(F.relu(x), 'act.relu', 0);
      close(new nn.ReLU().forward(x), 'act.relu', 0);
      close(F.softmax(x, 1), 'act.softmax', 1e-6);
      close(F.logSoftmax(x, -1), 'act.log_softmax', 1e-6);
      const s64 = F.softmax(x, 2, { dtype: 'float64' });
      assert.equal(s64.dtype, 'float64');
      close(s64, 'act.softmax64', 1e-12);
      close(F.cosineSimilarity(x, r('act.x2')), 'act.cos', 1e-6);
      close(F.cosineSimilarity(x, r('act.x2'), { dim: 2, eps: 1e-3 }), 'act.cos_d2', 1e-6);
      close(F.normalize(x), 'act.norm', 1e-6);
      close(F.normalize(x, { p: 1, dim: 2 }), 'act.norm_p1', 1e-6);
      close(F.normalize(x, { dim: 2, eps: 0.5 }), 'act.norm_eps', 1e-6);
      const y = x.clone();
      assert.equal(F.relu(y, true), y, 'inplace relu returns its input');
      close(y, 'act.relu', 0);
      const z = x.clone();
      assert.equal(new nn.ReLU({ inplace: true }).forward(z), z);
    });
  });
  it('in-place ReLU in a graph (mask-saving backward) gives PyTorch\'s values and gradients, NaN included', () => {
    for (const dt of ['float32', 'float64']) {
      torch.tidy(() => {
        const x = r(`relu_${dt}.x`).clone().requiresGrad_(true);
        const y = x.mul(1.5);
        assert.equal(F.relu(y, true), y);
        y.mul(r(`relu_${dt}.w`)).sum().backward();
        const nan = y.ne(y); // where y is NaN
        assert.equal(nan.sum().item(), 1, 'NaN stays NaN');
        close(y.maskedFill(nan, 0), r(`relu_${dt}.y`).maskedFill(nan, 0), 0, 'y');
        close(x.grad!, `relu_${dt}.gx`, 0);
        // a leaf that requires grad is refused as by relu_; under noGrad the plain op runs
        assert.throws(() => F.relu(x, true), torch.TorchError);
        const z = torch.noGrad(() => F.relu(x.detach().mul(1.5), true));
        close(z.maskedFill(nan, 0), r(`relu_${dt}.y`).maskedFill(nan, 0), 0, 'no grad');
      });
    }
  });

  it('pad: constant (value), reflect, replicate, circular, negative', () => {
    torch.tidy(() => {
      const x = r('pad.x');
      close(F.pad(x, [1, 2]), 'pad.const', 0);
      close(F.pad(x, [1, 0, 2, 1], { value: -3.5 }), 'pad.const_v', 0);
      close(F.pad(x, [2, 1, 3, 0], { mode: 'reflect' }), 'pad.reflect', 0);
      close(F.pad(x, [1, 1, 2, 2], { mode: 'replicate' }), 'pad.replicate', 0);
      close(F.pad(x, [1, 2, 2, 1], { mode: 'circular' }), 'pad.circular', 0);
      close(F.pad(x, [-1, 1, 0, -2]), 'pad.neg', 0);
      assert.throws(() => F.pad(x, [1, 2, 3]), TypeError);
      assert.throws(() => F.pad(x, [1, 1], { mode: 'wrap' as any }), TypeError);
    });
  });
});

describe('dropout vs PyTorch (same generator, same seed)', () => {
  it('F.dropout, F.dropout2d and nn.Dropout in training draw the same masks; eval is the identity', () => {
    torch.tidy(() => {
      const x = r('drop.x');
      torch.manualSeed(16);
      close(F.dropout(x, 0.3), 'drop.y', 0);
      torch.manualSeed(17);
      close(F.dropout2d(x, 0.5), 'drop.y2d', 0);
      torch.manualSeed(18);
      const m = new nn.Dropout(0.25);
      close(m.forward(x), 'drop.ymod', 0);
      m.eval();
      close(m.forward(x), x, 0, 'Dropout in eval');
      const m2 = new nn.Dropout2d({ p: 0.9 }).eval();
      close(m2.forward(x), x, 0, 'Dropout2d in eval');
      close(F.dropout(x, { p: 0.5, training: false }), x, 0, 'F.dropout training=false');
      assert.throws(() => new nn.Dropout(1.5), RangeError);
    });
  });
});
