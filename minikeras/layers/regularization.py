"""Regularization layers: ActivityRegularization, GaussianNoise, GaussianDropout,
SpatialDropout1D and SpatialDropout2D.

(Dropout lives in core.py.) The noise and dropout layers are active only in training, as in
Keras: `fit` calls the model with `training=True`; `predict` and `evaluate` pass the inputs
through unchanged.
"""

import math as pymath
import numbers

import numpy as np

from .. import regularizers
from ..backend import random
from ..backend.ops import math, nn
from ..backend.config import standardize_data_format
from .base import InputSpec, Layer
from .core import Dropout


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


class _SpatialDropout(Dropout):
    """Dropout of whole channels: one keep-or-drop decision per sample and channel, shared by
    all positions of that channel."""

    def __init__(self, rate, seed=None, name=None, dtype=None, **kwargs):
        super().__init__(rate, seed=seed, name=name, dtype=dtype, **kwargs)

    def call(self, inputs, training=False):
        if not training or self.rate == 0:
            return inputs
        return nn.dropout(inputs, self.rate, self._noise_shape(inputs.shape),
                          seed=self._generator)

    def get_config(self):
        # Keras's keys exactly: no noise_shape (it follows from the input) and no trainable.
        return {"rate": self.rate, "seed": self.seed, "name": self.name, "dtype": self.dtype}


class SpatialDropout1D(_SpatialDropout):
    """Dropout of whole features of a sequence: each dropped feature is zero at every step.

    Neighbouring steps of a feature map are strongly correlated, so ordinary Dropout there
    mostly lowers the learning rate; dropping whole maps regularizes instead. In training the
    kept features are scaled by 1 / (1 - rate); at inference the layer is the identity.

    Args:
        rate: the fraction of features to drop, in [0, 1).
        seed: optional integer seed for this layer's masks.

    Input shape: (batch_size, steps, features).
    Output shape: the input shape.

    >>> layer = SpatialDropout1D(0.2, seed=1)
    """

    def __init__(self, rate, seed=None, name=None, dtype=None, **kwargs):
        super().__init__(rate, seed=seed, name=name, dtype=dtype, **kwargs)
        self.input_spec = InputSpec(ndim=3)

    def _noise_shape(self, shape):
        return (shape[0], 1, shape[2])


class SpatialDropout2D(_SpatialDropout):
    """Dropout of whole channels of images: each dropped channel is zero at every pixel.

    In training the kept channels are scaled by 1 / (1 - rate); at inference the layer is the
    identity.

    Args:
        rate: the fraction of channels to drop, in [0, 1).
        data_format: 'channels_last' (default: image_data_format()) or 'channels_first'.
        seed: optional integer seed for this layer's masks.

    Input shape: (batch_size, rows, cols, channels), or (batch_size, channels, rows, cols) for
        channels_first.
    Output shape: the input shape.

    >>> layer = SpatialDropout2D(0.2, seed=1)
    """

    def __init__(self, rate, data_format=None, seed=None, name=None, dtype=None, **kwargs):
        super().__init__(rate, seed=seed, name=name, dtype=dtype, **kwargs)
        self.data_format = standardize_data_format(data_format, f'Layer "{self.name}"')
        self.input_spec = InputSpec(ndim=4)

    def _noise_shape(self, shape):
        if self.data_format == "channels_first":
            return (shape[0], shape[1], 1, 1)
        return (shape[0], 1, 1, shape[3])

    def get_config(self):
        config = super().get_config()
        config["data_format"] = self.data_format
        return config
