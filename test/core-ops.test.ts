/**
 * Every Tensor op of API.md's Tensors section against Python PyTorch 1.13 on the same inputs
 * (test/reference/core_ops.py writes both the inputs and Python's outputs). Shapes, dtypes,
 * ints and bools must match exactly; floats within 1e-6 relative.
 */
import * as assert from 'assert';
import * as torch from '../lib/index';
import { Tensor } from '../lib/index';
import { disposeReference, loadReference, Reference, runReference } from './helpers/reference';

type Result = Tensor | Tensor[] | { values: Tensor; indices: Tensor } | number | boolean | number[];
type Op = (I: (name: string) => Tensor) => Result;

const inplace = (t: Tensor, fn: (t: Tensor) => unknown): Tensor => {
  const c = t.clone();
  fn(c);
  return c;
};

/** The same names, in the same order, as OPS in core_ops.py. */
const OPS: Record<string, Op> = {
  // ---- creation ----
  zeros: () => torch.zeros([2, 3]),
  ones_int32: () => torch.ones([2, 3], { dtype: 'int32' }),
  empty_shape: () => torch.empty([2, 0, 3]).shape,
  full: () => torch.full([2, 2], 3.5),
  full_int: () => torch.full([2, 2], 7),
  full_bool: () => torch.full([2], true),
  arange_end: () => torch.arange(5),
  arange_float: () => torch.arange(0, 1, 0.25),
  arange_step: () => torch.arange(1, 10, 3),
  arange_f64: () => torch.arange(0, 3, { dtype: 'float64' }),
  linspace: () => torch.linspace(0, 1, 5),
  linspace_neg: () => torch.linspace(-2, 3, 7),
  eye: () => torch.eye(3),
  eye_nm: () => torch.eye(2, 3),
  zeros_like: (I) => torch.zerosLike(I('a')),
  ones_like: (I) => torch.onesLike(I('i')),
  ones_like_dtype: (I) => torch.onesLike(I('i'), { dtype: 'float64' }),
  tensor_int: () => torch.tensor([[1, 2], [3, 4]]),
  tensor_float: () => torch.tensor([[1.5, 2], [3, 4]]),
  tensor_bool: () => torch.tensor([true, false, true]),
  tensor_bool_int: () => torch.tensor([true, 2]),
  tensor_bool_float: () => torch.tensor([true, 2.5]),
  tensor_scalar: () => torch.tensor(3.5),
  tensor_empty: () => torch.tensor([]),
  tensor_nan_inf: () => torch.tensor([NaN, Infinity, -Infinity]),
  tensor_as_f64: () => torch.tensor([1, 2], { dtype: 'float64' }),
  tensor_as_f16: () => torch.tensor([1.5, 2.25, 1e-3], { dtype: 'float16' }),
  tensor_as_bf16: () => torch.tensor([1.5, 2.25, 1e-3], { dtype: 'bfloat16' }),
  tensor_as_int8: () => torch.tensor([1, -2, 3], { dtype: 'int8' }),
  tensor_big_int64: () => torch.tensor(BigInt64Array.from([2n ** 62n + 1n, -(2n ** 62n) - 3n])),
  tensor_int32_shape: () => torch.tensor(Int32Array.from([1, 2, 3, 4, 5, 6]), { shape: [2, 3] }),
  tensor_of_tensor: (I) => torch.tensor(I('a').toArray(), { dtype: 'float32' }),
  // ---- movement / dtype ----
  double: (I) => I('a').double(),
  float_of_int: (I) => I('i').float(),
  long_trunc: (I) => I('a').mul(3).long(),
  to_int32: (I) => I('p').mul(10).to('int32'),
  to_bool: (I) => I('i').bool(),
  to_uint8: (I) => I('i32').to('uint8'),
  half_roundtrip: (I) => I('a').half().float(),
  bf16_roundtrip: (I) => I('a').to('bfloat16').float(),
  clone: (I) => I('a').clone(),
  detach: (I) => I('a').detach(),
  contiguous_t: (I) => I('a').t().contiguous(),
  cpu: (I) => I('a').cpu(),
  // ---- shape ----
  view: (I) => I('a').view(4, 3),
  view_infer: (I) => I('a').view([-1, 2]),
  reshape: (I) => I('a').reshape(-1),
  permute: (I) => I('x3').permute(2, 0, 1),
  transpose: (I) => I('x3').transpose(0, 2),
  t: (I) => I('a').t(),
  squeeze: (I) => I('sq').squeeze(),
  squeeze_dim: (I) => I('sq').squeeze(0),
  unsqueeze: (I) => I('c').unsqueeze(1),
  unsqueeze_neg: (I) => I('a').unsqueeze(-1),
  flatten: (I) => I('x3').flatten(),
  flatten_from1: (I) => I('x3').flatten(1),
  expand: (I) => I('c').expand(3, 4),
  expand_neg: (I) => I('c').unsqueeze(0).expand([2, -1]),
  repeat: (I) => I('a').repeat(2, 1),
  narrow: (I) => I('a').narrow(1, 1, 2),
  select: (I) => I('a').select(1, 2),
  select_neg: (I) => I('a').select(0, -1),
  slice_step: (I) => I('a').slice(1, 0, 4, 2),
  slice_tail: (I) => I('a').slice(0, 1),
  cat0: (I) => torch.cat([I('a'), I('b')], 0),
  cat1: (I) => torch.cat([I('a'), I('b'), I('a')], 1),
  stack0: (I) => torch.stack([I('a'), I('b')]),
  stack2: (I) => torch.stack([I('a'), I('b')], 2),
  split_size: (I) => I('a').split(3, 1),
  split_sizes: (I) => torch.split(I('a'), [1, 2], 0),
  chunk: (I) => I('a').chunk(2, 1),
  chunk_uneven: () => torch.chunk(torch.arange(5), 3),
  gather: (I) => I('a').gather(1, I('idx')),
  index_select: (I) => I('a').indexSelect(1, I('sel')),
  masked_fill: (I) => I('a').maskedFill(I('mask'), -1.5),
  masked_fill_tensor: (I) => I('a').maskedFill(I('mask'), I('v0')),
  where: (I) => torch.where(I('mask'), I('a'), I('b')),
  where_broadcast: (I) => torch.where(I('mask'), I('a'), I('c')),
  where_scalar_other: (I) => torch.where(I('mask'), I('a'), 0.5),
  where_scalar_self: (I) => torch.where(I('mask'), 0.5, I('b')),
  where_nonzero: (I) => torch.where(I('mask')),
  // ---- math ----
  add: (I) => I('a').add(I('b')),
  add_broadcast: (I) => I('a').add(I('c')),
  add_scalar: (I) => I('a').add(2),
  add_alpha: (I) => torch.add(I('a'), I('b'), 0.5),
  add_int_scalar: (I) => I('i').add(2),
  add_int_float_scalar: (I) => I('i').add(2.5),
  add_int_float: (I) => I('i').add(I('a')),
  add_f64_f32: (I) => I('d').add(I('a')),
  sub: (I) => I('a').sub(I('b')),
  sub_scalar: (I) => I('a').sub(1.5),
  sub_alpha: (I) => torch.sub(I('a'), I('c'), 2),
  mul: (I) => I('a').mul(I('c')),
  mul_scalar: (I) => I('a').mul(3),
  mul_bool: (I) => I('a').mul(I('mask')),
  div: (I) => I('a').div(I('p')),
  div_scalar: (I) => I('a').div(4),
  div_int: (I) => I('i').div(I('j')),
  pow: (I) => I('p').pow(I('b')),
  pow_scalar: (I) => I('p').pow(2),
  pow_half: (I) => I('p').pow(0.5),
  pow_int: (I) => I('j').pow(2),
  neg: (I) => I('a').neg(),
  sqrt: (I) => I('p').sqrt(),
  rsqrt: (I) => I('p').rsqrt(),
  exp: (I) => I('a').exp(),
  log: (I) => torch.log(I('p')),
  abs: (I) => I('a').abs(),
  abs_int: (I) => I('i').abs(),
  clamp: (I) => I('a').clamp(-0.5, 0.5),
  clamp_min: (I) => I('a').clamp(0),
  clamp_max: (I) => I('a').clamp(null, 0.2),
  clamp_tensor: (I) => I('a').clamp(I('lo'), I('hi')),
  sign: (I) => I('a').sign(),
  sigmoid: (I) => I('a').sigmoid(),
  tanh: (I) => I('a').tanh(),
  relu: (I) => I('a').relu(),
  matmul: (I) => I('a').matmul(I('m')),
  matmul_batched: (I) => I('bt1').matmul(I('bt2')),
  matmul_vec: (I) => I('c').matmul(I('m')),
  matmul_broadcast: (I) => torch.matmul(I('bt1'), I('m')),
  mm: (I) => I('a').mm(I('m')),
  bmm: (I) => I('bt1').bmm(I('bt2')),
  // ---- reductions ----
  sum: (I) => I('a').sum(),
  sum_dim: (I) => I('a').sum(1),
  sum_dims_keepdim: (I) => I('x3').sum([0, 2], true),
  sum_int: (I) => I('i').sum(),
  sum_bool: (I) => I('mask').sum(),
  sum_dtype: (I) => I('a').sum(undefined, false, { dtype: 'float64' }),
  mean: (I) => I('a').mean(),
  mean_dim_keepdim: (I) => I('a').mean(0, true),
  mean_neg_dim: (I) => I('x3').mean(-1),
  max: (I) => I('a').max(),
  max_dim: (I) => I('a').max(1),
  max_dim_keepdim: (I) => I('a').max(0, true),
  max_elementwise: (I) => I('a').max(I('b')),
  min: (I) => I('a').min(),
  min_dim: (I) => I('a').min(1),
  min_elementwise: (I) => torch.min(I('a'), I('b')),
  max_int: (I) => torch.max(I('i')),
  argmax: (I) => I('a').argmax(),
  argmax_dim: (I) => I('a').argmax(1),
  argmin_dim_keepdim: (I) => I('a').argmin(0, true),
  std: (I) => I('a').std(),
  std_dim: (I) => I('a').std(1),
  std_biased_keepdim: (I) => I('a').std(1, { unbiased: false, keepdim: true }),
  var: (I) => I('a').var(),
  var_dims: (I) => torch.var(I('x3'), [0, 2]),
  var_biased: (I) => I('a').var(undefined, { unbiased: false }),
  norm: (I) => I('a').norm(),
  norm_dim: (I) => I('a').norm(2, 1),
  norm_p1_keepdim: (I) => I('a').norm(1, 1, true),
  norm_inf: (I) => torch.norm(I('a'), Infinity, 0),
  norm_p3: (I) => I('a').norm(3),
  softmax: (I) => I('a').softmax(1),
  softmax_dim0: (I) => torch.softmax(I('a'), 0),
  softmax_f64: (I) => I('a').softmax(-1, { dtype: 'float64' }),
  log_softmax: (I) => I('a').logSoftmax(1),
  // ---- comparison and logic ----
  eq: (I) => I('a').eq(I('b')),
  eq_int: (I) => I('i').eq(I('j')),
  eq_scalar: (I) => I('i').eq(2),
  ne: (I) => I('i').ne(I('j')),
  lt: (I) => I('a').lt(0),
  le: (I) => I('a').le(I('b')),
  gt_broadcast: (I) => I('a').gt(I('c')),
  ge_int_scalar: (I) => torch.ge(I('i'), 0),
  logical_and: (I) => I('mask').logicalAnd(I('mask2')),
  logical_or: (I) => I('mask').logicalOr(I('mask2')),
  logical_not: (I) => I('mask').logicalNot(),
  logical_and_float: (I) => I('a').logicalAnd(I('i')),
  allclose_true: (I) => I('a').allclose(I('a').add(1e-7)),
  allclose_false: (I) => torch.allclose(I('a'), I('b')),
  allclose_rtol: (I) => I('a').allclose(I('a').mul(1.01), { rtol: 0.02 }),
  // ---- in place ----
  add_: (I) => inplace(I('a'), (t) => t.add_(I('b'))),
  add_scalar_alpha_: (I) => inplace(I('a'), (t) => t.add_(I('c'), 3)),
  sub_: (I) => inplace(I('a'), (t) => t.sub_(I('c'))),
  mul_: (I) => inplace(I('a'), (t) => t.mul_(2)),
  div_: (I) => inplace(I('a'), (t) => t.div_(I('p'))),
  add_int_: (I) => inplace(I('i'), (t) => t.add_(3)),
  zero_: (I) => inplace(I('a'), (t) => t.zero_()),
  fill_: (I) => inplace(I('a'), (t) => t.fill_(2.5)),
  copy_: (I) => inplace(I('a'), (t) => t.copy_(I('b'))),
  copy_broadcast_: (I) => inplace(I('a'), (t) => t.copy_(I('c'))),
  clamp_: (I) => inplace(I('a'), (t) => t.clamp_(-0.1, 0.1)),
  // ---- data out ----
  item_float: (I) => I('a').sum().item(),
  item_int: (I) => I('i').sum().item(),
  item_bool: (I) => I('mask').all().item(),
  f16_data: (I) => torch.tensor(I('hf').data() as Float32Array, { shape: I('hf').shape }),
  bf16_data: (I) => torch.tensor(I('bf').data() as Float32Array, { shape: I('bf').shape }),
};

