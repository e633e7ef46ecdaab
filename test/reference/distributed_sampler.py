"""Reference for test/distributed-sampler.test.ts: torch.utils.data.DistributedSampler's indices
for each case (length, replicas, shuffle, seed, epoch, drop_last), every rank.
usage: distributed_sampler.py OUTDIR"""
import json
import os

import torch
from torch.utils.data import DistributedSampler

from reflib import outdir_from_argv

CASES = [
    (10, 2, True, 0, 0, False), (10, 3, True, 0, 0, False), (10, 3, True, 0, 1, False), (10, 3, True, 7, 2, True),
    (10, 3, False, 0, 0, False), (10, 3, False, 0, 0, True), (7, 4, True, 3, 5, False), (2, 5, True, 0, 0, False),
    (2, 5, False, 0, 0, False), (1000, 8, True, 42, 3, False), (5, 1, True, 0, 9, False), (0, 2, True, 0, 0, False),
]


def main():
    out = outdir_from_argv()
    results = []
    for n, replicas, shuffle, seed, epoch, drop_last in CASES:
        ranks = []
        for rank in range(replicas):
            s = DistributedSampler(range(n), num_replicas=replicas, rank=rank, shuffle=shuffle, seed=seed, drop_last=drop_last)
            s.set_epoch(epoch)
            ranks.append(list(iter(s)))
        results.append({"n": n, "replicas": replicas, "shuffle": shuffle, "seed": seed, "epoch": epoch, "dropLast": drop_last,
                        "numSamples": s.num_samples, "ranks": ranks})
    os.makedirs(out, exist_ok=True)
    with open(os.path.join(out, "sampler.json"), "w") as f:
        json.dump(results, f)


if __name__ == "__main__":
    main()
