/**
 * Complex tensors (complex64 / complex128) against Python PyTorch (test/reference/core_complex.py):
 * made from parts or JS numbers, read back as (real, imaginary) pairs, used by ops and autograd,
 * and written to / read from .pt files both ways. JS has no complex number: data() and toArray()
 * give view_as_real's layout, and item() refuses with a TypeError.
 */
import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as torch from '../lib/index';
import { disposeReference, loadReference, maxAbsDiff, Reference, runReference } from './helpers/reference';

function inputs(): { re: torch.Tensor; im: torch.Tensor } {
  // the same values as core_complex.py's
  return { re: torch.linspace(-1.5, 2.0, 12).reshape([3, 4]), im: torch.linspace(0.5, -2.5, 12).reshape([3, 4]) };
}

/** Largest |a − b| over the (real, imaginary) parts, of tensors of one dtype and shape. */
function maxDiff(a: torch.Tensor, b: torch.Tensor): number {
  assert.strictEqual(a.dtype, b.dtype);
  assert.deepStrictEqual(a.shape, b.shape);
  return maxAbsDiff(a, b);
}

describe('complex tensors vs Python PyTorch', function () {
  this.timeout(120000);
  let ref: Reference;
  let dir: string;
  before(() => {
    dir = runReference('core_complex.py');
    ref = loadReference(dir);
  });
  after(() => disposeReference(ref));

  it('the dtype table names complex64 and complex128 as PyTorch does', () => {
    assert.ok(torch.DTYPES.includes('complex64') && torch.DTYPES.includes('complex128'));
    assert.strictEqual(ref.get('z').dtype, 'complex64');
    assert.strictEqual(ref.get('cast128').dtype, 'complex128');
  });

  it('ops on complex values match Python', () => {
    const before = torch.memory().numTensors;
    torch.tidy(() => {
      const { re, im } = inputs();
      const z = torch.complex(re, im);
      const w = torch.polar(re.abs().add(0.5), im);
      // elementwise ops of O(1..10) values in float32: a few ulps (u = 6e-8) of results up to ~20;
      // exp reaches e^2 · |cos|, matmul sums 4 products of such values
      const got: Record<string, [torch.Tensor, number]> = {
        z: [z, 0],
        w: [w, 1e-6],
        mul: [z.mul(w), 1e-5],
        add_scalar: [z.add(2), 0],
        abs: [z.abs(), 1e-6],
        angle: [z.angle(), 1e-6],
        conj: [z.conj().resolveConj(), 0],
        real: [torch.real(z).contiguous(), 0],
        imag: [torch.imag(z).contiguous(), 0],
        matmul: [z.matmul(w.transpose(0, 1)), 1e-5],
        exp: [z.exp(), 1e-5],
        sum: [z.sum(1), 1e-6],
        view_as_real: [torch.viewAsReal(z).contiguous(), 0],
        cast128: [z.to('complex128'), 0],
        from_list: [torch.tensor([1.0, 2.5, -3.0], { dtype: 'complex64' }), 0],
      };
      for (const [name, [t, tol]] of Object.entries(got)) {
        assert.ok(maxDiff(t, ref.get(name)) <= tol, `${name}: ${maxDiff(t, ref.get(name))} > ${tol}`);
      }
    });
    assert.strictEqual(torch.memory().numTensors, before);
  });

  it('gradients through complex intermediates match Python', () => {
    const { re, im } = inputs();
    const x = re.requiresGrad_(true);
    const y = im.requiresGrad_(true);
    torch.tidy(() => { torch.complex(x, y).mul(torch.complex(y, x)).abs().sum().backward(); });
    // d|z·w|/dx of O(1) values: a handful of float32 roundings
    assert.ok(maxDiff(x.grad!, ref.get('grad_x')) <= 1e-5);
    assert.ok(maxDiff(y.grad!, ref.get('grad_y')) <= 1e-5);
    for (const t of [x.grad!, y.grad!, x, y]) t.dispose();
  });

  it('data() and toArray() give (real, imaginary) pairs; item() refuses', () => {
    torch.tidy(() => {
      // × i: exact in float32; `+ 0` folds the signed zeros the kernel may produce into one
      const z = ref.get('from_list').mul(torch.complex(torch.zeros([1]), torch.ones([1])));
      const plain = (a: number[]): number[] => a.map((v) => v + 0);
      assert.ok(z.data() instanceof Float32Array);
      assert.deepStrictEqual(plain(Array.from(z.data() as Float32Array)), [0, 1, 0, 2.5, 0, -3]);
      assert.deepStrictEqual((z.toArray() as number[][]).map(plain), [[0, 1], [0, 2.5], [0, -3]]);
      assert.ok(ref.get('cast128').data() instanceof Float64Array);
      assert.throws(() => z.select(0, 1).item(), (e: unknown) => e instanceof TypeError && /viewAsReal/.test((e as Error).message));
    });
  });

  it('.pt files with complex tensors, both ways', () => {
    const loaded = torch.load(path.join(dir, 'py.pt')) as Map<string, torch.Tensor>;
    try {
      assert.strictEqual(loaded.get('z')!.dtype, 'complex64');
      assert.strictEqual(maxDiff(loaded.get('z')!, ref.get('z')), 0);
      assert.strictEqual(loaded.get('w128')!.dtype, 'complex128');
      torch.tidy(() => assert.strictEqual(maxDiff(loaded.get('w128')!, ref.get('w').to('complex128')), 0));
    } finally {
      for (const t of loaded.values()) t.dispose();
    }
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'svf-complex-'));
    try {
      const file = path.join(tmp, 'js.pt');
      torch.tidy(() => {
        const { re, im } = inputs();
        const z = torch.complex(re, im);
        torch.save({ z, z128: z.to('complex128') }, file);
      });
      const check = JSON.parse(fs.readFileSync(path.join(runReference('core_complex.py', [file], 'core_complex_check'), 'check.json'), 'utf8'));
      assert.deepStrictEqual(check, {
        keys: ['z', 'z128'], dtypes: { z: 'torch.complex64', z128: 'torch.complex128' }, zEqual: true, z128Equal: true,
      });
      // safetensors has no complex dtype: refused, nothing written
      const st = path.join(tmp, 'z.safetensors');
      torch.tidy(() => assert.throws(() => torch.saveSafetensors({ z: ref.get('z').clone() }, st), /safetensors has no dtype for complex64/));
      assert.ok(!fs.existsSync(st));
    } finally {
      fs.rmSync(tmp, { recursive: true, force: true });
    }
  });
});
