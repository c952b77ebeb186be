"""Convolution layers (layers/convolutional.py).

Every layer goes through `layer_test` (shapes, dtype, weights, configs, numerical gradients of
the input and every weight, models, one training step) in several configurations. The layers'
outputs are compared with direct loops written here, for every padding / stride / dilation /
groups combination and both data formats; then output shapes (eager and symbolic), Keras's
weight names, order and config keys, and the errors for bad arguments and bad inputs.
"""

import itertools
import math

import numpy as np
import pytest

import minikeras as keras
from minikeras import layers
from minikeras.models import Model, Sequential
from minikeras.testing import layer_test


def _x(*shape, seed=0):
    return np.random.default_rng(seed).standard_normal(shape).astype("float32")


def _first(a):
    return np.moveaxis(a, -1, 1)


# -- direct references (float64, channels_last) --------------------------------------------


def _pads(spatial, kernel_size, strides, dilation, padding):
    """'same': ceil(n / s) outputs, the odd pad after (TensorFlow); 'causal': all before."""
    pads = []
    for n, k, s, d in zip(spatial, kernel_size, strides, dilation):
        span = (k - 1) * d + 1
        total = max((math.ceil(n / s) - 1) * s + span - n, 0)
        pads.append({"valid": (0, 0), "causal": (span - 1, 0),
                     "same": (total // 2, total - total // 2)}[padding])
    return pads


def ref_conv(x, kernel, bias, strides, padding, dilation):
    x, kernel = x.astype(np.float64), kernel.astype(np.float64)
    n = x.ndim - 2
    kernel_size, per_group, filters = kernel.shape[:n], kernel.shape[-2], kernel.shape[-1]
    filters_per_group = filters // (x.shape[-1] // per_group)
    xp = np.pad(x, [(0, 0)] + _pads(x.shape[1:-1], kernel_size, strides, dilation, padding)
                + [(0, 0)])
    out = [(p - (k - 1) * d - 1) // s + 1
           for p, k, s, d in zip(xp.shape[1:-1], kernel_size, strides, dilation)]
    y = np.zeros((x.shape[0], *out, filters))
    for b, pos, f in itertools.product(range(x.shape[0]), itertools.product(*map(range, out)),
                                       range(filters)):
        first_channel = f // filters_per_group * per_group
        total = 0.0 if bias is None else bias[f]
        for offset in itertools.product(*map(range, kernel_size)):
            at = tuple(p * s + o * d for p, s, o, d in zip(pos, strides, offset, dilation))
            for c in range(per_group):
                total += xp[(b, *at, first_channel + c)] * kernel[(*offset, c, f)]
        y[(b, *pos, f)] = total
    return y


def ref_conv_transpose(x, kernel, bias, strides, padding, output_padding):
    """Scatter kernel * value for every input value, then cut Keras's output size out; 'same'
    crops where a 'same' convolution from that output size would have padded."""
    x, kernel = x.astype(np.float64), kernel.astype(np.float64)
    n = x.ndim - 2
    kernel_size = kernel.shape[:n]
    sizes, starts = [], []
    for axis, (i, k, s) in enumerate(zip(x.shape[1:-1], kernel_size, strides)):
        extra = None if output_padding is None else output_padding[axis]
        if padding == "valid":
            sizes.append((i - 1) * s + k + (max(k, s) - k if extra is None else extra))
        else:
            sizes.append(i * s if extra is None else (i - 1) * s + k % 2 + extra)
        starts.append(0 if padding == "valid" else max((i - 1) * s + k - sizes[-1], 0) // 2)
    big = np.zeros((x.shape[0], *[(i - 1) * s + k + st + sz for i, s, k, st, sz in
                                  zip(x.shape[1:-1], strides, kernel_size, starts, sizes)],
                    kernel.shape[-2]))
    for b, pos in itertools.product(range(x.shape[0]),
                                    itertools.product(*map(range, x.shape[1:-1]))):
        for offset in itertools.product(*map(range, kernel_size)):
            at = tuple(p * s + o for p, s, o in zip(pos, strides, offset))
            big[(b, *at)] += kernel[offset] @ x[(b, *pos)]
    y = big[(slice(None),) + tuple(slice(st, st + sz) for st, sz in zip(starts, sizes))]
    return y if bias is None else y + bias


def ref_depthwise(x, kernel, bias, strides, padding, dilation):
    """Channel c * multiplier + m is channel c convolved with kernel[..., c, m]."""
    channels, multiplier = kernel.shape[-2:]
    per_channel = [ref_conv(x[..., c:c + 1], kernel[..., c:c + 1, :], None, strides, padding,
                            dilation) for c in range(channels)]
    y = np.concatenate(per_channel, axis=-1)
    return y if bias is None else y + bias


# -- the harness, over configurations --------------------------------------------------------

HARNESS = [
    (layers.Conv1D, {"filters": 3, "kernel_size": 3}, (2, 6, 2), (2, 4, 3)),
    (layers.Conv1D, {"filters": 4, "kernel_size": 2, "padding": "causal", "dilation_rate": 2,
                     "groups": 2, "activation": "tanh"}, (2, 5, 4), (2, 5, 4)),
    (layers.Conv1D, {"filters": 2, "kernel_size": 3, "strides": 2, "padding": "same",
                     "data_format": "channels_first", "activation": "sigmoid"},
     (2, 3, 5), (2, 2, 3)),
    (layers.Conv2D, {"filters": 3, "kernel_size": 3, "activation": "relu"}, (2, 5, 5, 2),
     (2, 3, 3, 3)),
    (layers.Conv2D, {"filters": 4, "kernel_size": (2, 3), "strides": (2, 1), "padding": "same",
                     "groups": 2, "use_bias": False}, (2, 5, 4, 2), (2, 3, 4, 4)),
    (layers.Conv2D, {"filters": 2, "kernel_size": 2, "dilation_rate": 2, "padding": "same",
                     "data_format": "channels_first"}, (2, 3, 4, 4), (2, 2, 4, 4)),
    (layers.Conv3D, {"filters": 2, "kernel_size": 2, "strides": (1, 2, 1)}, (1, 3, 4, 3, 2),
     (1, 2, 2, 2, 2)),
    (layers.Conv1DTranspose, {"filters": 2, "kernel_size": 3, "strides": 2}, (2, 3, 2),
     (2, 7, 2)),
    (layers.Conv2DTranspose, {"filters": 3, "kernel_size": 3, "strides": 2, "padding": "same",
                              "output_padding": 1, "activation": "relu"}, (2, 3, 2, 2),
     (2, 6, 4, 3)),
    (layers.Conv2DTranspose, {"filters": 2, "kernel_size": (2, 3), "dilation_rate": (1, 2),
                              "data_format": "channels_first"}, (2, 2, 3, 3), (2, 2, 4, 7)),
    (layers.Conv3DTranspose, {"filters": 2, "kernel_size": 2, "strides": 2}, (1, 2, 2, 2, 2),
     (1, 4, 4, 4, 2)),
    (layers.DepthwiseConv1D, {"kernel_size": 3, "depth_multiplier": 2, "padding": "same"},
     (2, 5, 2), (2, 5, 4)),
    (layers.DepthwiseConv2D, {"kernel_size": 3, "depth_multiplier": 2}, (2, 5, 5, 2),
     (2, 3, 3, 4)),
    (layers.DepthwiseConv2D, {"kernel_size": 2, "strides": 2, "padding": "same",
                              "data_format": "channels_first", "activation": "tanh"},
     (2, 3, 5, 5), (2, 3, 3, 3)),
    (layers.SeparableConv1D, {"filters": 3, "kernel_size": 3, "depth_multiplier": 2},
     (2, 6, 2), (2, 4, 3)),
    (layers.SeparableConv2D, {"filters": 3, "kernel_size": 3, "padding": "same",
                              "activation": "relu"}, (2, 4, 4, 2), (2, 4, 4, 3)),
    (layers.SeparableConv2D, {"filters": 2, "kernel_size": 2, "strides": 2,
                              "data_format": "channels_first", "use_bias": False},
     (2, 2, 5, 5), (2, 2, 2, 2)),
]


@pytest.mark.parametrize("cls,kwargs,input_shape,output_shape", HARNESS)
def test_layer_harness(cls, kwargs, input_shape, output_shape):
    weights = {"SeparableConv1D": 3, "SeparableConv2D": 3}.get(cls.__name__, 2) - \
        (kwargs.get("use_bias") is False)
    layer_test(cls, kwargs, input_shape=input_shape, expected_output_shape=output_shape,
               expected_num_trainable_weights=weights, expected_num_non_trainable_weights=0)


# -- values against the loops ----------------------------------------------------------------

GEOMETRY = [(padding, strides, dilation) for padding in ("valid", "same")
            for strides, dilation in ((1, 1), (2, 1), (1, 2))]


def _compare(layer, x, want, data_format):
    if data_format == "channels_first":
        x, want = _first(x), _first(want)
    got = layer(x)
    assert got.dtype == np.float32
    np.testing.assert_allclose(got.data, want, rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize("data_format", ["channels_last", "channels_first"])
@pytest.mark.parametrize("groups", [1, 2])
@pytest.mark.parametrize("padding,strides,dilation", GEOMETRY)
def test_conv2d_values(padding, strides, dilation, groups, data_format):
    layer = layers.Conv2D(4, (3, 2), strides, padding, data_format, dilation, groups,
                          bias_initializer="random_normal")
    x = _x(2, 6, 5, 4)
    layer.build(_first(x).shape if data_format == "channels_first" else x.shape)
    kernel, bias = layer.get_weights()
    _compare(layer, x, ref_conv(x, kernel, bias, (strides,) * 2, padding, (dilation,) * 2),
             data_format)


@pytest.mark.parametrize("data_format", ["channels_last", "channels_first"])
@pytest.mark.parametrize("groups", [1, 2])
@pytest.mark.parametrize("padding,strides,dilation", GEOMETRY + [("causal", 1, 1),
                                                                 ("causal", 2, 1),
                                                                 ("causal", 1, 3)])
def test_conv1d_values(padding, strides, dilation, groups, data_format):
    layer = layers.Conv1D(4, 3, strides, padding, data_format, dilation, groups,
                          activation="relu", bias_initializer="random_normal")
    x = _x(2, 7, 2)
    layer.build(_first(x).shape if data_format == "channels_first" else x.shape)
    kernel, bias = layer.get_weights()
    want = np.maximum(ref_conv(x, kernel, bias, (strides,), padding, (dilation,)), 0)
    _compare(layer, x, want, data_format)


def test_conv3d_values():
    layer = layers.Conv3D(2, 2, padding="same", bias_initializer="ones")
    x = _x(1, 3, 4, 3, 2)
    y = layer(x)
    kernel, bias = layer.get_weights()
    np.testing.assert_allclose(y.data, ref_conv(x, kernel, bias, (1,) * 3, "same", (1,) * 3),
                               rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize("data_format", ["channels_last", "channels_first"])
@pytest.mark.parametrize("padding,strides,output_padding", [
    ("valid", 1, None), ("valid", 2, None), ("valid", 3, None), ("valid", 2, 1),
    ("same", 1, None), ("same", 2, None), ("same", 3, None), ("same", 2, 0), ("same", 3, 2),
])
def test_conv2d_transpose_values(padding, strides, output_padding, data_format):
    layer = layers.Conv2DTranspose(3, (3, 2), strides, padding, data_format,
                                   bias_initializer="random_normal",
                                   output_padding=output_padding)
    x = _x(2, 3, 4, 2)
    layer.build(_first(x).shape if data_format == "channels_first" else x.shape)
    kernel, bias = layer.get_weights()
    extra = None if output_padding is None else (output_padding,) * 2
    _compare(layer, x, ref_conv_transpose(x, kernel, bias, (strides,) * 2, padding, extra),
             data_format)


@pytest.mark.parametrize("data_format", ["channels_last", "channels_first"])
@pytest.mark.parametrize("padding,strides,dilation", GEOMETRY)
def test_depthwise_conv2d_values(padding, strides, dilation, data_format):
    layer = layers.DepthwiseConv2D(3, strides, padding, 2, data_format, dilation,
                                   bias_initializer="random_normal")
    x = _x(2, 6, 5, 3)
    layer.build(_first(x).shape if data_format == "channels_first" else x.shape)
    kernel, bias = layer.get_weights()
    _compare(layer, x, ref_depthwise(x, kernel, bias, (strides,) * 2, padding, (dilation,) * 2),
             data_format)


@pytest.mark.parametrize("data_format", ["channels_last", "channels_first"])
@pytest.mark.parametrize("padding,strides,dilation", GEOMETRY)
def test_separable_conv2d_values(padding, strides, dilation, data_format):
    layer = layers.SeparableConv2D(4, 3, strides, padding, data_format, dilation, 2,
                                   bias_initializer="random_normal")
    x = _x(2, 6, 5, 3)
    layer.build(_first(x).shape if data_format == "channels_first" else x.shape)
    depthwise, pointwise, bias = layer.get_weights()
    want = ref_depthwise(x, depthwise, None, (strides,) * 2, padding, (dilation,) * 2) \
        @ pointwise[0, 0] + bias
    _compare(layer, x, want, data_format)


def test_separable_conv1d_and_depthwise_conv1d_values():
    x = _x(2, 7, 2)
    depthwise = layers.DepthwiseConv1D(3, 2, "same", 3, bias_initializer="random_normal")
    y = depthwise(x)
    kernel, bias = depthwise.get_weights()
    np.testing.assert_allclose(y.data, ref_depthwise(x, kernel, bias, (2,), "same", (1,)),
                               rtol=1e-5, atol=1e-5)
    separable = layers.SeparableConv1D(3, 2, dilation_rate=2, activation="relu")
    y = separable(x)
    d, p, bias = separable.get_weights()
    want = np.maximum(ref_depthwise(x, d, None, (1,), "valid", (2,)) @ p[0] + bias, 0)
    np.testing.assert_allclose(y.data, want, rtol=1e-5, atol=1e-5)


def test_keras_documented_examples():
    # The examples of Keras's docstrings (shapes).
    assert layers.Conv1D(32, 3, activation="relu")(_x(4, 10, 128)).shape == (4, 8, 32)
    assert layers.Conv2D(2, 3, activation="relu")(_x(4, 10, 10, 128)).shape == (4, 8, 8, 2)
    assert layers.Conv2DTranspose(32, 2, 2, activation="relu")(_x(4, 10, 8, 128)).shape == \
        (4, 20, 16, 32)
    assert layers.DepthwiseConv2D(3, depth_multiplier=3)(_x(4, 10, 10, 12)).shape == \
        (4, 8, 8, 36)


# -- shapes ----------------------------------------------------------------------------------


@pytest.mark.parametrize("padding,strides,dilation", GEOMETRY)
@pytest.mark.parametrize("size", [5, 6, 7])
def test_output_shapes_eager_symbolic_and_computed(padding, strides, dilation, size):
    for layer_fn, channels in ((lambda: layers.Conv2D(3, 3, strides, padding,
                                                      dilation_rate=dilation), 3),
                               (lambda: layers.DepthwiseConv2D(3, strides, padding, 2,
                                                               dilation_rate=dilation), 4),
                               (lambda: layers.SeparableConv2D(3, 3, strides, padding,
                                                               dilation_rate=dilation), 3)):
        span = 2 * dilation + 1
        out = math.ceil(size / strides) if padding == "same" else (size - span) // strides + 1
        eager = layer_fn()(_x(2, size, size + 1, 2)).shape
        out_w = math.ceil((size + 1) / strides) if padding == "same" else \
            (size + 1 - span) // strides + 1
        assert eager == (2, out, out_w, channels)
        assert layer_fn()(keras.Input(shape=(size, size + 1, 2))).shape == \
            (None, out, out_w, channels)
        assert layer_fn().compute_output_shape((None, size, size + 1, 2)) == \
            (None, out, out_w, channels)


def test_unknown_spatial_sizes_stay_unknown():
    inputs = keras.Input(shape=(None, None, 3))
    for layer in (layers.Conv2D(4, 3), layers.Conv2DTranspose(4, 3, 2),
                  layers.DepthwiseConv2D(3), layers.SeparableConv2D(4, 3)):
        assert layer(inputs).shape[:3] == (None, None, None)
    model = Model(inputs, layers.Conv2D(4, 3, padding="same")(inputs))
    assert model.predict(_x(2, 7, 9, 3), verbose=0).shape == (2, 7, 9, 4)
    assert model.predict(_x(1, 4, 5, 3), verbose=0).shape == (1, 4, 5, 4)


@pytest.mark.parametrize("padding,strides,output_padding,want", [
    ("valid", 1, None, 7), ("valid", 2, None, 11), ("valid", 4, None, 20),
    ("valid", 2, 1, 12), ("same", 1, None, 5), ("same", 2, None, 10), ("same", 3, 1, 14),
])
def test_conv_transpose_output_sizes(padding, strides, output_padding, want):
    # (5 - 1) * s + max(3, s) [+ output_padding] for 'valid'; 5 * s, or (5 - 1) * s + 1 +
    # output_padding, for 'same'.
    layer = layers.Conv1DTranspose(2, 3, strides, padding, output_padding=output_padding)
    assert layer(_x(1, 5, 2)).shape == (1, want, 2)
    assert layer.compute_output_shape((None, 5, 2)) == (None, want, 2)


def test_data_format_defaults_to_the_image_data_format():
    keras.backend.set_image_data_format("channels_first")
    try:
        layer = layers.Conv2D(4, 3)
        assert layer.get_config()["data_format"] == "channels_first"
        assert layer(_x(1, 2, 5, 5)).shape == (1, 4, 3, 3)
    finally:
        keras.backend.set_image_data_format("channels_last")
    assert layers.Conv2D(4, 3).data_format == "channels_last"


def test_causal_conv1d_only_looks_back():
    layer = layers.Conv1D(1, 3, padding="causal", dilation_rate=2, kernel_initializer="ones",
                          use_bias=False)
    x = np.zeros((1, 9, 1), "float32")
    x[0, 4, 0] = 1.0
    y = layer(x).data[0, :, 0]
    # Output t sees inputs t, t - 2, t - 4: the impulse at 4 reaches outputs 4, 6 and 8.
    np.testing.assert_array_equal(y, [0, 0, 0, 0, 1, 0, 1, 0, 1])


# -- weights and configs ---------------------------------------------------------------------


@pytest.mark.parametrize("make,input_shape,weights", [
    (lambda: layers.Conv2D(8, (3, 2), groups=2), (1, 5, 5, 4),
     [("kernel", (3, 2, 2, 8)), ("bias", (8,))]),
    (lambda: layers.Conv1D(8, 3, data_format="channels_first"), (1, 3, 5),
     [("kernel", (3, 3, 8)), ("bias", (8,))]),
    (lambda: layers.Conv2DTranspose(8, 3), (1, 5, 5, 4),
     [("kernel", (3, 3, 8, 4)), ("bias", (8,))]),
    (lambda: layers.DepthwiseConv2D(3, depth_multiplier=2), (1, 5, 5, 4),
     [("kernel", (3, 3, 4, 2)), ("bias", (8,))]),
    (lambda: layers.SeparableConv2D(8, 3, depth_multiplier=2), (1, 5, 5, 4),
     [("depthwise_kernel", (3, 3, 4, 2)), ("pointwise_kernel", (1, 1, 8, 8)),
      ("bias", (8,))]),
    (lambda: layers.Conv2D(8, 3, use_bias=False), (1, 5, 5, 4), [("kernel", (3, 3, 4, 8))]),
])
def test_weight_names_shapes_and_order_follow_keras(make, input_shape, weights):
    layer = make()
    layer(_x(*input_shape))
    assert [(w.name, w.shape) for w in layer.weights] == weights
    assert all(w.dtype == np.float32 for w in layer.weights)


def test_config_keys_follow_keras():
    base = {"name", "trainable", "dtype", "kernel_size", "strides", "padding", "data_format",
            "dilation_rate", "activation", "use_bias", "bias_initializer", "bias_regularizer",
            "activity_regularizer", "bias_constraint"}
    conv = base | {"filters", "groups", "kernel_initializer", "kernel_regularizer",
                   "kernel_constraint"}
    assert set(layers.Conv2D(4, 3).get_config()) == conv
    assert set(layers.Conv2DTranspose(4, 3).get_config()) == conv - {"groups"}
    assert set(layers.DepthwiseConv2D(3).get_config()) == base | {
        "depth_multiplier", "depthwise_initializer", "depthwise_regularizer",
        "depthwise_constraint"}
    assert set(layers.SeparableConv2D(4, 3).get_config()) == base | {
        "filters", "depth_multiplier", "depthwise_initializer", "pointwise_initializer",
        "depthwise_regularizer", "pointwise_regularizer", "depthwise_constraint",
        "pointwise_constraint"}
    config = layers.Conv2D(4, 3, strides=2, padding="SAME", activation="relu").get_config()
    assert (config["kernel_size"], config["strides"], config["padding"],
            config["dilation_rate"], config["activation"], config["data_format"]) == \
        ((3, 3), (2, 2), "same", (1, 1), "relu", "channels_last")


def test_conv_transpose_output_padding_survives_a_round_trip():
    layer = layers.Conv2DTranspose(4, 3, 2, output_padding=1)
    assert layer.get_config()["output_padding"] == (1, 1)
    revived = layers.deserialize(layers.serialize(layer))
    assert revived.output_padding == (1, 1)
    assert revived(_x(1, 3, 3, 2)).shape == (1, 8, 8, 4)


def test_a_keras_config_loads():
    # As written by Keras 3 (JSON lists for tuples, a DTypePolicy dict for the dtype).
    config = {"class_name": "Conv2D", "config": {
        "name": "conv2d", "trainable": True,
        "dtype": {"module": "keras", "class_name": "DTypePolicy",
                  "config": {"name": "float32"}, "registered_name": None},
        "filters": 32, "kernel_size": [3, 3], "strides": [1, 1], "padding": "valid",
        "data_format": "channels_last", "dilation_rate": [1, 1], "groups": 1,
        "activation": "relu", "use_bias": True,
        "kernel_initializer": {"module": "keras.initializers", "class_name": "GlorotUniform",
                               "config": {"seed": None}, "registered_name": None},
        "bias_initializer": {"module": "keras.initializers", "class_name": "Zeros",
                             "config": {}, "registered_name": None},
        "kernel_regularizer": None, "bias_regularizer": None, "activity_regularizer": None,
        "kernel_constraint": None, "bias_constraint": None}}
    layer = layers.deserialize(config)
    assert isinstance(layer, layers.Conv2D) and layer.kernel_size == (3, 3)
    assert layer(_x(1, 5, 5, 1)).shape == (1, 3, 3, 32)


def test_aliases_are_the_same_classes():
    assert layers.Convolution1D is layers.Conv1D
    assert layers.Convolution2D is layers.Conv2D
    assert layers.Convolution3D is layers.Conv3D
    assert layers.Convolution2DTranspose is layers.Conv2DTranspose
    assert layers.SeparableConvolution2D is layers.SeparableConv2D
    assert keras.layers.Conv2D is layers.Conv2D


def test_default_names_and_regularizers():
    layer = layers.Conv2D(2, 3, kernel_regularizer="l2", bias_regularizer="l1",
                          activity_regularizer="l2", bias_initializer="ones")
    assert layer.name == "conv2d"
    assert layers.Conv2D(2, 3).name == "conv2d_1"
    layer(_x(2, 4, 4, 1))
    assert len(layer.losses) == 3
    kernel = layer.kernel.data.astype(np.float64)
    np.testing.assert_allclose(layer.losses[0].data, 0.01 * np.sum(kernel ** 2), rtol=1e-5)


def test_a_constraint_holds_after_training():
    model = Sequential([keras.Input(shape=(5, 5, 1)),
                        layers.Conv2D(2, 3, kernel_constraint="non_neg"), layers.Flatten()])
    model.compile(optimizer="sgd", loss="mse")
    model.fit(_x(8, 5, 5, 1), _x(8, 18), epochs=2, verbose=0)
    assert np.all(model.layers[0].kernel.data >= 0)


def test_a_small_cnn_learns():
    rng = np.random.default_rng(0)
    # Class 1: a vertical bar somewhere; class 0: a horizontal one (no linear model separates
    # them: both light up 6 pixels, each pixel equally often).
    x = np.zeros((64, 6, 6, 1), "float32")
    y = rng.integers(0, 2, 64)
    for i, label in enumerate(y):
        k = rng.integers(0, 6)
        if label:
            x[i, :, k, 0] = 1
        else:
            x[i, k, :, 0] = 1
    model = Sequential([keras.Input(shape=(6, 6, 1)), layers.Conv2D(4, 3, activation="relu"),
                        layers.SeparableConv2D(4, 2, activation="tanh"), layers.Flatten(),
                        layers.Dense(2, activation="softmax")])
    model.compile(optimizer=keras.optimizers.Adam(0.01), loss="sparse_categorical_crossentropy",
                  metrics=["accuracy"])
    model.fit(x, y, epochs=30, batch_size=16, verbose=0)
    assert model.evaluate(x, y, verbose=0)[1] > 0.95


# -- errors ----------------------------------------------------------------------------------


@pytest.mark.parametrize("make,message", [
    (lambda: layers.Conv2D(4, 3, strides=0), r'Layer "conv2d": every value of `strides` must '
                                             r"be at least 1, received strides=0"),
    (lambda: layers.Conv2D(4, 3, strides=(1, -2)), r"`strides` .*received strides=\(1, -2\)"),
    (lambda: layers.Conv1D(4, 0), r'Layer "conv1d": every value of `kernel_size`'),
    (lambda: layers.Conv2D(4, (3, 3, 3)), "`kernel_size` must be an int or a tuple of 2"),
    (lambda: layers.Conv2D(0, 3), r'Layer "conv2d": invalid value for argument `filters`'),
    (lambda: layers.Conv2D(5, 3, groups=2), "filters must be evenly divisible by the number "
                                            "of groups. Received: groups=2, filters=5"),
    (lambda: layers.Conv2D(4, 3, groups=0), "invalid value for argument `groups`"),
    (lambda: layers.Conv2D(4, 3, strides=2, dilation_rate=2), r"`strides > 1` not supported "
                                                              r"in conjunction with"),
    (lambda: layers.Conv2D(4, 3, padding="causal"), r"`padding` must be one of 'valid', "
                                                    r"'same', received padding='causal'"),
    (lambda: layers.Conv2D(4, 3, data_format="NHWC"), "`data_format` must be"),
    (lambda: layers.Conv2D(4, 3, lora_rank=2), "LoRA and DoRA are not supported"),
    (lambda: layers.Conv2DTranspose(4, 3, 2, output_padding=2),
     r'Layer "conv2d_transpose": `output_padding` must be < `strides`'),
    (lambda: layers.DepthwiseConv2D(3, depth_multiplier=0),
     r'Layer "depthwise_conv2d": invalid value for argument `depth_multiplier`'),
    (lambda: layers.SeparableConv2D(4, 3, dilation_rate=-1), "every value of `dilation_rate`"),
    (lambda: layers.Conv2D(4, 3, kernel_sise=3), "unexpected keyword argument"),
])
def test_argument_errors_name_the_layer(make, message):
    with pytest.raises((ValueError, TypeError), match=message):
        make()


@pytest.mark.parametrize("make", [lambda: layers.Conv2D(2, 5), lambda: layers.DepthwiseConv2D(5),
                                  lambda: layers.SeparableConv2D(2, 5),
                                  lambda: layers.Conv2D(2, 3, dilation_rate=3)])
def test_a_kernel_larger_than_the_input_names_the_layer(make):
    message = r'Layer "{}": the kernel .* is larger than spatial axis 0 of the input, of size ' \
        r"4 with padding 'valid'"
    layer = make()
    with pytest.raises(ValueError, match=message.format(layer.name)):
        layer(_x(1, 4, 4, 2))
    layer = make()
    with pytest.raises(ValueError, match=message.format(layer.name)):
        Sequential([keras.Input(shape=(4, 4, 2)), layer])


def test_a_smaller_input_later_names_the_layer():
    layer = layers.Conv2D(2, 3)
    assert layer(keras.Input(shape=(None, None, 1))).shape == (None, None, None, 2)
    layer(_x(1, 5, 5, 1))
    with pytest.raises(ValueError, match=r'Layer "conv2d": the kernel \(3 wide .* of size 2'):
        layer(_x(1, 2, 5, 1))
    layers.Conv2D(2, 5, padding="same")(_x(1, 2, 2, 1))  # 'same' pads enough for any kernel


def test_channel_mismatch_after_build_in_keras_wording():
    layer = layers.Conv2D(4, 3)
    layer(_x(1, 5, 5, 3))
    with pytest.raises(ValueError, match=r'Input 0 of layer "conv2d" is incompatible with the '
                                         r"layer: expected axis -1 of input shape to have "
                                         r"value 3, but received input with shape "
                                         r"\(1, 5, 5, 2\)"):
        layer(_x(1, 5, 5, 2))
    first = layers.DepthwiseConv2D(3, data_format="channels_first")
    first(_x(1, 2, 5, 5))
    with pytest.raises(ValueError, match="expected axis 1 of input shape to have value 2"):
        first(_x(1, 3, 5, 5))


def test_input_errors_name_the_layer():
    with pytest.raises(ValueError, match=r'Layer "conv2d": the number of input channels must '
                                         r"be evenly divisible by the number of groups. "
                                         r"Received groups=2, but the input has 3 channels"):
        layers.Conv2D(4, 3, groups=2)(_x(1, 5, 5, 3))
    with pytest.raises(ValueError, match=r'Input 0 of layer "conv2d_1" is incompatible with '
                                         r"the layer: expected min_ndim=4, found ndim=3"):
        layers.Conv2D(4, 3)(_x(5, 5, 3))
    with pytest.raises(ValueError, match="expected max_ndim=3, found ndim=4"):
        layers.Conv1D(4, 3)(_x(1, 5, 5, 3))
    with pytest.raises(ValueError, match=r'Layer "conv2d_2": the channels axis of its input '
                                         r"must have a known size"):
        layers.Conv2D(4, 3)(keras.Input(shape=(5, 5, None)))
    with pytest.raises(ValueError, match=r'Layer "conv1d_transpose": the output would have '
                                         r"spatial shape \(0,\)"):
        layers.Conv1DTranspose(2, 2, 2, "same", output_padding=0)(_x(1, 1, 2))
