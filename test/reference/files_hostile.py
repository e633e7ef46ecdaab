"""Real files for the hostile-file tests and the fuzzer to damage: a small state_dict (conv,
BatchNorm with _metadata, a view sharing a storage, a Parameter) written by torch.save in the
zip and legacy formats, a one-tensor legacy file whose element count offset is known, and a
safetensors file. Usage: files_hostile.py OUTDIR"""
import collections
import os
import sys

import torch

sys.path.insert(0, os.path.dirname(__file__))
import files_safetensors  # noqa: E402
import reflib  # noqa: E402

out = reflib.outdir_from_argv()
torch.manual_seed(0)
net = torch.nn.Sequential(torch.nn.Conv2d(3, 4, 3), torch.nn.BatchNorm2d(4), torch.nn.Linear(4, 2))
sd = net.state_dict()
sd["view"] = sd["0.weight"][1:3]
sd["param"] = torch.nn.Parameter(torch.arange(5.0))
torch.save(sd, os.path.join(out, "sd.pt"))
torch.save(sd, os.path.join(out, "sd_legacy.pt"), _use_new_zipfile_serialization=False)
checkpoint = {"epoch": 3, "state_dict": sd, "names": ["a", "b"], "lr": 0.5, "big": 2 ** 70}
torch.save(checkpoint, os.path.join(out, "checkpoint.pt"))

one = collections.OrderedDict(w=torch.arange(6, dtype=torch.float32))
one_path = os.path.join(out, "one_legacy.pt")
torch.save(one, one_path, _use_new_zipfile_serialization=False)
# the legacy layout ends with the one storage: its int64 element count, then its 6*4 bytes
count_offset = os.path.getsize(one_path) - 8 - 6 * 4

files_safetensors.save_file({k: v.detach() for k, v in sd.items() if k != "view"}, os.path.join(out, "sd.safetensors"), {"note": "x"})
reflib.save_tensors(out, {}, {"one_legacy_count_offset": count_offset})
