/**
 * SGD and AdamW against PyTorch 1.13 (test/reference/optim_steps.py): same initial parameters,
 * same gradient at every step, parameters compared after each of 10 steps in float32 and
 * float64, the final optimizer state compared too, and a stateDict round trip (save after 5
 * steps, load into a fresh optimizer, 5 more) compared with the uninterrupted PyTorch run.
 */
import { strict as assert } from 'assert';
import * as torch from '../lib/index';
import { disposeReference, loadReference, maxAbsDiff, Reference, runReference } from './helpers/reference';

const { optim } = torch;

interface PyConfig {
  kind: 'SGD' | 'AdamW';
  defaults: Record<string, unknown>;
  groups: ({ params: number[] } & Record<string, unknown>)[] | null;
  skip_p1: number[];
}

// The configs optim_steps.py runs (checked against its manifest below).
const CONFIG_NAMES = [
  'sgd_plain', 'sgd_momentum', 'sgd_dampening', 'sgd_nesterov', 'sgd_weight_decay', 'sgd_plain_weight_decay',
  'sgd_maximize', 'sgd_nesterov_wd_maximize', 'sgd_skip', 'sgd_groups',
  'adamw_default', 'adamw_amsgrad', 'adamw_weight_decay', 'adamw_no_weight_decay', 'adamw_maximize', 'adamw_skip',
  'adamw_groups',
];
const DTYPES = ['float32', 'float64'] as const;
// Relative to the largest |value| of the reference tensor. Optimizer updates are elementwise (no
// reductions whose order could differ): a handful of operations per element per step, each within
// half an ulp, so a few steps stay within ~10u of the parameter scale — u = 6e-8 in float32
// (1e-6), 1.1e-16 in float64 (1e-12 leaves the same headroom for sqrt/div in AdamW).
const TOLERANCE = { float32: 1e-6, float64: 1e-12 };

/** Python's keyword arguments → this library's camelCase options. */
function camelOptions(o: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(o)) out[k.replace(/_([a-z])/g, (_m, c: string) => c.toUpperCase())] = v;
  return out;
}

function makeOptimizer(cfg: PyConfig, params: torch.Tensor[], override: Record<string, unknown> = {}): torch.optim.Optimizer {
  const defaults = { ...camelOptions(cfg.defaults), ...override };
  const groups = cfg.groups === null ? params : cfg.groups.map((g) => ({ ...camelOptions(g), params: g.params.map((i) => params[i]) }));
  return cfg.kind === 'SGD' ? new optim.SGD(groups as torch.Tensor[], defaults) : new optim.AdamW(groups as torch.Tensor[], defaults);
}

function relDiff(a: torch.Tensor, b: torch.Tensor): number {
  const scale = torch.tidy(() => Math.max(b.abs().max().item() as number, 1e-30));
  return maxAbsDiff(a, b) / scale;
}

