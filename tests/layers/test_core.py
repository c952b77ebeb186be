"""Core layers (Input, Dense, Activation, Dropout, Flatten, Lambda), weights and freezing, and
the public `layer_test` harness itself (it must catch broken layers, not only pass good ones)."""

import json

import numpy as np
import pytest

import minikeras as keras
from minikeras import ops
from minikeras.backend.ops import math
from minikeras.layers import (Activation, Dense, Dropout, Flatten, Input, InputLayer, Lambda,
                              Layer, deserialize, serialize)
from minikeras.layers.base import KerasTensor
from minikeras.models import Model, Sequential
from minikeras.saving import register_keras_serializable
from minikeras.testing import layer_test


def _x(*shape, seed=0):
    return np.random.default_rng(seed).standard_normal(shape).astype("float32")


# -- the harness catches broken layers ------------------------------------------------------


class Scale(Layer):
    """y = x * w, a minimal layer with one weight; subclasses break one thing each."""

    def build(self, input_shape):
        self.w = self.add_weight(shape=(input_shape[-1],), initializer="ones", name="w")

    def call(self, inputs):
        return math.multiply(inputs, self.w)


class WrongGradient(Scale):
    def call(self, inputs):
        # Forward x * w, but a backward that sees only w's value (cut off from the tape).
        return math.multiply(inputs, ops.stop_gradient(self.w)) + 0.0 * self.w


class ForgetsItsConfig(Scale):
    def __init__(self, factor=1.0, **kwargs):
        super().__init__(**kwargs)
        self.factor = factor

    def call(self, inputs):
        return math.multiply(inputs, self.w) * self.factor


class PromotesToFloat64(Scale):
    def call(self, inputs):
        return ops.cast(Scale.call(self, inputs), "float64")


class KeepsWeightsInAList(Scale):
    def build(self, input_shape):
        self.params = [self.add_weight(shape=(input_shape[-1],), initializer="ones",
                                       name="w")]

    def call(self, inputs):
        return math.multiply(inputs, self.params[0])


def test_harness_passes_a_correct_layer():
    layer_test(Scale, {}, input_shape=(2, 3), expected_output_shape=(2, 3),
               expected_num_trainable_weights=1, expected_num_non_trainable_weights=0,
               custom_objects={"Scale": Scale})


@pytest.mark.parametrize("cls, kwargs, message", [
    (WrongGradient, {}, "gradient check FAILED"),
    (ForgetsItsConfig, {"factor": 2.0}, "a revived layer with the same weights gives other "
                                        "outputs"),
    (PromotesToFloat64, {}, "expected output dtype float32, got float64"),
    (KeepsWeightsInAList, {}, "not held as a layer attribute"),
])
def test_harness_catches_broken_layers(cls, kwargs, message):
    with pytest.raises((AssertionError, TypeError), match=message):
        layer_test(cls, kwargs, input_shape=(2, 3), custom_objects={cls.__name__: cls})


def test_harness_checks_expectations():
    with pytest.raises(AssertionError, match=r"expected output shape \(2, 4\), got \(2, 3\)"):
        layer_test(Dense, {"units": 3}, input_shape=(2, 5), expected_output_shape=(2, 4))
    with pytest.raises(AssertionError, match="expected 3 trainable weights, got 2"):
        layer_test(Dense, {"units": 3}, input_shape=(2, 5), expected_num_trainable_weights=3)
    with pytest.raises(AssertionError, match="unexpected output values"):
        layer_test(Activation, {"activation": "relu"}, input_data=np.array([[-1.0, 2.0]]),
                   expected_output=[[1.0, 2.0]])
    with pytest.raises(ValueError, match="exactly one of `input_shape` and `input_data`"):
        layer_test(Dense, {"units": 3})


# -- Input / InputLayer ---------------------------------------------------------------------


def test_input_shapes_and_dtypes():
    assert Input(shape=(4,)).shape == (None, 4)
    assert Input(shape=5).shape == (None, 5)
    assert Input(shape=(3,), batch_size=8).shape == (8, 3)
    assert Input(batch_shape=(None, 2, 3)).shape == (None, 2, 3)
    x = Input(shape=(2,), dtype="int32", name="ids")
    assert isinstance(x, KerasTensor) and x.dtype == np.int32 and x.name == "ids"
    assert Input(shape=(2,)).dtype == np.float32


