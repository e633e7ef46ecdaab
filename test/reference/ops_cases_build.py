"""Writes test/reference/ops_cases.json (the cases of test/ops-crosscheck.test.ts) from the compact
tables below: edit here, run `python3 test/reference/ops_cases_build.py`, commit both."""
import json
C = []
def case(id, f, a, k=None, tol="ew", grad=None, clone=False):
    c = {"id": id, "f": f, "a": a}
    if k: c["k"] = k
    if tol != "ew": c["tol"] = tol
    if grad: c["grad"] = grad
    if clone: c["clone"] = True
    C.append(c)
D = lambda d: {"$dtype": d}
# ---- elementwise unary ----
for n in "abs neg sin cos tan sinh cosh tanh asinh atan exp exp2 expm1 sigmoid floor ceil round trunc frac sign sgn square relu erf erfc deg2rad rad2deg nan_to_num logical_not signbit isfinite isnan isinf positive fix".split():
    case(n, "torch." + n, ["$a"], tol="exact" if n in ("floor","ceil","round","trunc","sign","sgn","relu","neg","abs","logical_not","signbit","isfinite","isnan","isinf","positive","fix") else "ew")
for n in "log log2 log10 log1p sqrt rsqrt reciprocal lgamma digamma".split():
    case(n, "torch." + n, ["$p"])
for n in "asin acos atanh erfinv".split():
    case(n, "torch." + n, ["$u"])
case("acosh", "torch.acosh", ["$p1"]); case("logit", "torch.logit", ["$q"]); case("logit_eps", "torch.logit", ["$q"], {"eps": 0.1})
case("i0", "torch.i0", ["$a"]); case("sinc", "torch.sinc", ["$a"]); case("mvlgamma", "torch.mvlgamma", ["$p1"], {"p": 2})
case("polygamma", "torch.polygamma", [1, "$p"]); case("round_dec", "torch.round", ["$a"], {"decimals": 2}, tol="ew")
for n in "sin cos exp log1p abs sqrt tanh sigmoid floor neg reciprocal".split():
    src = "$p" if n in ("log1p","sqrt","reciprocal") else "$a"
    case("m_" + n, "." + n, [src], tol="exact" if n in ("floor","neg","abs") else "ew")
    case("ip_" + n, "." + n + "_", [src], clone=True, tol="exact" if n in ("floor","neg","abs") else "ew")
case("int_abs", "torch.abs", ["$i"], tol="exact"); case("int_neg", ".neg", ["$i"], tol="exact")
case("bitwise_not", "torch.bitwise_not", ["$i"], tol="exact")
# ---- binary / ternary ----
for n in "add sub mul div atan2 hypot maximum minimum fmax fmin copysign logaddexp logaddexp2 xlogy remainder fmod true_divide".split():
    case(n, "torch." + n, ["$a", "$b"])
for n in "eq ne lt le gt ge isclose logical_and logical_or logical_xor".split():
    case(n, "torch." + n, ["$a", "$b"], tol="exact")
for n in "eq lt ge".split():
    case(n + "_scalar", "torch." + n, ["$a", 0.25], tol="exact")
for n in "add sub mul div pow remainder fmod".split():
    case(n + "_scalar", "torch." + n, ["$p", 1.5])
    case("m_" + n, "." + n, ["$p", "$q"])
case("pow_tt", "torch.pow", ["$p", "$b"]); case("pow_st", "torch.pow", [2, "$a"]); case("float_power", "torch.float_power", ["$p", 2])
case("add_alpha", "torch.add", ["$a", "$b"], {"alpha": 2.5}); case("sub_alpha", ".sub", ["$a", "$b"], {"alpha": 0.5})
case("m_add_alpha", ".add", ["$a", "$b"], {"alpha": 2}); case("rsub", "torch.rsub", ["$a", "$b"])
case("div_floor", "torch.div", ["$a", "$b"], {"rounding_mode": "floor"}); case("div_trunc", "torch.div", ["$a", "$b"], {"rounding_mode": "trunc"})
case("m_div_floor", ".div", ["$i", 3], {"rounding_mode": "floor"}, tol="exact"); case("ip_div_trunc", ".div_", ["$a", 0.7], {"rounding_mode": "trunc"}, clone=True)
case("floor_divide", "torch.floor_divide", ["$i", "$j"], tol="exact"); case("int_remainder", "torch.remainder", ["$i", "$j"], tol="exact")
case("int_div", "torch.div", ["$i", "$j"]); case("int_add_float", "torch.add", ["$i", 0.5]); case("int_mul", "torch.mul", ["$i", "$j"], tol="exact")
for n in "bitwise_and bitwise_or bitwise_xor gcd lcm".split():
    case(n, "torch." + n, ["$i", "$j"], tol="exact")
case("bitwise_left_shift", "torch.bitwise_left_shift", ["$j", 2], tol="exact")
case("lerp", "torch.lerp", ["$a", "$b", 0.3]); case("lerp_t", "torch.lerp", ["$a", "$b", "$q"])
case("addcmul", "torch.addcmul", ["$a", "$b", "$c"], {"value": 0.5}); case("addcdiv", "torch.addcdiv", ["$a", "$b", "$p"], {"value": 2})
case("clamp", "torch.clamp", ["$a", -0.5, 0.5]); case("clamp_min", "torch.clamp", ["$a"], {"min": 0.1}); case("clamp_t", "torch.clamp", ["$a", "$lo", "$hi"])
case("clip", "torch.clip", ["$a", -0.3, 0.3]); case("clamp_min_fn", "torch.clamp_min", ["$a", 0.0]); case("clamp_max_fn", "torch.clamp_max", ["$a", 0.2])
case("ip_clamp", ".clamp_", ["$a"], {"max": 0.1}, clone=True)
case("where", "torch.where", ["$mask", "$a", "$b"], tol="exact"); case("where_scalar", "torch.where", ["$mask", "$a", 0.0], tol="exact")
case("heaviside", "torch.heaviside", ["$a", "$b"], tol="exact"); case("dist", "torch.dist", ["$a", "$b"], tol="red"); case("dist_p1", "torch.dist", ["$a", "$b", 1], tol="red")
case("masked_fill", "torch.masked_fill", ["$a", "$mask", -1.0], tol="exact"); case("ip_masked_fill", ".masked_fill_", ["$a", "$mask", 2.0], clone=True, tol="exact")
case("ip_add_alpha", ".add_", ["$a", "$b"], {"alpha": 3}, clone=True); case("ip_mul", ".mul_", ["$a", "$b"], clone=True)
case("ip_lerp", ".lerp_", ["$a", "$b", 0.25], clone=True); case("ip_addcmul", ".addcmul_", ["$a", "$b", "$c"], {"value": 2}, clone=True)
case("ip_pow", ".pow_", ["$p", 2], clone=True); case("ip_fill", ".fill_", ["$a", 1.5], clone=True, tol="exact"); case("ip_zero", ".zero_", ["$a"], clone=True, tol="exact")
case("ip_sub_scalar", ".sub_", ["$a", 1], clone=True); case("ip_clamp_min", ".clamp_min_", ["$a", 0], clone=True, tol="exact")
case("ip_exp_b", ".exp_", ["$b"], clone=True); case("ip_sigmoid_b", ".sigmoid_", ["$b"], clone=True); case("ip_relu", ".relu_", ["$a"], clone=True, tol="exact")
case("ip_masked_scatter", ".masked_scatter_", ["$a", "$mask", "$b"], clone=True, tol="exact")
# ---- reductions ----
for n in "sum mean prod amax amin logsumexp nansum nanmean".split():
    k = {} if n in ("sum","mean","prod","nansum","nanmean") else None
    if n in ("logsumexp","amax","amin"):
        case(n, "torch." + n, ["$a", 1], tol="red")
    else:
        case(n, "torch." + n, ["$a"], tol="red")
        case(n + "_dim", "torch." + n, ["$a", 1], tol="red")
for n in "sum mean".split():
    case(n + "_dims_keep", "torch." + n, ["$x3", [0, 2]], {"keepdim": True}, tol="red")
    case(n + "_dtype", "torch." + n, ["$a"], {"dtype": D("float64")}, tol="red")
    case(n + "_dim_dtype", "torch." + n, ["$a", 1, True], {"dtype": D("float64")}, tol="red")
    case("m_" + n + "_dims", "." + n, ["$x3", [1, 2]], tol="red")
