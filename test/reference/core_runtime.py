"""Reference for test/core-runtime.test.ts: seeded random draws from LibTorch's CPU generator
(the same one svf-torch uses) and what this torch build reports about CUDA and its version."""
import torch

from reflib import outdir_from_argv, save_tensors

out = {}
torch.manual_seed(42)
out["seed42.randn"] = torch.randn(3, 5)
out["seed42.rand"] = torch.rand(4)
out["seed42.randint"] = torch.randint(0, 10, (6,))
out["seed42.randn_big"] = torch.randn(64)  # >= 16 elements: the vectorised normal path
out["seed42.randn_f64"] = torch.randn(5, dtype=torch.float64)
torch.manual_seed(7)
base = torch.zeros(2, 3)
out["seed7.randn_like"] = torch.randn_like(base)
out["seed7.rand_like"] = torch.rand_like(base)

def raises(fn):
    try:
        fn()
        return False
    except Exception:
        return True


save_tensors(outdir_from_argv(), out, {
    "cuda_memory_allocated": torch.cuda.memory_allocated(),
    "cuda_max_memory_allocated": torch.cuda.max_memory_allocated(),
    "cuda_reset_peak_raises": raises(torch.cuda.reset_peak_memory_stats),
    "cuda_empty_cache_raises": raises(torch.cuda.empty_cache),
    "cuda_manual_seed_all_raises": raises(lambda: torch.cuda.manual_seed_all(3)),
    "cuda_available": torch.cuda.is_available(),
    "cuda_device_count": torch.cuda.device_count(),
    "torch_version": torch.__version__,
    "cuda_version": torch.version.cuda,
})
