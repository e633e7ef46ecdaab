"""Reference for test/fss-pfenet.test.ts: a randomly initialised PFENet-ResNet50 (pfenet_ref.py,
BatchNorm made non-trivial) saved with torch.save, inputs, eval logits (1 and 2 shots), one
training step of the official model (frozen backbone: losses and head gradients), the same
model after SVF (svf_ref.resolver on layer0-4, svf_modules, fix_bn) saved with torch.save, its
training step (losses, vector_S and head gradients) and one SGD step of the recipe.
usage: fss_pfenet.py OUTDIR SIZE"""
import copy
import os
import sys

import torch

from pfenet_ref import PFENetRef, dropouts_off, head_groups
from reflib import nontrivial_bn, outdir_from_argv, save_tensors
from svf_ref import fix_bn, resolver, svf_modules

torch.set_num_threads(2)
outdir = outdir_from_argv()
size = int(sys.argv[2])
torch.manual_seed(0)
model = PFENetRef(layers=50)
nontrivial_bn(model)


@torch.no_grad()
def calibrate_bn(model, gen, size):
    """Running statistics measured on random images (cumulative average), as a trained network
    has them. With nontrivial_bn's arbitrary statistics every layer4 position points almost the
    same way in eval mode (cosine ≥ 0.993), and the prior's min-max normalisation then divides
    by ~0.007, turning float32 rounding into 1e-2 gradient differences: an ill-conditioned test."""
    bns = [m for m in model.modules() if isinstance(m, torch.nn.BatchNorm2d)]
    for m in bns:
        m.reset_running_stats()
        m.momentum = None
    model.train()
    for _ in range(2):
        x = torch.randn(2, 3, size, size, generator=gen)
        model.feats(x)
    for m in bns:
        m.momentum = 0.1


calibrate_bn(model, torch.Generator().manual_seed(2), size)
torch.save(model.state_dict(), os.path.join(outdir, 'pfenet.pth'))

gen = torch.Generator().manual_seed(1)
B = 2
query = torch.randn(B, 3, size, size, generator=gen)
supp = torch.randn(B, 2, 3, size, size, generator=gen)
labels = lambda *shape: torch.randint(0, 2, shape, generator=gen).float()
supp_mask = labels(B, 2, size, size)
supp_mask[:, :, :3, :] = 255  # ignored support pixels count as background
target = labels(B, size, size)
target[:, -4:, :] = 255
out = {'query': query, 'supp': supp, 'supp_mask': supp_mask, 'target': target}

model.eval()
with torch.no_grad():
    out['logits_1shot'] = model(query, supp[:, :1], supp_mask[:, :1])
    out['logits_2shot'] = model(query, supp, supp_mask)

# one training step of the official model: backbone frozen (runs under no_grad, BatchNorm in
# training mode as model.train() leaves it), dropout off (see dropouts_off)
for p in [p for l in model.backbone() for p in l.parameters()]:
    p.requires_grad = False
model.train()
dropouts_off(model)
_, main, aux = model(query, supp[:, :1], supp_mask[:, :1], target)
(main + aux).backward()
out['frozen.main'], out['frozen.aux'] = main.detach(), aux.detach()
for n, p in model.named_parameters():
    if p.grad is not None:
        out['frozen.grad.' + n] = p.grad
out['frozen.layer4.2.bn3.running_mean'] = model.layer4[2].bn3.running_mean
out['frozen.layer0.1.running_var'] = model.layer0[1].running_var

# the same step in float64 (the yardstick of the gradients' float32 error, see the SVF step below)
model64 = PFENetRef(layers=50)
model64.load_state_dict(torch.load(os.path.join(outdir, 'pfenet.pth')))
model64.double()
for p in [p for l in model64.backbone() for p in l.parameters()]:
    p.requires_grad = False
model64.train()
dropouts_off(model64)
_, main, aux = model64(query.double(), supp[:, :1].double(), supp_mask[:, :1].double(), target)
(main + aux).backward()
for n, p in model64.named_parameters():
    if p.grad is not None:
        out['frozen64.grad.' + n] = p.grad

# SVF: the model reloaded from the file (BatchNorm statistics as saved), layer0-4 resolved
svf = PFENetRef(layers=50)
svf.load_state_dict(torch.load(os.path.join(outdir, 'pfenet.pth')))
for n in ('layer0', 'layer1', 'layer2', 'layer3', 'layer4'):
    setattr(svf, n, resolver(getattr(svf, n), global_low_rank_ratio=1.0, skip_1x1=False, skip_3x3=False))
trainable = svf_modules(svf.backbone())
torch.save(svf.state_dict(), os.path.join(outdir, 'svf.pth'))
svf.train()
svf.apply(fix_bn)
# fix_bn pins every BatchNorm, the official call; the head has none
dropouts_off(svf)
base_lr = 0.0025
opt = torch.optim.SGD(head_groups(svf, base_lr, True), lr=base_lr, momentum=0.9, weight_decay=1e-4)
sched = torch.optim.lr_scheduler.PolynomialLR(opt, total_iters=10, power=0.9)
_, main, aux = svf(query, supp[:, :1], supp_mask[:, :1], target)
(main + aux).backward()
out['svf.main'], out['svf.aux'] = main.detach(), aux.detach()
for n, p in svf.named_parameters():
    if p.grad is not None:
        out['svf.grad.' + n] = p.grad.clone()
opt.step()
sched.step()
for n, p in svf.named_parameters():
    if p.requires_grad:
        out['svf.after.' + n] = p.detach().clone()
out['svf.layer4.2.bn3.running_mean'] = svf.layer4[2].bn3.running_mean

# the same SVF step in float64: the yardstick of float32's own error for the gradients. They
# are sums of many terms gated by ReLUs; a feature that moves by rounding flips a few gates, and
# each flip moves a gradient by a whole term, so the gradients' float32 error is set by the
# features' (1e-5 relative here) through the gates, not by the last rounding.
svf64 = PFENetRef(layers=50)
for n in ('layer0', 'layer1', 'layer2', 'layer3', 'layer4'):
    setattr(svf64, n, copy.deepcopy(getattr(svf, n)))  # the same factors, no second decomposition
svf64.load_state_dict(torch.load(os.path.join(outdir, 'svf.pth')))
svf64.double()
svf_modules(svf64.backbone())
svf64.train()
svf64.apply(fix_bn)
dropouts_off(svf64)
_, main, aux = svf64(query.double(), supp[:, :1].double(), supp_mask[:, :1].double(), target)
(main + aux).backward()
out['svf64.main'] = main.detach()
for n, p in svf64.named_parameters():
    if p.grad is not None:
        out['svf64.grad.' + n] = p.grad
save_tensors(outdir, out, {
    'keys': list(model.state_dict().keys()),
    'svf_keys': list(svf.state_dict().keys()),
    'svf_trainable': trainable,
    'svf_trainable_names': [n for n, p in svf.named_parameters() if p.requires_grad],
    'lrs_after': [g['lr'] for g in opt.param_groups],
})
