"""Tensor functions under the names `keras.ops` gives them.

A custom layer written against `keras.ops` runs here after changing its import to
`from minikeras import ops`. Every function accepts tensors, numpy arrays and Python numbers,
and returns a Tensor; differentiable functions record the tape when gradients are on.

>>> from minikeras import ops
>>> ops.softmax(ops.convert_to_tensor([1.0, 2.0, 3.0]))
"""

import numpy as np

from .backend import config
from .backend.ops import (abs, absolute, add, argmax, argmin, binary_crossentropy, broadcast_to,
                          cast, categorical_crossentropy, clip, concatenate, dense, divide, dot,
                          elu, equal, exp, expand_dims, exponential, gelu, greater,
                          greater_equal, hard_sigmoid, hard_silu, hard_swish, leaky_relu, less,
                          less_equal, log, log1p, log_softmax, logical_and, logical_not,
                          logical_or, logical_xor, logsumexp, matmul, max, maximum, mean, min,
                          minimum, mish, multiply, negative, not_equal, one_hot, pad, power,
                          relu, relu6, repeat, reshape, selu, sigmoid, sign, silu, softmax,
                          softplus, softsign, sparse_categorical_crossentropy, split, sqrt,
                          square, squeeze, stack, std, stop_gradient, subtract, sum, swish, take,
                          tanh, tensordot, tile, transpose, var, where)
from .backend.ops.normalization import batch_normalization, moments
from .backend.ops.pooling import average_pool, max_pool
from .backend.ops import conv, conv_transpose, depthwise_conv, separable_conv
from .backend.tensor import Tensor, as_tensor, to_array

true_divide = divide
amax = max
amin = min
concat = concatenate


def convert_to_tensor(x, dtype=None):
    """A Tensor holding `x`: Python floats become floatx(), numpy arrays keep their dtype."""
    return as_tensor(x, dtype=None if dtype is None else np.dtype(dtype))


def convert_to_numpy(x):
    """The value of `x` as a numpy array."""
    return to_array(x, where="convert_to_numpy")


def is_tensor(x):
    """Whether `x` is a minikeras Tensor (or Variable)."""
    return isinstance(x, Tensor)


def shape(x):
    """The shape of `x` as a tuple of ints."""
    return tuple(to_array(x, where="shape").shape)


def ndim(x):
    """The number of dimensions of `x`."""
    return to_array(x, where="ndim").ndim


def size(x):
    """The number of elements in `x`."""
    return to_array(x, where="size").size


def dtype(x):
    """The dtype name of `x`, e.g. 'float32'."""
    return str(to_array(x, where="dtype").dtype)


def _dtype(dtype):
    return np.dtype(config.floatx() if dtype is None else dtype)


def zeros(shape, dtype=None):
    """A tensor of zeros (floatx by default)."""
    return Tensor(np.zeros(shape, dtype=_dtype(dtype)))


def ones(shape, dtype=None):
    """A tensor of ones (floatx by default)."""
    return Tensor(np.ones(shape, dtype=_dtype(dtype)))


def full(shape, fill_value, dtype=None):
    """A tensor filled with `fill_value` (floatx by default)."""
    return Tensor(np.full(shape, fill_value, dtype=_dtype(dtype)))


def zeros_like(x, dtype=None):
    """Zeros of x's shape (and dtype, unless given)."""
    x = to_array(x, where="zeros_like")
    return Tensor(np.zeros(x.shape, dtype=x.dtype if dtype is None else dtype))


def ones_like(x, dtype=None):
    """Ones of x's shape (and dtype, unless given)."""
    x = to_array(x, where="ones_like")
    return Tensor(np.ones(x.shape, dtype=x.dtype if dtype is None else dtype))


def full_like(x, fill_value, dtype=None):
    """`fill_value` in x's shape (and dtype, unless given)."""
    x = to_array(x, where="full_like")
    return Tensor(np.full(x.shape, fill_value, dtype=x.dtype if dtype is None else dtype))


def eye(N, M=None, k=0, dtype=None):
    """A 2-D tensor with ones on the k-th diagonal."""
    return Tensor(np.eye(N, M, k, dtype=_dtype(dtype)))


def arange(start, stop=None, step=1, dtype=None):
    """Evenly spaced values in [start, stop), like numpy's arange."""
    values = np.arange(start, stop, step)
    if dtype is not None:
        values = values.astype(dtype)
    elif values.dtype.kind == "f":
        values = values.astype(config.floatx())
    return Tensor(values)


def linspace(start, stop, num=50, endpoint=True, dtype=None):
    """`num` evenly spaced values from start to stop."""
    return Tensor(np.linspace(start, stop, num, endpoint=endpoint, dtype=_dtype(dtype)))


def flatten(x):
    """All values of x as one axis."""
    return reshape(x, (-1,))


def moveaxis(x, source, destination):
    """Move axis `source` to position `destination`, keeping the others in order."""
    x = as_tensor(x)
    order = [i for i in range(x.ndim) if i != source % x.ndim]
    order.insert(destination % x.ndim, source % x.ndim)
    return transpose(x, order)


def swapaxes(x, axis1, axis2):
    """Exchange two axes."""
    x = as_tensor(x)
    order = list(range(x.ndim))
    order[axis1], order[axis2] = order[axis2], order[axis1]
    return transpose(x, order)


def reciprocal(x):
    """1 / x."""
    return divide(1.0, x)


def log_sigmoid(x):
    """log(sigmoid(x)) = -softplus(-x), finite for any x."""
    return negative(softplus(negative(x)))


def sum_of_squares(x, axis=None, keepdims=False):
    """sum(x ** 2) over `axis`."""
    return sum(square(x), axis=axis, keepdims=keepdims)


def norm(x, ord=None, axis=None, keepdims=False):
    """The Euclidean (ord=None or 2 on vectors, 'fro' on matrices) norm over `axis`."""
    if ord not in (None, 2, "fro", "euclidean"):
        raise ValueError(f"norm: only the Euclidean norm is supported, received ord={ord!r}.")
    return sqrt(sum(square(x), axis=axis, keepdims=keepdims))


def expm1(x):
    """exp(x) - 1."""
    return subtract(exp(x), 1.0)


def argsort(x, axis=-1):
    """Indices that sort x along `axis` (no gradient)."""
    return Tensor(np.argsort(to_array(x, where="argsort"), axis=axis, kind="stable"))


def any(x, axis=None, keepdims=False):  # noqa: A001 - keras.ops name
    """Whether any element is true (nonzero) along `axis`."""
    return Tensor(np.any(to_array(x, where="any"), axis=axis, keepdims=keepdims))


def all(x, axis=None, keepdims=False):  # noqa: A001 - keras.ops name
    """Whether every element is true (nonzero) along `axis`."""
    return Tensor(np.all(to_array(x, where="all"), axis=axis, keepdims=keepdims))


def isnan(x):
    """Elementwise test for NaN."""
    return Tensor(np.isnan(to_array(x, where="isnan")))


def isfinite(x):
    """Elementwise test for finite values."""
    return Tensor(np.isfinite(to_array(x, where="isfinite")))
