import json

import numpy as np
import pytest

from minikeras import regularizers
from minikeras.backend import Tensor, Variable
from minikeras.regularizers import L1, L1L2, L2, OrthogonalRegularizer, Regularizer
from minikeras.testing import check_grad

EPSILON = 1e-7


def sample(shape=(4, 5), dtype="float32", seed=0):
    x = np.random.default_rng(seed).uniform(-2.0, 2.0, size=shape).astype(dtype)
    x[np.abs(x) < 0.1] = 0.5  # keep away from abs's kink at 0 for gradient checks
    return x


def orthogonal_formula(x, factor, mode):
    """Keras's formula: factor * 0.5 * sum|P off the diagonal| / number of pairs."""
    x = np.asarray(x, dtype=np.float64)
    if mode == "columns":
        x = x.T
    unit = x / np.maximum(np.linalg.norm(x, axis=1, keepdims=True), EPSILON)
    products = unit @ unit.T
    n = x.shape[0]
    return factor * 0.5 * np.sum(np.abs(products * (1 - np.eye(n)))) / (n * (n - 1) / 2)


# -- values ------------------------------------------------------------------------------------

def test_l1_l2_l1l2_values():
    x = sample()
    np.testing.assert_allclose(float(L1(0.1)(x)), 0.1 * np.abs(x).sum(), rtol=1e-6)
    np.testing.assert_allclose(float(L2(0.1)(x)), 0.1 * np.square(x).sum(), rtol=1e-6)
    np.testing.assert_allclose(float(L1L2(l1=0.1, l2=0.2)(x)),
                               0.1 * np.abs(x).sum() + 0.2 * np.square(x).sum(), rtol=1e-6)


def test_keras_documented_examples():
    # From Keras's Regularizer docs: L2(2.) of ones((5, 5)) is 50; L1(0.01) of a ones kernel
    # of shape (5, 5) is 0.25.
    assert float(L2(2.0)(np.ones((5, 5), dtype="float32"))) == 50.0
    np.testing.assert_allclose(float(L1(0.01)(np.ones((5, 5), dtype="float32"))), 0.25,
                               rtol=1e-6)


def test_l1l2_reduces_to_its_parts():
    x = sample()
    assert float(L1L2()(x)) == 0.0
    np.testing.assert_allclose(float(L1L2(l1=0.1)(x)), float(L1(0.1)(x)), rtol=1e-6)
    np.testing.assert_allclose(float(L1L2(l2=0.1)(x)), float(L2(0.1)(x)), rtol=1e-6)


@pytest.mark.parametrize("mode", ["rows", "columns"])
@pytest.mark.parametrize("shape", [(4, 5), (5, 3)])
def test_orthogonal_regularizer_value(mode, shape):
    x = sample(shape)
    np.testing.assert_allclose(float(OrthogonalRegularizer(0.1, mode)(x)),
                               orthogonal_formula(x, 0.1, mode), rtol=1e-5)


def test_orthogonal_regularizer_is_zero_on_orthogonal_vectors():
    q = np.linalg.qr(sample((6, 6), dtype="float64"))[0]
    assert float(OrthogonalRegularizer(1.0, "columns")(q)) < 1e-12
    assert float(OrthogonalRegularizer(1.0, "rows")(np.diag([1.0, 3.0, 0.5]))) == 0.0


def test_orthogonal_regularizer_zero_row_is_finite():
    x = sample((3, 4))
    x[1] = 0.0
    np.testing.assert_allclose(float(OrthogonalRegularizer(0.5)(x)),
                               orthogonal_formula(x, 0.5, "rows"), rtol=1e-5)
    v = Variable(x)
    OrthogonalRegularizer(0.5)(v).backward()
    assert np.all(np.isfinite(v.grad))


# -- results: scalar tensors of the input's dtype ----------------------------------------------

REGULARIZERS = [L1(0.1), L2(0.1), L1L2(0.1, 0.2), OrthogonalRegularizer(0.1),
                OrthogonalRegularizer(0.1, "columns")]
NAMES = ["L1", "L2", "L1L2", "Orthogonal-rows", "Orthogonal-columns"]


@pytest.mark.parametrize("reg", REGULARIZERS, ids=NAMES)
@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_scalar_tensor_of_input_dtype(reg, dtype):
    out = reg(sample(dtype=dtype))
    assert isinstance(out, Tensor)
    assert out.shape == ()
    assert out.dtype == np.dtype(dtype)


