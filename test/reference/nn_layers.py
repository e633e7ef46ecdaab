"""Reference for test/nn-layers.test.ts: layers and nn.functional on fixed inputs (PyTorch 1.13).
Each case saves its inputs, outputs and gradients under '<case>.<what>'; the TS test runs the
same call on the same inputs. Seeded cases also check that initialization draws the same numbers."""
import torch
import torch.nn as nn
import torch.nn.functional as F

from reflib import outdir_from_argv, save_tensors

T = {}
EXTRA = {}


def put(case, **tensors):
    for k, v in tensors.items():
        T[f"{case}.{k}"] = v.detach().clone() if isinstance(v, torch.Tensor) else v


# ---- Conv2d: construction under a seed, forward, input/weight/bias grads ------------------------
CONV_CASES = {
    "conv_basic": dict(args=(4, 6, 3), kw={}),
    "conv_stride_pad": dict(args=(4, 6, (3, 2)), kw=dict(stride=2, padding=(1, 2))),
    "conv_dil_groups": dict(args=(4, 6, 3), kw=dict(dilation=2, groups=2, bias=False, padding=2)),
    "conv_same": dict(args=(4, 6, 4), kw=dict(padding="same", dilation=(1, 2))),
    "conv_valid": dict(args=(4, 3, 3), kw=dict(padding="valid")),
    "conv_reflect": dict(args=(4, 6, 3), kw=dict(padding=1, padding_mode="reflect")),
    "conv_replicate": dict(args=(4, 6, 3), kw=dict(padding=(2, 1), padding_mode="replicate", stride=2)),
    "conv_circular": dict(args=(4, 6, 3), kw=dict(padding="same", padding_mode="circular")),
}
for i, (case, c) in enumerate(CONV_CASES.items()):
    torch.manual_seed(100 + i)
    m = nn.Conv2d(*c["args"], **c["kw"])
    put(case, weight=m.weight, **({"bias": m.bias} if m.bias is not None else {}))
    x = torch.randn(2, 4, 9, 10, requires_grad=True)
    y = m(x)
    g = torch.randn_like(y)
    (y * g).sum().backward()
    put(case, x=x, y=y, g=g, gx=x.grad, gw=m.weight.grad, **({"gb": m.bias.grad} if m.bias is not None else {}))
    EXTRA[case] = {"seed": 100 + i}

# ---- Linear -------------------------------------------------------------------------------------
torch.manual_seed(7)
lin = nn.Linear(5, 3)
x = torch.randn(4, 2, 5, requires_grad=True)
y = lin(x)
y.sum().backward()
put("linear", weight=lin.weight, bias=lin.bias, x=x, y=y, gx=x.grad, gw=lin.weight.grad, gb=lin.bias.grad)
torch.manual_seed(8)
lin2 = nn.Linear(6, 2, bias=False)
put("linear_nobias", weight=lin2.weight)

# ---- BatchNorm2d: three training steps then eval, for several configurations --------------------
BN_CASES = {
    "bn_default": dict(),
    "bn_cumulative": dict(momentum=None),
    "bn_momentum": dict(momentum=0.3, eps=1e-3),
    "bn_noaffine": dict(affine=False),
    "bn_nostats": dict(track_running_stats=False),
}
torch.manual_seed(11)
bn_inputs = [torch.randn(3, 4, 5, 5) * (i + 1) + i for i in range(3)]
bn_eval_input = torch.randn(2, 4, 5, 5)
put("bn", x0=bn_inputs[0], x1=bn_inputs[1], x2=bn_inputs[2], xe=bn_eval_input)
for case, kw in BN_CASES.items():
    m = nn.BatchNorm2d(4, **kw)
    if m.affine:
        with torch.no_grad():
            m.weight.copy_(torch.tensor([1.0, 0.5, 2.0, -1.0]))
            m.bias.copy_(torch.tensor([0.0, 0.1, -0.2, 0.3]))
    m.train()
    for i, xi in enumerate(bn_inputs):
        put(case, **{f"y{i}": m(xi)})
        for name, b in m.named_buffers():
            put(case, **{f"{name}_{i}": b})
    m.eval()
    put(case, ye=m(bn_eval_input))
    EXTRA[case] = {"buffers": [n for n, _ in m.named_buffers()], "keys": list(m.state_dict().keys())}
