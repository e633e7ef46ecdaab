"""References for PFENet's transforms with OpenCV's pixel conventions, computed without
OpenCV: bilinear and nearest resize via torch.nn.functional.interpolate (align_corners=False
bilinear and 'nearest' use OpenCV's half-pixel / floor mappings), the 5x5 Gaussian blur as a
conv2d with reflect padding (= BORDER_REFLECT_101), and warpAffine rotation re-implemented in
numpy from OpenCV's documented formulas (inverse map, constant border per tap)."""
import math
import numpy as np
import torch
import torch.nn.functional as F
from reflib import save_tensors, outdir_from_argv

out = outdir_from_argv()
g = torch.Generator().manual_seed(5)
h, w = 23, 31
img = torch.rand(h, w, 3, generator=g, dtype=torch.float64) * 255
lab = torch.randint(0, 4, (h, w), generator=g).to(torch.uint8)
lab[0, :] = 255

def resize(x, nh, nw, mode):
    t = x.permute(2, 0, 1)[None] if x.dim() == 3 else x[None, None].double()
    kw = {"align_corners": False} if mode == "bilinear" else {}
    r = F.interpolate(t, size=(nh, nw), mode=mode, **kw)[0]
    return r.permute(1, 2, 0) if x.dim() == 3 else r[0].to(torch.uint8)

res = {"img": img.float(), "lab": lab}
for nh, nw in [(41, 17), (11, 60), (23, 31)]:
    res[f"bil_{nh}x{nw}"] = resize(img, nh, nw, "bilinear").float()
    res[f"near_{nh}x{nw}"] = resize(lab, nh, nw, "nearest")

# Gaussian 5x5, sigma from OpenCV's rule for sigma = 0
sigma = 0.3 * ((5 - 1) * 0.5 - 1) + 0.8
k1 = np.exp(-((np.arange(5) - 2.0) ** 2) / (2 * sigma ** 2)); k1 /= k1.sum()
k2 = torch.from_numpy(np.outer(k1, k1))[None, None].repeat(3, 1, 1, 1)
padded = F.pad(img.permute(2, 0, 1)[None], (2, 2, 2, 2), mode="reflect")
res["blur"] = F.conv2d(padded, k2, groups=3)[0].permute(1, 2, 0).float()

# rotation by 17 degrees about (w/2, h/2), OpenCV's warpAffine semantics
pad = [123.675, 116.28, 103.53]
a, b = math.cos(math.radians(17)), math.sin(math.radians(17))
cx, cy = w / 2, h / 2
M = np.array([[a, b, (1 - a) * cx - b * cy], [-b, a, b * cx + (1 - a) * cy], [0, 0, 1]])
Minv = np.linalg.inv(M)
I = img.numpy(); L = lab.numpy()
rot = np.zeros((h, w, 3)); rl = np.zeros((h, w), np.uint8)
def tap(y, x, k):
    return I[y, x, k] if 0 <= y < h and 0 <= x < w else pad[k]
for y in range(h):
    for x in range(w):
        sx, sy, _ = Minv @ np.array([x, y, 1.0])
        nx, ny = int(np.floor(sx + 0.5)), int(np.floor(sy + 0.5))
        rl[y, x] = L[ny, nx] if 0 <= nx < w and 0 <= ny < h else 255
        x0, y0 = int(np.floor(sx)), int(np.floor(sy)); fx, fy = sx - x0, sy - y0
        for k in range(3):
            rot[y, x, k] = (tap(y0, x0, k) * (1 - fx) + tap(y0, x0 + 1, k) * fx) * (1 - fy) + (tap(y0 + 1, x0, k) * (1 - fx) + tap(y0 + 1, x0 + 1, k) * fx) * fy
res["rot"] = torch.from_numpy(rot).float()
res["rot_lab"] = torch.from_numpy(rl)
save_tensors(out, res)
