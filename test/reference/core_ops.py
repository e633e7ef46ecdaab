"""Reference for test/core-ops.test.ts: deterministic inputs (saved as `in.<name>`, so the TS
side runs on the very same bytes) and the result of every Tensor op of API.md's Tensors
section (`out.<name>`; lists as `out.<name>.<i>`, (values, indices) as `.values`/`.indices`,
Python numbers and booleans in manifest extra['scalars']).
The op names here and in the test must match one for one: the test checks that too."""
import math

import torch

from reflib import outdir_from_argv, save_tensors

torch.manual_seed(1234)
g = torch.Generator().manual_seed(1234)


def randn(*s):
    return torch.randn(*s, generator=g)


I = {
    "a": randn(3, 4),
    "b": randn(3, 4),
    "c": randn(4),
    "p": torch.rand(3, 4, generator=g) + 0.5,
    "m": randn(4, 5),
    "bt1": randn(2, 3, 4),
    "bt2": randn(2, 4, 5),
    "x3": randn(2, 3, 4),
    "d": randn(3, 4).double(),
    "i": torch.randint(-5, 5, (3, 4), generator=g),
    "j": torch.randint(1, 5, (3, 4), generator=g),
    "i32": torch.randint(-100, 100, (6,), generator=g).int(),
    "u8": torch.randint(0, 255, (6,), generator=g).to(torch.uint8),
    "idx": torch.randint(0, 4, (3, 2), generator=g),
    "sel": torch.tensor([2, 0]),
    "sq": randn(1, 3, 1, 4),
    "lo": randn(3, 4) - 0.5,
    "hi": randn(3, 4) + 0.5,
    "v0": torch.tensor(-9.0),
}
I["mask"] = I["a"] > 0
I["mask2"] = I["b"] > 0
I["hf"] = I["a"].half()
I["bf"] = I["a"].bfloat16()

a, b, c, p, m, i, j, mask = (I[k] for k in ("a", "b", "c", "p", "m", "i", "j", "mask"))
inf = float("inf")


def inplace(t, fn):
    t = t.clone()
    fn(t)
    return t


