"""Reshape, Permute and RepeatVector: shapes, values against numpy, configs and errors."""

import numpy as np
import pytest

import minikeras as keras
from minikeras.layers import Dense, Input, Permute, RepeatVector, Reshape
from minikeras.models import Sequential
from minikeras.testing import layer_test


def _x(*shape):
    return np.random.default_rng(0).standard_normal(shape).astype("float32")


# -- Reshape --------------------------------------------------------------------------------


@pytest.mark.parametrize("target, input_shape, output_shape", [
    ((3, 4), (2, 12), (2, 3, 4)),
    ((-1, 2, 2), (2, 12), (2, 3, 2, 2)),
    ((6,), (2, 3, 2), (2, 6)),
    ((2, -1), (2, 3, 4), (2, 2, 6))])
def test_reshape_harness(target, input_shape, output_shape):
    layer_test(Reshape, {"target_shape": target}, input_shape=input_shape,
               expected_output_shape=output_shape, expected_num_trainable_weights=0)


def test_reshape_values_and_keras_examples():
    x = _x(2, 12)
    np.testing.assert_array_equal(Reshape((3, 4))(x).data, x.reshape(2, 3, 4))
    np.testing.assert_array_equal(Reshape((-1, 2, 2))(x).data, x.reshape(2, 3, 2, 2))
    inputs = Input(shape=(12,))
    assert Reshape((3, 4))(inputs).shape == (None, 3, 4)
    assert Reshape((-1, 2, 2))(inputs).shape == (None, 3, 2, 2)
    # An unknown sample size leaves the -1 unknown.
    assert Reshape((-1, 2))(Input(shape=(None, 4))).shape == (None, None, 2)


def test_reshape_config_keeps_a_tuple():
    layer = Reshape((3, -1))
    assert layer.get_config()["target_shape"] == (3, -1)
    assert Reshape.from_config({**layer.get_config(), "target_shape": [3, -1]}).target_shape \
        == (3, -1)


def test_reshape_errors():
    with pytest.raises(ValueError, match=r"must not contain more than one `-1` value. "
                                         r"Received: target_shape=\(-1, -1\)"):
        Reshape((-1, -1))
    with pytest.raises(ValueError, match="must be a tuple of positive integers"):
        Reshape((3, 0))
    with pytest.raises(ValueError, match=r"The total size of the tensor must be unchanged. "
                                         r"Received: input_shape=\(12,\), "
                                         r"target_shape=\(5, 3\)"):
        Reshape((5, 3))(Input(shape=(12,)))
    with pytest.raises(ValueError, match="cannot be divided by the specified dimensions"):
        Reshape((-1, 5))(np.ones((2, 12), dtype="float32"))
    # The error names the problem at model construction, before any data is seen.
    with pytest.raises(ValueError, match="total size of the tensor must be unchanged"):
        Sequential([Input(shape=(10,)), Reshape((3, 3))])


# -- Permute --------------------------------------------------------------------------------


@pytest.mark.parametrize("dims, input_shape, output_shape", [
    ((2, 1), (2, 3, 4), (2, 4, 3)),
    ((3, 1, 2), (2, 3, 4, 5), (2, 5, 3, 4)),
    ((1,), (2, 3), (2, 3))])
def test_permute_harness(dims, input_shape, output_shape):
    layer_test(Permute, {"dims": dims}, input_shape=input_shape,
               expected_output_shape=output_shape, expected_num_trainable_weights=0)


def test_permute_values_and_keras_example():
    x = _x(2, 3, 4, 5)
    np.testing.assert_array_equal(Permute((3, 1, 2))(x).data, x.transpose(0, 3, 1, 2))
    assert Permute((2, 1))(Input(shape=(10, 64))).shape == (None, 64, 10)
    assert Permute([2, 1]).get_config()["dims"] == (2, 1)


@pytest.mark.parametrize("dims", [(0, 1), (1, 3), (2, 2), (1, 2, 4)])
def test_permute_rejects_bad_dims(dims):
    with pytest.raises(ValueError, match="Invalid permutation argument `dims` for Permute "
                                         "Layer. The set of indices in `dims` must be "
                                         "consecutive and start from 1"):
        Permute(dims)


