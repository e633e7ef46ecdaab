"""The Python side of bench/load-pth.ts.
  load_pth.py make FILE        writes a torchvision resnet50 state_dict (random init, no download)
  load_pth.py time FILE [REPS] prints {"seconds": median torch.load time} as JSON"""
import json
import statistics
import sys
import time

import torch
import torchvision

cmd, path = sys.argv[1], sys.argv[2]
if cmd == "make":
    torch.manual_seed(0)
    torch.save(torchvision.models.resnet50().state_dict(), path)
elif cmd == "time":
    reps = int(sys.argv[3]) if len(sys.argv) > 3 else 5
    torch.load(path, map_location="cpu")  # warm the page cache and the code paths
    times = []
    for _ in range(reps):
        t0 = time.perf_counter()
        sd = torch.load(path, map_location="cpu")
        times.append(time.perf_counter() - t0)
        del sd
    print(json.dumps({"seconds": statistics.median(times), "torch": torch.__version__, "threads": torch.get_num_threads()}))
else:
    sys.exit(f"unknown command {cmd}")