OPS = {
    # ---- creation ----
    "zeros": lambda: torch.zeros(2, 3),
    "ones_int32": lambda: torch.ones(2, 3, dtype=torch.int32),
    "empty_shape": lambda: torch.empty(2, 0, 3).shape,  # compared as a shape only
    "full": lambda: torch.full((2, 2), 3.5),
    "full_int": lambda: torch.full((2, 2), 7),
    "full_bool": lambda: torch.full((2,), True),
    "arange_end": lambda: torch.arange(5),
    "arange_float": lambda: torch.arange(0, 1, 0.25),
    "arange_step": lambda: torch.arange(1, 10, 3),
    "arange_f64": lambda: torch.arange(0, 3, dtype=torch.float64),
    "linspace": lambda: torch.linspace(0, 1, 5),
    "linspace_neg": lambda: torch.linspace(-2, 3, 7),
    "eye": lambda: torch.eye(3),
    "eye_nm": lambda: torch.eye(2, 3),
    "zeros_like": lambda: torch.zeros_like(a),
    "ones_like": lambda: torch.ones_like(i),
    "ones_like_dtype": lambda: torch.ones_like(i, dtype=torch.float64),
    "tensor_int": lambda: torch.tensor([[1, 2], [3, 4]]),
    "tensor_float": lambda: torch.tensor([[1.5, 2], [3, 4]]),
    "tensor_bool": lambda: torch.tensor([True, False, True]),
    "tensor_bool_int": lambda: torch.tensor([True, 2]),
    "tensor_bool_float": lambda: torch.tensor([True, 2.5]),
    "tensor_scalar": lambda: torch.tensor(3.5),
    "tensor_empty": lambda: torch.tensor([]),
    "tensor_nan_inf": lambda: torch.tensor([math.nan, inf, -inf]),
    "tensor_as_f64": lambda: torch.tensor([1, 2], dtype=torch.float64),
    "tensor_as_f16": lambda: torch.tensor([1.5, 2.25, 1e-3], dtype=torch.float16),
    "tensor_as_bf16": lambda: torch.tensor([1.5, 2.25, 1e-3], dtype=torch.bfloat16),
    "tensor_as_int8": lambda: torch.tensor([1, -2, 3], dtype=torch.int8),
    "tensor_big_int64": lambda: torch.tensor([2**62 + 1, -(2**62) - 3]),
    "tensor_int32_shape": lambda: torch.tensor([1, 2, 3, 4, 5, 6], dtype=torch.int32).reshape(2, 3),
    "tensor_of_tensor": lambda: torch.tensor(a.tolist()),
    # ---- movement / dtype ----
    "double": lambda: a.double(),
    "float_of_int": lambda: i.float(),
    "long_trunc": lambda: (a * 3).long(),
    "to_int32": lambda: (p * 10).to(torch.int32),
    "to_bool": lambda: i.bool(),
    "to_uint8": lambda: I["i32"].to(torch.uint8),
    "half_roundtrip": lambda: a.half().float(),
    "bf16_roundtrip": lambda: a.bfloat16().float(),
    "clone": lambda: a.clone(),
    "detach": lambda: a.detach(),
    "contiguous_t": lambda: a.t().contiguous(),
    "cpu": lambda: a.cpu(),
    # ---- shape ----
    "view": lambda: a.view(4, 3),
    "view_infer": lambda: a.view(-1, 2),
    "reshape": lambda: a.reshape(-1),
    "permute": lambda: I["x3"].permute(2, 0, 1),
    "transpose": lambda: I["x3"].transpose(0, 2),
    "t": lambda: a.t(),
    "squeeze": lambda: I["sq"].squeeze(),
    "squeeze_dim": lambda: I["sq"].squeeze(0),
    "unsqueeze": lambda: c.unsqueeze(1),
    "unsqueeze_neg": lambda: a.unsqueeze(-1),
    "flatten": lambda: I["x3"].flatten(),
    "flatten_from1": lambda: I["x3"].flatten(1),
    "expand": lambda: c.expand(3, 4),
    "expand_neg": lambda: c.unsqueeze(0).expand(2, -1),
    "repeat": lambda: a.repeat(2, 1),
    "narrow": lambda: a.narrow(1, 1, 2),
    "select": lambda: a.select(1, 2),
    "select_neg": lambda: a.select(0, -1),
    "slice_step": lambda: a[:, 0:4:2],
    "slice_tail": lambda: a[1:],
    "cat0": lambda: torch.cat([a, b], 0),
    "cat1": lambda: torch.cat([a, b, a], 1),
    "stack0": lambda: torch.stack([a, b]),
    "stack2": lambda: torch.stack([a, b], 2),
    "split_size": lambda: a.split(3, 1),
    "split_sizes": lambda: a.split([1, 2], 0),
    "chunk": lambda: a.chunk(2, 1),
    "chunk_uneven": lambda: torch.arange(5).chunk(3),
    "gather": lambda: a.gather(1, I["idx"]),
    "index_select": lambda: a.index_select(1, I["sel"]),
    "masked_fill": lambda: a.masked_fill(mask, -1.5),
    "masked_fill_tensor": lambda: a.masked_fill(mask, I["v0"]),
    "where": lambda: torch.where(mask, a, b),
    "where_broadcast": lambda: torch.where(mask, a, c),
    "where_scalar_other": lambda: torch.where(mask, a, 0.5),
    "where_scalar_self": lambda: torch.where(mask, 0.5, b),
    "where_nonzero": lambda: torch.where(mask),
    # ---- math (broadcasting, scalars, promotion) ----
    "add": lambda: a + b,
    "add_broadcast": lambda: a + c,
    "add_scalar": lambda: a + 2,
    "add_alpha": lambda: torch.add(a, b, alpha=0.5),
    "add_int_scalar": lambda: i + 2,
    "add_int_float_scalar": lambda: i + 2.5,
    "add_int_float": lambda: i + a,
    "add_f64_f32": lambda: I["d"] + a,
    "sub": lambda: a - b,
    "sub_scalar": lambda: a - 1.5,
    "sub_alpha": lambda: torch.sub(a, c, alpha=2),
    "mul": lambda: a * c,
    "mul_scalar": lambda: a * 3,
    "mul_bool": lambda: a * mask,
    "div": lambda: a / p,
    "div_scalar": lambda: a / 4,
    "div_int": lambda: i / j,
    "pow": lambda: p ** b,
    "pow_scalar": lambda: p ** 2,
    "pow_half": lambda: p ** 0.5,
    "pow_int": lambda: j ** 2,
    "neg": lambda: -a,
    "sqrt": lambda: p.sqrt(),
    "rsqrt": lambda: p.rsqrt(),
    "exp": lambda: a.exp(),
    "log": lambda: p.log(),
    "abs": lambda: a.abs(),
    "abs_int": lambda: i.abs(),
    "clamp": lambda: a.clamp(-0.5, 0.5),
    "clamp_min": lambda: a.clamp(min=0),
    "clamp_max": lambda: a.clamp(max=0.2),
    "clamp_tensor": lambda: a.clamp(I["lo"], I["hi"]),
    "sign": lambda: a.sign(),
    "sigmoid": lambda: a.sigmoid(),
    "tanh": lambda: a.tanh(),
    "relu": lambda: a.relu(),
    "matmul": lambda: a.matmul(m),
    "matmul_batched": lambda: I["bt1"].matmul(I["bt2"]),
    "matmul_vec": lambda: c.matmul(m),
    "matmul_broadcast": lambda: I["bt1"].matmul(m),
    "mm": lambda: a.mm(m),
    "bmm": lambda: I["bt1"].bmm(I["bt2"]),
    # ---- reductions ----
    "sum": lambda: a.sum(),
    "sum_dim": lambda: a.sum(1),
    "sum_dims_keepdim": lambda: I["x3"].sum([0, 2], keepdim=True),
    "sum_int": lambda: i.sum(),
    "sum_bool": lambda: mask.sum(),
    "sum_dtype": lambda: a.sum(dtype=torch.float64),
    "mean": lambda: a.mean(),
    "mean_dim_keepdim": lambda: a.mean(0, keepdim=True),
    "mean_neg_dim": lambda: I["x3"].mean(-1),
    "max": lambda: a.max(),
    "max_dim": lambda: a.max(1),
    "max_dim_keepdim": lambda: a.max(0, keepdim=True),
    "max_elementwise": lambda: a.max(b),
    "min": lambda: a.min(),
    "min_dim": lambda: a.min(1),
    "min_elementwise": lambda: a.min(b),
    "max_int": lambda: i.max(),
    "argmax": lambda: a.argmax(),
    "argmax_dim": lambda: a.argmax(1),
    "argmin_dim_keepdim": lambda: a.argmin(0, keepdim=True),
    "std": lambda: a.std(),
    "std_dim": lambda: a.std(1),
    "std_biased_keepdim": lambda: a.std(1, unbiased=False, keepdim=True),
    "var": lambda: a.var(),
    "var_dims": lambda: I["x3"].var([0, 2]),
    "var_biased": lambda: a.var(unbiased=False),
    "norm": lambda: a.norm(),
    "norm_dim": lambda: a.norm(dim=1),
    "norm_p1_keepdim": lambda: a.norm(p=1, dim=1, keepdim=True),
    "norm_inf": lambda: torch.linalg.vector_norm(a, inf, dim=0),
    "norm_p3": lambda: a.norm(p=3),
    "softmax": lambda: a.softmax(1),
    "softmax_dim0": lambda: a.softmax(0),
    "softmax_f64": lambda: a.softmax(-1, dtype=torch.float64),
    "log_softmax": lambda: a.log_softmax(1),
    # ---- comparison and logic ----
    "eq": lambda: a.eq(b),
    "eq_int": lambda: i.eq(j),
    "eq_scalar": lambda: i.eq(2),
    "ne": lambda: i.ne(j),
    "lt": lambda: a.lt(0),
    "le": lambda: a.le(b),
    "gt_broadcast": lambda: a.gt(c),
    "ge_int_scalar": lambda: i.ge(0),
    "logical_and": lambda: mask.logical_and(I["mask2"]),
    "logical_or": lambda: mask.logical_or(I["mask2"]),
    "logical_not": lambda: mask.logical_not(),
    "logical_and_float": lambda: a.logical_and(i),
    "allclose_true": lambda: torch.allclose(a, a + 1e-7),
    "allclose_false": lambda: torch.allclose(a, b),
    "allclose_rtol": lambda: torch.allclose(a, a * 1.01, rtol=0.02),
    # ---- in place ----
    "add_": lambda: inplace(a, lambda t: t.add_(b)),
    "add_scalar_alpha_": lambda: inplace(a, lambda t: t.add_(c, alpha=3)),
    "sub_": lambda: inplace(a, lambda t: t.sub_(c)),
    "mul_": lambda: inplace(a, lambda t: t.mul_(2)),
    "div_": lambda: inplace(a, lambda t: t.div_(p)),
    "add_int_": lambda: inplace(i, lambda t: t.add_(3)),
    "zero_": lambda: inplace(a, lambda t: t.zero_()),
    "fill_": lambda: inplace(a, lambda t: t.fill_(2.5)),
    "copy_": lambda: inplace(a, lambda t: t.copy_(b)),
    "copy_broadcast_": lambda: inplace(a, lambda t: t.copy_(c)),
    "clamp_": lambda: inplace(a, lambda t: t.clamp_(-0.1, 0.1)),
    # ---- data out ----
    "item_float": lambda: a.sum().item(),
    "item_int": lambda: i.sum().item(),
    "item_bool": lambda: mask.all().item(),
    "f16_data": lambda: I["hf"].float(),
    "bf16_data": lambda: I["bf"].float(),
}


def flatten(name, value, tensors, scalars):
    if isinstance(value, torch.Tensor):
        tensors["out." + name] = value
    elif isinstance(value, torch.Size):
        scalars[name] = list(value)
    elif hasattr(value, "values") and hasattr(value, "indices"):
        tensors["out." + name + ".values"] = value.values
        tensors["out." + name + ".indices"] = value.indices
    elif isinstance(value, (list, tuple)):
        scalars[name + ".length"] = len(value)
        for k, v in enumerate(value):
            flatten(f"{name}.{k}", v, tensors, scalars)
    elif isinstance(value, (bool, int, float)):
        scalars[name] = value
    else:
        raise TypeError(f"{name}: cannot store {type(value)}")


def main():
    outdir = outdir_from_argv()
    tensors = {"in." + k: v for k, v in I.items()}
    scalars = {}
    for name, fn in OPS.items():
        flatten(name, fn(), tensors, scalars)
    save_tensors(outdir, tensors, {"ops": list(OPS), "scalars": scalars})


main()
