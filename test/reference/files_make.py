"""Writes the .pt/.pth/.safetensors files svf-torch must read, plus the expected tensors as raw
bytes (reflib) and the expected structure (manifest extra). Usage: files_make.py OUTDIR"""
import collections
import os
import sys

import torch
import torchvision

sys.path.insert(0, os.path.dirname(__file__))
import reflib  # noqa: E402
import files_safetensors  # noqa: E402

out = reflib.outdir_from_argv()
os.makedirs(out, exist_ok=True)
torch.manual_seed(0)
expected, extra = {}, {}


def path(name):
    return os.path.join(out, name)


def record(prefix, sd):
    """Expected tensors by '<prefix>|<key>' and the key order/strides/requires_grad."""
    info = []
    for k, t in sd.items():
        expected[f"{prefix}|{k}"] = t.detach().clone()
        info.append({"key": k, "stride": list(t.stride()), "offset": t.storage_offset(), "requires_grad": t.requires_grad})
    extra[prefix] = info


class Small(torch.nn.Module):
    """A torchvision-like block: conv-bn-relu, a downsample branch and a classifier."""

    def __init__(self):
        super().__init__()
        self.conv1 = torch.nn.Conv2d(3, 8, 3, padding=1, bias=False)
        self.bn1 = torch.nn.BatchNorm2d(8)
        self.layer1 = torch.nn.Sequential(torch.nn.Conv2d(8, 8, 3, padding=1, bias=False), torch.nn.BatchNorm2d(8))
        self.fc = torch.nn.Linear(8, 5)

    def forward(self, x):
        x = torch.relu(self.bn1(self.conv1(x)))
        x = self.layer1(x) + x
        return self.fc(x.mean((2, 3)))


small = Small()
small.train()
for _ in range(3):  # non-trivial running stats and num_batches_tracked == 3
    small(torch.randn(4, 3, 8, 8) * 2 + 1)
sd = small.state_dict()
torch.save(sd, path("small_sd.pt"))
torch.save(sd, path("small_sd_legacy.pt"), _use_new_zipfile_serialization=False)
record("small_sd", sd)
extra["small_sd_metadata_keys"] = list(sd._metadata.keys())

# every dtype, 0-d, empty and non-contiguous tensors
dt = collections.OrderedDict()
dt["f32"] = torch.randn(2, 3)
dt["f64"] = torch.randn(3, dtype=torch.float64)
dt["f16"] = torch.randn(4).half()
dt["bf16"] = torch.randn(4).bfloat16()
dt["i64"] = torch.tensor([-(2 ** 62), -1, 0, 2 ** 40])
dt["i32"] = torch.tensor([-(2 ** 31), 7, 2 ** 31 - 1], dtype=torch.int32)
dt["i16"] = torch.tensor([-32768, 5, 32767], dtype=torch.int16)
dt["i8"] = torch.tensor([-128, 0, 127], dtype=torch.int8)
dt["u8"] = torch.tensor([0, 200, 255], dtype=torch.uint8)
dt["bool"] = torch.tensor([True, False, True])
dt["scalar"] = torch.tensor(3.5)
dt["empty"] = torch.empty(0, 4)
dt["noncontig"] = torch.randn(4, 6)[:, ::2]
torch.save(dt, path("dtypes.pt"))
torch.save(dt, path("dtypes_legacy.pt"), _use_new_zipfile_serialization=False)
record("dtypes", dt)

# views sharing one storage (and one tensor referenced twice)
base = torch.arange(24, dtype=torch.float32)
views = collections.OrderedDict()
views["base"] = base
views["mat"] = base.view(4, 6)
views["t"] = base.view(4, 6).t()
views["slice"] = base[5:17].view(3, 4)[:, 1:3]
views["again"] = views["mat"]
other = torch.randn(5)
views["other"] = other[1:4]
torch.save(views, path("views.pt"))
torch.save(views, path("views_legacy.pt"), _use_new_zipfile_serialization=False)
record("views", views)

# nn.Parameter (and a requires_grad tensor that is not one)
params = {"w": torch.nn.Parameter(torch.randn(3, 2)), "frozen": torch.nn.Parameter(torch.randn(2), requires_grad=False),
          "plain": torch.randn(2)}
torch.save(params, path("param.pt"))
record("param", params)

# a nested training checkpoint
opt = torch.optim.SGD(small.parameters(), lr=0.1, momentum=0.9)
small(torch.randn(2, 3, 8, 8)).sum().backward()
opt.step()
ckpt = {"epoch": 7, "best_miou": 0.4375, "state_dict": small.state_dict(), "optimizer": opt.state_dict(),
        "names": ["a", "b"], "shape": (2, 3), "flag": True, "nothing": None, "big": 2 ** 70, "neg": -5,
        "raw": b"\x00\xffab"}
torch.save(ckpt, path("checkpoint.pt"))
torch.save(ckpt, path("checkpoint_legacy.pt"), _use_new_zipfile_serialization=False)
record("checkpoint_sd", ckpt["state_dict"])
record("checkpoint_momentum", {str(k): v["momentum_buffer"] for k, v in opt.state_dict()["state"].items()})
extra["checkpoint_param_groups_params"] = opt.state_dict()["param_groups"][0]["params"]


class Evil:
    def __reduce__(self):
        return (os.system, ("touch " + path("PWNED"),))


torch.save({"x": torch.ones(2), "evil": Evil()}, path("hostile.pt"))
torch.save({"x": torch.ones(2), "evil": Evil()}, path("hostile_legacy.pt"), _use_new_zipfile_serialization=False)
extra["hostile_global"] = f"{os.system.__module__}.system"


class Tiny(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.lin = torch.nn.Linear(2, 2)

    def forward(self, x):
        return self.lin(x)


torch.jit.save(torch.jit.script(Tiny()), path("scripted.pt"))

for name in ("small_sd.pt", "small_sd_legacy.pt"):
    data = open(path(name), "rb").read()
    open(path("truncated_" + name), "wb").write(data[: len(data) * 2 // 3])
g = torch.Generator().manual_seed(1)
rnd = torch.randint(0, 256, (4096,), generator=g, dtype=torch.uint8)
rnd[0] = 0x13  # neither 'P' (zip) nor 0x80 (pickle)
open(path("random.bin"), "wb").write(rnd.numpy().tobytes())

# a torchvision resnet18 with non-trivial BatchNorm statistics
net = torchvision.models.resnet18()
net.train()
with torch.no_grad():
    net(torch.randn(2, 3, 64, 64))
torch.save(net.state_dict(), path("resnet18.pth"))

# safetensors written by the reference writer (every dtype + metadata)
st = collections.OrderedDict((k, v.contiguous()) for k, v in dt.items())
files_safetensors.save_file(st, path("ref.safetensors"), metadata={"format": "pt", "note": "svf ✓"})
for k, v in st.items():
    expected[f"st|{k}"] = v

reflib.save_tensors(out, expected, extra)
