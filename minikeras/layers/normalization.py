"""Normalization layers: BatchNormalization, LayerNormalization, GroupNormalization."""

import numpy as np

from .. import constraints, initializers, regularizers
from ..backend.ops import math as math_ops, reduction, shape as shape_ops
from ..backend.ops.normalization import batch_normalization, normalize_by_moments
from .base import InputSpec, Layer, shape_str

__all__ = ["BatchNormalization", "LayerNormalization", "GroupNormalization"]


class _ScaleOffset(Layer):
    """What the normalization layers share: `axis`, `epsilon`, and the optional learned scale
    `gamma` and offset `beta` with their initializers, regularizers and constraints."""

    def __init__(self, axis, epsilon, center, scale, beta_initializer, gamma_initializer,
                 beta_regularizer, gamma_regularizer, beta_constraint, gamma_constraint,
                 **kwargs):
        super().__init__(**kwargs)
        if isinstance(axis, (list, tuple)) and axis and all(_is_int(a) for a in axis):
            self.axis = [int(a) for a in axis]
        elif _is_int(axis):
            self.axis = int(axis)
        else:
            raise TypeError(f'Layer "{self.name}": expected an int or a list/tuple of ints for '
                            f"the argument `axis`, but received: axis={axis!r}")
        self.epsilon = _number(self, "epsilon", epsilon)
        self.center = bool(center)
        self.scale = bool(scale)
        self.beta_initializer = initializers.get(beta_initializer)
        self.gamma_initializer = initializers.get(gamma_initializer)
        self.beta_regularizer = regularizers.get(beta_regularizer)
        self.gamma_regularizer = regularizers.get(gamma_regularizer)
        self.beta_constraint = constraints.get(beta_constraint)
        self.gamma_constraint = constraints.get(gamma_constraint)
        self.gamma = self.beta = None
        self.supports_masking = True

    def _feature_axes(self, input_shape):
        """`axis` as non-negative axes (in the given order) of inputs of `input_shape`,
        checked: in range, distinct, and of known size. Sets the input spec, which checks
        later inputs (in Keras's words: 'expected axis -1 of input shape to have value 3')."""
        ndim = len(input_shape)
        given = self.axis if isinstance(self.axis, list) else [self.axis]
        if any(not -ndim <= a < ndim for a in given):
            raise ValueError(
                f'Layer "{self.name}": axis {self.axis!r} is out of range for inputs of shape '
                f"{shape_str(input_shape)} (valid axes are {-ndim} to {ndim - 1})."
            )
        axes = [a % ndim for a in given]
        if len(set(axes)) != len(axes):
            raise ValueError(f'Layer "{self.name}": axis {self.axis!r} names the same axis '
                             f"twice.")
        unknown = [a for a in axes if input_shape[a] is None]
        if unknown:
            raise ValueError(
                f'Layer "{self.name}": axis {unknown[0]} of its input must have a known size, '
                f"received input shape {shape_str(input_shape)}."
            )
        self.input_spec = InputSpec(ndim=ndim, axes={g: input_shape[a]
                                                     for g, a in zip(given, axes)})
        return axes

    def _add_gamma_beta(self, shape, gamma, beta):
        """Create `gamma` then `beta` (Keras's weight order), each when asked for."""
        if gamma:
            self.gamma = self.add_weight(shape=shape, initializer=self.gamma_initializer,
                                         regularizer=self.gamma_regularizer,
                                         constraint=self.gamma_constraint, name="gamma")
        if beta:
            self.beta = self.add_weight(shape=shape, initializer=self.beta_initializer,
                                        regularizer=self.beta_regularizer,
                                        constraint=self.beta_constraint, name="beta")

    def compute_output_shape(self, input_shape):
        return tuple(input_shape)

    def get_config(self):
        config = super().get_config()
        config.update({
            "axis": self.axis,
            "epsilon": self.epsilon,
            "center": self.center,
            "scale": self.scale,
            "beta_initializer": initializers.serialize(self.beta_initializer),
            "gamma_initializer": initializers.serialize(self.gamma_initializer),
            "beta_regularizer": regularizers.serialize(self.beta_regularizer),
            "gamma_regularizer": regularizers.serialize(self.gamma_regularizer),
            "beta_constraint": constraints.serialize(self.beta_constraint),
            "gamma_constraint": constraints.serialize(self.gamma_constraint),
        })
        return config


