/**
 * The generated declarations make wrong arguments compile errors (each `@ts-expect-error` line
 * must fail to type-check, or ts-node refuses this file) and the same calls TypeErrors at run
 * time; the right calls type-check to PyTorch's result types.
 */
import * as assert from 'assert';
import * as torch from '../lib/index';
import { Tensor } from '../lib/index';

const F = torch.nn.functional;

describe('generated op declarations: compile-time and run-time argument checks', function () {
  it('right calls have the result types of the schemas', function () {
    torch.tidy(() => {
      const x = torch.randn([3, 4]);
      const s: Tensor = torch.sin(x);
      const { values, indices } = x.sort(1, true);
      const [v, i] = torch.topk(x, 2);
      const q: { Q: Tensor; R: Tensor } = torch.linalg.qr(x);
      const n: number = x.size(0) as number;
      const same: Tensor = x.clone().sin_();
      const g: Tensor = F.gelu(x, { approximate: 'tanh' });
      const d: Tensor = torch.div(x, x, { roundingMode: 'floor' });
      const e: Tensor = torch.einsum('ij,kj->ik', x, x);
      assert.deepStrictEqual([s.shape, values.shape, indices.dtype, v.shape, i.shape, q.R.shape, n, same.shape, g.shape, d.shape, e.shape],
        [[3, 4], [3, 4], 'int64', [3, 2], [3, 2], [3, 4], 3, [3, 4], [3, 4], [3, 4], [3, 3]]);
    });
  });

  it('wrong calls are compile errors and TypeErrors', function () {
    torch.tidy(() => {
      const x = torch.randn([3, 4]);
      // @ts-expect-error a string where a Tensor belongs
      assert.throws(() => torch.sin('x'), TypeError);
      // @ts-expect-error an unknown keyword
      assert.throws(() => torch.cumsum(x, 1, { dtpye: 'float64' }), /unknown option 'dtpye'/);
      // @ts-expect-error dim must be an integer, not a string
      assert.throws(() => x.cumsum('1'), TypeError);
      // @ts-expect-error approximate is a string
      assert.throws(() => F.gelu(x, { approximate: true }), TypeError);
      // @ts-expect-error an options object where the op takes none
      assert.throws(() => torch.sin(x, { out: x }), TypeError);
      // @ts-expect-error not a dtype name
      assert.throws(() => torch.sum(x, { dtype: 'float99' }), TypeError);
      // @ts-expect-error linalg.inv takes one matrix
      assert.throws(() => torch.linalg.inv(x, x), TypeError);
    });
  });

  it('an op absent from the loaded LibTorch is a TorchError naming it and the version', function () {
    const absent = torch.version.libtorch.startsWith('1.') ? () => torch.nn.functional.scaledDotProductAttention(torch.ones([1, 2, 2]), torch.ones([1, 2, 2]), torch.ones([1, 2, 2])) : undefined;
    if (absent) assert.throws(absent, (e: Error) => e instanceof torch.TorchError && /aten::scaled_dot_product_attention.* not available in LibTorch 1\./.test(e.message));
    else assert.ok(torch.nn.functional.scaledDotProductAttention(torch.ones([1, 2, 2]), torch.ones([1, 2, 2]), torch.ones([1, 2, 2])) instanceof Tensor);
  });
});
