"""Activation layers: ReLU, LeakyReLU, PReLU, ELU, Softmax.

Each applies the activation of `minikeras.activations` with Keras's layer arguments; PReLU
learns its slopes.
"""

import numbers
import warnings

import numpy as np

from .. import activations, constraints, initializers, regularizers
from ..backend.ops import math, nn, reduction
from ..backend.tensor import to_array
from .base import InputSpec, Layer, shape_str


def _is_number(value):
    return isinstance(value, numbers.Real) and not isinstance(value, (bool, np.bool_))


class ReLU(Layer):
    """Rectified linear unit with Keras's options.

    f(x) = max_value for x >= max_value, x for threshold <= x < max_value, and
    negative_slope * (x - threshold) below the threshold.

    Args:
        max_value: optional cap (a float >= 0); None means no cap.
        negative_slope: the slope below the threshold (a float >= 0, default 0).
        threshold: the value below which the slope applies (a float >= 0, default 0).

    Input shape: any.
    Output shape: the input shape.

    >>> ReLU(max_value=10, negative_slope=0.5)(np.array([-10.0, -5.0, 0.0, 5.0, 10.0]))
    """

    def __init__(self, max_value=None, negative_slope=0.0, threshold=0.0, **kwargs):
        super().__init__(**kwargs)
        if max_value is not None and (not _is_number(max_value) or max_value < 0):
            raise ValueError("max_value of a ReLU layer cannot be a negative value. "
                             f"Received: max_value={max_value}")
        if not _is_number(negative_slope) or negative_slope < 0:
            raise ValueError("negative_slope of a ReLU layer cannot be None or a negative "
                             f"value. Received: negative_slope={negative_slope}")
        if not _is_number(threshold) or threshold < 0:
            raise ValueError("threshold of a ReLU layer cannot be None or a negative value. "
                             f"Received: threshold={threshold}")
        self.max_value = max_value
        self.negative_slope = negative_slope
        self.threshold = threshold
        self.supports_masking = True

    def call(self, inputs):
        return activations.relu(inputs, negative_slope=self.negative_slope,
                                max_value=self.max_value, threshold=self.threshold)

    def compute_output_shape(self, input_shape):
        return tuple(input_shape)

    def get_config(self):
        config = super().get_config()
        config.update({"max_value": self.max_value, "negative_slope": self.negative_slope,
                       "threshold": self.threshold})
        return config


class LeakyReLU(Layer):
    """Leaky rectified linear unit: x for x >= 0, negative_slope * x below.

    Args:
        negative_slope: the slope for negative inputs (a float >= 0). Keras 3's default is
            0.3 (the `activations.leaky_relu` function's is 0.2). The tf.keras 2 name `alpha`
            is still accepted, with a deprecation warning.

    Input shape: any.
    Output shape: the input shape.

    >>> LeakyReLU(negative_slope=0.5)(np.array([-10.0, -5.0, 0.0, 5.0, 10.0]))
    """

    def __init__(self, negative_slope=0.3, **kwargs):
        if "alpha" in kwargs:
            negative_slope = kwargs.pop("alpha")
            warnings.warn("Argument `alpha` is deprecated. Use `negative_slope` instead.",
                          stacklevel=2)
        super().__init__(**kwargs)
        if not _is_number(negative_slope) or negative_slope < 0:
            raise ValueError("The negative_slope value of a Leaky ReLU layer cannot be None or "
                             "negative value. Expected a float. "
                             f"Received: negative_slope={negative_slope}")
        self.negative_slope = negative_slope
        self.supports_masking = True

    def call(self, inputs):
        return activations.leaky_relu(inputs, negative_slope=self.negative_slope)

    def compute_output_shape(self, input_shape):
        return tuple(input_shape)

    def get_config(self):
        config = super().get_config()
        config["negative_slope"] = self.negative_slope
        return config


