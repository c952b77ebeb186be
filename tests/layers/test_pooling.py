"""Pooling layers: MaxPooling1D/2D, AveragePooling1D/2D and the global poolings.

Each layer goes through the shared harness (shapes, dtype, symbolic call, config round trips,
numerical gradients, models); values are checked against loops written here for every padding
and stride combination in both data formats; symbolic output shapes (also with unknown sizes);
Keras's arguments, defaults, config keys and aliases; and errors that name the layer.
"""

import math

import numpy as np
import pytest

import minikeras as keras
from minikeras import layers
from minikeras.layers import (AveragePooling1D, AveragePooling2D, GlobalAveragePooling1D,
                              GlobalAveragePooling2D, GlobalMaxPooling1D, GlobalMaxPooling2D,
                              Input, MaxPooling1D, MaxPooling2D)
from minikeras.models import Sequential
from minikeras.testing import layer_test


def _x(*shape, seed=0):
    return np.random.default_rng(seed).standard_normal(shape).astype("float32")


def loop_pool(x, pool, strides, padding, mode):
    """channels_last pooling by loops; 'same' windows are clipped to the input."""
    spatial = x.shape[1:-1]
    if padding == "valid":
        out = [(m - k) // s + 1 for m, k, s in zip(spatial, pool, strides)]
        before = [0] * len(spatial)
    else:
        out = [math.ceil(m / s) for m, s in zip(spatial, strides)]
        before = [max((o - 1) * s + k - m, 0) // 2
                  for o, m, k, s in zip(out, spatial, pool, strides)]
    y = np.zeros((x.shape[0], *out, x.shape[-1]), dtype=x.dtype)
    for b in range(x.shape[0]):
        for pos in np.ndindex(*out):
            box = tuple(slice(max(p * s - f, 0), min(p * s - f + k, m))
                        for p, s, f, k, m in zip(pos, strides, before, pool, spatial))
            for c in range(x.shape[-1]):
                window = x[(b,) + box + (c,)]
                y[(b,) + pos + (c,)] = window.max() if mode == "max" else window.mean()
    return y


LOCAL = {MaxPooling1D: "max", MaxPooling2D: "max", AveragePooling1D: "average",
         AveragePooling2D: "average"}


def _local_cases():
    for cls in LOCAL:
        rank = 1 if cls in (MaxPooling1D, AveragePooling1D) else 2
        for pool, strides in [(2, None), (3, 1), (2, 3), (3, 2)]:
            for padding in ("valid", "same"):
                yield cls, rank, pool, strides, padding


LOCAL_CASES = list(_local_cases())


@pytest.mark.parametrize("cls, rank, pool, strides, padding", LOCAL_CASES)
def test_values_against_loops_both_data_formats(cls, rank, pool, strides, padding):
    x = _x(2, *(7, 6)[:rank], 3)
    pool_t = (pool,) * rank
    strides_t = pool_t if strides is None else (strides,) * rank
    expected = loop_pool(x, pool_t, strides_t, padding, LOCAL[cls])
    kwargs = {"pool_size": pool, "strides": strides, "padding": padding}
    got = cls(**kwargs)(x)
    assert got.dtype == np.float32
    np.testing.assert_allclose(got.numpy(), expected, rtol=1e-6, atol=1e-6)
    first = cls(**kwargs, data_format="channels_first")(np.moveaxis(x, -1, 1))
    np.testing.assert_allclose(first.numpy(), np.moveaxis(expected, -1, 1), rtol=1e-6,
                               atol=1e-6)


@pytest.mark.parametrize("data_format", ["channels_last", "channels_first"])
@pytest.mark.parametrize("cls, rank, pool, strides, padding", LOCAL_CASES[::3])
def test_harness(cls, rank, pool, strides, padding, data_format):
    shape = (2, *(5, 4)[:rank], 2) if data_format == "channels_last" else \
        (2, 2, *(5, 4)[:rank])
    layer_test(cls, {"pool_size": pool, "strides": strides, "padding": padding,
                     "data_format": data_format}, input_shape=shape,
               expected_num_trainable_weights=0, expected_num_non_trainable_weights=0)


@pytest.mark.parametrize("spatial, kwargs, expected", [
    ((28, 28), {}, (14, 14)),
    ((27, 28), {}, (13, 14)),
    ((27, 28), {"padding": "same"}, (14, 14)),
    ((5, 5), {"pool_size": 3, "strides": 1}, (3, 3)),
    ((5, 5), {"pool_size": 3, "strides": 1, "padding": "same"}, (5, 5)),
    ((7, 6), {"pool_size": (2, 3), "strides": (3, 2)}, (2, 2)),
    ((7, 6), {"pool_size": (2, 3), "strides": (3, 2), "padding": "same"}, (3, 3)),
    ((None, 6), {"pool_size": 2}, (None, 3)),
    ((None, None), {"pool_size": 2, "padding": "same"}, (None, None)),
])
@pytest.mark.parametrize("cls", [MaxPooling2D, AveragePooling2D])
def test_symbolic_output_shapes_2d(cls, spatial, kwargs, expected):
    kwargs = {"pool_size": 2, **kwargs}
    assert cls(**kwargs)(Input(shape=(*spatial, 4))).shape == (None, *expected, 4)
    first = cls(**kwargs, data_format="channels_first")(Input(shape=(4, *spatial)))
    assert first.shape == (None, 4, *expected)
    assert cls(**kwargs).compute_output_shape((3, *spatial, 4)) == (3, *expected, 4)


@pytest.mark.parametrize("steps, kwargs, expected", [
    (10, {}, 5), (9, {}, 4), (9, {"padding": "same"}, 5), (5, {"pool_size": 3, "strides": 1},
                                                           3),
    (5, {"pool_size": 3, "strides": 2, "padding": "same"}, 3), (None, {}, None)])
@pytest.mark.parametrize("cls", [MaxPooling1D, AveragePooling1D])
def test_symbolic_output_shapes_1d(cls, steps, kwargs, expected):
    kwargs = {"pool_size": 2, **kwargs}
    assert cls(**kwargs)(Input(shape=(steps, 3))).shape == (None, expected, 3)


def test_keras_defaults_and_config_keys():
    layer = MaxPooling2D()
    assert layer.get_config() == {
        "name": "max_pooling2d", "trainable": True, "dtype": "float32", "pool_size": (2, 2),
        "padding": "valid", "strides": (2, 2), "data_format": "channels_last"}
    assert MaxPooling1D().get_config()["pool_size"] == (2,)
    config = AveragePooling1D(3, strides=1, padding="same").get_config()
    assert (config["pool_size"], config["strides"], config["padding"]) == ((3,), (1,), "same")
    with pytest.raises(TypeError, match="pool_size"):
        AveragePooling2D()  # no default pool_size, as in Keras
    assert GlobalAveragePooling2D().get_config() == {
        "name": "global_average_pooling2d", "trainable": True, "dtype": "float32",
        "data_format": "channels_last", "keepdims": False}


def test_a_keras_config_loads():
    config = {"class_name": "MaxPooling2D", "config": {
        "name": "max_pooling2d_7", "trainable": True, "dtype": {
            "module": "keras", "class_name": "DTypePolicy", "config": {"name": "float32"}},
        "pool_size": [3, 3], "padding": "same", "strides": [2, 2],
        "data_format": "channels_last"}}
    layer = layers.deserialize(config)
    assert isinstance(layer, MaxPooling2D)
    assert (layer.name, layer.pool_size, layer.strides, layer.padding) == \
        ("max_pooling2d_7", (3, 3), (2, 2), "same")


def test_keras_aliases():
    assert layers.MaxPool1D is MaxPooling1D and layers.MaxPool2D is MaxPooling2D
    assert layers.AvgPool1D is AveragePooling1D and layers.AvgPool2D is AveragePooling2D
    assert layers.GlobalMaxPool1D is GlobalMaxPooling1D
    assert layers.GlobalMaxPool2D is GlobalMaxPooling2D
    assert layers.GlobalAvgPool1D is GlobalAveragePooling1D
    assert layers.GlobalAvgPool2D is GlobalAveragePooling2D
    assert keras.layers.MaxPool2D(2).get_config()["pool_size"] == (2, 2)


def test_keras_documented_2d_example():
    x = np.arange(1.0, 13.0, dtype=np.float32).reshape(1, 3, 4, 1)
    y = MaxPooling2D(pool_size=(2, 2), strides=(2, 2), padding="valid")(x)
    np.testing.assert_array_equal(y.numpy()[0, :, :, 0], [[6, 8]])
    x = np.arange(1.0, 10.0, dtype=np.float32).reshape(1, 3, 3, 1)
    y = MaxPooling2D(pool_size=(2, 2), strides=(1, 1), padding="same")(x)
    np.testing.assert_array_equal(y.numpy()[0, :, :, 0], [[5, 6, 6], [8, 9, 9], [8, 9, 9]])


def test_gradient_in_a_model_goes_to_the_first_maximum():
    model = Sequential([Input(shape=(2, 2, 1)), MaxPooling2D()])
    x = keras.ops.convert_to_tensor(np.zeros((1, 2, 2, 1), dtype="float32"))
    x.requires_grad = True
    model(x).backward(np.ones((1, 1, 1, 1), dtype="float32"))
    np.testing.assert_array_equal(x.grad[0, :, :, 0], [[1, 0], [0, 0]])


# -- errors that name the layer ---------------------------------------------------------------


def test_pool_larger_than_the_input_names_the_layer():
    with pytest.raises(ValueError, match=r'Layer "max_pooling2d": the pooling window '
                                         r"\(pool_size=\(3, 3\)\) is larger than the input "
                                         r"along spatial axis 0 \(2\)"):
        MaxPooling2D(3)(Input(shape=(2, 5, 1)))
    layer = AveragePooling1D(4, name="pool")
    layer(_x(1, 6, 2))
    with pytest.raises(ValueError, match=r'Layer "pool": the pooling window'):
        layer(_x(1, 3, 2))  # a later call with a shorter input
    with pytest.raises(ValueError, match=r'Layer "pool2": the pooling window '
                                         r"\(pool_size=\(3,\)\) is larger than the input "
                                         r"along spatial axis 0 \(2\)"):
        MaxPooling1D(3, data_format="channels_first", name="pool2")(_x(1, 5, 2))


@pytest.mark.parametrize("kwargs, message", [
    ({"strides": 0}, r"every value of `strides` must be a positive integer, received "
                     r"strides=0"),
    ({"strides": (2, -1)}, r"every value of `strides` must be a positive integer"),
    ({"pool_size": 0}, r"every value of `pool_size` must be a positive integer"),
    ({"pool_size": (2, 2, 2)}, r"`pool_size` must be an int or a tuple of 2 ints"),
    ({"padding": "causal"}, r"`padding` must be 'valid' or 'same', received "
                            r"padding='causal'"),
    ({"data_format": "channels_middle"}, r"`data_format` must be 'channels_last' or "
                                         r"'channels_first'"),
])
@pytest.mark.parametrize("cls, name", [(MaxPooling2D, "max_pooling2d"),
                                       (AveragePooling2D, "average_pooling2d")])
def test_bad_arguments_name_the_layer(cls, name, kwargs, message):
    kwargs = {"pool_size": 2, **kwargs}
    with pytest.raises(ValueError, match=f'Layer "{name}": {message}'):
        cls(**kwargs)


def test_wrong_rank_is_refused():
    with pytest.raises(ValueError, match=r'Input 0 of layer "max_pooling2d" is incompatible '
                                         r"with the layer: expected ndim=4, found ndim=3"):
        MaxPooling2D()(_x(2, 4, 4))
    with pytest.raises(ValueError, match="expected ndim=3, found ndim=4"):
        GlobalAveragePooling1D()(Input(shape=(4, 4, 2)))


# -- global pooling -----------------------------------------------------------------------------


GLOBAL = [(GlobalMaxPooling1D, np.max, 1), (GlobalMaxPooling2D, np.max, 2),
          (GlobalAveragePooling1D, np.mean, 1), (GlobalAveragePooling2D, np.mean, 2)]


@pytest.mark.parametrize("keepdims", [False, True])
@pytest.mark.parametrize("data_format", ["channels_last", "channels_first"])
@pytest.mark.parametrize("cls, fn, rank", GLOBAL)
def test_global_pooling(cls, fn, rank, data_format, keepdims):
    shape = (2, *(4, 3)[:rank], 5)
    if data_format == "channels_first":
        shape = (2, 5, *(4, 3)[:rank])
    axes = tuple(range(1, 1 + rank)) if data_format == "channels_last" else \
        tuple(range(2, 2 + rank))
    x = _x(*shape)
    expected = fn(x, axis=axes, keepdims=keepdims)
    layer_test(cls, {"data_format": data_format, "keepdims": keepdims}, input_data=x,
               expected_output=expected, expected_output_shape=expected.shape,
               expected_num_trainable_weights=0)
    symbolic = cls(data_format=data_format, keepdims=keepdims)(Input(shape=shape[1:]))
    assert symbolic.shape == (None,) + expected.shape[1:]


def test_global_max_ties_share_the_gradient_as_in_keras():
    x = keras.ops.convert_to_tensor(np.array([[[1.0], [3.0], [3.0]]], dtype="float32"))
    x.requires_grad = True
    GlobalMaxPooling1D()(x).backward(np.ones((1, 1), dtype="float32"))
    np.testing.assert_array_equal(x.grad.ravel(), [0, 0.5, 0.5])


def test_global_average_pooling_1d_with_a_mask():
    x = _x(2, 4, 3)
    mask = np.array([[True, True, False, False], [True, True, True, True]])
    layer = GlobalAveragePooling1D()
    assert layer.supports_masking
    got = layer(x, mask=mask).numpy()
    np.testing.assert_allclose(got[0], x[0, :2].mean(axis=0), rtol=1e-6)
    np.testing.assert_allclose(got[1], x[1].mean(axis=0), rtol=1e-6)
    layer = GlobalAveragePooling1D(data_format="channels_first")
    first = layer(np.moveaxis(x, 1, 2), mask=mask).numpy()
    np.testing.assert_allclose(first, got, rtol=1e-6)
    assert layer.compute_mask(x, mask) is None