def test_permute_checks_the_rank():
    with pytest.raises(ValueError, match='Input 0 of layer "permute" is incompatible with the '
                                         "layer: expected ndim=3, found ndim=4"):
        Permute((2, 1))(Input(shape=(3, 4, 5)))


# -- RepeatVector ---------------------------------------------------------------------------


def test_repeat_vector_harness_and_values():
    layer_test(RepeatVector, {"n": 3}, input_shape=(2, 4), expected_output_shape=(2, 3, 4),
               expected_num_trainable_weights=0)
    x = _x(2, 4)
    out = RepeatVector(3)(x).data
    np.testing.assert_array_equal(out, np.repeat(x[:, None, :], 3, axis=1))
    assert RepeatVector(3)(Input(shape=(32,))).shape == (None, 3, 32)
    assert RepeatVector(3).get_config()["n"] == 3


def test_repeat_vector_errors():
    with pytest.raises(TypeError, match="Expected an integer value for `n`, got <class "
                                        "'float'>"):
        RepeatVector(2.5)
    with pytest.raises(ValueError, match="expected ndim=2, found ndim=3"):
        RepeatVector(2)(Input(shape=(3, 4)))


def test_reshaping_layers_in_a_trained_model():
    model = Sequential([Input(shape=(6,)), Reshape((2, 3)), Permute((2, 1)), Reshape((6,)),
                        RepeatVector(2), Reshape((12,)), Dense(1)])
    assert model.output_shape == (None, 1)
    model.compile(optimizer="sgd", loss="mse")
    x, y = _x(16, 6), _x(16, 1)
    before = model.evaluate(x, y, verbose=0)
    model.fit(x, y, epochs=2, verbose=0)
    assert model.evaluate(x, y, verbose=0) < before


# -- UpSampling, ZeroPadding and Cropping (1-D and 2-D) ---------------------------------------

UpSampling1D, UpSampling2D = keras.layers.UpSampling1D, keras.layers.UpSampling2D
ZeroPadding1D, ZeroPadding2D = keras.layers.ZeroPadding1D, keras.layers.ZeroPadding2D
Cropping1D, Cropping2D = keras.layers.Cropping1D, keras.layers.Cropping2D


def _to_first(x):
    return np.moveaxis(x, -1, 1)


def test_up_sampling_1d_keras_example_and_harness():
    x = np.arange(12.0, dtype="float32").reshape(2, 2, 3)
    expected = [[[0, 1, 2], [0, 1, 2], [3, 4, 5], [3, 4, 5]],
                [[6, 7, 8], [6, 7, 8], [9, 10, 11], [9, 10, 11]]]
    layer_test(UpSampling1D, {"size": 2}, input_data=x, expected_output=expected,
               expected_output_shape=(2, 4, 3), expected_num_trainable_weights=0)
    layer_test(UpSampling1D, {"size": 3}, input_shape=(2, 3, 2),
               expected_output_shape=(2, 9, 2))
    assert UpSampling1D(3)(Input(shape=(None, 4))).shape == (None, None, 4)
    assert UpSampling1D().get_config()["size"] == 2


