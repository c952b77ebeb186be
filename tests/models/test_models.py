"""Sequential, Functional and subclassed models: building, calling, configs, errors."""

import json

import numpy as np
import pytest

from minikeras import ops
from minikeras.layers import Activation, Dense, Dropout, Input
from minikeras.models import Functional, Model, Sequential


def _mlp_sequential():
    model = Sequential()
    model.add(Dense(12, input_dim=8, kernel_initializer="random_uniform"))
    model.add(Activation("relu"))
    model.add(Dropout(0.3))
    model.add(Dense(10, activation="softmax"))
    return model


def test_sequential_builds_from_input_dim_and_names_layers_like_keras():
    model = _mlp_sequential()
    assert model.built
    assert [layer.name for layer in model.layers] == ["dense", "activation", "dropout",
                                                      "dense_1"]
    assert [w.path for w in model.weights] == ["dense/kernel", "dense/bias", "dense_1/kernel",
                                               "dense_1/bias"]
    assert model.count_params() == 8 * 12 + 12 + 12 * 10 + 10
    assert model.output_shape == (None, 10)
    assert model.get_layer("dense_1") is model.layers[-1]
    assert model.get_layer(index=0).name == "dense"


def test_sequential_deferred_build_on_first_call():
    model = Sequential([Dense(4), Dense(2)])
    assert not model.built
    with pytest.raises(ValueError, match="not been built"):
        model.summary()
    out = model(np.ones((3, 5), dtype=np.float32))
    assert out.shape == (3, 2) and model.built
    assert model.layers[0].kernel.shape == (5, 4)


def test_sequential_pop_and_input():
    model = Sequential([Input(shape=(3,)), Dense(4), Dense(2)])
    assert model.output_shape == (None, 2)
    popped = model.pop()
    assert popped.name == "dense_1" and model.output_shape == (None, 4)


def test_sequential_and_functional_give_identical_outputs_and_gradients():
    seq = Sequential([Dense(6, activation="tanh", input_shape=(4,)), Dense(3)])
    inputs = Input(shape=(4,))
    outputs = Dense(3)(Dense(6, activation="tanh")(inputs))
    fun = Model(inputs, outputs)
    fun.set_weights(seq.get_weights())
    x = np.random.default_rng(1).normal(size=(5, 4)).astype(np.float32)
    a, b = seq(x), fun(x)
    np.testing.assert_array_equal(a.data, b.data)
    ops.sum(a * a).backward()
    ops.sum(b * b).backward()
    for ws, wf in zip(seq.weights, fun.weights):
        np.testing.assert_array_equal(ws.grad, wf.grad)


def test_functional_multi_input_multi_output_and_dict_inputs():
    a = Input(shape=(3,), name="a")
    b = Input(shape=(2,), name="b")
    h1 = Dense(4, name="h1")(a)
    h2 = Dense(4, name="h2")(b)
    out1 = Dense(1, name="out1")(h1)
    out2 = Dense(2, name="out2")(h2)
    model = Model(inputs=[a, b], outputs=[out1, out2])
    xa, xb = np.ones((5, 3), np.float32), np.ones((5, 2), np.float32)
    y1, y2 = model([xa, xb])
    assert y1.shape == (5, 1) and y2.shape == (5, 2)
    d1, d2 = model({"a": xa, "b": xb})
    np.testing.assert_array_equal(d1.data, y1.data)
    with pytest.raises(ValueError, match="expects 2 input"):
        model({"a": xa})
    assert model.output_names == ["out1", "out2"]


def test_shared_layer_accumulates_gradients_from_both_uses():
    shared = Dense(3, use_bias=False, name="shared")
    x1, x2 = Input(shape=(2,)), Input(shape=(2,))
    model = Model([x1, x2], [shared(x1), shared(x2)])
    assert len(model.weights) == 1
    a = np.array([[1.0, 2.0]], np.float32)
    b = np.array([[3.0, -1.0]], np.float32)
    ya, yb = model([a, b])
    ops.sum(ya + yb).backward()
    np.testing.assert_allclose(shared.kernel.grad, (a + b).T @ np.ones((1, 3)), rtol=1e-6)


