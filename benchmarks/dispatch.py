"""Per-op overhead: one small elementwise op, against numpy doing the same on bare arrays."""

import numpy as np

from _timing import best_of
from minikeras import ops
from minikeras.backend import Tensor, no_grad


def run():
    a = np.ones(4, dtype=np.float32)
    b = np.full(4, 2.0, dtype=np.float32)
    x, w = Tensor(a), Tensor(b, requires_grad=True)
    raw = best_of(lambda: np.add(a, b))
    taped = best_of(lambda: ops.add(x, w))

    def untaped():
        with no_grad():
            ops.add(x, w)

    plain = best_of(untaped)

    def step():
        y = ops.add(x, w)
        y.backward(b)
        w.grad = None

    round_trip = best_of(step)
    return [
        ("add of two (4,) tensors, recording the tape", taped * 1e6, "us",
         f"numpy alone: {raw * 1e6:.2f} us"),
        ("the same inside no_grad()", plain * 1e6, "us", "includes entering no_grad"),
        ("add forward + backward", round_trip * 1e6, "us", "one op, seed gradient given"),
    ]
