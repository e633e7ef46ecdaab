/**
 * The op layer's per-call-shape overload cache (lib/oplayer/dispatch.ts): once a call shape has
 * found its overload, later calls of that shape skip the search, and calls of another shape must
 * still find theirs. Each op here is called with alternating shapes on the same Entry, and each
 * result is checked against the arithmetic done in JS on the same small integer-valued inputs
 * (exact in float32, so the comparisons are exact).
 */
import * as assert from 'assert';
import * as torch from '../lib/index';
import { Tensor } from '../lib/index';

const values = (t: Tensor): number[] => Array.from(t.data() as Float32Array, Number);

describe('ops: the call-shape cache of the generated layer', function () {
  it('one op, alternating call shapes: each picks its own overload every time', function () {
    torch.tidy(() => {
      const a = torch.tensor([[1, 2], [3, 4]]);
      const b = torch.tensor([[10, 20], [30, 40]]);
      for (let round = 0; round < 3; round++) {
        assert.deepStrictEqual(values(a.add(b)), [11, 22, 33, 44]);                // add.Tensor
        assert.deepStrictEqual(values(a.add(2)), [3, 4, 5, 6]);                    // add.Scalar, int
        assert.deepStrictEqual(values(a.add(0.5)), [1.5, 2.5, 3.5, 4.5]);          // add.Scalar, float
        assert.deepStrictEqual(values(a.add(b, { alpha: 2 })), [21, 42, 63, 84]);  // keyword: not cached
        assert.deepStrictEqual(values(a.add(b, 3)), [31, 62, 93, 124]);            // svf-torch's plain alpha
        assert.deepStrictEqual(values(a.sum()), [10]);
        assert.deepStrictEqual(values(a.sum(0)), [4, 6]);
        assert.deepStrictEqual(a.sum(1, true).shape, [2, 1]);
        assert.deepStrictEqual(values(a.max()), [4]);
        const { values: v, indices } = a.max(1);
        assert.deepStrictEqual(values(v), [2, 4]);
        assert.deepStrictEqual(Array.from(indices.data() as BigInt64Array, Number), [1, 1]);
        assert.deepStrictEqual(values(a.max(torch.full([2, 2], 2.5))), [2.5, 2.5, 3, 4]);
        assert.deepStrictEqual(a.view(4).shape, [4]);
        assert.deepStrictEqual(a.view(1, 4).shape, [1, 4]);
        assert.deepStrictEqual(a.view([4, 1]).shape, [4, 1]);
      }
    });
  });

  it('in-place ops return the receiver on the cached path too', function () {
    torch.tidy(() => {
      const a = torch.zeros([3]);
      for (let i = 0; i < 3; i++) {
        assert.strictEqual(a.add_(1), a);
        assert.strictEqual(a.mul_(2), a);
      }
      // ((0+1)·2+1)·2+1)·2 = 14
      assert.deepStrictEqual(values(a), [14, 14, 14]);
    });
  });

  it('a call shape that bound once still rejects values of the wrong type and disposed tensors', function () {
    torch.tidy(() => {
      const a = torch.ones([2]);
      const b = torch.ones([2]);
      a.mul(b);
      assert.throws(() => a.mul('x' as never), TypeError);
      const gone = torch.ones([2]);
      gone.dispose();
      assert.throws(() => a.mul(gone), torch.TorchError);
      assert.throws(() => gone.mul(a), torch.TorchError);
    });
  });
});
