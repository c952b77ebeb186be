"""Max and average pooling over the spatial axes (1-D, 2-D or 3-D), forward and backward.

The ops work on channels_last arrays (batch, *spatial, channels); channels_first inputs are
transposed on the way in and out. Padding follows TensorFlow and Keras: 'same' pads so that
the output has ceil(length / stride) positions, the odd one after; max pooling never picks the
padding, and average pooling divides each window by the number of real (unpadded) elements in
it. Nothing loops over samples or pixels: the only Python loop runs over the offsets inside a
window (4 for 2x2), each step reading one strided view of the input. That is faster than
reducing over the axes of the sliding-window view (2 ms against 5 ms for a 2x2 max pool of
128x26x26x32 in float32), and the same loop puts gradients back.

The gradient of max pooling goes, in each window, to the FIRST element equal to the maximum in
row-major order, as TensorFlow (and so Keras) does: its kernel keeps an earlier maximum unless a
later one is strictly larger. Ties are common after a ReLU (a window of zeros). A window whose
maximum is NaN passes no gradient.
"""

import functools
import math

import numpy as np

from ..config import floatx, standardize_data_format
from ..tensor import Function, Tensor, as_tensor
from . import shape as shape_ops
from .windows import offset_windows, pad_spatial, same_padding, tiles

__all__ = ["max_pool", "average_pool"]