def test_input_layer_config_round_trip_and_tf_keras_spelling():
    layer = InputLayer(shape=(3, 4), name="in")
    config = layer.get_config()
    assert config == {"batch_shape": [None, 3, 4], "dtype": "float32", "sparse": False,
                      "name": "in"}
    assert InputLayer.from_config(json.loads(json.dumps(config))).batch_shape == (None, 3, 4)
    assert InputLayer(input_shape=(7,)).batch_shape == (None, 7)
    assert InputLayer(batch_input_shape=(2, 7)).batch_shape == (2, 7)


@pytest.mark.parametrize("kwargs, message", [
    ({}, "needs the shape of one sample"),
    ({"shape": (3,), "batch_shape": (None, 3)}, "either `shape` or `batch_shape`"),
    ({"shape": (-1, 3)}, "negative sizes"),
    ({"shape": (3,), "sparse": True}, "sparse inputs are not supported"),
])
def test_input_errors(kwargs, message):
    with pytest.raises(ValueError, match=message):
        Input(**kwargs)


# -- Dense ----------------------------------------------------------------------------------


@pytest.mark.parametrize("shape, use_bias, activation", [
    ((3, 4), True, None), ((3, 4), False, "relu"), ((2, 5, 4), True, "tanh"),
    ((2, 5, 4), False, "sigmoid")])
def test_dense_harness(shape, use_bias, activation):
    layer_test(Dense, {"units": 3, "use_bias": use_bias, "activation": activation},
               input_shape=shape, expected_output_shape=shape[:-1] + (3,),
               expected_num_trainable_weights=2 if use_bias else 1,
               expected_num_non_trainable_weights=0, supports_masking=True)


@pytest.mark.parametrize("activation, formula", [
    (None, lambda z: z),
    ("relu", lambda z: np.maximum(z, 0)),
    ("tanh", np.tanh),
    ("softmax", lambda z: np.exp(z) / np.exp(z).sum(-1, keepdims=True))])
def test_dense_values_match_numpy(activation, formula):
    x = _x(2, 5, 4)
    layer = Dense(3, activation=activation, bias_initializer="random_normal")
    out = layer(x).data
    kernel, bias = layer.get_weights()
    np.testing.assert_allclose(out, formula(x @ kernel + bias), rtol=1e-5, atol=1e-6)
    assert [w.path for w in layer.weights] == ["dense/kernel", "dense/bias"]
    assert kernel.shape == (4, 3) and bias.shape == (3,)


def test_dense_regularizers_add_to_losses():
    layer = Dense(3, kernel_regularizer=keras.regularizers.L2(0.1),
                  bias_regularizer="l1", bias_initializer="ones",
                  activity_regularizer=keras.regularizers.L1(0.5))
    x = _x(4, 2)
    out = layer(x).data
    kernel, bias = layer.get_weights()
    values = [float(loss.data) for loss in layer.losses]
    # Weight penalties first, then the activity penalty divided by the batch size (Keras).
    np.testing.assert_allclose(values, [0.1 * np.sum(kernel ** 2), 0.01 * np.sum(np.abs(bias)),
                                        0.5 * np.sum(np.abs(out)) / 4], rtol=1e-5)
    assert layer.get_config()["kernel_regularizer"]["config"] == {"l2": 0.1}


def test_dense_constraint_holds_after_training():
    model = Sequential([Input(shape=(3,)), Dense(2, kernel_constraint="non_neg",
                                                 kernel_initializer="random_normal")])
    assert (model.layers[0].kernel.data < 0).any()
    model.compile(optimizer="sgd", loss="mse")
    model.fit(_x(8, 3), _x(8, 2, seed=1), epochs=1, verbose=0)
    assert (model.layers[0].kernel.data >= 0).all()
    config = model.layers[0].get_config()
    assert config["kernel_constraint"]["class_name"] == "NonNeg"


def test_dense_input_dim_and_input_shape_keywords():
    for layer in (Dense(3, input_dim=4), Dense(3, input_shape=(4,))):
        model = Sequential([layer])
        assert model.built and model.input_shape == (None, 4) and model.output_shape == (None, 3)
    model = Sequential([Dense(3, input_shape=(5, 4))])
    assert model.output_shape == (None, 5, 3)