class PReLU(Layer):
    """Parametric ReLU: x for x >= 0, alpha * x below, with `alpha` learned.

    `alpha` has the shape of one sample, or size 1 along `shared_axes` (e.g. `[1, 2]` for one
    slope per channel of an image).

    Args:
        alpha_initializer: initializer of alpha (default 'zeros': a plain ReLU at first).
        alpha_regularizer: optional penalty on alpha.
        alpha_constraint: optional constraint on alpha.
        shared_axes: axes (counted with the batch axis as 0) along which alpha is shared.

    Input shape: any, with known sizes on the axes not shared.
    Output shape: the input shape.

    >>> PReLU(shared_axes=[1, 2])(np.ones((1, 4, 4, 3), dtype="float32")).shape
    (1, 4, 4, 3)
    """

    def __init__(self, alpha_initializer="Zeros", alpha_regularizer=None, alpha_constraint=None,
                 shared_axes=None, **kwargs):
        super().__init__(**kwargs)
        self.alpha_initializer = initializers.get(alpha_initializer)
        self.alpha_regularizer = regularizers.get(alpha_regularizer)
        self.alpha_constraint = constraints.get(alpha_constraint)
        if shared_axes is None:
            self.shared_axes = None
        else:
            axes = list(shared_axes) if isinstance(shared_axes, (list, tuple)) else [shared_axes]
            if not all(isinstance(a, (int, np.integer)) and a >= 1 for a in axes):
                raise ValueError(f'Layer "{self.name}": `shared_axes` must hold axis numbers '
                                 f">= 1 (0 is the batch axis). Received: shared_axes={shared_axes}")
            self.shared_axes = [int(a) for a in axes]
        self.supports_masking = True

    def build(self, input_shape):
        shared = self.shared_axes or []
        if any(a >= len(input_shape) for a in shared):
            raise ValueError(f'Layer "{self.name}": shared_axes={self.shared_axes} is out of '
                             f"range for inputs of shape {shape_str(input_shape)}.")
        param_shape = [1 if i in shared else d for i, d in enumerate(input_shape) if i > 0]
        if any(d is None for d in param_shape):
            raise ValueError(
                f'Layer "{self.name}": alpha needs a known size on every axis that is not '
                f"shared, but the input shape is {shape_str(input_shape)}. Share the unknown "
                f"axes with shared_axes, or give the input a fixed shape."
            )
        self.alpha = self.add_weight(shape=param_shape, initializer=self.alpha_initializer,
                                     regularizer=self.alpha_regularizer,
                                     constraint=self.alpha_constraint, name="alpha")
        axes = {i: input_shape[i] for i in range(1, len(input_shape)) if i not in shared}
        self.input_spec = InputSpec(ndim=len(input_shape), axes=axes)
        self.built = True

    def call(self, inputs):
        negative = nn.relu(math.negative(inputs))
        return math.subtract(nn.relu(inputs), math.multiply(self.alpha, negative))

    def compute_output_shape(self, input_shape):
        return tuple(input_shape)

    def get_config(self):
        config = super().get_config()
        config.update({
            "alpha_initializer": initializers.serialize(self.alpha_initializer),
            "alpha_regularizer": regularizers.serialize(self.alpha_regularizer),
            "alpha_constraint": constraints.serialize(self.alpha_constraint),
            "shared_axes": self.shared_axes,
        })
        return config


class ELU(Layer):
    """Exponential linear unit: x for x > 0, alpha * (exp(x) - 1) below.

    Args:
        alpha: the scale of the negative part (default 1.0).

    Input shape: any.
    Output shape: the input shape.

    >>> ELU()(np.array([-1.0, 0.0, 2.0]))
    """

    def __init__(self, alpha=1.0, **kwargs):
        super().__init__(**kwargs)
        if not _is_number(alpha):
            raise ValueError(f'Layer "{self.name}": `alpha` must be a float. '
                             f"Received: alpha={alpha!r}")
        self.alpha = alpha
        self.supports_masking = True

    def call(self, inputs):
        return activations.elu(inputs, alpha=self.alpha)

    def compute_output_shape(self, input_shape):
        return tuple(input_shape)

    def get_config(self):
        # Keras 3 leaves alpha out of the config (so a loaded ELU has alpha=1.0); it is kept
        # here so the round trip is exact, and Keras reads it back as a constructor argument.
        config = super().get_config()
        config["alpha"] = self.alpha
        return config


def _large_negative(dtype):
    """What masked positions get added before the softmax, as in Keras."""
    return dtype.type(-3e4 if dtype == np.float16 else -1e9)


class Softmax(Layer):
    """Softmax along `axis`: exp(x) / sum(exp(x)), computed stably.

    Called with `mask` (True to keep, False to mask), the masked positions get a large
    negative number added first, so their probabilities are 0.

    Args:
        axis: the axis (or list of axes) to normalize over (default -1).

    Input shape: any.
    Output shape: the input shape.

    >>> Softmax()(np.array([1.0, 2.0, 1.0]))  # [0.21194157, 0.5761169, 0.21194157]
    """

    def __init__(self, axis=-1, **kwargs):
        super().__init__(**kwargs)
        axes = axis if isinstance(axis, (list, tuple)) else [axis]
        if not axes or not all(isinstance(a, (int, np.integer)) and not isinstance(a, bool)
                               for a in axes):
            raise ValueError(f'Layer "{self.name}": `axis` must be an integer or a list of '
                             f"integers. Received: axis={axis!r}")
        self.axis = [int(a) for a in axis] if isinstance(axis, (list, tuple)) else int(axis)
        self.supports_masking = True

    def call(self, inputs, mask=None):
        if mask is not None:
            mask = to_array(mask, where=f'Layer "{self.name}" mask')
            keep = mask.astype(inputs.dtype)
            inputs = math.add(inputs, (inputs.dtype.type(1) - keep) * _large_negative(inputs.dtype))
        if isinstance(self.axis, list) and len(self.axis) > 1:
            return math.exp(math.subtract(inputs, reduction.logsumexp(inputs, axis=self.axis,
                                                                      keepdims=True)))
        axis = self.axis[0] if isinstance(self.axis, list) else self.axis
        return activations.softmax(inputs, axis=axis)

    def compute_output_shape(self, input_shape):
        return tuple(input_shape)

    def get_config(self):
        config = super().get_config()
        config["axis"] = self.axis
        return config
