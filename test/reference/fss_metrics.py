"""An independent implementation of PFENet's few-shot metrics (numpy, confusion counts by
bincount rather than the set operations of the TS code), on random episodes: sizes vary,
255 regions, some classes rarely seen, some episodes with an empty foreground."""
import numpy as np
import torch
from reflib import save_tensors, outdir_from_argv

out = outdir_from_argv()
rng = np.random.default_rng(11)
tensors, classes = {}, []
inter = {}
union = {}
conf_all = np.zeros((2, 2))
for e in range(60):
    h, w = int(rng.integers(5, 40)), int(rng.integers(5, 40))
    target = (rng.random((h, w)) < rng.random()).astype(np.int64)
    target[rng.random((h, w)) < 0.1] = 255
    if e % 13 == 0:
        target[target == 1] = 0  # no foreground at all
    pred = (rng.random((h, w)) < rng.random()).astype(np.int64)
    c = int(rng.choice([1, 2, 3, 4, 5], p=[0.4, 0.3, 0.2, 0.09, 0.01]))
    keep = target != 255
    conf = np.bincount(target[keep] * 2 + pred[keep], minlength=4).reshape(2, 2).astype(np.float64)  # rows: target, cols: pred
    conf_all += conf
    i_fg = conf[1, 1]
    u_fg = conf[1, :].sum() + conf[:, 1].sum() - conf[1, 1]
    inter[c] = inter.get(c, 0.0) + i_fg
    union[c] = union.get(c, 0.0) + u_fg
    tensors[f"pred{e}"] = torch.from_numpy(pred)
    tensors[f"target{e}"] = torch.from_numpy(target)
    classes.append(c)
class_iou = {str(c): inter[c] / (union[c] + 1e-10) for c in sorted(inter)}
fb = [conf_all[k, k] / (conf_all[k, :].sum() + conf_all[:, k].sum() - conf_all[k, k] + 1e-10) for k in (0, 1)]
save_tensors(out, tensors, {"classes": classes, "classIoU": class_iou, "mIoU": float(np.mean(list(class_iou.values()))), "fbIoU": float(np.mean(fb))})