def test_dense_input_shape_with_batch_axis_gets_a_hint():
    layer = Dense(3, input_shape=(32, 4))
    with pytest.raises(ValueError, match=r"seems to include the batch axis: pass "
                                         r"input_shape=\(4,\)"):
        layer(np.ones((32, 4), dtype="float32"))


def test_default_names_are_numbered_like_keras():
    names = [Dense(1).name, Dense(1).name, Dense(1).name, Activation("relu").name,
             Dropout(0.1).name, Dense(1, name="out").name]
    assert names == ["dense", "dense_1", "dense_2", "activation", "dropout", "out"]


@pytest.mark.parametrize("units", [0, -3, 2.5, "8", None, True])
def test_dense_units_validation(units):
    with pytest.raises(ValueError, match=r'Layer "dense": received an invalid value for '
                                         r"`units`, expected a positive integer. Received: "
                                         r"units="):
        Dense(units)


def test_dense_input_spec_error_in_keras_wording():
    Dense(4)
    layer = Dense(4)
    layer(np.ones((32, 8), dtype="float32"))
    expected = ('Input 0 of layer "dense_1" is incompatible with the layer: expected axis -1 '
                "of input shape to have value 8, but received input with shape (32, 9)")
    with pytest.raises(ValueError) as info:
        layer(np.ones((32, 9), dtype="float32"))
    assert str(info.value) == expected
    with pytest.raises(ValueError, match='layer "dense_2".*expected axis -1 of input shape to '
                                         'have value 8'):
        Sequential([Input(shape=(8,)), Dense(2), Dense(5)]).layers[0](Input(shape=(9,)))


def test_dense_rank_error_in_keras_wording():
    with pytest.raises(ValueError, match="expected min_ndim=2, found ndim=1"):
        Dense(2)(np.ones((3,), dtype="float32"))


def test_dense_unknown_keyword_is_refused():
    with pytest.raises(TypeError, match="unexpected keyword argument.*'unit'"):
        Dense(3, unit=4)


def test_dense_weights_keyword_sets_initial_values():
    kernel, bias = np.full((2, 3), 0.5, dtype="float32"), np.arange(3, dtype="float32")
    layer = Dense(3, weights=[kernel, bias])
    np.testing.assert_allclose(layer(np.ones((1, 2), dtype="float32")).data, [[1.0, 2.0, 3.0]])


# -- trainable / freezing, get_weights / set_weights ----------------------------------------


def test_freezing_a_layer_moves_its_weights_to_non_trainable():
    layer = Dense(3)
    layer(np.ones((1, 2), dtype="float32"))
    assert len(layer.trainable_weights) == 2 and not layer.non_trainable_weights
    layer.trainable = False
    assert layer.trainable_weights == [] and len(layer.non_trainable_weights) == 2
    assert layer.get_config()["trainable"] is False


def test_a_frozen_layer_is_not_trained():
    frozen, trained = Dense(3, trainable=False), Dense(1)
    model = Sequential([Input(shape=(2,)), frozen, trained])
    assert len(model.trainable_weights) == 2 and len(model.non_trainable_weights) == 2
    before = [w.copy() for w in model.get_weights()]
    model.compile(optimizer="sgd", loss="mse")
    model.fit(_x(8, 2), _x(8, 1, seed=1), epochs=1, verbose=0)
    after = model.get_weights()
    assert all(np.array_equal(b, a) for b, a in zip(before[:2], after[:2]))
    assert not np.array_equal(before[2], after[2])


def test_set_weights_errors():
    layer = Dense(3)
    layer(np.ones((1, 4), dtype="float32"))
    with pytest.raises(ValueError, match='Layer "dense" expects 2 weight arrays, but received '
                                         "1"):
        layer.set_weights([np.zeros((4, 3))])
    with pytest.raises(ValueError, match=r"weight shape \(4, 3\) of 'dense/kernel' is not "
                                         r"compatible with provided weight shape \(3, 4\)"):
        layer.set_weights([np.zeros((3, 4)), np.zeros(3)])
    weights = layer.get_weights()
    weights[0][...] = 7.0  # get_weights gives copies
    assert not (layer.kernel.data == 7.0).any()
    layer.set_weights(weights)
    assert (layer.kernel.data == 7.0).all()


def test_count_params_needs_a_built_layer():
    with pytest.raises(ValueError, match="has not been built yet"):
        Dense(3).count_params()
    layer = Dense(3)
    layer.build((None, 4))
    assert layer.count_params() == 15


