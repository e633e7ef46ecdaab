"""Checks the files svf-torch wrote (js_*) with Python's torch.load / the reference safetensors
reader, against the originals files_make.py wrote. Exits non-zero on the first mismatch.
Usage: files_check.py OUTDIR [pt|safetensors|all] (OUTDIR holds both)."""
import collections
import os
import sys

import torch
import torchvision

sys.path.insert(0, os.path.dirname(__file__))
import files_safetensors  # noqa: E402

out = sys.argv[1]
part = sys.argv[2] if len(sys.argv) > 2 else "all"
failures = []


def p(name):
    return os.path.join(out, name)


def same(a, b, where):
    """a: the original Python value; b: what came back through svf-torch."""
    if isinstance(a, torch.Tensor):
        if not isinstance(b, torch.Tensor):
            return failures.append(f"{where}: expected a tensor, got {type(b).__name__}")
        if a.dtype != b.dtype or a.shape != b.shape:
            return failures.append(f"{where}: {a.dtype}{list(a.shape)} vs {b.dtype}{list(b.shape)}")
        if not torch.equal(a.detach(), b.detach()):
            return failures.append(f"{where}: values differ")
        if a.requires_grad != b.requires_grad:
            return failures.append(f"{where}: requires_grad {a.requires_grad} vs {b.requires_grad}")
        return
    if isinstance(a, dict):
        if not isinstance(b, dict):
            return failures.append(f"{where}: expected a dict, got {type(b).__name__}")
        if list(a.keys()) != list(b.keys()):
            return failures.append(f"{where}: keys {list(a.keys())[:5]}... vs {list(b.keys())[:5]}...")
        for k in a:
            same(a[k], b[k], f"{where}[{k!r}]")
        return
    if isinstance(a, (list, tuple)):
        if not isinstance(b, (list, tuple)) or len(a) != len(b):
            return failures.append(f"{where}: {a!r} vs {b!r}")
        for i, (x, y) in enumerate(zip(a, b)):
            same(x, y, f"{where}[{i}]")
        return
    if type(a) is bool or type(b) is bool or a is None:
        if a is not b:
            failures.append(f"{where}: {a!r} vs {b!r}")
        return
    if a != b:
        failures.append(f"{where}: {a!r} vs {b!r}")


def check_pair(original, written, ordered=True):
    a = torch.load(p(original))
    b = torch.load(p(written))
    if ordered and not isinstance(b, collections.OrderedDict):
        failures.append(f"{written}: top level is {type(b).__name__}, expected OrderedDict")
    same(a, b, written)
    return a, b


if part in ("all", "pt"):
    for orig, js in [("small_sd.pt", "js_small_sd.pt"), ("small_sd.pt", "js_zip64.pt"), ("small_sd.pt", "js_async.pt"),
                     ("small_sd_legacy.pt", "js_from_legacy.pt"), ("dtypes.pt", "js_dtypes.pt")]:
        a, b = check_pair(orig, js)
        for k in a:
            if a[k].stride() != b[k].stride():
                failures.append(f"{js}[{k!r}]: stride {a[k].stride()} vs {b[k].stride()}")

    a, b = check_pair("views.pt", "js_views.pt")
    ptr = b["base"].storage().data_ptr()
    for k in ("mat", "t", "slice"):
        if b[k].storage().data_ptr() != ptr:
            failures.append(f"js_views.pt[{k!r}] does not share the base storage")
        if b[k].stride() != a[k].stride() or b[k].storage_offset() != a[k].storage_offset():
            failures.append(f"js_views.pt[{k!r}]: geometry differs")
    if b["again"] is not b["mat"]:
        failures.append("js_views.pt: 'again' is no longer the same tensor as 'mat'")
    if b["other"].storage().size() != 5:
        failures.append("js_views.pt: 'other' lost its full storage")

    check_pair("param.pt", "js_param.pt", ordered=False)
    check_pair("checkpoint.pt", "js_checkpoint.pt", ordered=False)

    # a resnet18 state_dict read and re-saved by svf-torch loads strictly into torchvision's resnet18
    orig = torch.load(p("resnet18.pth"))
    net = torchvision.models.resnet18()
    result = net.load_state_dict(torch.load(p("js_resnet18.pth")), strict=True)
    for k, v in net.state_dict().items():
        if not torch.equal(v, orig[k]):
            failures.append(f"js_resnet18.pth[{k!r}] differs after load_state_dict")


if part in ("all", "safetensors"):
    tensors, metadata = files_safetensors.load_file(p("js.safetensors"))
    ref, ref_meta = files_safetensors.load_file(p("ref.safetensors"))
    same(dict(ref), tensors, "js.safetensors")
    if metadata != ref_meta:
        failures.append(f"js.safetensors metadata {metadata!r} vs {ref_meta!r}")


if failures:
    print("\n".join(failures), file=sys.stderr)
    sys.exit(1)
print("files_check: all svf-torch files read back equal in Python")
