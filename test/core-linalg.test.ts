/**
 * torch.linalg against Python PyTorch (test/reference/core_linalg.py): svd (reduced and full),
 * svdvals, norm; svdAsync runs on a libuv worker thread and agrees with svd bit for bit.
 * Singular vectors are unique up to sign, so U and Vh are compared by absolute value and by
 * reconstruction U·diag(S)·Vh = A.
 */
import * as assert from 'assert';
import * as torch from '../lib/index';
import { Tensor, TorchError } from '../lib/index';
import { disposeReference, loadReference, maxAbsDiff, maxRelDiff, Reference, runReference } from './helpers/reference';

describe('core: linalg vs PyTorch', function () {
  let ref: Reference;
  const I = (n: string): Tensor => ref.get('in.' + n);
  const R = (n: string): Tensor => ref.get('out.' + n);
  const near = (what: string, got: Tensor, want: Tensor, tol: number): void => {
    assert.deepStrictEqual(got.shape, want.shape, `${what}: shape`);
    assert.strictEqual(got.dtype, want.dtype, `${what}: dtype`);
    const d = maxRelDiff(got, want);
    assert.ok(d <= tol, `${what}: max rel diff ${d} > ${tol}`);
  };
  const reconstruct = (r: torch.linalg.SVDResult): Tensor => r.U.mul(r.S.unsqueeze(-2)).matmul(r.Vh);

  before(() => (ref = loadReference(runReference('core_linalg.py'))));
  after(() => disposeReference(ref));

  for (const name of ['tall', 'wide', 'batch', 'sq64']) {
    it(`svd(${name}): S, |U|, |Vh|, reconstruction, orthonormality`, function () {
      torch.tidy(() => {
        const A = I(name);
        // an SVD's backward error is ~n·u·‖A‖ (n ≤ 6 here): ~4e-7 in float32, ~1e-15 in float64;
        // the singular values inherit it (Weyl), and so do |U|, |Vh| divided by the gaps between
        // singular values (random matrices: gaps of order ‖A‖/n), so ≲ 1e-5 and 1e-12 hold with room
        const tol = A.dtype === 'float64' ? 1e-12 : 1e-5;
        const r = torch.linalg.svd(A);
        near('S', r.S, R(`svd.${name}.S`), tol);
        near('|U|', r.U.abs(), R(`svd.${name}.absU`), tol * 10);
        near('|Vh|', r.Vh.abs(), R(`svd.${name}.absVh`), tol * 10);
        near('U S Vh', reconstruct(r), A, tol * 10);
        const k = r.S.shape[r.S.ndim - 1];
        const eye = torch.eye(k, { dtype: A.dtype });
        assert.ok(maxAbsDiff(r.U.transpose(-2, -1).matmul(r.U), eye) < tol * 10, 'UᵀU = I');
        assert.ok(maxAbsDiff(r.Vh.matmul(r.Vh.transpose(-2, -1)), eye) < tol * 10, 'Vh Vhᵀ = I');
        near('svdvals', torch.linalg.svdvals(A), R(`svdvals.${name}`), tol);
      });
    });

    it(`svd(${name}, {fullMatrices: true}) shapes`, function () {
      torch.tidy(() => {
        const r = torch.linalg.svd(I(name), { fullMatrices: true });
        assert.deepStrictEqual(r.U.shape, Array.from(R(`svdfull.${name}.Ushape`).data() as BigInt64Array, Number));
        assert.deepStrictEqual(r.Vh.shape, Array.from(R(`svdfull.${name}.Vhshape`).data() as BigInt64Array, Number));
      });
    });
  }

  it('linalg.norm: vector and matrix orders, dims, keepdim', function () {
    torch.tidy(() => {
      const t = I('tall');
      const cases: Record<string, Tensor> = {
        default: torch.linalg.norm(t),
        fro: torch.linalg.norm(t, 'fro'),
        nuc: torch.linalg.norm(t, 'nuc'),
        ord2: torch.linalg.norm(t, 2),
        ord1: torch.linalg.norm(t, 1),
        ordinf: torch.linalg.norm(t, Infinity),
        dim1: torch.linalg.norm(t, undefined, 1),
        ord3_dim0_keepdim: torch.linalg.norm(t, 3, 0, true),
        fro_batch_dims: torch.linalg.norm(I('batch'), 'fro', [1, 2]),
        vec: torch.linalg.norm(I('vec')),
        vec_inf: torch.linalg.norm(I('vec'), Infinity),
        vec_ord0: torch.linalg.norm(I('vec'), 0),
        batch_default: torch.linalg.norm(I('batch')),
      };
      // a norm sums K ≤ 24 positive squares (relative error ≤ K·u) and the root halves it:
      // ≲ 12u ≈ 7e-7 worst case in float32 (and the same kernel on both sides)
      for (const [k, v] of Object.entries(cases)) near(`norm.${k}`, v, R(`norm.${k}`), 1e-6);
    });
  });

  it('svdAsync returns a Promise from a worker thread and matches svd exactly', async function () {
    const A = torch.keep(I('sq64').clone());
    const sync = torch.linalg.svd(A);
    const pending = torch.linalg.svdAsync(A);
    assert.ok(pending instanceof Promise);
    A.dispose(); // the worker holds its own reference: disposing the input mid-flight is safe
    const r = await pending;
    for (const k of ['U', 'S', 'Vh'] as const) {
      assert.ok(r[k].equal(sync[k]), `${k} differs from the synchronous svd`);
      r[k].dispose();
      sync[k].dispose();
    }
  });

  it('svdAsync leaves the event loop running while LAPACK works', async function () {
    const big = torch.randn([300, 300], { dtype: 'float64' });
    let ticks = 0;
    let running = true;
    const spin = (): void => { ticks++; if (running) setImmediate(spin); };
    setImmediate(spin);
    const r = await torch.linalg.svdAsync(big);
    running = false;
    assert.ok(ticks > 0, 'the event loop never ran while svdAsync was pending');
    // float64: U·diag(S)·Vh reproduces A up to ~n·u ≈ 1e-13 (n in the hundreds)
    torch.tidy(() => assert.ok(maxRelDiff(reconstruct(r), big) < 1e-10));
    for (const t of [r.U, r.S, r.Vh, big]) t.dispose();
  });

  it('svd errors are TorchErrors (sync and async), bad arguments TypeErrors', async function () {
    const v = torch.ones([3]);
    const i = torch.ones([3, 3], { dtype: 'int64' });
    assert.throws(() => torch.linalg.svd(v), TorchError);
    await assert.rejects(torch.linalg.svdAsync(v), TorchError);
    await assert.rejects(torch.linalg.svdAsync(i), (e: Error) => e instanceof TorchError && !/Exception raised from/.test(e.message));
    assert.throws(() => torch.linalg.svd('A' as unknown as Tensor), TypeError);
    assert.throws(() => torch.linalg.svd(v, { fullMatrices: 1 as unknown as boolean }), TypeError);
    assert.throws(() => torch.linalg.norm(v, 'nope' as 'fro'), TypeError);
    v.dispose();
    i.dispose();
  });
});
