"""Normalization layers (layers/normalization.py): BatchNormalization, LayerNormalization,
GroupNormalization.

Values against numpy formulas written here (BatchNormalization in training and in inference
mode), gradients against central differences (in training mode too), the moving statistics
in fit and their convergence, frozen layers, `axis` variants, configs and errors.
"""

import numpy as np
import pytest

import minikeras as keras
from minikeras.layers import (BatchNormalization, Dense, GroupNormalization, Input,
                              LayerNormalization, deserialize, serialize)
from minikeras.models import Model, Sequential
from minikeras.testing import check_grad, layer_test


def _x(*shape, seed=0, loc=0.0, scale=1.0):
    rng = np.random.default_rng(seed)
    return (loc + scale * rng.standard_normal(shape)).astype("float32")


def _bshape(ndim, axes, sizes):
    """The broadcast shape of per-feature parameters on `axes`."""
    shape = [1] * ndim
    for a, n in zip(axes, sizes):
        shape[a] = n
    return shape


def _randomize(layer, seed=1):
    """Random gamma, beta and (positive) moving statistics, so every weight shows."""
    rng = np.random.default_rng(seed)
    values = []
    for w in layer.weights:
        value = rng.standard_normal(w.shape).astype("float32")
        values.append(np.abs(value) + 0.5 if w.name == "moving_variance" else value)
    layer.set_weights(values)
    return values


def _with_weights(layer, names):
    """Call-time swap of weights for check_grad (the values it varies)."""
    def fn(x, *params):
        saved = [getattr(layer, n) for n in names]
        for n, p in zip(names, params):
            setattr(layer, n, p)
        try:
            return layer(x, training=True)
        finally:
            for n, p in zip(names, saved):
                setattr(layer, n, p)
    return fn


# -- BatchNormalization: the harness ---------------------------------------------------------


@pytest.mark.parametrize("kwargs, shape, trainable", [
    ({}, (4, 3), 2),
    ({}, (2, 3, 3, 2), 2),
    ({"axis": 1}, (2, 3, 2, 2), 2),
    ({"axis": [1, 2]}, (3, 2, 3), 2),
    ({"center": False}, (4, 3), 1),
    ({"scale": False}, (4, 3), 1),
    ({"center": False, "scale": False, "momentum": 0.9, "epsilon": 1e-2}, (4, 3), 0),
])
def test_batchnorm_layer_test(kwargs, shape, trainable):
    layer_test(BatchNormalization, kwargs, input_shape=shape, expected_output_shape=shape,
               expected_num_trainable_weights=trainable, expected_num_non_trainable_weights=2,
               supports_masking=True)


def test_batchnorm_weights_names_order_shapes_and_defaults():
    layer = BatchNormalization()
    layer.build((None, 5, 5, 3))
    assert [w.name for w in layer.weights] == ["gamma", "beta", "moving_mean", "moving_variance"]
    assert [w.trainable for w in layer.weights] == [True, True, False, False]
    assert all(w.shape == (3,) and w.dtype == np.float32 for w in layer.weights)
    np.testing.assert_array_equal(layer.gamma.data, 1)
    np.testing.assert_array_equal(layer.beta.data, 0)
    np.testing.assert_array_equal(layer.moving_mean.data, 0)
    np.testing.assert_array_equal(layer.moving_variance.data, 1)
    assert layer.momentum == 0.99 and layer.epsilon == 1e-3
    assert [w.name for w in layer.non_trainable_weights] == ["moving_mean", "moving_variance"]
    channels_first = BatchNormalization(axis=1)
    channels_first.build((None, 4, 6, 6))
    assert channels_first.gamma.shape == (4,)
    both = BatchNormalization(axis=[1, 2])
    both.build((None, 2, 3))
    assert both.moving_mean.shape == (2, 3)
    plain = BatchNormalization(center=False, scale=False)
    plain.build((None, 3))
    assert [w.name for w in plain.weights] == ["moving_mean", "moving_variance"]
    assert plain.gamma is None and plain.beta is None


# -- BatchNormalization: values in both modes ------------------------------------------------


@pytest.mark.parametrize("axis, shape", [(-1, (6, 3)), (-1, (2, 3, 3, 2)), (1, (2, 3, 2, 2)),
                                         ([1, 2], (4, 2, 3))])
