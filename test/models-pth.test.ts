/**
 * ResNet weights across the language boundary as real .pth files (test/reference/models_pth.py):
 * Python's torch.save (zip and legacy formats) → torch.load → strict loadStateDict gives PyTorch's
 * eval output, training-mode running stats and gradients; svf-torch's torch.save of the state_dict
 * loads strictly into the torchvision model in Python with every value equal. Also a nested
 * DataParallel checkpoint ({epoch, state_dict: {'module.…'}}) through stripPrefix.
 */
import { strict as assert } from 'assert';
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import * as torch from '../lib/index';
import { models } from '../lib/index';
import { disposeReference, loadReference, maxRelDiff, PYTHON, Reference, runReference } from './helpers/reference';

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

// keep in step with VARIANTS in test/reference/models_pth.py (same architecture options)
const VARIANTS: { name: string; build: () => models.ResNet }[] = [
  { name: 'resnet18', build: () => models.resnet18() },
  { name: 'resnet50', build: () => models.resnet50() },
  { name: 'resnext50_32x4d', build: () => models.resnext50_32x4d({ numClasses: 10 }) },
  { name: 'wide_resnet50_2', build: () => models.wide_resnet50_2({ numClasses: 10 }) },
];

const CHECKER = path.join(__dirname, 'reference', 'models_pth.py');

/** The worst differences seen per variant, printed at the end for the record. */
const measured: Record<string, Record<string, number>> = {};
function record(variant: string, what: string, d: number): void {
  const m = (measured[variant] ??= {});
  m[what] = Math.max(m[what] ?? 0, d);
}

/** max|a-b| / max|b| in float32 (enough for the 1e-4 gradient tolerance, and half the memory). */
function relDiff32(a: torch.Tensor, b: torch.Tensor): number {
  return torch.tidy(() => (a.sub(b).abs().max().item() as number) / Math.max(b.abs().max().item() as number, 1e-30));
}

function disposeLoaded(v: unknown): void {
  if (v instanceof torch.Tensor) v.dispose();
  else if (v instanceof Map) for (const x of v.values()) disposeLoaded(x);
  else if (Array.isArray(v)) v.forEach(disposeLoaded);
}

function loadStateDictFile(file: string): Map<string, torch.Tensor> {
  const sd = torch.load(file);
  assert.ok(sd instanceof Map, `${path.basename(file)}: expected a Map (OrderedDict)`);
  return sd as Map<string, torch.Tensor>;
}

function evalOutputDiff(net: models.ResNet, ref: Reference): number {
  net.eval();
  return torch.tidy(() => {
    const out = torch.noGrad(() => net.forward(ref.get('x')));
    assert.deepEqual(out.shape, ref.get('out_eval').shape);
    return maxRelDiff(out, ref.get('out_eval'));
  });
}

