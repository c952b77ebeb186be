"""Reductions over axes: sum, mean, max, min, logsumexp, var, std, argmax, argmin."""

import builtins

import numpy as np

from .. import config
from ..tensor import Function, Tensor, as_tensor
from .math import sqrt


def normalize_axis(axis, ndim, op):
    """`axis` as a sorted tuple of non-negative axes (None means all), checked against ndim."""
    if axis is None:
        return tuple(range(ndim))
    axes = tuple(axis) if isinstance(axis, (tuple, list)) else (axis,)
    result = []
    for a in axes:
        if not isinstance(a, (int, np.integer)) or isinstance(a, bool):
            raise TypeError(f"{op}: axis must be an int or a tuple of ints, received {axis!r}.")
        if not -ndim <= a < builtins.max(ndim, 1):
            raise ValueError(
                f"{op}: axis {a} is out of range for an input with {ndim} dimensions "
                f"(valid axes are {-ndim} to {ndim - 1})."
            )
        result.append(int(a) % builtins.max(ndim, 1))
    if len(set(result)) != len(result):
        raise ValueError(f"{op}: axis {axis!r} names the same axis twice.")
    return tuple(sorted(result))


def _restore(gy, x_shape, axes, keepdims):
    """The output gradient reshaped so it broadcasts against the reduced input."""
    if not keepdims:
        shape = list(x_shape)
        for a in axes:
            shape[a] = 1
        gy = gy.reshape(shape)
    return gy


class Sum(Function):
    def __init__(self, axes, keepdims):
        self.axes, self.keepdims = axes, keepdims

    def forward(self, x):
        return x.sum(axis=self.axes, keepdims=self.keepdims)

    def backward(self, gy):
        x = self.inputs[0].data
        return np.broadcast_to(_restore(gy, x.shape, self.axes, self.keepdims), x.shape)


class Mean(Function):
    def __init__(self, axes, keepdims):
        self.axes, self.keepdims = axes, keepdims

    def forward(self, x):
        dtype = None if x.dtype.kind == "f" else config.floatx()  # integers: floatx, not float64
        return np.mean(x, axis=self.axes, keepdims=self.keepdims, dtype=dtype)

    def backward(self, gy):
        x = self.inputs[0].data
        count = int(np.prod([x.shape[a] for a in self.axes]))
        scale = x.dtype.type(1.0 / builtins.max(count, 1))
        return np.broadcast_to(_restore(gy * scale, x.shape, self.axes, self.keepdims), x.shape)


class Extremum(Function):
    """max or min over axes; tied extreme values share the gradient equally."""

    def __init__(self, reducer, axes, keepdims):
        self.reducer, self.axes, self.keepdims = reducer, axes, keepdims

    def forward(self, x):
        self.out = self.reducer(x, axis=self.axes, keepdims=True)
        return self.out if self.keepdims else np.squeeze(self.out, axis=self.axes)

    def backward(self, gy):
        x = self.inputs[0].data
        hit = x == self.out
        share = hit / hit.sum(axis=self.axes, keepdims=True).astype(x.dtype)
        return share * _restore(gy, x.shape, self.axes, self.keepdims)


class LogSumExp(Function):
    def __init__(self, axes, keepdims):
        self.axes, self.keepdims = axes, keepdims

    def forward(self, x):
        if x.dtype.kind != "f":
            x = x.astype(config.floatx())  # integers: floatx, not float64
        peak = x.max(axis=self.axes, keepdims=True)
        peak = np.where(np.isfinite(peak), peak, 0).astype(x.dtype, copy=False)
        with np.errstate(divide="ignore"):  # all -inf (fully masked): log(0) = -inf is right
            out = np.log(np.sum(np.exp(x - peak), axis=self.axes, keepdims=True)) + peak
        self.out = out
        return out if self.keepdims else np.squeeze(out, axis=self.axes)

    def backward(self, gy):
        x = self.inputs[0].data
        return np.exp(x - self.out) * _restore(gy, x.shape, self.axes, self.keepdims)


def _reduce(function, x, axis, keepdims, op):
    x = as_tensor(x)
    return function(normalize_axis(axis, x.ndim, op), bool(keepdims))(x)


def sum(x, axis=None, keepdims=False):  # noqa: A001 - keras.ops name
    """Sum of elements over `axis` (an int, a tuple, or None for all)."""
    return _reduce(Sum, x, axis, keepdims, "sum")


def mean(x, axis=None, keepdims=False):
    """Arithmetic mean over `axis`."""
    return _reduce(Mean, x, axis, keepdims, "mean")


def max(x, axis=None, keepdims=False):  # noqa: A001 - keras.ops name
    """Maximum over `axis`; ties share the gradient."""
    x = as_tensor(x)
    return Extremum(np.max, normalize_axis(axis, x.ndim, "max"), bool(keepdims))(x)


def min(x, axis=None, keepdims=False):  # noqa: A001 - keras.ops name
    """Minimum over `axis`; ties share the gradient."""
    x = as_tensor(x)
    return Extremum(np.min, normalize_axis(axis, x.ndim, "min"), bool(keepdims))(x)


def logsumexp(x, axis=None, keepdims=False):
    """log(sum(exp(x))) over `axis`, computed without overflow."""
    return _reduce(LogSumExp, x, axis, keepdims, "logsumexp")


def _variance(x, axis, keepdims, op):
    x = as_tensor(x)
    axes = normalize_axis(axis, x.ndim, op)  # checked here, so errors name var or std
    centered = x - mean(x, axis=axes, keepdims=True)
    return mean(centered * centered, axis=axes, keepdims=keepdims)


def var(x, axis=None, keepdims=False):
    """Population variance (divides by N, as Keras does) over `axis`."""
    return _variance(x, axis, keepdims, "var")


def std(x, axis=None, keepdims=False):
    """Population standard deviation over `axis`."""
    return sqrt(_variance(x, axis, keepdims, "std"))


def _arg(reducer, x, axis, keepdims, op):
    x = as_tensor(x)
    if axis is not None:
        axis = normalize_axis(axis, x.ndim, op)
        if len(axis) != 1:
            raise ValueError(f"{op}: axis must be a single int or None, received {axis!r}.")
        axis = axis[0]
    return Tensor(reducer(x.data, axis=axis, keepdims=bool(keepdims)))


def argmax(x, axis=None, keepdims=False):
    """Index of the largest value along `axis` (of the flattened input for None); no gradient."""
    return _arg(np.argmax, x, axis, keepdims, "argmax")


def argmin(x, axis=None, keepdims=False):
    """Index of the smallest value along `axis`; no gradient."""
    return _arg(np.argmin, x, axis, keepdims, "argmin")
