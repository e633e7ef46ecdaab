/**
 * LR schedulers against PyTorch 1.13 (test/reference/optim_lr_schedulers.py): StepLR,
 * CosineAnnealingLR and PolyLR/PolynomialLR driving a two-group momentum SGD (and AdamW) —
 * the lr of every group after every step, the final parameters, the scheduler's and the
 * optimizer's state dicts, and resuming from both state dicts mid-run.
 */
import { strict as assert } from 'assert';
import * as torch from '../lib/index';
import { disposeReference, loadReference, maxAbsDiff, Reference, runReference } from './helpers/reference';

const { optim } = torch;
const { lrScheduler } = optim;

interface PyRecord {
  scheduler: 'StepLR' | 'CosineAnnealingLR' | 'PolynomialLR';
  kwargs: Record<string, number>;
  optimizer: 'SGD' | 'AdamW';
  steps: number;
  lrs: number[][];
  state_dict: Record<string, unknown>;
  param_groups: Record<string, unknown>[];
}

const CONFIG_NAMES = ['step', 'step_default_gamma', 'cosine', 'cosine_default', 'poly', 'poly_power2', 'poly_adamw'];
// The lr is a chain of float64 products/cosines; Math.pow/Math.cos may differ from glibc by an ulp.
const LR_TOLERANCE = 1e-14;

function makeOptimizer(kind: 'SGD' | 'AdamW', params: torch.Tensor[]): torch.optim.Optimizer {
  const groups = [{ params: [params[0]], lr: 0.1 }, { params: [params[1]], lr: 0.02 }];
  return kind === 'SGD' ? new optim.SGD(groups, { lr: 0.05, momentum: 0.9, weightDecay: 1e-4 }) : new optim.AdamW(groups, { lr: 0.05 });
}

/** The TS scheduler for a Python config; PolynomialLR(total_iters, power) is PolyLR(maxIters, power). */
function makeScheduler(rec: PyRecord, opt: torch.optim.Optimizer): torch.optim.lrScheduler.LRScheduler {
  const k = rec.kwargs;
  switch (rec.scheduler) {
    case 'StepLR':
      return new lrScheduler.StepLR(opt, k.gamma === undefined ? { stepSize: k.step_size } : { stepSize: k.step_size, gamma: k.gamma });
    case 'CosineAnnealingLR':
      return new lrScheduler.CosineAnnealingLR(opt, k.eta_min === undefined ? { tMax: k.T_max } : { tMax: k.T_max, etaMin: k.eta_min });
    case 'PolynomialLR':
      return new lrScheduler.PolyLR(opt, { maxIters: k.total_iters, power: k.power });
  }
}

function assertClose(actual: number, expected: number, what: string): void {
  const d = Math.abs(actual - expected) / Math.max(Math.abs(expected), 1e-300);
  assert.ok(actual === expected || d <= LR_TOLERANCE, `${what}: ${actual} vs PyTorch ${expected} (relative ${d})`);
}

/** Deep comparison with numbers compared to LR_TOLERANCE. */
function assertSameStructure(actual: unknown, expected: unknown, what: string): void {
  if (typeof expected === 'number') {
    assert.equal(typeof actual, 'number', `${what} should be a number`);
    assertClose(actual as number, expected, what);
  } else if (Array.isArray(expected)) {
    assert.ok(Array.isArray(actual), `${what} should be an array`);
    assert.equal((actual as unknown[]).length, expected.length, `${what} length`);
    expected.forEach((e, i) => assertSameStructure((actual as unknown[])[i], e, `${what}[${i}]`));
  } else if (expected !== null && typeof expected === 'object') {
    const a = actual as Record<string, unknown>;
    assert.deepEqual(Object.keys(a), Object.keys(expected), `${what} keys (and their order)`);
    for (const [k, v] of Object.entries(expected)) assertSameStructure(a[k], v, `${what}.${k}`);
  } else {
    assert.equal(actual, expected, what);
  }
}

