"""Activation layers: values against numpy formulas and Keras's documented examples, PReLU's
learned slopes, Softmax masks and axes, configs and argument errors."""

import numpy as np
import pytest

from minikeras.layers import ELU, Input, LeakyReLU, PReLU, ReLU, Softmax, deserialize
from minikeras.models import Sequential
from minikeras.testing import layer_test


def _x(*shape, seed=0):
    return np.random.default_rng(seed).standard_normal(shape).astype("float32")


KERAS_INPUT = np.array([-10, -5, 0.0, 5, 10], dtype="float32")


# -- ReLU -----------------------------------------------------------------------------------


@pytest.mark.parametrize("kwargs", [
    {}, {"max_value": 1.0}, {"negative_slope": 0.1}, {"threshold": 0.5},
    {"max_value": 6}, {"max_value": 1.5, "negative_slope": 0.2, "threshold": 0.3}])
def test_relu_harness(kwargs):
    layer_test(ReLU, kwargs, input_shape=(2, 3, 4), expected_output_shape=(2, 3, 4),
               expected_num_trainable_weights=0, supports_masking=True)


def _relu_formula(x, max_value=None, negative_slope=0.0, threshold=0.0):
    out = np.where(x >= threshold, x, negative_slope * (x - threshold))
    return out if max_value is None else np.minimum(out, max_value)


@pytest.mark.parametrize("kwargs", [
    {}, {"max_value": 1.0}, {"negative_slope": 0.1}, {"threshold": 0.5},
    {"max_value": 1.5, "negative_slope": 0.2, "threshold": 0.3}])
def test_relu_values_match_the_formula(kwargs):
    x = _x(4, 5) * 2
    np.testing.assert_allclose(ReLU(**kwargs)(x).data, _relu_formula(x, **kwargs), rtol=1e-6,
                               atol=1e-7)


def test_relu_keras_example_and_names():
    layer = ReLU(max_value=10, negative_slope=0.5, threshold=0)
    np.testing.assert_allclose(layer(KERAS_INPUT).data, [-5.0, -2.5, 0.0, 5.0, 10.0])
    # Keras's snake_case of the class names, numbered.
    assert [layer.name, ReLU().name, PReLU().name, LeakyReLU().name, ELU().name] == \
        ["re_lu", "re_lu_1", "p_re_lu", "leaky_re_lu", "elu"]
    assert layer.get_config()["max_value"] == 10 and layer.get_config()["threshold"] == 0


@pytest.mark.parametrize("kwargs, message", [
    ({"max_value": -1}, "max_value of a ReLU layer cannot be a negative value"),
    ({"negative_slope": -0.1}, "negative_slope of a ReLU layer cannot be None or a negative"),
    ({"negative_slope": None}, "negative_slope of a ReLU layer cannot be None"),
    ({"threshold": -1.0}, "threshold of a ReLU layer cannot be None or a negative value")])
def test_relu_argument_errors(kwargs, message):
    with pytest.raises(ValueError, match=message):
        ReLU(**kwargs)


# -- LeakyReLU ------------------------------------------------------------------------------


def test_leaky_relu_harness_default_and_example():
    layer_test(LeakyReLU, {}, input_shape=(2, 5), expected_output_shape=(2, 5),
               expected_num_trainable_weights=0, supports_masking=True)
    x = _x(3, 4)
    np.testing.assert_allclose(LeakyReLU()(x).data, np.where(x >= 0, x, 0.3 * x), rtol=1e-6)
    assert LeakyReLU().get_config()["negative_slope"] == 0.3  # Keras 3's default
    np.testing.assert_allclose(LeakyReLU(negative_slope=0.5)(KERAS_INPUT).data,
                               [-5.0, -2.5, 0.0, 5.0, 10.0])


def test_leaky_relu_accepts_the_old_alpha_name():
    with pytest.warns(UserWarning, match="Argument `alpha` is deprecated"):
        layer = LeakyReLU(alpha=0.1)
    assert layer.negative_slope == 0.1
    with pytest.warns(UserWarning):
        old = deserialize({"class_name": "LeakyReLU",
                           "config": {"name": "leaky", "trainable": True, "dtype": "float32",
                                      "alpha": 0.2}})
    np.testing.assert_allclose(old(np.array([-1.0], dtype="float32")).data, [-0.2])


def test_leaky_relu_rejects_a_negative_slope():
    with pytest.raises(ValueError, match="The negative_slope value of a Leaky ReLU layer cannot "
                                         "be None or negative value"):
        LeakyReLU(negative_slope=-0.1)


# -- PReLU ----------------------------------------------------------------------------------


@pytest.mark.parametrize("kwargs, input_shape, alpha_shape", [
    ({}, (2, 3, 4), (3, 4)),
    ({"shared_axes": [1]}, (2, 3, 4), (1, 4)),
    ({"shared_axes": [1, 2], "alpha_initializer": "random_normal"}, (2, 3, 3, 2), (1, 1, 2))])
