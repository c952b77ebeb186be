"""The Normalization preprocessing layer (layers/preprocessing.py): adapt() on arrays and on
batches, fixed mean and variance, invert, weights, configs, use in a model, and errors.
"""

import json

import numpy as np
import pytest

import minikeras as keras
from minikeras.layers import Dense, Input, Normalization, deserialize, serialize
from minikeras.models import Sequential
from minikeras.testing import layer_test


def _x(*shape, seed=0, loc=0.0, scale=1.0):
    rng = np.random.default_rng(seed)
    return (loc + scale * rng.standard_normal(shape)).astype("float32")


FEATURES = np.array([[0., 7., 4.], [2., 9., 6.], [0., 7., 4.], [2., 9., 6.]], dtype="float32")


# -- the examples of the Keras documentation ---------------------------------------------------


def test_keras_example_global_statistics():
    layer = Normalization(axis=None)
    layer.adapt(np.array([1., 2., 3., 4., 5.], dtype="float32"))
    out = layer(np.array([1., 2., 3.], dtype="float32"))
    assert out.dtype == np.float32
    np.testing.assert_allclose(out.data, [-1.4142135, -0.70710677, 0.], rtol=1e-6)


def test_keras_example_one_mean_and_variance_per_feature():
    layer = Normalization(axis=-1)
    layer.adapt(FEATURES)
    np.testing.assert_allclose(layer(FEATURES[:1]).data, [[-1., -1., -1.]], rtol=1e-6)


def test_keras_example_fixed_mean_and_variance():
    layer = Normalization(mean=3., variance=2.)
    out = layer(np.array([[1.], [2.], [3.]], dtype="float32"))
    np.testing.assert_allclose(out.data, [[-1.4142135], [-0.70710677], [0.]], rtol=1e-6)
    assert layer.weights == []


def test_keras_example_invert():
    layer = Normalization(axis=-1, invert=True)
    layer.adapt(FEATURES)
    np.testing.assert_allclose(layer(np.array([[1., 2., 3.]], dtype="float32")).data,
                               [[2., 10., 8.]], rtol=1e-6)


# -- adapt ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("axis, keep", [(-1, (2,)), (None, ()), (1, (1,)), ((1, 2), (1, 2)),
                                        ((-1, 1), (1, 2))])
def test_adapt_on_an_array_takes_statistics_over_the_other_axes(axis, keep):
    data = _x(50, 3, 4, loc=2.0, scale=3.0)
    layer = Normalization(axis=axis)
    layer.adapt(data)
    reduce = tuple(d for d in range(3) if d not in keep)
    np.testing.assert_allclose(layer.adapt_mean.data, data.mean(axis=reduce), rtol=1e-5)
    np.testing.assert_allclose(layer.adapt_variance.data, data.var(axis=reduce), rtol=1e-5)
    bshape = [data.shape[d] if d in keep else 1 for d in range(3)]
    expected = (data.astype(np.float64) - data.mean(axis=reduce).reshape(bshape)) / \
        np.sqrt(data.var(axis=reduce).reshape(bshape))
    out = layer(data)
    np.testing.assert_allclose(out.data, expected, rtol=1e-4, atol=1e-5)
    assert out.dtype == np.float32


def test_adapt_on_batches_matches_adapt_on_the_whole_array():
    data = _x(103, 4, loc=[1.0, -5.0, 100.0, 0.0], scale=[1.0, 2.0, 10.0, 0.1])
    whole = Normalization()
    whole.adapt(data)
    batches = [data[i:i + 32] for i in range(0, len(data), 32)]  # the last batch is short
    for source in (batches, iter(batches), ((b, np.zeros(len(b))) for b in batches)):
        layer = Normalization()
        layer.adapt(source)
        np.testing.assert_allclose(layer.adapt_mean.data, whole.adapt_mean.data, rtol=1e-5)
        np.testing.assert_allclose(layer.adapt_variance.data, whole.adapt_variance.data,
                                   rtol=1e-4)
    np.testing.assert_allclose(whole.adapt_mean.data, data.mean(axis=0), rtol=1e-6)
    np.testing.assert_allclose(whole.adapt_variance.data, data.var(axis=0), rtol=1e-5)


def test_adapt_merges_batches_with_the_lack_of_fit_formula():
    # Two batches with different means: the variance includes the spread between them.
    first, second = np.full((2, 1), 0.0, "float32"), np.full((6, 1), 4.0, "float32")
    layer = Normalization()
    layer.adapt([first, second])
    both = np.concatenate([first, second])
    np.testing.assert_allclose(layer.adapt_mean.data, both.mean(axis=0), rtol=1e-6)
    np.testing.assert_allclose(layer.adapt_variance.data, both.var(axis=0), rtol=1e-6)


