"""Python side of bench/svf-bench.ts: the seed-style SVF (test/reference/svf_ref.py: deepcopy +
per-layer float64 SVD, SVD_Conv2d running conv_V -> x S -> conv_U) on torchvision ResNets.
usage: svf_bench.py resolve ARCH RUNS THREADS | train ARCH STEPS THREADS | eval ARCH RUNS THREADS [DEVICE]
DEVICE (default cpu) may be cuda: the model and input live there and timings synchronise.
Prints one JSON line."""
import json
import os
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), '..', 'test', 'reference'))
import torch  # noqa: E402
from benchlib import peak_rss_mib, reset_peak  # noqa: E402
import torchvision  # noqa: E402
from svf_ref import fix_bn, resnet_layers, resolver, svf_modules  # noqa: E402


def main():
    what, arch, n, threads = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
    device = torch.device(sys.argv[5] if len(sys.argv) > 5 else 'cpu')
    sync = torch.cuda.synchronize if device.type == 'cuda' else (lambda: None)
    torch.set_num_threads(threads)
    torch.manual_seed(0)
    net = getattr(torchvision.models, arch)().eval().to(device)
    if what == 'resolve':
        times = []
        for _ in range(n):
            sync()
            t = time.perf_counter()
            resolver(net)
            sync()
            times.append(time.perf_counter() - t)
        print(json.dumps({'times': times}))
    elif what == 'train':
        model = resolver(net)
        del net
        model.requires_grad_(False)
        layers = resnet_layers(model)
        svf_modules(layers)
        model.train()
        model.apply(fix_bn)
        params = [p for p in model.parameters() if p.requires_grad]
        opt = torch.optim.SGD(params, lr=0.01, momentum=0.9)
        x = torch.randn(2, 3, 224, 224, device=device)

        def step():
            opt.zero_grad()
            h = x
            for layer in layers:
                h = layer(h)
            loss = h.pow(2).mean()
            loss.backward()
            opt.step()

        step()  # warm-up (allocations, optimizer state)
        reset_peak()
        times = []
        for _ in range(n):
            sync()
            t = time.perf_counter()
            step()
            sync()
            times.append(time.perf_counter() - t)
        print(json.dumps({'times': times, 'peak_mib': peak_rss_mib()}))
    elif what == 'eval':
        x = torch.randn(1, 3, 224, 224)
        times = []
        with torch.no_grad():
            net(x)
            for _ in range(n):
                t = time.perf_counter()
                net(x)
                times.append(time.perf_counter() - t)
        print(json.dumps({'times': times}))


main()
