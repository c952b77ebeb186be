"""Sliding windows over spatial axes, shared by convolution and pooling (channels_last).

The numpy-only tools live here (stride tricks for the windows; strided slices for putting
gradients back), so the ops above stay plain array arithmetic. Nothing loops over samples or
pixels: the only Python loop runs over the kernel's offsets (9 for a 3x3 kernel).
"""

import math

import numpy as np


def output_length(length, kernel, stride, dilation=1, padding="valid"):
    """Keras's output size of one spatial axis ('valid', 'same' or 'full'; None if unknown)."""
    if length is None:
        return None
    span = (kernel - 1) * dilation + 1
    if padding == "same":
        return math.ceil(length / stride)
    if padding == "full":
        return (length + span - 2) // stride + 1
    return max((length - span) // stride + 1, 0)


def same_padding(length, kernel, stride, dilation=1):
    """(before, after) padding of one axis for 'same', as TensorFlow and Keras pad: the extra
    one goes after."""
    span = (kernel - 1) * dilation + 1
    total = max((math.ceil(length / stride) - 1) * stride + span - length, 0)
    return total // 2, total - total // 2


def pad_spatial(x, pads, value=0):
    """x of shape (batch, *spatial, channels) padded by one (before, after) pair per spatial
    axis."""
    if all(p == (0, 0) for p in pads):
        return x
    return np.pad(x, [(0, 0)] + [tuple(p) for p in pads] + [(0, 0)],
                  constant_values=x.dtype.type(value))


def windows(x, kernel_size, strides, dilation=None):
    """A read-only view of every window: shape (batch, *out_spatial, channels, *kernel_size).

    `x` has shape (batch, *spatial, channels) and is already padded.
    """
    n = len(kernel_size)
    dilation = dilation or (1,) * n
    spans = [(k - 1) * d + 1 for k, d in zip(kernel_size, dilation)]
    view = np.lib.stride_tricks.sliding_window_view(x, spans, axis=tuple(range(1, n + 1)))
    # Keep every stride-th window position and every dilation-th element of each window.
    index = (slice(None),) + tuple(slice(None, None, s) for s in strides) + (slice(None),) + \
        tuple(slice(None, None, d) for d in dilation)
    return view[index]


def add_windows(grad, padded_shape, kernel_size, strides, dilation=None):
    """The transpose of `windows`: sum window gradients of shape
    (batch, *out_spatial, channels, *kernel_size) back into an array of `padded_shape`."""
    n = len(kernel_size)
    dilation = dilation or (1,) * n
    out = np.zeros(padded_shape, dtype=grad.dtype)
    out_spatial = grad.shape[1:1 + n]
    for offset in np.ndindex(*kernel_size):
        target = (slice(None),) + tuple(
            slice(o * d, o * d + s * (m - 1) + 1, s)
            for o, d, s, m in zip(offset, dilation, strides, out_spatial)) + (slice(None),)
        out[target] += grad[(Ellipsis,) + offset]
    return out