def _out_spatial(padded, pool_size, strides):
    return tuple((n - k) // s + 1 for n, k, s in zip(padded.shape[1:-1], pool_size, strides))


def _unpad(g, pads):
    """The part of a gradient of the padded input that belongs to the input itself."""
    if all(p == (0, 0) for p in pads):
        return g
    inner = tuple(slice(before, n - after) for n, (before, after) in zip(g.shape[1:-1], pads))
    return g[(slice(None),) + inner + (slice(None),)]


def _tile_index(offset):
    """Index of the (batch, n1, t1, n2, t2, ..., channels) tiles view at one tile offset."""
    return (slice(None),) + tuple(i for o in offset for i in (slice(None), o)) + (slice(None),)


def _per_tile(y):
    """y (batch, *out, channels) with a length-1 axis after each spatial axis, to broadcast
    against a tiles view."""
    return y[(slice(None),) + (slice(None), None) * (y.ndim - 2) + (slice(None),)]


class _Pool(Function):
    def __init__(self, pool_size, strides, pads):
        self.pool_size, self.strides, self.pads = pool_size, strides, pads
        # Windows that neither overlap nor leave gaps are tiles: a faster backward.
        self.tiled = strides == pool_size

    def _views(self, xp):
        out = _out_spatial(xp, self.pool_size, self.strides)
        return [xp[index] for _, index in offset_windows(self.pool_size, self.strides, out)]

    def _gradient_array(self, padded_shape, out):
        """An array for the gradient of the padded input, zero where no window writes. Tiles
        write every element they cover, so only the rows (columns, ...) past the last tile
        need zeros; overlapping or gapped windows add up into an array of zeros."""
        if not self.tiled:
            return np.zeros(padded_shape, self.dtype)
        g = np.empty(padded_shape, self.dtype)
        for axis, (o, k) in enumerate(zip(out, self.pool_size), start=1):
            g[(slice(None),) * axis + (slice(o * k, None),)] = 0
        return g


class MaxPool(_Pool):
    def forward(self, x):
        self.dtype = x.dtype
        xp = pad_spatial(x, self.pads, value=-np.inf)
        views = self._views(xp)
        y = views[0].copy() if len(views) == 1 else np.maximum(views[0], views[1])
        for view in views[2:]:
            np.maximum(y, view, out=y)
        self.padded, self.out = xp, y
        return y

    def backward(self, gy):
        xp, y = self.padded, self.out
        gxp = self._gradient_array(xp.shape, y.shape[1:-1])
        if self.tiled:
            # One comparison of every element with its window's maximum, a pass that keeps
            # only the first hit per window, and one product written straight into place.
            hit = tiles(xp, self.pool_size) == _per_tile(y)
            # Exactly one hit per window means no ties (a NaN window has none): skip the pass.
            if np.count_nonzero(hit) != y.size or np.isnan(y).any():
                offsets = list(np.ndindex(*self.pool_size))
                taken = hit[_tile_index(offsets[0])].copy()
                for offset in offsets[1:]:
                    h = hit[_tile_index(offset)]
                    np.greater(h, taken, out=h)  # a hit after none: h and not taken
                    if offset != offsets[-1]:
                        taken |= h
            np.multiply(hit, _per_tile(gy), out=tiles(gxp, self.pool_size, writeable=True))
        else:
            taken = None
            for _, index in offset_windows(self.pool_size, self.strides, y.shape[1:-1]):
                h = xp[index] == y
                if taken is None:
                    taken = h
                else:
                    np.greater(h, taken, out=h)
                    taken = taken | h
                target = gxp[index]
                target += gy * h  # on the view: `gxp[index] += ...` would copy it back again
        return _unpad(gxp, self.pads)


class AveragePool(_Pool):
    def forward(self, x):
        self.dtype = x.dtype
        xp = pad_spatial(x, self.pads)
        views = self._views(xp)
        y = views[0].copy() if len(views) == 1 else views[0] + views[1]
        for view in views[2:]:
            y += view
        self.count = self._count(x.shape[1:-1], y.shape[1:-1], x.dtype)
        y /= self.count
        return y

    def _count(self, spatial, out, dtype):
        """The number of real elements in each window: a number without padding, else an
        array (1, *out, 1), the product of one count per axis."""
        if all(p == (0, 0) for p in self.pads):
            return dtype.type(math.prod(self.pool_size))
        counts = []
        for n, k, s, m, (before, _) in zip(spatial, self.pool_size, self.strides, out,
                                           self.pads):
            start = np.arange(m) * s - before
            counts.append(np.minimum(start + k, n) - np.maximum(start, 0))
        count = functools.reduce(np.multiply.outer, counts)
        return count.reshape((1,) + tuple(out) + (1,)).astype(dtype)

    def backward(self, gy):
        g = gy / self.count
        padded_shape = (gy.shape[0],) + tuple(
            n + before + after for n, (before, after)
            in zip(self.inputs[0].data.shape[1:-1], self.pads)) + (gy.shape[-1],)
        gxp = self._gradient_array(padded_shape, gy.shape[1:-1])
        if self.tiled:
            tiles(gxp, self.pool_size, writeable=True)[...] = _per_tile(g)
        else:
            for _, index in offset_windows(self.pool_size, self.strides, gy.shape[1:-1]):
                target = gxp[index]
                target += g  # on the view: `gxp[index] += g` would copy it back again
        return _unpad(gxp, self.pads)


# -- argument checks -------------------------------------------------------------------------


def _int_tuple(value, n, name, op):
    values = (value,) * n if isinstance(value, (int, np.integer)) else value
    try:
        values = tuple(values)
    except TypeError:
        values = ()
    if len(values) != n or not all(isinstance(v, (int, np.integer)) and
                                   not isinstance(v, (bool, np.bool_)) for v in values):
        raise ValueError(f"{op}: `{name}` must be an int or a tuple of {n} ints for "
                         f"{n} spatial axes, received {name}={value!r}.")
    if any(v < 1 for v in values):
        raise ValueError(f"{op}: every value of `{name}` must be a positive integer, "
                         f"received {name}={value!r}.")
    return tuple(int(v) for v in values)


def standardize_pool_args(n, pool_size, strides, padding, op):
    """(pool_size, strides, padding) checked and as tuples of n ints; strides default to
    pool_size. Errors start with `op`, e.g. 'max_pool' or 'Layer "max_pooling2d"'."""
    pool_size = _int_tuple(pool_size, n, "pool_size", op)
    strides = pool_size if strides is None else _int_tuple(strides, n, "strides", op)
    value = str(padding).lower() if isinstance(padding, str) else padding
    if value not in ("valid", "same"):
        raise ValueError(f"{op}: `padding` must be 'valid' or 'same', received "
                         f"padding={padding!r}.")
    return pool_size, strides, value


def pooled_shape(input_shape, pool_size, strides, padding, data_format, op):
    """The output shape of a pooling of `input_shape` (None for unknown sizes), or a
    ValueError starting with `op` when a window does not fit into a 'valid' input."""
    shape = list(input_shape)
    first = 2 if data_format == "channels_first" else 1
    for axis, (k, s) in enumerate(zip(pool_size, strides)):
        n = shape[first + axis]
        if n is None:
            continue
        if padding == "valid" and n < k:
            raise ValueError(
                f"{op}: the pooling window (pool_size={tuple(pool_size)}) is larger than the "
                f"input along spatial axis {axis} ({n}) with padding='valid', so the output "
                f"would be empty; input shape {tuple(input_shape)}. Use a smaller pool_size, "
                f"padding='same', or a larger input."
            )
        shape[first + axis] = -(-n // s) if padding == "same" else (n - k) // s + 1
    return tuple(shape)


def _pool(kind, op, inputs, pool_size, strides, padding, data_format):
    x = as_tensor(inputs)
    if x.dtype.kind != "f":
        x = Tensor(x.data.astype(floatx()))  # integers have no -inf to pad with, nor means
    data_format = standardize_data_format(data_format, op)
    if x.ndim < 3:
        raise ValueError(f"{op}: the input must have a batch axis, at least one spatial axis "
                         f"and a channels axis, received shape {x.shape}.")
    n = x.ndim - 2
    pool_size, strides, padding = standardize_pool_args(n, pool_size, strides, padding, op)
    pooled_shape(x.shape, pool_size, strides, padding, data_format, op)
    if data_format == "channels_first":
        x = shape_ops.transpose(x, (0,) + tuple(range(2, x.ndim)) + (1,))
    spatial = x.shape[1:-1]
    pads = [same_padding(m, k, s) if padding == "same" else (0, 0)
            for m, k, s in zip(spatial, pool_size, strides)]
    y = kind(pool_size, strides, pads)(x)
    if data_format == "channels_first":
        y = shape_ops.transpose(y, (0, y.ndim - 1) + tuple(range(1, y.ndim - 1)))
    return y


def max_pool(inputs, pool_size, strides=None, padding="valid", data_format=None):
    """Max pooling over the spatial axes of `inputs` (1, 2 or more of them), as keras.ops.

    Args:
        inputs: (batch, *spatial, channels), or (batch, channels, *spatial) for channels_first.
        pool_size: the window size, an int or one int per spatial axis.
        strides: the window step (default: pool_size).
        padding: 'valid' (windows inside the input) or 'same' (ceil(length / stride) outputs;
            padding is never the maximum).
        data_format: 'channels_last' or 'channels_first' (default: image_data_format()).

    >>> max_pool(np.arange(4.0).reshape(1, 4, 1), 2).numpy().ravel()
    array([1., 3.])
    """
    return _pool(MaxPool, "max_pool", inputs, pool_size, strides, padding, data_format)


def average_pool(inputs, pool_size, strides=None, padding="valid", data_format=None):
    """Average pooling over the spatial axes of `inputs`, as keras.ops.

    With padding='same', each window is averaged over its real elements only (TensorFlow's and
    Keras's rule), so the edges are not pulled towards zero.

    Args:
        inputs: (batch, *spatial, channels), or (batch, channels, *spatial) for channels_first.
        pool_size: the window size, an int or one int per spatial axis.
        strides: the window step (default: pool_size).
        padding: 'valid' or 'same'.
        data_format: 'channels_last' or 'channels_first' (default: image_data_format()).

    >>> average_pool(np.arange(4.0).reshape(1, 4, 1), 2).numpy().ravel()
    array([0.5, 2.5])
    """
    return _pool(AveragePool, "average_pool", inputs, pool_size, strides, padding,
                 data_format)
