/**
 * F.gumbelSoftmax, F.embeddingBag + nn.EmbeddingBag, F.fractionalMaxPool2d/3d + modules, torch.stft/istft
 * vs Python PyTorch of the loaded line on the same inputs (test/reference/nn_composites.py).
 * Sampling is checked three ways: seeded runs draw the very numbers Python draws (same LibTorch CPU
 * generator), structural checks on the drawn noise, and argmax frequencies against softmax(logits).
 */
import { strict as assert } from 'assert';
import * as torch from '../lib/index';
import { nn, TorchError } from '../lib/index';
import { disposeReference, loadReference, maxAbsDiff, maxRelDiff, Reference, runReference } from './helpers/reference';

const F = nn.functional;
let ref: Reference;
const r = (name: string): torch.Tensor => ref.get(name);
const errors = (): Record<string, string | null> => ref.extra.errors as Record<string, string | null>;

/**
 * Relative to the reference's largest |value|; float32 unit roundoff u = 6e-8:
 * - 0: selections (max pooling values and indices, max bags, one-hot rows) copy inputs exactly;
 * - 1e-6: elementwise chains (log, exp, softmax over ≤ 6 entries) and sums of ≤ 9 terms
 *   (bags, scattered pooling gradients): a few ulp, ≲ √K·u with 10× room;
 * - 1e-5: softmax gradients y·(g − Σ g·y), where the subtraction loses up to ~10× relative accuracy,
 *   and FFTs of ≤ 20 points (error ~ u·log2 N per butterfly level, ≲ 1e-6; 10× room), their gradients too.
 */
function close(actual: torch.Tensor, expected: torch.Tensor | string, tol: number, what = ''): void {
  const e = typeof expected === 'string' ? r(expected) : expected;
  const label = what || String(expected);
  assert.deepEqual(actual.shape, e.shape, `${label}: shape`);
  const d = maxRelDiff(actual, e);
  assert.ok(d <= tol, `${label}: relative difference ${d} > ${tol}`);
}

function grad(t: torch.Tensor): torch.Tensor {
  assert.ok(t.grad, 'missing gradient');
  return t.grad;
}

/** Runs fn in a tidy scope and checks it leaves no tensor behind. */
function noLeak(fn: () => void): void {
  const before = torch.memory().numTensors;
  torch.tidy(fn);
  assert.equal(torch.memory().numTensors, before, 'tensors leaked');
}

/** A Python error case: Python must raise, and svf-torch must throw `kind`. */
type ErrorClass = abstract new (...args: never[]) => Error;
function rejects(pyCase: string, kind: ErrorClass | ErrorClass[], fn: () => unknown, message?: RegExp): void {
  assert.ok(pyCase in errors(), `no Python record of ${pyCase}`);
  assert.ok(errors()[pyCase], `${pyCase}: Python accepted this call`);
  const kinds = Array.isArray(kind) ? kind : [kind];
  noLeak(() => {
    assert.throws(fn, (e: unknown) => kinds.some((k) => e instanceof k) && (!message || message.test((e as Error).message)),
      `${pyCase}: expected ${kinds.map((k) => k.name).join('/')}${message ? ` matching ${message}` : ''}`);
  });
}

before(function () {
  this.timeout(120000);
  ref = loadReference(runReference('nn_composites.py'));
});
after(() => disposeReference(ref));

