"""All backend ops, and the Python operators (+ - * / @ ** [] ...) of Tensor that use them."""

from ..tensor import Tensor
from .conv import conv, conv_transpose, depthwise_conv, separable_conv
from .linalg import dense, dot, matmul, tensordot
from .math import (abs, absolute, add, cast, clip, divide, equal, exp, greater, greater_equal,
                   less, less_equal, log, log1p, logical_and, logical_not, logical_or,
                   logical_xor, maximum, minimum, multiply, negative, not_equal, power, sign,
                   sqrt, square, stop_gradient, subtract, where)
from .nn import (binary_crossentropy, categorical_crossentropy, dropout, elu, exponential, gelu,
                 hard_sigmoid, hard_silu, hard_swish, leaky_relu, log_softmax, mish, one_hot,
                 relu, relu6, selu, sigmoid, silu, softmax, softplus, softsign,
                 sparse_categorical_crossentropy, swish, tanh)
from .normalization import batch_normalization, moments, normalize_by_moments
from .pooling import average_pool, max_pool
from .reduction import argmax, argmin, logsumexp, max, mean, min, std, sum, var
from .shape import (broadcast_to, concatenate, expand_dims, getitem, pad, repeat, reshape,
                    split, squeeze, stack, take, tile, transpose)


def _array_method(reduce):
    """A reduction as a Tensor method that also serves numpy's np.sum(t), np.mean(t), np.max(t)
    and np.min(t), which call the method with numpy's keywords."""
    def method(self, axis=None, dtype=None, out=None, keepdims=False, **unsupported):
        if out is not None or unsupported:
            given = (["out"] if out is not None else []) + sorted(unsupported)
            raise TypeError(
                f"Tensor.{reduce.__name__}: the argument(s) {', '.join(given)} are not "
                f"supported on a Tensor. Use np.{reduce.__name__}(np.asarray(t), ...) to get a "
                f"numpy array with every numpy option."
            )
        # With `dtype`, numpy accumulates in that type: so does this.
        return reduce(self if dtype is None else cast(self, dtype), axis=axis, keepdims=keepdims)

    method.__name__ = reduce.__name__
    method.__doc__ = reduce.__doc__
    return method


def _install_operators():
    def swapped(op):
        return lambda self, other: op(other, self)

    Tensor.__add__ = add
    Tensor.__radd__ = swapped(add)
    Tensor.__sub__ = subtract
    Tensor.__rsub__ = swapped(subtract)
    Tensor.__mul__ = multiply
    Tensor.__rmul__ = swapped(multiply)
    Tensor.__truediv__ = divide
    Tensor.__rtruediv__ = swapped(divide)
    Tensor.__matmul__ = matmul
    Tensor.__rmatmul__ = swapped(matmul)
    Tensor.__pow__ = power
    Tensor.__rpow__ = swapped(power)
    Tensor.__neg__ = negative
    Tensor.__pos__ = lambda self: self
    Tensor.__abs__ = abs
    Tensor.__getitem__ = getitem
    Tensor.__eq__ = equal
    Tensor.__ne__ = not_equal
    Tensor.__lt__ = less
    Tensor.__le__ = less_equal
    Tensor.__gt__ = greater
    Tensor.__ge__ = greater_equal
    # Array-style methods, for code written against numpy or keras tensors.
    Tensor.sum = _array_method(sum)
    Tensor.mean = _array_method(mean)
    Tensor.max = _array_method(max)
    Tensor.min = _array_method(min)
    Tensor.reshape = lambda self, *shape: reshape(
        self, shape[0] if len(shape) == 1 and not isinstance(shape[0], int) else shape)
    Tensor.transpose = lambda self, *axes: transpose(
        self, (axes[0] if len(axes) == 1 and not isinstance(axes[0], int) else axes) or None)
    Tensor.T = property(lambda self: transpose(self))
    Tensor.astype = cast


_install_operators()
