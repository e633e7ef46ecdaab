"""Complex tensors (complex64/complex128): the reference of test/core-complex.test.ts.

usage: core_complex.py OUTDIR            (writes the reference tensors and OUTDIR/py.pt)
       core_complex.py OUTDIR FILE.pt    (loads a .pt svf-torch saved; writes OUTDIR/check.json)"""
import json
import os
import sys

import torch

sys.path.insert(0, os.path.dirname(__file__))
from reflib import save_tensors  # noqa: E402


def inputs():
    # the same values as the test's: no randomness on either side
    re = torch.linspace(-1.5, 2.0, 12).reshape(3, 4)
    im = torch.linspace(0.5, -2.5, 12).reshape(3, 4)
    return re, im


out = sys.argv[1]
if len(sys.argv) > 2:
    loaded = torch.load(sys.argv[2])
    re, im = inputs()
    z = torch.complex(re, im)
    check = {
        'keys': sorted(loaded.keys()),
        'dtypes': {k: str(v.dtype) for k, v in loaded.items()},
        # exact: the bytes svf-torch wrote are the bytes of the same float32 computation
        'zEqual': bool(torch.equal(loaded['z'], z)),
        'z128Equal': bool(torch.equal(loaded['z128'], z.to(torch.complex128))),
    }
    with open(os.path.join(out, 'check.json'), 'w') as f:
        json.dump(check, f)
    sys.exit(0)

re, im = inputs()
z = torch.complex(re, im)
w = torch.polar(re.abs() + 0.5, im)
x = re.clone().requires_grad_(True)
y = im.clone().requires_grad_(True)
(torch.complex(x, y) * torch.complex(y, x)).abs().sum().backward()
tensors = {
    'z': z,
    'w': w,
    'mul': z * w,
    'add_scalar': z + 2,
    'abs': z.abs(),
    'angle': z.angle(),
    'conj': z.conj().resolve_conj(),
    'real': z.real.contiguous(),
    'imag': z.imag.contiguous(),
    'matmul': z @ w.transpose(0, 1),
    'exp': z.exp(),
    'sum': z.sum(1),
    'view_as_real': torch.view_as_real(z).contiguous(),
    'cast128': z.to(torch.complex128),
    'from_list': torch.tensor([1.0, 2.5, -3.0], dtype=torch.complex64),
    'grad_x': x.grad,
    'grad_y': y.grad,
}
save_tensors(out, tensors)
torch.save({'z': z, 'w128': w.to(torch.complex128)}, os.path.join(out, 'py.pt'))