describe('F.gumbelSoftmax vs PyTorch', () => {
  const cases: [string, nn.functional.GumbelSoftmaxOptions][] = [
    ['gs_soft', { tau: 0.7 }], ['gs_hard', { tau: 1.5, hard: true, dim: 0 }], ['gs_soft_dim0', { dim: 0 }],
  ];
  for (const [name, opts] of cases) {
    it(`${name}: the seeded sample and its gradient are Python's`, () => noLeak(() => {
      const seed = (ref.extra[name] as { seed: number }).seed;
      torch.manualSeed(seed);
      const noise = torch.emptyLike(r('gumbel.logits')).exponential_().log().neg();
      close(noise, `${name}.noise`, 1e-6, 'the Gumbel noise drawn under the seed');
      const x = r('gumbel.logits').clone().requiresGrad_(true);
      torch.manualSeed(seed);
      const y = F.gumbelSoftmax(x, opts);
      close(y, `${name}.y`, opts.hard ? 0 : 1e-6);
      y.mul(r(`${name}.g`)).sum().backward();
      close(grad(x), `${name}.gx`, 1e-5);
    }));
  }

  it('hard: one-hot rows at the argmax of the soft sample from the same noise; gradients straight through', () => noLeak(() => {
    const dim = 0;
    const tau = 1.5;
    const logits = r('gumbel.logits');
    const noise = r('gs_hard.noise');
    const y = r('gs_hard.y');
    // one 1 per slice along dim, zeros elsewhere, so each slice sums to exactly 1
    assert.equal(y.eq(0).logicalOr(y.eq(1)).all().item(), true);
    assert.equal(y.sum(dim).eq(1).all().item(), true);
    // the soft sample composed from the noise Python drew (softmax((logits + g) / tau))
    const x = logits.clone().requiresGrad_(true);
    const soft = x.add(noise).div(tau).softmax(dim);
    assert.equal(y.argmax(dim).equal(soft.argmax(dim)), true, 'argmax of the hard sample = argmax of the soft one');
    // straight-through: the gradient of y_hard − y_soft.detach() + y_soft is that of y_soft
    soft.mul(r('gs_hard.g')).sum().backward();
    close(grad(x), 'gs_hard.gx', 1e-5, 'the soft sample\'s gradient');
  }));

  it('soft samples are distributions along dim', () => noLeak(() => {
    const y = r('gs_soft.y');
    assert.ok(y.ge(0).all().item());
    // 6 terms, each ≤ 1: |Σ − 1| ≤ 6u ≈ 4e-7
    assert.ok(maxAbsDiff(y.sum(-1), torch.onesLike(y.sum(-1))) <= 1e-6);
  }));

  it('hard argmax frequencies match softmax(logits)', () => noLeak(() => {
    // N draws of a categorical with probabilities p: each frequency has standard deviation
    // √(p(1−p)/N); 5σ bounds all 5 classes with probability > 1 − 5·6e-7
    const N = 20000;
    const p = r('gs_stats.probs').toArray() as number[];
    torch.manualSeed(31);
    const logits = r('gs_stats.logits').expand(N, 5).contiguous();
    const y = F.gumbelSoftmax(logits, { hard: true });
    const freq = y.sum(0).div(N).toArray() as number[];
    freq.forEach((f, k) => {
      const bound = 5 * Math.sqrt((p[k] * (1 - p[k])) / N);
      assert.ok(Math.abs(f - p[k]) <= bound, `class ${k}: frequency ${f} vs p ${p[k]} (bound ${bound})`);
    });
  }));

  it('eps is deprecated: another value warns, as in PyTorch, and changes nothing', async () => {
    const warned = new Promise<Error>((resolve) => process.once('warning', resolve));
    noLeak(() => {
      torch.manualSeed(11);
      close(F.gumbelSoftmax(r('gumbel.logits'), { tau: 0.7, eps: 1e-5 }), 'gs_soft.y', 1e-6);
    });
    assert.match((await warned).message, /`eps` parameter is deprecated/);
  });

  it('positional arguments in Python\'s order, and the argument checks', () => noLeak(() => {
    torch.manualSeed(12);
    close(F.gumbelSoftmax(r('gumbel.logits'), 1.5, true, 1e-10, 0), 'gs_hard.y', 0, 'positional');
    rejects('gs_bad_dim', TorchError, () => F.gumbelSoftmax(r('gumbel.logits'), { dim: 2 }), /Dimension out of range/);
    assert.throws(() => F.gumbelSoftmax(r('gumbel.logits'), { tau: 'x' as unknown as number }), TypeError);
    assert.throws(() => F.gumbelSoftmax(r('gumbel.logits'), { temperature: 1 } as never), TypeError);
    assert.throws(() => F.gumbelSoftmax([1, 2] as never), TypeError);
  }));
});

