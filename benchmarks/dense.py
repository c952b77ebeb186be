"""The fused dense op, forward and backward, against numpy's own matrix products.

The floor is what any implementation must do: x @ W forward, then gy @ W.T and x.T @ gy
backward (plus the bias add and its sum). The ratio shows what minikeras adds on top.
"""

import numpy as np

from _timing import best_of
from minikeras import ops
from minikeras.backend import Tensor, Variable

SHAPES = [(128, 784, 512), (128, 512, 10), (32, 64, 64)]


def run():
    rows = []
    rng = np.random.default_rng(0)
    for batch, n_in, n_out in SHAPES:
        x_np = rng.standard_normal((batch, n_in), dtype=np.float32)
        w_np = rng.standard_normal((n_in, n_out), dtype=np.float32)
        b_np = np.zeros(n_out, dtype=np.float32)
        gy = rng.standard_normal((batch, n_out), dtype=np.float32)
        x, w, b = Tensor(x_np), Variable(w_np), Variable(b_np)

        def numpy_floor():
            y = x_np @ w_np
            y += b_np
            gw = x_np.T @ gy
            gb = gy.sum(axis=0)
            return y, gw, gb

        def minikeras_step():
            w.grad = b.grad = None
            ops.dense(x, w, b).backward(gy)

        floor = best_of(numpy_floor)
        ours = best_of(minikeras_step)
        flops = 2 * 2 * batch * n_in * n_out  # forward product + kernel-gradient product
        rows.append((f"dense {batch}x{n_in} -> {n_out} forward+backward", ours * 1e6, "us",
                     f"{ours / floor:.2f}x numpy matmul floor ({flops / ours / 1e9:.1f} GFLOP/s)"))
    return rows
