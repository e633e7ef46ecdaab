"""PyTorch's facts about each dtype svf-torch supports: the reference of test/core-dtypes.test.ts.

usage: core_dtypes.py OUTDIR  (writes OUTDIR/dtypes.json)"""
import json
import os
import sys

import torch

NAMES = ['float32', 'float64', 'float16', 'bfloat16', 'int64', 'int32', 'int16', 'int8', 'uint8', 'bool', 'complex64', 'complex128']
LEGACY = {'float': 'float32', 'double': 'float64', 'half': 'float16', 'long': 'int64', 'int': 'int32', 'short': 'int16',
          'cfloat': 'complex64', 'cdouble': 'complex128'}

out = {}
for name in NAMES:
    dt = getattr(torch, name)
    t = torch.empty(0, dtype=dt)
    out[name] = {
        'itemSize': t.element_size(),
        'isFloatingPoint': dt.is_floating_point,
        'isComplex': dt.is_complex,
        'isSigned': dt.is_signed,
        'legacyName': next((k for k, v in LEGACY.items() if v == name), None),
        # torch.FloatStorage & co., as .pt files of torch 1.x pickle them
        'storageClass': {torch.float32: 'FloatStorage', torch.float64: 'DoubleStorage', torch.float16: 'HalfStorage',
                         torch.bfloat16: 'BFloat16Storage', torch.int64: 'LongStorage', torch.int32: 'IntStorage',
                         torch.int16: 'ShortStorage', torch.int8: 'CharStorage', torch.uint8: 'ByteStorage',
                         torch.bool: 'BoolStorage', torch.complex64: 'ComplexFloatStorage',
                         torch.complex128: 'ComplexDoubleStorage'}[dt],
    }
    assert hasattr(torch, out[name]['storageClass']), out[name]['storageClass']
    if out[name]['legacyName']:
        assert getattr(torch, out[name]['legacyName']) is dt
with open(os.path.join(sys.argv[1], 'dtypes.json'), 'w') as f:
    json.dump(out, f)
