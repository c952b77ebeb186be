"""ActivityRegularization, GaussianNoise and GaussianDropout: penalties against their formulas,
noise statistics in training, the identity at inference, seeds, configs and errors."""

import numpy as np
import pytest

import minikeras as keras
from minikeras.layers import (ActivityRegularization, Dense, GaussianDropout, GaussianNoise,
                              Input)
from minikeras.models import Sequential
from minikeras.testing import layer_test


def _x(*shape, seed=0):
    return np.random.default_rng(seed).standard_normal(shape).astype("float32")


# -- ActivityRegularization -----------------------------------------------------------------


def test_activity_regularization_harness():
    layer_test(ActivityRegularization, {"l1": 0.1, "l2": 0.2}, input_shape=(2, 3, 4),
               expected_output_shape=(2, 3, 4), expected_num_trainable_weights=0,
               expected_num_losses=1, supports_masking=True)


def test_activity_penalty_formula_divided_by_the_batch_size():
    x = _x(4, 3)
    layer = ActivityRegularization(l1=0.1, l2=0.2)
    np.testing.assert_array_equal(layer(x).data, x)
    expected = (0.1 * np.abs(x).sum() + 0.2 * (x ** 2).sum()) / 4
    np.testing.assert_allclose(float(layer.losses[0].data), expected, rtol=1e-6)
    layer(x[:2])  # each call replaces the penalty of the previous one
    assert len(layer.losses) == 1


def test_activity_regularization_config_has_l1_and_l2_only():
    config = ActivityRegularization(l1=0.5).get_config()
    assert config["l1"] == 0.5 and config["l2"] == 0.0 and "activity_regularizer" not in config
    revived = ActivityRegularization.from_config(config)
    assert revived.get_config() == config


def test_activity_regularization_raises_the_training_loss():
    x, y = _x(8, 3), _x(8, 2, seed=1)
    plain = Sequential([Input(shape=(3,)), Dense(2, kernel_initializer="ones")])
    penalized = Sequential([Input(shape=(3,)), Dense(2, kernel_initializer="ones"),
                            ActivityRegularization(l2=1.0)])
    for model in (plain, penalized):
        model.compile(optimizer="sgd", loss="mse")
    out = plain.predict(x, verbose=0)
    gap = penalized.evaluate(x, y, verbose=0) - plain.evaluate(x, y, verbose=0)
    np.testing.assert_allclose(gap, (out ** 2).sum() / 8, rtol=1e-5)


@pytest.mark.parametrize("kwargs", [{"l1": -0.1}, {"l2": "0.1"}, {"l1": None}])
def test_activity_regularization_rejects_bad_factors(kwargs):
    with pytest.raises(ValueError, match='Layer "activity_regularization": invalid value for '
                                         "argument `l[12]`"):
        ActivityRegularization(**kwargs)


# -- GaussianNoise --------------------------------------------------------------------------


def test_gaussian_noise_harness():
    layer_test(GaussianNoise, {"stddev": 0.5, "seed": 1}, input_shape=(2, 3, 4),
               expected_output_shape=(2, 3, 4), expected_num_trainable_weights=0,
               supports_masking=True)


def test_gaussian_noise_statistics_in_training():
    x = np.full((200, 50), 3.0, dtype="float32")
    out = GaussianNoise(0.5, seed=2)(x, training=True).data
    noise = out - x
    assert out.dtype == np.float32
    # 10000 draws: the mean is within 4 standard errors (0.005) of 0, the std within 2%.
    assert abs(noise.mean()) < 0.02 and abs(noise.std() - 0.5) < 0.01


def test_gaussian_noise_is_the_identity_at_inference_and_in_predict():
    x = _x(4, 3)
    layer = GaussianNoise(1.0)
    np.testing.assert_array_equal(layer(x).data, x)
    np.testing.assert_array_equal(layer(x, training=False).data, x)
    np.testing.assert_array_equal(Sequential([Input(shape=(3,)), layer]).predict(x, verbose=0),
                                  x)
    np.testing.assert_array_equal(GaussianNoise(0.0)(x, training=True).data, x)


