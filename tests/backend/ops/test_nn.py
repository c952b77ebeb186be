"""Tests for minikeras/backend/ops/nn.py: activations, softmax, one_hot and crossentropies.

Reference values come from closed-form numpy/scipy formulas written here (float64), following
the Keras 3 definitions. Gradients are checked numerically with `minikeras.testing.check_grad`.
"""

import math

import numpy as np
import pytest
import scipy.special

from minikeras import ops
from minikeras.backend import ops as B
from minikeras.backend.tensor import Tensor
from minikeras.testing import check_grad

EPS = 1e-7  # Keras's default fuzz factor
SELU_ALPHA = 1.6732632423543772848170429916717  # keras.activations.selu
SELU_SCALE = 1.0507009873554804934193349852946
BOTH = [ops, B]
MODULE_IDS = ["ops", "backend"]
FLOATS = pytest.mark.parametrize("dtype", [np.float32, np.float64])


def np_sigmoid(x):
    return 1.0 / (1.0 + np.exp(-x))


def np_hard_sigmoid(x):
    # Keras 3: 0 for x <= -3, 1 for x >= 3, x / 6 + 0.5 between.
    return np.where(x <= -3, 0.0, np.where(x >= 3, 1.0, x / 6.0 + 0.5))


def np_elu(x, alpha):
    return np.where(x > 0, x, alpha * (np.exp(x) - 1.0))


def np_softplus(x):
    return np.log1p(np.exp(x))


def np_softmax(x, axis):
    e = np.exp(x)
    return e / e.sum(axis=axis, keepdims=True)


def np_log_softmax(x, axis):
    return x - np.log(np.exp(x).sum(axis=axis, keepdims=True))


# name -> (function of a minikeras ops module, float64 reference formula)
ACTIVATIONS = {
    "relu": (lambda m, x: m.relu(x), lambda x: np.maximum(x, 0.0)),
    "relu6": (lambda m, x: m.relu6(x), lambda x: np.minimum(np.maximum(x, 0.0), 6.0)),
    "leaky_relu": (lambda m, x: m.leaky_relu(x), lambda x: np.where(x >= 0, x, 0.2 * x)),
    "leaky_relu_0.05": (lambda m, x: m.leaky_relu(x, negative_slope=0.05),
                        lambda x: np.where(x >= 0, x, 0.05 * x)),
    "elu": (lambda m, x: m.elu(x), lambda x: np_elu(x, 1.0)),
    "elu_alpha_0.5": (lambda m, x: m.elu(x, alpha=0.5), lambda x: np_elu(x, 0.5)),
    "selu": (lambda m, x: m.selu(x), lambda x: SELU_SCALE * np_elu(x, SELU_ALPHA)),
    "gelu_exact": (lambda m, x: m.gelu(x, approximate=False),
                   lambda x: x * scipy.special.ndtr(x)),
    "gelu_tanh": (lambda m, x: m.gelu(x),
                  lambda x: 0.5 * x * (1.0 + np.tanh(math.sqrt(2.0 / math.pi)
                                                     * (x + 0.044715 * x ** 3)))),
    "silu": (lambda m, x: m.silu(x), lambda x: x * np_sigmoid(x)),
    "swish": (lambda m, x: m.swish(x), lambda x: x / (1.0 + np.exp(-x))),
    "softplus": (lambda m, x: m.softplus(x), np_softplus),
    "softsign": (lambda m, x: m.softsign(x), lambda x: x / (1.0 + np.abs(x))),
    "sigmoid": (lambda m, x: m.sigmoid(x), np_sigmoid),
    "hard_sigmoid": (lambda m, x: m.hard_sigmoid(x), np_hard_sigmoid),
    "hard_silu": (lambda m, x: m.hard_silu(x), lambda x: x * np_hard_sigmoid(x)),
    "hard_swish": (lambda m, x: m.hard_swish(x), lambda x: x * np_hard_sigmoid(x)),
    "tanh": (lambda m, x: m.tanh(x), lambda x: np.sinh(x) / np.cosh(x)),
    "exponential": (lambda m, x: m.exponential(x), np.exp),
    "mish": (lambda m, x: m.mish(x), lambda x: x * np.tanh(np_softplus(x))),
}

# Includes the kinks (0, +-3, 6) and the ends of the piecewise definitions.
VALUE_POINTS = np.array([-7.0, -3.0, -2.5, -1.0, -0.3, 0.0, 0.4, 1.0, 2.9, 3.0, 5.5, 6.0, 8.0])
# Away from every kink by far more than check_grad's step.
GRAD_POINTS = np.array([[-4.5, -2.2, -0.7, 0.35], [1.3, 2.6, 4.1, 7.0]])
TOLERANCE = {np.float32: dict(rtol=2e-6, atol=1e-6), np.float64: dict(rtol=1e-10, atol=1e-12)}


