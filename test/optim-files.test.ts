/**
 * Optimizer and scheduler state dicts through files, both ways (test/reference/optim_files.py):
 * PyTorch's torch.save of {optimizer, scheduler} after 5 steps → torch.load here →
 * loadStateDict → 5 more steps equal PyTorch's uninterrupted run; and svf-torch's torch.save of
 * its stateDict() after 5 steps → Python's load_state_dict → 5 more steps equal it too.
 */
import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import * as torch from '../lib/index';
import { disposeReference, loadReference, maxRelDiff, Reference, runReference } from './helpers/reference';

const { optim } = torch;
const NAMES = ['sgd', 'adamw'] as const;
type Name = (typeof NAMES)[number];

/** The same optimizer and scheduler as optim_files.py's build(). */
function build(name: Name, params: torch.Tensor[]): { opt: torch.optim.Optimizer; sched: torch.optim.lrScheduler.LRScheduler } {
  const groups = [{ params: [params[0]] }, { params: [params[1]], lr: 0.02 }];
  if (name === 'sgd') {
    const opt = new optim.SGD(groups, { lr: 0.1, momentum: 0.9, nesterov: true, weightDecay: 1e-3 });
    return { opt, sched: new optim.lrScheduler.StepLR(opt, { stepSize: 3, gamma: 0.5 }) };
  }
  const opt = new optim.AdamW(groups, { lr: 0.05, amsgrad: true });
  return { opt, sched: new optim.lrScheduler.PolyLR(opt, { maxIters: 8, power: 0.9 }) };
}

function disposeTensors(v: unknown): void {
  if (v instanceof torch.Tensor) v.dispose();
  else if (Array.isArray(v)) v.forEach(disposeTensors);
  else if (v instanceof Map) for (const x of v.values()) disposeTensors(x);
  else if (v !== null && typeof v === 'object') Object.values(v).forEach(disposeTensors);
}

describe('optim: state dicts through torch.save/torch.load files, both ways with PyTorch', function () {
  let ref: Reference;
  let outdir: string;
  let lrs: Record<Name, number[][]>;
  let steps: number;
  let resumeAt: number;

  before(function () {
    outdir = runReference('optim_files.py');
    ref = loadReference(outdir);
    lrs = ref.extra.lrs as Record<Name, number[][]>;
    steps = ref.extra.steps as number;
    resumeAt = ref.extra.resume_at as number;
  });
  after(function () {
    if (ref) disposeReference(ref);
  });

  function train(opt: torch.optim.Optimizer, sched: torch.optim.lrScheduler.LRScheduler, params: torch.Tensor[], from: number, to: number): number[][] {
    const out: number[][] = [];
    for (let k = from; k < to; k++) {
      torch.tidy(() => {
        params.forEach((p, i) => {
          p.grad = ref.get(`grad${k}/p${i}`).clone();
        });
        opt.step();
      });
      sched.step();
      out.push(sched.getLastLr());
    }
    return out;
  }

  function expectFinal(name: Name, params: torch.Tensor[], finalRef: Reference, what: string): void {
    params.forEach((p, i) => {
      const d = maxRelDiff(p, finalRef.get(`${name}/final/p${i}`));
      // elementwise float32 updates, a few roundings (u = 6e-8) per step: ~10u over the run
      assert.ok(d <= 1e-6, `${what} ${name} p${i}: relative difference ${d}`);
    });
  }

  function expectLrs(got: number[][], expected: number[][], what: string): void {
    assert.equal(got.length, expected.length);
    got.forEach((row, k) =>
      row.forEach((lr, g) => assert.ok(Math.abs(lr - expected[k][g]) <= 1e-14 * Math.abs(expected[k][g]), `${what} step ${k} group ${g}: ${lr} vs ${expected[k][g]}`)),
    );
  }

  for (const name of NAMES) {
    it(`${name}: PyTorch's saved optimizer + scheduler state loads here and continues PyTorch's run`, function () {
      const saved = torch.load(path.join(outdir, `${name}.pt`)) as Map<string, unknown>;
      const params = (saved.get('params') as torch.Tensor[]).map((t) => torch.keep(t.clone().requiresGrad_(true)));
      const { opt, sched } = build(name, params);
      try {
        opt.loadStateDict(saved.get('optimizer') as Map<string, unknown>);
        sched.loadStateDict(saved.get('scheduler') as Map<string, unknown>);
        assert.equal(sched.lastEpoch, resumeAt);
        expectLrs(train(opt, sched, params, resumeAt, steps), lrs[name].slice(resumeAt), 'lr');
        expectFinal(name, params, ref, 'resumed from PyTorch');
      } finally {
        opt.dispose();
        params.forEach((p) => p.dispose());
        disposeTensors(saved);
      }
    });
  }

  it("svf-torch's saved stateDict() loads into PyTorch's optimizer + scheduler and continues the same run", function () {
    const tsDir = path.join(path.dirname(outdir), 'optim_files_ts');
    fs.rmSync(tsDir, { recursive: true, force: true });
    fs.mkdirSync(tsDir, { recursive: true });
    for (const name of NAMES) {
      const params = [0, 1].map((i) => torch.keep(ref.get(`init/p${i}`).clone().requiresGrad_(true)));
      const { opt, sched } = build(name, params);
      try {
        expectLrs(train(opt, sched, params, 0, resumeAt), lrs[name].slice(0, resumeAt), 'lr');
        torch.tidy(() => {
          torch.save({ optimizer: opt.stateDict(), scheduler: sched.stateDict(), params: params.map((p) => p.detach()) }, path.join(tsDir, `${name}.pt`));
        });
      } finally {
        opt.dispose();
        params.forEach((p) => p.dispose());
      }
    }
    const resumed = loadReference(runReference('optim_files.py', [tsDir], 'optim_files_resume'));
    try {
      for (const name of NAMES) {
        expectLrs((resumed.extra.lrs as Record<Name, number[][]>)[name], lrs[name].slice(resumeAt), `${name} lr in PyTorch`);
        [0, 1].forEach((i) => {
          const d = maxRelDiff(resumed.get(`${name}/final/p${i}`), ref.get(`${name}/final/p${i}`));
          // as above: elementwise float32 updates, ~10u over the run
          assert.ok(d <= 1e-6, `PyTorch resumed from svf-torch's file: ${name} p${i} relative difference ${d}`);
        });
      }
    } finally {
      disposeReference(resumed);
    }
  });
});
