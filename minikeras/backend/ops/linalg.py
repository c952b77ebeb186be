"""Linear algebra: matmul (with batch dimensions), dot, tensordot, and the fused dense op."""

import numpy as np

from ..tensor import Function, as_tensor, sum_to


def _shape_error(op, a, b, detail):
    return ValueError(
        f"{op}: incompatible shapes {a.shape} and {b.shape}: {detail}."
    )


class Matmul(Function):
    def forward(self, a, b):
        return np.matmul(a, b)

    def backward(self, gy):
        a, b = self.inputs[0].data, self.inputs[1].data
        # Treat vectors as matrices (a row for a, a column for b), as matmul itself does.
        a2 = a[None, :] if a.ndim == 1 else a
        b2 = b[:, None] if b.ndim == 1 else b
        gy2 = gy
        if b.ndim == 1:  # first: for vector @ vector, gy is 0-d and has no axis -2 yet
            gy2 = np.expand_dims(gy2, -1)
        if a.ndim == 1:
            gy2 = np.expand_dims(gy2, -2)
        ga = gb = None
        if self.needs_grad[0]:
            ga = sum_to(np.matmul(gy2, np.swapaxes(b2, -1, -2)), a2.shape).reshape(a.shape)
        if self.needs_grad[1]:
            gb = sum_to(np.matmul(np.swapaxes(a2, -1, -2), gy2), b2.shape).reshape(b.shape)
        return ga, gb


class Tensordot(Function):
    def __init__(self, axes_a, axes_b):
        self.axes_a, self.axes_b = axes_a, axes_b

    def forward(self, a, b):
        return np.tensordot(a, b, axes=(self.axes_a, self.axes_b))

    def backward(self, gy):
        a, b = self.inputs[0].data, self.inputs[1].data
        free_a = [i for i in range(a.ndim) if i not in self.axes_a]
        free_b = [i for i in range(b.ndim) if i not in self.axes_b]
        gy_a = list(range(len(free_a)))            # axes of gy that came from a
        gy_b = list(range(len(free_a), gy.ndim))   # axes of gy that came from b
        ga = gb = None
        # tensordot keeps the uncontracted axes in their original order; `pair` maps each
        # contracted axis of one input to its partner in the other.
        pair_a = dict(zip(self.axes_b, self.axes_a))
        pair_b = dict(zip(self.axes_a, self.axes_b))
        if self.needs_grad[0]:
            g = np.tensordot(gy, b, axes=(gy_b, free_b))
            ga = np.transpose(g, np.argsort(free_a + [pair_a[j] for j in sorted(self.axes_b)]))
        if self.needs_grad[1]:
            g = np.tensordot(a, gy, axes=(free_a, gy_a))
            gb = np.transpose(g, np.argsort([pair_b[i] for i in sorted(self.axes_a)] + free_b))
        return ga, gb


class Dense(Function):
    """y = activation(x @ kernel + bias) over the last axis of x: one matrix product each way.

    `activation` may be None, 'relu' or 'tanh': these are applied in place on the product and
    differentiated from the output, which saves a separate op and a full-size temporary per
    layer. (Output activations such as softmax and sigmoid stay separate ops, so a following
    crossentropy can use their logits.)
    """

    def __init__(self, activation=None):
        self.activation = activation

    def forward(self, x, kernel, bias=None):
        y = x @ kernel
        if bias is not None:
            y += bias
        if self.activation == "relu":
            np.maximum(y, y.dtype.type(0), out=y)
        elif self.activation == "tanh":
            np.tanh(y, out=y)
        if self.activation is not None:
            self.out = y
        return y

    def backward(self, gy):
        x, kernel = self.inputs[0].data, self.inputs[1].data
        if self.activation == "relu":
            gy = gy * (self.out > 0)
        elif self.activation == "tanh":
            gy = gy * (self.out.dtype.type(1) - self.out * self.out)
        needs = self.needs_grad
        gy2 = gy.reshape(-1, gy.shape[-1])
        gx = (gy @ kernel.T) if needs[0] else None
        gk = (x.reshape(-1, x.shape[-1]).T @ gy2) if needs[1] else None
        if len(needs) == 3:
            return gx, gk, (gy2.sum(axis=0) if needs[2] else None)
        return gx, gk


FUSED_ACTIVATIONS = (None, "relu", "tanh")


