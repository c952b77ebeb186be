"""Convolution layers: Conv1D/2D/3D, their transposes, DepthwiseConv1D/2D, SeparableConv1D/2D.

Each family has one base class holding Keras's arguments, checks, weights and config; the
layers themselves only fix the number of spatial axes (`rank`). The work is done by the ops of
backend/ops/conv.py (im2col windows and one matrix product per direction).
"""

import numpy as np

from .. import activations, constraints, initializers, regularizers
from ..backend.config import standardize_data_format
from ..backend.ops.conv import (conv, conv_output_spatial, conv_transpose,
                                conv_transpose_output_spatial, depthwise_conv, separable_conv,
                                standardize_ints, standardize_padding)
from .base import InputSpec, Layer, shape_str

__all__ = ["Conv1D", "Conv2D", "Conv3D", "Conv1DTranspose", "Conv2DTranspose",
           "Conv3DTranspose", "DepthwiseConv1D", "DepthwiseConv2D", "SeparableConv1D",
           "SeparableConv2D", "Convolution1D", "Convolution2D", "Convolution3D",
           "Convolution1DTranspose", "Convolution2DTranspose", "Convolution3DTranspose",
           "SeparableConvolution1D", "SeparableConvolution2D"]

# Activations computed inside the convolution op, in place on its output.
_FUSED = {activations.linear: None, activations.relu: "relu", activations.tanh: "tanh"}


def _positive_int(layer, value, name):
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, np.integer)) \
            or value <= 0:
        raise ValueError(f'Layer "{layer.name}": invalid value for argument `{name}`. Expected '
                         f"a strictly positive integer. Received: {name}={value!r}")
    return int(value)


class _Conv(Layer):
    """The arguments, checks and configs shared by every convolution layer.

    Subclasses set `rank` (the number of spatial axes) and `paddings` (the allowed modes), and
    implement `build`, `call` and `compute_output_shape` with the helpers here.
    """

    rank = None
    paddings = ("valid", "same")

    def _standardize(self, kernel_size, strides, padding, data_format, dilation_rate):
        where = f'Layer "{self.name}"'
        n = self.rank
        self.kernel_size = standardize_ints(kernel_size, n, "kernel_size", where)
        self.strides = standardize_ints(strides, n, "strides", where)
        self.dilation_rate = standardize_ints(dilation_rate, n, "dilation_rate", where)
        self.padding = standardize_padding(padding, where, self.paddings)
        self.data_format = standardize_data_format(data_format, where)
        if max(self.strides) > 1 and max(self.dilation_rate) > 1:
            raise ValueError(
                f"{where}: `strides > 1` not supported in conjunction with `dilation_rate > 1`."
                f" Received: strides={self.strides} and dilation_rate={self.dilation_rate}"
            )
        self.input_spec = InputSpec(min_ndim=n + 2, max_ndim=n + 2)

    def _input_channels(self, input_shape):
        """The channels of `input_shape`, which must be known; sets the input spec."""
        axis = -1 if self.data_format == "channels_last" else 1
        channels = input_shape[axis]
        if channels is None:
            raise ValueError(
                f'Layer "{self.name}": the channels axis of its input must have a known size '
                f"(axis {axis} for data_format='{self.data_format}'), received input shape "
                f"{shape_str(input_shape)}."
            )
        self.input_spec = InputSpec(min_ndim=self.rank + 2, max_ndim=self.rank + 2,
                                    axes={axis: channels})
        return channels

    def _spatial(self, shape):
        return tuple(shape[1:-1] if self.data_format == "channels_last" else shape[2:])

    def _output_shape(self, input_shape, spatial, channels):
        if self.data_format == "channels_last":
            return (input_shape[0],) + tuple(spatial) + (channels,)
        return (input_shape[0], channels) + tuple(spatial)

    def _conv_spatial(self, input_shape):
        """The output's spatial sizes; names this layer if the kernel does not fit."""
        return conv_output_spatial(self._spatial(input_shape), self.kernel_size, self.strides,
                                   self.dilation_rate, self.padding, f'Layer "{self.name}"')

    def _weight(self, name, shape, initializer, regularizer, constraint):
        return self.add_weight(name=name, shape=shape, initializer=initializer,
                               regularizer=regularizer, constraint=constraint)

    def _common_config(self):
        config = super().get_config()
        config.update({"kernel_size": self.kernel_size, "strides": self.strides,
                       "padding": self.padding, "data_format": self.data_format,
                       "dilation_rate": self.dilation_rate})
        return config

    def _activate(self, outputs):
        return outputs if self.activation is activations.linear else self.activation(outputs)


