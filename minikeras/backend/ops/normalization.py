"""Normalization ops: the fused `normalize_by_moments` behind BatchNormalization (training
mode), LayerNormalization and GroupNormalization, and Keras's `moments` and
`batch_normalization`.

`normalize_by_moments` computes the statistics, the normalized values and the affine transform
in one op with the classic hand-written backward, instead of a dozen small ops on the tape: each of
those would keep a full-size temporary alive until the backward pass.
"""

import numpy as np

from ..tensor import Function, as_tensor, sum_to
from .math import sqrt
from .reduction import mean as reduce_mean, normalize_axis, var
from .shape import reshape


class Normalize(Function):
    """y = (x - mean) / sqrt(var + epsilon) * gamma + beta, with mean and var over `axes` of x.

    Outputs y, mean and var (the last two keep the reduced axes as length 1). gamma and beta
    (either may be absent) are reshaped to `param_shape`, which broadcasts against x.
    """

    def __init__(self, axes, epsilon, param_shape, has_gamma, has_beta):
        self.axes, self.epsilon, self.param_shape = axes, epsilon, param_shape
        self.has_gamma, self.has_beta = has_gamma, has_beta

    def _params(self, params):
        params = list(params)
        gamma = params.pop(0).reshape(self.param_shape) if self.has_gamma else None
        beta = params.pop(0).reshape(self.param_shape) if self.has_beta else None
        return gamma, beta

    def forward(self, x, *params):
        gamma, beta = self._params(params)
        mean = x.mean(axis=self.axes, keepdims=True)
        xhat = x - mean
        # Two passes (the variance of the centred values), as np.var: stable for large means.
        variance = np.square(xhat).mean(axis=self.axes, keepdims=True)
        inv = x.dtype.type(1) / np.sqrt(variance + x.dtype.type(self.epsilon))
        xhat *= inv
        self.xhat, self.inv = xhat, inv
        y = xhat
        if gamma is not None:
            y = xhat * gamma
        if beta is not None:
            y = y + beta if y is xhat else np.add(y, beta, out=y)
        return y, mean, variance

    def backward(self, gy, gmean, gvar):
        x = self.inputs[0].data
        gamma, _ = self._params(p.data for p in self.inputs[1:])
        xhat, inv, axes, shape = self.xhat, self.inv, self.axes, self.param_shape
        count = x.dtype.type(x.size // inv.size)  # values per statistic
        needs = self.needs_grad
        gx = ggamma = gbeta = None
        if gy is not None:
            gy_xhat = gy * xhat
            if _constant_over(shape, axes):
                # One gamma and beta per statistic (BatchNormalization): the parameter
                # gradients are the sums the input gradient needs too, and gamma factors out.
                gy_sum = gy.sum(axis=axes, keepdims=True)
                gy_xhat_sum = gy_xhat.sum(axis=axes, keepdims=True)
                ggamma = sum_to(gy_xhat_sum, shape)
                gbeta = sum_to(gy_sum, shape)
                if needs[0]:
                    gx = xhat * (gy_xhat_sum / count)
                    np.subtract(gy, gx, out=gx)
                    gx -= gy_sum / count
                    gx *= inv if gamma is None else inv * gamma
            else:
                ggamma = sum_to(gy_xhat, shape)
                gbeta = sum_to(gy, shape)
                if needs[0]:
                    g = gy if gamma is None else gy * gamma  # the gradient of xhat
                    gx = xhat * (g * xhat).mean(axis=axes, keepdims=True)
                    np.subtract(g, gx, out=gx)
                    gx -= g.mean(axis=axes, keepdims=True)
                    gx *= inv
        if needs[0] and (gmean is not None or gvar is not None):
            extra = 0
            if gmean is not None:
                extra = gmean / count
            if gvar is not None:  # d var / dx = 2 (x - mean) / count
                extra = extra + xhat * (gvar * x.dtype.type(2) / (inv * count))
            gx = np.broadcast_to(extra, x.shape) if gx is None else gx + extra
        grads = [gx]
        if self.has_gamma:
            grads.append(None if gy is None else ggamma.reshape(self.inputs[1].shape))
        if self.has_beta:
            grads.append(None if gy is None else gbeta.reshape(self.inputs[-1].shape))
        return tuple(grads)


def _constant_over(shape, axes):
    """Whether parameters of broadcast shape `shape` are constant along all of `axes`."""
    return all(shape[a] == 1 for a in axes)


def normalize_by_moments(x, axes, gamma=None, beta=None, epsilon=1e-3, param_shape=None):
    """Normalize x by its mean and variance over `axes`, then scale by gamma and add beta.

    The fused op of the normalization layers: `(x - mean) / sqrt(var + epsilon) * gamma +
    beta`, where mean and the (biased) var are taken over `axes`. gamma and beta are reshaped
    to `param_shape` (default: their own shape) before broadcasting against x.

    Args:
        x: the input tensor.
        axes: the axis or axes to take the statistics over.
        gamma, beta: optional scale and offset tensors (None to leave out).
        epsilon: added to the variance before the square root.
        param_shape: the shape gamma and beta broadcast from, e.g. (1, 1, 1, C) for the
            channels of (N, H, W, C) images.

    Returns:
        (outputs, mean, variance), the statistics with the reduced axes kept as length 1.

    >>> y, mean, variance = normalize_by_moments(np.ones((4, 3), dtype="float32"), axes=0)
    """
    x = as_tensor(x)
    if x.dtype.kind != "f":
        raise TypeError(f"normalize_by_moments: expected a floating-point input, received "
                        f"dtype {x.dtype}. Cast it first, e.g. ops.cast(x, 'float32').")
    axes = normalize_axis(axes, x.ndim, "normalize_by_moments")
    params = [as_tensor(p) for p in (gamma, beta) if p is not None]
    if param_shape is None:
        param_shape = params[0].shape if params else (1,) * x.ndim
    param_shape = (1,) * (x.ndim - len(param_shape)) + tuple(param_shape)
    for name, p in zip(("gamma", "beta"), params):
        try:
            p.data.reshape(param_shape)
            np.broadcast_shapes(param_shape, x.shape)
        except ValueError:
            raise ValueError(
                f"normalize_by_moments: {name} of shape {p.shape} does not fit inputs of "
                f"shape {x.shape} through the parameter shape {param_shape}."
            ) from None
    op = Normalize(axes, float(epsilon), param_shape, gamma is not None, beta is not None)
    return op(x, *params)


def moments(x, axes, keepdims=False):
    """The mean and the (biased) variance of x over `axes`, as Keras's ops.moments.

    >>> mean, variance = moments(np.array([0, 1, 2, 3, 100], dtype="float32"), axes=[0])
    """
    return reduce_mean(x, axis=axes, keepdims=keepdims), var(x, axis=axes, keepdims=keepdims)


def batch_normalization(x, mean, variance, axis, offset=None, scale=None, epsilon=1e-3):
    """Normalize x with given statistics, as Keras's ops.batch_normalization.

    Computes `x * inv + (offset - mean * inv)` with `inv = scale / sqrt(variance + epsilon)`;
    mean, variance, offset and scale hold one value per index of the `axis` axis (or axes,
    in order), and broadcast over the others.

    Args:
        x: the input tensor.
        mean, variance: the statistics to normalize with.
        axis: the axis (or list of axes) the statistics run along, e.g. -1 for channels.
        offset, scale: optional beta and gamma.
        epsilon: added to the variance before the square root.

    >>> y = batch_normalization(x, mean, variance, axis=-1)
    """
    x = as_tensor(x)
    axes = axis if isinstance(axis, (list, tuple)) else [axis]
    kept = [a % x.ndim if -x.ndim <= a < x.ndim else None for a in axes]
    if None in kept:
        raise ValueError(f"batch_normalization: axis {axis!r} is out of range for an input of "
                         f"shape {x.shape}.")
    shape = [1] * x.ndim
    for a in kept:
        shape[a] = x.shape[a]
    shape = tuple(shape)

    def fit(name, value):
        value = as_tensor(value)
        if value.size != int(np.prod(shape)):
            raise ValueError(
                f"batch_normalization: {name} of shape {value.shape} does not match the "
                f"{int(np.prod(shape))} values along axis {axis!r} of an input of shape "
                f"{x.shape}."
            )
        return reshape(value, shape)

    inv = x.dtype.type(1) / sqrt(fit("variance", variance) + x.dtype.type(epsilon))
    if scale is not None:
        inv = inv * fit("scale", scale)
    shift = -fit("mean", mean) * inv
    if offset is not None:
        shift = shift + fit("offset", offset)
    return x * inv + shift
