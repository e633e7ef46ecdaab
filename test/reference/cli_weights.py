"""A Python-written torchvision ResNet-18 state_dict (non-trivial BatchNorm) for the CLI tests,
with its keys, shapes and dtypes in the manifest for `svf-torch inspect` to match."""
import os
import torch
import torchvision
from reflib import save_tensors, outdir_from_argv, nontrivial_bn

out = outdir_from_argv()
torch.manual_seed(0)
net = torchvision.models.resnet18()
nontrivial_bn(net)
sd = net.state_dict()
torch.save(sd, os.path.join(out, "resnet18.pth"))
save_tensors(out, {}, {"rows": [[k, list(v.shape), str(v.dtype).replace("torch.", "")] for k, v in sd.items()],
                       "bytes": sum(v.numel() * v.element_size() for v in sd.values())})
