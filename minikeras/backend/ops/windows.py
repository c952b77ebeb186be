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
    out = np.zeros(padded_shape, dtype=grad.dtype)
    out_spatial = grad.shape[1:1 + len(kernel_size)]
    for offset, target in offset_windows(kernel_size, strides, out_spatial, dilation):
        out[target] += grad[(Ellipsis,) + offset]
    return out


def offset_windows(kernel_size, strides, out_spatial, dilation=None):
    """For each kernel offset, in row-major order: (offset, index), where `index` picks from a
    padded (batch, *spatial, channels) array the element at that offset of every window, as a
    (batch, *out_spatial, channels) view (basic slices only, so reading it copies nothing)."""
    n = len(kernel_size)
    dilation = dilation or (1,) * n
    for offset in np.ndindex(*kernel_size):
        yield offset, (slice(None),) + tuple(
            slice(o * d, o * d + s * (m - 1) + 1, s)
            for o, d, s, m in zip(offset, dilation, strides, out_spatial)) + (slice(None),)


def tiles(x, tile_size, writeable=False):
    """A view of x (batch, *spatial, channels) cut into non-overlapping tiles: shape
    (batch, n1, t1, n2, t2, ..., channels) with n = spatial // t. The rows and columns past the
    last whole tile are left out. Like a reshape, but it never copies, even when some are left
    out; `writeable` only for an array that nothing else shares (the view writes through)."""
    tile_size = tuple(tile_size)
    spatial = x.shape[1:-1]
    shape, strides = [x.shape[0]], [x.strides[0]]
    for length, t, stride in zip(spatial, tile_size, x.strides[1:-1]):
        shape += [length // t, t]
        strides += [stride * t, stride]
    shape.append(x.shape[-1])
    strides.append(x.strides[-1])
    return np.lib.stride_tricks.as_strided(x, shape, strides, writeable=writeable)


def add_windows_by_offset(grad, padded_shape, strides, dilation=None):
    """Like `add_windows`, for window gradients laid out kernel offset first: `grad` of shape
    (*kernel_size, batch, *out_spatial, channels) is summed back into an array of
    `padded_shape`.

    Each offset's block is contiguous and lands on a slice whose rows are contiguous too (for
    stride 1), so the additions run in long inner loops: several times faster than gathering
    the offsets from the windows' own axes when there are many channels.
    """
    n = len(strides)
    kernel_size, out_spatial = grad.shape[:n], grad.shape[n + 1:2 * n + 1]
    out = np.zeros(padded_shape, dtype=grad.dtype)
    for offset, index in offset_windows(kernel_size, strides, out_spatial, dilation):
        target = out[index]
        np.add(target, grad[offset], out=target)  # in place: `+=` on a slice copies it back
    return out
