/**
 * The generated op layer against Python PyTorch: every case of test/reference/ops_cases.json
 * (torch.*, Tensor methods, torch.linalg/special/nn.functional with positional arguments and
 * keyword options) is evaluated here and by test/reference/ops_crosscheck.py on the same
 * input bytes; results must have Python's structure (tensor, list, named fields also iterable),
 * shapes and dtypes, values within the tolerance of the op's class, and the cases with `grad`
 * the same gradients of sum(sin(result)).
 */
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import * as torch from '../lib/index';
import { Tensor } from '../lib/index';
import { camel } from '../lib/oplayer/schema';
import { disposeReference, loadReference, Reference, runReference } from './helpers/reference';

interface Case {
  id: string;
  f: string;
  a: unknown[];
  k?: Record<string, unknown>;
  tol?: Tolerance;
  grad?: string[];
  clone?: boolean;
}
type Tolerance = 'exact' | 'ew' | 'red' | 'lin' | 'shape';
type ResultInfo = { kind: 'dtype'; value: string } | { kind: 'tensor' } | { kind: 'named'; fields: string[] } | { kind: 'list'; n: number } | { kind: 'scalar'; value: number | boolean | string };

const CASES = JSON.parse(fs.readFileSync(path.join(__dirname, 'reference', 'ops_cases.json'), 'utf8')) as Case[];

/**
 * |ours − Python| ≤ tol · max(1, max|Python|). Both sides run the same LibTorch kernels on the
 * same CPU, so differences come only from evaluation order (threads, vector width):
 *  - exact: integer/bool results, data movement, indexing, sorting, comparisons, max/min: no arithmetic to reorder.
 *  - ew: one float32 elementwise formula per element: a few ulps (eps32 = 1.2e-7) → 1e-6.
 *  - red: sums over ≤ ~300 float32 terms of O(1) (reductions, matmul, conv, norms, losses):
 *    reordering error ≤ n·eps32·Σ|x| ≈ 300 · 1.2e-7 ≈ 4e-5 worst case, ~√n·eps typically → 5e-5.
 *  - lin: LAPACK factorizations of matrices with condition number ≤ ~10 (spd = AAᵀ + 4I):
 *    backward-stable, forward error ≈ cond · n · eps32 · growth → 1e-4 (gradients through them 5e-4).
 *  - shape: random ops: shape and dtype only.
 */
const TOL: Record<Exclude<Tolerance, 'shape'>, number> = { exact: 0, ew: 1e-6, red: 5e-5, lin: 1e-4 };
/** Gradients of sum(sin(y)) pass one more elementwise step and a sum over the output: the next class up. */
const GRAD_TOL: Record<Exclude<Tolerance, 'shape'>, number> = { exact: 1e-6, ew: 5e-6, red: 1e-4, lin: 5e-4 };

const NAMESPACES: Record<string, Record<string, unknown>> = {
  torch: torch as unknown as Record<string, unknown>,
  F: torch.nn.functional as unknown as Record<string, unknown>,
  linalg: torch.linalg as unknown as Record<string, unknown>,
  special: torch.special as unknown as Record<string, unknown>,
};

function value(x: unknown, inputs: (name: string) => Tensor): unknown {
  if (typeof x === 'string' && x.startsWith('$')) return inputs(x.slice(1));
  if (Array.isArray(x)) return x.map((v) => value(v, inputs));
  if (x && typeof x === 'object' && '$dtype' in x) return (x as { $dtype: string }).$dtype;
  if (x && typeof x === 'object' && '$num' in x) return Number((x as { $num: string }).$num.replace('inf', 'Infinity'));
  return x;
}

function call(c: Case, inputs: (name: string) => Tensor): { result: unknown; self?: Tensor } {
  const args = c.a.map((a) => value(a, inputs));
  const opts: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(c.k ?? {})) opts[camel(k)] = value(v, inputs);
  const tail = Object.keys(opts).length ? [opts] : [];
  if (c.clone) args[0] = (args[0] as Tensor).clone();
  if (c.f.startsWith('.')) {
    const self = args[0] as Tensor;
    const m = (self as unknown as Record<string, unknown>)[camel(c.f.slice(1))];
    assert.strictEqual(typeof m, 'function', `Tensor.${camel(c.f.slice(1))} is missing`);
    return { result: (m as (...a: unknown[]) => unknown).apply(self, [...args.slice(1), ...tail]), self };
  }
  const [ns, name] = [c.f.slice(0, c.f.indexOf('.')), c.f.slice(c.f.indexOf('.') + 1)];
  const fn = NAMESPACES[ns][camel(name)];
  assert.strictEqual(typeof fn, 'function', `${ns}.${camel(name)} is missing`);
  return { result: (fn as (...a: unknown[]) => unknown)(...args, ...tail), self: c.clone ? (args[0] as Tensor) : undefined };
}

