import json

import numpy as np
import pytest

from minikeras import constraints
from minikeras.backend import Tensor, Variable
from minikeras.constraints import Constraint, MaxNorm, MinMaxNorm, NonNeg, UnitNorm

EPSILON = 1e-7


def sample(shape, dtype="float32", seed=0):
    return np.random.default_rng(seed).uniform(-2.0, 2.0, size=shape).astype(dtype)


def rescaled(w, desired_fn, axis):
    """Keras's rule in float64: w * desired(norm) / (epsilon + norm), per slice along axis."""
    w = np.asarray(w, dtype=np.float64)
    norms = np.sqrt(np.sum(w ** 2, axis=axis, keepdims=True))
    return w * desired_fn(norms) / (EPSILON + norms)


def norms_of(w, axis):
    return np.sqrt(np.sum(np.asarray(w, dtype=np.float64) ** 2, axis=axis))


SHAPES = [((5, 3), 0), ((5, 3), 1), ((3, 3, 2, 4), [0, 1, 2])]
SHAPE_IDS = ["dense-axis0", "dense-axis1", "conv-axes012"]


# -- values ------------------------------------------------------------------------------------

def test_max_norm_keras_example():
    # Keras's own test: columns of norm 0, 1, 3 and 3*sqrt(3), capped at 2.
    x = np.array([[0, 0, 0], [1.0, 0, 0], [3, 0, 0], [3, 3, 3]]).T
    target = np.array([[0, 0, 0], [1.0, 0, 0], [2.0, 0, 0],
                       [2.0 / np.sqrt(3), 2.0 / np.sqrt(3), 2.0 / np.sqrt(3)]]).T
    np.testing.assert_allclose(np.asarray(MaxNorm(2.0)(x)), target, atol=1e-6)


@pytest.mark.parametrize("shape, axis", SHAPES, ids=SHAPE_IDS)
def test_max_norm(shape, axis):
    w = sample(shape)
    out = MaxNorm(1.5, axis=axis)(w)
    expected = rescaled(w, lambda n: np.clip(n, 0, 1.5), tuple(np.atleast_1d(axis)))
    np.testing.assert_allclose(np.asarray(out), expected, rtol=1e-6)
    assert norms_of(out, tuple(np.atleast_1d(axis))).max() <= 1.5 * (1 + 1e-6)  # float32


@pytest.mark.parametrize("shape, axis", SHAPES, ids=SHAPE_IDS)
@pytest.mark.parametrize("rate", [1.0, 0.5])
def test_min_max_norm(shape, axis, rate):
    w = sample(shape)
    axes = tuple(np.atleast_1d(axis))
    out = MinMaxNorm(min_value=1.5, max_value=2.5, rate=rate, axis=axis)(w)
    expected = rescaled(w, lambda n: rate * np.clip(n, 1.5, 2.5) + (1 - rate) * n, axes)
    np.testing.assert_allclose(np.asarray(out), expected, rtol=1e-6)
    if rate == 1.0:
        norms = norms_of(out, axes)
        assert norms.min() >= 1.5 - 1e-5 and norms.max() <= 2.5 + 1e-5


@pytest.mark.parametrize("shape, axis", SHAPES, ids=SHAPE_IDS)
def test_unit_norm(shape, axis):
    w = sample(shape)
    out = UnitNorm(axis=axis)(w)
    axes = tuple(np.atleast_1d(axis))
    np.testing.assert_allclose(np.asarray(out), rescaled(w, np.ones_like, axes), rtol=1e-6)
    np.testing.assert_allclose(norms_of(out, axes), 1.0, rtol=1e-6)


def test_epsilon_shrinks_a_slice_within_bounds_as_keras_does():
    w = np.array([[0.6], [0.8]], dtype="float64")  # norm 1, already under max_value
    np.testing.assert_allclose(np.asarray(MaxNorm(2.0)(w)), w / (1 + EPSILON), rtol=1e-15)


def test_zero_slices_stay_zero():
    w = np.zeros((3, 2), dtype="float32")
    for constraint in (MaxNorm(), UnitNorm(), MinMaxNorm(min_value=1.0, max_value=2.0)):
        np.testing.assert_array_equal(np.asarray(constraint(w)), w)


def test_non_neg():
    w = np.array([[-1.5, 0.0], [2.0, -0.1]], dtype="float32")
    np.testing.assert_array_equal(np.asarray(NonNeg()(w)), [[0.0, 0.0], [2.0, 0.0]])
    assert np.asarray(NonNeg()(np.array([-1, 2]))).tolist() == [0, 2]


# -- types -----------------------------------------------------------------------------------------

CONSTRAINTS = [MaxNorm(), MinMaxNorm(), UnitNorm(), NonNeg()]
NAMES = ["MaxNorm", "MinMaxNorm", "UnitNorm", "NonNeg"]


@pytest.mark.parametrize("constraint", CONSTRAINTS, ids=NAMES)
@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_dtype_preserved(constraint, dtype):
    out = constraint(sample((4, 3), dtype))
    assert isinstance(out, Tensor) and out.dtype == np.dtype(dtype) and out.shape == (4, 3)


