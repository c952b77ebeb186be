"""Pooling layers: max and average pooling, local and global, in 1-D and 2-D.

The local poolings run the fused ops of backend/ops/pooling.py (no loop over pixels); the
global ones are a max or a mean over the spatial axes. None of them has weights.
"""

from ..backend.ops import math, reduction, shape as shape_ops
from ..backend.config import standardize_data_format
from ..backend.ops.pooling import average_pool, max_pool, pooled_shape, standardize_pool_args
from .base import InputSpec, Layer

__all__ = ["MaxPooling1D", "MaxPooling2D", "AveragePooling1D", "AveragePooling2D",
           "GlobalMaxPooling1D", "GlobalMaxPooling2D", "GlobalAveragePooling1D",
           "GlobalAveragePooling2D", "MaxPool1D", "MaxPool2D", "AvgPool1D", "AvgPool2D",
           "GlobalMaxPool1D", "GlobalMaxPool2D", "GlobalAvgPool1D", "GlobalAvgPool2D"]


class _Pooling(Layer):
    """Shared by the local poolings: arguments, shape checks, the call and the config."""

    rank = None   # the number of spatial axes
    pool = None   # the op: max_pool or average_pool

    def __init__(self, pool_size, strides=None, padding="valid", data_format=None, name=None,
                 **kwargs):
        super().__init__(name=name, **kwargs)
        where = f'Layer "{self.name}"'
        self.pool_size, self.strides, self.padding = standardize_pool_args(
            self.rank, pool_size, strides, padding, where)
        self.data_format = standardize_data_format(data_format, where)
        self.input_spec = InputSpec(ndim=self.rank + 2)

    def call(self, inputs):
        # Checked here too, so an input of a new size fails with this layer's name.
        pooled_shape(inputs.shape, self.pool_size, self.strides, self.padding,
                     self.data_format, f'Layer "{self.name}"')
        return type(self).pool(inputs, self.pool_size, self.strides, self.padding,
                               self.data_format)

    def compute_output_shape(self, input_shape):
        return pooled_shape(input_shape, self.pool_size, self.strides, self.padding,
                            self.data_format, f'Layer "{self.name}"')

    def get_config(self):
        config = super().get_config()
        config.update({"pool_size": self.pool_size, "padding": self.padding,
                       "strides": self.strides, "data_format": self.data_format})
        return config


class MaxPooling1D(_Pooling):
    """Max pooling for sequences: the largest value of each window of `pool_size` steps.

    In training, each window's gradient goes to its first largest value, as in TensorFlow.

    Args:
        pool_size: the window length (an int).
        strides: the step between windows (an int; default: pool_size).
        padding: 'valid' (windows lie inside the input) or 'same' (ceil(steps / strides)
            outputs; the padding is never the maximum).
        data_format: 'channels_last' (default: image_data_format()) or 'channels_first'.

    Input shape: (batch_size, steps, features), or (batch_size, features, steps) for
        channels_first.
    Output shape: the same with (steps - pool_size) // strides + 1 steps ('valid') or
        ceil(steps / strides) steps ('same').

    >>> MaxPooling1D(pool_size=2)(np.arange(6.0).reshape(1, 6, 1)).numpy().ravel()
    array([1., 3., 5.])
    """

    rank, pool = 1, max_pool

    def __init__(self, pool_size=2, strides=None, padding="valid", data_format=None, name=None,
                 **kwargs):
        super().__init__(pool_size, strides, padding, data_format, name=name, **kwargs)


class MaxPooling2D(_Pooling):
    """Max pooling for images: the largest value of each pool_size window, per channel.

    In training, each window's gradient goes to its first largest value, row by row, as in
    TensorFlow.

    Args:
        pool_size: the window size, an int or a tuple of 2 ints (rows, cols).
        strides: the step between windows, in the same form (default: pool_size).
        padding: 'valid' (windows lie inside the input) or 'same' (ceil(size / strides)
            outputs per axis; the padding is never the maximum).
        data_format: 'channels_last' (default: image_data_format()) or 'channels_first'.

    Input shape: (batch_size, rows, cols, channels), or (batch_size, channels, rows, cols) for
        channels_first.
    Output shape: the same with pooled rows and cols: (size - pool) // stride + 1 ('valid') or
        ceil(size / stride) ('same').

    >>> MaxPooling2D(pool_size=(2, 2))(Input(shape=(28, 28, 32))).shape
    (None, 14, 14, 32)
    """

    rank, pool = 2, max_pool

    def __init__(self, pool_size=(2, 2), strides=None, padding="valid", data_format=None,
                 name=None, **kwargs):
        super().__init__(pool_size, strides, padding, data_format, name=name, **kwargs)


