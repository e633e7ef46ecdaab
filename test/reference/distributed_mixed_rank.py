"""One Python rank in a group with svf-torch ranks (test/distributed-mixed.test.ts): torchrun's
variables, Gloo; `collectives` does what the svf-torch worker's `mixed` scenario does, `ddp`
trains distributed_ddp.py's net with torch's DistributedDataParallel on this rank's half of the
batch, then runs the worker's no_sync/synced backward pair. Prints `RESULT <json>`; `ddp` also
writes this rank's final state to OUTDIR.
usage: distributed_mixed_rank.py collectives | ddp REFDIR OUTDIR"""
import datetime
import json
import os
import sys

import torch
import torch.distributed as dist
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from distributed_ddp import Net, train  # noqa: E402
from reflib import save_tensors  # noqa: E402

_DTYPES = {"float32": torch.float32, "int64": torch.int64}


def load_reference(refdir):
    with open(os.path.join(refdir, "manifest.json")) as f:
        manifest = json.load(f)
    tensors = {}
    for name, m in manifest["tensors"].items():
        with open(os.path.join(refdir, m["file"]), "rb") as f:
            raw = bytearray(f.read())
        tensors[name] = torch.frombuffer(raw, dtype=_DTYPES[m["dtype"]]).reshape(m["shape"]).clone()
    return tensors, manifest["extra"]


def main():
    torch.set_num_threads(1)
    dist.init_process_group("gloo", timeout=datetime.timedelta(seconds=120))
    rank = dist.get_rank()
    if sys.argv[1] == "collectives":
        t = torch.tensor([1.0 + rank, 10.0 * rank])
        dist.all_reduce(t)
        m = torch.tensor([3.0 - rank], dtype=torch.float64)
        dist.all_reduce(m, op=dist.ReduceOp.MAX)
        b = torch.tensor([5.0 + rank])
        dist.broadcast(b, src=1)
        dist.barrier()
        print("RESULT " + json.dumps({"rank": rank, "sum": t.tolist(), "max": m.tolist(), "broadcast": b.tolist()}), flush=True)
    else:
        refdir, outdir = sys.argv[2], sys.argv[3]
        ref, extra = load_reference(refdir)
        torch.manual_seed(100 + rank)
        net = Net()
        prefix = "init." if rank == 0 else "rank1_init."
        net.load_state_dict({k: ref[prefix + k] for k in extra["keys"]})
        ddp = torch.nn.parallel.DistributedDataParallel(net)
        half = extra["batch"] // 2
        train(net, ref["x"][rank * half:(rank + 1) * half], ref["y"][rank * half:(rank + 1) * half], ddp)
        save_tensors(outdir, {k: v for k, v in ddp.state_dict().items()})
        # as the svf-torch worker does next: one backward under no_sync (no collective), one synced
        x, y = ref["x"][rank * half:(rank + 1) * half], ref["y"][rank * half:(rank + 1) * half]
        for sync in (False, True):
            net.zero_grad()
            if sync:
                F.cross_entropy(ddp(x), y).backward()
            else:
                with ddp.no_sync():
                    F.cross_entropy(ddp(x), y).backward()
        print("RESULT " + json.dumps({"rank": rank}), flush=True)
        # Python torch 1.13 can deadlock tearing DDP down (~Reducer → ~ProcessGroupGloo joins a
        # gloo thread waiting for the GIL the destructor holds): the result is out, skip it
        sys.stdout.flush()
        os._exit(0)
    dist.destroy_process_group()


if __name__ == "__main__":
    main()
