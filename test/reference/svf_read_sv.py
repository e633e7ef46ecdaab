"""Reads a singular-value checkpoint (safetensors layout) with nothing but the standard library
and numpy-free torch.frombuffer, to check svf-torch writes the format other tools read.
usage: svf_read_sv.py OUTDIR FILE"""
import json
import struct
import sys

import torch

from reflib import outdir_from_argv, save_tensors

outdir = outdir_from_argv()
with open(sys.argv[2], 'rb') as f:
    raw = f.read()
(n,) = struct.unpack('<Q', raw[:8])
header = json.loads(raw[8:8 + n])
data = raw[8 + n:]
dtypes = {'F32': torch.float32, 'F64': torch.float64}
out = {}
for name, info in header.items():
    if name == '__metadata__':
        continue
    a, b = info['data_offsets']
    out[name] = torch.frombuffer(bytearray(data[a:b]), dtype=dtypes[info['dtype']]).reshape(info['shape'])
save_tensors(outdir, out, {'metadata': header.get('__metadata__', {})})