class AveragePooling1D(_Pooling):
    """Average pooling for sequences: the mean of each window of `pool_size` steps.

    Args:
        pool_size: the window length (an int).
        strides: the step between windows (an int; default: pool_size).
        padding: 'valid' (windows lie inside the input) or 'same' (ceil(steps / strides)
            outputs; each window is averaged over its real, unpadded elements).
        data_format: 'channels_last' (default: image_data_format()) or 'channels_first'.

    Input shape: (batch_size, steps, features), or (batch_size, features, steps) for
        channels_first.
    Output shape: the same with (steps - pool_size) // strides + 1 steps ('valid') or
        ceil(steps / strides) steps ('same').

    >>> AveragePooling1D(pool_size=2)(np.arange(6.0).reshape(1, 6, 1)).numpy().ravel()
    array([0.5, 2.5, 4.5])
    """

    rank, pool = 1, average_pool

    def __init__(self, pool_size, strides=None, padding="valid", data_format=None, name=None,
                 **kwargs):
        super().__init__(pool_size, strides, padding, data_format, name=name, **kwargs)


class AveragePooling2D(_Pooling):
    """Average pooling for images: the mean of each pool_size window, per channel.

    Args:
        pool_size: the window size, an int or a tuple of 2 ints (rows, cols).
        strides: the step between windows, in the same form (default: pool_size).
        padding: 'valid' (windows lie inside the input) or 'same' (ceil(size / strides)
            outputs per axis; each window is averaged over its real, unpadded elements).
        data_format: 'channels_last' (default: image_data_format()) or 'channels_first'.

    Input shape: (batch_size, rows, cols, channels), or (batch_size, channels, rows, cols) for
        channels_first.
    Output shape: the same with pooled rows and cols: (size - pool) // stride + 1 ('valid') or
        ceil(size / stride) ('same').

    >>> AveragePooling2D(pool_size=(2, 2))(Input(shape=(28, 28, 32))).shape
    (None, 14, 14, 32)
    """

    rank, pool = 2, average_pool

    def __init__(self, pool_size, strides=None, padding="valid", data_format=None, name=None,
                 **kwargs):
        super().__init__(pool_size, strides, padding, data_format, name=name, **kwargs)


class _GlobalPooling(Layer):
    """Shared by the global poolings: one value per channel over all spatial positions."""

    rank = None

    def __init__(self, data_format=None, keepdims=False, **kwargs):
        super().__init__(**kwargs)
        self.data_format = standardize_data_format(data_format, f'Layer "{self.name}"')
        self.keepdims = bool(keepdims)
        self.input_spec = InputSpec(ndim=self.rank + 2)

    def _axes(self):
        first = 2 if self.data_format == "channels_first" else 1
        return tuple(range(first, first + self.rank))

    def compute_output_shape(self, input_shape):
        axes = self._axes()
        if self.keepdims:
            return tuple(1 if i in axes else d for i, d in enumerate(input_shape))
        return tuple(d for i, d in enumerate(input_shape) if i not in axes)

    def get_config(self):
        config = super().get_config()
        config.update({"data_format": self.data_format, "keepdims": self.keepdims})
        return config


