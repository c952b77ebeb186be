"""Regularization layers: ActivityRegularization, GaussianNoise, GaussianDropout.

(Dropout lives in core.py.) The two noise layers are active only in training, as in Keras:
`fit` calls the model with `training=True`; `predict` and `evaluate` pass the inputs through
unchanged.
"""

import math as pymath
import numbers

import numpy as np

from .. import regularizers
from ..backend import random
from ..backend.ops import math
from .base import Layer


class ActivityRegularization(Layer):
    """Passes its input through and adds `l1 * sum(|x|) + l2 * sum(x ** 2)` (divided by the
    batch size, as Keras does for activity penalties) to the model's loss.

    Args:
        l1: the L1 factor (a non-negative float).
        l2: the L2 factor (a non-negative float).

    Input shape: any.
    Output shape: the input shape.

    >>> layer = ActivityRegularization(l2=0.01)
    """

    def __init__(self, l1=0.0, l2=0.0, **kwargs):
        kwargs.pop("activity_regularizer", None)  # it is made from l1 and l2
        super().__init__(**kwargs)
        for name, value in (("l1", l1), ("l2", l2)):
            if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real) or \
                    not value >= 0:
                raise ValueError(f'Layer "{self.name}": invalid value for argument `{name}`: '
                                 f"expected a non-negative float, received {name}={value!r}.")
        self.activity_regularizer = regularizers.L1L2(l1=l1, l2=l2)
        self.l1 = l1
        self.l2 = l2
        self.supports_masking = True

    def call(self, inputs):
        return inputs

    def compute_output_shape(self, input_shape):
        return tuple(input_shape)

    def get_config(self):
        config = super().get_config()
        config.pop("activity_regularizer", None)
        config.update({"l1": self.l1, "l2": self.l2})
        return config


def _check_fraction(layer, name, value, upper_open):
    """A float in [0, 1] ([0, 1) when `upper_open`), or Keras's error."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real) or \
            not (0 <= value < 1 if upper_open else 0 <= value <= 1):
        raise ValueError(
            f'Layer "{layer.name}": invalid value received for argument `{name}`. Expected a '
            f"float value between 0 and 1{' (1 excluded)' if upper_open else ''}. "
            f"Received: {name}={value!r}"
        )
    return float(value)


class GaussianNoise(Layer):
    """Adds zero-centred Gaussian noise of standard deviation `stddev` during training.

    A mild regularizer and a form of data augmentation for real-valued inputs; the identity
    at inference.

    Args:
        stddev: the standard deviation of the noise, between 0 and 1 (Keras's range).
        seed: optional integer seed for this layer's noise.

    Input shape: any.
    Output shape: the input shape.

    >>> layer = GaussianNoise(0.1, seed=1)
    """

    def __init__(self, stddev, seed=None, **kwargs):
        super().__init__(**kwargs)
        self.stddev = _check_fraction(self, "stddev", stddev, upper_open=False)
        self.seed = seed
        self._generator = random.generator(seed) if seed is not None else None
        self.supports_masking = True

    def call(self, inputs, training=False):
        if not training or self.stddev == 0:
            return inputs
        noise = random.normal(inputs.shape, 0.0, self.stddev, dtype=inputs.dtype,
                              seed=self._generator)
        return math.add(inputs, noise)

    def compute_output_shape(self, input_shape):
        return tuple(input_shape)

    def get_config(self):
        config = super().get_config()
        config.update({"stddev": self.stddev, "seed": self.seed})
        return config


class GaussianDropout(Layer):
    """Multiplies the inputs by 1-centred Gaussian noise during training.

    The noise has standard deviation sqrt(rate / (1 - rate)), matching the variance of
    Dropout at the same `rate`; its mean is 1, so nothing changes on average, and the layer is
    the identity at inference.

    Args:
        rate: the drop probability it imitates, in [0, 1).
        seed: optional integer seed for this layer's noise.

    Input shape: any.
    Output shape: the input shape.

    >>> layer = GaussianDropout(0.2, seed=1)
    """

    def __init__(self, rate, seed=None, **kwargs):
        super().__init__(**kwargs)
        # Keras accepts rate=1, which gives an infinite standard deviation: refused here.
        self.rate = _check_fraction(self, "rate", rate, upper_open=True)
        self.seed = seed
        self._generator = random.generator(seed) if seed is not None else None
        self.supports_masking = True

    def call(self, inputs, training=False):
        if not training or self.rate == 0:
            return inputs
        stddev = pymath.sqrt(self.rate / (1.0 - self.rate))
        noise = random.normal(inputs.shape, 1.0, stddev, dtype=inputs.dtype,
                              seed=self._generator)
        return math.multiply(inputs, noise)

    def compute_output_shape(self, input_shape):
        return tuple(input_shape)

    def get_config(self):
        config = super().get_config()
        config.update({"rate": self.rate, "seed": self.seed})
        return config
