"""Weight constraints by their Keras names, for `Dense(..., kernel_constraint='max_norm')`.

A constraint maps a weight to its projection onto an allowed set (bounded norm, non-negative
values). Optimizers apply it after every update with `v.assign(constraint(v))`; it needs no
gradient, so it works on the plain array and returns a constant Tensor of the weight's dtype.

The norm constraints follow Keras 3 exactly, epsilon included: the norm of each slice along
`axis` (axis 0 of a Dense kernel (input_dim, units) is the vector feeding one unit; use
axis=[0, 1, 2] for a Conv2D kernel (rows, cols, in, out)) is mapped to a desired norm, and the
slice is scaled by `desired / (epsilon() + norm)`. So a slice already within bounds still
shrinks by a factor norm / (epsilon + norm), as in Keras.

>>> from minikeras import constraints
>>> constraints.get("non_neg")(np.array([-1.0, 2.0], dtype="float32"))
"""

import numbers

import numpy as np

from .backend import config
from .backend.tensor import Tensor, to_array
from .registry import Registry


def _check_value(value, name, where):
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real) or \
            not np.isfinite(value) or value < 0:
        raise ValueError(f"{where}: argument `{name}` must be a non-negative number, "
                         f"received {name}={value!r}.")
    return value.item() if isinstance(value, np.generic) else value  # JSON-ready in configs


def _check_axis(axis, where):
    axes = axis if isinstance(axis, (list, tuple)) else [axis]
    if not axes or not all(isinstance(a, (int, np.integer)) and not isinstance(a, bool)
                           for a in axes):
        raise TypeError(f"{where}: `axis` must be an integer or a list of integers, such as "
                        f"0 for a Dense kernel or [0, 1, 2] for a Conv2D kernel, received "
                        f"axis={axis!r}.")
    # A list stays a list, so the config holds what the user wrote (JSON has no tuples).
    return [int(a) for a in axis] if isinstance(axis, (list, tuple)) else int(axis)


def _as_float_array(w, where):
    w = to_array(w, where=where)
    # Integer weights come back as floats, as in Keras, whose norms are always floating point.
    return w if w.dtype.kind == "f" else w.astype(config.floatx())


class Constraint:
    """Base class of all constraints: subclasses define `__call__(w)`.

    `__call__` receives the weight (a Variable, Tensor or array) and returns the constrained
    value with the same shape; the base class returns it unchanged.

    >>> class Clip(Constraint):
    ...     def __call__(self, w):
    ...         return np.clip(np.asarray(w), -1.0, 1.0)
    """

    def __call__(self, w):
        return w

    def get_config(self):
        """The constructor arguments, as a JSON-serializable dict."""
        return {}

    @classmethod
    def from_config(cls, config):
        """A constraint from the output of `get_config()`."""
        return cls(**config)


class _NormConstraint(Constraint):
    """A constraint that rescales each slice along `axis` to a desired norm."""

    def __init__(self, axis=0):
        self.axis = _check_axis(axis, type(self).__name__)

    def _desired(self, norms):
        raise NotImplementedError(f"{type(self).__name__} defines no _desired (abstract).")

    def __call__(self, w):
        where = type(self).__name__
        w = _as_float_array(w, where)
        axis = tuple(self.axis) if isinstance(self.axis, list) else self.axis
        try:
            norms = np.sqrt(np.sum(np.square(w), axis=axis, keepdims=True))
        except np.exceptions.AxisError as error:
            raise ValueError(
                f"{where}: axis={self.axis!r} does not fit a weight of shape {w.shape} "
                f"({error}). Use axis=0 for a Dense kernel (input_dim, units) and "
                f"[0, 1, 2] for a Conv2D kernel (rows, cols, in_channels, filters)."
            ) from None
        eps = w.dtype.type(config.epsilon())
        return Tensor(w * (self._desired(norms) / (eps + norms)))


