import json

import numpy as np
import pytest

from minikeras import initializers
from minikeras.backend import Variable, random
from minikeras.initializers import (Constant, GlorotNormal, GlorotUniform, HeNormal, HeUniform,
                                    Identity, LecunNormal, LecunUniform, Ones, Orthogonal,
                                    RandomNormal, RandomUniform, TruncatedNormal,
                                    VarianceScaling, Zeros, compute_fans)
from minikeras.utils import set_random_seed

TRUNCATED_STDDEV = 0.87962566103423978  # std of a standard normal truncated to [-2, 2]

ALL = [Zeros(), Ones(), Constant(0.5), Identity(), RandomNormal(seed=1),
       TruncatedNormal(seed=1), RandomUniform(seed=1), VarianceScaling(seed=1),
       GlorotNormal(seed=1), GlorotUniform(seed=1), HeNormal(seed=1), HeUniform(seed=1),
       LecunNormal(seed=1), LecunUniform(seed=1), Orthogonal(seed=1)]
RANDOM = [init for init in ALL if isinstance(init, initializers.RandomInitializer)]


def ids(objects):
    return [type(o).__name__ for o in objects]


# -- shapes and dtypes -------------------------------------------------------------------------

@pytest.mark.parametrize("init", ALL, ids=ids(ALL))
def test_shape_and_default_dtype_float32(init):
    values = init((4, 3))
    assert isinstance(values, np.ndarray)
    assert values.shape == (4, 3)
    assert values.dtype == np.float32


@pytest.mark.parametrize("init", ALL, ids=ids(ALL))
def test_requested_float64_dtype(init):
    assert init((3, 3), dtype="float64").dtype == np.float64
    assert init((3, 3), dtype=np.dtype("float64")).dtype == np.float64


@pytest.mark.parametrize("init", RANDOM, ids=ids(RANDOM))
def test_conv_kernel_shape(init):
    assert init((3, 3, 2, 4)).shape == (3, 3, 2, 4)


def test_constant_initializers_values():
    np.testing.assert_array_equal(Zeros()((2, 3)), np.zeros((2, 3)))
    np.testing.assert_array_equal(Ones()((2, 3)), np.ones((2, 3)))
    np.testing.assert_array_equal(Constant(10.0)((2, 2)), np.full((2, 2), 10.0))
    assert Zeros()((2,), dtype="int32").dtype == np.int32
    assert Constant(3)((2,), dtype="int64").tolist() == [3, 3]
    assert Constant(np.float32(0.25)).get_config() == {"value": 0.25}


@pytest.mark.parametrize("init", RANDOM, ids=ids(RANDOM))
def test_random_initializers_refuse_integer_dtype(init):
    with pytest.raises(ValueError, match="floating-point type.*'int32'"):
        init((2, 2), dtype="int32")


@pytest.mark.parametrize("shape", [5, (2, -1), (2.0, 3), "ab"])
def test_bad_shape(shape):
    with pytest.raises(TypeError, match="GlorotUniform: `shape` must be a tuple"):
        GlorotUniform()(shape)


def test_works_as_variable_initializer():
    v = Variable(initializers.get("he_normal"), shape=(3, 4), name="kernel")
    assert v.shape == (3, 4) and v.dtype == np.float32


# -- fans ----------------------------------------------------------------------------------------

@pytest.mark.parametrize("shape, fans", [
    ((), (1, 1)),
    ((7,), (7, 7)),
    ((3, 5), (3, 5)),                 # Dense kernel (input_dim, units)
    ((5, 4, 8), (5 * 4, 5 * 8)),      # Conv1D kernel (width, in, out)
    ((3, 3, 4, 8), (9 * 4, 9 * 8)),   # Conv2D kernel (rows, cols, in, out)
    ((2, 3, 3, 4, 8), (18 * 4, 18 * 8)),
])
def test_compute_fans(shape, fans):
    assert compute_fans(shape) == fans


# -- statistics (large draws, fixed seeds) ----------------------------------------------------

def test_random_normal_statistics():
    x = RandomNormal(mean=1.0, stddev=2.0, seed=3)((200, 500)).astype(np.float64)
    assert abs(x.mean() - 1.0) < 0.03
    assert abs(x.std() - 2.0) < 0.02


