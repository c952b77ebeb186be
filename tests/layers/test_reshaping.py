"""Reshape, Permute and RepeatVector: shapes, values against numpy, configs and errors."""

import numpy as np
import pytest

import minikeras as keras
from minikeras.layers import Dense, Input, Permute, RepeatVector, Reshape
from minikeras.layers.base import clear_session
from minikeras.models import Sequential
from minikeras.testing import layer_test


@pytest.fixture(autouse=True)
def fresh_names():
    clear_session()
    keras.utils.set_random_seed(0)


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
