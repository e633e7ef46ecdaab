"""Reference for test/core-autograd.test.ts: gradients of a small composite function
(matmul, broadcasting add, tanh, softmax, pow, mean, norm, maskedFill, where) — first order via
backward() and autograd.grad, second order via create_graph, and backward(gradient)."""
import torch

from reflib import outdir_from_argv, save_tensors

g = torch.Generator().manual_seed(99)
x = torch.randn(3, 4, generator=g)
W = torch.randn(4, 5, generator=g)
b = torch.randn(5, generator=g)
target = torch.rand(3, 5, generator=g)
gy = torch.randn(3, 5, generator=g)


def leaves():
    return [t.clone().requires_grad_(True) for t in (x, W, b)]


def f(x, W, b):
    h = torch.tanh(x.matmul(W) + b)
    y = h.softmax(1)
    z = torch.where(y > 0.2, y, y * 0.5).masked_fill(target > 0.9, 0.0)
    return (z * target).sum() + x.pow(2).mean() + W.norm() + b.sigmoid().log().sum()


out = {}
xl, Wl, bl = leaves()
loss = f(xl, Wl, bl)
loss.backward()
out.update({"loss": loss.detach(), "backward.x": xl.grad, "backward.W": Wl.grad, "backward.b": bl.grad})

xl, Wl, bl = leaves()
gx, gW = torch.autograd.grad(f(xl, Wl, bl), [xl, Wl])
out.update({"grad.x": gx, "grad.W": gW})

xl, Wl, bl = leaves()
(gx,) = torch.autograd.grad(f(xl, Wl, bl), [xl], create_graph=True)
gx.pow(2).sum().backward()
out.update({"second.x": xl.grad, "second.W": Wl.grad})

xl, Wl, bl = leaves()
y = torch.tanh(xl.matmul(Wl) + bl)
y.backward(gy)
out.update({"vjp.x": xl.grad, "vjp.W": Wl.grad, "vjp.b": bl.grad})

save_tensors(outdir_from_argv(), {"in.x": x, "in.W": W, "in.b": b, "in.target": target, "in.gy": gy, **{"out." + k: v for k, v in out.items()}})
