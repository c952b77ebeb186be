"""Weight penalties by their Keras names, for `Dense(..., kernel_regularizer='l2')`.

A regularizer is called on a weight (or a layer's output) and returns a scalar Tensor built with
`minikeras.ops`, so it is differentiable: a layer adds it to the loss and backpropagation
reaches the weight. The formulas are Keras 3's: `L2(l2)(x)` is `l2 * sum(x ** 2)`, with no 1/2.

>>> from minikeras import regularizers
>>> float(regularizers.L2(2.0)(np.ones((5, 5), dtype="float32")))
50.0
"""

import math
import numbers

import numpy as np

from . import ops
from .backend import config
from .backend.tensor import as_tensor
from .registry import Registry


def _check_factor(value, name, where):
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real) or \
            not math.isfinite(value) or value < 0:
        raise ValueError(
            f"{where}: invalid value for argument `{name}`: expected a non-negative float, "
            f"received {name}={value!r}."
        )
    return float(value)


def _as_float_tensor(x, where):
    x = as_tensor(x)
    if x.dtype.kind != "f":
        raise TypeError(
            f"{where} penalizes floating-point weights, but received an array of dtype "
            f"{x.dtype}. Cast it first, e.g. ops.cast(x, 'float32')."
        )
    return x


class Regularizer:
    """Base class of all regularizers: subclasses define `__call__(x)` and `get_config()`.

    `__call__` returns the penalty for tensor `x` as a scalar Tensor; build it from
    `minikeras.ops` so that it is differentiable. A plain function `f(x)` returning such a scalar
    works as a regularizer too.

    >>> class Sum(Regularizer):
    ...     def __call__(self, x):
    ...         return 0.1 * ops.sum(x)
    ...     def get_config(self):
    ...         return {}
    """

    def __call__(self, x):
        """No penalty: a zero scalar of x's dtype."""
        return ops.zeros((), dtype=_as_float_tensor(x, type(self).__name__).dtype)

    def get_config(self):
        """The constructor arguments, as a JSON-serializable dict."""
        raise NotImplementedError(
            f"{type(self).__name__} must define get_config() to be saved (abstract)."
        )

    @classmethod
    def from_config(cls, config):
        """A regularizer from the output of `get_config()`."""
        return cls(**config)


class L1(Regularizer):
    """L1 penalty: `l1 * sum(abs(x))`, which pushes weights to exactly zero.

    Args:
        l1: the factor, a non-negative float (None means the default 0.01).

    >>> float(L1(0.1)(np.array([1.0, -2.0])))
    0.30000000000000004
    """

    def __init__(self, l1=0.01):
        self.l1 = _check_factor(0.01 if l1 is None else l1, "l1", "L1")

    def __call__(self, x):
        x = _as_float_tensor(x, "L1")
        return ops.multiply(x.dtype.type(self.l1), ops.sum(ops.abs(x)))

    def get_config(self):
        return {"l1": self.l1}


class L2(Regularizer):
    """L2 penalty: `l2 * sum(x ** 2)` (weight decay; Keras has no 1/2 in front).

    Args:
        l2: the factor, a non-negative float (None means the default 0.01).

    >>> float(L2(0.1)(np.array([1.0, -2.0], dtype="float32")))
    0.5
    """

    def __init__(self, l2=0.01):
        self.l2 = _check_factor(0.01 if l2 is None else l2, "l2", "L2")

    def __call__(self, x):
        x = _as_float_tensor(x, "L2")
        return ops.multiply(x.dtype.type(self.l2), ops.sum(ops.square(x)))

    def get_config(self):
        return {"l2": self.l2}


class L1L2(Regularizer):
    """Both penalties: `l1 * sum(abs(x)) + l2 * sum(x ** 2)`.

    Both factors default to 0 (as in Keras 3, so `'l1_l2'` by name penalizes nothing); a
    factor of 0 leaves its term out.

    Args:
        l1: the L1 factor, a non-negative float (None means 0).
        l2: the L2 factor, a non-negative float (None means 0).

    >>> float(L1L2(l1=0.1, l2=0.1)(np.array([1.0, -2.0])))
    0.8
    """

    def __init__(self, l1=0.0, l2=0.0):
        self.l1 = _check_factor(0.0 if l1 is None else l1, "l1", "L1L2")
        self.l2 = _check_factor(0.0 if l2 is None else l2, "l2", "L1L2")

    def __call__(self, x):
        x = _as_float_tensor(x, "L1L2")
        scalar = x.dtype.type
        penalty = ops.zeros((), dtype=x.dtype)
        if self.l1:
            penalty = ops.add(penalty, ops.multiply(scalar(self.l1), ops.sum(ops.abs(x))))
        if self.l2:
            penalty = ops.add(penalty, ops.multiply(scalar(self.l2), ops.sum(ops.square(x))))
        return penalty

    def get_config(self):
        return {"l1": self.l1, "l2": self.l2}


