"""Layer.input / Layer.output and the models' input / output, as Keras defines them."""

import numpy as np
import pytest

import minikeras as keras
from minikeras import layers


def test_layer_output_gives_a_model_of_an_intermediate_result():
    inputs = keras.Input((4,))
    hidden = layers.Dense(3, activation="relu", name="hidden")
    model = keras.Sequential([inputs, hidden, layers.Dense(2)])
    probe = keras.Model(model.inputs, model.get_layer("hidden").output)
    x = np.random.default_rng(0).standard_normal((5, 4)).astype("float32")
    expected = np.maximum(x @ hidden.get_weights()[0] + hidden.get_weights()[1], 0)
    np.testing.assert_allclose(probe.predict(x, verbose=0), expected, rtol=1e-5, atol=1e-6)
    assert hidden.input is model.input
    assert model.output is model.layers[-1].output


def test_input_and_output_of_merges_inputs_and_functional_models():
    a, b = keras.Input((3,), name="a"), keras.Input((3,), name="b")
    add = layers.Add()
    summed = add([a, b])
    model = keras.Model({"a": a, "b": b}, [summed])
    assert add.input == [a, b] and add.output is summed
    assert model.input == {"a": a, "b": b} and model.output == [summed]
    input_layer = model.get_layer("a")
    assert input_layer.input is input_layer.output is a


def test_a_layer_never_called_and_a_sequential_without_input_shape_say_so():
    with pytest.raises(ValueError, match="layer dense_x has never been called and thus has no "
                                         "defined output"):
        layers.Dense(2, name="dense_x").output
    model = keras.Sequential([layers.Dense(2)], name="deferred")
    with pytest.raises(ValueError, match="Sequential model 'deferred' has no defined input yet"):
        model.input
