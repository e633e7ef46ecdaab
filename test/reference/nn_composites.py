"""Reference for test/nn-functional-composites.test.ts: F.gumbel_softmax, F.embedding_bag (+ nn.EmbeddingBag),
F.fractional_max_pool2d/3d (+ modules) and torch.stft/istft on fixed inputs, run with the Python torch of the
loaded LibTorch line. Sampling cases are seeded: the TS test seeds the same generator and must draw the same
numbers (the same LibTorch CPU generator). Complex results are saved through torch.view_as_real. Error cases
record the exception Python raises, so the test checks svf-torch rejects the same calls."""
import warnings

import torch
import torch.nn as nn
import torch.nn.functional as F

from reflib import outdir_from_argv, save_tensors

warnings.simplefilter("ignore")
T = {}
EXTRA = {"errors": {}}


def put(case, **tensors):
    for k, v in tensors.items():
        T[f"{case}.{k}"] = v.detach().clone()


def error_of(case, fn):
    try:
        fn()
        EXTRA["errors"][case] = None
    except Exception as e:  # noqa: BLE001 - the kind is what is recorded
        EXTRA["errors"][case] = type(e).__name__


torch.manual_seed(0)

# ---- gumbel_softmax ---------------------------------------------------------------------------
logits = torch.randn(4, 6)
put("gumbel", logits=logits)
for case, seed, kw in [("gs_soft", 11, dict(tau=0.7)), ("gs_hard", 12, dict(tau=1.5, hard=True, dim=0)),
                       ("gs_soft_dim0", 13, dict(dim=0))]:
    x = logits.clone().requires_grad_(True)
    g = torch.randn(4, 6)
    torch.manual_seed(seed)
    y = F.gumbel_softmax(x, **kw)
    (y * g).sum().backward()
    # the noise the call drew: the same seed, the same exponential_ draws
    torch.manual_seed(seed)
    noise = -torch.empty_like(logits).exponential_().log()
    put(case, y=y, g=g, gx=x.grad, noise=noise)
    EXTRA[case] = {"seed": seed}
base = torch.tensor([0.3, -1.2, 1.0, 0.0, 0.6])
put("gs_stats", probs=base.softmax(0), logits=base)
error_of("gs_bad_dim", lambda: F.gumbel_softmax(logits, dim=2))

# ---- embedding_bag ------------------------------------------------------------------------------
weight = torch.randn(10, 3)
put("eb", weight=weight)
ids2d = torch.tensor([[1, 2, 4], [4, 3, 2], [0, 9, 9], [2, 2, 5]])
ids1d = torch.tensor([1, 2, 4, 5, 4, 3, 2, 9])
put("eb", ids2d=ids2d, ids1d=ids1d)
EB_CASES = {
    "eb_2d_mean": dict(input=ids2d, kw=dict()),
    "eb_2d_sum": dict(input=ids2d, kw=dict(mode="sum")),
    "eb_2d_max": dict(input=ids2d, kw=dict(mode="max")),
    "eb_1d_sum": dict(input=ids1d, kw=dict(offsets=torch.tensor([0, 2, 5]), mode="sum")),
    "eb_1d_max_empty": dict(input=ids1d, kw=dict(offsets=torch.tensor([0, 3, 3, 6]), mode="max")),
    "eb_last_offset": dict(input=ids1d, kw=dict(offsets=torch.tensor([0, 2, 5, 8]), include_last_offset=True)),
    "eb_padding": dict(input=ids2d, kw=dict(padding_idx=2)),
    "eb_scale_grad": dict(input=ids1d, kw=dict(offsets=torch.tensor([0, 4]), mode="sum", scale_grad_by_freq=True)),
}
for case, c in EB_CASES.items():
    w = weight.clone().requires_grad_(True)
    y = F.embedding_bag(c["input"], w, **c["kw"])
    g = torch.randn_like(y)
    (y * g).sum().backward()
    put(case, y=y, g=g, gw=w.grad)
    if "offsets" in c["kw"]:
        put(case, offsets=c["kw"]["offsets"])
# per_sample_weights (sum only), 2-D and 1-D
for case, inp, kw in [("eb_psw_1d", ids1d, dict(offsets=torch.tensor([0, 2, 5]))), ("eb_psw_2d", ids2d, dict())]:
    w = weight.clone().requires_grad_(True)
    psw = torch.randn(inp.shape, requires_grad=True)
    y = F.embedding_bag(inp, w, mode="sum", per_sample_weights=psw, **kw)
    g = torch.randn_like(y)
    (y * g).sum().backward()
    put(case, psw=psw, y=y, g=g, gw=w.grad, gpsw=psw.grad)