describe('optim: SGD and AdamW match PyTorch 1.13 step for step', function () {
  let ref: Reference;
  let configs: Record<string, PyConfig>;
  let steps: number;
  let numParams: number;
  const worst = { float32: 0, float64: 0 };

  before(function () {
    ref = loadReference(runReference('optim_steps.py'));
    configs = ref.extra.configs as Record<string, PyConfig>;
    steps = ref.extra.steps as number;
    numParams = ref.extra.num_params as number;
  });
  after(function () {
    if (ref) disposeReference(ref);
    console.log(`      worst relative difference to PyTorch: float32 ${worst.float32.toExponential(2)}, float64 ${worst.float64.toExponential(2)}`);
  });

  it('covers exactly the configs of the reference script', function () {
    assert.deepEqual(Object.keys(configs).sort(), [...CONFIG_NAMES].sort());
  });

  function freshParams(dtype: string): torch.Tensor[] {
    return Array.from({ length: numParams }, (_, i) => torch.keep(ref.get(`${dtype}/init/p${i}`).clone().requiresGrad_(true)));
  }

  /** Feeds step k's gradients (none for p1 where the config skips it) and steps. */
  function feedAndStep(opt: torch.optim.Optimizer, params: torch.Tensor[], dtype: string, name: string, k: number): void {
    torch.tidy(() => {
      params.forEach((p, i) => {
        p.grad = i === 1 && configs[name].skip_p1.includes(k) ? null : ref.get(`${dtype}/grad${k}/p${i}`).clone();
      });
      opt.step();
    });
  }

  function expectParams(params: torch.Tensor[], dtype: (typeof DTYPES)[number], name: string, k: number): void {
    params.forEach((p, i) => {
      const d = relDiff(p, ref.get(`${dtype}/${name}/step${k}/p${i}`));
      worst[dtype] = Math.max(worst[dtype], d);
      assert.ok(d <= TOLERANCE[dtype], `${name} ${dtype} step ${k} p${i}: relative difference ${d}`);
    });
  }

  for (const dtype of DTYPES) {
    for (const name of CONFIG_NAMES) {
      it(`${name} (${dtype}): parameters after each of 10 steps and the final state`, function () {
        const params = freshParams(dtype);
        const opt = makeOptimizer(configs[name], params);
        try {
          for (let k = 0; k < steps; k++) {
            feedAndStep(opt, params, dtype, name, k);
            expectParams(params, dtype, name, k);
          }
          // The state: same entries as PyTorch's state_dict()['state'], same tensors.
          const sd = opt.stateDict();
          const refKeys = [...ref.tensors.keys()].filter((k) => k.startsWith(`${dtype}/${name}/state/`)).sort();
          const ourKeys: string[] = [];
          for (const [idx, st] of sd.state) {
            for (const [key, v] of st) {
              if (v instanceof torch.Tensor) ourKeys.push(`${dtype}/${name}/state/${idx}/${key}`);
              else assert.equal(v, null, `state ${idx}.${key} should be a tensor or None`);
            }
          }
          assert.deepEqual(ourKeys.sort(), refKeys);
          for (const [idx, st] of sd.state) {
            for (const [key, v] of st) {
              if (!(v instanceof torch.Tensor)) continue;
              const r = ref.get(`${dtype}/${name}/state/${idx}/${key}`);
              assert.equal(v.dtype, r.dtype, `state ${idx}.${key} dtype`);
              const d = relDiff(v, r);
              assert.ok(d <= TOLERANCE[dtype], `${name} state ${idx}.${key}: relative difference ${d}`);
            }
          }
        } finally {
          opt.dispose();
          params.forEach((p) => p.dispose());
        }
      });
    }
  }

  // Round trip: 5 steps, stateDict, a fresh optimizer built with other hyper-parameters loads it
  // (the saved groups' options win, as in PyTorch), 5 more steps = PyTorch's uninterrupted run.
  const ROUND_TRIP: [string, Record<string, unknown>][] = [
    ['sgd_nesterov_wd_maximize', { lr: 7, momentum: 0.1 }],
    ['sgd_groups', { lr: 3 }],
    ['sgd_skip', {}],
    ['adamw_amsgrad', { lr: 0.5, betas: [0.5, 0.5] }],
    ['adamw_groups', { weightDecay: 0.3 }],
    ['adamw_skip', {}],
  ];
  for (const dtype of DTYPES) {
    for (const [name, override] of ROUND_TRIP) {
      it(`${name} (${dtype}): stateDict after 5 steps → loadStateDict into a fresh optimizer → 5 more steps`, function () {
        const params = freshParams(dtype);
        const first = makeOptimizer(configs[name], params);
        let second: torch.optim.Optimizer | undefined;
        let resumed: torch.Tensor[] = [];
        try {
          for (let k = 0; k < 5; k++) feedAndStep(first, params, dtype, name, k);
          const sd = first.stateDict();
          resumed = params.map((p) => torch.keep(p.detach().clone().requiresGrad_(true)));
          second = makeOptimizer(configs[name], resumed, override);
          second.loadStateDict(sd);
          for (let k = 5; k < steps; k++) {
            feedAndStep(second, resumed, dtype, name, k);
            expectParams(resumed, dtype, name, k);
            // The original keeps going on its own state: the loaded state is a copy.
            feedAndStep(first, params, dtype, name, k);
            expectParams(params, dtype, name, k);
          }
        } finally {
          first.dispose();
          second?.dispose();
          [...params, ...resumed].forEach((p) => p.dispose());
        }
      });
    }
  }
});