def test_truncated_normal_statistics():
    x = TruncatedNormal(mean=0.5, stddev=2.0, seed=3)((200, 500)).astype(np.float64)
    assert x.min() >= 0.5 - 4.0 and x.max() <= 0.5 + 4.0
    assert x.min() < 0.5 - 3.9 and x.max() > 0.5 + 3.9
    assert abs(x.mean() - 0.5) < 0.03
    assert abs(x.std() - 2.0 * TRUNCATED_STDDEV) < 0.02


def test_random_uniform_statistics():
    x = RandomUniform(minval=-1.0, maxval=3.0, seed=3)((200, 500)).astype(np.float64)
    assert x.min() >= -1.0 and x.max() < 3.0
    assert x.min() < -0.99 and x.max() > 2.99
    assert abs(x.mean() - 1.0) < 0.03
    assert abs(x.std() - 4.0 / np.sqrt(12.0)) < 0.01


@pytest.mark.parametrize("shape", [(100, 300), (3, 3, 20, 40)], ids=["dense", "conv"])
@pytest.mark.parametrize("mode", ["fan_in", "fan_out", "fan_avg"])
@pytest.mark.parametrize("distribution", ["truncated_normal", "untruncated_normal", "uniform"])
def test_variance_scaling_statistics(shape, mode, distribution):
    receptive = int(np.prod(shape[:-2]))
    fan_in, fan_out = shape[-2] * receptive, shape[-1] * receptive
    n = {"fan_in": fan_in, "fan_out": fan_out, "fan_avg": (fan_in + fan_out) / 2}[mode]
    scale = 2.5
    expected_std = np.sqrt(scale / n)
    x = VarianceScaling(scale, mode, distribution, seed=5)(shape).astype(np.float64)
    assert abs(x.mean()) < 0.05 * expected_std
    assert abs(x.std() / expected_std - 1) < 0.03
    if distribution == "uniform":
        assert np.abs(x).max() <= np.sqrt(3 * scale / n)
    if distribution == "truncated_normal":
        assert np.abs(x).max() <= 2 * expected_std / TRUNCATED_STDDEV * (1 + 1e-6)


@pytest.mark.parametrize("cls, std, limit", [
    (GlorotNormal, lambda fi, fo: np.sqrt(2 / (fi + fo)), None),
    (GlorotUniform, None, lambda fi, fo: np.sqrt(6 / (fi + fo))),
    (HeNormal, lambda fi, fo: np.sqrt(2 / fi), None),
    (HeUniform, None, lambda fi, fo: np.sqrt(6 / fi)),
    (LecunNormal, lambda fi, fo: np.sqrt(1 / fi), None),
    (LecunUniform, None, lambda fi, fo: np.sqrt(3 / fi)),
])
@pytest.mark.parametrize("shape", [(100, 300), (3, 3, 20, 40)], ids=["dense", "conv"])
def test_named_variance_scaling_formulas(cls, std, limit, shape):
    fan_in, fan_out = compute_fans(shape)
    x = cls(seed=7)(shape).astype(np.float64)
    if limit is not None:
        bound = limit(fan_in, fan_out)
        assert np.abs(x).max() <= bound and np.abs(x).max() > 0.99 * bound
        assert abs(x.std() / (bound / np.sqrt(3)) - 1) < 0.03
    else:
        assert abs(x.std() / std(fan_in, fan_out) - 1) < 0.03
        assert np.abs(x).max() <= 2 * std(fan_in, fan_out) / TRUNCATED_STDDEV * (1 + 1e-6)


def test_variance_scaling_fan_is_at_least_one():
    # A (0, 4) kernel has fan_in 0; Keras divides by max(1, fan), so nothing is infinite.
    assert VarianceScaling(mode="fan_in", seed=1)((0, 4)).shape == (0, 4)
    x = VarianceScaling(scale=1.0, distribution="uniform", seed=1)(())
    assert x.shape == () and abs(float(x)) <= np.sqrt(3.0)


# -- orthogonal and identity --------------------------------------------------------------------

@pytest.mark.parametrize("shape", [(6, 4), (4, 6), (5, 5), (3, 3, 2, 4)])
def test_orthogonal(shape):
    w = Orthogonal(seed=2)(shape, dtype="float64").reshape(-1, shape[-1])
    if w.shape[0] >= w.shape[1]:
        np.testing.assert_allclose(w.T @ w, np.eye(w.shape[1]), atol=1e-12)
    else:
        np.testing.assert_allclose(w @ w.T, np.eye(w.shape[0]), atol=1e-12)


