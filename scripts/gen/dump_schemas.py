"""Input of the op generator (scripts/gen/generate.ts): what this Python torch's ATen and Python
API hold, written to scripts/gen/schemas-<major.minor>.json (committed).

  /usr/bin/python3 scripts/gen/dump_schemas.py            # LibTorch 1.13 line
  /work/main/.venv/bin/python scripts/gen/dump_schemas.py # 2.x line

Only what the generator uses: aten:: schemas of public ops (no `_` prefix, no out= variants)
and, for torch / torch.Tensor / torch.linalg / torch.special / torch.nn.functional, each public
callable name with its kind ('builtin': bound straight to ATen by PyTorch's arg parser;
'python': a Python function, with its parameters from inspect.signature when available)."""
import inspect
import json
import os
import sys

import torch
import torch.nn.functional as F


def public_schemas():
    out = []
    for s in torch._C._jit_get_all_schemas():
        name = s.name
        if not name.startswith("aten::"):
            continue
        base = name[len("aten::"):]
        if base.startswith("_"):
            continue
        if s.overload_name == "out" or s.overload_name.endswith("_out") or "out" in s.overload_name.split("_"):
            continue
        # out= variants also hide under other overload names: any written argument that is not self
        if any(a.alias_info is not None and a.alias_info.is_write and a.name != "self" for a in s.arguments):
            continue
        # TorchScript-only builtins (aten::dim, aten::tensor.float …) are not in the dispatcher
        full = name + ("." + s.overload_name if s.overload_name else "")
        if not torch._C._dispatch_has_kernel(full):
            continue
        out.append(str(s))
    return out


def signature_of(fn):
    try:
        sig = inspect.signature(fn)
    except (TypeError, ValueError):
        return None
    params = []
    for p in sig.parameters.values():
        kind = {
            inspect.Parameter.POSITIONAL_ONLY: "pos",
            inspect.Parameter.POSITIONAL_OR_KEYWORD: "pos",
            inspect.Parameter.VAR_POSITIONAL: "varargs",
            inspect.Parameter.KEYWORD_ONLY: "kw",
            inspect.Parameter.VAR_KEYWORD: "varkw",
        }[p.kind]
        params.append([p.name, kind, p.default is not inspect.Parameter.empty])
    return params


def names_of(namespace, strip=""):
    out = {}
    for name in sorted(dir(namespace)):
        if name.startswith("_"):
            continue
        try:
            obj = getattr(namespace, name)
        except Exception:
            continue
        if isinstance(obj, type) or not callable(obj):
            continue
        if inspect.isbuiltin(obj) or type(obj).__name__ in ("method_descriptor", "builtin_function_or_method"):
            out[name] = {"kind": "builtin"}
        elif inspect.isfunction(obj) or inspect.ismethod(obj) or hasattr(obj, "__wrapped__"):
            out[name] = {"kind": "python", "params": signature_of(obj)}
    return out


def main():
    version = ".".join(torch.__version__.split("+")[0].split(".")[:2])
    data = {
        "torch": torch.__version__.split("+")[0],
        "schemas": public_schemas(),
        "python": {
            "torch": names_of(torch),
            "Tensor": names_of(torch.Tensor),
            "linalg": names_of(torch.linalg),
            "special": names_of(torch.special),
            "functional": names_of(F),
        },
    }
    here = os.path.dirname(os.path.abspath(__file__))
    path = os.path.join(here, f"schemas-{version}.json")
    with open(path, "w") as f:
        json.dump(data, f, indent=0, sort_keys=True)
        f.write("\n")
    print(f"wrote {path}: {len(data['schemas'])} schemas")


if __name__ == "__main__":
    sys.exit(main())