# functional form with a grad
x = bn_inputs[0].clone().requires_grad_(True)
w = torch.tensor([1.0, 0.5, 2.0, -1.0], requires_grad=True)
rm, rv = torch.zeros(4), torch.ones(4)
y = F.batch_norm(x, rm, rv, w, None, training=True, momentum=0.2, eps=1e-4)
(y * y).sum().backward()
put("fbn", y=y, rm=rm, rv=rv, gx=x.grad, gw=w.grad)

# ---- pooling ------------------------------------------------------------------------------------
torch.manual_seed(12)
xp = torch.randn(2, 3, 11, 9, requires_grad=True)
put("pool", x=xp)
put("pool", max=F.max_pool2d(xp, 3, 2, 1), max_ceil=F.max_pool2d(xp, (3, 2), stride=2, ceil_mode=True),
    max_dil=F.max_pool2d(xp, 2, stride=1, dilation=2),
    avg=F.avg_pool2d(xp, 3, 2, 1), avg_nopad=F.avg_pool2d(xp, 3, 2, 1, count_include_pad=False),
    avg_ceil=F.avg_pool2d(xp, 2, ceil_mode=True), avg_div=F.avg_pool2d(xp, 2, divisor_override=3),
    ada1=F.adaptive_avg_pool2d(xp, 1), ada=F.adaptive_avg_pool2d(xp, (4, 3)), ada_none=F.adaptive_avg_pool2d(xp, (5, None)))
vals, idx = F.max_pool2d(xp, 3, 2, 1, return_indices=True)
put("pool", max_idx=idx)
F.max_pool2d(xp, 3, 2, 1).sum().backward()
put("pool", gmax=xp.grad)

# ---- interpolate --------------------------------------------------------------------------------
torch.manual_seed(13)
xi = torch.randn(2, 3, 5, 7, requires_grad=True)
put("interp", x=xi)
INTERP = {
    "bilinear_ac_size": dict(size=(9, 12), mode="bilinear", align_corners=True),
    "bilinear_size": dict(size=(9, 12), mode="bilinear", align_corners=False),
    "bilinear_scale": dict(scale_factor=2.5, mode="bilinear", align_corners=False),
    "bilinear_ac_scale": dict(scale_factor=(1.5, 0.5), mode="bilinear", align_corners=True),
    "bilinear_recompute": dict(scale_factor=1.7, mode="bilinear", recompute_scale_factor=True),
    "nearest_size": dict(size=(8, 3)),
    "nearest_scale": dict(scale_factor=2),
    "nearest_int_size": dict(size=6),
    "bicubic": dict(size=(8, 8), mode="bicubic", align_corners=False),
    "area": dict(size=(3, 4), mode="area"),
}
for case, kw in INTERP.items():
    xi.grad = None
    y = F.interpolate(xi, **kw)
    (y * torch.arange(y.numel(), dtype=y.dtype).reshape(y.shape).cos()).sum().backward()
    put("interp_" + case, y=y, gx=xi.grad)
up = nn.Upsample(scale_factor=2, mode="bilinear", align_corners=True)
put("upsample", y=up(xi))

# ---- losses ---------------------------------------------------------------------------------------
torch.manual_seed(14)
logits4 = torch.randn(2, 5, 4, 6, requires_grad=True)
target4 = torch.randint(0, 5, (2, 4, 6))
target4[0, 0, :3] = 255
target4[1, 2, 2] = 255
cw = torch.tensor([1.0, 2.0, 0.5, 1.5, 3.0])
put("ce4", logits=logits4, target=target4, weight=cw)
CE = {
    "mean": dict(weight=cw, ignore_index=255),
    "sum": dict(weight=cw, ignore_index=255, reduction="sum"),
    "none": dict(ignore_index=255, reduction="none"),
    "smooth": dict(weight=cw, ignore_index=255, label_smoothing=0.1),
}
for case, kw in CE.items():
    logits4.grad = None
    loss = F.cross_entropy(logits4, target4, **kw)
    loss.sum().backward()
    put("ce4_" + case, loss=loss, g=logits4.grad)