def test_orthogonal_is_the_positive_diagonal_qr_factor_of_a_normal_draw():
    # Q is fixed by A = QR with diag(R) > 0 (what makes Q uniformly distributed), where A is
    # the seed's standard normal draw of shape (max(rows, cols), min(rows, cols)).
    a = random.normal((6, 4), dtype="float64", seed=8)
    for shape in ((6, 4), (4, 6)):
        w = Orthogonal(seed=8)(shape, dtype="float64")
        q = w if shape[0] >= shape[1] else w.T
        r = q.T @ a
        np.testing.assert_allclose(np.tril(r, -1), 0.0, atol=1e-12)
        assert np.all(np.diag(r) > 0)


def test_orthogonal_gain_and_float32():
    w = Orthogonal(gain=2.0, seed=2)((6, 4))
    assert w.dtype == np.float32
    np.testing.assert_allclose(w.T @ w, 4.0 * np.eye(4), atol=1e-5)


def test_orthogonal_needs_two_dimensions():
    with pytest.raises(ValueError, match="at least two-dimensional.*shape=\\(5,\\)"):
        Orthogonal()((5,))


def test_identity():
    np.testing.assert_array_equal(Identity(gain=2.0)((3, 3)), 2.0 * np.eye(3))
    np.testing.assert_array_equal(Identity()((2, 3)), np.eye(2, 3))
    with pytest.raises(ValueError, match="only be used for 2D matrices.*rank 3"):
        Identity()((2, 2, 2))


# -- seeding ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("init", RANDOM, ids=ids(RANDOM))
def test_same_seed_same_values(init):
    twin = type(init).from_config(init.get_config())
    np.testing.assert_array_equal(init((5, 4)), twin((5, 4)))


@pytest.mark.parametrize("cls", [RandomNormal, TruncatedNormal, RandomUniform, GlorotUniform,
                                 Orthogonal])
def test_seeded_and_unseeded_instances_repeat_their_values(cls):
    # Keras 3: an initializer seeded with an integer or None returns the same values each call.
    for init in (cls(seed=11), cls()):
        np.testing.assert_array_equal(init((4, 4)), init((4, 4)))


def test_different_seeds_and_unseeded_instances_differ():
    assert not np.array_equal(GlorotUniform(seed=1)((4, 4)), GlorotUniform(seed=2)((4, 4)))
    assert not np.array_equal(GlorotUniform()((4, 4)), GlorotUniform()((4, 4)))


def test_set_random_seed_makes_unseeded_initializers_reproducible():
    def draw():
        set_random_seed(123)
        return [cls()((3, 5)) for cls in (RandomNormal, HeNormal, Orthogonal, GlorotUniform)]

    for a, b in zip(draw(), draw()):
        np.testing.assert_array_equal(a, b)


def test_seeded_initializer_leaves_the_shared_generator_alone():
    set_random_seed(9)
    expected = random.generator().random(3)
    set_random_seed(9)
    HeNormal(seed=4)((10, 10))
    np.testing.assert_array_equal(random.generator().random(3), expected)


@pytest.mark.parametrize("seed", [-1, 2 ** 32, 1.5, "1", True])
def test_bad_seed(seed):
    with pytest.raises(ValueError, match="RandomNormal: `seed` must be None or an integer"):
        RandomNormal(seed=seed)


# -- configs ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("init, config", [
    (Zeros(), {}),
    (Constant(2.0), {"value": 2.0}),
    (Identity(gain=3.0), {"gain": 3.0}),
    (RandomNormal(), {"seed": None, "mean": 0.0, "stddev": 0.05}),
    (TruncatedNormal(seed=1), {"seed": 1, "mean": 0.0, "stddev": 0.05}),
    (RandomUniform(), {"seed": None, "minval": -0.05, "maxval": 0.05}),
    (VarianceScaling(), {"seed": None, "scale": 1.0, "mode": "fan_in",
                         "distribution": "truncated_normal"}),
    (VarianceScaling(distribution="normal"), {"seed": None, "scale": 1.0, "mode": "fan_in",
                                              "distribution": "truncated_normal"}),
    (GlorotUniform(seed=3), {"seed": 3}),
    (HeNormal(), {"seed": None}),
    (Orthogonal(), {"seed": None, "gain": 1.0}),
])
def test_get_config_has_keras_keys(init, config):
    assert init.get_config() == config


@pytest.mark.parametrize("init", ALL + [RandomNormal(mean=1.0, stddev=2.0),
                                        VarianceScaling(0.5, "fan_avg", "uniform", seed=4)],
                         ids=ids(ALL) + ["RandomNormal-args", "VarianceScaling-args"])