# -- Activation, Flatten --------------------------------------------------------------------


@pytest.mark.parametrize("activation", ["relu", "tanh", "sigmoid", "softmax", "elu", "gelu"])
def test_activation_harness(activation):
    layer_test(Activation, {"activation": activation}, input_shape=(2, 3, 4),
               expected_output_shape=(2, 3, 4), expected_num_trainable_weights=0,
               supports_masking=True)


def test_activation_values_and_callable():
    x = _x(2, 3)
    np.testing.assert_allclose(Activation("relu")(x).data, np.maximum(x, 0))
    np.testing.assert_allclose(Activation(ops.tanh)(x).data, np.tanh(x), rtol=1e-6)
    assert Activation("relu").get_config()["activation"] == "relu"
    with pytest.raises(ValueError, match="Unknown activation: 'rleu'. Did you mean 'relu'"):
        Activation("rleu")


def test_flatten_harness_and_channels_first_order():
    layer_test(Flatten, {}, input_shape=(2, 3, 4), expected_output_shape=(2, 12))
    layer_test(Flatten, {"data_format": "channels_first"}, input_shape=(2, 3, 2, 2),
               expected_output_shape=(2, 12))
    x = _x(2, 3, 2, 2)
    np.testing.assert_array_equal(Flatten()(x).data, x.reshape(2, -1))
    np.testing.assert_array_equal(Flatten(data_format="channels_first")(x).data,
                                  x.transpose(0, 2, 3, 1).reshape(2, -1))
    assert Flatten()(Input(shape=(3, 4))).shape == (None, 12)


# -- Dropout --------------------------------------------------------------------------------


def test_dropout_harness():
    layer_test(Dropout, {"rate": 0.5, "seed": 1}, input_shape=(2, 3, 4),
               expected_output_shape=(2, 3, 4), expected_num_trainable_weights=0,
               supports_masking=True)


def test_dropout_training_uses_inverted_scaling():
    x = _x(50, 40) + 5.0
    out = Dropout(0.25, seed=2)(x, training=True).data
    kept = out != 0
    np.testing.assert_allclose(out[kept], x[kept] / 0.75, rtol=1e-6)
    assert abs(1 - kept.mean() - 0.25) < 0.03


def test_dropout_preserves_the_mean_statistically():
    out = Dropout(0.3, seed=3)(np.ones((200, 50), dtype="float32"), training=True).data
    # 10000 draws: the standard error of the mean is sqrt(0.3 / 0.7 / 10000) ~ 0.0065.
    assert abs(out.mean() - 1.0) < 0.03
    assert out.dtype == np.float32


def test_dropout_is_the_identity_at_inference():
    x = _x(4, 5)
    layer = Dropout(0.5)
    assert layer(x).data is x or np.array_equal(layer(x).data, x)
    np.testing.assert_array_equal(layer(x, training=False).data, x)
    model = Sequential([Input(shape=(5,)), layer])
    np.testing.assert_array_equal(model.predict(x, verbose=0), x)


def test_dropout_seed_reproducibility():
    x = np.ones((6, 7), dtype="float32")
    first = Dropout(0.5, seed=11)(x, training=True).data
    second = Dropout(0.5, seed=11)(x, training=True).data
    other = Dropout(0.5, seed=12)(x, training=True).data
    np.testing.assert_array_equal(first, second)
    assert not np.array_equal(first, other)


def test_dropout_noise_shape_broadcasts_the_mask():
    x = np.ones((2, 6, 3), dtype="float32")
    out = Dropout(0.5, noise_shape=(None, 1, 3), seed=5)(x, training=True).data
    assert (out == out[:, :1, :]).all()  # one draw per (sample, feature), shared over axis 1
    assert Dropout(0.5, noise_shape=(None, 1, 3)).get_config()["noise_shape"] == [None, 1, 3]


@pytest.mark.parametrize("rate", [1, 1.5, -0.1, "0.5", None, True])
def test_dropout_rate_validation(rate):
    with pytest.raises(ValueError, match="invalid value received for argument `rate`. Expected "
                                         "a float value between 0 and 1"):
        Dropout(rate)


def test_dropout_zero_rate_is_the_identity_in_training():
    x = _x(3, 3)
    np.testing.assert_array_equal(Dropout(0.0)(x, training=True).data, x)


# -- Lambda ---------------------------------------------------------------------------------