def values(t):
    assert isinstance(t, Tensor), f"expected a Tensor, got {type(t).__name__}"
    return t.numpy()


def assert_close(actual, expected, **tolerance):
    """assert_allclose that also insists on the shape (assert_allclose broadcasts)."""
    expected = np.asarray(expected, dtype=np.float64)
    assert actual.shape == expected.shape, f"shape {actual.shape}, expected {expected.shape}"
    np.testing.assert_allclose(actual, expected, **tolerance)


# -- activations -----------------------------------------------------------------------------


@pytest.mark.parametrize("module", BOTH, ids=MODULE_IDS)
@FLOATS
@pytest.mark.parametrize("name", ACTIVATIONS)
def test_activation_values(name, dtype, module):
    fn, reference = ACTIVATIONS[name]
    x = VALUE_POINTS.astype(dtype)
    assert_close(values(fn(module, x)), reference(x.astype(np.float64)), **TOLERANCE[dtype])


@pytest.mark.parametrize("name", ACTIVATIONS)
def test_activation_gradient(name):
    fn, _ = ACTIVATIONS[name]
    check_grad(lambda x: fn(B, x), GRAD_POINTS)


@FLOATS
@pytest.mark.parametrize("name", ACTIVATIONS)
def test_activation_keeps_dtype(name, dtype):
    fn, _ = ACTIVATIONS[name]
    x = Tensor(GRAD_POINTS.astype(dtype), requires_grad=True)
    y = fn(B, x)
    assert y.dtype == dtype
    y.backward(np.ones(y.shape, dtype))
    assert x.grad.dtype == dtype  # no float64 temporaries leak into float32 gradients


@pytest.mark.parametrize("name", ACTIVATIONS)
def test_activation_keeps_float16(name):
    # scipy's expit and erf have no float16 loops: they must not turn float16 into float64
    fn, reference = ACTIVATIONS[name]
    x = Tensor(GRAD_POINTS.astype(np.float16), requires_grad=True)
    y = fn(B, x)
    assert y.dtype == np.float16
    assert_close(values(y).astype(np.float64), reference(x.numpy().astype(np.float64)),
                 rtol=2e-3, atol=2e-3)
    y.backward(np.ones(y.shape, np.float16))
    assert x.grad.dtype == np.float16


@pytest.mark.parametrize("name", sorted(set(ACTIVATIONS) - {"relu", "relu6"}))
def test_activation_of_integers_is_floatx(name):
    # the fractional constants (0.2, 0.5, 1/6, selu's) must not be truncated to integers
    fn, reference = ACTIVATIONS[name]
    y = fn(ops, np.array([-4, -2, -1, 0, 1, 2, 5]))
    assert y.dtype == np.float32
    assert_close(values(y), reference(np.array([-4.0, -2, -1, 0, 1, 2, 5])), rtol=2e-6,
                 atol=1e-7)


@pytest.mark.parametrize("fn, expected", [(ops.relu, [0, 2, 9]), (ops.relu6, [0, 2, 6])],
                         ids=["relu", "relu6"])
def test_relu_of_integers_stays_integer(fn, expected):
    # their values stay exact integers, as in keras.ops on integer input
    y = fn(np.array([-3, 2, 9]))
    assert y.dtype == np.int64
    np.testing.assert_array_equal(values(y), expected)


@pytest.mark.parametrize("fn", [ops.softmax, ops.log_softmax, ops.sigmoid],
                         ids=["softmax", "log_softmax", "sigmoid"])
def test_integer_and_boolean_input_to_softmax_family(fn):
    for x in (np.array([[1, 3, 0], [2, 2, -1]]), np.array([[True, False, True]] * 2)):
        y = fn(x)
        assert y.dtype == np.float32
        expected = values(fn(x.astype(np.float64)))
        assert_close(values(y), expected, rtol=2e-6, atol=1e-7)


@pytest.mark.parametrize("name", ["relu", "sigmoid", "gelu_tanh", "softsign"])
def test_activation_of_python_floats_is_floatx(name):
    fn, reference = ACTIVATIONS[name]
    y = fn(ops, [-1.5, 0.5, 2.0])
    assert y.dtype == np.float32
    assert_close(values(y), reference(np.array([-1.5, 0.5, 2.0])), rtol=1e-6)