def test_gaussian_noise_seed_reproducibility_and_config():
    x = np.zeros((3, 4), dtype="float32")
    first = GaussianNoise(0.3, seed=7)(x, training=True).data
    np.testing.assert_array_equal(first, GaussianNoise(0.3, seed=7)(x, training=True).data)
    assert not np.array_equal(first, GaussianNoise(0.3, seed=8)(x, training=True).data)
    assert GaussianNoise(0.3, seed=7).get_config()["stddev"] == 0.3
    assert GaussianNoise(0.3, seed=7).get_config()["seed"] == 7


@pytest.mark.parametrize("stddev", [-0.1, 1.5, "0.1", None])
def test_gaussian_noise_rejects_bad_stddev(stddev):
    with pytest.raises(ValueError, match="invalid value received for argument `stddev`. "
                                         "Expected a float value between 0 and 1"):
        GaussianNoise(stddev)


# -- GaussianDropout ------------------------------------------------------------------------


def test_gaussian_dropout_harness():
    layer_test(GaussianDropout, {"rate": 0.4, "seed": 1}, input_shape=(2, 3, 4),
               expected_output_shape=(2, 3, 4), expected_num_trainable_weights=0,
               supports_masking=True)


def test_gaussian_dropout_statistics_in_training():
    x = np.full((200, 50), 2.0, dtype="float32")
    rate = 0.2
    factor = GaussianDropout(rate, seed=3)(x, training=True).data / x
    # Multiplicative noise of mean 1 and standard deviation sqrt(rate / (1 - rate)) = 0.5.
    assert abs(factor.mean() - 1.0) < 0.02
    assert abs(factor.std() - np.sqrt(rate / (1 - rate))) < 0.01


def test_gaussian_dropout_is_the_identity_at_inference():
    x = _x(4, 3)
    np.testing.assert_array_equal(GaussianDropout(0.5)(x).data, x)
    np.testing.assert_array_equal(GaussianDropout(0.0)(x, training=True).data, x)
    first = GaussianDropout(0.5, seed=4)(x, training=True).data
    np.testing.assert_array_equal(first, GaussianDropout(0.5, seed=4)(x, training=True).data)


@pytest.mark.parametrize("rate", [-0.1, 1.0, 2, "0.5"])
def test_gaussian_dropout_rejects_bad_rate(rate):
    with pytest.raises(ValueError, match="invalid value received for argument `rate`. Expected "
                                         "a float value between 0 and 1"):
        GaussianDropout(rate)


def test_noise_layers_are_active_in_fit():
    # The same data and starting weights: only the noise can make the two fits differ.
    x, y = _x(16, 3), _x(16, 3, seed=1)
    results = []
    for seed in (1, 2):
        model = Sequential([Input(shape=(3,)), GaussianNoise(1.0, seed=seed), Dense(3)])
        model.set_weights([np.eye(3, dtype="float32"), np.zeros(3, dtype="float32")])
        model.compile(optimizer="sgd", loss="mse")
        model.fit(x, y, epochs=1, batch_size=16, verbose=0, shuffle=False)
        results.append(model.get_weights()[0])
    assert not np.allclose(results[0], results[1])


# -- SpatialDropout1D / SpatialDropout2D ------------------------------------------------------

SpatialDropout1D, SpatialDropout2D = keras.layers.SpatialDropout1D, keras.layers.SpatialDropout2D


@pytest.mark.parametrize("cls, kwargs, shape", [
    (SpatialDropout1D, {"rate": 0.5}, (2, 5, 3)),
    (SpatialDropout2D, {"rate": 0.5}, (2, 4, 3, 3)),
    (SpatialDropout2D, {"rate": 0.3, "data_format": "channels_first"}, (2, 3, 4, 3))])