def test_model_used_as_a_layer_inside_another():
    inner_in = Input(shape=(4,))
    inner = Model(inner_in, Dense(3, name="inner_dense")(inner_in), name="inner")
    outer_in = Input(shape=(4,))
    outer = Model(outer_in, Dense(1)(inner(outer_in)))
    assert len(outer.weights) == 4
    assert outer(np.ones((2, 4), np.float32)).shape == (2, 1)
    seq = Sequential([inner, Dense(2)])
    assert seq(np.ones((2, 4), np.float32)).shape == (2, 2)


def test_subclassed_model():
    class TwoLayer(Model):
        def __init__(self):
            super().__init__()
            self.hidden = Dense(5, activation="relu")
            self.out = Dense(2)

        def call(self, inputs, training=None):
            return self.out(self.hidden(inputs))

    model = TwoLayer()
    y = model(np.ones((3, 4), np.float32))
    assert y.shape == (3, 2)
    assert [w.path for w in model.weights] == ["dense/kernel", "dense/bias", "dense_1/kernel",
                                               "dense_1/bias"]
    assert model.layers == [model.hidden, model.out]


def test_configs_round_trip_in_keras_format():
    seq = _mlp_sequential()
    config = json.loads(json.dumps(seq.get_config()))
    assert config["layers"][0]["class_name"] == "InputLayer"
    assert config["layers"][0]["config"]["batch_shape"] == [None, 8]
    assert config["layers"][1]["config"]["kernel_initializer"]["class_name"] == "RandomUniform"
    clone = Sequential.from_config(config)
    assert clone.get_config() == config
    inputs = Input(shape=(4,))
    fun = Model(inputs, Dense(2, activation="sigmoid")(Dense(3)(inputs)))
    config = json.loads(json.dumps(fun.get_config()))
    node = config["layers"][1]["inbound_nodes"][0]["args"][0]
    assert node["class_name"] == "__keras_tensor__"
    clone = Model.from_config(config)
    assert isinstance(clone, Functional)
    assert clone.get_config() == config


def test_reads_a_tf_keras_2_functional_config():
    config = {
        "name": "model", "layers": [
            {"class_name": "InputLayer", "name": "input_1",
             "config": {"batch_input_shape": [None, 4], "dtype": "float32", "name": "input_1"},
             "inbound_nodes": []},
            {"class_name": "Dense", "name": "dense",
             "config": {"name": "dense", "units": 2, "activation": "relu", "trainable": True},
             "inbound_nodes": [[["input_1", 0, 0, {}]]]},
        ],
        "input_layers": [["input_1", 0, 0]], "output_layers": [["dense", 0, 0]],
    }
    model = Model.from_config(config)
    assert model(np.ones((1, 4), np.float32)).shape == (1, 2)


def test_construction_errors_name_the_layer_and_shapes():
    built_for_three = Dense(2)
    built_for_three.build((None, 3))
    with pytest.raises(ValueError, match=r'layer "dense".*expected axis -1 of input shape '
                                         r"to have value 3.*\(None, 4\)"):
        Sequential([Input(shape=(4,)), built_for_three])
    with pytest.raises(TypeError, match="Only instances of `keras.Layer`"):
        Sequential([Dense(2), "relu"])
    with pytest.raises(ValueError, match="unique names"):
        Sequential([Dense(2, name="a"), Dense(2, name="a")])
    with pytest.raises(ValueError, match="positive integer"):
        Dense(0)
    with pytest.raises(TypeError, match="unexpected keyword argument.*'unit'"):
        Dense(3, unit=4)


def test_model_inputs_must_be_inputs():
    with pytest.raises(ValueError, match="symbolic tensors"):
        Model(np.ones((2, 3)), Dense(2)(Input(shape=(3,))))


def test_subclassed_model_build_traces_call_for_shapes_and_weights():
    class Net(Model):
        def __init__(self, raw_ops=False):
            super().__init__()
            self.raw_ops = raw_ops
            self.hidden = Dense(4, activation="relu")
            self.out = Dense(2)

        def call(self, inputs, training=None):
            out = self.out(self.hidden(inputs))
            return ops.relu(out) if self.raw_ops else out

    model = Net()
    model.build((None, 3))
    assert [w.shape for w in model.weights] == [(3, 4), (4,), (4, 2), (2,)]
    lines = []
    model.summary(print_fn=lines.append)
    assert any("(None, 4)" in line for line in lines)
    # Raw ops cannot run on symbolic inputs: the layers are then built by a run on zeros.
    with_ops = Net(raw_ops=True)
    with_ops.build((None, 3))
    assert [w.shape for w in with_ops.weights] == [(3, 4), (4,), (4, 2), (2,)]