class MaxNorm(_NormConstraint):
    """Caps the norm of the weights feeding each unit at `max_value`.

    Args:
        max_value: the largest allowed norm.
        axis: the axis (or list of axes) the norms are taken over: 0 for a Dense kernel,
            [0, 1, 2] for a Conv2D kernel with channels last.

    >>> MaxNorm(2.0)(np.array([[3.0], [4.0]], dtype="float32"))
    """

    def __init__(self, max_value=2, axis=0):
        self.max_value = _check_value(max_value, "max_value", "MaxNorm")
        super().__init__(axis)

    def _desired(self, norms):
        return np.clip(norms, norms.dtype.type(0), norms.dtype.type(self.max_value))

    def get_config(self):
        return {"max_value": self.max_value, "axis": self.axis}


class MinMaxNorm(_NormConstraint):
    """Keeps the norm of the weights feeding each unit between `min_value` and `max_value`.

    Each norm is moved to `rate * clip(norm, min_value, max_value) + (1 - rate) * norm`: rate
    1 enforces the bounds at once, a smaller rate moves towards them a little every step.

    Args:
        min_value: the smallest allowed norm.
        max_value: the largest allowed norm.
        rate: how far to move towards the bounds each time, from 0 to 1.
        axis: the axis (or list of axes) the norms are taken over: 0 for a Dense kernel,
            [0, 1, 2] for a Conv2D kernel with channels last.

    >>> MinMaxNorm(min_value=1.0, max_value=2.0)(np.array([[0.3], [0.4]], dtype="float32"))
    """

    def __init__(self, min_value=0.0, max_value=1.0, rate=1.0, axis=0):
        self.min_value = _check_value(min_value, "min_value", "MinMaxNorm")
        self.max_value = _check_value(max_value, "max_value", "MinMaxNorm")
        if min_value > max_value:
            raise ValueError(f"MinMaxNorm: `min_value` must not exceed `max_value`, received "
                             f"min_value={min_value!r}, max_value={max_value!r}.")
        self.rate = _check_value(rate, "rate", "MinMaxNorm")
        if rate > 1:
            raise ValueError(f"MinMaxNorm: `rate` must be between 0 and 1, received "
                             f"rate={rate!r}.")
        super().__init__(axis)

    def _desired(self, norms):
        scalar = norms.dtype.type
        clipped = np.clip(norms, scalar(self.min_value), scalar(self.max_value))
        return scalar(self.rate) * clipped + scalar(1 - self.rate) * norms

    def get_config(self):
        return {"min_value": self.min_value, "max_value": self.max_value, "rate": self.rate,
                "axis": self.axis}


class UnitNorm(_NormConstraint):
    """Scales the weights feeding each unit to norm 1.

    Args:
        axis: the axis (or list of axes) the norms are taken over: 0 for a Dense kernel,
            [0, 1, 2] for a Conv2D kernel with channels last.

    >>> UnitNorm()(np.array([[3.0], [4.0]], dtype="float32"))
    """

    def _desired(self, norms):
        return np.ones_like(norms)

    def get_config(self):
        return {"axis": self.axis}


class NonNeg(Constraint):
    """Sets negative weights to zero.

    >>> NonNeg()(np.array([-1.0, 2.0], dtype="float32"))
    """

    def __call__(self, w):
        w = to_array(w, where="NonNeg")
        return Tensor(np.maximum(w, w.dtype.type(0)))


# Keras exports each class under its lowercase name too (keras.constraints.max_norm).
max_norm = MaxNorm
min_max_norm = MinMaxNorm
non_neg = NonNeg
unit_norm = UnitNorm

ALL_OBJECTS = (MaxNorm, MinMaxNorm, NonNeg, UnitNorm)
_REGISTRY = Registry("constraint", "keras.constraints", ALL_OBJECTS,
                     aliases={"max_norm": MaxNorm, "min_max_norm": MinMaxNorm,
                              "non_neg": NonNeg, "unit_norm": UnitNorm},
                     instantiate=True)


def get(identifier):
    """A constraint for a name ('max_norm'), a config dict, a class, an instance or a function.

    >>> get("max_norm").max_value
    2
    """
    return _REGISTRY.get(identifier)


def serialize(constraint):
    """Keras's config dict for a constraint ({'module', 'class_name', 'config', ...})."""
    return _REGISTRY.serialize(constraint)


def deserialize(config, custom_objects=None):
    """The constraint for a stored name or config dict."""
    return _REGISTRY.deserialize(config, custom_objects)