def matmul(a, b):
    """Matrix product with numpy's rules: vectors, matrices, and broadcast batch dimensions."""
    a, b = as_tensor(a), as_tensor(b)
    if a.ndim == 0 or b.ndim == 0:
        raise ValueError(
            f"matmul: inputs must have at least one dimension, received shapes {a.shape} and "
            f"{b.shape}. Use multiply for a product with a scalar."
        )
    inner_a = a.shape[-1]
    inner_b = b.shape[0] if b.ndim == 1 else b.shape[-2]
    if inner_a != inner_b:
        raise _shape_error("matmul", a, b, f"the last axis of the first ({inner_a}) must match "
                           f"the {'only' if b.ndim == 1 else 'second-to-last'} axis of the "
                           f"second ({inner_b})")
    try:
        np.broadcast_shapes(a.shape[:-2], b.shape[:-2])
    except ValueError:
        raise _shape_error("matmul", a, b, "their batch dimensions do not broadcast") from None
    return Matmul()(a, b)


def _contracted_axes(axes, ndim):
    """`axes` as non-negative ints, or None when one is out of range or named twice."""
    if any(not -ndim <= int(i) < ndim for i in axes):
        return None  # not wrapped around: numpy raises for these too
    axes = [int(i) % ndim for i in axes]
    return axes if len(set(axes)) == len(axes) else None


def tensordot(a, b, axes=2):
    """Sum of products over the given axes: `axes` is an int (the last N of a with the first N
    of b) or a pair of axis lists."""
    a, b = as_tensor(a), as_tensor(b)
    if isinstance(axes, (int, np.integer)):
        axes_a = list(range(a.ndim - axes, a.ndim))
        axes_b = list(range(axes))
    else:
        axes_a, axes_b = axes
        axes_a = [axes_a] if isinstance(axes_a, (int, np.integer)) else list(axes_a)
        axes_b = [axes_b] if isinstance(axes_b, (int, np.integer)) else list(axes_b)
    given_a, given_b = axes_a, axes_b
    axes_a, axes_b = _contracted_axes(axes_a, a.ndim), _contracted_axes(axes_b, b.ndim)
    if axes_a is None or axes_b is None:
        raise _shape_error("tensordot", a, b, f"axes {given_a} of the first and {given_b} of "
                           f"the second must be distinct axes within range")
    if len(axes_a) != len(axes_b) or any(a.shape[i] != b.shape[j]
                                         for i, j in zip(axes_a, axes_b)):
        raise _shape_error("tensordot", a, b, f"axes {axes_a} of the first and {axes_b} of "
                           f"the second must have equal lengths")
    return Tensordot(tuple(axes_a), tuple(axes_b))(a, b)


def dot(a, b):
    """numpy's dot: a product of scalars, vectors, matrices, or the last axis of a with the
    second-to-last of b."""
    a, b = as_tensor(a), as_tensor(b)
    if a.ndim == 0 or b.ndim == 0:
        return a * b
    if a.ndim <= 2 and b.ndim <= 2:
        return matmul(a, b)
    return tensordot(a, b, axes=([a.ndim - 1], [0 if b.ndim == 1 else b.ndim - 2]))


def dense(x, kernel, bias=None, activation=None):
    """activation(x @ kernel + bias), the fused core of the Dense layer; x may have leading
    batch axes. `activation` is None, 'relu' or 'tanh'."""
    x, kernel = as_tensor(x), as_tensor(kernel)
    if kernel.ndim != 2 or x.ndim < 1 or x.shape[-1] != kernel.shape[0]:
        raise _shape_error("dense", x, kernel, "the last axis of the input must match the "
                           "first axis of a 2-D kernel")
    if activation not in FUSED_ACTIVATIONS:
        raise ValueError(f"dense: activation must be one of {FUSED_ACTIVATIONS}, received "
                         f"{activation!r}; apply other activations as separate ops.")
    if bias is None:
        return Dense(activation)(x, kernel)
    bias = as_tensor(bias)
    if bias.shape != (kernel.shape[1],):
        raise ValueError(
            f"dense: the bias must have shape ({kernel.shape[1]},) to match the kernel's "
            f"{kernel.shape[1]} units, received shape {bias.shape}."
        )
    return Dense(activation)(x, kernel, bias)
