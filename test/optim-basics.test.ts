/**
 * The Optimizer machinery around the update math (which optim-steps.test.ts checks against
 * PyTorch): argument validation, param groups, zeroGrad's two modes, parameter identity,
 * skipping parameters without gradients, closures, and no tensor leaks across steps.
 */
import { strict as assert } from 'assert';
import { spawnSync } from 'child_process';
import * as torch from '../lib/index';
import { PYTHON } from './helpers/reference';
import { native } from '../lib/native';

const { optim } = torch;

/** A float tensor's elements as plain numbers. */
function values(t: torch.Tensor): number[] {
  return Array.from(t.data() as Float32Array | Float64Array);
}

function param(values: number[]): torch.Tensor {
  return torch.keep(torch.tensor(values, { dtype: 'float32', requiresGrad: true }));
}

describe('optim: Optimizer machinery', function () {
  const owned: torch.Tensor[] = [];
  const p = (values: number[]): torch.Tensor => {
    const t = param(values);
    owned.push(t);
    return t;
  };
  afterEach(function () {
    owned.splice(0).forEach((t) => t.dispose());
  });

  it('validates like PyTorch: TypeError for a missing/wrong argument, RangeError for a bad value', function () {
    const a = p([1, 2]);
    assert.throws(() => new optim.SGD([a]), TypeError); // lr is required
    assert.throws(() => new optim.SGD([a], {} as { lr: number }), /required optimization parameter lr/);
    assert.throws(() => new optim.SGD([a], { lr: -0.1 }), RangeError);
    assert.throws(() => new optim.SGD([a], { lr: 0.1, momentum: -1 }), RangeError);
    assert.throws(() => new optim.SGD([a], { lr: 0.1, weightDecay: -1 }), RangeError);
    assert.throws(() => new optim.SGD([a], { lr: 0.1, nesterov: true }), /Nesterov momentum requires a momentum and zero dampening/);
    assert.throws(() => new optim.SGD([a], { lr: 0.1, nesterov: true, momentum: 0.9, dampening: 0.1 }), RangeError);
    assert.throws(() => new optim.SGD([a], { lr: 'fast' as unknown as number }), TypeError);
    assert.throws(() => new optim.SGD([a], { lr: 0.1, momentun: 0.9 } as unknown as { lr: number }), TypeError);
    assert.throws(() => new optim.SGD([], { lr: 0.1 }), RangeError);
    assert.throws(() => new optim.SGD(a as unknown as torch.Tensor[], { lr: 0.1 }), TypeError);
    assert.throws(() => new optim.SGD([1, 2] as unknown as torch.Tensor[], { lr: 0.1 }), TypeError);
    assert.throws(() => new optim.AdamW([a], { betas: [0.9, 1.0] }), /Invalid beta parameter at index 1/);
    assert.throws(() => new optim.AdamW([a], { betas: [-0.1, 0.9] }), RangeError);
    assert.throws(() => new optim.AdamW([a], { eps: -1 }), RangeError);
    assert.throws(() => new optim.AdamW([a], { lr: -1 }), RangeError);
    assert.throws(() => new optim.AdamW([a], { betas: 0.9 as unknown as [number, number] }), TypeError);
    torch.tidy(() => {
      const nonLeaf = a.mul(2);
      assert.throws(() => new optim.SGD([nonLeaf], { lr: 0.1 }), /non-leaf/);
    });
    // lr may come from every group instead of the defaults, as in PyTorch
    const b = p([3]);
    const opt = new optim.SGD([{ params: [a], lr: 0.1 }, { params: b, lr: 0.2 }]);
    assert.deepEqual(opt.paramGroups.map((g) => g.lr), [0.1, 0.2]);
    assert.throws(() => opt.addParamGroup({ params: [p([4])] }), TypeError); // no lr anywhere
  });

  it('param groups: per-group options override the defaults; addParamGroup; no parameter in two groups', function () {
    const [a, b, c] = [p([1]), p([2]), p([3])];
    const opt = new optim.SGD([{ params: [a, b] }, { params: [c], lr: 0.01, momentum: 0.5 }], { lr: 0.1, momentum: 0.9 });
    assert.equal(opt.paramGroups.length, 2);
    assert.deepEqual(
      opt.paramGroups.map((g) => [g.lr, g.momentum, g.dampening, g.weightDecay, g.nesterov, g.maximize]),
      [[0.1, 0.9, 0, 0, false, false], [0.01, 0.5, 0, 0, false, false]],
    );
    assert.equal(opt.paramGroups[0].params[0], a);
    const d = p([4]);
    opt.addParamGroup({ params: d, weightDecay: 0.1 });
    assert.equal(opt.paramGroups[2].lr, 0.1);
    assert.equal(opt.paramGroups[2].weightDecay, 0.1);
    assert.throws(() => opt.addParamGroup({ params: [a] }), /more than one parameter group/);
    assert.throws(() => opt.addParamGroup({ params: [p([5])], momentum: -1 }), RangeError);
    assert.equal(opt.paramGroups.length, 3);
    const adam = new optim.AdamW([{ params: [a], betas: [0.5, 0.6] }, { params: [b] }]);
    assert.deepEqual(adam.paramGroups.map((g) => g.betas), [[0.5, 0.6], [0.9, 0.999]]);
    assert.deepEqual(
      [adam.paramGroups[1].lr, adam.paramGroups[1].eps, adam.paramGroups[1].weightDecay, adam.paramGroups[1].amsgrad],
      [1e-3, 1e-8, 1e-2, false],
    );
  });

  it('step updates the parameters in place (same tensors, same storage) and skips those without .grad', function () {
    const a = p([1, 2, 3]);
    const b = p([4, 5]);
    const storage = native.storageInfo(a.handle).key;
    const opt = new optim.SGD([a, b], { lr: 0.5 });
    torch.tidy(() => {
      a.grad = torch.tensor([1, 1, 1], { dtype: 'float32' });
      opt.step();
    });
    assert.equal(native.storageInfo(a.handle).key, storage);
    assert.ok(a.requiresGrad && a.isLeaf);
    assert.deepEqual(values(a), [0.5, 1.5, 2.5]);
    assert.deepEqual(values(b), [4, 5]); // no gradient: untouched
    assert.equal(opt.stateDict().state.size, 1); // and no state for it, as in PyTorch
  });

  it('zeroGrad(): the reference line\'s default (1.13: zero in place; 2.x: drop); false zeroes in place, true drops', function () {
    const a = p([1, 2]);
    const opt = new optim.SGD([a], { lr: 0.1 });
    const py = spawnSync(PYTHON, ['-c', 'import inspect, torch; print(inspect.signature(torch.optim.Optimizer.zero_grad).parameters["set_to_none"].default)'], { encoding: 'utf8' });
    assert.strictEqual(py.status, 0, py.stderr);
    torch.tidy(() => a.mul(a).sum().backward());
    opt.zeroGrad();
    assert.strictEqual(a.grad === null, py.stdout.trim() === 'True', `default set_to_none is ${py.stdout.trim()} in the reference`);
    torch.tidy(() => a.mul(a).sum().backward());
    const before = torch.tidy(() => native.storageInfo((a.grad as torch.Tensor).handle).key);
    opt.zeroGrad(false);
    torch.tidy(() => {
      const g = a.grad as torch.Tensor;
      assert.notEqual(g, null);
      assert.equal(native.storageInfo(g.handle).key, before, 'zeroed in place');
      assert.deepEqual(values(g), [0, 0]);
      assert.equal(g.requiresGrad, false);
    });
    opt.zeroGrad(true);
    assert.equal(a.grad, null);
    opt.zeroGrad(false); // nothing to do
    assert.equal(a.grad, null);
    assert.throws(() => opt.zeroGrad('yes' as unknown as boolean), TypeError);
  });

  it('zeroGrad(false) detaches a gradient that has a graph (create_graph backward)', function () {
    const a = p([1, 2]);
    const opt = new optim.SGD([a], { lr: 0.1 });
    torch.tidy(() => {
      const [g] = torch.autograd.grad(a.mul(a).sum(), a, { createGraph: true });
      a.grad = g; // a gradient with a graph behind it, as backward(create_graph=True) leaves
    });
    torch.tidy(() => assert.notEqual((a.grad as torch.Tensor).gradFn, null));
    opt.zeroGrad(false);
    torch.tidy(() => {
      const g = a.grad as torch.Tensor;
      assert.equal(g.gradFn, null);
      assert.deepEqual(values(g), [0, 0]);
    });
    opt.zeroGrad(true);
  });

  it('step(closure) evaluates the closure with gradients on and returns its loss', function () {
    const a = p([2]);
    const opt = new optim.SGD([a], { lr: 0.25 });
    const loss = torch.noGrad(() =>
      opt.step(() => {
        assert.ok(torch.isGradEnabled());
        opt.zeroGrad(true);
        return torch.tidy(() => {
          const l = a.mul(a).sum();
          l.backward();
          return l.item() as number;
        });
      }),
    );
    assert.equal(loss, 4);
    assert.deepEqual(values(a), [1]); // 2 - 0.25 * 2*2
    assert.throws(() => opt.step(5 as unknown as () => number), TypeError);
  });

  it('step() does not record autograd history', function () {
    const a = p([1, 2]);
    const opt = new optim.AdamW([a], { lr: 0.1 });
    torch.tidy(() => {
      a.grad = torch.tensor([1, -1], { dtype: 'float32' });
      opt.step();
    });
    assert.equal(a.gradFn, null);
    assert.ok(a.isLeaf);
    for (const st of opt.stateDict().state.values())
      for (const v of st.values()) if (v instanceof torch.Tensor) assert.equal(v.requiresGrad, false);
    opt.dispose();
  });

  for (const [label, make] of [
    ['SGD (momentum, nesterov, weight decay)', (ps: torch.Tensor[]) => new optim.SGD(ps, { lr: 0.1, momentum: 0.9, nesterov: true, weightDecay: 0.01 })],
    ['SGD (plain, maximize)', (ps: torch.Tensor[]) => new optim.SGD(ps, { lr: 0.1, maximize: true })],
    ['AdamW (amsgrad, maximize)', (ps: torch.Tensor[]) => new optim.AdamW(ps, { amsgrad: true, maximize: true })],
    ['AdamW (default)', (ps: torch.Tensor[]) => new optim.AdamW(ps)],
  ] as [string, (ps: torch.Tensor[]) => torch.optim.Optimizer][]) {
    it(`${label}: no tensor leaks across steps, zeroGrad, stateDict and loadStateDict`, function () {
      const ps = [p([1, 2, 3]), p([4, 5])];
      const opt = make(ps);
      const round = (k: number): void =>
        torch.tidy(() => {
          ps.forEach((q, i) => {
            q.grad = torch.full(q.shape, (k % 3) - 1 + i * 0.5, { dtype: 'float32' });
          });
          opt.step();
        });
      round(0); // creates the state
      const live = torch.memory().numTensors;
      for (let k = 1; k < 6; k++) {
        round(k);
        assert.equal(torch.memory().numTensors, live, `step ${k} leaked`);
      }
      opt.zeroGrad();
      opt.zeroGrad(true);
      assert.equal(torch.memory().numTensors, live);
      const sd = opt.stateDict(); // the optimizer's own tensors: nothing new
      assert.equal(torch.memory().numTensors, live);
      opt.loadStateDict(sd); // copies replace (and free) the old state
      assert.equal(torch.memory().numTensors, live);
      let stateTensors = 0;
      for (const st of opt.stateDict().state.values()) for (const v of st.values()) if (v instanceof torch.Tensor) stateTensors++;
      opt.dispose();
      assert.equal(torch.memory().numTensors, live - stateTensors);
    });
  }

  it('stateDict has PyTorch\'s layout; loadStateDict rejects mismatched groups', function () {
    const [a, b, c] = [p([1]), p([2]), p([3])];
    const opt = new optim.SGD([{ params: [a, b] }, { params: [c], lr: 0.5 }], { lr: 0.1, weightDecay: 0.01 });
    torch.tidy(() => {
      a.grad = torch.tensor([1], { dtype: 'float32' });
      c.grad = torch.tensor([1], { dtype: 'float32' });
      opt.step();
    });
    const sd = opt.stateDict();
    assert.ok(sd.state instanceof Map);
    assert.deepEqual([...sd.state.keys()], [0, 2]);
    assert.deepEqual([...(sd.state.get(0) as Map<string, unknown>).entries()], [['momentum_buffer', null]]);
    // The layout (keys, order, values) of the reference Python torch of this LibTorch line.
    const py = spawnSync(PYTHON, ['-c', [
      'import json, torch',
      'ps = [torch.nn.Parameter(torch.ones(1)) for _ in range(3)]',
      'o = torch.optim.SGD([{"params": ps[:2]}, {"params": ps[2:], "lr": 0.5}], lr=0.1, weight_decay=0.01)',
      'print(json.dumps(o.state_dict()["param_groups"]))',
    ].join('\n')], { encoding: 'utf8' });
    assert.strictEqual(py.status, 0, py.stderr);
    const expected = JSON.parse(py.stdout) as Record<string, unknown>[];
    assert.deepEqual(sd.param_groups, expected);
    assert.deepEqual(sd.param_groups.map((g) => Object.keys(g)), expected.map((g) => Object.keys(g)), 'key order');
    const other = new optim.SGD([a, b, c], { lr: 0.1 });
    assert.throws(() => other.loadStateDict(sd), /different number of parameter groups/);
    const other2 = new optim.SGD([{ params: [a] }, { params: [b, c] }], { lr: 0.1 });
    assert.throws(() => other2.loadStateDict(sd), /doesn't match the size/);
    assert.throws(() => other2.loadStateDict({ state: new Map() } as unknown as torch.optim.OptimizerStateDict), TypeError);
    const bad = { ...sd, param_groups: sd.param_groups.map((g) => ({ ...g, lr: -1 })) };
    const same = new optim.SGD([{ params: [a, b] }, { params: [c] }], { lr: 0.3 });
    assert.throws(() => same.loadStateDict(bad), RangeError);
    assert.equal(same.paramGroups[0].lr, 0.3, 'a rejected state dict leaves the optimizer as it was');
    same.loadStateDict(sd);
    assert.deepEqual(same.paramGroups.map((g) => [g.lr, g.weightDecay]), [[0.1, 0.01], [0.5, 0.01]]);
    assert.equal(same.paramGroups[1].params[0], c);
  });

  it('loadStateDict casts state tensors to the parameter dtype (except step) and accepts plain objects', function () {
    const a = torch.keep(torch.tensor([1, 2], { dtype: 'float64', requiresGrad: true }));
    owned.push(a);
    const opt = new optim.AdamW([a]);
    const expAvg = torch.keep(torch.tensor([0.5, 0.25], { dtype: 'float32' })); // float32, as from a float32 run
    const expAvgSq = torch.keep(torch.tensor([0.125, 0.0625], { dtype: 'float32' }));
    const step = torch.keep(torch.tensor(3, { dtype: 'float32' }));
    try {
      opt.loadStateDict({
        state: { 0: { step, exp_avg: expAvg, exp_avg_sq: expAvgSq } },
        param_groups: [{ lr: 0.01, betas: [0.9, 0.999], eps: 1e-8, weight_decay: 0, amsgrad: false, maximize: false, foreach: null, capturable: false, params: [0] }],
      });
      const st = opt.stateDict().state.get(0) as Map<string, torch.Tensor>;
      assert.equal(st.get('exp_avg')?.dtype, 'float64');
      assert.equal(st.get('exp_avg_sq')?.dtype, 'float64');
      assert.equal(st.get('step')?.dtype, 'float32');
      assert.notEqual(st.get('exp_avg'), expAvg, 'a copy, not the caller\'s tensor');
      torch.tidy(() => {
        a.grad = torch.tensor([0, 0], { dtype: 'float64' });
        opt.step();
      });
      assert.equal(st.get('step')?.item(), 4);
      assert.deepEqual(values(expAvg), [0.5, 0.25], 'the loaded-from tensors are not modified');
    } finally {
      opt.dispose();
      [expAvg, expAvgSq, step].forEach((t) => t.dispose());
    }
  });
});