let opsOutdir: string | undefined;

// Elementwise ops are correctly rounded or within a few ulp (vectorized transcendentals ≤ 1-4
// ulp; u = 6e-8 in float32), reductions here sum ≤ 100 terms (≲ √K·u ≈ 6e-7): 1e-6 relative,
// and 1e-7 absolute for results that should be ~0 (a difference of O(1) values).
const RTOL = 1e-6;
const ATOL = 1e-7;

/** Exact for ints/bools, elementwise |a-b| <= ATOL + RTOL*|b| for floats (NaN equals NaN). */
function assertSameTensor(name: string, got: Tensor, want: Tensor): void {
  assert.deepStrictEqual(got.shape, want.shape, `${name}: shape`);
  assert.strictEqual(got.dtype, want.dtype, `${name}: dtype`);
  torch.tidy(() => {
    const floating = ['float32', 'float64', 'float16', 'bfloat16'].includes(want.dtype);
    if (!floating) {
      assert.ok(got.equal(want), `${name}: values differ\n got ${got.toString()}\nwant ${want.toString()}`);
      return;
    }
    const ok = got.double().allclose(want.double(), { rtol: RTOL, atol: ATOL, equalNan: true });
    assert.ok(ok, `${name}: values differ beyond rtol ${RTOL}\n got ${got.toString()}\nwant ${want.toString()}`);
  });
}