class BaseConv(_Conv):
    """Abstract N-D convolution: `activation(conv(inputs, kernel) + bias)`.

    Args:
        filters: the number of output channels.
        kernel_size: the window size, an int or one int per spatial axis.
        strides: the step between windows, an int or one per axis (default 1).
        padding: 'valid' (windows inside the input), 'same' (ceil(size / stride) outputs; the
            odd padding goes after, as in TensorFlow), or for Conv1D 'causal' (all padding
            before, so output t sees inputs up to t only).
        data_format: 'channels_last' (batch, *spatial, channels) or 'channels_first'
            (default: `keras.config.image_data_format()`).
        dilation_rate: the spacing of the kernel's taps (default 1); not with strides > 1.
        groups: split the channels into this many groups, each convolved with
            filters / groups filters; channels and filters must both divide by it.
        activation: the activation (default none); 'relu' and 'tanh' run inside the op.
        use_bias: whether to add a bias per filter.
        kernel_initializer, bias_initializer: 'glorot_uniform' and 'zeros' by default.
        kernel_regularizer, bias_regularizer, activity_regularizer: optional penalties.
        kernel_constraint, bias_constraint: optional constraints applied after updates.

    Weights: kernel (*kernel_size, channels / groups, filters), then bias (filters,).
    """

    def __init__(self, filters, kernel_size, strides=1, padding="valid", data_format=None,
                 dilation_rate=1, groups=1, activation=None, use_bias=True,
                 kernel_initializer="glorot_uniform", bias_initializer="zeros",
                 kernel_regularizer=None, bias_regularizer=None, activity_regularizer=None,
                 kernel_constraint=None, bias_constraint=None, lora_rank=None, lora_alpha=None,
                 dora_rank=None, dora_alpha=None, **kwargs):
        super().__init__(activity_regularizer=activity_regularizer, **kwargs)
        if lora_rank or dora_rank:
            raise ValueError(f'Layer "{self.name}": LoRA and DoRA are not supported '
                             f"(lora_rank, dora_rank).")
        self.filters = _positive_int(self, filters, "filters")
        self.groups = _positive_int(self, groups, "groups")
        if self.filters % self.groups:
            raise ValueError(
                f'Layer "{self.name}": the number of filters must be evenly divisible by the '
                f"number of groups. Received: groups={self.groups}, filters={self.filters}."
            )
        self._standardize(kernel_size, strides, padding, data_format, dilation_rate)
        self.activation = activations.get(activation)
        self.use_bias = bool(use_bias)
        self.kernel_initializer = initializers.get(kernel_initializer)
        self.bias_initializer = initializers.get(bias_initializer)
        self.kernel_regularizer = regularizers.get(kernel_regularizer)
        self.bias_regularizer = regularizers.get(bias_regularizer)
        self.kernel_constraint = constraints.get(kernel_constraint)
        self.bias_constraint = constraints.get(bias_constraint)

    def build(self, input_shape):
        channels = self._input_channels(input_shape)
        if channels % self.groups:
            raise ValueError(
                f'Layer "{self.name}": the number of input channels must be evenly divisible '
                f"by the number of groups. Received groups={self.groups}, but the input has "
                f"{channels} channels (full input shape is {shape_str(input_shape)})."
            )
        self._conv_spatial(input_shape)
        self.kernel = self._weight("kernel", self.kernel_size + (channels // self.groups,
                                                                 self.filters),
                                   self.kernel_initializer, self.kernel_regularizer,
                                   self.kernel_constraint)
        self.bias = None
        if self.use_bias:
            self.bias = self._weight("bias", (self.filters,), self.bias_initializer,
                                     self.bias_regularizer, self.bias_constraint)
        self.built = True

    def call(self, inputs):
        self._conv_spatial(inputs.shape)  # an input smaller than at build names this layer
        fused = self.activation in _FUSED
        outputs = conv(inputs, self.kernel, self.strides, self.padding, self.data_format,
                       self.dilation_rate, bias=self.bias,
                       activation=_FUSED[self.activation] if fused else None)
        return outputs if fused else self.activation(outputs)

    def compute_output_shape(self, input_shape):
        return self._output_shape(input_shape, self._conv_spatial(input_shape), self.filters)

    def get_config(self):
        config = self._common_config()
        config.update({
            "filters": self.filters,
            "groups": self.groups,
            "activation": activations.serialize(self.activation),
            "use_bias": self.use_bias,
            "kernel_initializer": initializers.serialize(self.kernel_initializer),
            "bias_initializer": initializers.serialize(self.bias_initializer),
            "kernel_regularizer": regularizers.serialize(self.kernel_regularizer),
            "bias_regularizer": regularizers.serialize(self.bias_regularizer),
            "activity_regularizer": regularizers.serialize(self.activity_regularizer),
            "kernel_constraint": constraints.serialize(self.kernel_constraint),
            "bias_constraint": constraints.serialize(self.bias_constraint),
        })
        return config