def test_log_sigmoid_values_and_gradient():
    x = VALUE_POINTS
    assert_close(values(ops.log_sigmoid(x)), np.log(np_sigmoid(x)), rtol=1e-12)
    assert ops.log_sigmoid(x.astype(np.float32)).dtype == np.float32
    check_grad(ops.log_sigmoid, GRAD_POINTS)


def test_hard_silu_keras_doc_example():
    x = np.array([-3.0, -1.0, 0.0, 1.0, 3.0], np.float32)
    expected = [0.0, -0.3333333, 0.0, 0.6666667, 3.0]
    for fn in (ops.hard_silu, ops.hard_swish, B.hard_silu):
        assert_close(values(fn(x)), expected, atol=1e-7)


@FLOATS
def test_hard_sigmoid_keras3_definition(dtype):
    # relu6(x + 3) / 6, not the Keras 2 slope of 0.2
    x = np.array([-4.0, -3.0, -1.5, 0.0, 1.5, 3.0, 4.0], dtype)
    expected = [0.0, 0.0, 0.25, 0.5, 0.75, 1.0, 1.0]
    assert_close(values(ops.hard_sigmoid(x)), expected, atol=1e-7)


def test_gelu_default_is_tanh_approximation():
    x = np.array([-1.5, 0.7, 2.0])
    np.testing.assert_array_equal(values(ops.gelu(x)), values(ops.gelu(x, approximate=True)))
    # the two forms differ measurably, so the default is not the exact form
    assert np.max(np.abs(values(ops.gelu(x)) - values(ops.gelu(x, approximate=False)))) > 1e-4


# -- softmax and log_softmax -----------------------------------------------------------------

SOFTMAX_INPUT = np.random.default_rng(0).uniform(-3, 3, size=(2, 3, 4))


@pytest.mark.parametrize("module", BOTH, ids=MODULE_IDS)
@pytest.mark.parametrize("axis", [-1, 0, 1])
def test_softmax_values(axis, module):
    x = SOFTMAX_INPUT
    y = values(module.softmax(x, axis=axis))
    assert_close(y, np_softmax(x, axis), rtol=1e-12)
    assert_close(y.sum(axis=axis), np.ones(np.delete(x.shape, axis)), rtol=1e-12)
    y32 = values(module.softmax(x.astype(np.float32), axis=axis))
    assert_close(y32, np_softmax(x, axis), rtol=2e-6)


@pytest.mark.parametrize("module", BOTH, ids=MODULE_IDS)
@pytest.mark.parametrize("axis", [-1, 0, 1])
def test_log_softmax_values(axis, module):
    x = SOFTMAX_INPUT
    assert_close(values(module.log_softmax(x, axis=axis)), np_log_softmax(x, axis), rtol=1e-12)
    assert_close(values(module.log_softmax(x.astype(np.float32), axis=axis)),
                 np_log_softmax(x, axis), rtol=2e-6, atol=1e-6)


def test_softmax_default_axis_is_last():
    x = SOFTMAX_INPUT
    assert_close(values(ops.softmax(x)), np_softmax(x, -1), rtol=1e-12)
    assert_close(values(ops.log_softmax(x)), np_log_softmax(x, -1), rtol=1e-12)


@pytest.mark.parametrize("fn", [ops.softmax, ops.log_softmax], ids=["softmax", "log_softmax"])
@pytest.mark.parametrize("axis", [-1, 0, 1])
def test_softmax_gradient(fn, axis):
    check_grad(lambda x: fn(x, axis=axis), SOFTMAX_INPUT)


@pytest.mark.parametrize("fn", [ops.softmax, ops.log_softmax], ids=["softmax", "log_softmax"])
@FLOATS
def test_softmax_keeps_dtype(fn, dtype):
    x = Tensor(SOFTMAX_INPUT.astype(dtype), requires_grad=True)
    y = fn(x, axis=1)
    assert y.dtype == dtype
    y.backward(np.linspace(-1, 1, y.size).reshape(y.shape).astype(dtype))
    assert x.grad.dtype == dtype


@pytest.mark.parametrize("fn", [ops.softmax, ops.log_softmax], ids=["softmax", "log_softmax"])
def test_softmax_rejects_tuple_axis(fn):
    with pytest.raises(ValueError, match="axis"):
        fn(np.zeros((2, 3)), axis=(0, 1))


# -- numerically extreme inputs --------------------------------------------------------------


