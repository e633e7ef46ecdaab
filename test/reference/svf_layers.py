"""Reference for test/svf-layers.test.ts: single layers (grouped, padded, dilated, reflect-padded
convs; Linear; a depthwise conv the resolver leaves alone), their outputs and the reference
decomposition's outputs and S at full and reduced rank. usage: svf_layers.py OUTDIR"""
import torch
import torch.nn as nn

from reflib import outdir_from_argv, save_tensors
from svf_ref import decompose, resolver

torch.set_num_threads(2)
outdir = outdir_from_argv()
torch.manual_seed(0)
LAYERS = {
    'grouped': (nn.Conv2d(8, 12, 3, stride=2, padding=1, groups=4, bias=True), (2, 8, 9, 9)),
    'dilated': (nn.Conv2d(6, 10, (3, 5), padding=(2, 1), dilation=(2, 1), bias=False), (1, 6, 11, 13)),
    'reflect': (nn.Conv2d(5, 7, 3, padding=1, padding_mode='reflect'), (1, 5, 8, 8)),
    'same': (nn.Conv2d(4, 9, 4, padding='same', dilation=2), (1, 4, 10, 10)),
    'pointwise': (nn.Conv2d(16, 24, 1, bias=True), (2, 16, 5, 5)),
    'linear': (nn.Linear(20, 6), (3, 20)),
    'depthwise': (nn.Conv2d(8, 8, 3, padding=1, groups=8), (1, 8, 6, 6)),
}
out, extra = {}, {}
for name, (layer, shape) in LAYERS.items():
    x = torch.randn(shape)
    out[f'{name}.x'] = x
    for k, v in layer.state_dict().items():
        out[f'{name}.sd.{k}'] = v
    with torch.no_grad():
        out[f'{name}.y'] = layer(x)
        model = nn.Sequential(layer)
        resolved = resolver(model)  # defaults: ratio 1.0, rank multiple 4
        m = resolved[0]
        extra[name] = type(m).__name__
        if m is not layer and type(m) is not type(layer):
            out[f'{name}.y_svf'] = resolved(x)
            out[f'{name}.S'] = m.vector_S
            for k, v in m.state_dict().items():
                out[f'{name}.svf_sd.{k}'] = v
            extra[name + '.keys'] = list(m.state_dict().keys())
        if name != 'depthwise':
            half = decompose(layer, ratio=0.5, rank_multiple=1)
            out[f'{name}.y_half'] = half(x)
            out[f'{name}.S_half'] = half.vector_S

# Training through the seed-style layer (U, V frozen; S and x need gradients), alone and with an
# eval-mode BatchNorm after it — what svf-torch's single-node factored conv and BN folding replace.
for name, (layer, shape) in LAYERS.items():
    if name in ('linear', 'depthwise'):
        continue
    m = resolver(nn.Sequential(layer))[0]
    m.requires_grad_(False)
    m.vector_S.requires_grad_(True)
    x = out[f'{name}.x'].clone().requires_grad_(True)
    y = m(x)
    w = torch.randn_like(y)
    (y * w).sum().backward()
    out[f'{name}.train.w'] = w
    out[f'{name}.train.y'] = y.detach()
    out[f'{name}.train.gx'] = x.grad
    out[f'{name}.train.gS'] = m.vector_S.grad
    bn = nn.BatchNorm2d(y.shape[1])
    with torch.no_grad():
        bn.running_mean.normal_()
        bn.running_var.uniform_(0.5, 2.0)
        bn.weight.normal_()
        bn.bias.normal_()
    bn.eval().requires_grad_(False)
    for k, v in bn.state_dict().items():
        out[f'{name}.bn.{k}'] = v
    x.grad = None
    m.vector_S.grad = None
    y = bn(m(x))
    (y * w).sum().backward()
    out[f'{name}.bn.y'] = y.detach()
    out[f'{name}.bn.gx'] = x.grad
    out[f'{name}.bn.gS'] = m.vector_S.grad
save_tensors(outdir, out, extra)