def double(x):
    return x * 2.0


@register_keras_serializable(package="test_core")
def halve(x):
    return x * 0.5


def test_lambda_harness_with_a_named_function():
    layer_test(Lambda, {"function": double}, input_shape=(2, 3), expected_output_shape=(2, 3),
               expected_num_trainable_weights=0, custom_objects={"double": double})


def test_lambda_in_memory_with_a_lambda():
    x = _x(2, 3)
    layer = Lambda(lambda t: ops.square(t) + 1.0)
    np.testing.assert_allclose(layer(x).data, x ** 2 + 1.0, rtol=1e-6)
    assert layer.name == "lambda"
    model = Sequential([Input(shape=(3,)), layer, Dense(2)])
    assert model.output_shape == (None, 2)
    # Shape inference runs the function on zeros: log(0) must not warn (warnings are errors).
    assert Lambda(lambda t: ops.log(t))(Input(shape=(3,))).shape == (None, 3)
    inputs = Input(shape=(4,))
    outputs = Lambda(lambda t: t[:, :2])(inputs)
    assert outputs.shape == (None, 2)
    np.testing.assert_allclose(Model(inputs, outputs).predict(_x(3, 4), verbose=0),
                               _x(3, 4)[:, :2])


def test_lambda_output_shape_arguments_training_and_mask():
    layer = Lambda(lambda t, factor: t * factor, output_shape=(3,), arguments={"factor": 3.0})
    assert layer(Input(shape=(3,))).shape == (None, 3)
    np.testing.assert_allclose(layer(np.ones((1, 3), dtype="float32")).data, [[3.0] * 3])
    by_function = Lambda(lambda t: ops.concatenate([t, t], axis=-1),
                         output_shape=lambda shape: shape[:-1] + (2 * shape[-1],))
    assert by_function(Input(shape=(2,))).shape == (None, 4)
    seen = []
    spy = Lambda(lambda t, training=None: seen.append(training) or t)
    spy(np.ones((1, 1), dtype="float32"), training=True)
    spy(np.ones((1, 1), dtype="float32"))
    assert seen == [True, False]
    masked = Lambda(lambda t: t, mask=lambda inputs, mask: inputs != 0)
    assert masked.supports_masking and not Lambda(double).supports_masking
    np.testing.assert_array_equal(masked.compute_mask(np.array([[0.0, 2.0]])).data,
                                  [[False, True]])


def test_lambda_config_of_a_python_lambda_is_refused_on_load():
    layer = Lambda(lambda t: t + 1.0)
    config = layer.get_config()
    assert config["function"]["class_name"] == "__lambda__"
    assert "t + 1.0" in config["function"]["config"]["code"]  # readable source, no bytecode
    json.dumps(config)
    with pytest.raises(ValueError, match="Python lambda.*safe_mode=False"):
        Lambda.from_config(json.loads(json.dumps(config)))
    with pytest.raises(ValueError, match="Python lambda"):
        deserialize(serialize(layer))


def test_lambda_tf_keras_2_bytecode_payload_is_refused():
    config = {"name": "lambda", "trainable": True, "dtype": "float32",
              "function": ["4wEAAAAAAAAA", None, None], "function_type": "lambda",
              "module": "__main__", "output_shape": None, "output_shape_type": "raw",
              "output_shape_module": None, "arguments": {}}
    with pytest.raises(ValueError, match="safe_mode"):
        deserialize({"class_name": "Lambda", "config": config})


def test_lambda_named_functions_round_trip_by_name():
    config = Lambda(double).get_config()
    assert config["function"] == {"module": __name__, "class_name": "function",
                                  "config": "double", "registered_name": "double"}
    with pytest.raises(ValueError, match="Could not find the function 'double'.*custom_objects"):
        Lambda.from_config(config)
    assert Lambda.from_config(config, custom_objects={"double": double}).function is double
    registered = Lambda(halve).get_config()["function"]
    assert registered["registered_name"] == "test_core>halve"
    assert deserialize(serialize(Lambda(halve))).function is halve
    public = Lambda(ops.relu).get_config()["function"]
    assert public["module"] == "keras.ops" and public["config"] == "relu"
    assert Lambda.from_config(Lambda(ops.relu).get_config()).function is ops.relu


def test_lambda_needs_a_callable():
    with pytest.raises(TypeError, match="must be callable"):
        Lambda(3)