@FLOATS
def test_softmax_of_extreme_logits(dtype):
    np.testing.assert_array_equal(values(ops.softmax(np.array([1000, 0], dtype))), [1.0, 0.0])
    np.testing.assert_array_equal(values(ops.softmax(np.array([-1000, 0], dtype))), [0.0, 1.0])
    rows = np.random.default_rng(1).normal(scale=1e3, size=(5, 7)).astype(dtype)
    y = values(ops.softmax(rows))
    assert np.all(np.isfinite(y))
    assert_close(y.sum(axis=-1), np.ones(5), rtol=1e-6)
    np.testing.assert_array_equal(np.argmax(y, axis=-1), np.argmax(rows, axis=-1))


@FLOATS
def test_log_softmax_of_extreme_logits(dtype):
    np.testing.assert_array_equal(values(ops.log_softmax(np.array([1000, 0], dtype))),
                                  [0.0, -1000.0])
    row = np.array([1e4, -1e4, 0.0, 1e4 - 3.0], dtype)
    expected = row.astype(np.float64) - 1e4 - np.log1p(np.exp(-3.0))
    assert_close(values(ops.log_softmax(row)), expected, rtol=1e-6)


@FLOATS
def test_sigmoid_and_softplus_of_extreme_inputs(dtype):
    np.testing.assert_array_equal(values(ops.sigmoid(np.array([-1000, 1000], dtype))), [0, 1])
    # exp(-20) / (1 + exp(-20)): relative accuracy, not just absolute
    assert_close(values(ops.sigmoid(np.array([-20.0], dtype))),
                 [math.exp(-20) / (1 + math.exp(-20))], rtol=1e-6)
    y = values(ops.softplus(np.array([1000, -1000], dtype)))
    assert y[0] == 1000.0
    assert 0.0 <= y[1] < 1e-30
    assert_close(values(ops.softplus(np.array([-20.0], dtype))),
                 [math.log1p(math.exp(-20))], rtol=1e-6)


# value at -1000, value at 1000 (limits of the definitions)
EXTREME_VALUES = {
    "relu": (0.0, 1000.0), "relu6": (0.0, 6.0), "leaky_relu": (-200.0, 1000.0),
    "leaky_relu_0.05": (-50.0, 1000.0), "elu": (-1.0, 1000.0), "elu_alpha_0.5": (-0.5, 1000.0),
    "selu": (-SELU_SCALE * SELU_ALPHA, SELU_SCALE * 1000.0), "gelu_exact": (0.0, 1000.0),
    "gelu_tanh": (0.0, 1000.0), "silu": (0.0, 1000.0), "swish": (0.0, 1000.0),
    "softplus": (0.0, 1000.0), "softsign": (-1000 / 1001, 1000 / 1001),
    "sigmoid": (0.0, 1.0), "hard_sigmoid": (0.0, 1.0), "hard_silu": (0.0, 1000.0),
    "hard_swish": (0.0, 1000.0), "tanh": (-1.0, 1.0), "mish": (0.0, 1000.0),
}


@FLOATS
@pytest.mark.parametrize("name", EXTREME_VALUES)
def test_activation_at_extreme_inputs(name, dtype):
    fn, _ = ACTIVATIONS[name]
    x = Tensor(np.array([-1000.0, 1000.0], dtype), requires_grad=True)
    y = fn(B, x)
    assert_close(values(y), EXTREME_VALUES[name], rtol=1e-6, atol=1e-30)
    y.backward(np.ones(2, dtype))
    assert np.all(np.isfinite(x.grad))


@FLOATS
@pytest.mark.parametrize("fn", [ops.softmax, ops.log_softmax, ops.sigmoid, ops.softplus,
                                ops.log_sigmoid],
                         ids=["softmax", "log_softmax", "sigmoid", "softplus", "log_sigmoid"])
def test_gradient_at_extreme_inputs_is_finite(fn, dtype):
    x = Tensor(np.array([[1000.0, 0.0, -1000.0], [-1e4, 1e4, 3.0]], dtype), requires_grad=True)
    y = fn(x)
    assert np.all(np.isfinite(values(y)))
    y.backward(np.array([[1.0, -2.0, 0.5], [0.3, 1.0, -1.0]], dtype))
    assert np.all(np.isfinite(x.grad))


def test_log_sigmoid_of_extreme_inputs():
    assert_close(values(ops.log_sigmoid(np.array([-1000.0, 1000.0, -20.0]))),
                 [-1000.0, 0.0, -20.0 - math.log1p(math.exp(-20))], rtol=1e-12)