def test_batchnorm_training_and_inference_follow_the_formulas(axis, shape):
    layer = BatchNormalization(axis=axis, momentum=0.9)
    x = _x(*shape, loc=2.0, scale=3.0)
    layer.build((None,) + shape[1:])
    gamma, beta, moving_mean, moving_var = _randomize(layer)
    axes = [a % len(shape) for a in (axis if isinstance(axis, list) else [axis])]
    reduce = tuple(d for d in range(len(shape)) if d not in axes)
    bshape = _bshape(len(shape), axes, [shape[a] for a in axes])

    def param(value):
        return value.reshape(bshape).astype(np.float64)

    # Training: the batch's own (biased) statistics, and the moving ones move toward them.
    x64 = x.astype(np.float64)
    mean, var = x64.mean(axis=reduce, keepdims=True), x64.var(axis=reduce, keepdims=True)
    expected = (x64 - mean) / np.sqrt(var + 1e-3) * param(gamma) + param(beta)
    out = layer(x, training=True)
    assert out.dtype == np.float32
    np.testing.assert_allclose(out.data, expected, rtol=1e-5, atol=1e-5)
    new_mean = moving_mean * 0.9 + mean.reshape(moving_mean.shape) * 0.1
    new_var = moving_var * 0.9 + var.reshape(moving_var.shape) * 0.1
    np.testing.assert_allclose(layer.moving_mean.data, new_mean, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(layer.moving_variance.data, new_var, rtol=1e-5, atol=1e-6)

    # Inference (the default): the moving statistics, and nothing is updated.
    expected = (x64 - param(new_mean)) / np.sqrt(param(new_var) + 1e-3) * param(gamma) + \
        param(beta)
    for out in (layer(x), layer(x, training=False)):
        np.testing.assert_allclose(out.data, expected, rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(layer.moving_mean.data, new_mean, rtol=1e-5, atol=1e-6)


def test_batchnorm_training_output_is_standardized_per_channel():
    x = _x(16, 4, 4, 3, loc=5.0, scale=4.0)
    out = BatchNormalization()(x, training=True).data
    np.testing.assert_allclose(out.mean(axis=(0, 1, 2)), 0, atol=1e-5)
    np.testing.assert_allclose(out.var(axis=(0, 1, 2)), 16 / (16 + 1e-3), rtol=1e-4)


def test_batchnorm_moving_statistics_converge_to_the_data():
    rng = np.random.default_rng(3)
    mu, sigma = np.array([3.0, -1.0, 0.5]), np.array([2.0, 0.5, 1.0])
    layer = BatchNormalization()
    for _ in range(600):  # 0.99 ** 600 < 0.003 of the initial values remain
        batch = (mu + sigma * rng.standard_normal((128, 3))).astype("float32")
        layer(batch, training=True)
    np.testing.assert_allclose(layer.moving_mean.data, mu, rtol=0.03, atol=0.03)
    np.testing.assert_allclose(layer.moving_variance.data, sigma ** 2, rtol=0.05)
    # Inference then standardizes fresh data from the same distribution.
    fresh = (mu + sigma * rng.standard_normal((4000, 3))).astype("float32")
    out = layer(fresh).data
    np.testing.assert_allclose(out.mean(axis=0), 0, atol=0.1)
    np.testing.assert_allclose(out.std(axis=0), 1, atol=0.1)


# -- BatchNormalization: gradients in training mode -----------------------------------------


@pytest.mark.parametrize("kwargs, shape", [
    ({}, (4, 3)),
    ({}, (2, 3, 3, 2)),
    ({"axis": 1}, (2, 3, 2, 2)),
    ({"axis": [1, 2]}, (3, 2, 3)),
    ({"scale": False}, (4, 3)),
])
def test_batchnorm_training_gradients_of_input_gamma_and_beta(kwargs, shape):
    layer = BatchNormalization(dtype="float64", **kwargs)
    x = _x(*shape).astype(np.float64)
    layer.build((None,) + shape[1:])
    _randomize(layer)
    names = [n for n in ("gamma", "beta") if getattr(layer, n) is not None]
    check_grad(_with_weights(layer, names), x, *[getattr(layer, n).data for n in names])


def test_batchnorm_training_gradient_differs_from_inference_gradient():
    # Through the batch statistics the input gradient of training mode sums to 0 per channel.
    layer = BatchNormalization()
    x = keras.backend.Tensor(_x(8, 3), requires_grad=True)
    layer(x, training=True).backward(_x(8, 3, seed=4))
    np.testing.assert_allclose(x.grad.sum(axis=0), 0, atol=1e-5)
    x.grad = None
    layer(x, training=False).backward(_x(8, 3, seed=4))
    assert np.all(np.abs(x.grad.sum(axis=0)) > 1e-3)


# -- BatchNormalization: in fit, frozen --------------------------------------------------------


def _bn_model(seed=0):
    keras.utils.set_random_seed(seed)
    inputs = Input(shape=(4,))
    hidden = Dense(3, name="hidden")(inputs)
    normed = BatchNormalization(name="bn")(hidden)
    return Model(inputs, Dense(1, name="head")(normed))


def test_fit_updates_moving_statistics_by_the_forward_pass_not_the_optimizer():
    model = _bn_model()
    bn = model.get_layer("bn")
    x, y = _x(32, 4, loc=1.0), _x(32, 1, seed=1)
    hidden = x @ model.get_layer("hidden").kernel.data + model.get_layer("hidden").bias.data
    assert all(w.name not in ("moving_mean", "moving_variance")
               for w in model.trainable_weights)
    model.compile(optimizer=keras.optimizers.SGD(0.1), loss="mse")
    model.fit(x, y, epochs=1, batch_size=32, shuffle=False, verbose=0)
    # One step: exactly Keras's update from the batch statistics, untouched by SGD.
    np.testing.assert_allclose(bn.moving_mean.data, 0.01 * hidden.mean(axis=0), rtol=1e-5,
                               atol=1e-7)
    np.testing.assert_allclose(bn.moving_variance.data, 0.99 + 0.01 * hidden.var(axis=0),
                               rtol=1e-5)
    assert not np.allclose(bn.gamma.data, 1)  # the optimizer does train gamma
    before = bn.moving_mean.data.copy()
    model.fit(x, y, epochs=2, batch_size=8, verbose=0)
    assert not np.allclose(bn.moving_mean.data, before)
    # evaluate and predict use the moving statistics and change nothing.
    after = [w.copy() for w in bn.get_weights()]
    model.evaluate(x, y, verbose=0)
    model.predict(x, verbose=0)
    for a, b in zip(after, bn.get_weights()):
        np.testing.assert_array_equal(a, b)


def test_frozen_batchnorm_runs_in_inference_mode():
    layer = BatchNormalization()
    x = _x(6, 3, loc=3.0)
    layer.build((None, 3))
    values = _randomize(layer)
    layer.trainable = False
    assert layer.trainable_weights == [] and len(layer.non_trainable_weights) == 4
    np.testing.assert_allclose(layer(x, training=True).data, layer(x, training=False).data)
    for a, b in zip(values, layer.get_weights()):
        np.testing.assert_array_equal(a, b)

    model = _bn_model()
    bn = model.get_layer("bn")
    bn.trainable = False
    frozen = [w.copy() for w in bn.get_weights()]
    model.compile(optimizer="sgd", loss="mse")
    model.fit(x[:, :1].repeat(4, axis=1), _x(6, 1), epochs=2, verbose=0)
    for a, b in zip(frozen, bn.get_weights()):
        np.testing.assert_array_equal(a, b)


def test_batchnorm_learns_a_small_classifier():
    rng = np.random.default_rng(0)
    x = (rng.standard_normal((256, 2)) * [100.0, 0.01] + [500.0, -3.0]).astype("float32")
    y = (((x[:, 0] - 500) / 100 + (x[:, 1] + 3) / 0.01) > 0).astype("float32")
    model = Sequential([Input(shape=(2,)), BatchNormalization(momentum=0.9),
                        Dense(1, activation="sigmoid")])
    model.compile(optimizer=keras.optimizers.Adam(0.05), loss="binary_crossentropy",
                  metrics=["accuracy"])
    model.fit(x, y, epochs=30, batch_size=32, verbose=0)
    assert model.evaluate(x, y, verbose=0)[1] > 0.95


def test_batchnorm_weights_round_trip_through_get_and_set_weights():
    layer = BatchNormalization()
    x = _x(5, 3)
    for _ in range(3):
        layer(x, training=True)
    clone = deserialize(serialize(layer))
    clone.build((None, 3))
    clone.set_weights(layer.get_weights())
    np.testing.assert_array_equal(clone(x).data, layer(x).data)


# -- BatchNormalization: configs and errors ----------------------------------------------------


def test_batchnorm_config_has_keras_keys_and_loads_a_keras_config():
    config = BatchNormalization(axis=1, momentum=0.9).get_config()
    assert set(config) == {"name", "trainable", "dtype", "axis", "momentum", "epsilon", "center",
                           "scale", "beta_initializer", "gamma_initializer",
                           "moving_mean_initializer", "moving_variance_initializer",
                           "beta_regularizer", "gamma_regularizer", "beta_constraint",
                           "gamma_constraint", "synchronized"}
    assert config["axis"] == 1 and config["momentum"] == 0.9 and config["synchronized"] is False
    keras_config = {
        "class_name": "BatchNormalization",
        "config": {"name": "batch_normalization", "trainable": True,
                   "dtype": {"module": "keras", "class_name": "DTypePolicy",
                             "config": {"name": "float32"}, "registered_name": None},
                   "axis": -1, "momentum": 0.99, "epsilon": 0.001, "center": True,
                   "scale": False,
                   "beta_initializer": {"module": "keras.initializers", "class_name": "Zeros",
                                        "config": {}, "registered_name": None},
                   "gamma_initializer": {"module": "keras.initializers", "class_name": "Ones",
                                         "config": {}, "registered_name": None},
                   "moving_mean_initializer": {"module": "keras.initializers",
                                               "class_name": "Zeros", "config": {},
                                               "registered_name": None},
                   "moving_variance_initializer": {"module": "keras.initializers",
                                                   "class_name": "Ones", "config": {},
                                                   "registered_name": None},
                   "beta_regularizer": None, "gamma_regularizer": None,
                   "beta_constraint": None, "gamma_constraint": None, "synchronized": False},
    }
    layer = deserialize(keras_config)
    assert isinstance(layer, BatchNormalization) and not layer.scale
    layer(_x(2, 4))
    assert [w.name for w in layer.weights] == ["beta", "moving_mean", "moving_variance"]


def test_batchnorm_regularizers_and_constraints():
    layer = BatchNormalization(gamma_regularizer="l2", beta_regularizer="l1",
                               gamma_constraint="non_neg")
    layer(_x(4, 3))
    assert len(layer.losses) == 2
    assert layer.gamma.constraint is not None
    config = layer.get_config()
    assert config["gamma_regularizer"]["class_name"] == "L2"


def test_batchnorm_errors_name_the_layer():
    layer = BatchNormalization(name="bn_1")
    layer(_x(2, 3))
    with pytest.raises(ValueError, match='layer "bn_1" is incompatible.*expected axis -1 of '
                                         'input shape to have value 3'):
        layer(_x(2, 4))
    with pytest.raises(ValueError, match='layer "bn_1" is incompatible.*expected ndim=2'):
        layer(_x(2, 2, 3))
    with pytest.raises(ValueError, match='Layer "bn_2": axis 3 is out of range for inputs of '
                                         'shape \\(None, 4\\)'):
        BatchNormalization(axis=3, name="bn_2")(_x(2, 4))
    with pytest.raises(ValueError, match='Layer "bn_3": axis \\[1, -1\\] names the same axis'):
        BatchNormalization(axis=[1, -1], name="bn_3")(_x(2, 4))
    with pytest.raises(TypeError, match='Layer "bn_4": expected an int or a list/tuple of ints'):
        BatchNormalization(axis="channels", name="bn_4")
    with pytest.raises(ValueError, match='Layer "bn_5": synchronized=True is only supported'):
        BatchNormalization(synchronized=True, name="bn_5")
    with pytest.raises(ValueError, match='Layer "bn_6": `momentum` must be a non-negative'):
        BatchNormalization(momentum=-0.5, name="bn_6")
    with pytest.raises(ValueError, match='Layer "bn_7": axis 1 of its input must have a known'):
        BatchNormalization(axis=1, name="bn_7")(Input(shape=(None, 3)))


# -- LayerNormalization ----------------------------------------------------------------------


@pytest.mark.parametrize("kwargs, shape, trainable", [
    ({}, (3, 5), 2),
    ({"axis": [1, 2]}, (2, 3, 4), 2),
    ({"axis": 1}, (2, 3, 4), 2),
    ({"center": False}, (3, 5), 1),
    ({"scale": False, "center": False}, (3, 5), 0),
    ({"rms_scaling": True}, (3, 5), 1),
])
def test_layernorm_layer_test(kwargs, shape, trainable):
    layer_test(LayerNormalization, kwargs, input_shape=shape, expected_output_shape=shape,
               expected_num_trainable_weights=trainable, expected_num_non_trainable_weights=0)


@pytest.mark.parametrize("axis, shape", [(-1, (3, 5)), ([1, 2], (2, 3, 4)), (1, (2, 3, 4)),
                                         ([-1, 1], (2, 3, 4))])
def test_layernorm_values_match_the_formula(axis, shape):
    layer = LayerNormalization(axis=axis)
    x = _x(*shape, loc=1.0, scale=2.0)
    layer.build((None,) + shape[1:])
    gamma, beta = _randomize(layer)
    axes = sorted(a % len(shape) for a in (axis if isinstance(axis, list) else [axis]))
    bshape = _bshape(len(shape), axes, [shape[a] for a in axes])
    x64 = x.astype(np.float64)
    mean = x64.mean(axis=tuple(axes), keepdims=True)
    var = x64.var(axis=tuple(axes), keepdims=True)
    expected = (x64 - mean) / np.sqrt(var + 1e-3) * gamma.reshape(bshape) + beta.reshape(bshape)
    out = layer(x)
    assert out.dtype == np.float32
    np.testing.assert_allclose(out.data, expected, rtol=1e-5, atol=1e-5)
    # The same in training mode: no batch statistics, no state.
    np.testing.assert_allclose(layer(x, training=True).data, out.data)


def test_layernorm_rms_scaling_uses_the_variance_without_centring():
    layer = LayerNormalization(rms_scaling=True)
    x = _x(3, 4, loc=2.0)
    layer.build((None, 4))
    assert [w.name for w in layer.weights] == ["gamma"]
    (gamma,) = _randomize(layer)
    x64 = x.astype(np.float64)
    expected = x64 / np.sqrt(x64.var(axis=-1, keepdims=True) + 1e-3) * gamma
    np.testing.assert_allclose(layer(x).data, expected, rtol=1e-5, atol=1e-6)


def test_layernorm_weights_as_in_the_keras_docs():
    layer = LayerNormalization(axis=[1, 2, 3])
    layer.build([5, 20, 30, 40])
    assert layer.beta.shape == (20, 30, 40) and layer.gamma.shape == (20, 30, 40)
    assert [w.name for w in layer.weights] == ["gamma", "beta"]


def test_layernorm_gradients():
    for kwargs, shape in (({}, (3, 4)), ({"axis": [1, 2]}, (2, 2, 3)),
                          ({"rms_scaling": True}, (3, 4))):
        layer = LayerNormalization(dtype="float64", **kwargs)
        layer.build((None,) + shape[1:])
        _randomize(layer)
        names = [n for n in ("gamma", "beta") if getattr(layer, n) is not None]
        check_grad(_with_weights(layer, names), _x(*shape).astype(np.float64),
                   *[getattr(layer, n).data for n in names])


def test_layernorm_config_and_errors():
    config = LayerNormalization(axis=[1, 2]).get_config()
    assert set(config) == {"name", "trainable", "dtype", "axis", "epsilon", "center", "scale",
                           "rms_scaling", "beta_initializer", "gamma_initializer",
                           "beta_regularizer", "gamma_regularizer", "beta_constraint",
                           "gamma_constraint"}
    assert config["axis"] == [1, 2] and config["epsilon"] == 1e-3
    layer = LayerNormalization(name="ln_1")
    layer(_x(2, 3))
    with pytest.raises(ValueError, match='layer "ln_1" is incompatible.*expected axis -1'):
        layer(_x(2, 5))
    with pytest.raises(ValueError, match='Layer "ln_2": axis 2 is out of range'):
        LayerNormalization(axis=2, name="ln_2")(_x(2, 3))
    with pytest.raises(TypeError, match='Layer "ln_3": expected an int or a list/tuple'):
        LayerNormalization(axis=1.0, name="ln_3")


# -- GroupNormalization ----------------------------------------------------------------------


def _group_norm_reference(x, groups, axis, gamma, beta, epsilon=1e-3):
    """Loop over samples and groups: normalize the group's channels together."""
    x = np.moveaxis(x.astype(np.float64), axis, -1)
    out = np.empty_like(x)
    per = x.shape[-1] // groups
    for n in range(x.shape[0]):
        for g in range(groups):
            block = x[n, ..., g * per:(g + 1) * per]
            out[n, ..., g * per:(g + 1) * per] = (block - block.mean()) / np.sqrt(
                block.var() + epsilon)
    out = out * gamma + beta
    return np.moveaxis(out, -1, axis)


@pytest.mark.parametrize("groups, axis, shape", [(2, -1, (2, 3, 3, 4)), (1, -1, (2, 5, 3)),
                                                 (-1, -1, (2, 4, 3)), (3, 1, (2, 6, 2, 2)),
                                                 (2, -1, (3, 4))])
def test_groupnorm_values_match_a_loop(groups, axis, shape):
    layer = GroupNormalization(groups=groups, axis=axis)
    x = _x(*shape, loc=1.0, scale=3.0)
    layer.build((None,) + shape[1:])
    gamma, beta = _randomize(layer)
    channels = shape[axis]
    assert gamma.shape == (channels,)
    expected = _group_norm_reference(x, channels if groups == -1 else groups, axis, gamma, beta)
    np.testing.assert_allclose(layer(x).data, expected, rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize("kwargs, shape, trainable", [
    ({"groups": 2}, (2, 3, 3, 4), 2),
    ({"groups": -1}, (2, 3, 2), 2),
    ({"groups": 3, "axis": 1}, (2, 6, 2, 2), 2),
    ({"groups": 1, "center": False}, (2, 2, 3), 1),
])
def test_groupnorm_layer_test(kwargs, shape, trainable):
    layer_test(GroupNormalization, kwargs, input_shape=shape, expected_output_shape=shape,
               expected_num_trainable_weights=trainable, expected_num_non_trainable_weights=0)


def test_groupnorm_config_and_errors():
    layer = GroupNormalization(groups=-1)
    layer(_x(2, 3, 4))
    config = layer.get_config()
    assert config["groups"] == 4  # as Keras: -1 becomes the number of channels when built
    assert set(config) == {"name", "trainable", "dtype", "groups", "axis", "epsilon", "center",
                           "scale", "beta_initializer", "gamma_initializer",
                           "beta_regularizer", "gamma_regularizer", "beta_constraint",
                           "gamma_constraint"}
    assert GroupNormalization().groups == 32
    with pytest.raises(ValueError, match='Layer "gn_1": the number of channels \\(6\\) must be '
                                         'a multiple of the number of groups \\(4\\)'):
        GroupNormalization(groups=4, name="gn_1")(_x(2, 3, 6))
    with pytest.raises(ValueError, match='Layer "gn_2": the number of groups \\(32\\) cannot '
                                         'be more than the number of channels \\(8\\)'):
        GroupNormalization(name="gn_2")(_x(2, 8))
    with pytest.raises(ValueError, match='Layer "gn_3": `groups` must be a positive integer'):
        GroupNormalization(groups=0, name="gn_3")
    with pytest.raises(TypeError, match='Layer "gn_4": `axis` must be one integer'):
        GroupNormalization(axis=[1, 2], name="gn_4")
    built = GroupNormalization(groups=2, name="gn_5")
    built(_x(2, 4))
    with pytest.raises(ValueError, match='layer "gn_5" is incompatible.*expected axis -1'):
        built(_x(2, 6))
