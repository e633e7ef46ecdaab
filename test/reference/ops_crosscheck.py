"""Reference for test/ops-crosscheck.test.ts: evaluates every case of ops_cases.json (an op of
torch / Tensor / torch.linalg / torch.special / torch.nn.functional with its arguments) with
Python PyTorch on deterministic inputs, and saves the inputs (`in.<name>`), each result
(`out.<id>[.<i>]`) and, for cases with `grad`, the gradients of sum(sin(result)) with respect
to those inputs (`grad.<id>.<name>`). The structure of every result (tensor, list, named tuple
with its fields, Python scalar) goes to the manifest's extra['results']."""
import json
import math
import os

import torch
import torch.nn.functional as F

from reflib import outdir_from_argv, save_tensors

torch.manual_seed(0)
g = torch.Generator().manual_seed(1234)
rn = lambda *s: torch.randn(*s, generator=g)
ru = lambda *s: torch.rand(*s, generator=g)
ri = lambda lo, hi, *s: torch.randint(lo, hi, s, generator=g)

I = {
    "a": rn(3, 4), "b": rn(3, 4), "c": rn(4), "c2": rn(4), "v3": rn(3), "col": rn(3, 1),
    "p": ru(3, 4) + 0.5, "p1": ru(3, 4) + 1.5, "q": ru(3, 4) * 0.8 + 0.1, "q2": ru(3, 4), "u": ru(3, 4) * 1.8 - 0.9,
    "lo": rn(3, 4) - 0.5, "hi": rn(3, 4) + 0.5, "x3": rn(2, 3, 4), "a12": rn(12), "m": rn(4, 5), "m5": rn(5, 2),
    "sq": rn(4, 4), "sq01": rn(4, 4) * 0.3, "bt1": rn(2, 3, 4), "bt2": rn(2, 4, 5), "am": rn(3, 5), "bb": rn(2, 3, 5),
    "i": ri(-5, 5, 3, 4), "j": ri(1, 5, 3, 4), "n1": ri(0, 6, 8), "w6": ru(8), "reps": torch.tensor([1, 2, 0]),
    "idx": ri(0, 4, 3, 4), "sel": torch.tensor([2, 0]), "sel0": torch.tensor([2, 0]), "b2": rn(3, 2), "vals2": rn(2), "row": rn(2, 4),
    "sq1": rn(1, 3, 1, 4), "v0": torch.tensor(-9.0), "m3": rn(4, 3), "n3": rn(4, 3), "rhs": rn(4, 2),
    "tall": rn(6, 3), "tallb": rn(6, 2), "srt": torch.sort(rn(6)).values,
    "img": rn(2, 3, 8, 8), "img4": rn(2, 4, 3, 3), "img6": rn(2, 6, 5, 5), "w": rn(4, 3, 3, 3) * 0.2, "bias": rn(4), "wg": rn(6, 2, 3, 3) * 0.2,
    "seq": rn(2, 3, 10), "w1": rn(4, 3, 3) * 0.3, "wt1": rn(3, 2, 3) * 0.3, "wt": rn(3, 2, 3, 3) * 0.2,
    "vol": rn(1, 2, 4, 4, 4), "w3": rn(3, 2, 3, 3, 3) * 0.2, "wt3": rn(2, 3, 2, 2, 2) * 0.3,
    "lw": rn(5, 4), "lb": rn(5), "bw": rn(2, 4, 4), "pw": torch.tensor([0.25]), "pw3": ru(3) + 0.5,
    "lnw": ru(3, 4) + 0.5, "lnb": rn(3, 4), "rm": rn(3) * 0.1, "rv": ru(3) + 0.5, "b6": rn(6),
    "grid": ru(2, 5, 6, 2) * 2 - 1, "grid2": ru(2, 5, 6, 2) * 3 - 1.5, "theta": rn(2, 2, 3), "cols": rn(2, 12, 12),
    "emb": rn(10, 3), "ids": ri(0, 10, 2, 5), "logits": rn(5, 6), "target": ri(0, 6, 5), "cw": ru(6) + 0.5,
    "seg": rn(2, 4, 3, 3), "segt": ri(0, 4, 2, 3, 3), "pm1": (ri(0, 2, 3, 4) * 2 - 1).float(), "pm1c": (ri(0, 2, 4) * 2 - 1).float(),
    "mlt": ri(0, 2, 3, 4).float(), "dup": torch.tensor([[1, 2], [3, 4], [1, 2], [0, 0]]), "pm1v": (ri(0, 2, 3) * 2 - 1).float(),
}
I["pooled1"], I["pidx1"] = F.max_pool1d(I["seq"], 2, return_indices=True)
I["pooled2"], I["pidx2"] = F.max_pool2d(I["img"], 2, return_indices=True)
I["pooled3"], I["pidx3"] = F.max_pool3d(I["vol"], 2, return_indices=True)
I["col1"] = ru(3, 1) + 0.5
I["ctc_lp"] = torch.log_softmax(rn(6, 2, 5), 2)
I["ctc_t"] = ri(1, 5, 2, 3)
I["ctc_il"] = torch.tensor([6, 5])
I["ctc_tl"] = torch.tensor([3, 2])
I["mask"] = I["a"] > 0
I["mask2"] = I["b"] > 0
A = rn(4, 4)
I["spd"] = A @ A.T + 4 * torch.eye(4)
I["chol"] = torch.linalg.cholesky(I["spd"])
I["probs"] = torch.softmax(rn(5, 6), 1)
I["logp"] = torch.log_softmax(I["logits"], 1)
I["logp2"] = torch.log_softmax(rn(5, 6), 1)
I["spd4"] = I["spd"].clone()