# max_norm renormalises the looked-up rows of weight in place
w = weight.clone()
y = F.embedding_bag(ids2d, w, max_norm=1.0, norm_type=2.0, mode="sum")
put("eb_max_norm", y=y, w_after=w)
# the module: seeded init (normal_, padding row zeroed), forward; from_pretrained
torch.manual_seed(5)
m = nn.EmbeddingBag(10, 4, mode="sum", padding_idx=1)
y = m(ids1d, torch.tensor([0, 3, 5]))
put("eb_module", weight=m.weight, y=y)
EXTRA["eb_module"] = {"seed": 5, "repr": repr(m)}
m = nn.EmbeddingBag.from_pretrained(weight, mode="max")
put("eb_pretrained", y=m(ids2d))
EXTRA["eb_pretrained"] = {"requires_grad": m.weight.requires_grad}
# nn.Embedding: seeded init (normal_, padding row zeroed), forward and weight gradient; max_norm
# renorms the looked-up rows in place; from_pretrained
torch.manual_seed(7)
m = nn.Embedding(10, 4, padding_idx=2)
ids = torch.tensor([[1, 2, 4], [4, 3, 9]])
w0 = m.weight.detach().clone()
y = m(ids)
(y * torch.arange(24.0).view(2, 3, 4)).sum().backward()
put("emb_module", weight=w0, y=y, grad=m.weight.grad)
EXTRA["emb_module"] = {"seed": 7, "repr": repr(m)}
m = nn.Embedding(10, 3, max_norm=1.0, _weight=weight.clone())
y = m(ids)
put("emb_max_norm", y=y, w_after=m.weight)
m = nn.Embedding.from_pretrained(weight, padding_idx=0)
put("emb_pretrained", y=m(ids))
EXTRA["emb_pretrained"] = {"requires_grad": m.weight.requires_grad, "repr": repr(m)}
for case, fn in {
    "eb_err_psw_shape": lambda: F.embedding_bag(ids2d, weight, mode="sum", per_sample_weights=torch.ones(4, 2)),
    "eb_err_offsets_2d": lambda: F.embedding_bag(ids2d, weight, offsets=torch.tensor([0])),
    "eb_err_no_offsets": lambda: F.embedding_bag(ids1d, weight),
    "eb_err_offsets_dim": lambda: F.embedding_bag(ids1d, weight, offsets=torch.tensor([[0]])),
    "eb_err_input_3d": lambda: F.embedding_bag(ids2d.view(2, 2, 3), weight),
    "eb_err_mode": lambda: F.embedding_bag(ids2d, weight, mode="median"),
    "eb_err_max_scale": lambda: F.embedding_bag(ids2d, weight, mode="max", scale_grad_by_freq=True),
    "eb_err_psw_mean": lambda: F.embedding_bag(ids2d, weight, per_sample_weights=torch.ones(4, 3)),
    "eb_err_index": lambda: F.embedding_bag(torch.tensor([[1, 10]]), weight),
    "eb_err_module_padding": lambda: nn.EmbeddingBag(10, 3, padding_idx=10),
    "eb_err_module_weight": lambda: nn.EmbeddingBag(10, 4, _weight=weight),
    "emb_err_module_padding": lambda: nn.Embedding(10, 3, padding_idx=-11),
    "emb_err_module_weight": lambda: nn.Embedding(10, 4, _weight=weight),
    "emb_err_pretrained_1d": lambda: nn.Embedding.from_pretrained(torch.ones(3)),
}.items():
    error_of(case, fn)