def test_adapt_again_replaces_the_statistics_and_accepts_integers():
    layer = Normalization()
    layer.adapt(_x(20, 2))
    layer.adapt(np.array([[1, 10], [3, 30]]))
    np.testing.assert_allclose(layer.adapt_mean.data, [2, 20])
    np.testing.assert_allclose(layer.adapt_variance.data, [1, 100])
    assert layer.adapt_mean.dtype == np.float32
    out = layer(np.array([[3, 30]]))  # integer inputs are cast to the layer's float dtype
    assert out.dtype == np.float32
    np.testing.assert_allclose(out.data, [[1, 1]])


def test_constant_feature_gives_zeros_not_nan():
    layer = Normalization()
    layer.adapt(np.array([[1., 5.], [3., 5.]], dtype="float32"))
    np.testing.assert_allclose(layer(np.array([[2., 5.]], dtype="float32")).data, [[0., 0.]])


def test_weights_are_mean_variance_count_and_non_trainable():
    layer = Normalization()
    layer.adapt(FEATURES)
    assert [w.name for w in layer.weights] == ["mean", "variance", "count"]
    assert layer.trainable_weights == [] and len(layer.non_trainable_weights) == 3
    assert layer.weights[0].shape == (3,) and layer.weights[2].shape == ()
    assert layer.weights[2].dtype.kind == "i"


# -- invert and fixed statistics ---------------------------------------------------------------


def test_invert_undoes_the_normalization():
    data = _x(30, 3, loc=4.0, scale=2.0)
    forward, backward = Normalization(), Normalization(invert=True)
    forward.adapt(data)
    backward.adapt(data)
    np.testing.assert_allclose(backward(forward(data)).data, data, rtol=1e-5, atol=1e-5)
    mean, variance = forward.adapt_mean.data, forward.adapt_variance.data
    np.testing.assert_allclose(backward(data).data, mean + data * np.sqrt(variance), rtol=1e-5)


def test_fixed_statistics_broadcast_from_the_right_over_the_kept_axes():
    x = _x(2, 3, 4)
    layer = Normalization(axis=(1, 2), mean=np.arange(4.0), variance=np.full(4, 4.0))
    expected = (x - np.arange(4.0)) / 2.0
    np.testing.assert_allclose(layer(x).data, expected, rtol=1e-6)
    per_feature = Normalization(mean=[1.0, 2.0, 3.0, 4.0], variance=[1.0, 4.0, 9.0, 16.0],
                                invert=True)
    np.testing.assert_allclose(per_feature(x).data, x * [1, 2, 3, 4] + [1, 2, 3, 4], rtol=1e-6)


@pytest.mark.parametrize("kwargs, shape", [
    ({"mean": 3.0, "variance": 2.0}, (4, 3)),
    ({"mean": [1.0, 2.0, 3.0], "variance": [1.0, 2.0, 3.0]}, (4, 3)),
    ({"axis": None, "mean": 1.0, "variance": 4.0, "invert": True}, (2, 3, 2)),
    ({"axis": (1, 2), "mean": [0.5, 1.0], "variance": [2.0, 3.0]}, (2, 3, 2)),
])
def test_layer_test_with_fixed_statistics(kwargs, shape):
    layer_test(Normalization, kwargs, input_shape=shape, expected_output_shape=shape,
               expected_num_trainable_weights=0, expected_num_non_trainable_weights=0)


# -- configs and models ----------------------------------------------------------------------


def test_config_has_keras_keys_and_round_trips_with_adapted_weights():
    layer = Normalization(axis=-1)
    data = _x(10, 3, loc=5.0)
    layer.adapt(data)
    config = layer.get_config()
    assert set(config) == {"name", "trainable", "dtype", "axis", "invert", "mean", "variance"}
    assert config["axis"] == [-1] and config["mean"] is None and config["variance"] is None
    revived = deserialize(json.loads(json.dumps(serialize(layer))))
    assert isinstance(revived, Normalization) and revived.axis == (-1,)
    revived.build((None, 3))
    revived.set_weights(layer.get_weights())
    np.testing.assert_array_equal(revived(data).data, layer(data).data)
    fixed = Normalization(axis=None, mean=np.float32(2.0), variance=np.array(4.0))
    assert fixed.get_config()["mean"] == 2.0 and fixed.get_config()["axis"] == []
    assert Normalization.from_config(fixed.get_config()).axis == ()


def test_weights_loaded_without_set_weights_count_as_adapted():
    layer = Normalization()
    layer.build((None, 2))
    layer.adapt_mean.assign(np.array([1.0, 2.0], "float32"))  # as a weight loader may do
    np.testing.assert_allclose(layer(np.array([[1.0, 2.0]], "float32")).data, [[0.0, 0.0]])


