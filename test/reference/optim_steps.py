"""Reference for test/optim-steps.test.ts: torch.optim.SGD / AdamW (PyTorch 1.13, single-tensor
code path) driven by a fixed sequence of gradients. For each config and dtype it records the
initial parameters, the gradient fed at every step (None = parameter skipped that step), the
parameters after every step and the optimizer state after the last step.

usage: optim_steps.py OUTDIR
"""
import torch

from reflib import outdir_from_argv, save_tensors

STEPS = 10
SHAPES = [(4, 5), (5,), (2, 3, 2)]

# name -> (optimizer class, defaults, groups as lists of param indices with per-group options,
#          steps at which param 1 gets no gradient)
CONFIGS = {
    "sgd_plain": ("SGD", {"lr": 0.1}, None, []),
    "sgd_momentum": ("SGD", {"lr": 0.1, "momentum": 0.9}, None, []),
    "sgd_dampening": ("SGD", {"lr": 0.1, "momentum": 0.9, "dampening": 0.3}, None, []),
    "sgd_nesterov": ("SGD", {"lr": 0.1, "momentum": 0.9, "nesterov": True}, None, []),
    "sgd_weight_decay": ("SGD", {"lr": 0.1, "momentum": 0.9, "weight_decay": 0.01}, None, []),
    "sgd_plain_weight_decay": ("SGD", {"lr": 0.05, "weight_decay": 0.1}, None, []),
    "sgd_maximize": ("SGD", {"lr": 0.1, "momentum": 0.5, "maximize": True}, None, []),
    "sgd_nesterov_wd_maximize": ("SGD", {"lr": 0.03, "momentum": 0.8, "nesterov": True,
                                         "weight_decay": 0.05, "maximize": True}, None, []),
    "sgd_skip": ("SGD", {"lr": 0.1, "momentum": 0.9}, None, [0, 3, 4]),
    "sgd_groups": ("SGD", {"lr": 0.1, "momentum": 0.9},
                   [{"params": [0, 1]}, {"params": [2], "lr": 0.01, "momentum": 0.5, "weight_decay": 0.1}], []),
    "adamw_default": ("AdamW", {}, None, []),
    "adamw_amsgrad": ("AdamW", {"lr": 0.01, "amsgrad": True}, None, []),
    "adamw_weight_decay": ("AdamW", {"lr": 0.01, "betas": [0.8, 0.99], "eps": 1e-6, "weight_decay": 0.1}, None, []),
    "adamw_no_weight_decay": ("AdamW", {"lr": 0.02, "weight_decay": 0.0}, None, []),
    "adamw_maximize": ("AdamW", {"lr": 0.01, "maximize": True, "amsgrad": True}, None, []),
    "adamw_skip": ("AdamW", {"lr": 0.01}, None, [0, 3, 4]),
    "adamw_groups": ("AdamW", {"lr": 0.01},
                     [{"params": [0]}, {"params": [1, 2], "lr": 0.001, "weight_decay": 0.0, "amsgrad": True}], []),
}


def make_optimizer(kind, defaults, groups, params):
    kwargs = dict(defaults)
    if "betas" in kwargs:
        kwargs["betas"] = tuple(kwargs["betas"])
    cls = getattr(torch.optim, kind)
    if groups is None:
        return cls(params, **kwargs)
    gs = [dict(g, params=[params[i] for i in g["params"]]) for g in groups]
    return cls(gs, **kwargs)


def main():
    out = outdir_from_argv()
    tensors = {}
    for dtype_name, dtype in (("float32", torch.float32), ("float64", torch.float64)):
        gen = torch.Generator().manual_seed(1234)
        init = [torch.randn(s, generator=gen, dtype=dtype) for s in SHAPES]
        grads = [[torch.randn(s, generator=gen, dtype=dtype) for s in SHAPES] for _ in range(STEPS)]
        for i, t in enumerate(init):
            tensors[f"{dtype_name}/init/p{i}"] = t
        for k in range(STEPS):
            for i, g in enumerate(grads[k]):
                tensors[f"{dtype_name}/grad{k}/p{i}"] = g
        for name, (kind, defaults, groups, skip_p1) in CONFIGS.items():
            params = [t.clone().requires_grad_(True) for t in init]
            opt = make_optimizer(kind, defaults, groups, params)
            for k in range(STEPS):
                for i, p in enumerate(params):
                    p.grad = None if (i == 1 and k in skip_p1) else grads[k][i].clone()
                opt.step()
                for i, p in enumerate(params):
                    tensors[f"{dtype_name}/{name}/step{k}/p{i}"] = p.detach().clone()
            sd = opt.state_dict()
            for idx, st in sd["state"].items():
                for key, v in st.items():
                    if isinstance(v, torch.Tensor):
                        tensors[f"{dtype_name}/{name}/state/{idx}/{key}"] = v
    configs = {name: {"kind": kind, "defaults": defaults, "groups": groups, "skip_p1": skip_p1}
               for name, (kind, defaults, groups, skip_p1) in CONFIGS.items()}
    save_tensors(out, tensors, {"steps": STEPS, "num_params": len(SHAPES), "configs": configs})


if __name__ == "__main__":
    main()
