"""Per-op overhead of Python torch on tiny tensors: the reference for bench/op-overhead.ts.

Runs the same loops as the TypeScript side (same LibTorch 1.13.1 from Debian, 1 intra-op
thread) and prints one JSON line: {"torch": version, "threads": n, "results": {loop: ns_per_iter}, "cpu": {loop: cpu_ns_per_iter}}.
Usage: /usr/bin/python3 bench/op_overhead.py [iterations] [rounds]
"""
import json
import sys
import time

import torch


def best_ns(fn, iters, rounds):
    """Best of `rounds` timings per iteration (the minimum, as timeit recommends): wall, CPU time."""
    wall, cpu = [], []
    for _ in range(rounds):
        t0, c0 = time.perf_counter_ns(), time.process_time_ns()
        fn(iters)
        wall.append(time.perf_counter_ns() - t0)
        cpu.append(time.process_time_ns() - c0)
    return min(wall) / iters, min(cpu) / iters


def main():
    iters = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    rounds = int(sys.argv[2]) if len(sys.argv) > 2 else 5
    torch.set_num_threads(1)
    a = torch.rand(2, 2, dtype=torch.float32)
    b = torch.rand(2, 2, dtype=torch.float32)

    # Each loop mirrors one in op-overhead.ts; Python frees by reference counting.
    def add(n):
        for _ in range(n):
            c = a + b

    def mul_sum(n):
        for _ in range(n):
            c = (a * b).sum()

    def mul_sum_item(n):
        for _ in range(n):
            x = (a * b).sum().item()

    loops = {"add": add, "mul_sum": mul_sum, "mul_sum_item": mul_sum_item}
    for fn in loops.values():
        fn(iters // 10)  # warm-up: dispatcher caches, allocator
    timed = {name: best_ns(fn, iters, rounds) for name, fn in loops.items()}
    results = {name: t[0] for name, t in timed.items()}
    cpu = {name: t[1] for name, t in timed.items()}
    print(json.dumps({"torch": torch.__version__, "threads": torch.get_num_threads(), "results": results, "cpu": cpu}))


if __name__ == "__main__":
    main()
