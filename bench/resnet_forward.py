"""ResNet-50 eval forward in Python torch: the reference for bench/resnet-forward.ts.

torchvision resnet50 (random init), batch 1 at 224x224, under torch.no_grad(), after a warm-up;
prints one JSON line {"torch": version, "threads": n, "median_ms": m, "times_ms": [...]}.
Usage: /usr/bin/python3 bench/resnet_forward.py [runs] [threads]
       /usr/bin/python3 bench/resnet_forward.py --serve [threads]: after the warm-up prints {"torch", "threads"}, then
       times one forward per input line and prints its milliseconds (so the TS side can interleave runs).
"""
import json
import statistics
import sys
import time

import torch
import torchvision


def serve(net, x):
    print(json.dumps({"torch": torch.__version__, "threads": torch.get_num_threads()}), flush=True)
    with torch.no_grad():
        for _ in sys.stdin:
            t0 = time.perf_counter()
            net(x)
            print((time.perf_counter() - t0) * 1000, flush=True)


def main():
    serving = sys.argv[1:2] == ["--serve"]
    if serving:
        runs, threads = 0, int(sys.argv[2]) if len(sys.argv) > 2 else 2
    else:
        runs = int(sys.argv[1]) if len(sys.argv) > 1 else 10
        threads = int(sys.argv[2]) if len(sys.argv) > 2 else 2
    torch.set_num_threads(threads)
    torch.manual_seed(0)
    net = torchvision.models.resnet50().eval()
    x = torch.randn(1, 3, 224, 224)
    times = []
    with torch.no_grad():
        for _ in range(2):  # warm-up: allocator, oneDNN/MKL kernels
            net(x)
        if serving:
            return serve(net, x)
        for _ in range(runs):
            t0 = time.perf_counter()
            net(x)
            times.append((time.perf_counter() - t0) * 1000)
    print(json.dumps({"torch": torch.__version__, "threads": torch.get_num_threads(),
                      "median_ms": statistics.median(times), "times_ms": times}))


if __name__ == "__main__":
    main()
