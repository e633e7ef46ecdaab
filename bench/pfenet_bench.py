"""Python side of bench/pfenet-bench.ts: one training step of PFENet-ResNet50
(test/reference/pfenet_ref.py, checked bit-identical to the official model/PFENet.py) with the
backbone frozen (official) or with SVF (svf_ref.resolver on layer0-4, svf_modules, fix_bn, layer2-4
at lr/10), SGD momentum 0.9, weight decay 1e-4.
usage: pfenet_bench.py frozen|svf SIZE BATCH STEPS THREADS   (prints one JSON line)"""
import json
import os
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), '..', 'test', 'reference'))
import torch  # noqa: E402
from benchlib import peak_rss_mib, reset_peak  # noqa: E402
from pfenet_ref import PFENetRef, head_groups  # noqa: E402
from svf_ref import fix_bn, resolver, svf_modules  # noqa: E402


def main():
    what, size, batch, steps, threads = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
    torch.set_num_threads(threads)
    torch.manual_seed(0)
    model = PFENetRef(layers=50)
    for layer in model.backbone():
        layer.requires_grad_(False)
    svf = what == 'svf'
    if svf:
        for n in ('layer0', 'layer1', 'layer2', 'layer3', 'layer4'):
            setattr(model, n, resolver(getattr(model, n)))
        svf_modules(model.backbone())
    model.train()
    if svf:
        model.apply(fix_bn)
    opt = torch.optim.SGD(head_groups(model, 0.0025, svf), lr=0.0025, momentum=0.9, weight_decay=1e-4)
    g = torch.Generator().manual_seed(1)
    q = torch.randn(batch, 3, size, size, generator=g)
    s = torch.randn(batch, 1, 3, size, size, generator=g)
    m = torch.randint(0, 2, (batch, 1, size, size), generator=g).float()
    y = torch.randint(0, 2, (batch, size, size), generator=g)

    def step():
        opt.zero_grad()
        _, main_loss, aux_loss = model(q, s, m, y)
        (main_loss + aux_loss).backward()
        opt.step()

    step()
    reset_peak()
    times, cpu = [], []
    for _ in range(steps):
        t, c = time.perf_counter(), time.process_time()
        step()
        times.append(time.perf_counter() - t)
        cpu.append(time.process_time() - c)
    print(json.dumps({'times': times, 'cpu': cpu, 'peak_mib': peak_rss_mib()}))


main()