/** The result's tensors in order, after checking it has Python's structure. */
function tensorsOf(c: Case, result: unknown, info: ResultInfo): Tensor[] {
  switch (info.kind) {
    case 'tensor':
      assert.ok(result instanceof Tensor, `${c.id}: expected a Tensor`);
      return [result];
    case 'named': {
      const obj = result as Record<string, unknown>;
      const items = [...(result as Iterable<Tensor>)];
      assert.strictEqual(items.length, info.fields.length, `${c.id}: iterable of ${info.fields.length}`);
      info.fields.forEach((f, i) => assert.strictEqual(obj[camel(f)], items[i], `${c.id}: field ${camel(f)}`));
      return items;
    }
    case 'list': {
      // a Python tuple/list: an array, or (PyTorch's unnamed pairs such as return_indices) any iterable
      assert.ok(result !== null && typeof (result as Iterable<Tensor>)[Symbol.iterator] === 'function', `${c.id}: expected an iterable`);
      const items = [...(result as Iterable<Tensor>)];
      assert.strictEqual(items.length, info.n);
      return items;
    }
    case 'dtype':
      assert.strictEqual(result, info.value, `${c.id}: dtype`);
      return [];
    case 'scalar':
      if (typeof info.value === 'boolean') assert.strictEqual(result, info.value);
      else assert.ok(Math.abs((result as number) - Number(info.value)) <= 1e-6 * Math.max(1, Math.abs(Number(info.value))), `${c.id}: ${String(result)} vs ${info.value}`);
      return [];
  }
}

function compare(what: string, ours: Tensor, ref: Tensor, tol: number | 'shape'): void {
  assert.deepStrictEqual(ours.shape, ref.shape, `${what}: shape`);
  assert.strictEqual(ours.dtype, ref.dtype, `${what}: dtype`);
  if (tol === 'shape' || ref.numel() === 0) return;
  torch.tidy(() => {
    if (ref.dtype === 'bool' || !torch.isFloatingPoint(ref)) {
      assert.ok(torch.equal(ours.cpu(), ref), `${what}: values differ`);
      return;
    }
    const x = ours.detach().cpu().double();
    const y = ref.double();
    const nanX = x.isnan();
    const nanY = y.isnan();
    assert.ok(torch.equal(nanX, nanY), `${what}: NaN positions differ`);
    const finite = y.isfinite();
    assert.ok(torch.equal(x.isfinite(), finite), `${what}: infinities differ`);
    const xs = x.where(finite, 0);
    const ys = y.where(finite, 0);
    const scale = Math.max(1, ys.abs().max().item() as number);
    const diff = xs.sub(ys).abs().max().item() as number;
    assert.ok(diff <= tol * scale, `${what}: max |diff| ${diff} > ${tol} · ${scale}`);
  });
}

describe('generated ops vs Python PyTorch (ops_cases.json)', function () {
  let ref: Reference;
  let results: Record<string, ResultInfo>;
  before(function () {
    ref = loadReference(runReference('ops_crosscheck.py'));
    results = ref.extra.results as Record<string, ResultInfo>;
  });
  after(() => disposeReference(ref));

  it('covers at least 400 ops and 30 gradients, all evaluated in Python', function () {
    assert.ok(CASES.length >= 400, `${CASES.length} cases`);
    assert.ok(CASES.filter((c) => c.grad).length >= 30);
    for (const c of CASES) assert.ok(results[c.id], `no Python result for ${c.id}`);
  });

  for (const c of CASES) {
    it(`${c.id}: ${c.f}`, function () {
      const input = (n: string): Tensor => ref.get(`in.${n}`);
      const tol = c.tol ?? 'ew';
      torch.tidy(() => {
        torch.manualSeed(0);
        const { result, self } = call(c, input);
        const ts = tensorsOf(c, result, results[c.id]);
        if (c.clone && c.f.endsWith('_')) assert.strictEqual(result, self, `${c.id}: an in-place op returns the tensor it changed`);
        ts.forEach((t, i) => compare(`${c.id}[${i}]`, t, ref.get(`out.${c.id}.${i}`), tol === 'shape' ? 'shape' : TOL[tol]));
      });
      if (!c.grad) return;
      torch.tidy(() => {
        const leaves = new Map(c.grad!.map((n) => [n, ref.get(`in.${n}`).clone().requiresGrad_(true)]));
        const { result } = call(c, (n) => leaves.get(n) ?? input(n));
        const outs = tensorsOf(c, result, results[c.id]).filter((t) => torch.isFloatingPoint(t));
        let loss = outs[0].float().sin().sum();
        for (const t of outs.slice(1)) loss = loss.add(t.float().sin().sum());
        const grads = torch.autograd.grad([loss], [...leaves.values()], { allowUnused: true });
        c.grad!.forEach((n, i) => {
          const gr = grads[i] ?? torch.zerosLike(leaves.get(n)!);
          compare(`${c.id} grad ${n}`, gr, ref.get(`grad.${c.id}.${n}`), GRAD_TOL[tol === 'shape' ? 'red' : tol]);
        });
      });
    });
  }
});