class OrthogonalRegularizer(Regularizer):
    """Penalty that pushes the rows (or columns) of a 2-D weight to be orthogonal.

    The rows (`mode='rows'`) or columns (`mode='columns'`) are scaled to unit length (a norm
    below epsilon counts as epsilon); the penalty is `factor` times the mean absolute dot
    product over all distinct pairs of them: `factor * sum(|P - diag(P)|) / (n * (n - 1))`,
    where P holds all their dot products and n is their number. On a Dense kernel of shape
    (input_dim, units), 'rows' mode makes the feature vectors (the basis of the output space)
    orthogonal, and 'columns' mode the weight vectors of the units.

    Args:
        factor: the factor, a non-negative float.
        mode: 'rows' or 'columns'.

    >>> float(OrthogonalRegularizer(factor=1.0)(np.array([[1.0, 0.0], [1.0, 1.0]])))
    0.7071067811865475
    """

    def __init__(self, factor=0.01, mode="rows"):
        self.factor = _check_factor(factor, "factor", "OrthogonalRegularizer")
        if mode not in ("rows", "columns"):
            raise ValueError(
                f"OrthogonalRegularizer: invalid value for argument `mode`. Expected one of "
                f"'rows', 'columns'. Received: mode={mode!r}."
            )
        self.mode = mode

    def __call__(self, x):
        x = _as_float_tensor(x, "OrthogonalRegularizer")
        if x.ndim != 2:
            raise ValueError(f"Inputs to OrthogonalRegularizer must have rank 2. Received: "
                             f"inputs.shape={x.shape}.")
        axis = 1 if self.mode == "rows" else 0
        n = x.shape[1 - axis]
        if n < 2:
            raise ValueError(
                f"OrthogonalRegularizer(mode={self.mode!r}) needs at least 2 {self.mode} to "
                f"compare, but the input has shape {x.shape}."
            )
        scalar = x.dtype.type
        # max(norm, eps) written as sqrt(max(norm ** 2, eps ** 2)): the same value, and a zero
        # vector gets a finite gradient instead of sqrt's infinite one at 0.
        eps = scalar(config.epsilon())
        norms = ops.sqrt(ops.maximum(ops.sum(ops.square(x), axis=axis, keepdims=True),
                                     eps * eps))
        unit = ops.divide(x, norms)
        products = ops.matmul(unit, ops.transpose(unit)) if self.mode == "rows" else \
            ops.matmul(ops.transpose(unit), unit)
        off_diagonal = ops.multiply(products, ops.convert_to_tensor(
            1 - np.eye(n, dtype=x.dtype)))
        return ops.multiply(scalar(self.factor / (n * (n - 1))),
                            ops.sum(ops.abs(off_diagonal)))

    def get_config(self):
        return {"factor": self.factor, "mode": self.mode}


# Keras exports each class under its lowercase name too (keras.regularizers.l2).
l1 = L1
l2 = L2
l1_l2 = L1L2
orthogonal_regularizer = OrthogonalRegularizer

ALL_OBJECTS = (L1, L2, L1L2, OrthogonalRegularizer)
_REGISTRY = Registry("regularizer", "keras.regularizers", ALL_OBJECTS,
                     aliases={"l1": L1, "l2": L2, "l1_l2": L1L2, "l1l2": L1L2,
                              "orthogonal_regularizer": OrthogonalRegularizer},
                     instantiate=True)


def get(identifier):
    """A regularizer for a name ('l2'), a config dict, a class, an instance or a function.

    >>> get("l2").l2
    0.01
    """
    return _REGISTRY.get(identifier)


def serialize(regularizer):
    """Keras's config dict for a regularizer ({'module', 'class_name', 'config', ...})."""
    return _REGISTRY.serialize(regularizer)


def deserialize(config, custom_objects=None):
    """The regularizer for a stored name or config dict."""
    return _REGISTRY.deserialize(config, custom_objects)