def test_config_round_trip(init):
    config = initializers.serialize(init)
    assert config["module"] == "keras.initializers"
    assert config["class_name"] == type(init).__name__
    restored = initializers.deserialize(json.loads(json.dumps(config)))
    assert type(restored) is type(init)
    assert restored.get_config() == init.get_config()
    assert type(init).from_config(init.get_config()).get_config() == init.get_config()
    assert init.clone().get_config() == init.get_config()


def test_deserialize_keras_legacy_class_names():
    config = {"module": "keras.initializers", "class_name": "OrthogonalInitializer",
              "config": {"gain": 1.0, "seed": None}, "registered_name": None}
    assert type(initializers.deserialize(config)) is Orthogonal
    assert type(initializers.deserialize({"class_name": "IdentityInitializer",
                                          "config": {"gain": 1.0}})) is Identity


# -- get -------------------------------------------------------------------------------------------

@pytest.mark.parametrize("name, cls", [
    ("zeros", Zeros), ("zero", Zeros), ("ones", Ones), ("one", Ones), ("constant", Constant),
    ("identity", Identity), ("random_normal", RandomNormal), ("normal", RandomNormal),
    ("truncated_normal", TruncatedNormal), ("random_uniform", RandomUniform),
    ("uniform", RandomUniform), ("variance_scaling", VarianceScaling),
    ("glorot_normal", GlorotNormal), ("glorot_uniform", GlorotUniform),
    ("GlorotUniform", GlorotUniform), ("he_normal", HeNormal), ("he_uniform", HeUniform),
    ("lecun_normal", LecunNormal), ("lecun_uniform", LecunUniform),
    ("orthogonal", Orthogonal), ("Orthogonal", Orthogonal),
    ("OrthogonalInitializer", Orthogonal), ("IdentityInitializer", Identity),
])
def test_get_by_name_returns_an_instance(name, cls):
    init = initializers.get(name)
    assert type(init) is cls


def test_lowercase_module_names_are_the_classes():
    assert initializers.glorot_uniform is GlorotUniform
    assert initializers.he_normal is HeNormal
    assert initializers.OrthogonalInitializer is Orthogonal
    assert initializers.IdentityInitializer is Identity


def test_get_other_identifiers():
    assert initializers.get(None) is None
    assert type(initializers.get(HeUniform)) is HeUniform
    init = HeUniform(seed=1)
    assert initializers.get(init) is init

    def custom(shape, dtype=None):
        return np.zeros(shape, dtype=dtype)

    assert initializers.get(custom) is custom
    restored = initializers.get({"class_name": "RandomUniform",
                                 "config": {"minval": 0.0, "maxval": 1.0, "seed": 2}})
    assert restored.get_config() == {"seed": 2, "minval": 0.0, "maxval": 1.0}


def test_unknown_name_lists_valid_names():
    with pytest.raises(ValueError, match="Unknown initializer: 'glorot_unifrom'.*Did you mean "
                                         "'glorot_uniform'.*'he_normal'"):
        initializers.get("glorot_unifrom")


# -- argument errors -------------------------------------------------------------------------------

@pytest.mark.parametrize("kwargs, match", [
    ({"scale": 0.0}, "argument `scale` must be a positive number"),
    ({"scale": -1.0}, "argument `scale` must be a positive number"),
    ({"mode": "fan_max"}, "invalid `mode` argument: 'fan_max'.*'fan_in', 'fan_out', 'fan_avg'"),
    ({"distribution": "gamma"}, "invalid `distribution` argument: 'gamma'.*'uniform'"),
])
def test_variance_scaling_validation(kwargs, match):
    with pytest.raises(ValueError, match="VarianceScaling: " + match):
        VarianceScaling(**kwargs)


def test_other_argument_errors():
    with pytest.raises(TypeError, match="Constant: `value` must be a scalar number"):
        Constant(np.ones(3))
    with pytest.raises(ValueError, match="RandomNormal: argument `stddev` must be a finite"):
        RandomNormal(stddev="0.1")
    with pytest.raises(ValueError, match="RandomUniform: `minval` must not exceed `maxval`"):
        RandomUniform(minval=1.0, maxval=0.0)
    with pytest.raises(TypeError, match="Zeros: 'flaot32' is not a dtype"):
        Zeros()((2,), dtype="flaot32")