def test_softmax_gradient_at_extreme_logits():
    x = Tensor(np.array([1000.0, 0.0]), requires_grad=True)
    ops.softmax(x).backward(np.array([1.0, 0.0]))
    assert_close(x.grad, [0.0, 0.0], atol=1e-300)
    x = Tensor(np.array([1000.0, 0.0]), requires_grad=True)
    ops.log_softmax(x).backward(np.array([0.0, 1.0]))
    assert_close(x.grad, [-1.0, 1.0])


# -- one_hot -------------------------------------------------------------------------------


@pytest.mark.parametrize("module", BOTH, ids=MODULE_IDS)
def test_one_hot_values_and_default_dtype(module):
    y = module.one_hot(np.array([1, 0, 3]), 4)
    assert isinstance(y, Tensor)
    assert y.dtype == np.float32
    np.testing.assert_array_equal(values(y), [[0, 1, 0, 0], [1, 0, 0, 0], [0, 0, 0, 1]])


def test_one_hot_dtype_argument_and_list_input():
    y = ops.one_hot([2, 0], 3, dtype="int32")
    assert y.dtype == np.int32
    np.testing.assert_array_equal(values(y), [[0, 0, 1], [1, 0, 0]])
    assert ops.one_hot([2, 0], 3, dtype="float64").dtype == np.float64


@pytest.mark.parametrize("axis, shape", [(-1, (2, 3, 4)), (2, (2, 3, 4)), (1, (2, 4, 3)),
                                         (0, (4, 2, 3))])
def test_one_hot_axis(axis, shape):
    labels = np.array([[0, 3, 1], [2, 2, 0]])
    y = values(ops.one_hot(labels, 4, axis=axis))
    assert y.shape == shape
    expected = np.moveaxis(np.eye(4)[labels], -1, axis)
    np.testing.assert_array_equal(y, expected)
    # the new axis holds exactly one 1 at the class id
    np.testing.assert_array_equal(np.argmax(y, axis=axis), labels)


def test_one_hot_accepts_integral_floats():
    np.testing.assert_array_equal(values(ops.one_hot(np.array([2.0, 0.0]), 3)),
                                  [[0, 0, 1], [1, 0, 0]])


@pytest.mark.parametrize("labels", [[0, 3], [-1, 1]])
def test_one_hot_out_of_range_raises(labels):
    with pytest.raises(ValueError, match=r"one_hot: class ids must lie in \[0, 3\)"):
        ops.one_hot(np.array(labels), 3)


def test_one_hot_non_integer_floats_raise():
    with pytest.raises(TypeError, match="one_hot.*integer"):
        ops.one_hot(np.array([0.5, 1.0]), 3)


# -- categorical crossentropy ----------------------------------------------------------------


def np_categorical_ce(target, output, axis=-1):
    probs = output / output.sum(axis=axis, keepdims=True)
    probs = np.clip(probs, EPS, 1 - EPS)
    return -np.sum(target * np.log(probs), axis=axis)


def np_categorical_ce_logits(target, logits, axis=-1):
    return -np.sum(target * np_log_softmax(logits, axis), axis=axis)


ONE_HOT = np.array([[0.0, 0.0, 1.0, 0.0], [1.0, 0.0, 0.0, 0.0], [0.0, 1.0, 0.0, 0.0]])
SMOOTHED = ONE_HOT * 0.9 + 0.1 / 4  # label smoothing 0.1: still sums to 1
UNNORMALIZED = np.array([[0.3, 0.9, 0.2, 0.0], [0.0, 0.5, 0.0, 0.0], [1.0, 0.0, 2.0, 0.4]])
TARGETS = pytest.mark.parametrize("target", [ONE_HOT, SMOOTHED, UNNORMALIZED],
                                  ids=["one_hot", "smoothed", "unnormalized"])
LOGITS = np.array([[0.5, -1.2, 2.0, 0.1], [1.5, 0.3, -0.4, -2.0], [-0.2, 0.8, 0.6, 1.1]])
# unnormalized positive scores, one of them 0 so that clipping matters
PROBS = np.array([[0.1, 0.2, 0.6, 0.1], [0.0, 1.0, 2.0, 1.0], [0.25, 0.5, 0.125, 0.125]])
GRAD_PROBS = np.array([[0.1, 0.2, 0.6, 0.1], [0.3, 1.0, 2.0, 1.0], [0.25, 0.5, 0.125, 0.4]])


@pytest.mark.parametrize("module", BOTH, ids=MODULE_IDS)
@TARGETS
def test_categorical_crossentropy_values(target, module):
    y = module.categorical_crossentropy(target, PROBS)
    assert y.shape == (3,)
    assert_close(values(y), np_categorical_ce(target, PROBS), rtol=1e-12)
    y = module.categorical_crossentropy(target, LOGITS, from_logits=True)
    assert_close(values(y), np_categorical_ce_logits(target, LOGITS), rtol=1e-12)