class GlobalMaxPooling1D(_GlobalPooling):
    """The largest value of each feature over all steps; tied maxima share the gradient.

    Args:
        data_format: 'channels_last' (default: image_data_format()) or 'channels_first'.
        keepdims: keep the steps axis, with length 1.

    Input shape: (batch_size, steps, features), or (batch_size, features, steps) for
        channels_first.
    Output shape: (batch_size, features); with keepdims (batch_size, 1, features) or
        (batch_size, features, 1).

    >>> GlobalMaxPooling1D()(np.ones((2, 3, 4))).shape
    (2, 4)
    """

    rank = 1

    def call(self, inputs):
        return reduction.max(inputs, axis=self._axes(), keepdims=self.keepdims)


class GlobalMaxPooling2D(_GlobalPooling):
    """The largest value of each channel over the whole image; tied maxima share the gradient.

    Args:
        data_format: 'channels_last' (default: image_data_format()) or 'channels_first'.
        keepdims: keep the rows and cols axes, with length 1.

    Input shape: (batch_size, rows, cols, channels), or (batch_size, channels, rows, cols) for
        channels_first.
    Output shape: (batch_size, channels); with keepdims (batch_size, 1, 1, channels) or
        (batch_size, channels, 1, 1).

    >>> GlobalMaxPooling2D()(np.ones((2, 4, 5, 3))).shape
    (2, 3)
    """

    rank = 2

    def call(self, inputs):
        return reduction.max(inputs, axis=self._axes(), keepdims=self.keepdims)


class GlobalAveragePooling1D(_GlobalPooling):
    """The mean of each feature over all steps, or over the unmasked steps given a mask.

    Args:
        data_format: 'channels_last' (default: image_data_format()) or 'channels_first'.
        keepdims: keep the steps axis, with length 1.

    Call arguments:
        mask: optional (batch_size, steps) booleans, True for the steps to average over.

    Input shape: (batch_size, steps, features), or (batch_size, features, steps) for
        channels_first.
    Output shape: (batch_size, features); with keepdims (batch_size, 1, features) or
        (batch_size, features, 1).

    >>> GlobalAveragePooling1D()(np.ones((2, 3, 4))).shape
    (2, 4)
    """

    rank = 1

    def __init__(self, data_format=None, keepdims=False, **kwargs):
        super().__init__(data_format=data_format, keepdims=keepdims, **kwargs)
        self.supports_masking = True

    def call(self, inputs, mask=None):
        axis = self._axes()
        if mask is None:
            return reduction.mean(inputs, axis=axis, keepdims=self.keepdims)
        weights = shape_ops.expand_dims(math.cast(mask, inputs.dtype),
                                        2 if self.data_format == "channels_last" else 1)
        total = reduction.sum(inputs * weights, axis=axis, keepdims=self.keepdims)
        return total / reduction.sum(weights, axis=axis, keepdims=self.keepdims)

    def compute_mask(self, inputs, mask=None):
        return None


class GlobalAveragePooling2D(_GlobalPooling):
    """The mean of each channel over the whole image: the usual head of a modern CNN.

    Args:
        data_format: 'channels_last' (default: image_data_format()) or 'channels_first'.
        keepdims: keep the rows and cols axes, with length 1.

    Input shape: (batch_size, rows, cols, channels), or (batch_size, channels, rows, cols) for
        channels_first.
    Output shape: (batch_size, channels); with keepdims (batch_size, 1, 1, channels) or
        (batch_size, channels, 1, 1).

    >>> GlobalAveragePooling2D()(np.ones((2, 4, 5, 3))).shape
    (2, 3)
    """

    rank = 2

    def call(self, inputs):
        return reduction.mean(inputs, axis=self._axes(), keepdims=self.keepdims)


# Keras's shorter names for the same classes.
MaxPool1D, MaxPool2D = MaxPooling1D, MaxPooling2D
AvgPool1D, AvgPool2D = AveragePooling1D, AveragePooling2D
GlobalMaxPool1D, GlobalMaxPool2D = GlobalMaxPooling1D, GlobalMaxPooling2D
GlobalAvgPool1D, GlobalAvgPool2D = GlobalAveragePooling1D, GlobalAveragePooling2D

LAYERS = (MaxPooling1D, MaxPooling2D, AveragePooling1D, AveragePooling2D, GlobalMaxPooling1D,
          GlobalMaxPooling2D, GlobalAveragePooling1D, GlobalAveragePooling2D)
