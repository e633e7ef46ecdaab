"""Reference for test/svf-resnet.test.ts: a torchvision ResNet (random weights, randomised BN),
its output, the resolved model's output and decomposition (S and U·diag(S)·V per layer), and
a few SGD steps of vector_S under svf_modules. usage: svf_resnet.py OUTDIR ARCH SIZE STEPS"""
import copy
import sys

import torch
import torch.nn.functional as F
import torchvision

from reflib import outdir_from_argv, save_tensors
from svf_ref import SVD_Conv2d, SVD_Linear, fix_bn, randomize_bn, resnet_layers, resolver, svf_modules

torch.set_num_threads(2)
outdir = outdir_from_argv()
arch, size, steps = sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
torch.manual_seed(0)
gen = torch.Generator().manual_seed(1)
net = getattr(torchvision.models, arch)(num_classes=10)
randomize_bn(net, gen)
net.eval()
x = torch.randn(1, 3, size, size, generator=gen)
xb = torch.randn(2, 3, size, size, generator=gen)
labels = torch.tensor([3, 7])
out = {}
for k, v in net.state_dict().items():
    out['sd.' + k] = v
with torch.no_grad():
    out['x'] = x
    out['y'] = net(x)
    svf = resolver(net)
    svf.eval()
    out['y_svf'] = svf(x)
names = []
for n, m in svf.named_modules():
    if isinstance(m, (SVD_Conv2d, SVD_Linear)):
        names.append(n)
        out['S.' + n] = m.vector_S.detach().clone()
        if isinstance(m, SVD_Conv2d):
            G = m.conv_U.groups
            r = m.vector_S.shape[1] // G
            U = m.conv_U.weight.reshape(G, -1, r)
            V = m.conv_V.weight.reshape(G, r, -1)
            W = (U * m.vector_S.reshape(G, 1, r)) @ V
        else:
            W = (m.fc_U.weight * m.vector_S) @ m.fc_V.weight
        out['W.' + n] = W.reshape(m.conv_U.out_channels if isinstance(m, SVD_Conv2d) else m.fc_U.out_features, -1).detach()

# fine-tune vector_S of layer2-4 (everything else frozen, BatchNorm kept in eval: fix_bn). The
# same run in float64 is the yardstick for the float32 runs' error (test: update tolerance).
svf64 = copy.deepcopy(svf).double()


def fine_tune(model, x):
    model.requires_grad_(False)
    count = svf_modules(resnet_layers(model))
    model.train()
    model.apply(fix_bn)
    opt = torch.optim.SGD([p for p in model.parameters() if p.requires_grad], lr=0.01, momentum=0.9)
    losses = []
    for _ in range(steps):
        opt.zero_grad()
        loss = F.cross_entropy(model(x), labels)
        loss.backward()
        opt.step()
        losses.append(loss.item())
    return count, losses


trainable, losses = fine_tune(svf, xb)
fine_tune(svf64, xb.double())
for n, m in svf64.named_modules():
    if isinstance(m, (SVD_Conv2d, SVD_Linear)) and m.vector_S.requires_grad:
        out['S_trained64.' + n] = m.vector_S.detach().clone()
out['xb'] = xb
for n, m in svf.named_modules():
    if isinstance(m, (SVD_Conv2d, SVD_Linear)) and m.vector_S.requires_grad:
        out['S_trained.' + n] = m.vector_S.detach().clone()
save_tensors(outdir, out, {'names': names, 'trainable': trainable, 'losses': losses,
                           'keys': list(svf.state_dict().keys())})