class Conv1D(BaseConv):
    """1-D convolution over sequences (batch, steps, channels), e.g. for text or audio.

    Arguments as for Conv2D (see `BaseConv`), with ints for sizes, and `padding='causal'`
    for models that must not look ahead (WaveNet-style, with `dilation_rate`).

    Input shape: (batch, steps, channels), or (batch, channels, steps) for channels_first.
    Output shape: (batch, new_steps, filters), or (batch, filters, new_steps).

    >>> Conv1D(32, 3, activation="relu")(np.zeros((4, 10, 128), "float32")).shape
    (4, 8, 32)
    """

    rank = 1
    paddings = ("valid", "same", "causal")


class Conv2D(BaseConv):
    """2-D convolution over images: `activation(conv2d(inputs, kernel) + bias)`.

    The layer slides `filters` kernels of `kernel_size` over the image (a cross-correlation,
    as in Keras) and adds a bias per filter. See `BaseConv` for the arguments.

    Input shape: (batch, height, width, channels), or (batch, channels, height, width) for
        data_format='channels_first'.
    Output shape: (batch, new_height, new_width, filters), or channels first.

    >>> Conv2D(32, 3, activation="relu")(np.zeros((4, 10, 10, 3), "float32")).shape
    (4, 8, 8, 32)
    """

    rank = 2


class Conv3D(BaseConv):
    """3-D convolution over volumes (batch, depth, height, width, channels), e.g. video.

    See `BaseConv` for the arguments.

    Input shape: (batch, d1, d2, d3, channels), or (batch, channels, d1, d2, d3).
    Output shape: (batch, new_d1, new_d2, new_d3, filters), or channels first.

    >>> Conv3D(8, 3)(np.zeros((2, 5, 5, 5, 1), "float32")).shape
    (2, 3, 3, 3, 8)
    """

    rank = 3