def test_categorical_crossentropy_clips_and_renormalizes():
    # the true class has probability 0: Keras clips it to epsilon, giving -log(1e-7)
    y = values(ops.categorical_crossentropy([[1.0, 0.0]], np.array([[0.0, 3.0]])))
    assert_close(y, [-math.log(EPS)], rtol=1e-12)
    # scores [1, 3] are renormalized to [0.25, 0.75]
    y = values(ops.categorical_crossentropy([[0.0, 1.0]], np.array([[1.0, 3.0]])))
    assert_close(y, [-math.log(0.75)], rtol=1e-12)
    # a certain prediction is clipped to 1 - epsilon, not log(1) = 0
    y = values(ops.categorical_crossentropy([[0.0, 1.0]], np.array([[0.0, 1.0]])))
    assert_close(y, [-math.log(1 - EPS)], rtol=1e-9)


@pytest.mark.parametrize("from_logits", [False, True])
@pytest.mark.parametrize("axis", [0, 1, -1])
def test_categorical_crossentropy_axis(axis, from_logits):
    rng = np.random.default_rng(2)
    output = rng.uniform(0.1, 1.0, size=(3, 4, 2))
    classes = output.shape[axis]
    labels = rng.integers(0, classes, size=np.delete(output.shape, axis))
    target = np.moveaxis(np.eye(classes)[labels], -1, axis)
    y = ops.categorical_crossentropy(target, output, from_logits=from_logits, axis=axis)
    reference = np_categorical_ce_logits if from_logits else np_categorical_ce
    assert_close(values(y), reference(target, output, axis), rtol=1e-12)
    check_grad(lambda o: ops.categorical_crossentropy(target, o, from_logits=from_logits,
                                                      axis=axis), output)


@TARGETS
def test_fused_categorical_crossentropy_equals_softmax_then_crossentropy(target):
    fused = ops.categorical_crossentropy(target, LOGITS, from_logits=True)
    unfused = ops.categorical_crossentropy(target, ops.softmax(LOGITS), from_logits=False)
    assert_close(values(fused), values(unfused), rtol=1e-9)
    composed = -ops.sum(target * ops.log_softmax(LOGITS), axis=-1)
    assert_close(values(fused), values(composed), rtol=1e-12)


@FLOATS
def test_fused_categorical_crossentropy_of_extreme_logits(dtype):
    logits = Tensor(np.array([[1000.0, -1000.0], [1000.0, -1000.0]], dtype), requires_grad=True)
    target = np.array([[0.0, 1.0], [1.0, 0.0]], dtype)
    y = ops.categorical_crossentropy(target, logits, from_logits=True)
    assert y.dtype == dtype
    assert_close(values(y), [2000.0, 0.0])
    ops.sum(y).backward()
    assert_close(logits.grad, [[1.0, -1.0], [0.0, 0.0]])


@pytest.mark.parametrize("from_logits", [False, True])
@TARGETS
def test_categorical_crossentropy_gradient(target, from_logits):
    output = LOGITS if from_logits else GRAD_PROBS
    check_grad(lambda o: ops.categorical_crossentropy(target, o, from_logits=from_logits),
               output)


def test_fused_gradient_is_softmax_minus_one_hot():
    logits = Tensor(LOGITS, requires_grad=True)
    ops.sum(ops.categorical_crossentropy(ONE_HOT, logits, from_logits=True)).backward()
    assert_close(logits.grad, np_softmax(LOGITS, -1) - ONE_HOT, rtol=1e-12, atol=1e-15)


# -- sparse categorical crossentropy ---------------------------------------------------------

LABELS = np.array([2, 0, 1])  # the class ids of ONE_HOT


@pytest.mark.parametrize("module", BOTH, ids=MODULE_IDS)
@pytest.mark.parametrize("labels", [LABELS, LABELS[:, None], LABELS.astype(np.int32).tolist()],
                         ids=["(N,)", "(N, 1)", "list"])
def test_sparse_categorical_crossentropy_values(labels, module):
    y = module.sparse_categorical_crossentropy(labels, PROBS)
    assert y.shape == (3,)
    assert_close(values(y), np_categorical_ce(ONE_HOT, PROBS), rtol=1e-12)
    y = module.sparse_categorical_crossentropy(labels, LOGITS, from_logits=True)
    assert_close(values(y), np_categorical_ce_logits(ONE_HOT, LOGITS), rtol=1e-12)


