"""Reference for test/core-linalg.test.ts: torch.linalg.svd / svdvals / norm on fixed inputs."""
import torch

from reflib import outdir_from_argv, save_tensors

g = torch.Generator().manual_seed(7)
I = {
    "tall": torch.randn(6, 4, generator=g),
    "wide": torch.randn(3, 5, generator=g),
    "batch": torch.randn(2, 4, 3, generator=g),
    "sq64": torch.randn(5, 5, generator=g).double(),
    "vec": torch.randn(7, generator=g),
}
out = {}
for name in ("tall", "wide", "batch", "sq64"):
    A = I[name]
    U, S, Vh = torch.linalg.svd(A, full_matrices=False)
    out[f"svd.{name}.S"] = S
    out[f"svd.{name}.absU"] = U.abs()
    out[f"svd.{name}.absVh"] = Vh.abs()
    Uf, Sf, Vhf = torch.linalg.svd(A, full_matrices=True)
    out[f"svdfull.{name}.Ushape"] = torch.tensor(list(Uf.shape))
    out[f"svdfull.{name}.Vhshape"] = torch.tensor(list(Vhf.shape))
    out[f"svdvals.{name}"] = torch.linalg.svdvals(A)

t = I["tall"]
norms = {
    "default": torch.linalg.norm(t),
    "fro": torch.linalg.norm(t, "fro"),
    "nuc": torch.linalg.norm(t, "nuc"),
    "ord2": torch.linalg.norm(t, 2),
    "ord1": torch.linalg.norm(t, 1),
    "ordinf": torch.linalg.norm(t, float("inf")),
    "dim1": torch.linalg.norm(t, dim=1),
    "ord3_dim0_keepdim": torch.linalg.norm(t, 3, dim=0, keepdim=True),
    "fro_batch_dims": torch.linalg.norm(I["batch"], "fro", dim=(1, 2)),
    "vec": torch.linalg.norm(I["vec"]),
    "vec_inf": torch.linalg.norm(I["vec"], float("inf")),
    "vec_ord0": torch.linalg.norm(I["vec"], 0),
    "batch_default": torch.linalg.norm(I["batch"]),
}
out.update({"norm." + k: v for k, v in norms.items()})
save_tensors(outdir_from_argv(), {**{"in." + k: v for k, v in I.items()}, **{"out." + k: v for k, v in out.items()}})
