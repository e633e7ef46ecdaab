"""Writes OUTDIR/resnet50.pth: a torchvision resnet50 state_dict (random init, no download), ~100 MB."""
import os
import sys

import torch
import torchvision

sys.path.insert(0, os.path.dirname(__file__))
import reflib  # noqa: E402

out = reflib.outdir_from_argv()
torch.manual_seed(0)
sd = torchvision.models.resnet50().state_dict()
torch.save(sd, os.path.join(out, "resnet50.pth"))
reflib.save_tensors(out, {}, {"tensor_bytes": sum(t.numel() * t.element_size() for t in sd.values()), "num_tensors": len(sd)})
