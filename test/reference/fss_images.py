"""Reference images for test/fss-io.test.ts, written and decoded by PIL (not libvips):
a palette PNG with VOC's colour map (indices 0..20 and 255), a grey PNG, an RGB PNG, a grey
JPEG and an RGB JPEG, with PIL's decoded pixels saved beside them."""
import os
import numpy as np
import torch
from PIL import Image
from reflib import save_tensors, outdir_from_argv


def voc_palette():
    pal = []
    for i in range(256):
        r = g = b = 0
        c = i
        for j in range(8):
            r |= ((c >> 0) & 1) << (7 - j)
            g |= ((c >> 1) & 1) << (7 - j)
            b |= ((c >> 2) & 1) << (7 - j)
            c >>= 3
        pal += [r, g, b]
    return pal


out = outdir_from_argv()
rng = np.random.default_rng(0)
h, w = 37, 53
labels = rng.integers(0, 21, size=(h, w)).astype(np.uint8)
labels[:3, :] = 255
labels[:, -2:] = 255
p = Image.fromarray(labels, mode="P")
p.putpalette(voc_palette())
p.save(os.path.join(out, "palette.png"))
Image.fromarray(labels, mode="L").save(os.path.join(out, "grey.png"))
rgb = rng.integers(0, 256, size=(h, w, 3)).astype(np.uint8)
Image.fromarray(rgb, mode="RGB").save(os.path.join(out, "rgb.png"))
# smooth content so JPEG decoders agree closely
yy, xx = np.mgrid[0:h, 0:w]
smooth = np.stack([(xx * 4) % 256, (yy * 6) % 256, ((xx + yy) * 2) % 256], -1).astype(np.uint8)
Image.fromarray(smooth, mode="RGB").save(os.path.join(out, "rgb.jpg"), quality=95)
Image.fromarray(smooth[:, :, 0], mode="L").save(os.path.join(out, "grey.jpg"), quality=95)
with open(os.path.join(out, "broken.png"), "wb") as f:
    f.write(open(os.path.join(out, "rgb.png"), "rb").read()[:60])

jpg = np.asarray(Image.open(os.path.join(out, "rgb.jpg")).convert("RGB"))
gjpg = np.asarray(Image.open(os.path.join(out, "grey.jpg")).convert("RGB"))
c = rgb.astype(np.int64)
save_tensors(out, {
    "labels": torch.from_numpy(labels.copy()),
    "rgb": torch.from_numpy(rgb.copy()).permute(2, 0, 1).contiguous(),
    "jpg": torch.from_numpy(jpg.copy()).permute(2, 0, 1).contiguous(),
    "grey_jpg": torch.from_numpy(gjpg.copy()).permute(2, 0, 1).contiguous(),
    # OpenCV's integer luma, computed here independently of the TS code
    "cv_luma": torch.from_numpy(((c[..., 0] * 4899 + c[..., 1] * 9617 + c[..., 2] * 1868 + 8192) >> 14).astype(np.uint8)),
})
