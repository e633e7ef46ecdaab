"""Reference for test/optim-lr-scheduler.test.ts: torch.optim.lr_scheduler (PyTorch 1.13) driving
a momentum SGD (or AdamW) with two param groups. For each config it records the lr of every
group after construction and after each scheduler step (JSON, exact floats), the scheduler's
state_dict at the end, and the parameters after the last step.

usage: optim_lr_schedulers.py OUTDIR
"""
import torch

from reflib import outdir_from_argv, save_tensors

SHAPES = [(3, 4), (6,)]

# name -> (scheduler class, kwargs, optimizer, steps)
CONFIGS = {
    "step": ("StepLR", {"step_size": 3, "gamma": 0.5}, "SGD", 15),
    "step_default_gamma": ("StepLR", {"step_size": 4}, "SGD", 12),
    "cosine": ("CosineAnnealingLR", {"T_max": 6, "eta_min": 0.001}, "SGD", 20),
    "cosine_default": ("CosineAnnealingLR", {"T_max": 10}, "SGD", 12),
    "poly": ("PolynomialLR", {"total_iters": 12, "power": 0.9}, "SGD", 15),
    "poly_power2": ("PolynomialLR", {"total_iters": 10, "power": 2.0}, "SGD", 12),
    "poly_adamw": ("PolynomialLR", {"total_iters": 10, "power": 0.9}, "AdamW", 12),
}


def make_optimizer(kind, params):
    groups = [{"params": [params[0]], "lr": 0.1}, {"params": [params[1]], "lr": 0.02}]
    if kind == "SGD":
        return torch.optim.SGD(groups, lr=0.05, momentum=0.9, weight_decay=1e-4)
    return torch.optim.AdamW(groups, lr=0.05)


def main():
    out = outdir_from_argv()
    gen = torch.Generator().manual_seed(99)
    max_steps = max(c[3] for c in CONFIGS.values())
    init = [torch.randn(s, generator=gen) for s in SHAPES]
    grads = [[torch.randn(s, generator=gen) for s in SHAPES] for _ in range(max_steps)]
    tensors = {}
    for i, t in enumerate(init):
        tensors[f"init/p{i}"] = t
    for k in range(max_steps):
        for i, g in enumerate(grads[k]):
            tensors[f"grad{k}/p{i}"] = g
    records = {}
    for name, (sched_cls, kwargs, opt_kind, steps) in CONFIGS.items():
        params = [t.clone().requires_grad_(True) for t in init]
        opt = make_optimizer(opt_kind, params)
        sched = getattr(torch.optim.lr_scheduler, sched_cls)(opt, **kwargs)
        lrs = [sched.get_last_lr()]
        for k in range(steps):
            for i, p in enumerate(params):
                p.grad = grads[k][i].clone()
            opt.step()
            sched.step()
            lrs.append(sched.get_last_lr())
        for i, p in enumerate(params):
            tensors[f"{name}/final/p{i}"] = p.detach().clone()
        records[name] = {
            "scheduler": sched_cls, "kwargs": kwargs, "optimizer": opt_kind, "steps": steps,
            "lrs": lrs, "state_dict": sched.state_dict(),
            "param_groups": [{k: v for k, v in g.items() if k != "params"} for g in opt.state_dict()["param_groups"]],
        }
    save_tensors(out, tensors, {"configs": records})


if __name__ == "__main__":
    main()
