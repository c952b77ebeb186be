"""Conv2D forward and backward, against numpy's matrix products of the same im2col shapes.

The floor is the matrix products any im2col convolution must do, on windows already copied:
cols @ W forward, then the kernel gradient (cols.T @ gy) and, when the input needs one, the
input gradient (gy @ W.T). The ratio shows what minikeras adds on top: copying the windows,
adding them back, the bias, and the tape.
"""

import numpy as np

from _timing import best_of
from minikeras import layers
from minikeras.backend import Tensor

# (batch, size, channels, filters, whether the input needs a gradient): the two convolutions
# of the mnist_cnn benchmark; the first one's input is the data, which needs none.
SHAPES = [(128, 28, 1, 32, False), (128, 13, 32, 64, True)]


def run():
    rows = []
    rng = np.random.default_rng(0)
    for batch, size, channels, filters, input_grad in SHAPES:
        x_np = rng.standard_normal((batch, size, size, channels), dtype=np.float32)
        layer = layers.Conv2D(filters, 3)
        x = Tensor(x_np, requires_grad=input_grad)
        gy = rng.standard_normal(layer(x).shape, dtype=np.float32)
        out = size - 2
        cols = np.lib.stride_tricks.sliding_window_view(x_np, (3, 3), axis=(1, 2)) \
            .transpose(0, 1, 2, 4, 5, 3).reshape(batch * out * out, 9 * channels)
        w_np = layer.kernel.data.reshape(-1, filters)
        gy2 = gy.reshape(-1, filters)

        def numpy_floor():
            y = cols @ w_np
            gw = cols.T @ gy2
            gx = gy2 @ w_np.T if input_grad else None
            return y, gw, gx

        def minikeras_step():
            x.grad = layer.kernel.grad = layer.bias.grad = None
            layer(x).backward(gy)

        floor = best_of(numpy_floor)
        ours = best_of(minikeras_step)
        flops = 2 * (2 + input_grad) * cols.shape[0] * cols.shape[1] * filters
        rows.append((f"Conv2D({filters}, 3) on {batch}x{size}x{size}x{channels} "
                     f"forward+backward", ours * 1e3, "ms",
                     f"{ours / floor:.2f}x numpy im2col matmul floor "
                     f"({flops / ours / 1e9:.1f} GFLOP/s)"))
    return rows