describe('F.embeddingBag vs PyTorch', () => {
  const ids2d = (): torch.Tensor => r('eb.ids2d');
  const ids1d = (): torch.Tensor => r('eb.ids1d');
  const cases: [string, () => torch.Tensor, () => Record<string, unknown>][] = [
    ['eb_2d_mean', ids2d, () => ({})],
    ['eb_2d_sum', ids2d, () => ({ mode: 'sum' })],
    ['eb_2d_max', ids2d, () => ({ mode: 'max' })],
    ['eb_1d_sum', ids1d, () => ({ offsets: r('eb_1d_sum.offsets'), mode: 'sum' })],
    ['eb_1d_max_empty', ids1d, () => ({ offsets: r('eb_1d_max_empty.offsets'), mode: 'max' })],
    ['eb_last_offset', ids1d, () => ({ offsets: r('eb_last_offset.offsets'), includeLastOffset: true })],
    ['eb_padding', ids2d, () => ({ paddingIdx: 2 })],
    ['eb_scale_grad', ids1d, () => ({ offsets: r('eb_scale_grad.offsets'), mode: 'sum', scaleGradByFreq: true })],
  ];
  for (const [name, input, opts] of cases) {
    it(`${name}: bags and the weight gradient`, () => noLeak(() => {
      const w = r('eb.weight').clone().requiresGrad_(true);
      const y = F.embeddingBag(input(), w, opts());
      close(y, `${name}.y`, name.includes('max') ? 0 : 1e-6);
      y.mul(r(`${name}.g`)).sum().backward();
      close(grad(w), `${name}.gw`, 1e-6);
    }));
  }

  for (const [name, input, offsets] of [['eb_psw_1d', ids1d, true], ['eb_psw_2d', ids2d, false]] as const) {
    it(`${name}: perSampleWeights (mode 'sum') and their gradient`, () => noLeak(() => {
      const w = r('eb.weight').clone().requiresGrad_(true);
      const psw = r(`${name}.psw`).clone().requiresGrad_(true);
      const y = offsets
        ? F.embeddingBag(input(), w, r('eb_1d_sum.offsets'), null, 2, false, 'sum', false, psw)
        : F.embeddingBag(input(), w, { mode: 'sum', perSampleWeights: psw });
      close(y, `${name}.y`, 1e-6);
      y.mul(r(`${name}.g`)).sum().backward();
      close(grad(w), `${name}.gw`, 1e-6);
      close(grad(psw), `${name}.gpsw`, 1e-6);
    }));
  }

  it('a 2-D input is one bag per row whatever includeLastOffset says (PyTorch ≥ 2.1; 1.13 dropped the last row)', () => noLeak(() => {
    close(F.embeddingBag(ids2d(), r('eb.weight'), { includeLastOffset: true }), 'eb_2d_mean.y', 1e-6);
  }));

  it('maxNorm renormalises the looked-up rows of weight in place', () => noLeak(() => {
    const w = r('eb.weight').clone();
    close(F.embeddingBag(ids2d(), w, { maxNorm: 1, normType: 2, mode: 'sum' }), 'eb_max_norm.y', 1e-6);
    close(w, 'eb_max_norm.w_after', 1e-6);
  }));

  it('Python\'s argument errors', () => {
    const w = r('eb.weight');
    rejects('eb_err_psw_shape', RangeError, () => F.embeddingBag(ids2d(), w, { mode: 'sum', perSampleWeights: torch.ones(4, 2) }));
    rejects('eb_err_offsets_2d', TypeError, () => F.embeddingBag(ids2d(), w, { offsets: torch.tensor([0]) }));
    rejects('eb_err_no_offsets', TypeError, () => F.embeddingBag(ids1d(), w));
    rejects('eb_err_offsets_dim', RangeError, () => F.embeddingBag(ids1d(), w, { offsets: torch.tensor([[0]]) }));
    rejects('eb_err_input_3d', RangeError, () => F.embeddingBag(ids2d().view(2, 2, 3), w));
    rejects('eb_err_mode', TypeError, () => F.embeddingBag(ids2d(), w, { mode: 'median' as never }));
    rejects('eb_err_max_scale', TypeError, () => F.embeddingBag(ids2d(), w, { mode: 'max', scaleGradByFreq: true }));
    rejects('eb_err_psw_mean', TypeError, () => F.embeddingBag(ids2d(), w, { perSampleWeights: torch.ones(4, 3) }));
    rejects('eb_err_index', TorchError, () => F.embeddingBag(torch.tensor([[1, 10]]), w), /index|range/i);
    rejects('eb_err_module_padding', RangeError, () => new nn.EmbeddingBag(10, 3, { paddingIdx: 10 }));
    rejects('eb_err_module_weight', RangeError, () => new nn.EmbeddingBag(10, 4, { _weight: w }));
    noLeak(() => {
      assert.throws(() => F.embeddingBag(ids2d(), w, { sparse: true }), TypeError, 'sparse gradients are not supported');
      assert.throws(() => F.embeddingBag(ids2d(), w, { bags: 2 } as never), TypeError);
    });
  });
});

