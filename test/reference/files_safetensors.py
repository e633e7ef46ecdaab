"""A reference safetensors reader/writer (json + struct + torch only), following the format
spec exactly: u64 LE header length, JSON header {name: {dtype, shape, data_offsets}},
optional "__metadata__" (str -> str), header padded with spaces to 8 bytes, then the data.
Used because Debian has no python3-safetensors; independent of svf-torch's implementation."""
import json
import struct

import torch

CODES = {
    torch.float32: "F32", torch.float64: "F64", torch.float16: "F16", torch.bfloat16: "BF16",
    torch.int64: "I64", torch.int32: "I32", torch.int16: "I16", torch.int8: "I8",
    torch.uint8: "U8", torch.bool: "BOOL",
}
DTYPES = {v: k for k, v in CODES.items()}


def _raw(t):
    t = t.detach().cpu().contiguous()
    if t.dtype in (torch.float16, torch.bfloat16):
        t = t.view(torch.int16)
    return t.numpy().tobytes()


def save_file(tensors, path, metadata=None):
    header, blobs, offset = {}, [], 0
    if metadata is not None:
        header["__metadata__"] = metadata
    for name, t in tensors.items():
        raw = _raw(t)
        header[name] = {"dtype": CODES[t.dtype], "shape": list(t.shape), "data_offsets": [offset, offset + len(raw)]}
        blobs.append(raw)
        offset += len(raw)
    text = json.dumps(header).encode("utf-8")
    text += b" " * ((8 - (8 + len(text)) % 8) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)))
        f.write(text)
        for b in blobs:
            f.write(b)


def load_file(path):
    """-> (dict name -> tensor, metadata or None); checks the spec's invariants."""
    with open(path, "rb") as f:
        data = f.read()
    (n,) = struct.unpack("<Q", data[:8])
    assert (8 + n) % 8 == 0, "header not padded to 8 bytes"
    header = json.loads(data[8:8 + n].decode("utf-8"))
    body = data[8 + n:]
    metadata = header.pop("__metadata__", None)
    out, spans = {}, []
    for name, e in header.items():
        dtype = DTYPES[e["dtype"]]
        begin, end = e["data_offsets"]
        spans.append((begin, end))
        numel = 1
        for s in e["shape"]:
            numel *= s
        elem = torch.empty((), dtype=dtype).element_size()
        assert end - begin == numel * elem, f"{name}: wrong byte span"
        raw = bytearray(body[begin:end])
        if dtype in (torch.float16, torch.bfloat16):
            t = torch.frombuffer(raw, dtype=torch.int16).view(dtype) if raw else torch.empty(0, dtype=dtype)
        else:
            t = torch.frombuffer(raw, dtype=dtype) if raw else torch.empty(0, dtype=dtype)
        out[name] = t.reshape(e["shape"]).clone()
    spans.sort()
    pos = 0
    for begin, end in spans:  # the spec forbids holes and overlaps
        assert begin == pos, "data has a hole or overlap"
        pos = end
    assert pos == len(body), "trailing bytes after the data"
    return out, metadata
