"""Reshaping layers: Reshape, Permute, RepeatVector."""

import math
import operator

import numpy as np

from ..backend.ops import shape as shape_ops
from .base import InputSpec, Layer


class Reshape(Layer):
    """Reshapes each sample to `target_shape`; the batch axis is kept.

    Args:
        target_shape: the new shape of one sample, without the batch axis; one entry may be -1,
            inferred from the size of the input.

    Input shape: (batch_size, ...), any shape holding as many values as `target_shape`.
    Output shape: (batch_size, *target_shape).

    >>> Reshape((3, 4))(Input(shape=(12,))).shape
    (None, 3, 4)
    """

    def __init__(self, target_shape, **kwargs):
        super().__init__(**kwargs)
        if isinstance(target_shape, (int, np.integer)):
            target_shape = (target_shape,)
        target_shape = tuple(target_shape)
        if not all(isinstance(d, (int, np.integer)) and (d > 0 or d == -1)
                   for d in target_shape):
            raise ValueError(
                f'Layer "{self.name}": the `target_shape` argument must be a tuple of positive '
                f"integers (one of them may be -1). Received: target_shape={target_shape}"
            )
        if target_shape.count(-1) > 1:
            raise ValueError(
                "The `target_shape` argument must not contain more than one `-1` value. "
                f"Received: target_shape={target_shape}"
            )
        self.target_shape = tuple(int(d) for d in target_shape)

    def _resolved_shape(self, sample_shape):
        """target_shape with its -1 worked out (None while the input size is unknown)."""
        target = self.target_shape
        if any(d is None for d in sample_shape):
            return tuple(None if d == -1 else d for d in target)
        size = math.prod(sample_shape)
        known = math.prod(d for d in target if d != -1)
        if -1 not in target:
            if size != known:
                raise ValueError(
                    "The total size of the tensor must be unchanged. Received: "
                    f"input_shape={tuple(sample_shape)}, target_shape={target}"
                )
            return target
        if size % known:
            raise ValueError(
                "The total size of the tensor must be unchanged, however, the input size "
                "cannot be divided by the specified dimensions in target_shape. Received: "
                f"input_shape={tuple(sample_shape)}, target_shape={target}"
            )
        return tuple(size // known if d == -1 else d for d in target)

    def call(self, inputs):
        shape = self._resolved_shape(inputs.shape[1:])
        return shape_ops.reshape(inputs, (inputs.shape[0],) + shape)

    def compute_output_shape(self, input_shape):
        return (input_shape[0],) + self._resolved_shape(tuple(input_shape[1:]))

    def get_config(self):
        config = super().get_config()
        config["target_shape"] = self.target_shape
        return config

    @classmethod
    def from_config(cls, config):
        config = dict(config)
        config["target_shape"] = tuple(config["target_shape"])  # JSON gives a list
        return super().from_config(config)


class Permute(Layer):
    """Reorders the axes of each sample, e.g. to swap time steps and features.

    Args:
        dims: the new order of the sample axes, numbered from 1 (the batch axis 0 stays);
            `(2, 1)` swaps the two axes of a 3-D input.

    Input shape: (batch_size, d1, ..., dn) with n = len(dims).
    Output shape: the input shape with the sample axes in the order `dims`.

    >>> Permute((2, 1))(Input(shape=(10, 64))).shape
    (None, 64, 10)
    """

    def __init__(self, dims, **kwargs):
        super().__init__(**kwargs)
        dims = tuple(dims)
        if sorted(dims) != list(range(1, len(dims) + 1)):
            raise ValueError(
                "Invalid permutation argument `dims` for Permute Layer. The set of indices in "
                f"`dims` must be consecutive and start from 1. Received dims={dims}"
            )
        self.dims = tuple(int(d) for d in dims)
        self.input_spec = InputSpec(ndim=len(self.dims) + 1)

    def call(self, inputs):
        return shape_ops.transpose(inputs, (0,) + self.dims)

    def compute_output_shape(self, input_shape):
        return (input_shape[0],) + tuple(input_shape[d] for d in self.dims)

    def get_config(self):
        config = super().get_config()
        config["dims"] = self.dims
        return config


class RepeatVector(Layer):
    """Repeats each input vector `n` times along a new axis 1.

    Args:
        n: the number of repetitions.

    Input shape: (batch_size, features).
    Output shape: (batch_size, n, features).

    >>> RepeatVector(3)(Input(shape=(32,))).shape
    (None, 3, 32)
    """

    def __init__(self, n, **kwargs):
        super().__init__(**kwargs)
        try:
            n = operator.index(n)
        except TypeError:
            raise TypeError(f"Expected an integer value for `n`, got {type(n)}.") from None
        if n < 0:
            raise ValueError(f'Layer "{self.name}": `n` must not be negative. Received: n={n}')
        self.n = int(n)
        self.input_spec = InputSpec(ndim=2)

    def call(self, inputs):
        return shape_ops.repeat(shape_ops.expand_dims(inputs, 1), self.n, axis=1)

    def compute_output_shape(self, input_shape):
        return (input_shape[0], self.n, input_shape[1])

    def get_config(self):
        config = super().get_config()
        config["n"] = self.n
        return config
