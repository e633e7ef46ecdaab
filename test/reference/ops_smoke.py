"""Reference for test/ops-generated-smoke.test.ts: calls every generated op once through its
Python name (torch.X / Tensor.X / torch.linalg.X / torch.special.X / torch.nn.functional.X) with
the arguments the generator made from its schema (test/generated/ops_smoke_cases.json), and
records what came back: the shape and dtype of each tensor and the kind of the result, or that
PyTorch refused the arguments. Written as smoke.json in OUTDIR."""
import json
import os
import sys
import warnings

import torch
import torch.nn.functional as F

warnings.simplefilter("ignore")
NS = {"torch": torch, "linalg": torch.linalg, "special": torch.special, "functional": F}
sys.path.insert(0, os.path.dirname(__file__))
from reflib import DTYPE_NAMES as DTYPES  # noqa: E402  (svf-torch's dtype names; others print as torch.X)


def inputs():
    # the same values as test/ops-generated-smoke.test.ts makes: positive, non-singular
    return {"f": torch.linspace(0.5, 1.5, 9).reshape(3, 3) + torch.eye(3), "idx": torch.zeros(3, 3, dtype=torch.long), "mask": torch.ones(3, 3, dtype=torch.bool)}


def value(x, t):
    if isinstance(x, str) and x.startswith("$"):
        return t[x[1:]].clone()
    if isinstance(x, list):
        return [value(v, t) for v in x]
    if isinstance(x, dict) and "$dtype" in x:
        return getattr(torch, x["$dtype"])
    return x


def describe(r):
    if isinstance(r, torch.Tensor):
        return {"kind": "tensor", "shape": list(r.shape), "dtype": DTYPES.get(r.dtype, str(r.dtype))}
    if isinstance(r, (tuple, list)):
        return {"kind": "seq", "items": [describe(x) for x in r]}
    if r is None:
        return {"kind": "none"}
    if isinstance(r, bool):
        return {"kind": "bool"}
    if isinstance(r, (int, float)):
        return {"kind": "number"}
    if isinstance(r, torch.dtype):
        return {"kind": "dtype"}
    return {"kind": type(r).__name__}


def main():
    out = sys.argv[1]
    here = os.path.dirname(os.path.abspath(__file__))
    cases = json.load(open(os.path.join(here, "..", "generated", "ops_smoke_cases.json")))
    results = {}
    for c in cases:
        torch.manual_seed(0)
        args = [value(a, inputs()) for a in c["args"]]
        key = f"{c['ns']}.{c['js']}"
        try:
            if c["ns"] == "Tensor":
                r = getattr(args[0], c["py"])(*args[1:])
            else:
                r = getattr(NS[c["ns"]], c["py"])(*args)
            results[key] = {"ok": True, "result": describe(r)}
        except Exception as e:  # PyTorch refusing these arguments is an outcome to match, not a failure
            results[key] = {"ok": False, "error": f"{type(e).__name__}: {str(e).splitlines()[0][:200] if str(e) else ''}"}
    os.makedirs(out, exist_ok=True)
    with open(os.path.join(out, "smoke.json"), "w") as f:
        json.dump({"torch": torch.__version__, "results": results}, f)


if __name__ == "__main__":
    main()
