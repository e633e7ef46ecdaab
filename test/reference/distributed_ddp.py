"""Reference for test/distributed-ddp.test.ts: a small conv net trained by SGD (momentum) for a
few steps (a) in one process on the whole batch and (b) by torch.nn.parallel.DistributedDataParallel
over 2 Gloo processes on loopback (torch.multiprocessing), each with half the batch. Writes the
initial state, the data, both final states and rank 1's own random initial state (which DDP
must replace with rank 0's).
usage: distributed_ddp.py OUTDIR"""
import os
import socket
import sys

import torch
import torch.distributed as dist
import torch.multiprocessing as mp
import torch.nn.functional as F

from reflib import outdir_from_argv, save_tensors

STEPS, LR, MOMENTUM, BATCH = 4, 0.1, 0.9, 8


class Net(torch.nn.Module):
    """conv-relu-conv-relu-pool-linear, a frozen parameter and a buffer used in forward."""

    def __init__(self):
        super().__init__()
        self.conv1 = torch.nn.Conv2d(3, 6, 3, padding=1)
        self.conv2 = torch.nn.Conv2d(6, 8, 3, stride=2, padding=1)
        self.fc = torch.nn.Linear(8, 4)
        self.shift = torch.nn.Parameter(torch.randn(4), requires_grad=False)
        self.register_buffer("scale", torch.rand(8) + 0.5)

    def forward(self, x):
        x = F.relu(self.conv1(x))
        x = F.relu(self.conv2(x))
        x = F.adaptive_avg_pool2d(x, 1).flatten(1) * self.scale
        return self.fc(x) + self.shift


def train(net, x, y, wrapped=None):
    model = wrapped or net
    opt = torch.optim.SGD([p for p in net.parameters() if p.requires_grad], lr=LR, momentum=MOMENTUM)
    for _ in range(STEPS):
        opt.zero_grad()
        F.cross_entropy(model(x), y).backward()
        opt.step()


def exit_without_teardown():
    # Python torch 1.13 can deadlock tearing DDP down: ~Reducer destroys the ProcessGroupGloo,
    # whose destructor joins a gloo worker thread that waits for the GIL the destructor holds
    # (seen in CI as a rank spinning forever). The results are on disk; skip the teardown.
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(0)


def ddp_rank(rank, port, init, data, out):
    torch.set_num_threads(1)
    dist.init_process_group("gloo", init_method=f"tcp://127.0.0.1:{port}", rank=rank, world_size=2)
    torch.manual_seed(100 + rank)
    net = Net()
    if rank == 0:
        net.load_state_dict(init)
    ddp = torch.nn.parallel.DistributedDataParallel(net)
    half = BATCH // 2
    x, y = data["x"][rank * half:(rank + 1) * half], data["y"][rank * half:(rank + 1) * half]
    train(net, x, y, ddp)
    torch.save({k: v.clone() for k, v in ddp.state_dict().items()}, os.path.join(out, f"ddp_rank{rank}.pt"))
    exit_without_teardown()


def main():
    out = outdir_from_argv()
    os.makedirs(out, exist_ok=True)
    torch.manual_seed(0)
    net = Net()
    init = {k: v.clone() for k, v in net.state_dict().items()}
    data = {"x": torch.randn(BATCH, 3, 10, 10), "y": torch.randint(0, 4, (BATCH,))}
    torch.manual_seed(101)
    rank1_init = Net().state_dict()
    train(net, data["x"], data["y"])
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    mp.spawn(ddp_rank, args=(port, init, data, out), nprocs=2, join=True)
    ddp = [torch.load(os.path.join(out, f"ddp_rank{r}.pt")) for r in range(2)]
    tensors = {"x": data["x"], "y": data["y"]}
    for k, v in init.items():
        tensors[f"init.{k}"] = v
        tensors[f"rank1_init.{k}"] = rank1_init[k]
        tensors[f"single.{k}"] = net.state_dict()[k]
        for r in range(2):
            tensors[f"ddp{r}.{k}"] = ddp[r][f"module.{k}"]
    save_tensors(out, tensors, {"keys": list(init.keys()), "ddpKeys": list(ddp[0].keys()), "steps": STEPS, "lr": LR,
                                "momentum": MOMENTUM, "batch": BATCH})


if __name__ == "__main__":
    main()