@pytest.mark.parametrize("from_logits", [False, True])
@pytest.mark.parametrize("labels", [LABELS, LABELS[:, None]], ids=["(N,)", "(N, 1)"])
def test_sparse_categorical_crossentropy_gradient(labels, from_logits):
    output = LOGITS if from_logits else GRAD_PROBS
    check_grad(lambda o: ops.sparse_categorical_crossentropy(labels, o, from_logits=from_logits),
               output)
    # labels may also go through check_grad as an (unchecked) integer input
    check_grad(lambda lab, o: ops.sparse_categorical_crossentropy(lab, o,
                                                                  from_logits=from_logits),
               labels, output)


def test_sparse_fused_gradient_is_softmax_minus_one_hot():
    logits = Tensor(LOGITS, requires_grad=True)
    ops.sum(ops.sparse_categorical_crossentropy(LABELS, logits, from_logits=True)).backward()
    assert_close(logits.grad, np_softmax(LOGITS, -1) - ONE_HOT, rtol=1e-12, atol=1e-15)


@FLOATS
def test_sparse_categorical_crossentropy_extreme_logits_and_dtype(dtype):
    logits = np.array([[1000.0, -1000.0], [1000.0, -1000.0]], dtype)
    y = ops.sparse_categorical_crossentropy(np.array([1, 0]), logits, from_logits=True)
    assert y.dtype == dtype
    assert_close(values(y), [2000.0, 0.0])
    assert ops.sparse_categorical_crossentropy([1, 0], logits.clip(0.1, 1)).dtype == dtype


@pytest.mark.parametrize("labels", [[0, 4, 1], [0, -1, 1]])
def test_sparse_labels_out_of_range_raise(labels):
    with pytest.raises(ValueError, match=r"sparse_categorical_crossentropy.*\[0, 4\)"):
        ops.sparse_categorical_crossentropy(np.array(labels), LOGITS, from_logits=True)


def test_sparse_labels_of_wrong_shape_raise():
    with pytest.raises(ValueError, match=r"sparse_categorical_crossentropy.*\(3,\).*\(2,\)"):
        ops.sparse_categorical_crossentropy(np.array([0, 1]), LOGITS)


def test_sparse_non_integer_labels_raise():
    with pytest.raises(TypeError, match="sparse_categorical_crossentropy"):
        ops.sparse_categorical_crossentropy(np.array([0.5, 1.0, 2.0]), LOGITS)


# -- binary crossentropy -------------------------------------------------------------------

BINARY_TARGET = np.array([[1.0, 0.0, 1.0], [0.0, 0.3, 0.9]])
BINARY_PROBS = np.array([[0.9, 0.2, 0.0], [1.0, 0.4, 0.75]])  # 0 and 1 exercise the clipping
BINARY_GRAD_PROBS = np.array([[0.9, 0.2, 0.05], [0.6, 0.4, 0.75]])
BINARY_LOGITS = np.array([[2.0, -0.5, 0.3], [-1.7, 4.0, 0.9]])


def np_binary_ce(target, probs):
    probs = np.clip(probs, EPS, 1 - EPS)
    return -(target * np.log(probs) + (1 - target) * np.log(1 - probs))


@pytest.mark.parametrize("module", BOTH, ids=MODULE_IDS)
def test_binary_crossentropy_values(module):
    y = module.binary_crossentropy(BINARY_TARGET, BINARY_PROBS)
    assert_close(values(y), np_binary_ce(BINARY_TARGET, BINARY_PROBS), rtol=1e-9)
    y = module.binary_crossentropy(BINARY_TARGET, BINARY_LOGITS, from_logits=True)
    expected = np_binary_ce(BINARY_TARGET, np_sigmoid(BINARY_LOGITS))
    assert_close(values(y), expected, rtol=1e-12)


def test_fused_binary_crossentropy_equals_sigmoid_then_crossentropy():
    fused = ops.binary_crossentropy(BINARY_TARGET, BINARY_LOGITS, from_logits=True)
    unfused = ops.binary_crossentropy(BINARY_TARGET, ops.sigmoid(BINARY_LOGITS))
    assert_close(values(fused), values(unfused), rtol=1e-9)


@FLOATS
def test_fused_binary_crossentropy_of_extreme_logits(dtype):
    logits = Tensor(np.array([1000.0, -1000.0, 1000.0, -1000.0], dtype), requires_grad=True)
    target = np.array([1.0, 0.0, 0.0, 1.0], dtype)
    y = ops.binary_crossentropy(target, logits, from_logits=True)
    assert y.dtype == dtype
    assert_close(values(y), [0.0, 0.0, 1000.0, 1000.0])
    ops.sum(y).backward()
    assert_close(logits.grad, [0.0, 0.0, 1.0, -1.0])


