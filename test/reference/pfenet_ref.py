"""PFENet in PyTorch, written from the paper (Tian et al., TPAMI 2020) and the public code
(dvlab-research/PFENet, model/PFENet.py and model/resnet.py), for the cross-checks of
test/fss-pfenet*.test.ts. Same module nesting (so the same state_dict keys) and the same
operations in the same order; the backbone runs under no_grad unless one of its parameters
trains (the SVF authors' variant drops the no_grad so that vector_S gets gradients)."""
import torch
import torch.nn as nn
import torch.nn.functional as F
from torchvision.models.resnet import Bottleneck

REDUCE = 256
EPS = 1e-7


def up(x, h, w):
    return F.interpolate(x, size=(h, w), mode='bilinear', align_corners=True)


def make_layer(inplanes, planes, blocks, stride):
    down = None
    if stride != 1 or inplanes != planes * 4:
        down = nn.Sequential(nn.Conv2d(inplanes, planes * 4, 1, stride=stride, bias=False), nn.BatchNorm2d(planes * 4))
    mods = [Bottleneck(inplanes, planes, stride, down)]
    mods += [Bottleneck(planes * 4, planes) for _ in range(1, blocks)]
    return nn.Sequential(*mods)


def deep_stem_resnet_layers(depth):
    """layer0 (three 3x3 convs + max-pool) .. layer4; layer3/4 made dilated as PFENet does it:
    every conv2 gets dilation = padding = 2 / 4 and stride 1, every downsample conv stride 1."""
    blocks = {50: [3, 4, 6, 3], 101: [3, 4, 23, 3]}[depth]
    conv3 = lambda i, o, s=1: nn.Conv2d(i, o, 3, stride=s, padding=1, bias=False)
    layer0 = nn.Sequential(conv3(3, 64, 2), nn.BatchNorm2d(64), nn.ReLU(inplace=True),
                           conv3(64, 64), nn.BatchNorm2d(64), nn.ReLU(inplace=True),
                           conv3(64, 128), nn.BatchNorm2d(128), nn.ReLU(inplace=True),
                           nn.MaxPool2d(3, stride=2, padding=1))
    layer1 = make_layer(128, 64, blocks[0], 1)
    layer2 = make_layer(256, 128, blocks[1], 2)
    layer3 = make_layer(512, 256, blocks[2], 2)
    layer4 = make_layer(1024, 512, blocks[3], 2)
    for layer, d in ((layer3, 2), (layer4, 4)):
        for n, m in layer.named_modules():
            if 'conv2' in n:
                m.dilation, m.padding, m.stride = (d, d), (d, d), (1, 1)
            elif 'downsample.0' in n:
                m.stride = (1, 1)
    return [layer0, layer1, layer2, layer3, layer4]


def weighted_gap(feat, mask):
    feat = feat * mask
    h, w = feat.shape[-2:]
    area = F.avg_pool2d(mask, (h, w)) * h * w + 0.0005
    return F.avg_pool2d(feat, (h, w)) * h * w / area


def prior(q4, s4, full_mask):
    b, c, h, w = q4.shape
    s4 = s4 * up(full_mask, s4.shape[2], s4.shape[3])
    q = q4.contiguous().view(b, c, -1)
    qn = torch.norm(q, 2, 1, True)
    s = s4.contiguous().view(b, c, -1).permute(0, 2, 1)
    sn = torch.norm(s, 2, 2, True)
    sim = torch.bmm(s, q) / (torch.bmm(sn, qn) + EPS)
    sim = sim.max(1)[0].view(b, h * w)
    lo, hi = sim.min(1)[0].unsqueeze(1), sim.max(1)[0].unsqueeze(1)
    return ((sim - lo) / (hi - lo + EPS)).view(b, 1, h, w)