describe('optim.lrScheduler: StepLR, CosineAnnealingLR, PolyLR match PyTorch 1.13', function () {
  let ref: Reference;
  let records: Record<string, PyRecord>;
  let worst = 0;

  before(function () {
    ref = loadReference(runReference('optim_lr_schedulers.py'));
    records = ref.extra.configs as Record<string, PyRecord>;
  });
  after(function () {
    if (ref) disposeReference(ref);
    console.log(`      worst relative lr difference to PyTorch: ${worst.toExponential(2)}`);
  });

  it('covers exactly the configs of the reference script', function () {
    assert.deepEqual(Object.keys(records).sort(), [...CONFIG_NAMES].sort());
  });

  function freshParams(): torch.Tensor[] {
    return [0, 1].map((i) => torch.keep(ref.get(`init/p${i}`).clone().requiresGrad_(true)));
  }

  function trainStep(opt: torch.optim.Optimizer, params: torch.Tensor[], k: number): void {
    torch.tidy(() => {
      params.forEach((p, i) => {
        p.grad = ref.get(`grad${k}/p${i}`).clone();
      });
      opt.step();
    });
  }

  function expectLrs(sched: torch.optim.lrScheduler.LRScheduler, opt: torch.optim.Optimizer, expected: number[], what: string): void {
    const got = sched.getLastLr();
    assert.equal(got.length, expected.length);
    got.forEach((lr, i) => {
      worst = Math.max(worst, Math.abs(lr - expected[i]) / Math.max(Math.abs(expected[i]), 1e-300));
      assertClose(lr, expected[i], `${what} group ${i}`);
      assert.equal(opt.paramGroups[i].lr, lr, `${what}: the group's lr is the scheduler's`);
    });
  }

  for (const name of CONFIG_NAMES) {
    it(`${name}: lr of both groups after construction and every step, final params, state dicts`, function () {
      const rec = records[name];
      const params = freshParams();
      const opt = makeOptimizer(rec.optimizer, params);
      try {
        const sched = makeScheduler(rec, opt);
        assert.equal(sched.lastEpoch, 0);
        expectLrs(sched, opt, rec.lrs[0], `${name} initial`);
        for (let k = 0; k < rec.steps; k++) {
          trainStep(opt, params, k);
          sched.step();
          expectLrs(sched, opt, rec.lrs[k + 1], `${name} step ${k + 1}`);
        }
        assert.equal(sched.lastEpoch, rec.steps);
        params.forEach((p, i) => {
          const r = ref.get(`${name}/final/p${i}`);
          const d = maxAbsDiff(p, r) / (r.abs().max().item() as number);
          // elementwise float32 updates (a few u = 6e-8 per step) with lrs equal to 1e-14
          assert.ok(d <= 1e-6, `${name} final p${i}: relative difference ${d}`);
        });
        assertSameStructure(sched.stateDict(), rec.state_dict, `${name} scheduler stateDict`);
        const groups = opt.stateDict().param_groups.map((g) => {
          const { params: _ignored, ...rest } = g;
          return rest;
        });
        assertSameStructure(groups, rec.param_groups, `${name} optimizer param_groups`);
      } finally {
        opt.dispose();
        params.forEach((p) => p.dispose());
      }
    });
  }

  for (const name of ['step', 'cosine', 'poly']) {
    it(`${name}: resuming optimizer + scheduler from their state dicts after 5 steps continues PyTorch's sequence`, function () {
      const rec = records[name];
      const params = freshParams();
      const opt = makeOptimizer(rec.optimizer, params);
      const resumedParams: torch.Tensor[] = [];
      let opt2: torch.optim.Optimizer | undefined;
      try {
        const sched = makeScheduler(rec, opt);
        for (let k = 0; k < 5; k++) {
          trainStep(opt, params, k);
          sched.step();
        }
        const optState = opt.stateDict();
        const schedState = sched.stateDict();
        params.forEach((p) => resumedParams.push(torch.keep(p.detach().clone().requiresGrad_(true))));
        opt2 = makeOptimizer(rec.optimizer, resumedParams);
        opt2.loadStateDict(optState);
        const sched2 = makeScheduler(rec, opt2); // as in PyTorch: construct, then load
        sched2.loadStateDict(schedState);
        expectLrs(sched2, opt2, rec.lrs[5], `${name} resumed`);
        for (let k = 5; k < rec.steps; k++) {
          trainStep(opt2, resumedParams, k);
          sched2.step();
          expectLrs(sched2, opt2, rec.lrs[k + 1], `${name} resumed step ${k + 1}`);
        }
        resumedParams.forEach((p, i) => {
          const r = ref.get(`${name}/final/p${i}`);
          const d = maxAbsDiff(p, r) / (r.abs().max().item() as number);
          // the same updates after a resume from the saved state: the same bound
          assert.ok(d <= 1e-6, `${name} resumed final p${i}: relative difference ${d}`);
        });
      } finally {
        opt.dispose();
        opt2?.dispose();
        [...params, ...resumedParams].forEach((p) => p.dispose());
      }
    });
  }

  it('PolyLR follows base_lr * (1 - iter/maxIters)^power (the closed form) to rounding', function () {
    const rec = records.poly;
    const T = rec.kwargs.total_iters;
    rec.lrs.forEach((lrs, it) => {
      rec.lrs[0].forEach((base, g) => {
        const closed = base * (1 - Math.min(it, T) / T) ** rec.kwargs.power;
        assert.ok(Math.abs(lrs[g] - closed) <= 1e-15 + 1e-12 * closed, `iter ${it}: ${lrs[g]} vs ${closed}`);
      });
    });
  });

  it('validates its arguments', function () {
    const p = torch.keep(torch.zeros([2], { requiresGrad: true }));
    const opt = new optim.SGD([p], { lr: 0.1 });
    try {
      assert.throws(() => new lrScheduler.StepLR({} as torch.optim.Optimizer, { stepSize: 1 }), TypeError);
      assert.throws(() => new lrScheduler.StepLR(opt, { stepSize: 0 }), RangeError);
      assert.throws(() => new lrScheduler.StepLR(opt, { stepSize: 1.5 }), TypeError);
      assert.throws(() => new lrScheduler.PolyLR(opt, {} as { maxIters: number }), TypeError);
      assert.throws(() => new lrScheduler.PolyLR(opt, { maxIters: -3 }), RangeError);
      assert.throws(() => new lrScheduler.CosineAnnealingLR(opt, { tMax: 0 }), RangeError);
      const fresh = new optim.SGD([torch.keep(torch.zeros([1], { requiresGrad: true }))], { lr: 0.1 });
      assert.throws(() => new lrScheduler.StepLR(fresh, { stepSize: 2, lastEpoch: 3 }), RangeError); // no initial_lr to resume from
      fresh.paramGroups[0].params[0].dispose();
    } finally {
      p.dispose();
    }
  });
});