function compare(name: string, got: Result, ref: Reference, scalars: Record<string, unknown>): number {
  if (got instanceof Tensor) {
    assertSameTensor(name, got, ref.get('out.' + name));
    return 1;
  }
  if (Array.isArray(got) && got.every((g) => typeof g === 'number')) {
    assert.deepStrictEqual(got, scalars[name], `${name}: shape`);
    return 1;
  }
  if (Array.isArray(got)) {
    assert.strictEqual(got.length, scalars[name + '.length'], `${name}: list length`);
    return (got as Tensor[]).reduce((n, g, k) => n + compare(`${name}.${k}`, g, ref, scalars), 0);
  }
  if (typeof got === 'object') {
    return compare(name + '.values', got.values, ref, scalars) + compare(name + '.indices', got.indices, ref, scalars);
  }
  const want = scalars[name];
  if (typeof want === 'number' && !Number.isInteger(want)) {
    assert.ok(Math.abs((got as number) - want) <= ATOL + RTOL * Math.abs(want), `${name}: ${got} vs ${want}`);
  } else {
    assert.strictEqual(got, want, `${name}: ${got} vs ${want}`);
  }
  return 1;
}

describe('core: tensor ops vs PyTorch', function () {
  let ref: Reference;
  let scalars: Record<string, unknown>;
  const I = (name: string): Tensor => ref.get('in.' + name);

  before(function () {
    ref = loadReference((opsOutdir = runReference('core_ops.py')));
    scalars = ref.extra.scalars as Record<string, unknown>;
  });
  after(() => disposeReference(ref));

  it('covers exactly the ops the Python script ran, in order', function () {
    assert.deepStrictEqual(Object.keys(OPS), ref.extra.ops);
  });

  it('inputs arrive with Python dtypes and shapes', function () {
    assert.strictEqual(I('a').dtype, 'float32');
    assert.strictEqual(I('i').dtype, 'int64');
    assert.strictEqual(I('mask').dtype, 'bool');
    assert.strictEqual(I('hf').dtype, 'float16');
    assert.strictEqual(I('bf').dtype, 'bfloat16');
    assert.deepStrictEqual(I('x3').shape, [2, 3, 4]);
  });

  for (const name of Object.keys(OPS)) {
    it(name, function () {
      const before = torch.memory().numTensors;
      const n = torch.tidy(() => compare(name, OPS[name](I), ref, scalars));
      assert.ok(n >= 1);
      assert.strictEqual(torch.memory().numTensors, before, `${name} leaked tensors outside tidy`);
    });
  }
});

