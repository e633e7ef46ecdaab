"""Reference for test/optim-files.test.ts: optimizer and scheduler state dicts crossing between
Python and svf-torch through torch.save/torch.load files.

  optim_files.py OUTDIR            PyTorch runs (SGD with momentum + StepLR, AdamW amsgrad +
                                   PolynomialLR) for 10 steps; writes the initial params, the
                                   gradients, the params after steps 5 and 10, and torch.save's
                                   of {optimizer, scheduler, params} state after 5 steps.
  optim_files.py OUTDIR TS_DIR     loads TS_DIR/<name>.pt (written by svf-torch's torch.save
                                   after 5 steps: {optimizer, scheduler, params}) into PyTorch's
                                   optimizer/scheduler, runs steps 6..10, writes the final
                                   params and lrs.
"""
import os
import sys

import torch

from reflib import save_tensors

STEPS = 10
RESUME_AT = 5
SHAPES = [(3, 4), (5,)]


def build(name, params):
    groups = [{"params": [params[0]]}, {"params": [params[1]], "lr": 0.02}]
    if name == "sgd":
        opt = torch.optim.SGD(groups, lr=0.1, momentum=0.9, nesterov=True, weight_decay=1e-3)
        return opt, torch.optim.lr_scheduler.StepLR(opt, step_size=3, gamma=0.5)
    opt = torch.optim.AdamW(groups, lr=0.05, amsgrad=True)
    return opt, torch.optim.lr_scheduler.PolynomialLR(opt, total_iters=8, power=0.9)


def data():
    gen = torch.Generator().manual_seed(7)
    init = [torch.randn(s, generator=gen) for s in SHAPES]
    grads = [[torch.randn(s, generator=gen) for s in SHAPES] for _ in range(STEPS)]
    return init, grads


def train(opt, sched, params, grads, steps):
    lrs = []
    for k in steps:
        for i, p in enumerate(params):
            p.grad = grads[k][i].clone()
        opt.step()
        sched.step()
        lrs.append(sched.get_last_lr())
    return lrs


def make(out):
    init, grads = data()
    tensors = {f"init/p{i}": t for i, t in enumerate(init)}
    for k in range(STEPS):
        for i, g in enumerate(grads[k]):
            tensors[f"grad{k}/p{i}"] = g
    lrs = {}
    for name in ("sgd", "adamw"):
        params = [t.clone().requires_grad_(True) for t in init]
        opt, sched = build(name, params)
        lrs[name] = train(opt, sched, params, grads, range(RESUME_AT))
        torch.save({"optimizer": opt.state_dict(), "scheduler": sched.state_dict(),
                    "params": [p.detach().clone() for p in params]}, os.path.join(out, f"{name}.pt"))
        lrs[name] += train(opt, sched, params, grads, range(RESUME_AT, STEPS))
        for i, p in enumerate(params):
            tensors[f"{name}/final/p{i}"] = p.detach().clone()
    save_tensors(out, tensors, {"lrs": lrs, "steps": STEPS, "resume_at": RESUME_AT})


def resume(out, ts_dir):
    _, grads = data()
    tensors = {}
    lrs = {}
    for name in ("sgd", "adamw"):
        saved = torch.load(os.path.join(ts_dir, f"{name}.pt"))
        params = [t.clone().requires_grad_(True) for t in saved["params"]]
        opt, sched = build(name, params)
        opt.load_state_dict(saved["optimizer"])
        sched.load_state_dict(saved["scheduler"])
        lrs[name] = train(opt, sched, params, grads, range(RESUME_AT, STEPS))
        for i, p in enumerate(params):
            tensors[f"{name}/final/p{i}"] = p.detach().clone()
    save_tensors(out, tensors, {"lrs": lrs})


if __name__ == "__main__":
    if len(sys.argv) == 2:
        make(sys.argv[1])
    elif len(sys.argv) == 3:
        resume(sys.argv[1], sys.argv[2])
    else:
        sys.exit("usage: optim_files.py OUTDIR [TS_DIR]")