def test_adapted_layer_in_a_model_is_not_changed_by_fit():
    x = _x(64, 3, loc=[10.0, -4.0, 0.0], scale=[5.0, 0.1, 1.0])
    y = (x[:, :1] - 10.0) / 5.0 + (x[:, 1:2] + 4.0) / 0.1
    norm = Normalization()
    norm.adapt(x)
    stats = [w.copy() for w in norm.get_weights()]
    model = Sequential([Input(shape=(3,)), norm, Dense(1)])
    model.compile(optimizer=keras.optimizers.SGD(0.05), loss="mse")
    first = model.evaluate(x, y, verbose=0)
    model.fit(x, y, epochs=20, batch_size=16, verbose=0)
    assert model.evaluate(x, y, verbose=0) < 0.1 * first
    for a, b in zip(stats, norm.get_weights()):
        np.testing.assert_array_equal(a, b)


def test_first_layer_with_input_shape_and_symbolic_call_before_adapt():
    norm = Normalization(input_shape=(2,), axis=None)
    model = Sequential([norm, Dense(1)])  # built before adapt, as Keras allows
    norm.adapt(np.array([[1.0, 3.0], [5.0, 7.0]], "float32"))
    assert model.predict(np.zeros((1, 2), "float32"), verbose=0).shape == (1, 1)
    np.testing.assert_allclose(norm(np.array([[4.0, 4.0]], "float32")).data, [[0.0, 0.0]])


# -- errors --------------------------------------------------------------------------------------


def test_calling_before_adapt_is_an_error():
    layer = Normalization(name="norm_1")
    with pytest.raises(ValueError, match='Layer "norm_1" has no mean and variance yet: call '
                                         '`norm_1.adapt\\(data\\)`'):
        layer(FEATURES)
    fresh = Normalization()
    fresh.build((None, 3))
    fresh.set_weights([np.zeros(3), np.ones(3), np.array(0)])  # explicit weights: allowed
    np.testing.assert_allclose(fresh(FEATURES).data, FEATURES)


def test_constructor_errors_name_the_layer():
    with pytest.raises(ValueError, match='Layer "n1": when setting values directly, both '
                                         '`mean` and `variance` must be set'):
        Normalization(mean=1.0, name="n1")
    with pytest.raises(ValueError, match='Layer "n2": `mean` and `variance` must have the '
                                         'same shape'):
        Normalization(mean=[1.0, 2.0], variance=1.0, name="n2")
    with pytest.raises(ValueError, match='Layer "n3": the rank of `mean` must be less than'):
        Normalization(axis=None, mean=[1.0], variance=[1.0], name="n3")
    with pytest.raises(TypeError, match='Layer "n4": `axis` must be an int'):
        Normalization(axis="last", name="n4")


def test_build_call_and_adapt_errors_name_the_layer():
    with pytest.raises(ValueError, match='Layer "n5": `mean` of shape \\(2,\\) cannot be '
                                         'broadcast'):
        Normalization(mean=[1.0, 2.0], variance=[1.0, 1.0], name="n5")(FEATURES)
    with pytest.raises(ValueError, match='Layer "n6": all `axis` values must be in the range'):
        Normalization(axis=2, name="n6").adapt(FEATURES)
    layer = Normalization(name="n7")
    layer.adapt(FEATURES)
    with pytest.raises(ValueError, match='layer "n7" is incompatible.*expected axis 1 of input '
                                         'shape to have value 3'):
        layer(_x(2, 4))
    with pytest.raises(ValueError, match='Layer "n7" was built for inputs of shape \\(4, 3\\).*'
                                         'incompatible shape \\(5, 2\\)'):
        layer.adapt(_x(5, 2))
    with pytest.raises(ValueError, match='Layer "n8" was given `mean` and `variance`, so it '
                                         'has nothing to adapt'):
        Normalization(mean=0.0, variance=1.0, name="n8").adapt(FEATURES)
    with pytest.raises(ValueError, match='Layer "n9".adapt received an empty iterable'):
        Normalization(name="n9").adapt([])
    with pytest.raises(TypeError, match='Layer "n10".adapt treats an iterable as a sequence of '
                                        'batches, but one element is a float'):
        Normalization(name="n10").adapt([1.0, 2.0, 3.0])
    with pytest.raises(TypeError, match='Layer "n11".adapt: unsupported data of type int'):
        Normalization(name="n11").adapt(3)
    with pytest.raises(ValueError, match='Layer "n12".adapt received no samples'):
        Normalization(name="n12").adapt(np.zeros((0, 3), "float32"))