describe('core: data export vs PyTorch', function () {
  let ref: Reference;
  const I = (name: string): Tensor => ref.get('in.' + name);
  // The same Python run as above when it already happened (files stay on disk until the next run).
  before(() => (ref = loadReference(opsOutdir ?? runReference('core_ops.py'))));
  after(() => disposeReference(ref));

  it('data() returns the typed array of each dtype', function () {
    torch.tidy(() => {
      assert.ok(I('a').data() instanceof Float32Array);
      assert.ok(I('d').data() instanceof Float64Array);
      assert.ok(I('i').data() instanceof BigInt64Array);
      assert.ok(I('i32').data() instanceof Int32Array);
      assert.ok(I('u8').data() instanceof Uint8Array);
      assert.ok(I('mask').data() instanceof Uint8Array);
      assert.ok(I('hf').data() instanceof Float32Array);
      assert.ok(I('bf').data() instanceof Float32Array);
      assert.ok(I('i').to('int16').data() instanceof Int16Array);
      assert.ok(I('i').to('int8').data() instanceof Int8Array);
    });
  });

  it('int64 survives beyond 2^53 both ways', function () {
    torch.tidy(() => {
      const big = ref.get('out.tensor_big_int64').data() as BigInt64Array;
      assert.deepStrictEqual(Array.from(big), [2n ** 62n + 1n, -(2n ** 62n) - 3n]);
      const t = torch.tensor([2n ** 62n + 1n, 5n]);
      assert.strictEqual(t.dtype, 'int64');
      assert.strictEqual((t.data() as BigInt64Array)[0], 2n ** 62n + 1n);
    });
  });

  it('data() of a non-contiguous view is its logical order', function () {
    torch.tidy(() => {
      const got = Array.from(I('a').t().data() as Float32Array);
      const want = Array.from(ref.get('out.contiguous_t').data() as Float32Array);
      assert.deepStrictEqual(got, want);
    });
  });

  it('toArray() nests like tolist() (int64 as bigint, bool as boolean)', function () {
    torch.tidy(() => {
      const a = I('a').toArray() as number[][];
      const flat = Array.from(I('a').data() as Float32Array);
      assert.strictEqual(a.length, 3);
      assert.deepStrictEqual(a.flat(), flat);
      assert.deepStrictEqual(I('i').toArray(), (() => {
        const v = Array.from(I('i').data() as BigInt64Array);
        return [v.slice(0, 4), v.slice(4, 8), v.slice(8)];
      })());
      const m = I('mask').toArray() as boolean[][];
      assert.deepStrictEqual(m.flat(), flat.map((x) => x > 0));
      assert.strictEqual(torch.tensor(3.5).toArray(), 3.5);
    });
  });

  it('properties: shape, dtype, device, ndim, numel, requiresGrad, isLeaf', function () {
    torch.tidy(() => {
      const x = I('x3');
      assert.deepStrictEqual(x.shape, [2, 3, 4]);
      assert.strictEqual(x.ndim, 3);
      assert.strictEqual(x.numel(), 24);
      assert.strictEqual(x.device, 'cpu');
      assert.strictEqual(x.requiresGrad, false);
      assert.strictEqual(x.isLeaf, true);
      assert.strictEqual(x.grad, null);
      assert.match(torch.tensor([1.5, 2]).toString(), /1\.5000/);
    });
  });

  it('in-place ops return the very tensor they modified', function () {
    torch.tidy(() => {
      const t = I('a').clone();
      assert.strictEqual(t.add_(1), t);
      assert.strictEqual(t.mul_(t), t);
      assert.strictEqual(t.clamp_(0, 1), t);
      assert.strictEqual(t.zero_().sum().item(), 0);
    });
  });
});