def _nearest(x, size):
    """channels_last nearest up-sampling by loops."""
    batch, rows, cols, channels = x.shape
    y = np.zeros((batch, rows * size[0], cols * size[1], channels), dtype=x.dtype)
    for i in range(rows * size[0]):
        for j in range(cols * size[1]):
            y[:, i, j] = x[:, i // size[0], j // size[1]]
    return y


def _bilinear(x, size):
    """channels_last bilinear up-sampling by loops: half-pixel centres, edges held."""
    batch, rows, cols, channels = x.shape
    y = np.zeros((batch, rows * size[0], cols * size[1], channels), dtype=x.dtype)

    def source(i, factor, length):
        s = min(max((i + 0.5) / factor - 0.5, 0.0), length - 1)
        low = int(np.floor(s))
        return low, min(low + 1, length - 1), s - low

    for i in range(rows * size[0]):
        r0, r1, fr = source(i, size[0], rows)
        for j in range(cols * size[1]):
            c0, c1, fc = source(j, size[1], cols)
            y[:, i, j] = ((1 - fr) * (1 - fc) * x[:, r0, c0] + (1 - fr) * fc * x[:, r0, c1]
                          + fr * (1 - fc) * x[:, r1, c0] + fr * fc * x[:, r1, c1])
    return y


@pytest.mark.parametrize("size", [2, (1, 2), (3, 2)])
@pytest.mark.parametrize("interpolation, reference", [("nearest", _nearest),
                                                      ("bilinear", _bilinear)])
def test_up_sampling_2d_against_loops(interpolation, reference, size):
    x = _x(2, 3, 4, 2)
    pair = (size, size) if isinstance(size, int) else size
    expected = reference(x, pair)
    kwargs = {"size": size, "interpolation": interpolation}
    layer_test(UpSampling2D, kwargs, input_data=x, expected_output=expected,
               expected_output_shape=expected.shape, expected_num_trainable_weights=0)
    first = UpSampling2D(**kwargs, data_format="channels_first")
    np.testing.assert_allclose(first(_to_first(x)).numpy(), _to_first(expected), rtol=1e-5,
                               atol=1e-6)
    layer_test(UpSampling2D, {**kwargs, "data_format": "channels_first"},
               input_data=_to_first(x), expected_output=_to_first(expected))


def test_up_sampling_2d_keras_example_and_tensorflow_bilinear_values():
    x = np.arange(12.0, dtype="float32").reshape(2, 2, 1, 3)
    y = UpSampling2D(size=(1, 2))(x).numpy()
    np.testing.assert_array_equal(y[0, 0], [[0, 1, 2], [0, 1, 2]])
    np.testing.assert_array_equal(y[1, 1], [[9, 10, 11], [9, 10, 11]])
    # tf.image.resize([[1, 2], [3, 4]], (4, 4), 'bilinear'), as Keras's backends compute it.
    x = np.array([[1.0, 2.0], [3.0, 4.0]], dtype="float32").reshape(1, 2, 2, 1)
    y = UpSampling2D(interpolation="bilinear")(x).numpy()[0, :, :, 0]
    np.testing.assert_allclose(y, [[1.0, 1.25, 1.75, 2.0], [1.5, 1.75, 2.25, 2.5],
                                   [2.5, 2.75, 3.25, 3.5], [3.0, 3.25, 3.75, 4.0]], rtol=1e-6)
    assert y.dtype == np.float32


def test_up_sampling_2d_shapes_config_and_errors():
    assert UpSampling2D((2, 3))(Input(shape=(4, None, 5))).shape == (None, 8, None, 5)
    layer = UpSampling2D(size=(2, 3), data_format="channels_first")
    assert layer(Input(shape=(5, 4, 2))).shape == (None, 5, 8, 6)
    assert UpSampling2D(name="up").get_config() == {
        "name": "up", "trainable": True, "dtype": "float32", "size": (2, 2),
        "data_format": "channels_last", "interpolation": "nearest"}
    assert UpSampling2D(interpolation="Bilinear").interpolation == "bilinear"
    with pytest.raises(ValueError, match=r'Layer "up_sampling2d(_\d+)?": interpolation=\'bicubic\' '
                                         r"is not supported; use one of 'nearest', 'bilinear'"):
        UpSampling2D(interpolation="bicubic")
    with pytest.raises(ValueError, match=r'Layer "up_sampling2d(_\d+)?": `size` must be a positive '
                                         r"int or a tuple of 2 positive ints, received "
                                         r"size=\(2, 0\)"):
        UpSampling2D(size=(2, 0))
    with pytest.raises(ValueError, match=r'Layer "up_sampling1d(_\d+)?": argument `size` should be '
                                         r"a positive integer. Received: size=0"):
        UpSampling1D(size=0)
    with pytest.raises(ValueError, match="expected ndim=4, found ndim=3"):
        UpSampling2D()(Input(shape=(4, 4)))


@pytest.mark.parametrize("padding, pair", [(2, (2, 2)), ((1, 3), (1, 3)), ((0, 1), (0, 1))])
def test_zero_padding_1d(padding, pair):
    x = _x(2, 3, 4)
    expected = np.concatenate([np.zeros((2, pair[0], 4), "float32"), x,
                               np.zeros((2, pair[1], 4), "float32")], axis=1)
    layer_test(ZeroPadding1D, {"padding": padding}, input_data=x, expected_output=expected,
               expected_output_shape=expected.shape, expected_num_trainable_weights=0)
    layer_test(ZeroPadding1D, {"padding": padding, "data_format": "channels_first"},
               input_data=np.moveaxis(x, 1, 2), expected_output=np.moveaxis(expected, 1, 2))
    assert ZeroPadding1D(padding)(Input(shape=(None, 4))).shape == (None, None, 4)
    assert ZeroPadding1D(padding).get_config()["padding"] == pair


def test_zero_padding_1d_keras_example():
    x = np.arange(12.0, dtype="float32").reshape(2, 2, 3)
    y = ZeroPadding1D(padding=2)(x).numpy()
    assert y.shape == (2, 6, 3)
    np.testing.assert_array_equal(y[1], [[0, 0, 0], [0, 0, 0], [6, 7, 8], [9, 10, 11],
                                         [0, 0, 0], [0, 0, 0]])


@pytest.mark.parametrize("padding, pairs", [
    (1, ((1, 1), (1, 1))), ((1, 2), ((1, 1), (2, 2))), (((0, 1), (2, 3)), ((0, 1), (2, 3)))])
def test_zero_padding_2d(padding, pairs):
    x = _x(2, 3, 2, 2)
    (top, bottom), (left, right) = pairs
    expected = np.zeros((2, 3 + top + bottom, 2 + left + right, 2), "float32")
    for i in range(3):
        for j in range(2):
            expected[:, top + i, left + j] = x[:, i, j]
    layer_test(ZeroPadding2D, {"padding": padding}, input_data=x, expected_output=expected,
               expected_output_shape=expected.shape, expected_num_trainable_weights=0)
    layer_test(ZeroPadding2D, {"padding": padding, "data_format": "channels_first"},
               input_data=_to_first(x), expected_output=_to_first(expected))
    assert ZeroPadding2D(padding).get_config()["padding"] == pairs
    assert ZeroPadding2D(padding)(Input(shape=(None, 2, 2))).shape == \
        (None, None, 2 + left + right, 2)


def test_zero_padding_errors():
    with pytest.raises(ValueError, match=r'Layer "zero_padding1d(_\d+)?": `padding` must be a '
                                         r"non-negative int or a tuple of 2 non-negative ints, "
                                         r"received padding=-1"):
        ZeroPadding1D(-1)
    with pytest.raises(ValueError, match=r"`padding` must be a non-negative int or a tuple of 2 "
                                         r"non-negative ints, received padding=\(1, 2, 3\)"):
        ZeroPadding1D((1, 2, 3))
    with pytest.raises(ValueError, match=r'Layer "zero_padding2d(_\d+)?": `padding` must be an int,'
                                         r" a tuple of 2 ints"):
        ZeroPadding2D((1, 2, 3))
    with pytest.raises(ValueError, match=r"`2nd entry of padding` must be a non-negative int"):
        ZeroPadding2D(((1, 2), (3, -1)))
    with pytest.raises(ValueError, match=r"`data_format` must be 'channels_last' or "
                                         r"'channels_first'"):
        ZeroPadding2D(data_format="nhwc")


@pytest.mark.parametrize("cropping, pair", [(1, (1, 1)), ((1, 2), (1, 2)), ((0, 1), (0, 1)),
                                            ((2, 0), (2, 0))])
def test_cropping_1d(cropping, pair):
    x = _x(3, 5, 2)
    expected = x[:, pair[0]:5 - pair[1]]
    layer_test(Cropping1D, {"cropping": cropping}, input_data=x, expected_output=expected,
               expected_output_shape=expected.shape, expected_num_trainable_weights=0)
    assert Cropping1D(cropping).get_config()["cropping"] == pair
    assert Cropping1D(cropping)(Input(batch_shape=(1, None, 7))).shape == (1, None, 7)


def test_cropping_1d_keras_example_and_config():
    x = np.arange(12.0, dtype="float32").reshape(2, 3, 2)
    np.testing.assert_array_equal(Cropping1D(cropping=1)(x).numpy(), [[[2, 3]], [[8, 9]]])
    assert Cropping1D(name="crop").get_config() == {"name": "crop", "trainable": True,
                                                    "dtype": "float32", "cropping": (1, 1)}


@pytest.mark.parametrize("cropping, pairs", [
    (1, ((1, 1), (1, 1))), ((1, 0), ((1, 1), (0, 0))), (((0, 2), (1, 0)), ((0, 2), (1, 0)))])
def test_cropping_2d(cropping, pairs):
    x = _x(2, 5, 4, 3)
    (top, bottom), (left, right) = pairs
    expected = x[:, top:5 - bottom, left:4 - right]
    layer_test(Cropping2D, {"cropping": cropping}, input_data=x, expected_output=expected,
               expected_output_shape=expected.shape, expected_num_trainable_weights=0)
    layer_test(Cropping2D, {"cropping": cropping, "data_format": "channels_first"},
               input_data=_to_first(x), expected_output=_to_first(expected))
    assert Cropping2D(cropping).get_config()["cropping"] == pairs


def test_cropping_2d_keras_example_and_defaults():
    x = np.zeros((2, 28, 28, 3), dtype="float32")
    assert Cropping2D(cropping=((2, 2), (4, 4)))(x).shape == (2, 24, 20, 3)
    assert Cropping2D(cropping=((2, 2), (4, 4)))(Input(shape=(28, None, 3))).shape == \
        (None, 24, None, 3)
    assert Cropping2D(name="crop").get_config() == {
        "name": "crop", "trainable": True, "dtype": "float32",
        "cropping": ((0, 0), (0, 0)), "data_format": "channels_last"}


def test_cropping_more_than_the_input_has():
    with pytest.raises(ValueError, match=r'Layer "cropping1d(_\d+)?": `cropping` parameter of '
                                         r"`Cropping1D` layer must be smaller than the input "
                                         r"length. Received: input_shape=\(None, 5, 7\), "
                                         r"cropping=\(2, 3\)"):
        Cropping1D(cropping=(2, 3))(Input(shape=(5, 7)))
    layer = Cropping1D(cropping=(3, 3), name="crop")
    with pytest.raises(ValueError, match=r'Layer "crop": `cropping` parameter'):
        layer(_x(3, 5, 7))
    with pytest.raises(ValueError, match=r'Layer "cropping2d(_\d+)?": Values in `cropping` '
                                         r"argument should be smaller than the corresponding "
                                         r"spatial dimension of the input"):
        Cropping2D(((1, 1), (2, 2)), data_format="channels_first")(Input(shape=(3, 8, 4)))
    with pytest.raises(ValueError, match=r"`cropping` must be a non-negative int or a tuple of 2"):
        Cropping1D(cropping=(1,))
    with pytest.raises(ValueError, match=r"`cropping` must be a non-negative int"):
        Cropping1D(cropping="1")
    with pytest.raises(ValueError, match=r"`1st entry of cropping` must be a non-negative int"):
        Cropping2D(cropping=(-1, 2))


def test_image_reshaping_layers_in_a_trained_model():
    model = Sequential([Input(shape=(4, 4, 2)), ZeroPadding2D(1), Cropping2D(((0, 2), (2, 0))),
                        UpSampling2D(interpolation="bilinear"), keras.layers.Flatten(),
                        Dense(1)])
    assert model.output_shape == (None, 1)
    model.compile(optimizer="sgd", loss="mse")
    x, y = _x(16, 4, 4, 2), _x(16, 1)
    before = model.evaluate(x, y, verbose=0)
    model.fit(x, y, epochs=2, verbose=0)
    assert model.evaluate(x, y, verbose=0) < before