class BaseConvTranspose(_Conv):
    """Abstract N-D transposed convolution ("deconvolution"): the gradient of a convolution
    with respect to its input, used to upsample (e.g. in decoders and GAN generators).

    Args:
        filters: the number of output channels.
        kernel_size, strides, dilation_rate: ints or one int per spatial axis.
        padding: 'valid' (output (size - 1) * stride + max(kernel, stride)) or 'same' (output
            size * stride).
        data_format: 'channels_last' or 'channels_first' (default: image_data_format()).
        activation, use_bias, kernel_initializer, bias_initializer, kernel_regularizer,
            bias_regularizer, activity_regularizer, kernel_constraint, bias_constraint: as
            for Conv2D.
        output_padding: optional int or one int per axis, each less than its stride: the
            output size becomes (size - 1) * stride + kernel + output_padding for 'valid'
            ((size - 1) * stride + kernel % 2 + output_padding for 'same').

    Weights: kernel (*kernel_size, filters, channels), then bias (filters,).
    """

    def __init__(self, filters, kernel_size, strides=1, padding="valid", data_format=None,
                 dilation_rate=1, activation=None, use_bias=True,
                 kernel_initializer="glorot_uniform", bias_initializer="zeros",
                 kernel_regularizer=None, bias_regularizer=None, activity_regularizer=None,
                 kernel_constraint=None, bias_constraint=None, output_padding=None, **kwargs):
        super().__init__(activity_regularizer=activity_regularizer, **kwargs)
        self.filters = _positive_int(self, filters, "filters")
        self._standardize(kernel_size, strides, padding, data_format, dilation_rate)
        self.output_padding = None
        if output_padding is not None:
            where = f'Layer "{self.name}"'
            self.output_padding = standardize_ints(output_padding, self.rank, "output_padding",
                                                   where, minimum=0)
            if any(p >= s for p, s in zip(self.output_padding, self.strides)):
                raise ValueError(f"{where}: `output_padding` must be < `strides`. "
                                 f"output_padding={self.output_padding}, "
                                 f"strides={self.strides}")
        self.activation = activations.get(activation)
        self.use_bias = bool(use_bias)
        self.kernel_initializer = initializers.get(kernel_initializer)
        self.bias_initializer = initializers.get(bias_initializer)
        self.kernel_regularizer = regularizers.get(kernel_regularizer)
        self.bias_regularizer = regularizers.get(bias_regularizer)
        self.kernel_constraint = constraints.get(kernel_constraint)
        self.bias_constraint = constraints.get(bias_constraint)

    def _transpose_spatial(self, input_shape):
        sizes, _ = conv_transpose_output_spatial(
            self._spatial(input_shape), self.kernel_size, self.strides, self.dilation_rate,
            self.padding, self.output_padding, f'Layer "{self.name}"')
        return sizes

    def build(self, input_shape):
        channels = self._input_channels(input_shape)
        self._transpose_spatial(input_shape)
        self.kernel = self._weight("kernel", self.kernel_size + (self.filters, channels),
                                   self.kernel_initializer, self.kernel_regularizer,
                                   self.kernel_constraint)
        self.bias = None
        if self.use_bias:
            self.bias = self._weight("bias", (self.filters,), self.bias_initializer,
                                     self.bias_regularizer, self.bias_constraint)
        self.built = True

    def call(self, inputs):
        self._transpose_spatial(inputs.shape)
        outputs = conv_transpose(inputs, self.kernel, self.strides, self.padding,
                                 self.output_padding, self.data_format, self.dilation_rate,
                                 bias=self.bias)
        return self._activate(outputs)

    def compute_output_shape(self, input_shape):
        return self._output_shape(input_shape, self._transpose_spatial(input_shape),
                                  self.filters)

    def get_config(self):
        config = self._common_config()
        config.update({
            "filters": self.filters,
            "activation": activations.serialize(self.activation),
            "use_bias": self.use_bias,
            "kernel_initializer": initializers.serialize(self.kernel_initializer),
            "bias_initializer": initializers.serialize(self.bias_initializer),
            "kernel_regularizer": regularizers.serialize(self.kernel_regularizer),
            "bias_regularizer": regularizers.serialize(self.bias_regularizer),
            "activity_regularizer": regularizers.serialize(self.activity_regularizer),
            "kernel_constraint": constraints.serialize(self.kernel_constraint),
            "bias_constraint": constraints.serialize(self.bias_constraint),
        })
        # Keras 3 leaves output_padding out of its config (so it is lost in a round trip);
        # it is written here when set, and Keras accepts it back as a keyword argument.
        if self.output_padding is not None:
            config["output_padding"] = self.output_padding
        return config


class Conv1DTranspose(BaseConvTranspose):
    """1-D transposed convolution, to upsample sequences; see `BaseConvTranspose`.

    Input shape: (batch, steps, channels), or channels first.
    Output shape: (batch, new_steps, filters), or channels first.

    >>> Conv1DTranspose(8, 3, strides=2)(np.zeros((2, 10, 4), "float32")).shape
    (2, 21, 8)
    """

    rank = 1