class BatchNormalization(_ScaleOffset):
    """Normalizes each feature (channel) by the statistics of the batch during training and
    by their moving averages during inference.

    In training (`fit`, or a call with `training=True`) the output is
    `gamma * (x - mean(x)) / sqrt(var(x) + epsilon) + beta`, with the mean and (biased)
    variance taken over every axis but `axis`, and the moving statistics are updated:
    `moving = moving * momentum + batch_statistic * (1 - momentum)`. In inference
    (`evaluate`, `predict`, a plain call) the moving mean and variance take their place. A
    frozen layer (`trainable=False`) always runs in inference mode, as in Keras 3, so
    fine-tuning leaves its statistics alone.

    Args:
        axis: the feature axis (or list of axes) normalized separately: -1 for
            channels_last, 1 after a channels_first convolution.
        momentum: the weight of the old value in the moving averages.
        epsilon: added to the variance to avoid dividing by zero.
        center: whether to learn an offset `beta`.
        scale: whether to learn a scale `gamma`.
        beta_initializer, gamma_initializer: initializers ('zeros', 'ones').
        moving_mean_initializer, moving_variance_initializer: initializers ('zeros', 'ones').
        beta_regularizer, gamma_regularizer: optional penalties.
        beta_constraint, gamma_constraint: optional constraints.
        synchronized: only False (cross-device synchronization is TensorFlow-only in Keras).

    Weights, in order: gamma, beta (trainable), moving_mean, moving_variance (non-trainable);
    each has one value per index of `axis`.

    Input shape: any. Output shape: the same.

    >>> layer = BatchNormalization()
    >>> y = layer(np.random.rand(32, 4).astype("float32"), training=True)
    """

    def __init__(self, axis=-1, momentum=0.99, epsilon=1e-3, center=True, scale=True,
                 beta_initializer="zeros", gamma_initializer="ones",
                 moving_mean_initializer="zeros", moving_variance_initializer="ones",
                 beta_regularizer=None, gamma_regularizer=None, beta_constraint=None,
                 gamma_constraint=None, synchronized=False, **kwargs):
        super().__init__(axis, epsilon, center, scale, beta_initializer, gamma_initializer,
                         beta_regularizer, gamma_regularizer, beta_constraint, gamma_constraint,
                         **kwargs)
        if synchronized:
            raise ValueError(f'Layer "{self.name}": synchronized=True is only supported with '
                             f"the TensorFlow backend of Keras; use synchronized=False.")
        self.synchronized = False
        self.momentum = _number(self, "momentum", momentum)
        self.moving_mean_initializer = initializers.get(moving_mean_initializer)
        self.moving_variance_initializer = initializers.get(moving_variance_initializer)

    def build(self, input_shape):
        axes = self._feature_axes(input_shape)
        shape = tuple(input_shape[a] for a in axes)
        self._add_gamma_beta(shape, self.scale, self.center)
        self.moving_mean = self.add_weight(shape=shape, initializer=self.moving_mean_initializer,
                                           trainable=False, name="moving_mean")
        self.moving_variance = self.add_weight(shape=shape,
                                               initializer=self.moving_variance_initializer,
                                               trainable=False, name="moving_variance")
        ndim = len(input_shape)
        self._axes = axes
        self._reduction_axes = tuple(d for d in range(ndim) if d not in axes)
        self._param_shape = tuple(input_shape[d] if d in axes else 1 for d in range(ndim))
        self.built = True

    def call(self, inputs, training=False):
        if training and self.trainable:
            outputs, mean, variance = normalize_by_moments(
                inputs, self._reduction_axes, self.gamma, self.beta, self.epsilon,
                self._param_shape)
            # The moving statistics are state, not parameters: updated in place, off the tape.
            momentum = self.momentum
            for moving, batch in ((self.moving_mean, mean), (self.moving_variance, variance)):
                value = moving.data
                value *= value.dtype.type(momentum)
                value += batch.data.reshape(value.shape) * batch.dtype.type(1.0 - momentum)
            return outputs
        return batch_normalization(inputs, self.moving_mean, self.moving_variance, self._axes,
                                   offset=self.beta, scale=self.gamma, epsilon=self.epsilon)

    def get_config(self):
        config = super().get_config()
        config.update({
            "momentum": self.momentum,
            "moving_mean_initializer": initializers.serialize(self.moving_mean_initializer),
            "moving_variance_initializer":
                initializers.serialize(self.moving_variance_initializer),
            "synchronized": self.synchronized,
        })
        return config


