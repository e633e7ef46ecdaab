/**
 * Autograd against Python PyTorch (test/reference/core_autograd.py): backward(), backward(grad),
 * autograd.grad (first and second order), retainGraph, leaves, grad mode.
 */
import * as assert from 'assert';
import * as torch from '../lib/index';
import { Tensor, TorchError } from '../lib/index';
import { disposeReference, loadReference, maxRelDiff, Reference, runReference } from './helpers/reference';

const TOL = 1e-5; // float32 gradients through softmax/norm: same kernels, tiny reassociation at most

describe('core: autograd vs PyTorch', function () {
  let ref: Reference;
  const I = (n: string): Tensor => ref.get('in.' + n);
  const R = (n: string): Tensor => ref.get('out.' + n);
  const leaves = (): Tensor[] => ['x', 'W', 'b'].map((n) => I(n).clone().requiresGrad_());
  const f = (x: Tensor, W: Tensor, b: Tensor): Tensor => {
    const target = I('target');
    const y = torch.tanh(x.matmul(W).add(b)).softmax(1);
    const z = torch.where(y.gt(0.2), y, y.mul(0.5)).maskedFill(target.gt(0.9), 0);
    return z.mul(target).sum().add(x.pow(2).mean()).add(W.norm()).add(b.sigmoid().log().sum());
  };
  const close = (name: string, got: Tensor | null, want: Tensor): void => {
    assert.ok(got !== null, `${name}: no gradient`);
    assert.deepStrictEqual(got.shape, want.shape, `${name}: shape`);
    const d = maxRelDiff(got, want);
    assert.ok(d <= TOL, `${name}: max rel diff ${d}`);
  };

  before(() => (ref = loadReference(runReference('core_autograd.py'))));
  after(() => disposeReference(ref));

  it('backward() fills .grad of every leaf like PyTorch', function () {
    torch.tidy(() => {
      const [x, W, b] = leaves();
      const loss = f(x, W, b);
      close('loss', loss.detach(), R('loss'));
      assert.strictEqual(x.isLeaf, true);
      assert.strictEqual(loss.isLeaf, false);
      assert.strictEqual(loss.requiresGrad, true);
      assert.strictEqual(x.grad, null);
      loss.backward();
      close('x.grad', x.grad, R('backward.x'));
      close('W.grad', W.grad, R('backward.W'));
      close('b.grad', b.grad, R('backward.b'));
    });
  });

  it('autograd.grad returns gradients without touching .grad', function () {
    torch.tidy(() => {
      const [x, W, b] = leaves();
      const [gx, gW] = torch.autograd.grad(f(x, W, b), [x, W]);
      close('grad x', gx, R('grad.x'));
      close('grad W', gW, R('grad.W'));
      assert.strictEqual(x.grad, null);
    });
  });

  it('second order through createGraph', function () {
    torch.tidy(() => {
      const [x, W, b] = leaves();
      const [gx] = torch.autograd.grad(f(x, W, b), [x], { createGraph: true });
      assert.ok(gx !== null && gx.requiresGrad);
      gx!.pow(2).sum().backward();
      close('second x', x.grad, R('second.x'));
      close('second W', W.grad, R('second.W'));
    });
  });

  it('backward(gradient) of a non-scalar output (vector-Jacobian product)', function () {
    torch.tidy(() => {
      const [x, W, b] = leaves();
      const y = torch.tanh(x.matmul(W).add(b));
      assert.throws(() => y.backward(), TorchError); // implicit gradient needs a scalar
      y.backward(I('gy'));
      close('vjp x', x.grad, R('vjp.x'));
      close('vjp W', W.grad, R('vjp.W'));
      close('vjp b', b.grad, R('vjp.b'));
    });
  });

  it('retainGraph allows a second backward; gradients accumulate', function () {
    torch.tidy(() => {
      const [x, W, b] = leaves();
      const loss = f(x, W, b);
      loss.backward(null, { retainGraph: true });
      loss.backward();
      close('2 x grad', x.grad, R('backward.x').mul(2));
      assert.throws(() => loss.backward(), (e: Error) => e instanceof TorchError && /second time/.test(e.message));
      x.grad = null;
      assert.strictEqual(x.grad, null);
    });
  });

  it('noGrad / enableGrad / isGradEnabled', function () {
    torch.tidy(() => {
      const x = I('x').clone().requiresGrad_();
      assert.strictEqual(torch.isGradEnabled(), true);
      const y = torch.noGrad(() => {
        assert.strictEqual(torch.isGradEnabled(), false);
        const inner = torch.enableGrad(() => {
          assert.strictEqual(torch.isGradEnabled(), true);
          return x.mul(2);
        });
        assert.strictEqual(inner.requiresGrad, true);
        assert.strictEqual(torch.isGradEnabled(), false);
        return x.mul(2);
      });
      assert.strictEqual(y.requiresGrad, false);
      assert.strictEqual(y.isLeaf, true);
      assert.strictEqual(torch.isGradEnabled(), true);
      // the mode is restored even when fn throws
      assert.throws(() => torch.noGrad(() => { throw new Error('boom'); }), /boom/);
      assert.strictEqual(torch.isGradEnabled(), true);
    });
  });

  it('requiresGrad_ rules and detach', function () {
    torch.tidy(() => {
      assert.throws(() => torch.tensor([1, 2]).requiresGrad_(), (e: Error) => e instanceof TorchError && /floating point/.test(e.message));
      assert.throws(() => torch.ones([2]).requiresGrad_(1 as unknown as boolean), TypeError);
      const x = torch.ones([2], { requiresGrad: true });
      assert.strictEqual(x.requiresGrad, true);
      const y = x.mul(3);
      assert.match(y.gradFn ?? '', /^MulBackward/);
      assert.strictEqual(y.detach().requiresGrad, false);
      x.requiresGrad_(false);
      assert.strictEqual(x.requiresGrad, false);
      // autograd.grad on something that does not require grad is a TorchError, not a crash
      assert.throws(() => torch.autograd.grad(torch.ones([1]).sum(), [torch.ones([1])]), TorchError);
    });
  });
});