@pytest.mark.parametrize("constraint", CONSTRAINTS, ids=NAMES)
def test_applied_to_a_variable_as_optimizers_do(constraint):
    w = sample((4, 3))
    v = Variable(w.copy(), name="kernel")
    v.assign(constraint(v))
    assert v.dtype == np.float32
    np.testing.assert_array_equal(v.data, np.asarray(constraint(w)))
    assert not np.array_equal(v.data, w)


def test_input_is_not_modified():
    w = sample((4, 3))
    before = w.copy()
    for constraint in CONSTRAINTS:
        constraint(w)
    np.testing.assert_array_equal(w, before)


def test_integer_weight_comes_back_as_floats():
    assert UnitNorm()(np.array([[3], [4]])).dtype == np.float32


def test_base_constraint_returns_weight_unchanged():
    w = sample((2, 2))
    assert Constraint()(w) is w
    assert Constraint().get_config() == {}


# -- arguments -------------------------------------------------------------------------------------

def test_bad_axis():
    with pytest.raises(ValueError, match=r"MaxNorm: axis=2 does not fit a weight of shape "
                                         r"\(5, 3\).*\[0, 1, 2\] for a Conv2D kernel"):
        MaxNorm(axis=2)(sample((5, 3)))
    with pytest.raises(TypeError, match="UnitNorm: `axis` must be an integer or a list"):
        UnitNorm(axis=0.5)
    with pytest.raises(TypeError, match="UnitNorm: `axis` must be an integer or a list"):
        UnitNorm(axis=[])


@pytest.mark.parametrize("make, match", [
    (lambda: MaxNorm(max_value=-1), "MaxNorm: argument `max_value` must be a non-negative"),
    (lambda: MaxNorm(max_value="2"), "MaxNorm: argument `max_value` must be a non-negative"),
    (lambda: MinMaxNorm(min_value=-0.1), "argument `min_value` must be a non-negative"),
    (lambda: MinMaxNorm(min_value=2.0, max_value=1.0), "`min_value` must not exceed"),
    (lambda: MinMaxNorm(rate=1.5), "`rate` must be between 0 and 1"),
    (lambda: MinMaxNorm(rate=float("nan")), "argument `rate` must be a non-negative"),
])
def test_bad_arguments(make, match):
    with pytest.raises(ValueError, match=match):
        make()


# -- configs and names ---------------------------------------------------------------------------

@pytest.mark.parametrize("constraint, config", [
    (MaxNorm(), {"max_value": 2, "axis": 0}),
    (MaxNorm(max_value=3.0, axis=1), {"max_value": 3.0, "axis": 1}),
    (MaxNorm(axis=[0, 1, 2]), {"max_value": 2, "axis": [0, 1, 2]}),
    (MinMaxNorm(), {"min_value": 0.0, "max_value": 1.0, "rate": 1.0, "axis": 0}),
    (MinMaxNorm(0.5, 2.0, 0.7, 1), {"min_value": 0.5, "max_value": 2.0, "rate": 0.7,
                                    "axis": 1}),
    (UnitNorm(axis=1), {"axis": 1}),
    (NonNeg(), {}),
])
def test_config_and_round_trip(constraint, config):
    assert constraint.get_config() == config
    serialized = constraints.serialize(constraint)
    assert serialized["module"] == "keras.constraints"
    assert serialized["class_name"] == type(constraint).__name__
    restored = constraints.deserialize(json.loads(json.dumps(serialized)))
    assert type(restored) is type(constraint) and restored.get_config() == config
    assert type(constraint).from_config(config).get_config() == config
    shape = (3, 3, 2, 4) if config.get("axis") == [0, 1, 2] else (4, 3)
    w = sample(shape)
    np.testing.assert_array_equal(np.asarray(restored(w)), np.asarray(constraint(w)))


@pytest.mark.parametrize("name, cls", [
    ("max_norm", MaxNorm), ("MaxNorm", MaxNorm), ("min_max_norm", MinMaxNorm),
    ("non_neg", NonNeg), ("NonNeg", NonNeg), ("unit_norm", UnitNorm),
])
def test_get_by_name(name, cls):
    assert type(constraints.get(name)) is cls


def test_get_other_identifiers_and_lowercase_names():
    assert constraints.get(None) is None
    assert type(constraints.get(UnitNorm)) is UnitNorm
    c = MaxNorm(3)
    assert constraints.get(c) is c
    assert constraints.get({"class_name": "MaxNorm",
                            "config": {"max_value": 4, "axis": 1}}).get_config() == \
        {"max_value": 4, "axis": 1}
    assert constraints.max_norm is MaxNorm and constraints.non_neg is NonNeg


def test_unknown_name_lists_valid_names():
    with pytest.raises(ValueError, match="Unknown constraint: 'maxnorm'.*'max_norm'"):
        constraints.get("maxnorm")