class Conv2DTranspose(BaseConvTranspose):
    """2-D transposed convolution, to upsample images; see `BaseConvTranspose`.

    Input shape: (batch, height, width, channels), or channels first.
    Output shape: (batch, new_height, new_width, filters), or channels first.

    >>> Conv2DTranspose(32, 2, 2, activation="relu")(np.zeros((4, 10, 8, 128), "float32")).shape
    (4, 20, 16, 32)
    """

    rank = 2


class Conv3DTranspose(BaseConvTranspose):
    """3-D transposed convolution, to upsample volumes; see `BaseConvTranspose`.

    Input shape: (batch, d1, d2, d3, channels), or channels first.
    Output shape: (batch, new_d1, new_d2, new_d3, filters), or channels first.

    >>> Conv3DTranspose(4, 2, 2)(np.zeros((1, 3, 3, 3, 2), "float32")).shape
    (1, 6, 6, 6, 4)
    """

    rank = 3


class BaseDepthwiseConv(_Conv):
    """Abstract N-D depthwise convolution: each input channel is convolved with its own
    `depth_multiplier` kernels, with no mixing between channels.

    Args:
        kernel_size, strides, padding, data_format, dilation_rate: as for Conv2D ('valid'
            or 'same' padding).
        depth_multiplier: the number of output channels per input channel (default 1);
            output channel c * depth_multiplier + m comes from input channel c.
        activation, use_bias: as for Conv2D.
        depthwise_initializer, bias_initializer: 'glorot_uniform' and 'zeros' by default.
        depthwise_regularizer, bias_regularizer, activity_regularizer: optional penalties.
        depthwise_constraint, bias_constraint: optional constraints.

    Weights: kernel (*kernel_size, channels, depth_multiplier), then bias
    (channels * depth_multiplier,).
    """

    def __init__(self, kernel_size, strides=1, padding="valid", depth_multiplier=1,
                 data_format=None, dilation_rate=1, activation=None, use_bias=True,
                 depthwise_initializer="glorot_uniform", bias_initializer="zeros",
                 depthwise_regularizer=None, bias_regularizer=None, activity_regularizer=None,
                 depthwise_constraint=None, bias_constraint=None, **kwargs):
        super().__init__(activity_regularizer=activity_regularizer, **kwargs)
        self.depth_multiplier = _positive_int(self, depth_multiplier, "depth_multiplier")
        self._standardize(kernel_size, strides, padding, data_format, dilation_rate)
        self.activation = activations.get(activation)
        self.use_bias = bool(use_bias)
        self.depthwise_initializer = initializers.get(depthwise_initializer)
        self.bias_initializer = initializers.get(bias_initializer)
        self.depthwise_regularizer = regularizers.get(depthwise_regularizer)
        self.bias_regularizer = regularizers.get(bias_regularizer)
        self.depthwise_constraint = constraints.get(depthwise_constraint)
        self.bias_constraint = constraints.get(bias_constraint)

    def build(self, input_shape):
        channels = self._input_channels(input_shape)
        self._conv_spatial(input_shape)
        # Keras 3 names this weight 'kernel' (tf.keras called it 'depthwise_kernel').
        self.kernel = self._weight("kernel", self.kernel_size + (channels,
                                                                 self.depth_multiplier),
                                   self.depthwise_initializer, self.depthwise_regularizer,
                                   self.depthwise_constraint)
        self.bias = None
        if self.use_bias:
            self.bias = self._weight("bias", (channels * self.depth_multiplier,),
                                     self.bias_initializer, self.bias_regularizer,
                                     self.bias_constraint)
        self.built = True

    def call(self, inputs):
        self._conv_spatial(inputs.shape)
        fused = self.activation in _FUSED
        outputs = depthwise_conv(inputs, self.kernel, self.strides, self.padding,
                                 self.data_format, self.dilation_rate, bias=self.bias,
                                 activation=_FUSED[self.activation] if fused else None)
        return outputs if fused else self.activation(outputs)

    def compute_output_shape(self, input_shape):
        channels = input_shape[-1 if self.data_format == "channels_last" else 1]
        return self._output_shape(input_shape, self._conv_spatial(input_shape),
                                  None if channels is None else channels * self.depth_multiplier)

    def get_config(self):
        config = self._common_config()
        config.update({
            "depth_multiplier": self.depth_multiplier,
            "activation": activations.serialize(self.activation),
            "use_bias": self.use_bias,
            "depthwise_initializer": initializers.serialize(self.depthwise_initializer),
            "bias_initializer": initializers.serialize(self.bias_initializer),
            "depthwise_regularizer": regularizers.serialize(self.depthwise_regularizer),
            "bias_regularizer": regularizers.serialize(self.bias_regularizer),
            "activity_regularizer": regularizers.serialize(self.activity_regularizer),
            "depthwise_constraint": constraints.serialize(self.depthwise_constraint),
            "bias_constraint": constraints.serialize(self.bias_constraint),
        })
        return config


