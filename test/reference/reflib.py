"""Shared by the reference scripts: writes tensors as raw little-endian bytes plus a manifest
that test/helpers/reference.ts reads (no dependency on svf-torch's own file readers)."""
import json
import os
import sys

import torch

# svf-torch's dtype names (binding/dtypes.h) for PyTorch's dtypes
DTYPE_NAMES = _DTYPES = {
    torch.float32: "float32", torch.float64: "float64", torch.float16: "float16", torch.bfloat16: "bfloat16",
    torch.int64: "int64", torch.int32: "int32", torch.int16: "int16", torch.int8: "int8",
    torch.uint8: "uint8", torch.bool: "bool", torch.complex64: "complex64", torch.complex128: "complex128",
}


def save_tensors(outdir, tensors, extra=None):
    """tensors: dict name -> tensor; extra: any JSON-able values, stored under manifest['extra']."""
    os.makedirs(outdir, exist_ok=True)
    manifest = {"tensors": {}, "extra": extra or {}}
    for i, (name, t) in enumerate(tensors.items()):
        t = t.detach().cpu().contiguous()
        fname = f"t{i}.bin"
        raw = t.view(torch.int16) if t.dtype in (torch.float16, torch.bfloat16) else t
        with open(os.path.join(outdir, fname), "wb") as f:
            f.write(raw.numpy().tobytes())
        manifest["tensors"][name] = {"dtype": _DTYPES[t.dtype], "shape": list(t.shape), "file": fname}
    with open(os.path.join(outdir, "manifest.json"), "w") as f:
        json.dump(manifest, f)


def outdir_from_argv():
    if len(sys.argv) < 2:
        sys.exit("usage: script.py OUTDIR")
    return sys.argv[1]


def nontrivial_bn(net, min_tracked=0):
    """BatchNorm parameters and statistics away from their 1/0 defaults, so a lost, swapped or
    wrongly used (eval vs train) BatchNorm tensor changes the numbers a test compares."""
    with torch.no_grad():
        for m in net.modules():
            if isinstance(m, torch.nn.BatchNorm2d):
                m.weight.uniform_(0.5, 1.5)
                m.bias.normal_(0, 0.1)
                m.running_mean.normal_(0, 0.1)
                m.running_var.uniform_(0.5, 1.5)
                m.num_batches_tracked.fill_(int(torch.randint(min_tracked, 100, ()).item()))
