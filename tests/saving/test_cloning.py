"""clone_model: the same architecture with new layers and fresh weights."""

import numpy as np
import pytest

import minikeras as keras
from minikeras import layers

RNG = np.random.default_rng(0)


def test_clone_sequential_has_new_layers_and_fresh_weights():
    model = keras.Sequential([keras.Input(shape=(3,)), layers.Dense(4, activation="relu"),
                              layers.Dense(1)], name="net")
    clone = keras.models.clone_model(model)
    assert clone.name == "net" and clone.get_config() == model.get_config()
    assert all(a is not b for a, b in zip(clone.layers, model.layers))
    assert not np.array_equal(clone.layers[0].kernel.data, model.layers[0].kernel.data)
    clone.set_weights(model.get_weights())
    x = RNG.random((2, 3)).astype("float32")
    np.testing.assert_array_equal(clone.predict(x, verbose=0), model.predict(x, verbose=0))


def test_clone_functional_keeps_shared_layers_shared():
    a, b = keras.Input(shape=(3,), name="a"), keras.Input(shape=(3,), name="b")
    shared = layers.Dense(2, name="shared")
    model = keras.Model([a, b], layers.Add()([shared(a), shared(b)]))
    clone = keras.models.clone_model(model)
    assert [layer.name for layer in clone.layers] == [layer.name for layer in model.layers]
    assert len(clone.get_layer("shared")._inbound_nodes) == 2
    assert len(clone.weights) == 2
    clone.set_weights(model.get_weights())
    x = [RNG.random((2, 3)).astype("float32") for _ in range(2)]
    np.testing.assert_array_equal(clone.predict(x, verbose=0), model.predict(x, verbose=0))


def test_clone_function_and_input_tensors():
    model = keras.Sequential([keras.Input(shape=(3,)), layers.Dense(4), layers.Dropout(0.5),
                              layers.Dense(1)])

    def without_dropout(layer):
        if isinstance(layer, layers.Dropout):
            return layers.Activation("linear", name=layer.name)
        return layer  # share the other layers with the original

    clone = keras.models.clone_model(model, clone_function=without_dropout)
    assert type(clone.layers[1]).__name__ == "Activation"
    assert clone.layers[0] is model.layers[0]
    inputs = keras.Input(shape=(3,), name="new_input")
    functional = keras.Model(inputs, layers.Dense(2)(inputs))
    rebuilt = keras.models.clone_model(functional, input_tensors=inputs)
    assert rebuilt.inputs[0] is inputs
    with pytest.raises(ValueError, match="has 1 input\\(s\\)"):
        keras.models.clone_model(functional, input_tensors=[inputs, inputs])


def test_clone_recursive_and_subclassed_errors():
    inner = keras.Sequential([keras.Input(shape=(3,)), layers.Dense(2)], name="inner")
    inputs = keras.Input(shape=(3,))
    model = keras.Model(inputs, inner(inputs))
    seen = []

    def record(layer):
        seen.append(layer.name)
        return layer.__class__.from_config(layer.get_config())

    keras.models.clone_model(model, clone_function=record, recursive=True)
    assert seen == ["dense"]

    class Net(keras.Model):
        def call(self, x):
            return x

    with pytest.raises(ValueError, match="only supported for Sequential and Functional"):
        keras.models.clone_model(Net(), clone_function=record)