describe('nn.EmbeddingBag vs PyTorch', () => {
  it('seeded init (N(0, 1), padding row zero) and forward with offsets', () => noLeak(() => {
    torch.manualSeed((ref.extra.eb_module as { seed: number }).seed);
    const m = new nn.EmbeddingBag(10, 4, { mode: 'sum', paddingIdx: 1 });
    try {
      close(m.weight, 'eb_module.weight', 0, 'init');
      close(m.forward(r('eb.ids1d'), torch.tensor([0, 3, 5])), 'eb_module.y', 1e-6);
      assert.deepEqual([...m.stateDict().keys()], ['weight']);
      assert.match(m.toString(), /EmbeddingBag\(10, 4, mode='sum', padding_idx=1\)/);
    } finally {
      m.dispose();
    }
  }));

  it('fromPretrained: shares the embeddings, frozen by default', () => noLeak(() => {
    const e = r('eb.weight').clone();
    const m = nn.EmbeddingBag.fromPretrained(e, { mode: 'max' });
    try {
      assert.equal(m.weight.requiresGrad, (ref.extra.eb_pretrained as { requires_grad: boolean }).requires_grad);
      close(m.forward(r('eb.ids2d')), 'eb_pretrained.y', 0);
      e.mul_(2);
      close(m.weight, e, 0, 'the same storage');
      const trainable = nn.EmbeddingBag.fromPretrained(e, { freeze: false });
      assert.equal(trainable.weight.requiresGrad, true);
      trainable.dispose();
      assert.throws(() => nn.EmbeddingBag.fromPretrained(torch.ones(3)), RangeError);
    } finally {
      m.dispose();
    }
  }));
});

describe('nn.Embedding vs PyTorch', () => {
  it('seeded init (N(0, 1), padding row zero), forward and the weight gradient', () => noLeak(() => {
    torch.manualSeed((ref.extra.emb_module as { seed: number }).seed);
    const m = new nn.Embedding(10, 4, { paddingIdx: 2 });
    try {
      close(m.weight, 'emb_module.weight', 0, 'init');
      const ids = torch.tensor([[1, 2, 4], [4, 3, 9]]);
      const y = m.forward(ids);
      close(y, 'emb_module.y', 0); // a lookup: the rows themselves
      y.mul(torch.arange(24, { dtype: 'float32' }).view([2, 3, 4])).sum().backward();
      // sums of at most two products of small integers: exact; the padding row gets none
      close(m.weight.grad!, 'emb_module.grad', 0);
      assert.deepEqual([...m.stateDict().keys()], ['weight']);
      assert.equal(m.toString(), (ref.extra.emb_module as { repr: string }).repr);
    } finally {
      m.dispose();
    }
  }));

  it('maxNorm renorms the looked-up rows of the weight in place', () => noLeak(() => {
    const m = new nn.Embedding(10, 3, { maxNorm: 1.0, _weight: r('eb.weight').clone() });
    try {
      // embedding_renorm_ scales a row by max_norm / (norm + 1e-7): a few float32 roundings of O(1) values
      close(m.forward(torch.tensor([[1, 2, 4], [4, 3, 9]])), 'emb_max_norm.y', 1e-6);
      close(m.weight, 'emb_max_norm.w_after', 1e-6);
    } finally {
      m.dispose();
    }
  }));

  it('fromPretrained: shares the embeddings, frozen by default; the refusals', () => noLeak(() => {
    const e = r('eb.weight').clone();
    const m = nn.Embedding.fromPretrained(e, { paddingIdx: 0 });
    try {
      const p = ref.extra.emb_pretrained as { requires_grad: boolean; repr: string };
      assert.equal(m.weight.requiresGrad, p.requires_grad);
      assert.equal(m.toString(), p.repr);
      close(m.forward(torch.tensor([[1, 2, 4], [4, 3, 9]])), 'emb_pretrained.y', 0);
      e.mul_(2);
      close(m.weight, e, 0, 'the same storage');
      const trainable = nn.Embedding.fromPretrained(e, { freeze: false });
      assert.equal(trainable.weight.requiresGrad, true);
      trainable.dispose();
    } finally {
      m.dispose();
    }
    rejects('emb_err_module_padding', RangeError, () => new nn.Embedding(10, 3, { paddingIdx: -11 }));
    rejects('emb_err_module_weight', RangeError, () => new nn.Embedding(10, 4, { _weight: r('eb.weight') }));
    rejects('emb_err_pretrained_1d', RangeError, () => nn.Embedding.fromPretrained(torch.ones(3)));
    assert.throws(() => new nn.Embedding(10, 3, { paddingIdex: 1 } as never), /Embedding: unknown option 'paddingIdex'/);
  }));
});

