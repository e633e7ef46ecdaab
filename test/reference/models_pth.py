"""Reference for test/models-pth.test.ts: ResNet weights cross the language boundary as real .pth files.

OUTDIR VARIANT   (as runReference calls it)
    Builds a torchvision ResNet under a seed with non-trivial BN parameters/statistics and writes its
    state_dict with torch.save in the zip format (model_zip.pth) and the legacy format
    (model_legacy.pth); for resnet18 also a nested DataParallel-style checkpoint (checkpoint.pth:
    {epoch, state_dict: {'module.'-prefixed keys}}). The expected results (input, eval output,
    training-mode output, buffers after that training forward, gradients of mean(out^2)) go through
    reflib.save_tensors; the weights themselves only through the .pth files.

check VARIANT ORIGINAL.pth WRITTEN.pth
    Loads WRITTEN (what svf-torch saved) into a fresh torchvision VARIANT with strict=True and checks
    every state_dict entry (order, dtype, shape, values exactly) against ORIGINAL. Exits 1 on mismatch.
"""
import collections
import os
import sys

import torch
import torchvision.models as tvm

sys.path.insert(0, os.path.dirname(__file__))
from reflib import nontrivial_bn, save_tensors  # noqa: E402

# keep in step with VARIANTS in test/models-pth.test.ts
VARIANTS = {
    "resnet18": lambda: tvm.resnet18(),
    "resnet50": lambda: tvm.resnet50(),
    "resnext50_32x4d": lambda: tvm.resnext50_32x4d(num_classes=10),
    "wide_resnet50_2": lambda: tvm.wide_resnet50_2(num_classes=10),
}


def build(variant):
    torch.manual_seed(0)
    net = VARIANTS[variant]()
    nontrivial_bn(net, min_tracked=1)  # a lost or swapped buffer changes the numbers
    return net


def make(outdir, variant):
    outcome = None
    net = build(variant)
    sd = net.state_dict()
    torch.save(sd, os.path.join(outdir, "model_zip.pth"))
    torch.save(sd, os.path.join(outdir, "model_legacy.pth"), _use_new_zipfile_serialization=False)
    if variant == "resnet18":
        wrapped = collections.OrderedDict(("module." + k, v) for k, v in sd.items())
        torch.save({"epoch": 7, "state_dict": wrapped}, os.path.join(outdir, "checkpoint.pth"))
        # BatchNorm before _version 2 had no num_batches_tracked (torchvision's original ResNet
        # files): without _metadata PyTorch loads such a dict strictly, filling 0; with the
        # metadata of version-2 modules it reports the keys missing. Both files, and what PyTorch did.
        old = collections.OrderedDict((k, v) for k, v in sd.items() if not k.endswith("num_batches_tracked"))
        torch.save(old, os.path.join(outdir, "pre_v2.pth"))
        old._metadata = sd._metadata
        torch.save(old, os.path.join(outdir, "v2_missing.pth"))
        outcome = {}
        for name in ("pre_v2", "v2_missing"):
            fresh = VARIANTS[variant]()
            try:
                fresh.load_state_dict(torch.load(os.path.join(outdir, name + ".pth")), strict=True)
                outcome[name] = "loaded, num_batches_tracked %d" % fresh.bn1.num_batches_tracked.item()
            except RuntimeError as e:
                outcome[name] = "missing %d" % str(e).count("num_batches_tracked")

    tensors = {}
    x = torch.randn(1, 3, 64, 64)
    tensors["x"] = x
    net.eval()
    with torch.no_grad():
        tensors["out_eval"] = net(x)
    net.train()
    out = net(x)
    tensors["out_train"] = out.detach()
    out.square().mean().backward()
    for n, b in net.named_buffers():
        tensors["post." + n] = b
    for n, p in net.named_parameters():
        tensors["grad." + n] = p.grad
    save_tensors(outdir, tensors, {
        "old_bn": outcome if variant == "resnet18" else None,
        "keys": list(sd.keys()),
        "params": [n for n, _ in net.named_parameters()],
        "buffers": [n for n, _ in net.named_buffers()],
    })


def check(variant, original_path, written_path):
    original = torch.load(original_path)
    written = torch.load(written_path)
    failures = []
    if not isinstance(written, collections.OrderedDict):
        failures.append(f"expected an OrderedDict, got {type(written).__name__}")
    if list(written.keys()) != list(original.keys()):
        failures.append("state_dict keys or their order differ")
    net = VARIANTS[variant]()
    net.load_state_dict(written, strict=True)  # raises on any missing/unexpected key or shape mismatch
    for k, want in original.items():
        got = net.state_dict()[k]
        if got.dtype != want.dtype or got.shape != want.shape:
            failures.append(f"{k}: {got.dtype}{list(got.shape)} vs {want.dtype}{list(want.shape)}")
        elif not torch.equal(got, want):
            failures.append(f"{k}: values differ (max abs {(got.double() - want.double()).abs().max().item()})")
    if failures:
        print(f"models_pth.py check {variant}: {len(failures)} mismatch(es):\n  " + "\n  ".join(failures[:20]), file=sys.stderr)
        sys.exit(1)
    print(f"models_pth.py check {variant}: {len(original)} entries equal")


if __name__ == "__main__":
    if len(sys.argv) == 5 and sys.argv[1] == "check":
        check(sys.argv[2], sys.argv[3], sys.argv[4])
    elif len(sys.argv) == 3 and sys.argv[2] in VARIANTS:
        make(sys.argv[1], sys.argv[2])
    else:
        sys.exit("usage: models_pth.py OUTDIR VARIANT | models_pth.py check VARIANT ORIGINAL.pth WRITTEN.pth")
