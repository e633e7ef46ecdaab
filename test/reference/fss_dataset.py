"""PFENet's dataset rules, re-implemented here from the paper/code description (not from
svf-torch): for each split list, an image counts for a class of the split when the class
covers >= 2*32*32 pixels of its label PNG (read with PIL); 0 and 255 are not classes; with
filter_intersection (BAM, training only) images holding any class outside the training
classes are dropped. Writes the expected candidates per (dataset, fold, split, filter)."""
import os
import sys
import numpy as np
from PIL import Image
from reflib import save_tensors

out, voc_root, coco_root = sys.argv[1], sys.argv[2], sys.argv[3]


def read_list(path):
    with open(path) as f:
        return [l.split() for l in f.read().splitlines() if l.strip()]


def candidates(root, list_file, classes, filt):
    res = {c: [] for c in classes}
    for img, lab in read_list(os.path.join(root, list_file)):
        label = np.array(Image.open(os.path.join(root, lab)))
        present = [int(c) for c in np.unique(label) if c not in (0, 255)]
        if filt and not set(present).issubset(classes):
            continue
        for c in present:
            if c in classes and int((label == c).sum()) >= 2 * 32 * 32:
                res[c].append(os.path.splitext(os.path.basename(img))[0])
    return {str(c): v for c, v in res.items()}


expected = {}
for fold in range(4):
    val = list(range(5 * fold + 1, 5 * fold + 6))
    train = [c for c in range(1, 21) if c not in val]
    expected[f"voc/{fold}/val"] = candidates(voc_root, "lists/pascal/val.txt", val, False)
    expected[f"voc/{fold}/train"] = candidates(voc_root, "lists/pascal/voc_sbd_merge_noduplicate.txt", train, False)
    expected[f"voc/{fold}/train/filter"] = candidates(voc_root, "lists/pascal/voc_sbd_merge_noduplicate.txt", train, True)
    fwb = list(range(fold + 1, 81, 4))
    panet = list(range(20 * fold + 1, 20 * fold + 21))
    expected[f"coco-fwb/{fold}/val"] = candidates(coco_root, "lists/coco/val.txt", fwb, False)
    expected[f"coco-panet/{fold}/train"] = candidates(coco_root, "lists/coco/train.txt", [c for c in range(1, 81) if c not in panet], False)
save_tensors(out, {}, expected)