case("sum_int", "torch.sum", ["$i"], tol="exact"); case("sum_bool", "torch.sum", ["$mask"], tol="exact"); case("prod_int", "torch.prod", ["$j", 0], tol="exact")
case("std", "torch.std", ["$a"], tol="red"); case("std_dim", "torch.std", ["$a", 1], tol="red"); case("std_unbiased", "torch.std", ["$a", 0], {"unbiased": False}, tol="red")
case("std_correction", "torch.std", ["$a", 1], {"correction": 0, "keepdim": True}, tol="red"); case("var", "torch.var", ["$a"], tol="red"); case("var_dim", "torch.var", ["$a", 0, True], tol="red")
case("m_var_correction", ".var", ["$a", 1], {"correction": 0}, tol="red"); case("std_mean", "torch.std_mean", ["$a", 1], tol="red"); case("var_mean", "torch.var_mean", ["$a"], tol="red")
case("max", "torch.max", ["$a"], tol="exact"); case("max_dim", "torch.max", ["$a", 1], tol="exact"); case("max_dim_keep", "torch.max", ["$a", 0, True], tol="exact")
case("max_other", "torch.max", ["$a", "$b"], tol="exact"); case("min_dim", "torch.min", ["$a", 1], tol="exact"); case("m_max_dim", ".max", ["$a", 1], {"keepdim": True}, tol="exact")
case("aminmax", "torch.aminmax", ["$a"], {"dim": 1}, tol="exact")
case("argmax", "torch.argmax", ["$a"], tol="exact"); case("argmax_dim", "torch.argmax", ["$a", 1], tol="exact"); case("argmin_dim", "torch.argmin", ["$a", 0, True], tol="exact")
case("median", "torch.median", ["$a"], tol="exact"); case("median_dim", "torch.median", ["$a", 1], tol="exact"); case("nanmedian", "torch.nanmedian", ["$a", 0], tol="exact")
case("mode", "torch.mode", ["$i", 1], tol="exact"); case("kthvalue", "torch.kthvalue", ["$a", 2, 1], tol="exact")
case("topk", "torch.topk", ["$a", 2], tol="exact"); case("topk_smallest", "torch.topk", ["$a", 3, 0], {"largest": False}, tol="exact"); case("m_topk", ".topk", ["$c", 2], tol="exact")
case("sort", "torch.sort", ["$a"], tol="exact"); case("sort_desc", "torch.sort", ["$a", 0, True], tol="exact"); case("sort_kw", "torch.sort", ["$a"], {"dim": 1, "descending": True}, tol="exact")
case("sort_stable", "torch.sort", ["$i"], {"stable": True, "dim": 1}, tol="exact"); case("argsort", "torch.argsort", ["$a", 1], tol="exact"); case("argsort_desc", "torch.argsort", ["$a"], {"dim": 0, "descending": True}, tol="exact")
case("msort", "torch.msort", ["$a"], tol="exact"); case("m_sort", ".sort", ["$a", 1], tol="exact")
case("cumsum", "torch.cumsum", ["$a", 1], tol="red"); case("cumsum_dtype", "torch.cumsum", ["$i", 0], {"dtype": D("float64")}, tol="exact"); case("cumprod", "torch.cumprod", ["$q", 1], tol="red")
case("cummax", "torch.cummax", ["$a", 1], tol="exact"); case("cummin", "torch.cummin", ["$a", 0], tol="exact"); case("logcumsumexp", "torch.logcumsumexp", ["$a", 1], tol="red")
case("m_cumsum", ".cumsum", ["$a", 0], tol="red"); case("ip_cumsum", ".cumsum_", ["$a", 1], clone=True, tol="red")
case("all", "torch.all", ["$mask"], tol="exact"); case("all_dim", "torch.all", ["$mask", 1], tol="exact"); case("any", "torch.any", ["$mask"], tol="exact"); case("any_dim", "torch.any", ["$mask", 0], tol="exact")
case("count_nonzero", "torch.count_nonzero", ["$i"], tol="exact"); case("count_nonzero_dim", "torch.count_nonzero", ["$i", 1], tol="exact")
case("norm", "torch.norm", ["$a"], tol="red"); case("m_norm_p1", ".norm", ["$a", 1, 1], tol="red")
case("quantile", "torch.quantile", ["$a", 0.3], tol="red"); case("quantile_dim", "torch.quantile", ["$a", 0.75, 1], tol="red"); case("nanquantile", "torch.nanquantile", ["$a", 0.5], {"dim": 0}, tol="red")
case("diff", "torch.diff", ["$a"], tol="ew"); case("diff_dim", "torch.diff", ["$a"], {"dim": 0, "n": 2}, tol="ew")
case("trace", "torch.trace", ["$sq"], tol="red"); case("histc", "torch.histc", ["$a"], {"bins": 5, "min": -2, "max": 2}, tol="exact")
case("bincount", "torch.bincount", ["$n1"], tol="exact"); case("bincount_w", "torch.bincount", ["$n1"], {"weights": "$w6", "minlength": 6}, tol="red")
case("searchsorted", "torch.searchsorted", ["$srt", "$c"], tol="exact")
case("searchsorted_right", "torch.searchsorted", ["$srt", "$c"], {"right": True}, tol="exact"); case("bucketize", "torch.bucketize", ["$c", "$srt"], tol="exact")
case("allclose", "torch.allclose", ["$a", "$a"], tol="exact"); case("equal", "torch.equal", ["$a", "$b"], tol="exact")
case("isin", "torch.isin", ["$i", "$j"], tol="exact")
case("unique", "torch.unique", ["$i"], tol="exact"); case("unique_flags", "torch.unique", ["$i"], {"return_inverse": True, "return_counts": True}, tol="exact")
case("unique_dim", "torch.unique", ["$dup"], {"dim": 0, "return_counts": True}, tol="exact"); case("unique_pos", "torch.unique", ["$i", True, True], tol="exact")
case("m_unique", ".unique", ["$i"], {"return_counts": True}, tol="exact"); case("unique_consecutive", "torch.unique_consecutive", ["$n1"], {"return_counts": True}, tol="exact")
case("m_unique_consecutive", ".unique_consecutive", ["$n1"], tol="exact")
case("tensordot", "torch.tensordot", ["$x3", "$m"], {"dims": 1}, tol="red"); case("tensordot_lists", "torch.tensordot", ["$x3", "$bt1", [[1, 2], [1, 2]]], tol="red")
case("lu", "torch.lu", ["$sq"], tol="lin"); case("lu_infos", "torch.lu", ["$sq"], {"get_infos": True}, tol="lin")
# ---- shape and index ----
case("reshape", "torch.reshape", ["$a", [2, 6]], tol="exact"); case("m_reshape_var", ".reshape", ["$a", 6, 2], tol="exact"); case("m_view", ".view", ["$x3", -1, 4], tol="exact")
case("m_view_list", ".view", ["$x3", [4, 6]], tol="exact"); case("flatten", "torch.flatten", ["$x3", 1], tol="exact"); case("unflatten", "torch.unflatten", ["$a", 1, [2, 2]], tol="exact")
case("squeeze", "torch.squeeze", ["$sq1"], tol="exact"); case("squeeze_dim", "torch.squeeze", ["$sq1", 0], tol="exact"); case("unsqueeze", "torch.unsqueeze", ["$a", 1], tol="exact")
case("transpose", "torch.transpose", ["$x3", 0, 2], tol="exact"); case("swapaxes", "torch.swapaxes", ["$x3", 1, 2], tol="exact"); case("movedim", "torch.movedim", ["$x3", 0, -1], tol="exact")
case("movedim_list", "torch.movedim", ["$x3", [0, 1], [2, 0]], tol="exact"); case("permute", "torch.permute", ["$x3", [2, 0, 1]], tol="exact"); case("m_permute_var", ".permute", ["$x3", 1, 2, 0], tol="exact")
case("t", "torch.t", ["$a"], tol="exact"); case("adjoint", "torch.adjoint", ["$a"], tol="exact"); case("narrow", "torch.narrow", ["$a", 1, 1, 2], tol="exact")
case("select", "torch.select", ["$x3", 1, 2], tol="exact"); case("index_select", "torch.index_select", ["$a", 1, "$sel"], tol="exact")
case("gather", "torch.gather", ["$a", 1, "$idx"], tol="exact"); case("take_along_dim", "torch.take_along_dim", ["$a", "$idx", 1], tol="exact"); case("take", "torch.take", ["$a", "$sel"], tol="exact")
case("scatter_src", "torch.scatter", ["$a", 1, "$idx", "$b"], tol="exact"); case("scatter_value", "torch.scatter", ["$a", 1, "$idx", 9.0], tol="exact")
case("scatter_reduce_add", "torch.scatter", ["$a", 1, "$idx", "$b"], {"reduce": "add"}, tol="exact"); case("scatter_add", "torch.scatter_add", ["$a", 1, "$idx", "$b"], tol="exact")
case("scatter_reduce", "torch.scatter_reduce", ["$a", 1, "$idx", "$b", "amax"], tol="exact"); case("scatter_reduce_mean", "torch.scatter_reduce", ["$a", 1, "$idx", "$b", "mean"], {"include_self": False}, tol="ew")
case("ip_scatter_", ".scatter_", ["$a", 1, "$idx", "$b"], clone=True, tol="exact"); case("ip_scatter_add_", ".scatter_add_", ["$a", 1, "$idx", "$b"], clone=True, tol="exact")
case("index_add", "torch.index_add", ["$a", 1, "$sel", "$b2"], tol="exact"); case("index_add_alpha", "torch.index_add", ["$a", 1, "$sel", "$b2"], {"alpha": 2}, tol="exact")
case("index_copy", "torch.index_copy", ["$a", 1, "$sel", "$b2"], tol="exact"); case("index_fill", "torch.index_fill", ["$a", 1, "$sel", -2.0], tol="exact")
case("ip_index_fill", ".index_fill_", ["$a", 0, "$sel0", 7.0], clone=True, tol="exact"); case("ip_index_add", ".index_add_", ["$a", 1, "$sel", "$b2"], clone=True, tol="exact")
case("index_put", "torch.index_put", ["$a", ["$sel0", "$sel"], "$vals2"], tol="exact"); case("index_put_acc", "torch.index_put", ["$a", ["$sel0"], "$row"], {"accumulate": True}, tol="exact")
case("ip_index_put", ".index_put_", ["$a", ["$sel0", "$sel"], "$vals2"], clone=True, tol="exact")
case("masked_select", "torch.masked_select", ["$a", "$mask"], tol="exact"); case("nonzero", "torch.nonzero", ["$i"], tol="exact"); case("argwhere", "torch.argwhere", ["$i"], tol="exact")
case("where_cond", "torch.where", ["$mask"], tol="exact")
case("flip", "torch.flip", ["$a", [0, 1]], tol="exact"); case("fliplr", "torch.fliplr", ["$a"], tol="exact"); case("flipud", "torch.flipud", ["$a"], tol="exact")
case("roll", "torch.roll", ["$a", 1, 1], tol="exact"); case("roll_multi", "torch.roll", ["$a", [1, -1], [0, 1]], tol="exact"); case("roll_flat", "torch.roll", ["$a", 2], tol="exact")
case("rot90", "torch.rot90", ["$a", 1, [0, 1]], tol="exact"); case("rot90_k2", "torch.rot90", ["$a", 2], tol="exact")
case("m_repeat", ".repeat", ["$a", 2, 1], tol="exact"); case("repeat_interleave", "torch.repeat_interleave", ["$a", 2], {"dim": 0}, tol="exact")
case("repeat_interleave_t", "torch.repeat_interleave", ["$a", "$reps", 0], tol="exact"); case("tile", "torch.tile", ["$a", [2, 2]], tol="exact")
case("m_expand", ".expand", ["$col", 3, 4], tol="exact"); case("broadcast_to", "torch.broadcast_to", ["$c", [3, 4]], tol="exact"); case("m_expand_as", ".expand_as", ["$c", "$a"], tol="exact")
case("broadcast_tensors", "torch.broadcast_tensors", ["$c", "$col"], tol="exact")
case("cat", "torch.cat", [["$a", "$b"], 1], tol="exact"); case("concat", "torch.concat", [["$a", "$b"]], tol="exact"); case("stack", "torch.stack", [["$a", "$b"], 2], tol="exact")
case("hstack", "torch.hstack", [["$a", "$b"]], tol="exact"); case("vstack", "torch.vstack", [["$a", "$b"]], tol="exact"); case("dstack", "torch.dstack", [["$a", "$b"]], tol="exact")
case("column_stack", "torch.column_stack", [["$c", "$c"]], tol="exact"); case("row_stack", "torch.row_stack", [["$a", "$b"]], tol="exact")
case("split", "torch.split", ["$a", 2, 1], tol="exact"); case("split_sizes", "torch.split", ["$a", [1, 3], 1], tol="exact"); case("m_split", ".split", ["$a", 2], tol="exact")
case("tensor_split", "torch.tensor_split", ["$a", 3], {"dim": 1}, tol="exact"); case("tensor_split_idx", "torch.tensor_split", ["$a", [1, 2]], tol="exact")
case("chunk", "torch.chunk", ["$a", 2, 1], tol="exact"); case("unbind", "torch.unbind", ["$a", 1], tol="exact"); case("hsplit", "torch.hsplit", ["$a", 2], tol="exact"); case("vsplit", "torch.vsplit", ["$sq", [1, 3]], tol="exact")
case("tril", "torch.tril", ["$a"], tol="exact"); case("triu_k", "torch.triu", ["$a", 1], tol="exact"); case("tril_neg", "torch.tril", ["$a"], {"diagonal": -1}, tol="exact")
case("ip_tril", ".tril_", ["$a"], clone=True, tol="exact"); case("diag", "torch.diag", ["$c"], tol="exact"); case("diag_mat", "torch.diag", ["$a", 1], tol="exact")
case("diag_embed", "torch.diag_embed", ["$a"], tol="exact"); case("diagonal", "torch.diagonal", ["$x3", 0, 1, 2], tol="exact"); case("diagflat", "torch.diagflat", ["$c"], tol="exact")
case("block_diag", "torch.block_diag", ["$a", "$sq"], tol="exact"); case("cartesian_prod", "torch.cartesian_prod", ["$c", "$v3"], tol="exact")
case("meshgrid", "torch.meshgrid", ["$c", "$v3"], {"indexing": "ij"}, tol="exact"); case("meshgrid_xy", "torch.meshgrid", [["$c", "$v3"]], {"indexing": "xy"}, tol="exact")
case("kron", "torch.kron", ["$a", "$sq"], tol="ew"); case("outer", "torch.outer", ["$c", "$v3"], tol="ew"); case("cross", "torch.cross", ["$m3", "$n3"], {"dim": 1}, tol="ew")
case("atleast_2d", "torch.atleast_2d", ["$c"], tol="exact"); case("atleast_3d", "torch.atleast_3d", ["$a"], tol="exact"); case("ravel", "torch.ravel", ["$a"], tol="exact")
case("m_contiguous", ".contiguous", ["$a"], tol="exact"); case("clone", "torch.clone", ["$a"], tol="exact"); case("m_new_zeros", ".new_zeros", ["$a", [2, 3]], tol="exact")
case("m_new_ones", ".new_ones", ["$i", [2]], tol="exact"); case("m_new_full", ".new_full", ["$a", [2, 2], 3.5], tol="exact"); case("m_new_empty_shape", ".new_empty", ["$a", [2, 5]], tol="shape")
case("m_new_tensor_like", ".new_zeros", ["$a", 4], tol="exact")
case("zeros_like", "torch.zeros_like", ["$a"], tol="exact"); case("full_like", "torch.full_like", ["$a", 2.0], tol="exact"); case("ones_like_dtype", "torch.ones_like", ["$a"], {"dtype": D("int32")}, tol="exact")
case("empty_like", "torch.empty_like", ["$a"], tol="shape"); case("rand_like", "torch.rand_like", ["$a"], tol="shape"); case("randn_like", "torch.randn_like", ["$a"], tol="shape")
case("randint_like", "torch.randint_like", ["$a", 10], tol="shape")
case("m_type_as", ".type_as", ["$i", "$a"], tol="exact"); case("m_view_as", ".view_as", ["$a", "$a12"], tol="exact"); case("m_reshape_as", ".reshape_as", ["$a", "$a12"], tol="exact")
case("m_unfold", ".unfold", ["$a", 1, 2, 1], tol="exact"); case("m_masked_fill_t", ".masked_fill", ["$a", "$mask", "$v0"], tol="exact")
case("m_index_select", ".index_select", ["$a", 0, "$sel0"], tol="exact"); case("m_gather", ".gather", ["$a", 1, "$idx"], tol="exact"); case("m_scatter", ".scatter", ["$a", 1, "$idx", 1.0], tol="exact")
case("m_flip", ".flip", ["$a", [1]], tol="exact"); case("m_roll", ".roll", ["$a", 1, 0], tol="exact"); case("m_diag", ".diag", ["$sq"], tol="exact"); case("m_t", ".t", ["$a"], tol="exact")
case("m_squeeze", ".squeeze", ["$sq1", 2], tol="exact"); case("m_unsqueeze_", ".unsqueeze_", ["$a", 0], clone=True, tol="exact"); case("m_transpose_", ".transpose_", ["$a", 0, 1], clone=True, tol="exact")
case("m_to_dtype", ".to", ["$a", D("float64")], tol="exact"); case("m_long", ".long", ["$p"], tol="exact"); case("m_int", ".int", ["$p"], tol="exact"); case("m_half_float", ".bool", ["$i"], tol="exact")
case("m_is_floating_point", ".is_floating_point", ["$a"], tol="exact"); case("m_numel", ".numel", ["$x3"], tol="exact"); case("m_dim", ".dim", ["$x3"], tol="exact")
case("m_nonzero", ".nonzero", ["$mask"], tol="exact"); case("m_argsort", ".argsort", ["$a"], {"dim": 0}, tol="exact"); case("m_topk_kw", ".topk", ["$a"], {"k": 1, "dim": 0}, tol="exact")
case("m_cummax", ".cummax", ["$a", 1], tol="exact"); case("m_median", ".median", ["$a", 0], tol="exact"); case("m_kthvalue", ".kthvalue", ["$a", 1], tol="exact")
case("m_amax", ".amax", ["$a", [0, 1]], tol="exact"); case("m_logsumexp", ".logsumexp", ["$a", 0], tol="red"); case("m_prod", ".prod", ["$q"], tol="red")
case("m_all", ".all", ["$mask"], tol="exact"); case("m_any_dim", ".any", ["$mask", 1], tol="exact"); case("m_count_nonzero", ".count_nonzero", ["$i"], tol="exact")
case("m_clamp_kw", ".clamp", ["$a"], {"min": -0.1, "max": 0.2}); case("m_where", ".where", ["$a", "$mask", "$b"], tol="exact")
case("m_lerp", ".lerp", ["$a", "$b", 0.5]); case("m_addcdiv", ".addcdiv", ["$a", "$b", "$p"], {"value": 0.1}); case("m_hypot", ".hypot", ["$a", "$b"])
case("m_atan2", ".atan2", ["$a", "$b"]); case("m_fmod_s", ".fmod", ["$a", 0.3]); case("m_remainder_s", ".remainder", ["$a", 0.3])
case("m_bitwise_and", ".bitwise_and", ["$i", "$j"], tol="exact"); case("m_logical_xor", ".logical_xor", ["$mask", "$mask2"], tol="exact"); case("m_isclose", ".isclose", ["$a", "$b"], {"atol": 0.5}, tol="exact")
case("m_sign_", ".sign_", ["$a"], clone=True, tol="exact"); case("m_floor_divide", ".floor_divide", ["$i", 2], tol="exact"); case("m_maximum", ".maximum", ["$a", "$b"], tol="exact")
case("m_exp2", ".exp2", ["$a"]); case("m_expm1", ".expm1", ["$a"]); case("m_log2", ".log2", ["$p"]); case("m_rsqrt", ".rsqrt", ["$p"]); case("m_erf", ".erf", ["$a"]); case("m_frac", ".frac", ["$a"], tol="exact")
case("m_trunc", ".trunc", ["$a"], tol="exact"); case("m_round", ".round", ["$a"], tol="exact"); case("m_ceil_", ".ceil_", ["$a"], clone=True, tol="exact")
case("m_square", ".square", ["$a"]); case("m_std", ".std", ["$a", 1], tol="red"); case("m_nansum", ".nansum", ["$a"], tol="red"); case("m_mean_kw", ".mean", ["$a"], {"dim": 0, "keepdim": True}, tol="red")
case("m_sum_dtype", ".sum", ["$i"], {"dtype": D("float64")}, tol="exact"); case("m_softmax", ".softmax", ["$a", 1], tol="ew"); case("m_log_softmax", ".log_softmax", ["$a", 0], tol="ew")
case("m_matmul", ".matmul", ["$a", "$m"], tol="red"); case("m_mv", ".mv", ["$a", "$c"], tol="red"); case("m_dot", ".dot", ["$c", "$c"], tol="red")
case("m_triu_", ".triu_", ["$a", 1], clone=True, tol="exact"); case("m_fill_diagonal_", ".fill_diagonal_", ["$a", 5.0], clone=True, tol="exact")
case("m_copy_", ".copy_", ["$a", "$b"], clone=True, tol="exact"); case("m_masked_fill_", ".masked_fill_", ["$a", "$mask", 0.5], clone=True, tol="exact")
case("m_byte", ".byte", ["$j"], tol="exact"); case("m_char", ".char", ["$i"], tol="exact"); case("m_short", ".short", ["$i"], tol="exact"); case("m_bfloat16", ".bfloat16", ["$a"], tol="exact")
case("m_element_size", ".element_size", ["$a"], tol="exact"); case("m_nelement", ".nelement", ["$x3"], tol="exact"); case("m_ndimension", ".ndimension", ["$x3"], tol="exact")
case("is_tensor", "torch.is_tensor", ["$a"], tol="exact"); case("result_type", "torch.result_type", ["$i", "$a"], tol="exact"); case("promote_types", "torch.promote_types", [D("int32"), D("float64")], tol="exact")
case("can_cast", "torch.can_cast", [D("float32"), D("int32")], tol="exact")
case("nonzero_as_tuple", "torch.nonzero", ["$i"], {"as_tuple": True}, tol="exact"); case("m_nonzero_as_tuple", ".nonzero", ["$mask"], {"as_tuple": True}, tol="exact")
case("norm_fro", "torch.norm", ["$a", "fro"], tol="red"); case("norm_nuc", "torch.norm", ["$a", "nuc"], tol="lin"); case("m_norm_fro_dim", ".norm", ["$x3", "fro", [1, 2]], tol="red")
case("randint_high", "torch.randint", [10, [4]], tol="shape")
# ---- creation ----
case("zeros", "torch.zeros", [[2, 3]], tol="exact"); case("zeros_var", "torch.zeros", [2, 3], tol="exact"); case("ones_dtype", "torch.ones", [[2]], {"dtype": D("float64")}, tol="exact")
case("full", "torch.full", [[2, 2], 1.5], tol="exact"); case("full_int", "torch.full", [[3], 4], tol="exact"); case("arange", "torch.arange", [5], tol="exact")
case("arange_step", "torch.arange", [1, 2, 0.25], tol="exact"); case("arange_dtype", "torch.arange", [0, 4], {"dtype": D("float32")}, tol="exact")
case("linspace", "torch.linspace", [-1, 1, 7], tol="ew"); case("logspace", "torch.logspace", [0, 2, 5], tol="ew"); case("logspace_base", "torch.logspace", [0, 3, 4], {"base": 2}, tol="ew")
case("eye", "torch.eye", [3], tol="exact"); case("eye_nm", "torch.eye", [2, 4], tol="exact"); case("tril_indices", "torch.tril_indices", [3, 3], tol="exact"); case("triu_indices", "torch.triu_indices", [3, 4, 1], tol="exact")
case("empty", "torch.empty", [[2, 3]], tol="shape"); case("rand", "torch.rand", [[2, 3]], tol="shape"); case("randn", "torch.randn", [2, 3], tol="shape"); case("randint", "torch.randint", [0, 5, [4]], tol="shape")
case("randperm", "torch.randperm", [6], tol="shape"); case("normal", "torch.normal", ["$a", 1.0], tol="shape"); case("bernoulli", "torch.bernoulli", ["$q"], tol="shape")
case("multinomial", "torch.multinomial", ["$q", 2], tol="shape"); case("poisson", "torch.poisson", ["$p"], tol="shape"); case("scalar_tensor", "torch.scalar_tensor", [3.5], tol="exact")
case("m_uniform_", ".uniform_", ["$a"], clone=True, tol="shape"); case("m_normal_", ".normal_", ["$a"], {"mean": 1, "std": 2}, clone=True, tol="shape"); case("m_bernoulli_", ".bernoulli_", ["$a", 0.5], clone=True, tol="shape")
case("m_random_", ".random_", ["$i", 0, 4], clone=True, tol="shape"); case("m_exponential_", ".exponential_", ["$a"], clone=True, tol="shape")
case("complex_free_polar", "torch.heaviside", ["$i", "$j"], tol="exact")
# ---- linear algebra ----
case("matmul", "torch.matmul", ["$a", "$m"], tol="red"); case("matmul_b", "torch.matmul", ["$bt1", "$bt2"], tol="red"); case("matmul_bcast", "torch.matmul", ["$bt1", "$m"], tol="red")
case("mm", "torch.mm", ["$a", "$m"], tol="red"); case("bmm", "torch.bmm", ["$bt1", "$bt2"], tol="red"); case("mv", "torch.mv", ["$a", "$c"], tol="red")
case("dot", "torch.dot", ["$c", "$c"], tol="red"); case("vdot", "torch.vdot", ["$c", "$c"], tol="red"); case("inner", "torch.inner", ["$a", "$b"], tol="red")
case("addmm", "torch.addmm", ["$am", "$a", "$m"], {"beta": 0.5, "alpha": 2}, tol="red"); case("addmv", "torch.addmv", ["$v3", "$a", "$c"], tol="red")
case("addbmm", "torch.addbmm", ["$am", "$bt1", "$bt2"], tol="red"); case("baddbmm", "torch.baddbmm", ["$bb", "$bt1", "$bt2"], {"alpha": 0.5}, tol="red"); case("addr", "torch.addr", ["$a", "$v3", "$c"], tol="red")
case("einsum", "torch.einsum", ["ij,jk->ik", "$a", "$m"], tol="red"); case("einsum_list", "torch.einsum", ["bij,bjk->bik", ["$bt1", "$bt2"]], tol="red")
case("einsum_trace", "torch.einsum", ["ii", "$sq"], tol="red"); case("einsum_outer", "torch.einsum", ["i,j->ij", "$c", "$v3"], tol="ew")
case("chain_matmul", "torch.chain_matmul", ["$sq", "$sq", "$sq"], tol="red"); case("matrix_power", "torch.matrix_power", ["$sq", 3], tol="red")
case("det", "torch.det", ["$spd"], tol="lin"); case("logdet", "torch.logdet", ["$spd"], tol="lin"); case("slogdet", "torch.slogdet", ["$sq"], tol="lin")
case("inverse", "torch.inverse", ["$spd"], tol="lin"); case("pinverse", "torch.pinverse", ["$a"], tol="lin"); case("cholesky_inverse", "torch.cholesky_inverse", ["$chol"], tol="lin")
case("linalg_inv", "linalg.inv", ["$spd"], tol="lin"); case("linalg_det", "linalg.det", ["$sq"], tol="lin"); case("linalg_slogdet", "linalg.slogdet", ["$spd"], tol="lin")
case("linalg_solve", "linalg.solve", ["$spd", "$rhs"], tol="lin"); case("linalg_cholesky", "linalg.cholesky", ["$spd"], tol="lin"); case("linalg_cholesky_upper", "linalg.cholesky", ["$spd"], {"upper": True}, tol="lin")
case("linalg_qr", "linalg.qr", ["$a"], tol="lin"); case("linalg_qr_complete", "linalg.qr", ["$a"], {"mode": "complete"}, tol="lin"); case("linalg_eigh", "linalg.eigh", ["$spd"], tol="lin")
case("linalg_eigvalsh", "linalg.eigvalsh", ["$spd"], tol="lin"); case("linalg_svd", "linalg.svd", ["$a"], {"full_matrices": False}, tol="lin"); case("linalg_svdvals", "linalg.svdvals", ["$a"], tol="lin")
case("linalg_norm", "linalg.norm", ["$a"], tol="red"); case("linalg_vector_norm", "linalg.vector_norm", ["$a"], {"ord": 3, "dim": 1}, tol="red"); case("linalg_vector_norm_inf", "linalg.vector_norm", ["$a", {"$num": "inf"}], tol="exact")
case("linalg_matrix_norm", "linalg.matrix_norm", ["$a"], tol="red"); case("linalg_matrix_norm_nuc", "linalg.matrix_norm", ["$a"], {"ord": "nuc"}, tol="lin"); case("linalg_matrix_norm_1", "linalg.matrix_norm", ["$a", 1], tol="red")
case("linalg_matrix_rank", "linalg.matrix_rank", ["$a"], tol="exact"); case("linalg_pinv", "linalg.pinv", ["$a"], tol="lin"); case("linalg_matrix_power", "linalg.matrix_power", ["$sq", 2], tol="red")
case("linalg_lstsq", "linalg.lstsq", ["$tall", "$tallb"], tol="lin"); case("linalg_cond", "linalg.cond", ["$spd"], tol="lin"); case("linalg_cross", "linalg.cross", ["$m3", "$n3"], tol="ew")
case("linalg_multi_dot", "linalg.multi_dot", [["$a", "$m", "$m5"]], tol="red"); case("linalg_matrix_exp", "linalg.matrix_exp", ["$sq01"], tol="lin"); case("linalg_lu_factor", "linalg.lu_factor", ["$sq"], tol="lin")
case("linalg_solve_triangular", "linalg.solve_triangular", ["$chol", "$rhs"], {"upper": False}, tol="lin"); case("linalg_eigvals_real", "linalg.eigvalsh", ["$spd", "U"], tol="lin")
case("linalg_diagonal", "linalg.diagonal", ["$x3"], tol="exact"); case("linalg_vecdot_like", "torch.linalg.matmul" if False else "linalg.matmul", ["$a", "$m"], tol="red"); case("linalg_inv_ex", "linalg.inv_ex", ["$spd"], tol="lin")
case("linalg_cholesky_ex", "linalg.cholesky_ex", ["$spd"], tol="lin"); case("linalg_tensorinv", "linalg.tensorinv", ["$spd4"], {"ind": 1}, tol="lin")
case("cdist", "torch.cdist", ["$a", "$b"], tol="red"); case("pdist_fn", "torch.pdist", ["$a"], tol="red"); case("cosine_similarity_fn", "torch.cosine_similarity", ["$a", "$b"], tol="red")
case("triangular_solve_cholesky_solve", "torch.cholesky_solve", ["$rhs", "$chol"], tol="lin"); case("cov", "torch.cov", ["$a"], tol="red"); case("corrcoef", "torch.corrcoef", ["$a"], tol="red")
case("trapezoid", "torch.trapezoid", ["$a"], tol="red"); case("cumulative_trapezoid", "torch.cumulative_trapezoid", ["$a"], tol="red"); case("vander", "torch.vander", ["$v3"], {"N": 4}, tol="ew")
# ---- special ----
for n in "erf erfc erfinv expit logit i0 i0e i1 i1e ndtr log_ndtr sinc entr expm1 exp2 log1p round digamma gammaln psi".split():
    src = "$u" if n == "erfinv" else "$q" if n in ("logit","entr") else "$a"
    if n in ("digamma","gammaln","psi"): src = "$p"
    case("special_" + n, "special." + n, [src], tol="exact" if n == "round" else "ew")
