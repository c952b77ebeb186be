"""Whole-model configs as Keras writes them: nested models' node numbering, the Keras module
of model classes, and the order in which Keras lists a Functional model's layers."""

import json

import numpy as np
import pytest

import minikeras as keras
from minikeras import layers
from minikeras.saving.config import keras_layer_order, model_from_dict, model_to_dict


def names(model):
    return [layer.name for layer in keras_layer_order(model)]


def test_keras_layer_order_deepest_first_then_first_met():
    inputs = keras.Input(shape=(3,), name="in")
    d1 = layers.Dense(4, name="d1")(inputs)
    d2 = layers.Dense(4, name="d2")(inputs)
    d3 = layers.Dense(4, name="d3")(d2)
    model = keras.Model(inputs, layers.Add(name="add")([d1, d3]))
    # Depths from the output: add 0; d1, d3 1; d2 2; in 3. Ties: d1 is met before d3.
    assert names(model) == ["in", "d2", "d1", "d3", "add"]


def test_keras_layer_order_with_two_outputs_and_an_unused_input():
    a = keras.Input(shape=(2,), name="a")
    unused = keras.Input(shape=(2,), name="unused")
    h = layers.Dense(2, name="h")(a)
    out1 = layers.Dense(1, name="out1")(h)
    out2 = layers.Dense(1, name="out2")(layers.Dense(2, name="g")(h))
    model = keras.Model([a, unused], [out1, out2])
    # The unused input gets depth 0 and comes before the outputs met first.
    assert names(model) == ["a", "h", "g", "unused", "out1", "out2"]


def test_keras_layer_order_of_a_shared_layer_takes_its_deepest_call():
    a = keras.Input(shape=(2,), name="a")
    shared = layers.Dense(2, name="shared")
    model = keras.Model(a, layers.Dense(1, name="out")(shared(shared(a))))
    assert names(model) == ["a", "shared", "out"]


def test_nested_model_calls_are_numbered_as_keras_3_numbers_them():
    inner_in = keras.Input(shape=(3,))
    inner = keras.Model(inner_in, layers.Dense(3)(inner_in), name="inner")
    seq = keras.Sequential([keras.Input(shape=(3,)), layers.Dense(3)], name="seq")
    inputs = keras.Input(shape=(3,), name="x")
    head = seq(inner(inner(inputs)))
    model = keras.Model(inputs, [head, inner(head)])
    config = json.loads(json.dumps(model.get_config()))
    entries = {e["name"]: e for e in config["layers"]}

    def history(name, call):
        return entries[name]["inbound_nodes"][call]["args"][0]["config"]["keras_history"]

    # Calls are numbered from 0 where layers are called, ...
    calls = [history("inner", i) for i in range(3)]
    assert calls == [["x", 0, 0], ["inner", 0, 0], ["seq", 0, 0]]
    assert history("seq", 0) == ["inner", 1, 0]
    # ... but from 1 for a nested Functional model in the model's outputs (not a Sequential).
    assert config["output_layers"] == [["seq", 0, 0], ["inner", 3, 0]]
    assert config["input_layers"] == [["x", 0, 0]]
    assert (entries["inner"]["module"], entries["inner"]["registered_name"]) == \
        ("keras.src.models.functional", "Functional")
    assert (entries["seq"]["module"], entries["seq"]["registered_name"]) == ("keras", None)
    clone = keras.Model.from_config(config)
    clone.set_weights(model.get_weights())
    x = np.random.default_rng(0).random((2, 3)).astype("float32")
    for a, b in zip(clone.predict(x, verbose=0), model.predict(x, verbose=0)):
        np.testing.assert_array_equal(a, b)


def test_tf_keras_2_sequential_without_input_shape_is_numbered_from_zero():
    config = {"class_name": "Functional", "config": {"name": "m", "layers": [
        {"class_name": "InputLayer", "name": "in", "inbound_nodes": [],
         "config": {"batch_input_shape": [None, 3], "name": "in"}},
        {"class_name": "Sequential", "name": "seq", "inbound_nodes": [[["in", 0, 0, {}]]],
         "config": {"name": "seq", "layers": [
             {"class_name": "Dense", "config": {"name": "d", "units": 2}}]}},
        {"class_name": "Dense", "name": "out", "inbound_nodes": [[["seq", 0, 0, {}]]],
         "config": {"name": "out", "units": 1}}],
        "input_layers": [["in", 0, 0]], "output_layers": [["out", 0, 0]]}}
    model = model_from_dict(config)
    assert model.outputs[0].shape == (None, 1)


def test_model_to_dict_is_keras_3s_top_level_entry():
    model = keras.Sequential([keras.Input(shape=(2,)), layers.Dense(1)])
    entry = model_to_dict(model)
    assert {k: entry[k] for k in ("module", "class_name", "registered_name")} == \
        {"module": "keras", "class_name": "Sequential", "registered_name": None}
    assert entry["build_config"] == {"input_shape": [None, 2]}
    with pytest.raises(ValueError, match="should be a dict with 'class_name' and 'config'"):
        model_from_dict(["Sequential"])