def test_spatial_dropout_harness(cls, kwargs, shape):
    layer_test(cls, kwargs, input_shape=shape, expected_output_shape=shape,
               expected_num_trainable_weights=0, supports_masking=True)


@pytest.mark.parametrize("cls, kwargs, shape, spatial", [
    (SpatialDropout1D, {}, (64, 6, 16), (1,)),
    (SpatialDropout2D, {}, (64, 4, 5, 16), (1, 2)),
    (SpatialDropout2D, {"data_format": "channels_first"}, (64, 16, 4, 5), (2, 3))])
def test_spatial_dropout_drops_whole_channels_and_scales_the_rest(cls, kwargs, shape, spatial):
    rate = 0.4
    x = np.abs(_x(*shape)) + 0.5  # no zeros of its own
    y = cls(rate, seed=3, **kwargs)(x, training=True).numpy()
    kept = y != 0
    # One decision per sample and channel, the same at every position of that channel.
    assert (kept == kept.all(axis=spatial, keepdims=True)).all()
    np.testing.assert_allclose(y[kept], x[kept] / (1 - rate), rtol=1e-6)
    assert y.dtype == np.float32
    decisions = kept.all(axis=spatial)
    assert decisions.shape == (64, 16)
    assert abs(1 - decisions.mean() - rate) < 0.06  # 1024 draws


@pytest.mark.parametrize("cls, shape", [(SpatialDropout1D, (2, 4, 3)),
                                        (SpatialDropout2D, (2, 3, 3, 2))])
def test_spatial_dropout_is_the_identity_at_inference_and_seeded(cls, shape):
    x = _x(*shape)
    np.testing.assert_array_equal(cls(0.5)(x).numpy(), x)
    np.testing.assert_array_equal(cls(0.0)(x, training=True).numpy(), x)
    np.testing.assert_array_equal(cls(0.5, seed=7)(x, training=True).numpy(),
                                  cls(0.5, seed=7)(x, training=True).numpy())
    model = Sequential([Input(shape=shape[1:]), cls(0.9)])
    np.testing.assert_array_equal(model.predict(x, verbose=0), x)


def test_spatial_dropout_gradient_in_training():
    x = _x(2, 3, 3, 4).astype("float64")

    def fn(t):  # a fresh layer with the same seed: the same mask on every call
        return SpatialDropout2D(0.5, seed=11, dtype="float64")(t, training=True)

    keras.testing.check_grad(fn, x)
    t = keras.ops.convert_to_tensor(x)
    t.requires_grad = True
    y = fn(t)
    y.backward(np.ones(y.shape))
    np.testing.assert_array_equal(t.grad, (y.numpy() != 0) * 2.0)


def test_spatial_dropout_config_has_keras_keys():
    assert SpatialDropout1D(0.2, seed=1, name="sd").get_config() == {
        "rate": 0.2, "seed": 1, "name": "sd", "dtype": "float32"}
    assert SpatialDropout2D(0.2, name="sd2").get_config() == {
        "rate": 0.2, "seed": None, "name": "sd2", "dtype": "float32",
        "data_format": "channels_last"}
    assert isinstance(SpatialDropout2D(0.1), keras.layers.Dropout)


def test_spatial_dropout_errors():
    with pytest.raises(ValueError, match=r'Layer "spatial_dropout1d(_\d+)?": invalid value '
                                         r"received for argument `rate`"):
        SpatialDropout1D(1.0)
    with pytest.raises(ValueError, match=r'Layer "spatial_dropout2d(_\d+)?": `data_format` '
                                         r"must be 'channels_last' or 'channels_first'"):
        SpatialDropout2D(0.5, data_format="nchw")
    with pytest.raises(ValueError, match="expected ndim=3, found ndim=4"):
        SpatialDropout1D(0.5)(Input(shape=(2, 3, 4)))
    with pytest.raises(ValueError, match="expected ndim=4, found ndim=3"):
        SpatialDropout2D(0.5)(_x(2, 3, 4), training=True)