@pytest.mark.parametrize("reg", REGULARIZERS, ids=NAMES)
def test_gradients(reg):
    check_grad(reg, sample())


def test_gradient_reaches_a_variable():
    v = Variable(sample())
    L2(0.1)(v).backward()
    np.testing.assert_allclose(v.grad, 0.2 * v.data, rtol=1e-6)
    assert v.grad.dtype == np.float32


def test_integer_input_is_refused():
    with pytest.raises(TypeError, match="L2 penalizes floating-point weights.*int64"):
        L2()(np.array([1, 2]))


# -- arguments -------------------------------------------------------------------------------------

@pytest.mark.parametrize("make, name", [
    (lambda v: L1(v), "l1"), (lambda v: L2(v), "l2"), (lambda v: L1L2(l1=v), "l1"),
    (lambda v: L1L2(l2=v), "l2"), (lambda v: OrthogonalRegularizer(factor=v), "factor"),
])
@pytest.mark.parametrize("value", [-0.1, float("nan"), float("inf"), "0.1", True, [0.1]])
def test_bad_factors(make, name, value):
    with pytest.raises(ValueError, match=f"invalid value for argument `{name}`: expected a "
                                         f"non-negative float"):
        make(value)


def test_none_factors_take_keras_defaults():
    assert L1(None).l1 == 0.01 and L2(None).l2 == 0.01
    assert L1L2(None, None).get_config() == {"l1": 0.0, "l2": 0.0}


def test_orthogonal_regularizer_errors():
    with pytest.raises(ValueError, match="Expected one of 'rows', 'columns'. Received: "
                                         "mode='diagonal'"):
        OrthogonalRegularizer(mode="diagonal")
    with pytest.raises(ValueError, match=r"must have rank 2. Received: inputs.shape=\(4, 4, 4\)"):
        OrthogonalRegularizer()(np.ones((4, 4, 4), dtype="float32"))
    with pytest.raises(ValueError, match="needs at least 2 columns.*shape \\(4, 1\\)"):
        OrthogonalRegularizer(mode="columns")(np.ones((4, 1), dtype="float32"))


# -- configs and names ---------------------------------------------------------------------------

@pytest.mark.parametrize("reg, config", [
    (L1(), {"l1": 0.01}),
    (L2(0.5), {"l2": 0.5}),
    (L1L2(l1=0.1, l2=0.2), {"l1": 0.1, "l2": 0.2}),
    (OrthogonalRegularizer(), {"factor": 0.01, "mode": "rows"}),
])
def test_config_and_round_trip(reg, config):
    assert reg.get_config() == config
    serialized = regularizers.serialize(reg)
    assert serialized["module"] == "keras.regularizers"
    assert serialized["class_name"] == type(reg).__name__
    restored = regularizers.deserialize(json.loads(json.dumps(serialized)))
    assert type(restored) is type(reg) and restored.get_config() == config
    assert type(reg).from_config(config).get_config() == config
    x = sample()
    assert float(restored(x)) == float(reg(x))


@pytest.mark.parametrize("name, cls", [
    ("l1", L1), ("l2", L2), ("l1_l2", L1L2), ("l1l2", L1L2), ("L1L2", L1L2),
    ("orthogonal_regularizer", OrthogonalRegularizer),
    ("OrthogonalRegularizer", OrthogonalRegularizer),
])
def test_get_by_name(name, cls):
    assert type(regularizers.get(name)) is cls


def test_get_other_identifiers_and_lowercase_names():
    assert regularizers.get(None) is None
    assert type(regularizers.get(L2)) is L2
    reg = L1(0.3)
    assert regularizers.get(reg) is reg

    def penalty(x):
        return 0.1 * x.sum()

    assert regularizers.get(penalty) is penalty
    assert regularizers.get({"class_name": "L2", "config": {"l2": 0.2}}).l2 == 0.2
    assert regularizers.l2 is L2 and regularizers.l1_l2 is L1L2


def test_unknown_name_lists_valid_names():
    with pytest.raises(ValueError, match="Unknown regularizer: 'l3'.*'l1_l2'"):
        regularizers.get("l3")


def test_base_regularizer():
    out = Regularizer()(sample(dtype="float64"))
    assert float(out) == 0.0 and out.dtype == np.float64
    with pytest.raises(NotImplementedError, match="must define get_config"):
        Regularizer().get_config()
