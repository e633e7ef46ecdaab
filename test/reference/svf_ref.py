"""SVF reference in PyTorch, written from the seed READMEs (the official SVF code's resolver,
SVD_Conv2d and svf_modules), with the seed's bugs fixed the way svf-torch fixes them:
  * vector_S is initialised from the decomposition (the seed left it torch.empty);
  * grouped convolutions are decomposed group by group (conv_V and conv_U with groups=G);
  * customized_layers_low_rank_ratio is honoured (the seed accepted and ignored it).
Rules kept: a weight squeezed to 2-D is a 1x1 layer (1x1 convs, Linear), 4-D a kxk layer,
anything else stays dense; rank = floor(floor(full*ratio)/rank_multiple)*rank_multiple in [1, full],
where for G groups full = G * min(out/G, in/G*kh*kw) and each group keeps rank // G.
"""
import copy

import torch
import torch.nn as nn


class SVD_Conv2d(nn.Module):
    """Kernel Number first SVD Conv2d (seed), grouped: conv_U is a grouped 1x1 conv."""

    def __init__(self, in_channels, out_channels, kernel_size, stride, padding, dilation, groups, bias,
                 padding_mode='zeros', device=None, dtype=None, rank=1):
        super().__init__()
        factory_kwargs = {'device': device, 'dtype': dtype}
        self.conv_U = nn.Conv2d(rank, out_channels, (1, 1), (1, 1), 0, (1, 1), groups, bias, **factory_kwargs)
        self.conv_V = nn.Conv2d(in_channels, rank, kernel_size, stride, padding, dilation, groups, False,
                                padding_mode, **factory_kwargs)
        self.vector_S = nn.Parameter(torch.empty((1, rank, 1, 1), **factory_kwargs))

    def forward(self, x):
        x = self.conv_V(x)
        x = x.mul(self.vector_S)
        output = self.conv_U(x)
        return output


class SVD_Linear(nn.Module):
    def __init__(self, in_features, out_features, bias, rank, device=None, dtype=None):
        super().__init__()
        factory_kwargs = {'device': device, 'dtype': dtype}
        self.fc_U = nn.Linear(rank, out_features, bias, **factory_kwargs)
        self.fc_V = nn.Linear(in_features, rank, False, **factory_kwargs)
        self.vector_S = nn.Parameter(torch.empty((1, rank), **factory_kwargs))

    def forward(self, x):
        return self.fc_U(self.fc_V(x).mul(self.vector_S))


def layer_kind(weight):
    d = weight.squeeze().dim()
    return '1x1' if d == 2 else 'kxk' if d == 4 else None


