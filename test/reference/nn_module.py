"""Reference for test/nn-module.test.ts: names and orders PyTorch's Module gives for one nested
structure (parameters, buffers incl. non-persistent, state_dict, modules), and which keys
load_state_dict reports as missing/unexpected."""
import torch
import torch.nn as nn

from reflib import outdir_from_argv, save_tensors


class Block(nn.Module):
    def __init__(self):
        super().__init__()
        self.register_buffer("scale", torch.ones(3))
        self.conv = nn.Conv2d(3, 3, 1)
        self.register_parameter("alpha", nn.Parameter(torch.zeros(1)))
        self.register_buffer("cache", torch.zeros(2), persistent=False)
        self.bn = nn.BatchNorm2d(3)
        self.register_parameter("unused", None)


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.stem = nn.Sequential(nn.Conv2d(3, 3, 3, padding=1, bias=False), nn.BatchNorm2d(3), nn.ReLU())
        self.blocks = nn.ModuleList([Block(), Block()])
        self.heads = nn.ModuleDict({"cls": nn.Linear(3, 2), "aux": nn.Linear(3, 1, bias=False)})
        self.shared = self.heads["cls"]  # the same module under two names


net = Net()
sd = net.state_dict()
bad = dict(sd)
del bad["blocks.0.alpha"]
del bad["heads.aux.weight"]
bad["blocks.1.extra"] = torch.zeros(1)
bad["foo"] = torch.zeros(1)
res = net.load_state_dict(bad, strict=False)
save_tensors(outdir_from_argv(), {}, {
    "parameters": [n for n, _ in net.named_parameters()],
    "buffers": [n for n, _ in net.named_buffers()],
    "state_dict": list(sd.keys()),
    "modules": [n for n, _ in net.named_modules()],
    "children": [n for n, _ in net.named_children()],
    "missing": res.missing_keys,
    "unexpected": res.unexpected_keys,
    "block_params_norecurse": [n for n, _ in net.blocks[0].named_parameters(recurse=False)],
})