case("special_ndtri", "special.ndtri", ["$q"]); case("special_xlogy", "special.xlogy", ["$p", "$q"]); case("special_xlog1py", "special.xlog1py", ["$a", "$p"])
case("special_logsumexp", "special.logsumexp", ["$a", 1], tol="red"); case("special_softmax", "special.softmax", ["$a", 1]); case("special_log_softmax", "special.log_softmax", ["$a", 0])
case("special_multigammaln", "special.multigammaln", ["$p1", 2]); case("special_polygamma", "special.polygamma", [2, "$p"]); case("special_zeta", "special.zeta", ["$p1", "$p1"])
# ---- activations (F) ----
for n in "relu relu6 elu selu celu gelu silu mish softplus softshrink hardshrink hardtanh hardswish hardsigmoid leaky_relu logsigmoid softsign tanhshrink sigmoid tanh".split():
    case("F_" + n, "F." + n, ["$a"])
case("F_gelu_tanh", "F.gelu", ["$a"], {"approximate": "tanh"}); case("F_elu_alpha", "F.elu", ["$a", 0.5]); case("F_leaky_relu_slope", "F.leaky_relu", ["$a", 0.2])
case("F_leaky_relu_inplace", "F.leaky_relu", ["$a"], {"negative_slope": 0.1, "inplace": True}, clone=True); case("F_relu_inplace", "F.relu", ["$a"], {"inplace": True}, clone=True, tol="exact")
case("F_hardtanh_range", "F.hardtanh", ["$a", -0.5, 0.5]); case("F_softplus_beta", "F.softplus", ["$a"], {"beta": 2, "threshold": 1}); case("F_threshold", "F.threshold", ["$a", 0.1, 20.0])
case("F_glu", "F.glu", ["$a"]); case("F_glu_dim0", "F.glu", ["$x3", 0]); case("F_prelu", "F.prelu", ["$img", "$pw"]); case("F_rrelu_eval", "F.rrelu", ["$a"], {"training": False})
case("F_softmax", "F.softmax", ["$a", 1]); case("F_softmax_dtype", "F.softmax", ["$a", 0], {"dtype": D("float64")}); case("F_log_softmax", "F.log_softmax", ["$a", 1]); case("F_softmin", "F.softmin", ["$a", 1])
case("F_silu_inplace", "F.silu", ["$a"], {"inplace": True}, clone=True); case("F_hardswish_inplace", "F.hardswish", ["$a", True], clone=True); case("F_celu_alpha", "F.celu", ["$a"], {"alpha": 2.0})
# ---- norms ----
case("F_layer_norm", "F.layer_norm", ["$a", [4]], tol="red"); case("F_layer_norm_affine", "F.layer_norm", ["$x3", [3, 4], "$lnw", "$lnb"], tol="red"); case("F_layer_norm_eps", "F.layer_norm", ["$a", [4]], {"eps": 0.1}, tol="red")
case("F_group_norm", "F.group_norm", ["$img", 1], tol="red"); case("F_group_norm_affine", "F.group_norm", ["$img6", 3, "$b6", "$b6"], tol="red")
case("F_batch_norm_eval", "F.batch_norm", ["$img", "$rm", "$rv"], tol="red"); case("F_batch_norm_train", "F.batch_norm", ["$img", None, None], {"training": True}, tol="red")
case("F_batch_norm_affine", "F.batch_norm", ["$img", "$rm", "$rv"], {"weight": "$pw3", "bias": "$rm", "eps": 0.01}, tol="red")
case("F_instance_norm", "F.instance_norm", ["$img"], tol="red"); case("F_normalize", "F.normalize", ["$a"], tol="red"); case("F_normalize_p1", "F.normalize", ["$a"], {"p": 1, "dim": 0}, tol="red")
case("F_local_response_norm_like_cos", "F.cosine_similarity", ["$a", "$b"], {"dim": 0}, tol="red"); case("F_pairwise_distance", "F.pairwise_distance", ["$a", "$b"], tol="red"); case("F_pdist", "F.pdist", ["$a"], tol="red")
# ---- convs / pools / sampling ----
case("F_conv1d", "F.conv1d", ["$seq", "$w1"], tol="red"); case("F_conv1d_pad", "F.conv1d", ["$seq", "$w1", "$bias"], {"padding": 1, "stride": 2}, tol="red")
case("F_conv2d", "F.conv2d", ["$img", "$w"], tol="red"); case("F_conv2d_bias_stride", "F.conv2d", ["$img", "$w", "$bias"], {"stride": 2, "padding": 1}, tol="red")
case("F_conv2d_same", "F.conv2d", ["$img", "$w"], {"padding": "same", "dilation": 2}, tol="red"); case("F_conv2d_groups", "F.conv2d", ["$img6", "$wg"], {"groups": 3}, tol="red")
case("F_conv3d", "F.conv3d", ["$vol", "$w3"], tol="red"); case("F_conv_transpose1d", "F.conv_transpose1d", ["$seq", "$wt1"], tol="red")
case("F_conv_transpose2d", "F.conv_transpose2d", ["$img", "$wt"], {"stride": 2, "padding": 1, "output_padding": 1}, tol="red"); case("F_conv_transpose3d", "F.conv_transpose3d", ["$vol", "$wt3"], tol="red")
case("F_linear", "F.linear", ["$a", "$lw", "$lb"], tol="red"); case("F_bilinear", "F.bilinear", ["$a", "$b", "$bw"], tol="red")
case("F_max_pool1d", "F.max_pool1d", ["$seq", 2], tol="exact"); case("F_max_pool2d", "F.max_pool2d", ["$img", 2], tol="exact"); case("F_max_pool2d_pad", "F.max_pool2d", ["$img", 3], {"stride": 2, "padding": 1}, tol="exact")
case("F_max_pool2d_idx", "F.max_pool2d", ["$img", 2], {"return_indices": True}, tol="exact"); case("F_max_pool3d", "F.max_pool3d", ["$vol", 2], tol="exact")
case("F_avg_pool1d", "F.avg_pool1d", ["$seq", 3], tol="red"); case("F_avg_pool2d", "F.avg_pool2d", ["$img", 2], tol="red"); case("F_avg_pool2d_pad", "F.avg_pool2d", ["$img", 3], {"stride": 2, "padding": 1, "count_include_pad": False}, tol="red")
case("F_avg_pool3d", "F.avg_pool3d", ["$vol", 2], tol="red"); case("F_adaptive_avg_pool1d", "F.adaptive_avg_pool1d", ["$seq", 4], tol="red"); case("F_adaptive_avg_pool2d", "F.adaptive_avg_pool2d", ["$img", [3, 5]], tol="red")
case("F_adaptive_avg_pool3d", "F.adaptive_avg_pool3d", ["$vol", 2], tol="red"); case("F_adaptive_max_pool1d", "F.adaptive_max_pool1d", ["$seq", 3], tol="exact"); case("F_adaptive_max_pool2d", "F.adaptive_max_pool2d", ["$img", 3], tol="exact")
case("F_adaptive_max_pool3d", "F.adaptive_max_pool3d", ["$vol", 2], tol="exact")
case("F_interpolate_nearest", "F.interpolate", ["$img"], {"scale_factor": 2}, tol="exact"); case("F_interpolate_bilinear", "F.interpolate", ["$img"], {"size": [5, 11], "mode": "bilinear"}, tol="ew")
case("F_interpolate_bilinear_ac", "F.interpolate", ["$img"], {"scale_factor": 1.5, "mode": "bilinear", "align_corners": True}, tol="ew"); case("F_interpolate_bicubic", "F.interpolate", ["$img"], {"size": 12, "mode": "bicubic"}, tol="ew")
case("F_interpolate_area", "F.interpolate", ["$img"], {"size": [3, 3], "mode": "area"}, tol="red"); case("F_interpolate_linear", "F.interpolate", ["$seq"], {"scale_factor": 2, "mode": "linear"}, tol="ew")
case("F_interpolate_trilinear", "F.interpolate", ["$vol"], {"size": [5, 6, 7], "mode": "trilinear"}, tol="ew"); case("F_interpolate_nearest1d", "F.interpolate", ["$seq"], {"size": 15}, tol="exact")
case("F_interpolate_nearest3d", "F.interpolate", ["$vol"], {"scale_factor": 2}, tol="exact")
case("F_grid_sample", "F.grid_sample", ["$img", "$grid"], {"align_corners": False}, tol="ew"); case("F_grid_sample_nearest", "F.grid_sample", ["$img", "$grid"], {"mode": "nearest", "padding_mode": "border", "align_corners": True}, tol="exact")
case("F_grid_sample_reflection", "F.grid_sample", ["$img", "$grid2"], {"padding_mode": "reflection", "align_corners": False}, tol="ew"); case("F_grid_sample_bicubic", "F.grid_sample", ["$img", "$grid"], {"mode": "bicubic", "align_corners": False}, tol="ew")
case("F_affine_grid", "F.affine_grid", ["$theta", [2, 3, 4, 5]], {"align_corners": False}, tol="ew")
case("F_pad_constant", "F.pad", ["$img", [1, 2, 0, 1]], tol="exact"); case("F_pad_value", "F.pad", ["$img", [1, 1]], {"value": 3.0}, tol="exact"); case("F_pad_reflect", "F.pad", ["$img", [2, 2, 1, 1]], {"mode": "reflect"}, tol="exact")
case("F_pad_replicate", "F.pad", ["$img", [1, 1, 2, 2]], {"mode": "replicate"}, tol="exact"); case("F_pad_circular", "F.pad", ["$img", [1, 1, 1, 1]], {"mode": "circular"}, tol="exact")
case("F_unfold", "F.unfold", ["$img", 3], tol="exact"); case("F_unfold_opts", "F.unfold", ["$img", [2, 3]], {"stride": 2, "padding": 1}, tol="exact"); case("F_fold", "F.fold", ["$cols", [4, 5], 2], tol="red")
case("F_pixel_shuffle", "F.pixel_shuffle", ["$img4", 2], tol="exact"); case("F_pixel_unshuffle", "F.pixel_unshuffle", ["$img", 2], tol="exact"); case("F_channel_shuffle", "F.channel_shuffle", ["$img6", 3], tol="exact")
case("F_one_hot", "F.one_hot", ["$n1"], tol="exact"); case("F_one_hot_n", "F.one_hot", ["$target", 8], tol="exact")
case("F_embedding", "F.embedding", ["$ids", "$emb"], tol="exact"); case("F_embedding_pad", "F.embedding", ["$ids", "$emb"], {"padding_idx": 0}, tol="exact")
case("F_dropout_eval", "F.dropout", ["$a"], {"training": False}, tol="exact"); case("F_dropout_p0", "F.dropout", ["$a", 0.0], tol="exact"); case("F_dropout_train_shape", "F.dropout", ["$a", 0.5], tol="shape")
case("F_dropout2d_eval", "F.dropout2d", ["$img"], {"training": False}, tol="exact"); case("F_alpha_dropout_eval", "F.alpha_dropout", ["$a"], {"training": False}, tol="exact")
case("F_cosine_embedding_loss", "F.cosine_embedding_loss", ["$a", "$b", "$pm1v"], tol="red")
# Python's positional forms of the hand-written nn.functional functions
case("F_conv2d_pos", "F.conv2d", ["$img", "$w", "$bias", 2, 1], tol="red"); case("F_max_pool2d_pos", "F.max_pool2d", ["$img", 3, 2, 1], tol="exact")
case("F_avg_pool2d_pos", "F.avg_pool2d", ["$img", 2, 2], tol="red"); case("F_pad_pos", "F.pad", ["$img", [1, 1, 1, 1], "replicate"], tol="exact")
case("F_interpolate_pos", "F.interpolate", ["$img", None, 2, "bilinear", False], tol="ew"); case("F_interpolate_size_pos", "F.interpolate", ["$img", [4, 6]], tol="exact")
case("F_normalize_pos", "F.normalize", ["$a", 1, 0], tol="red"); case("F_cosine_similarity_pos", "F.cosine_similarity", ["$a", "$b", 0], tol="red")
case("F_dropout_pos", "F.dropout", ["$a", 0.5, False], tol="exact"); case("F_batch_norm_pos", "F.batch_norm", ["$img", "$rm", "$rv", "$pw3", "$rm", False, 0.1, 0.001], tol="red")
case("F_cross_entropy_pos", "F.cross_entropy", ["$logits", "$target", "$cw"], tol="red"); case("F_embedding_pos", "F.embedding", ["$ids", "$emb", 0], tol="exact")
case("F_grid_sample_pos", "F.grid_sample", ["$img", "$grid", "bilinear", "border", False], tol="ew"); case("F_unfold_pos", "F.unfold", ["$img", 2, 1, 0, 2], tol="exact")
case("F_local_response_norm", "F.local_response_norm", ["$img", 2], tol="red"); case("F_local_response_norm_3d", "F.local_response_norm", ["$seq", 3], {"alpha": 0.1, "beta": 0.5, "k": 2.0}, tol="red")
case("F_local_response_norm_5d", "F.local_response_norm", ["$vol", 2], tol="red")
case("F_lp_pool1d", "F.lp_pool1d", ["$seq", 2, 3], tol="red"); case("F_lp_pool2d", "F.lp_pool2d", ["$img", 2, 2], tol="red"); case("F_lp_pool2d_stride", "F.lp_pool2d", ["$img", 3.0, [2, 3]], {"stride": 1}, tol="red")
case("F_max_unpool2d", "F.max_unpool2d", ["$pooled2", "$pidx2", 2], tol="exact"); case("F_max_unpool1d", "F.max_unpool1d", ["$pooled1", "$pidx1", 2], tol="exact")
case("F_max_unpool3d", "F.max_unpool3d", ["$pooled3", "$pidx3", 2], tol="exact"); case("F_max_unpool2d_size", "F.max_unpool2d", ["$pooled2", "$pidx2", 2], {"output_size": [9, 9]}, tol="exact")
case("F_gaussian_nll_loss", "F.gaussian_nll_loss", ["$a", "$b", "$p"], tol="red"); case("F_gaussian_nll_loss_full", "F.gaussian_nll_loss", ["$a", "$b", "$col1"], {"full": True, "reduction": "sum"}, tol="red")
case("F_ctc_loss", "F.ctc_loss", ["$ctc_lp", "$ctc_t", "$ctc_il", "$ctc_tl"], tol="red"); case("F_ctc_loss_sum", "F.ctc_loss", ["$ctc_lp", "$ctc_t", "$ctc_il", "$ctc_tl"], {"reduction": "sum", "zero_infinity": True}, tol="red")
case("F_upsample_nearest", "F.upsample_nearest", ["$img", None, 2], tol="exact"); case("F_upsample_bilinear", "F.upsample_bilinear", ["$img", [5, 7]], tol="ew")
case("F_max_pool1d_with_indices", "F.max_pool1d_with_indices", ["$seq", 2], tol="exact"); case("F_adaptive_max_pool2d_with_indices", "F.adaptive_max_pool2d_with_indices", ["$img", 3], tol="exact")
case("F_softmax_kw_dim", "F.softmax", ["$a"], {"dim": 1}); case("F_log_softmax_kw_dim", "F.log_softmax", ["$a"], {"dim": 0})
case("F_cross_entropy_kw_target", "F.cross_entropy", ["$logits"], {"target": "$target"}, tol="red")
# ---- losses ----
case("F_cross_entropy", "F.cross_entropy", ["$logits", "$target"], tol="red"); case("F_cross_entropy_ls", "F.cross_entropy", ["$logits", "$target"], {"label_smoothing": 0.1}, tol="red")
case("F_cross_entropy_probs", "F.cross_entropy", ["$logits", "$probs"], tol="red"); case("F_cross_entropy_w_ignore", "F.cross_entropy", ["$logits", "$target"], {"weight": "$cw", "ignore_index": 2, "reduction": "sum"}, tol="red")
case("F_cross_entropy_none", "F.cross_entropy", ["$logits", "$target"], {"reduction": "none"}, tol="red"); case("F_cross_entropy_2d", "F.cross_entropy", ["$seg", "$segt"], tol="red")
case("F_nll_loss", "F.nll_loss", ["$logp", "$target"], tol="red"); case("F_nll_loss_w", "F.nll_loss", ["$logp", "$target"], {"weight": "$cw", "reduction": "none"}, tol="red"); case("F_nll_loss_2d", "F.nll_loss", ["$seg", "$segt"], {"ignore_index": 1}, tol="red")
case("F_mse_loss", "F.mse_loss", ["$a", "$b"], tol="red"); case("F_mse_loss_sum", "F.mse_loss", ["$a", "$b"], {"reduction": "sum"}, tol="red"); case("F_l1_loss", "F.l1_loss", ["$a", "$b"], tol="red")
case("F_l1_loss_none", "F.l1_loss", ["$a", "$b"], {"reduction": "none"}, tol="ew"); case("F_smooth_l1_loss", "F.smooth_l1_loss", ["$a", "$b"], tol="red"); case("F_smooth_l1_loss_beta", "F.smooth_l1_loss", ["$a", "$b"], {"beta": 0.5}, tol="red")
case("F_huber_loss", "F.huber_loss", ["$a", "$b"], tol="red"); case("F_huber_loss_delta", "F.huber_loss", ["$a", "$b"], {"delta": 0.3, "reduction": "sum"}, tol="red")
case("F_bce", "F.binary_cross_entropy", ["$q", "$q2"], tol="red"); case("F_bce_weight", "F.binary_cross_entropy", ["$q", "$q2"], {"weight": "$p", "reduction": "none"}, tol="ew")
case("F_bce_logits", "F.binary_cross_entropy_with_logits", ["$a", "$q2"], tol="red"); case("F_bce_logits_pw", "F.binary_cross_entropy_with_logits", ["$a", "$q2"], {"pos_weight": "$c"}, tol="red")
case("F_kl_div", "F.kl_div", ["$logp", "$probs"], {"reduction": "batchmean"}, tol="red"); case("F_kl_div_log_target", "F.kl_div", ["$logp", "$logp2"], {"reduction": "sum", "log_target": True}, tol="red")
case("F_kl_div_mean", "F.kl_div", ["$logp", "$probs"], tol="red"); case("F_poisson_nll_loss", "F.poisson_nll_loss", ["$a", "$p"], tol="red")
case("F_margin_ranking_loss", "F.margin_ranking_loss", ["$c", "$c2", "$pm1c"], {"margin": 0.1}, tol="red"); case("F_hinge_embedding_loss", "F.hinge_embedding_loss", ["$a", "$pm1"], tol="red")
case("F_soft_margin_loss", "F.soft_margin_loss", ["$a", "$pm1"], tol="red"); case("F_triplet_margin_loss", "F.triplet_margin_loss", ["$a", "$b", "$p"], tol="red")
case("F_multilabel_soft_margin_loss", "F.multilabel_soft_margin_loss", ["$a", "$mlt"], tol="red"); case("F_multi_margin_loss", "F.multi_margin_loss", ["$logits", "$target"], tol="red")
case("F_cosine_similarity", "F.cosine_similarity", ["$a", "$b"], tol="red")
# ---- gradients ----
G = [
 ("g_sin", "torch.sin", ["$a"], None, "ew"), ("g_exp", "torch.exp", ["$a"], None, "ew"), ("g_log", "torch.log", ["$p"], None, "ew"), ("g_sqrt", "torch.sqrt", ["$p"], None, "ew"),
 ("g_tanh", "torch.tanh", ["$a"], None, "ew"), ("g_sigmoid", "torch.sigmoid", ["$a"], None, "ew"), ("g_pow", "torch.pow", ["$p", "$b"], None, "ew"), ("g_div", "torch.div", ["$a", "$p"], None, "ew"),
 ("g_mul", "torch.mul", ["$a", "$b"], None, "ew"), ("g_add_alpha", "torch.add", ["$a", "$b"], {"alpha": 2}, "ew"), ("g_clamp", "torch.clamp", ["$a", -0.5, 0.5], None, "ew"), ("g_abs", "torch.abs", ["$a"], None, "ew"),
 ("g_sum_dim", "torch.sum", ["$a", 1], None, "red"), ("g_mean", "torch.mean", ["$x3", [0, 2]], None, "red"), ("g_std", "torch.std", ["$a", 1], None, "red"), ("g_logsumexp", "torch.logsumexp", ["$a", 1], None, "red"),
 ("g_cumsum", "torch.cumsum", ["$a", 1], None, "red"), ("g_prod", "torch.prod", ["$q", 1], None, "red"), ("g_max_dim", "torch.max", ["$a", 1], None, "exact"), ("g_norm", "linalg.vector_norm", ["$a"], None, "red"),
 ("g_matmul", "torch.matmul", ["$a", "$m"], None, "red"), ("g_bmm", "torch.bmm", ["$bt1", "$bt2"], None, "red"), ("g_einsum", "torch.einsum", ["ij,jk->ik", "$a", "$m"], None, "red"),
 ("g_inv", "linalg.inv", ["$spd"], None, "lin"), ("g_det", "linalg.det", ["$spd"], None, "lin"), ("g_solve", "linalg.solve", ["$spd", "$rhs"], None, "lin"),
 ("g_gather", "torch.gather", ["$a", 1, "$idx"], None, "exact"), ("g_index_select", "torch.index_select", ["$a", 1, "$sel"], None, "exact"), ("g_where", "torch.where", ["$mask", "$a", "$b"], None, "exact"),
 ("g_cat", "torch.cat", [["$a", "$b"], 1], None, "exact"), ("g_softmax", "F.softmax", ["$a", 1], None, "ew"), ("g_log_softmax", "F.log_softmax", ["$a", 1], None, "ew"),
 ("g_gelu", "F.gelu", ["$a"], None, "ew"), ("g_silu", "F.silu", ["$a"], None, "ew"), ("g_layer_norm", "F.layer_norm", ["$x3", [3, 4], "$lnw", "$lnb"], None, "red"),
 ("g_conv2d", "F.conv2d", ["$img", "$w", "$bias"], {"padding": 1}, "red"), ("g_max_pool2d", "F.max_pool2d", ["$img", 2], None, "exact"), ("g_avg_pool2d", "F.avg_pool2d", ["$img", 2], None, "red"),
 ("g_cross_entropy", "F.cross_entropy", ["$logits", "$target"], {"label_smoothing": 0.1}, "red"), ("g_nll_loss", "F.nll_loss", ["$logp", "$target"], None, "red"), ("g_mse", "F.mse_loss", ["$a", "$b"], None, "red"),
 ("g_grid_sample", "F.grid_sample", ["$img", "$grid"], {"align_corners": False}, "red"), ("g_interpolate", "F.interpolate", ["$img"], {"scale_factor": 2, "mode": "bilinear"}, "red"),
 ("g_group_norm", "F.group_norm", ["$img6", 3, "$b6", "$b6"], None, "red"), ("g_embedding", "F.embedding", ["$ids", "$emb"], None, "exact"), ("g_bce_logits", "F.binary_cross_entropy_with_logits", ["$a", "$q2"], None, "red"),
 ("g_m_sort", ".sort", ["$a", 1], None, "exact"), ("g_gaussian_nll", "F.gaussian_nll_loss", ["$a", "$b", "$p"], None, "red"),
 ("g_local_response_norm", "F.local_response_norm", ["$img", 2], None, "red"), ("g_lp_pool2d", "F.lp_pool2d", ["$img", 2, 2], None, "red"), ("g_m_topk", ".topk", ["$a", 2], None, "exact"),
]
def tensor_args(args):
    out = []
    for x in args:
        if isinstance(x, str) and x.startswith("$"): out.append(x[1:])
        elif isinstance(x, list): out += tensor_args(x)
    return out
for (id, f, a, k, tol) in G:
    names = [n for n in tensor_args(a) if n not in ("idx", "sel", "mask", "target", "ids", "segt", "pidx2")]
    case(id, f, a, k, tol=tol, grad=sorted(set(names)))
ids = [c["id"] for c in C]
assert len(ids) == len(set(ids)), [i for i in ids if ids.count(i) > 1]
print(len(C), "cases,", sum(1 for c in C if "grad" in c), "with gradients")
import os
with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "ops_cases.json"), "w") as f:
    f.write("[\n" + ",\n".join(json.dumps(c) for c in C) + "\n]\n")