describe('F.fractionalMaxPool2d / 3d vs PyTorch', () => {
  const cases: [string, 2 | 3, number | number[], Record<string, unknown>][] = [
    ['fmp2d', 2, 3, { outputSize: [5, 4] }],
    ['fmp2d_ratio', 2, [2, 3], { outputRatio: 0.5 }],
    ['fmp3d', 3, 2, { outputSize: [4, 5, 3] }],
    ['fmp3d_ratio', 3, [2, 2, 3], { outputRatio: [0.5, 0.6, 0.5] }],
  ];
  for (const [name, dims, kernel, opts] of cases) {
    it(`${name}: values, indices and the input gradient with explicit _randomSamples`, () => noLeak(() => {
      const x = r(`${name}.x`).clone().requiresGrad_(true);
      const o = { ...opts, returnIndices: true as const, _randomSamples: r(`${name}.samples`) };
      const { values, indices } = dims === 2 ? F.fractionalMaxPool2d(x, kernel as number, o) : F.fractionalMaxPool3d(x, kernel as number, o);
      close(values, `${name}.y`, 0);
      assert.equal(indices.equal(r(`${name}.idx`)), true, 'indices');
      values.mul(r(`${name}.g`)).sum().backward();
      close(grad(x), `${name}.gx`, 1e-6);
    }));
  }

  it('samples drawn as Python draws them (seeded), without returnIndices', () => noLeak(() => {
    torch.manualSeed(21);
    close(F.fractionalMaxPool2d(r('fmp_seeded.x'), 2, { outputRatio: [0.6, 0.7] }), 'fmp_seeded.y', 0);
    torch.manualSeed(22);
    close(F.fractionalMaxPool3d(r('fmp3d.x'), 2, { outputSize: 3 }), 'fmp3_seeded.y', 0);
    torch.manualSeed(22);
    close(F.fractionalMaxPool3d(r('fmp3d.x'), 2, 3), 'fmp3_seeded.y', 0, 'positional outputSize');
  }));

  it('nn.FractionalMaxPool2d: _randomSamples is a buffer; returnIndices', () => noLeak(() => {
    const m = new nn.FractionalMaxPool2d(3, { outputSize: 5, returnIndices: true, _randomSamples: r('fmp2d.samples') });
    try {
      const { values, indices } = m.forward(r('fmp2d.x'));
      close(values, 'fmp_module.y', 0);
      assert.equal(indices.equal(r('fmp_module.idx')), true);
      assert.deepEqual([...m.stateDict().keys()], (ref.extra.fmp_module as { state_dict: string[] }).state_dict);
    } finally {
      m.dispose();
    }
    const drawn = new nn.FractionalMaxPool3d(2, { outputRatio: 0.5 });
    try {
      assert.deepEqual([...drawn.stateDict().keys()], []);
      torch.manualSeed(22);
      assert.deepEqual(drawn.forward(r('fmp3d.x')).shape, [2, 2, 3, 4, 3]);
    } finally {
      drawn.dispose();
    }
  }));

  it('Python\'s argument errors', () => {
    const x = r('fmp2d.x');
    rejects('fmp_err_no_size', TypeError, () => F.fractionalMaxPool2d(x, 2, {}));
    rejects('fmp_err_too_big', TorchError, () => F.fractionalMaxPool2d(x, 3, { outputSize: 9, _randomSamples: r('fmp2d.samples') }), /too large/);
    rejects('fmp_err_module_both', TypeError, () => new nn.FractionalMaxPool2d(2, { outputSize: 3, outputRatio: 0.5 }));
    rejects('fmp_err_module_ratio', RangeError, () => new nn.FractionalMaxPool2d(2, { outputRatio: 1.5 }));
    rejects('fmp_err_module_none', TypeError, () => new nn.FractionalMaxPool3d(2));
    noLeak(() => {
      assert.throws(() => F.fractionalMaxPool2d(x, [2, 2, 2] as never, { outputSize: 3 }), TypeError);
      assert.throws(() => F.fractionalMaxPool2d(x, 2, { outputSize: 3, seed: 1 } as never), TypeError);
    });
  });
});