@pytest.mark.parametrize("from_logits", [False, True])
def test_binary_crossentropy_gradient(from_logits):
    output = BINARY_LOGITS if from_logits else BINARY_GRAD_PROBS
    check_grad(lambda o: ops.binary_crossentropy(BINARY_TARGET, o, from_logits=from_logits),
               output)


def test_fused_binary_gradient_is_sigmoid_minus_target():
    logits = Tensor(BINARY_LOGITS, requires_grad=True)
    ops.sum(ops.binary_crossentropy(BINARY_TARGET, logits, from_logits=True)).backward()
    assert_close(logits.grad, np_sigmoid(BINARY_LOGITS) - BINARY_TARGET, rtol=1e-12)


# -- crossentropy dtypes and bad input ---------------------------------------------------------


@FLOATS
@pytest.mark.parametrize("from_logits", [False, True])
def test_crossentropies_keep_dtype(from_logits, dtype):
    output = Tensor((LOGITS if from_logits else GRAD_PROBS).astype(dtype), requires_grad=True)
    binary_output = output if from_logits else output / 4  # probabilities in (0, 1)
    losses = [
        ops.categorical_crossentropy(ONE_HOT, output, from_logits=from_logits),
        ops.sparse_categorical_crossentropy(LABELS, output, from_logits=from_logits),
        ops.binary_crossentropy(SMOOTHED, binary_output, from_logits=from_logits),
    ]
    for loss in losses:
        assert loss.dtype == dtype
        output.zero_grad()
        ops.sum(loss).backward()
        assert output.grad.dtype == dtype


def test_crossentropies_of_integer_logits_keep_soft_targets():
    # integer logits become floatx; the soft target must not be truncated to their dtype
    logits = np.array([[1, 2, 0]])
    target = np.array([[0.2, 0.7, 0.1]])
    y = ops.categorical_crossentropy(target, logits, from_logits=True)
    assert y.dtype == np.float32
    assert_close(values(y), np_categorical_ce_logits(target, logits.astype(float)), rtol=1e-6)
    y = ops.binary_crossentropy(target, logits, from_logits=True)
    assert y.dtype == np.float32
    assert_close(values(y), np_binary_ce(target, np_sigmoid(logits.astype(float))), rtol=1e-6)
    y = ops.sparse_categorical_crossentropy([1], logits, from_logits=True)
    assert_close(values(y), np_categorical_ce_logits([[0, 1, 0]], logits.astype(float)),
                 rtol=1e-6)


@pytest.mark.parametrize("fn", [ops.categorical_crossentropy, ops.binary_crossentropy],
                         ids=["categorical", "binary"])
@pytest.mark.parametrize("from_logits", [False, True])
def test_crossentropy_shape_mismatch_raises(fn, from_logits):
    pattern = rf"{fn.__name__}.*\(3, 4\).*\(3, 5\)"
    with pytest.raises(ValueError, match=pattern):
        fn(np.zeros((3, 4)), np.full((3, 5), 0.5), from_logits=from_logits)


# -- dropout -----------------------------------------------------------------------------------


def test_dropout_keeps_the_expected_fraction_and_scales_the_rest():
    x = Tensor(np.ones((200, 500), dtype=np.float32))
    y = B.dropout(x, 0.3, seed=1).data
    assert y.dtype == np.float32
    kept = y != 0
    assert abs(kept.mean() - 0.7) < 0.01
    np.testing.assert_allclose(y[kept], 1 / 0.7, rtol=1e-6)
    assert abs(y.mean() - 1.0) < 0.02


def test_dropout_gradient_uses_the_same_mask():
    x = np.random.default_rng(0).normal(size=(4, 6))
    check_grad(lambda a: B.dropout(a, 0.5, seed=3) * a, x)


def test_dropout_noise_shape_and_errors():
    x = Tensor(np.ones((3, 4, 5), np.float32))
    y = B.dropout(x, 0.5, noise_shape=(None, 1, 5), seed=0).data
    assert (y == y[:, :1, :]).all()  # one decision per (sample, feature), shared over axis 1
    with pytest.raises(ValueError, match="rate must be in"):
        B.dropout(Tensor(np.ones(3, np.float32)), 1.0)
    with pytest.raises(ValueError, match="noise_shape"):
        B.dropout(Tensor(np.ones((2, 3), np.float32)), 0.5, noise_shape=(2,))