logits2 = torch.randn(6, 4, requires_grad=True)
target2 = torch.tensor([0, 3, 1, -100, 2, 3])
loss = F.cross_entropy(logits2, target2)
loss.backward()
put("ce2", logits=logits2, target=target2, loss=loss, g=logits2.grad)
probs = torch.softmax(torch.randn(6, 4), 1)
put("ce_probs", target=probs, loss=F.cross_entropy(logits2, probs))

xb = torch.randn(3, 4, requires_grad=True)
yb = torch.rand(3, 4)
pw = torch.tensor([1.0, 2.0, 0.5, 3.0])
wb = torch.rand(3, 4)
lb = F.binary_cross_entropy_with_logits(xb, yb, weight=wb, pos_weight=pw)
lb.backward()
put("bce", x=xb, y=yb, pw=pw, w=wb, loss=lb, g=xb.grad, loss_sum=F.binary_cross_entropy_with_logits(xb, yb, reduction="sum"),
    loss_none=F.binary_cross_entropy_with_logits(xb, yb, reduction="none"))
put("mse", loss=F.mse_loss(xb, yb), loss_sum=F.mse_loss(xb, yb, reduction="sum"), loss_none=F.mse_loss(xb, yb, reduction="none"))

# ---- activations, similarity, normalize, pad --------------------------------------------------------
torch.manual_seed(15)
xa = torch.randn(3, 4, 5)
x2 = torch.randn(3, 4, 5)
xa[0, 0, :] = 0
put("act", x=xa, x2=x2, relu=F.relu(xa), softmax=F.softmax(xa, 1), log_softmax=F.log_softmax(xa, -1),
    softmax64=F.softmax(xa, 2, dtype=torch.float64),
    cos=F.cosine_similarity(xa, x2), cos_d2=F.cosine_similarity(xa, x2, dim=2, eps=1e-3),
    norm=F.normalize(xa), norm_p1=F.normalize(xa, p=1, dim=2), norm_eps=F.normalize(xa, dim=2, eps=0.5))
# in-place ReLU inside a graph (svf-torch's mask-saving backward), with zeros and a NaN; float32 and float64
for dt in (torch.float32, torch.float64):
    xg = xa.to(dt).clone()
    xg[1, 1, 1] = float('nan')
    xg.requires_grad_(True)
    w = torch.randn(3, 4, 5, dtype=dt)
    y = xg * 1.5
    F.relu(y, inplace=True)
    (y * w).sum().backward()
    tag = 'relu_' + str(dt).split('.')[1]
    put(tag, x=xg.detach(), w=w, y=y.detach(), gx=xg.grad)
xpad = torch.randn(2, 3, 4, 5)
put("pad", x=xpad, const=F.pad(xpad, [1, 2]), const_v=F.pad(xpad, [1, 0, 2, 1], value=-3.5),
    reflect=F.pad(xpad, [2, 1, 3, 0], mode="reflect"), replicate=F.pad(xpad, [1, 1, 2, 2], mode="replicate"),
    circular=F.pad(xpad, [1, 2, 2, 1], mode="circular"), neg=F.pad(xpad, [-1, 1, 0, -2]))

# ---- dropout under a seed (bernoulli from the same generator) ----------------------------------------
xd = torch.randn(4, 6, 3, 3)
put("drop", x=xd)
torch.manual_seed(16)
put("drop", y=F.dropout(xd, 0.3))
torch.manual_seed(17)
put("drop", y2d=F.dropout2d(xd, 0.5))
torch.manual_seed(18)
m = nn.Dropout(0.25)
put("drop", ymod=m(xd))

save_tensors(outdir_from_argv(), T, EXTRA)