class PFENetRef(nn.Module):
    def __init__(self, layers=50, classes=2, ppm_scales=(60, 30, 15, 8)):
        super().__init__()
        self.ppm_scales = list(ppm_scales)
        self.layer0, self.layer1, self.layer2, self.layer3, self.layer4 = deep_stem_resnet_layers(layers)
        relu = lambda: nn.ReLU(inplace=True)
        c1 = lambda i, o: nn.Conv2d(i, o, 1, padding=0, bias=False)
        c3 = lambda i, o: nn.Conv2d(i, o, 3, padding=1, bias=False)
        head = lambda: nn.Sequential(c3(REDUCE, REDUCE), relu(), nn.Dropout2d(p=0.1), nn.Conv2d(REDUCE, classes, 1))
        n = len(self.ppm_scales)
        self.cls = head()
        self.down_query = nn.Sequential(c1(1536, REDUCE), relu(), nn.Dropout2d(p=0.5))
        self.down_supp = nn.Sequential(c1(1536, REDUCE), relu(), nn.Dropout2d(p=0.5))
        self.init_merge = nn.ModuleList([nn.Sequential(c1(2 * REDUCE + 1, REDUCE), relu()) for _ in range(n)])
        self.beta_conv = nn.ModuleList([nn.Sequential(c3(REDUCE, REDUCE), relu(), c3(REDUCE, REDUCE), relu()) for _ in range(n)])
        self.inner_cls = nn.ModuleList([head() for _ in range(n)])
        self.res1 = nn.Sequential(c1(REDUCE * n, REDUCE), relu())
        self.res2 = nn.Sequential(c3(REDUCE, REDUCE), relu(), c3(REDUCE, REDUCE), relu())
        self.alpha_conv = nn.ModuleList([nn.Sequential(c1(2 * REDUCE, REDUCE), nn.ReLU()) for _ in range(n - 1)])
        self.criterion = nn.CrossEntropyLoss(ignore_index=255)

    def backbone(self):
        return [self.layer0, self.layer1, self.layer2, self.layer3, self.layer4]

    def feats(self, x, mask=None):
        l = self.backbone()
        f2 = l[2](l[1](l[0](x)))
        f3 = l[3](f2)
        m = up(mask, f3.shape[2], f3.shape[3]) if mask is not None else None
        f4 = l[4](f3 * m if m is not None else f3)
        return f2, f3, f4, m

    def forward(self, x, s_x, s_y, y=None):
        H, W = x.shape[2:]
        trains = torch.is_grad_enabled() and any(p.requires_grad for l in self.backbone() for p in l.parameters())
        ctx = torch.enable_grad if trains else torch.no_grad
        with ctx():
            q2, q3, q4, _ = self.feats(x)
        qf = self.down_query(torch.cat([q3, q2], 1))
        masks, finals, protos = [], [], []
        for i in range(s_x.shape[1]):
            mask = (s_y[:, i, :, :] == 1).float().unsqueeze(1)
            masks.append(mask)
            with ctx():
                s2, s3, s4, m = self.feats(s_x[:, i], mask)
            finals.append(s4)
            protos.append(weighted_gap(self.down_supp(torch.cat([s3, s2], 1)), m))
        pri = torch.cat([up(prior(q4, f, masks[i]), q3.shape[2], q3.shape[3]) for i, f in enumerate(finals)], 1)
        pri = up(pri.mean(1).unsqueeze(1), qf.shape[2], qf.shape[3])
        proto = protos[0]
        for p in protos[1:]:
            proto = proto + p
        if len(protos) > 1:
            proto = proto / len(protos)
        pyramid, outs = [], []
        for idx, scale in enumerate(self.ppm_scales):
            b = int(qf.shape[2] * scale) if scale <= 1 else scale
            merge = self.init_merge[idx](torch.cat([F.adaptive_avg_pool2d(qf, b), proto.expand(-1, -1, b, b), up(pri, b, b)], 1))
            if idx >= 1:
                merge = self.alpha_conv[idx - 1](torch.cat([merge, up(pyramid[idx - 1], b, b)], 1)) + merge
            merge = self.beta_conv[idx](merge) + merge
            outs.append(self.inner_cls[idx](merge))
            pyramid.append(up(merge, qf.shape[2], qf.shape[3]))
        f = self.res1(torch.cat(pyramid, 1))
        f = self.res2(f) + f
        out = up(self.cls(f), H, W)
        if not self.training or y is None:
            return out
        main = self.criterion(out, y.long())
        aux = self.criterion(up(outs[0], H, W), y.long())
        for o in outs[1:]:
            aux = aux + self.criterion(up(o, H, W), y.long())
        return out, main, aux / len(outs)


def dropouts_off(model):
    """Dropout2d to eval: the two implementations draw their masks from different generators
    (tests compare one training step with every other part in training mode)."""
    for m in model.modules():
        if isinstance(m, nn.Dropout2d):
            m.eval()


def head_groups(model, base_lr, svf):
    """The SVF training code's recipe: the head at the base LR, layer2-4 (their vector_S) at a tenth."""
    head = ['down_query', 'down_supp', 'init_merge', 'alpha_conv', 'beta_conv', 'inner_cls', 'res1', 'res2', 'cls']
    groups = []
    if svf:
        groups += [{'params': [p for p in getattr(model, n).parameters() if p.requires_grad], 'lr': base_lr / 10}
                   for n in ('layer2', 'layer3', 'layer4')]
    groups += [{'params': list(getattr(model, n).parameters())} for n in head]
    return groups