class LayerNormalization(_ScaleOffset):
    """Normalizes each sample by its own mean and variance over `axis`, the same in training
    and inference.

    Computes `(x - mean) / sqrt(var + epsilon) * gamma + beta` with the (biased) statistics
    of each sample over `axis`; gamma and beta have the shape of those axes. With
    `rms_scaling=True` the output is `x / sqrt(var + epsilon) * gamma` (Keras's definition:
    the variance, not the mean square, and no centring or beta).

    Args:
        axis: the axis or list of axes to normalize over (default the last).
        epsilon: added to the variance to avoid dividing by zero.
        center: whether to learn an offset `beta`.
        scale: whether to learn a scale `gamma`.
        rms_scaling: see above; `center` and `scale` are then ignored.
        beta_initializer, gamma_initializer: initializers ('zeros', 'ones').
        beta_regularizer, gamma_regularizer: optional penalties.
        beta_constraint, gamma_constraint: optional constraints.

    Input shape: any. Output shape: the same.

    >>> LayerNormalization(axis=[1, 2])(np.random.rand(2, 3, 4).astype("float32")).shape
    (2, 3, 4)
    """

    def __init__(self, axis=-1, epsilon=1e-3, center=True, scale=True, rms_scaling=False,
                 beta_initializer="zeros", gamma_initializer="ones", beta_regularizer=None,
                 gamma_regularizer=None, beta_constraint=None, gamma_constraint=None,
                 **kwargs):
        super().__init__(axis, epsilon, center, scale, beta_initializer, gamma_initializer,
                         beta_regularizer, gamma_regularizer, beta_constraint, gamma_constraint,
                         **kwargs)
        self.rms_scaling = bool(rms_scaling)

    def build(self, input_shape):
        axes = self._feature_axes(input_shape)
        shape = tuple(input_shape[a] for a in axes)
        self._add_gamma_beta(shape, self.scale or self.rms_scaling,
                             self.center and not self.rms_scaling)
        ndim = len(input_shape)
        self._axes = tuple(sorted(axes))
        self._param_shape = tuple(input_shape[d] if d in axes else 1 for d in range(ndim))
        self.built = True

    def call(self, inputs):
        if not self.rms_scaling:
            return normalize_by_moments(inputs, self._axes, self.gamma, self.beta,
                                        self.epsilon, self._param_shape)[0]
        variance = reduction.var(inputs, axis=self._axes, keepdims=True)
        dtype = inputs.dtype.type
        outputs = inputs * (dtype(1) / math_ops.sqrt(variance + dtype(self.epsilon)))
        return outputs * shape_ops.reshape(self.gamma, self._param_shape)

    def get_config(self):
        config = super().get_config()
        config["rms_scaling"] = self.rms_scaling
        return config