def rank_for(full, ratio, multiple):
    r = int(int(full * ratio) // multiple) * multiple
    return max(1, min(full, r))


@torch.no_grad()
def factorize(weight, groups, rank_per_group):
    """Per group: W_g (out/G x in/G*kh*kw) = U_g diag(S_g) V_g, SVD in float64."""
    out = weight.shape[0]
    A = weight.detach().double().reshape(groups, out // groups, -1)
    U, S, Vh = torch.linalg.svd(A, full_matrices=False)
    r = rank_per_group
    return (U[:, :, :r].reshape(out, r).to(weight.dtype), S[:, :r].reshape(-1).to(weight.dtype),
            Vh[:, :r, :].reshape(groups * r, -1).to(weight.dtype))


@torch.no_grad()
def decompose(m, ratio=1.0, rank_multiple=1):
    groups = m.groups if isinstance(m, nn.Conv2d) else 1
    out = m.weight.shape[0]
    K = m.weight[0].numel()
    full = min(out // groups, K)  # per group
    # the rank multiple applies to the total rank (G * per-group rank), as channel counts
    r = max(1, rank_for(groups * full, ratio, rank_multiple) // groups)
    U, S, V = factorize(m.weight, groups, r)
    rank = r * groups
    if isinstance(m, nn.Conv2d):
        new = SVD_Conv2d(m.in_channels, m.out_channels, m.kernel_size, m.stride, m.padding, m.dilation, m.groups,
                         m.bias is not None, m.padding_mode, m.weight.device, m.weight.dtype, rank)
        new.conv_U.weight.copy_(U.reshape(out, r, 1, 1))
        new.conv_V.weight.copy_(V.reshape(rank, m.in_channels // groups, *m.kernel_size))
        new.vector_S.copy_(S.reshape(1, rank, 1, 1))
        if m.bias is not None:
            new.conv_U.bias.copy_(m.bias)
    else:
        new = SVD_Linear(m.in_features, m.out_features, m.bias is not None, rank, m.weight.device, m.weight.dtype)
        new.fc_U.weight.copy_(U)
        new.fc_V.weight.copy_(V)
        new.vector_S.copy_(S.reshape(1, rank))
        if m.bias is not None:
            new.fc_U.bias.copy_(m.bias)
    return new


def resolver(model, global_low_rank_ratio=1.0, excludes=(), customized_layers_low_rank_ratio=None,
             skip_1x1=False, skip_3x3=False, rank_multiple=4):
    model = copy.deepcopy(model)
    custom = customized_layers_low_rank_ratio or {}
    targets = []
    for n, m in model.named_modules():
        if not isinstance(m, (nn.Conv2d, nn.Linear)) or not n:
            continue
        if any(n == e or n.startswith(e + '.') for e in excludes):
            continue
        kind = layer_kind(m.weight)
        if kind is None or (kind == '1x1' and skip_1x1) or (kind == 'kxk' and skip_3x3):
            continue
        targets.append((n, m))
    for n, m in targets:
        new = decompose(m, custom.get(n, global_low_rank_ratio), rank_multiple)
        new.train(m.training)
        parent, _, leaf = n.rpartition('.')
        setattr(model.get_submodule(parent) if parent else model, leaf, new)
    return model


def resnet_layers(net):
    layer0 = nn.Sequential(net.conv1, net.bn1, net.relu, net.maxpool)
    return [layer0, net.layer1, net.layer2, net.layer3, net.layer4]


def svf_modules(layers):
    """The seed's svf_modules (layer0/layer1 frozen, layer2-4 train only vector_S)."""
    for param in layers[0].parameters():
        param.requires_grad = False
    for param in layers[1].parameters():
        param.requires_grad = False
    for layer in layers[2:]:
        for name, param in layer.named_parameters():
            param.requires_grad = False
            if 'vector_S' in name:
                param.requires_grad = True
    return sum(p.numel() for layer in layers for p in layer.parameters() if p.requires_grad)


def fix_bn(m):
    if m.__class__.__name__.find('BatchNorm') != -1:
        m.eval()


def randomize_bn(model, gen):
    """Non-trivial BatchNorm statistics and affine parameters (fresh models have 0/1). The last
    BatchNorm of every residual branch gets a small scale, as pre-trained ResNets (and
    zero_init_residual) have: activations stay O(1) through the depth instead of growing
    block by block, so a few SGD steps are a well-conditioned comparison."""
    last = set()
    for m in model.modules():
        if hasattr(m, 'bn3'):
            last.add(m.bn3)
        elif hasattr(m, 'bn2') and hasattr(m, 'conv2') and not hasattr(m, 'conv3'):
            last.add(m.bn2)
    with torch.no_grad():
        for m in model.modules():
            if isinstance(m, nn.BatchNorm2d):
                m.running_mean.copy_(torch.randn(m.running_mean.shape, generator=gen) * 0.1)
                m.running_var.copy_(torch.rand(m.running_var.shape, generator=gen) * 0.5 + 0.75)
                scale = (0.1, 0.2) if m in last else (0.75, 0.5)
                m.weight.copy_(torch.rand(m.weight.shape, generator=gen) * scale[1] + scale[0])
                m.bias.copy_(torch.randn(m.bias.shape, generator=gen) * 0.1)