class DepthwiseConv1D(BaseDepthwiseConv):
    """1-D depthwise convolution; see `BaseDepthwiseConv`.

    Input shape: (batch, steps, channels), or channels first.
    Output shape: (batch, new_steps, channels * depth_multiplier), or channels first.

    >>> DepthwiseConv1D(3, depth_multiplier=2)(np.zeros((4, 10, 12), "float32")).shape
    (4, 8, 24)
    """

    rank = 1


class DepthwiseConv2D(BaseDepthwiseConv):
    """2-D depthwise convolution, as in MobileNet; see `BaseDepthwiseConv`.

    Input shape: (batch, height, width, channels), or channels first.
    Output shape: (batch, new_height, new_width, channels * depth_multiplier), or channels
        first.

    >>> DepthwiseConv2D(3, depth_multiplier=3)(np.zeros((4, 10, 10, 12), "float32")).shape
    (4, 8, 8, 36)
    """

    rank = 2


class BaseSeparableConv(_Conv):
    """Abstract N-D separable convolution: a depthwise convolution (one set of kernels per
    channel), then a pointwise (1x1) convolution mixing the channels into `filters` outputs.

    Far fewer weights than a full convolution of the same size, as in Xception.

    Args:
        filters: the number of output channels.
        kernel_size, strides, padding, data_format, dilation_rate: of the depthwise step, as
            for Conv2D ('valid' or 'same' padding).
        depth_multiplier: depthwise output channels per input channel (default 1).
        activation, use_bias: as for Conv2D.
        depthwise_initializer, pointwise_initializer, bias_initializer,
            depthwise_regularizer, pointwise_regularizer, bias_regularizer,
            activity_regularizer, depthwise_constraint, pointwise_constraint,
            bias_constraint: per weight, as for Conv2D.

    Weights: depthwise_kernel (*kernel_size, channels, depth_multiplier), pointwise_kernel
    (1, ..., 1, channels * depth_multiplier, filters), then bias (filters,).
    """

    def __init__(self, filters, kernel_size, strides=1, padding="valid", data_format=None,
                 dilation_rate=1, depth_multiplier=1, activation=None, use_bias=True,
                 depthwise_initializer="glorot_uniform", pointwise_initializer="glorot_uniform",
                 bias_initializer="zeros", depthwise_regularizer=None,
                 pointwise_regularizer=None, bias_regularizer=None, activity_regularizer=None,
                 depthwise_constraint=None, pointwise_constraint=None, bias_constraint=None,
                 **kwargs):
        super().__init__(activity_regularizer=activity_regularizer, **kwargs)
        self.filters = _positive_int(self, filters, "filters")
        self.depth_multiplier = _positive_int(self, depth_multiplier, "depth_multiplier")
        self._standardize(kernel_size, strides, padding, data_format, dilation_rate)
        self.activation = activations.get(activation)
        self.use_bias = bool(use_bias)
        self.depthwise_initializer = initializers.get(depthwise_initializer)
        self.pointwise_initializer = initializers.get(pointwise_initializer)
        self.bias_initializer = initializers.get(bias_initializer)
        self.depthwise_regularizer = regularizers.get(depthwise_regularizer)
        self.pointwise_regularizer = regularizers.get(pointwise_regularizer)
        self.bias_regularizer = regularizers.get(bias_regularizer)
        self.depthwise_constraint = constraints.get(depthwise_constraint)
        self.pointwise_constraint = constraints.get(pointwise_constraint)
        self.bias_constraint = constraints.get(bias_constraint)

    def build(self, input_shape):
        channels = self._input_channels(input_shape)
        self._conv_spatial(input_shape)
        self.depthwise_kernel = self._weight(
            "depthwise_kernel", self.kernel_size + (channels, self.depth_multiplier),
            self.depthwise_initializer, self.depthwise_regularizer, self.depthwise_constraint)
        self.pointwise_kernel = self._weight(
            "pointwise_kernel", (1,) * self.rank + (channels * self.depth_multiplier,
                                                    self.filters),
            self.pointwise_initializer, self.pointwise_regularizer, self.pointwise_constraint)
        self.bias = None
        if self.use_bias:
            self.bias = self._weight("bias", (self.filters,), self.bias_initializer,
                                     self.bias_regularizer, self.bias_constraint)
        self.built = True

    def call(self, inputs):
        self._conv_spatial(inputs.shape)
        outputs = separable_conv(inputs, self.depthwise_kernel, self.pointwise_kernel,
                                 self.strides, self.padding, self.data_format,
                                 self.dilation_rate, bias=self.bias)
        return self._activate(outputs)

    def compute_output_shape(self, input_shape):
        return self._output_shape(input_shape, self._conv_spatial(input_shape), self.filters)

    def get_config(self):
        config = self._common_config()
        config.update({
            "depth_multiplier": self.depth_multiplier,
            "filters": self.filters,
            "activation": activations.serialize(self.activation),
            "use_bias": self.use_bias,
            "depthwise_initializer": initializers.serialize(self.depthwise_initializer),
            "pointwise_initializer": initializers.serialize(self.pointwise_initializer),
            "bias_initializer": initializers.serialize(self.bias_initializer),
            "depthwise_regularizer": regularizers.serialize(self.depthwise_regularizer),
            "pointwise_regularizer": regularizers.serialize(self.pointwise_regularizer),
            "bias_regularizer": regularizers.serialize(self.bias_regularizer),
            "activity_regularizer": regularizers.serialize(self.activity_regularizer),
            "depthwise_constraint": constraints.serialize(self.depthwise_constraint),
            "pointwise_constraint": constraints.serialize(self.pointwise_constraint),
            "bias_constraint": constraints.serialize(self.bias_constraint),
        })
        return config