def test_prelu_harness_and_alpha_shape(kwargs, input_shape, alpha_shape):
    layer_test(PReLU, kwargs, input_shape=input_shape, expected_output_shape=input_shape,
               expected_num_trainable_weights=1, expected_num_non_trainable_weights=0,
               supports_masking=True)
    layer = PReLU(**kwargs, name="slopes")
    layer(_x(*input_shape))
    assert layer.alpha.shape == alpha_shape and layer.weights[0].path == "slopes/alpha"


def test_prelu_values_and_default_initializer():
    x = _x(3, 4)
    layer = PReLU()
    np.testing.assert_array_equal(layer(x).data, np.maximum(x, 0))  # alpha starts at 0
    alpha = np.linspace(0.1, 0.4, 4, dtype="float32")
    layer.set_weights([alpha])
    np.testing.assert_allclose(layer(x).data, np.where(x >= 0, x, alpha * x), rtol=1e-6)
    config = layer.get_config()
    assert config["alpha_initializer"]["class_name"] == "Zeros"
    assert config["shared_axes"] is None
    assert PReLU(shared_axes=2).get_config()["shared_axes"] == [2]


def test_prelu_learns_its_slopes():
    model = Sequential([Input(shape=(4,)), PReLU(alpha_initializer="zeros")])
    model.compile(optimizer="sgd", loss="mse")
    x = -np.abs(_x(32, 4))
    model.fit(x, 0.5 * x, epochs=5, verbose=0)
    assert (model.layers[0].alpha.data > 0).all()


def test_prelu_errors():
    with pytest.raises(ValueError, match="shared_axes` must hold axis numbers >= 1"):
        PReLU(shared_axes=[0])
    with pytest.raises(ValueError, match="alpha needs a known size"):
        PReLU()(Input(shape=(None, 3)))
    assert PReLU(shared_axes=[1])(Input(shape=(None, 3))).shape == (None, None, 3)
    layer = PReLU(name="slopes")
    layer(_x(2, 3))
    with pytest.raises(ValueError, match='Input 0 of layer "slopes" is incompatible with the '
                                         "layer: expected axis 1 of input shape to have value 3"):
        layer(_x(2, 4))


# -- ELU ------------------------------------------------------------------------------------


@pytest.mark.parametrize("alpha", [1.0, 0.5])
def test_elu_harness_and_values(alpha):
    layer_test(ELU, {"alpha": alpha}, input_shape=(2, 3), expected_output_shape=(2, 3),
               expected_num_trainable_weights=0, supports_masking=True)
    x = _x(3, 4)
    np.testing.assert_allclose(ELU(alpha=alpha)(x).data,
                               np.where(x > 0, x, alpha * (np.exp(x) - 1)), rtol=1e-6,
                               atol=1e-7)
    assert ELU(alpha=alpha).get_config()["alpha"] == alpha


def test_elu_loads_a_keras_3_config_without_alpha():
    layer = deserialize({"class_name": "ELU", "config": {"name": "elu", "trainable": True,
                                                         "dtype": "float32"}})
    assert layer.alpha == 1.0


# -- Softmax --------------------------------------------------------------------------------


@pytest.mark.parametrize("axis", [-1, 1, [1, 2]])
def test_softmax_harness(axis):
    layer_test(Softmax, {"axis": axis}, input_shape=(2, 3, 4), expected_output_shape=(2, 3, 4),
               expected_num_trainable_weights=0, supports_masking=True)


def test_softmax_values_keras_example_and_axes():
    np.testing.assert_allclose(Softmax()(np.array([1.0, 2.0, 1.0], dtype="float32")).data,
                               [0.21194157, 0.5761169, 0.21194157], rtol=1e-6)
    x = _x(2, 3, 4) * 3
    e = np.exp(x - x.max(axis=1, keepdims=True))
    np.testing.assert_allclose(Softmax(axis=1)(x).data, e / e.sum(axis=1, keepdims=True),
                               rtol=1e-5)
    out = Softmax(axis=[1, 2])(x).data
    e = np.exp(x - x.max(axis=(1, 2), keepdims=True))
    np.testing.assert_allclose(out, e / e.sum(axis=(1, 2), keepdims=True), rtol=1e-5)
    assert Softmax(axis=[1, 2]).get_config()["axis"] == [1, 2]


def test_softmax_mask_gives_zero_probability():
    x = _x(2, 4)
    mask = np.array([[1, 1, 0, 1], [0, 1, 1, 0]], dtype=bool)
    out = Softmax()(x, mask=mask).data
    assert (out[~mask] == 0).all()
    np.testing.assert_allclose(out.sum(axis=-1), 1.0, rtol=1e-6)
    e = np.where(mask, np.exp(x), 0)
    np.testing.assert_allclose(out, e / e.sum(axis=-1, keepdims=True), rtol=1e-5)


def test_softmax_rejects_a_bad_axis():
    with pytest.raises(ValueError, match="`axis` must be an integer or a list of integers"):
        Softmax(axis="last")
