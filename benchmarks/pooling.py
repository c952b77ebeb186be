"""MaxPooling2D(2), forward and forward+backward, against a numpy floor.

The shapes are the two poolings of the mnist_cnn benchmark: 128x26x26x32 (the windows tile the
image exactly) and 128x11x11x64 (the last row and column are left out). The input has ReLU's
zeros, so windows with tied maxima are common, as in training.

The floor is the least numpy work any implementation does: forward, an elementwise maximum of
the four strided views (one per window offset); backward, one comparison of every input with
its window's maximum and one product with the output gradient, ignoring ties (which the real
backward must resolve: the gradient goes to the first maximum of each window only).
"""

import numpy as np

from _timing import best_of
from minikeras.backend import Tensor
from minikeras.layers import MaxPooling2D

SHAPES = [(128, 26, 26, 32), (128, 11, 11, 64)]


def _numpy_floor(x, gy):
    out_rows, out_cols = gy.shape[1:3]
    tiled = x[:, :out_rows * 2, :out_cols * 2].reshape(
        x.shape[0], out_rows, 2, out_cols, 2, x.shape[-1])

    def forward():
        y = np.maximum(tiled[:, :, 0, :, 0], tiled[:, :, 0, :, 1])
        np.maximum(y, tiled[:, :, 1, :, 0], out=y)
        np.maximum(y, tiled[:, :, 1, :, 1], out=y)
        return y

    def forward_backward():
        y = forward()
        hit = tiled == y[:, :, None, :, None]
        return y, hit * gy[:, :, None, :, None]

    return forward, forward_backward


def run():
    rows = []
    rng = np.random.default_rng(0)
    for shape in SHAPES:
        x_np = np.maximum(rng.standard_normal(shape, dtype=np.float32), 0)
        layer = MaxPooling2D(2)
        gy = rng.standard_normal(layer(x_np).shape, dtype=np.float32)
        x = Tensor(x_np, requires_grad=True)

        def forward():
            layer(x_np)

        def forward_backward():
            x.grad = None
            layer(x).backward(gy)

        floor_forward, floor_both = _numpy_floor(x_np, gy)
        label = "x".join(map(str, shape))
        for what, ours, floor in (("forward", forward, floor_forward),
                                  ("forward+backward", forward_backward, floor_both)):
            seconds, floor_seconds = best_of(ours), best_of(floor)
            rows.append((f"MaxPooling2D(2) {label} {what}", seconds * 1e3, "ms",
                         f"{seconds / floor_seconds:.2f}x numpy floor"))
    return rows