class SeparableConv1D(BaseSeparableConv):
    """1-D separable convolution; see `BaseSeparableConv`.

    Input shape: (batch, steps, channels), or channels first.
    Output shape: (batch, new_steps, filters), or channels first.

    >>> SeparableConv1D(4, 3, strides=2)(np.zeros((4, 10, 12), "float32")).shape
    (4, 4, 4)
    """

    rank = 1


class SeparableConv2D(BaseSeparableConv):
    """2-D separable convolution, as in Xception; see `BaseSeparableConv`.

    Input shape: (batch, height, width, channels), or channels first.
    Output shape: (batch, new_height, new_width, filters), or channels first.

    >>> SeparableConv2D(3, 4, strides=3)(np.zeros((4, 10, 10, 12), "float32")).shape
    (4, 3, 3, 3)
    """

    rank = 2


Convolution1D, Convolution2D, Convolution3D = Conv1D, Conv2D, Conv3D
Convolution1DTranspose, Convolution2DTranspose = Conv1DTranspose, Conv2DTranspose
Convolution3DTranspose = Conv3DTranspose
SeparableConvolution1D, SeparableConvolution2D = SeparableConv1D, SeparableConv2D

LAYERS = (Conv1D, Conv2D, Conv3D, Conv1DTranspose, Conv2DTranspose, Conv3DTranspose,
          DepthwiseConv1D, DepthwiseConv2D, SeparableConv1D, SeparableConv2D)