class GroupNormalization(_ScaleOffset):
    """Splits the channels into `groups` and normalizes each sample by the mean and variance
    of each group (over the group's channels and all other non-batch axes).

    groups=1 normalizes each sample over everything (like LayerNormalization, but with one
    gamma and beta per channel); groups=-1 (one channel per group) is instance normalization.

    Args:
        groups: the number of groups, dividing the number of channels (default 32);
            -1 means one group per channel.
        axis: the channels axis (default -1).
        epsilon: added to the variance to avoid dividing by zero.
        center: whether to learn an offset `beta` (one per channel).
        scale: whether to learn a scale `gamma` (one per channel).
        beta_initializer, gamma_initializer: initializers ('zeros', 'ones').
        beta_regularizer, gamma_regularizer: optional penalties.
        beta_constraint, gamma_constraint: optional constraints.

    Input shape: any, with a known number of channels. Output shape: the same.

    >>> GroupNormalization(groups=2)(np.random.rand(2, 5, 5, 4).astype("float32")).shape
    (2, 5, 5, 4)
    """

    def __init__(self, groups=32, axis=-1, epsilon=1e-3, center=True, scale=True,
                 beta_initializer="zeros", gamma_initializer="ones", beta_regularizer=None,
                 gamma_regularizer=None, beta_constraint=None, gamma_constraint=None,
                 **kwargs):
        super().__init__(axis, epsilon, center, scale, beta_initializer, gamma_initializer,
                         beta_regularizer, gamma_regularizer, beta_constraint, gamma_constraint,
                         **kwargs)
        if not _is_int(self.axis):
            raise TypeError(f'Layer "{self.name}": `axis` must be one integer (the channels '
                            f"axis), received axis={axis!r}.")
        if not _is_int(groups) or not (groups > 0 or groups == -1):
            raise ValueError(f'Layer "{self.name}": `groups` must be a positive integer or -1 '
                             f"(one group per channel), received groups={groups!r}.")
        self.groups = int(groups)

    def build(self, input_shape):
        (axis,) = self._feature_axes(input_shape)
        channels = input_shape[axis]
        if self.groups == -1:
            self.groups = channels
        if channels < self.groups:
            raise ValueError(
                f'Layer "{self.name}": the number of groups ({self.groups}) cannot be more than '
                f"the number of channels ({channels}) of inputs of shape "
                f"{shape_str(input_shape)}."
            )
        if channels % self.groups:
            raise ValueError(
                f'Layer "{self.name}": the number of channels ({channels}) must be a multiple '
                f"of the number of groups ({self.groups}); choose groups among the divisors "
                f"of {channels}."
            )
        self._add_gamma_beta((channels,), self.scale, self.center)
        # The computation runs on x reshaped so the channels axis becomes (groups, per group).
        ndim = len(input_shape)
        self._channel_axis = axis
        self._reduction_axes = tuple(d for d in range(1, ndim + 1) if d != axis)
        shape = [1] * (ndim + 1)
        shape[axis:axis + 2] = [self.groups, channels // self.groups]
        self._param_shape = tuple(shape)
        self.built = True

    def call(self, inputs):
        shape = inputs.shape
        axis = self._channel_axis
        grouped = shape[:axis] + (self.groups, shape[axis] // self.groups) + shape[axis + 1:]
        outputs = normalize_by_moments(shape_ops.reshape(inputs, grouped),
                                       self._reduction_axes, self.gamma, self.beta,
                                       self.epsilon, self._param_shape)[0]
        return shape_ops.reshape(outputs, shape)

    def get_config(self):
        config = super().get_config()
        config["groups"] = self.groups
        return config


def _is_int(value):
    return isinstance(value, (int, np.integer)) and not isinstance(value, (bool, np.bool_))


def _number(layer, name, value):
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, float, np.number)) \
            or not np.isfinite(value) or value < 0:
        raise ValueError(f'Layer "{layer.name}": `{name}` must be a non-negative number, '
                         f"received {name}={value!r}.")
    return float(value)


LAYERS = (BatchNormalization, LayerNormalization, GroupNormalization)