NS = {"torch": torch, "F": F, "linalg": torch.linalg, "special": torch.special}


def value(x, tensors):
    if isinstance(x, str) and x.startswith("$"):
        return tensors[x[1:]]
    if isinstance(x, list):
        return [value(v, tensors) for v in x]
    if isinstance(x, dict) and "$dtype" in x:
        return getattr(torch, x["$dtype"])
    if isinstance(x, dict) and "$num" in x:
        return float(x["$num"])
    return x


def call(case, tensors):
    args = [value(a, tensors) for a in case["a"]]
    kw = {k: value(v, tensors) for k, v in case.get("k", {}).items()}
    f = case["f"]
    if f.startswith("."):
        self = args[0].clone() if case.get("clone") else args[0]
        return getattr(self, f[1:])(*args[1:], **kw)
    ns, name = f.split(".", 1)
    if case.get("clone"):
        args[0] = args[0].clone()
    return getattr(NS[ns], name)(*args, **kw)


def flatten(r):
    """The result as (structure, [tensors])."""
    if isinstance(r, torch.Tensor):
        return {"kind": "tensor"}, [r]
    fields = getattr(r, "_fields", None) or getattr(type(r), "__match_args__", None)
    if isinstance(r, tuple) and fields:  # namedtuple or torch.return_types structseq
        return {"kind": "named", "fields": list(fields)}, list(r)
    if isinstance(r, (tuple, list)):
        return {"kind": "list", "n": len(r)}, list(r)
    if isinstance(r, torch.dtype):
        return {"kind": "dtype", "value": str(r).replace("torch.", "")}, []
    if isinstance(r, bool):
        return {"kind": "scalar", "value": r}, []
    if isinstance(r, (int, float)):
        return {"kind": "scalar", "value": r if math.isfinite(r) else str(r)}, []
    raise TypeError(f"unexpected result {type(r)}")


def main():
    out = outdir_from_argv()
    cases = json.load(open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "ops_cases.json")))
    tensors = {f"in.{k}": v for k, v in I.items()}
    results = {}
    for case in cases:
        cid = case["id"]
        torch.manual_seed(0)
        r = call(case, I)
        info, ts = flatten(r)
        results[cid] = info
        for i, t in enumerate(ts):
            tensors[f"out.{cid}.{i}"] = t
        if "grad" in case:
            leaves = {n: I[n].clone().requires_grad_(True) for n in case["grad"]}
            local = {**I, **leaves}
            r = call(case, local)
            _, ts = flatten(r)
            loss = sum(t.float().sin().sum() for t in ts if t.is_floating_point())
            grads = torch.autograd.grad(loss, [leaves[n] for n in case["grad"]], allow_unused=True)
            for n, gr in zip(case["grad"], grads):
                tensors[f"grad.{cid}.{n}"] = gr if gr is not None else torch.zeros_like(I[n])
    save_tensors(out, tensors, {"results": results, "torch": torch.__version__})


if __name__ == "__main__":
    main()