for (const v of VARIANTS) {
  describe(`models.${v.name}: .pth files from and to Python PyTorch`, function () {
    this.timeout(300000);
    let ref: Reference;
    let outdir: string;
    let net: models.ResNet;
    let keys: string[];
    const file = (name: string): string => path.join(outdir, name);

    before(() => {
      outdir = runReference('models_pth.py', [v.name], `models_pth_${v.name}`);
      ref = loadReference(outdir);
      keys = ref.extra.keys as string[];
      net = v.build();
    });
    after(() => {
      net?.dispose();
      if (ref) disposeReference(ref);
      if (outdir) fs.rmSync(outdir, { recursive: true, force: true }); // up to ~1 GB for the wide net
    });

    it('torch.load of the zip-format .pth loads strictly and gives the eval output (1e-5)', () => {
      const sd = loadStateDictFile(file('model_zip.pth'));
      try {
        assert.deepEqual([...sd.keys()], keys);
        assert.deepEqual(net.loadStateDict(sd, { strict: true }), { missingKeys: [], unexpectedKeys: [] });
      } finally {
        disposeLoaded(sd);
      }
      const d = evalOutputDiff(net, ref);
      record(v.name, 'eval output', d);
      assert.ok(d < FORWARD_TOL, `eval output rel diff ${d}`);
    });

    it('the legacy-format .pth holds exactly the same state_dict', () => {
      const sd = loadStateDictFile(file('model_legacy.pth'));
      try {
        assert.deepEqual([...sd.keys()], keys);
        const own = net.stateDict();
        for (const [k, t] of sd) {
          const mine = own.get(k)!;
          assert.equal(t.dtype, mine.dtype, `${k}: dtype`);
          assert.deepEqual(t.shape, mine.shape, `${k}: shape`);
          assert.ok(t.equal(mine), `${k}: legacy value differs from the zip one`);
        }
        // and it alone drives a fresh net to PyTorch's numbers
        const fresh = v.build();
        try {
          assert.deepEqual(fresh.loadStateDict(sd, { strict: true }), { missingKeys: [], unexpectedKeys: [] });
          const d = evalOutputDiff(fresh, ref);
          record(v.name, 'eval output (legacy)', d);
          assert.ok(d < FORWARD_TOL, `eval output (legacy .pth) rel diff ${d}`);
        } finally {
          fresh.dispose();
        }
      } finally {
        disposeLoaded(sd);
      }
    });

    it('torch.save of net.stateDict() loads strictly into torchvision in Python, values equal', () => {
      const written = file('svf_torch.pth');
      torch.save(net.stateDict(), written); // before any training forward: must equal model_zip.pth
      // exits non-zero (execFileSync throws) on any missing/unexpected key or differing value
      execFileSync(PYTHON, [CHECKER, 'check', v.name, file('model_zip.pth'), written], {
        stdio: ['ignore', 'inherit', 'inherit'],
        env: { ...process.env, OMP_NUM_THREADS: process.env.OMP_NUM_THREADS || '2' },
      });
    });

    it('one training forward gives the same running stats and one backward the same gradients', () => {
      net.train();
      torch.tidy(() => {
        const out = net.forward(ref.get('x'));
        const d = maxRelDiff(out, ref.get('out_train'));
        record(v.name, 'train output', d);
        assert.ok(d < FORWARD_TOL, `train output rel diff ${d}`);
        out.pow(2).mean().backward(); // Python: out.square().mean()
      });
      assert.deepEqual(net.namedBuffers().map(([n]) => n), ref.extra.buffers);
      for (const [name, b] of net.namedBuffers()) {
        const expected = ref.get('post.' + name);
        if (b.dtype === 'int64') {
          assert.equal(b.item(), expected.item(), `${name} (num_batches_tracked)`);
        } else {
          const d = maxRelDiff(b, expected);
          record(v.name, 'running stats', d);
          assert.ok(d < FORWARD_TOL, `${name}: rel diff ${d}`);
        }
      }
      assert.deepEqual(net.namedParameters().map(([n]) => n), ref.extra.params);
      for (const [name, p] of net.namedParameters()) {
        const g = p.grad;
        assert.ok(g, `${name} has no gradient`);
        const d = relDiff32(g, ref.get('grad.' + name));
        g.dispose();
        record(v.name, 'gradients', d);
        assert.ok(d < GRAD_TOL, `grad ${name}: rel diff ${d}`);
      }
    });

    if (v.name === 'resnet18') {
      it('a state_dict from before BatchNorm had num_batches_tracked loads as in PyTorch', () => {
        const outcome = ref.extra.old_bn as Record<string, string>;
        assert.deepEqual(outcome, { pre_v2: 'loaded, num_batches_tracked 0', v2_missing: 'missing 20' }, 'what PyTorch did');
        for (const name of ['pre_v2', 'v2_missing']) {
          const sd = torch.load(file(`${name}.pth`)) as Map<string, torch.Tensor>;
          const fresh = v.build();
          try {
            if (name === 'pre_v2') {
              assert.deepEqual(fresh.loadStateDict(sd, { strict: true }), { missingKeys: [], unexpectedKeys: [] });
              assert.equal(fresh.getSubmodule('bn1').getBuffer('num_batches_tracked')!.item(), 0);
              assert.ok(!sd.has('bn1.num_batches_tracked'), "the caller's dict is left as it was");
              const d = evalOutputDiff(fresh, ref);
              assert.ok(d < FORWARD_TOL, `eval output rel diff ${d}`);
            } else {
              assert.throws(() => fresh.loadStateDict(sd, { strict: true }),
                (e: Error) => e instanceof torch.TorchError && (e.message.match(/num_batches_tracked/g) ?? []).length === 20);
            }
          } finally {
            fresh.dispose();
            disposeLoaded(sd);
          }
        }
      });

      it('a nested {epoch, state_dict: {module.…}} checkpoint loads through stripPrefix', () => {
        const ckpt = torch.load(file('checkpoint.pth'));
        const fresh = v.build();
        try {
          assert.ok(ckpt instanceof Map, 'checkpoint: expected a Map');
          assert.equal(ckpt.get('epoch'), 7);
          const wrapped = ckpt.get('state_dict') as Map<string, torch.Tensor>;
          assert.ok(wrapped instanceof Map, 'state_dict: expected a Map');
          assert.deepEqual([...wrapped.keys()], keys.map((k) => 'module.' + k));
          // without stripping, nothing matches: strict loading must refuse it
          assert.throws(() => fresh.loadStateDict(wrapped, { strict: true }), (e: Error) => e instanceof torch.TorchError && /Missing key/.test(e.message));
          const sd = torch.stripPrefix(wrapped);
          assert.deepEqual([...sd.keys()], keys);
          assert.deepEqual(fresh.loadStateDict(sd, { strict: true }), { missingKeys: [], unexpectedKeys: [] });
          const d = evalOutputDiff(fresh, ref);
          record(v.name, 'eval output (checkpoint)', d);
          assert.ok(d < FORWARD_TOL, `eval output (nested checkpoint) rel diff ${d}`);
        } finally {
          fresh.dispose();
          disposeLoaded(ckpt);
        }
      });
    }
  });
}

after(() => {
  if (Object.keys(measured).length) console.log('    models-pth max rel diffs:', JSON.stringify(measured));
});