# ---- fractional max pooling ---------------------------------------------------------------------
FMP = {
    "fmp2d": dict(x=torch.randn(2, 3, 9, 10), k=3, kw=dict(output_size=(5, 4)), samples=torch.rand(2, 3, 2), f=F.fractional_max_pool2d),
    "fmp2d_ratio": dict(x=torch.randn(3, 9, 10), k=(2, 3), kw=dict(output_ratio=(0.5, 0.5)), samples=torch.rand(1, 3, 2), f=F.fractional_max_pool2d),
    "fmp3d": dict(x=torch.randn(2, 2, 7, 8, 6), k=2, kw=dict(output_size=(4, 5, 3)), samples=torch.rand(2, 2, 3), f=F.fractional_max_pool3d),
    "fmp3d_ratio": dict(x=torch.randn(2, 7, 8, 6), k=(2, 2, 3), kw=dict(output_ratio=(0.5, 0.6, 0.5)), samples=torch.rand(1, 2, 3), f=F.fractional_max_pool3d),
}
for case, c in FMP.items():
    x = c["x"].clone().requires_grad_(True)
    y, idx = c["f"](x, c["k"], return_indices=True, _random_samples=c["samples"], **c["kw"])
    g = torch.randn_like(y)
    (y * g).sum().backward()
    put(case, x=c["x"], samples=c["samples"], y=y, idx=idx, g=g, gx=x.grad)
# drawn samples under a seed
x = torch.randn(2, 3, 11, 12)
torch.manual_seed(21)
put("fmp_seeded", x=x, y=F.fractional_max_pool2d(x, 2, output_ratio=(0.6, 0.7)))
torch.manual_seed(22)
put("fmp3_seeded", y=F.fractional_max_pool3d(FMP["fmp3d"]["x"], 2, output_size=3))
# modules
m = nn.FractionalMaxPool2d(3, output_size=5, return_indices=True, _random_samples=FMP["fmp2d"]["samples"])
y, idx = m(FMP["fmp2d"]["x"])
put("fmp_module", y=y, idx=idx)
EXTRA["fmp_module"] = {"state_dict": sorted(m.state_dict().keys())}
for case, fn in {
    "fmp_err_no_size": lambda: F.fractional_max_pool2d(FMP["fmp2d"]["x"], 2),
    "fmp_err_too_big": lambda: F.fractional_max_pool2d(FMP["fmp2d"]["x"], 3, output_size=9, _random_samples=FMP["fmp2d"]["samples"]),
    "fmp_err_module_both": lambda: nn.FractionalMaxPool2d(2, output_size=3, output_ratio=0.5),
    "fmp_err_module_ratio": lambda: nn.FractionalMaxPool2d(2, output_ratio=1.5),
    "fmp_err_module_none": lambda: nn.FractionalMaxPool3d(2),
}.items():
    error_of(case, fn)

# ---- stft / istft -------------------------------------------------------------------------------
sig = torch.randn(2, 100)
put("stft", sig=sig)
STFT = {
    "st_default": dict(x=sig, n=16, kw=dict(window=torch.hann_window(16), return_complex=True)),
    "st_nocenter": dict(x=sig, n=20, kw=dict(hop_length=5, win_length=12, window=torch.hann_window(12), center=False, return_complex=True)),
    "st_constant": dict(x=sig[0], n=15, kw=dict(hop_length=3, pad_mode="constant", normalized=True, onesided=False, return_complex=True)),
    "st_replicate": dict(x=sig, n=8, kw=dict(hop_length=8, pad_mode="replicate", window=torch.hamming_window(8), return_complex=True)),
    "st_circular": dict(x=sig, n=10, kw=dict(pad_mode="circular", return_complex=True)),
    "st_real": dict(x=sig, n=16, kw=dict(window=torch.hann_window(16), return_complex=False)),
}
for case, c in STFT.items():
    x = c["x"].clone().requires_grad_(True)
    s = torch.stft(x, c["n"], **c["kw"])
    r = torch.view_as_real(s) if s.is_complex() else s
    g = torch.randn_like(r)
    (r * g).sum().backward()
    put(case, y=r, g=g, gx=x.grad)
# Tensor.stft, Python's positional order
put("st_method", y=torch.view_as_real(sig.stft(16, 4, 16, torch.hann_window(16), True, "reflect", False, True, True)))
# istft inverts the centred stft
s = torch.stft(sig, 16, window=torch.hann_window(16), return_complex=True)
put("istft", y=torch.istft(s, 16, window=torch.hann_window(16), length=100))
for case, fn in {
    "st_err_return_complex": lambda: torch.stft(sig, 16),
    "st_err_pad_mode": lambda: torch.stft(sig, 16, pad_mode="wrap", return_complex=True),
    "st_err_window": lambda: torch.stft(sig, 16, window=torch.ones(7), return_complex=True),
}.items():
    error_of(case, fn)

EXTRA["torch"] = torch.__version__
save_tensors(outdir_from_argv(), T, EXTRA)