describe('torch.stft / torch.istft vs PyTorch', () => {
  const sig = (): torch.Tensor => r('stft.sig');
  const cases: [string, () => torch.Tensor, number, () => torch.StftOptions][] = [
    ['st_default', sig, 16, () => ({ window: torch.hannWindow(16), returnComplex: true })],
    ['st_nocenter', sig, 20, () => ({ hopLength: 5, winLength: 12, window: torch.hannWindow(12), center: false, returnComplex: true })],
    ['st_constant', () => sig().select(0, 0), 15, () => ({ hopLength: 3, padMode: 'constant', normalized: true, onesided: false, returnComplex: true })],
    ['st_replicate', sig, 8, () => ({ hopLength: 8, padMode: 'replicate', window: torch.hammingWindow(8), returnComplex: true })],
    ['st_circular', sig, 10, () => ({ padMode: 'circular', returnComplex: true })],
    ['st_real', sig, 16, () => ({ window: torch.hannWindow(16), returnComplex: false })],
  ];
  for (const [name, input, nFft, opts] of cases) {
    it(`${name}: the transform (through viewAsReal when complex) and the signal gradient`, () => noLeak(() => {
      const x = input().clone().requiresGrad_(true);
      const o = opts();
      const s = torch.stft(x, nFft, o);
      const y = o.returnComplex ? torch.viewAsReal(s) : s;
      close(y, `${name}.y`, 1e-5);
      y.mul(r(`${name}.g`)).sum().backward();
      close(grad(x), `${name}.gx`, 1e-5);
    }));
  }

  it('Tensor.stft with Python\'s positional order; istft inverts the centred transform', () => noLeak(() => {
    const w = torch.hannWindow(16);
    close(torch.viewAsReal(sig().stft(16, 4, 16, w, true, 'reflect', false, true, true)), 'st_method.y', 1e-5);
    const s = torch.stft(sig(), 16, { window: w, returnComplex: true });
    const back = torch.istft(s, 16, { window: w, length: 100 });
    close(back, 'istft.y', 1e-5);
    close(s.istft(16, { window: w, length: 100 }), 'istft.y', 1e-5, 'Tensor.istft');
    // the round trip itself: float32 FFT and overlap-add of ≤ 4 frames, ≲ 1e-6 relative
    close(back, sig(), 1e-5, 'round trip');
  }));

  it('Python\'s errors', () => {
    // returnComplex left out for a real signal: an error from LibTorch 2.x, a deprecation warning on 1.13
    if (errors().st_err_return_complex) rejects('st_err_return_complex', TorchError, () => torch.stft(sig(), 16), /return_complex/);
    else noLeak(() => { assert.deepEqual(torch.stft(sig(), 16).shape, [2, 9, 26, 2]); });
    rejects('st_err_pad_mode', [TypeError, TorchError], () => torch.stft(sig(), 16, { padMode: 'wrap' as never, returnComplex: true }));
    rejects('st_err_window', TorchError, () => torch.stft(sig(), 16, { window: torch.ones(7), returnComplex: true }), /window/);
    noLeak(() => {
      assert.throws(() => torch.stft(sig(), 16, { hop: 4 } as never), TypeError);
      assert.throws(() => torch.stft(sig(), 16.5 as never), TypeError);
      assert.throws(() => torch.stft([1, 2, 3] as never, 2), TypeError);
      assert.throws(() => torch.stft(sig(), 16, { center: true, alignToWindow: true, returnComplex: true }), TypeError);
    });
  });
});
