"""Tests for the elementwise ops of minikeras.backend.ops.math.

Every op is checked three ways: its value against a closed-form numpy expression, its gradient
against central differences (`check_grad`, in float64, on inputs away from kinks), and its dtype
(float32 stays float32 when mixed with Python numbers or integer arrays; float64 stays float64).
Then come broadcasting, the documented tie and boundary rules, bad input, the Tensor operators
and the public `minikeras.ops` names.
"""

import operator

import numpy as np
import pytest

from minikeras import ops
from minikeras.backend.ops import math as km
from minikeras.backend.tensor import Tensor
from minikeras.testing import check_grad

FLOATS = [np.float32, np.float64]


def grid(shape, seed, offset=0.0):
    """float64 values in [0.55, 2.05] on a 0.2 grid: arrays made with offsets 0 and 0.1 never
    tie (|a - b| >= 0.1), so maximum and minimum stay far from their kink."""
    rng = np.random.default_rng(seed)
    return np.asarray(0.55 + offset + 0.2 * rng.integers(0, 8, shape), dtype=np.float64)


def operands(shape_a=(2, 3), shape_b=(2, 3), dtype=np.float64):
    return grid(shape_a, 0).astype(dtype), grid(shape_b, 1, 0.1).astype(dtype)


def assert_tensor(out, expected, dtype):
    """`out` is a Tensor of exactly `dtype`, with `expected`'s shape and values."""
    assert isinstance(out, Tensor), type(out)
    assert out.dtype == np.dtype(dtype), f"dtype {out.dtype}, expected {np.dtype(dtype)}"
    expected = np.asarray(expected)
    assert out.shape == expected.shape
    rtol = 1e-6 if np.dtype(dtype) == np.float32 else 1e-12
    np.testing.assert_allclose(out.numpy(), expected, rtol=rtol, atol=0)


def f64(x):
    return np.asarray(x, dtype=np.float64)


# ---------------------------------------------------------------------------------------------
# Binary arithmetic: add, subtract, multiply, divide, power, maximum, minimum

BINARY = {
    "add": (km.add, lambda a, b: a + b),
    "subtract": (km.subtract, lambda a, b: a - b),
    "multiply": (km.multiply, lambda a, b: a * b),
    "divide": (km.divide, lambda a, b: a / b),
    "power": (km.power, lambda a, b: np.exp(b * np.log(a))),  # bases are positive
    "maximum": (km.maximum, lambda a, b: np.where(a > b, a, b)),
    "minimum": (km.minimum, lambda a, b: np.where(a < b, a, b)),
}

BROADCAST_SHAPES = [((2, 3), (3,)), ((2, 1), (1, 3)), ((), (2, 3)), ((2, 3), ()), ((3,), (2, 1))]


@pytest.mark.parametrize("dtype", FLOATS)
@pytest.mark.parametrize("name", BINARY)
def test_binary_values(name, dtype):
    op, expected = BINARY[name]
    a, b = operands(dtype=dtype)
    assert_tensor(op(Tensor(a), Tensor(b)), expected(f64(a), f64(b)), dtype)


@pytest.mark.parametrize("shape_a, shape_b", BROADCAST_SHAPES)
@pytest.mark.parametrize("name", BINARY)
def test_binary_broadcasting_values(name, shape_a, shape_b):
    op, expected = BINARY[name]
    a, b = operands(shape_a, shape_b, np.float32)
    out = op(Tensor(a), Tensor(b))
    assert out.shape == np.broadcast_shapes(shape_a, shape_b)
    assert_tensor(out, expected(f64(a), f64(b)), np.float32)


@pytest.mark.parametrize("shape_a, shape_b", [((2, 3), (2, 3))] + BROADCAST_SHAPES)
@pytest.mark.parametrize("name", BINARY)
def test_binary_gradients(name, shape_a, shape_b):
    # check_grad also fails when a gradient does not come back in its input's own shape.
    check_grad(BINARY[name][0], *operands(shape_a, shape_b))


@pytest.mark.parametrize("op, shape_a, shape_b, grad_a, grad_b", [
    (km.add, (2, 3), (3,), lambda a, b: np.ones((2, 3)), lambda a, b: np.full(3, 2.0)),
    (km.subtract, (2, 3), (), lambda a, b: np.ones((2, 3)), lambda a, b: np.array(-6.0)),
    (km.multiply, (2, 1), (1, 3), lambda a, b: np.full((2, 1), b.sum()),
     lambda a, b: np.full((1, 3), a.sum())),
    (km.divide, (), (2, 3), lambda a, b: np.sum(1 / b), lambda a, b: -a / b ** 2),
], ids=["add (2,3)+(3,)", "subtract (2,3)-()", "multiply (2,1)*(1,3)", "divide ()/(2,3)"])
def test_broadcast_gradients_are_summed_back_to_each_input_shape(op, shape_a, shape_b, grad_a,
                                                                 grad_b):
    a_value, b_value = operands(shape_a, shape_b)
    a = Tensor(a_value, requires_grad=True)
    b = Tensor(b_value, requires_grad=True)
    out = op(a, b)
    out.backward(np.ones(out.shape))
    assert a.grad.shape == shape_a and b.grad.shape == shape_b
    np.testing.assert_allclose(a.grad, grad_a(a_value, b_value), rtol=1e-12)
    np.testing.assert_allclose(b.grad, grad_b(a_value, b_value), rtol=1e-12)


# Operands that mix a float tensor x with a Python number or an integer array: the result
# must keep x's dtype.
MIXED = {
    "x, 0.3": lambda x: (x, 0.3),
    "0.3, x": lambda x: (0.3, x),
    "x, 3": lambda x: (x, 3),
    "2, x": lambda x: (2, x),
    "x, np.float64(1.3)": lambda x: (x, np.float64(1.3)),
    "x, int64 array": lambda x: (x, np.array([1, 2, 3], dtype=np.int64)),
    "int32 array, x": lambda x: (np.array([3, 1, 2], dtype=np.int32), x),
}


@pytest.mark.parametrize("dtype", FLOATS)
@pytest.mark.parametrize("mix", MIXED)
@pytest.mark.parametrize("name", BINARY)
def test_binary_mixed_with_numbers_and_integer_arrays_keep_the_tensor_dtype(name, mix, dtype):
    op, expected = BINARY[name]
    x = grid((2, 3), 0).astype(dtype)
    args = MIXED[mix](Tensor(x))
    reference = [f64(x) if isinstance(arg, Tensor) else f64(arg) for arg in args]
    # In float64 the numbers must stay exact too (0.3 must not pass through float32).
    assert_tensor(op(*args), expected(*reference), dtype)


@pytest.mark.parametrize("dtype", FLOATS)
@pytest.mark.parametrize("name", BINARY)
def test_binary_gradients_keep_the_input_dtype(name, dtype):
    a_value, b_value = operands((2, 3), (3,), dtype)
    a = Tensor(a_value, requires_grad=True)
    b = Tensor(b_value, requires_grad=True)
    out = BINARY[name][0](a, b)
    out.backward(np.ones(out.shape, dtype=dtype))
    assert a.grad.dtype == dtype and b.grad.dtype == dtype


# ---------------------------------------------------------------------------------------------
# Unary ops

ANY = np.array([[-1.3, 0.4, 2.1], [0.7, -0.6, -1.9]])          # no zeros: abs and sign are smooth
POSITIVE = np.array([[0.3, 1.2, 2.5], [0.8, 1.7, 0.15]])       # for sqrt, log and powers
ABOVE_MINUS_ONE = np.array([[-0.7, -0.2, 0.4], [1.3, 2.2, 0.05]])  # for log1p

UNARY = {
    "negative": (km.negative, lambda x: 0.0 - x, ANY),
    "square": (km.square, lambda x: x * x, ANY),
    "sqrt": (km.sqrt, lambda x: np.exp(0.5 * np.log(x)), POSITIVE),
    "exp": (km.exp, lambda x: np.e ** x, ANY),
    "log": (km.log, np.log, POSITIVE),
    "log1p": (km.log1p, lambda x: np.log(1.0 + x), ABOVE_MINUS_ONE),
    "abs": (km.abs, lambda x: np.where(x < 0, -x, x), ANY),
    "sign": (km.sign, lambda x: np.where(x < 0, -1.0, 1.0), ANY),
}


@pytest.mark.parametrize("dtype", FLOATS)
@pytest.mark.parametrize("name", UNARY)
def test_unary_values(name, dtype):
    op, expected, domain = UNARY[name]
    x = domain.astype(dtype)
    assert_tensor(op(Tensor(x)), expected(f64(x)), dtype)


@pytest.mark.parametrize("name", UNARY)
def test_unary_gradients(name):
    op, _, domain = UNARY[name]
    check_grad(op, domain)  # sign: no gradient, and its derivative is 0 away from 0


@pytest.mark.parametrize("dtype", FLOATS)
@pytest.mark.parametrize("name", [name for name in UNARY if name != "sign"])
def test_unary_gradients_keep_the_input_dtype(name, dtype):
    op, _, domain = UNARY[name]
    x = Tensor(domain.astype(dtype), requires_grad=True)
    out = op(x)
    out.backward(np.ones(out.shape, dtype=dtype))
    assert x.grad.dtype == dtype


def test_abs_gradient_is_zero_at_zero():
    x = Tensor(np.array([-2.0, 0.0, 3.0], dtype=np.float32), requires_grad=True)
    km.abs(x).backward(np.ones(3, dtype=np.float32))
    np.testing.assert_array_equal(x.grad, [-1.0, 0.0, 1.0])


def test_sign_has_no_gradient():
    x = Tensor(np.array([-2.0, 0.0, 3.0], dtype=np.float32), requires_grad=True)
    out = km.sign(x)
    assert_tensor(out, [-1.0, 0.0, 1.0], np.float32)
    out.backward(np.ones(3, dtype=np.float32))
    assert x.grad is None


# ---------------------------------------------------------------------------------------------
# power with a number as exponent, and with a tensor exponent

EXPONENTS = [2, 3, -1, 0, 1.0, 0.5, -1.5, 2.5, np.float32(1.5), np.int64(2)]


@pytest.mark.parametrize("dtype", FLOATS)
@pytest.mark.parametrize("exponent", EXPONENTS, ids=repr)
def test_power_scalar_values(exponent, dtype):
    x = POSITIVE.astype(dtype)
    expected = np.exp(float(exponent) * np.log(f64(x)))
    assert_tensor(km.power(Tensor(x), exponent), expected, dtype)
    assert_tensor(Tensor(x) ** exponent, expected, dtype)


@pytest.mark.parametrize("exponent", EXPONENTS, ids=repr)
def test_power_scalar_gradients(exponent):
    check_grad(lambda x: km.power(x, exponent), POSITIVE)


@pytest.mark.parametrize("exponent", [2, 3, -1, 2.0])
def test_power_integer_exponent_of_negative_bases(exponent):
    assert_tensor(km.power(Tensor(ANY), exponent), f64(ANY) ** int(exponent), np.float64)
    check_grad(lambda x: km.power(x, exponent), ANY)


def test_power_scalar_gradient_keeps_float32():
    x = Tensor(POSITIVE.astype(np.float32), requires_grad=True)
    out = km.power(x, 1.5)
    out.backward(np.ones(out.shape, dtype=np.float32))
    assert x.grad.dtype == np.float32
    np.testing.assert_allclose(x.grad, 1.5 * np.sqrt(POSITIVE), rtol=1e-6)


def test_power_tensor_exponent_gradient_is_zero_where_the_base_is_not_positive():
    # d(x^y)/dy = x^y log x exists only for x > 0; the docstring says it is taken as 0 elsewhere.
    x = Tensor(np.array([-2.0, 0.0, 3.0]), requires_grad=True)
    y = Tensor(np.array([2.0, 2.0, 2.0]), requires_grad=True)
    out = km.power(x, y)
    out.backward(np.ones(3))
    assert_tensor(out, [4.0, 0.0, 9.0], np.float64)
    np.testing.assert_allclose(x.grad, [-4.0, 0.0, 6.0], rtol=1e-12)
    np.testing.assert_allclose(y.grad, [0.0, 0.0, 9.0 * np.log(3.0)], rtol=1e-12)


def test_number_to_a_tensor_power():
    x = POSITIVE.astype(np.float32)
    assert_tensor(2.0 ** Tensor(x), np.exp(f64(x) * np.log(2.0)), np.float32)
    assert_tensor(km.power(3, Tensor(x)), np.exp(f64(x) * np.log(3.0)), np.float32)
    check_grad(lambda t: 2.0 ** t, POSITIVE)


# ---------------------------------------------------------------------------------------------
# Integer inputs


@pytest.mark.parametrize("expression, expected, dtype", [
    (lambda x: km.add(x, 2), [3, 6, 11], np.int64),
    (lambda x: x * 3, [3, 12, 27], np.int64),
    (lambda x: km.power(x, 2), [1, 16, 81], np.int64),
    (lambda x: km.clip(x, 2, 5), [2, 4, 5], np.int64),
    (lambda x: km.multiply(x, 2.5), [2.5, 10.0, 22.5], np.float32),
    (lambda x: km.divide(x, 2), [0.5, 2.0, 4.5], np.float32),
    (lambda x: x / x, [1.0, 1.0, 1.0], np.float32),
    (lambda x: km.power(x, 0.5), [1.0, 2.0, 3.0], np.float32),
    (lambda x: x ** -0.5, [1.0, 0.5, 1 / 3], np.float32),
    (lambda x: km.clip(x, 1.5, 5.5), [1.5, 4.0, 5.5], np.float32),
    (lambda x: km.sqrt(x), [1.0, 2.0, 3.0], np.float32),
    (lambda x: km.exp(x), np.exp([1.0, 4.0, 9.0]), np.float32),
    (lambda x: km.log(x), np.log([1.0, 4.0, 9.0]), np.float32),
    (lambda x: km.log1p(x), np.log([2.0, 5.0, 10.0]), np.float32),
], ids=["add 2", "* 3", "power 2", "clip 2 5", "multiply 2.5", "divide 2", "x / x",
        "power 0.5", "** -0.5", "clip 1.5 5.5", "sqrt", "exp", "log", "log1p"])
def test_integer_tensors_stay_integer_or_become_floatx_never_float64(expression, expected,
                                                                     dtype):
    # A fractional number never truncates an integer tensor, and float results are floatx.
    assert_tensor(expression(Tensor(np.array([1, 4, 9]))), expected, dtype)


# ---------------------------------------------------------------------------------------------
# maximum and minimum: the tie rule


@pytest.mark.parametrize("op, grad_a, grad_b", [
    (km.maximum, [2.0, 0.0], [0.0, 4.0]),
    (km.minimum, [0.0, 4.0], [2.0, 0.0]),
])
@pytest.mark.parametrize("a_first", [True, False], ids=["op(a, b)", "op(b, a)"])
def test_maximum_minimum_ties_send_the_gradient_to_the_first_input(op, grad_a, grad_b, a_first):
    a = Tensor(np.array([1.0, 2.0, 3.0]), requires_grad=True)   # a tie with b at index 0 only
    b = Tensor(np.array([1.0, 0.5, 3.5]), requires_grad=True)
    out = op(a, b) if a_first else op(b, a)
    out.backward(np.array([1.0, 2.0, 4.0]))
    np.testing.assert_array_equal(a.grad, [1.0 if a_first else 0.0] + grad_a)
    np.testing.assert_array_equal(b.grad, [0.0 if a_first else 1.0] + grad_b)


# ---------------------------------------------------------------------------------------------
# clip

CLIP_X = np.array([[-1.3, -0.2, 0.4], [0.9, 1.6, -0.7]])  # no value at or near a bound
CLIP_BOUNDS = [(-0.5, 1.0), (None, 1.0), (-0.5, None), (0, 1), (-0.25, -0.25)]


@pytest.mark.parametrize("dtype", FLOATS)
@pytest.mark.parametrize("low, high", CLIP_BOUNDS)
def test_clip_values(low, high, dtype):
    x = CLIP_X.astype(dtype)
    lo = -np.inf if low is None else np.asarray(low, dtype=dtype)
    hi = np.inf if high is None else np.asarray(high, dtype=dtype)
    expected = np.where(f64(x) < lo, lo, np.where(f64(x) > hi, hi, f64(x)))
    assert_tensor(km.clip(Tensor(x), low, high), expected, dtype)


@pytest.mark.parametrize("low, high", CLIP_BOUNDS)
def test_clip_gradients(low, high):
    check_grad(lambda x: km.clip(x, low, high), CLIP_X)


@pytest.mark.parametrize("dtype", FLOATS)
def test_clip_gradient_is_zero_outside_and_passes_inside_ends_included(dtype):
    x = Tensor(np.array([-0.9, -0.5, 0.2, 1.0, 1.4], dtype=dtype), requires_grad=True)
    km.clip(x, -0.5, 1.0).backward(np.full(5, 3.0, dtype=dtype))
    assert x.grad.dtype == dtype
    np.testing.assert_array_equal(x.grad, [0.0, 3.0, 3.0, 3.0, 0.0])


def test_clip_rejects_x_min_above_x_max():
    with pytest.raises(ValueError, match=r"^clip: x_min \(1\.0\) must not exceed x_max \(0\.5\)"):
        km.clip(Tensor(CLIP_X), 1.0, 0.5)


# ---------------------------------------------------------------------------------------------
# where

CONDITION = np.array([[True, False, True], [False, False, True]])


@pytest.mark.parametrize("dtype", FLOATS)
@pytest.mark.parametrize("shape_a, shape_b", [((2, 3), (2, 3)), ((3,), ()), ((), (2, 1))])
def test_where_values(shape_a, shape_b, dtype):
    a, b = operands(shape_a, shape_b, dtype)
    expected = CONDITION * f64(a) + (1 - CONDITION) * f64(b)
    assert_tensor(km.where(CONDITION, Tensor(a), Tensor(b)), expected, dtype)


@pytest.mark.parametrize("shape_a, shape_b", [((2, 3), (2, 3)), ((3,), ()), ((), (2, 1))])
def test_where_gradients(shape_a, shape_b):
    # The boolean condition is passed through check_grad unchecked; a and b are checked.
    check_grad(km.where, CONDITION, *operands(shape_a, shape_b))


def test_where_condition_gets_no_gradient_and_counts_nonzero_as_true():
    condition = Tensor(np.array([2.0, 0.0, -1.0]), requires_grad=True)
    a = Tensor(np.array([1.0, 2.0, 3.0]), requires_grad=True)
    out = km.where(condition, a, 10.0)
    assert_tensor(out, [1.0, 10.0, 3.0], np.float64)
    out.backward(np.array([5.0, 6.0, 7.0]))
    assert condition.grad is None
    np.testing.assert_array_equal(a.grad, [5.0, 0.0, 7.0])


@pytest.mark.parametrize("dtype", FLOATS)
def test_where_with_numbers_and_integer_arrays_keeps_the_tensor_dtype(dtype):
    x = Tensor(np.array([0.5, 1.5, 2.5], dtype=dtype))
    condition = np.array([True, False, True])
    assert_tensor(km.where(condition, x, 0.3), [0.5, 0.3, 2.5], dtype)
    assert_tensor(km.where(condition, 0.3, x), [0.3, 1.5, 0.3], dtype)
    assert_tensor(km.where(condition, np.array([7, 8, 9]), x), [7.0, 1.5, 9.0], dtype)


# ---------------------------------------------------------------------------------------------
# cast and stop_gradient


@pytest.mark.parametrize("source, dtype, expected", [
    (np.array([-1.7, 0.4, 2.9], dtype=np.float32), "float64", [-1.7, 0.4, 2.9]),
    (np.array([-1.7, 0.4, 2.9], dtype=np.float64), np.float32, [-1.7, 0.4, 2.9]),
    (np.array([-1.7, 0.4, 2.9], dtype=np.float32), "int32", [-1, 0, 2]),
    (np.array([3, 0, -2], dtype=np.int64), "float32", [3.0, 0.0, -2.0]),
    (np.array([3, 0, -2], dtype=np.int64), "bool", [True, False, True]),
    (np.array([0.5, 1.5], dtype=np.float32), "float32", [0.5, 1.5]),
])
def test_cast_values_and_dtype(source, dtype, expected):
    out = km.cast(Tensor(source), dtype)
    assert out.dtype == np.dtype(dtype)
    np.testing.assert_allclose(out.numpy(), np.asarray(expected, dtype=np.dtype(dtype)))


def test_cast_gradient_between_float_types():
    # Linear, so the central difference is exact; eps and rtol only absorb float32 rounding.
    check_grad(lambda x: km.cast(km.cast(x, "float32"), "float64") * 3.0, POSITIVE,
               eps=1e-3, rtol=1e-3)
    x = Tensor(POSITIVE, requires_grad=True)
    y = km.cast(x, "float32")
    (y * y).backward(np.ones(y.shape, dtype=np.float32))
    assert x.grad.dtype == np.float64
    np.testing.assert_allclose(x.grad, 2 * POSITIVE, rtol=1e-6)


def test_no_gradient_flows_back_through_a_cast_to_an_integer_type():
    for to_int_and_back in (lambda x: km.cast(x, "int64") * 3,
                            lambda x: km.cast(km.cast(x, "int32") * 2, "float32")):
        x = Tensor(np.array([1.5, 2.5, -0.5], dtype=np.float32), requires_grad=True)
        y = to_int_and_back(x)
        assert not y.requires_grad and y.creator is None  # the tape ends at the integer cast
        with pytest.raises(ValueError, match="does not require a gradient"):
            y.backward(np.ones(3, dtype=y.dtype))
        assert x.grad is None


@pytest.mark.parametrize("dtype", FLOATS)
def test_stop_gradient(dtype):
    value = POSITIVE.astype(dtype)
    x = Tensor(value, requires_grad=True)
    held = km.stop_gradient(x)
    assert_tensor(held, value, dtype)
    out = x * held          # d/dx (x * const) = const, not 2x
    out.backward(np.ones(out.shape, dtype=dtype))
    assert x.grad.dtype == dtype
    np.testing.assert_array_equal(x.grad, value)


# ---------------------------------------------------------------------------------------------
# Comparisons and logic

COMPARISONS = {
    "equal": (km.equal, operator.eq),
    "not_equal": (km.not_equal, operator.ne),
    "greater": (km.greater, operator.gt),
    "greater_equal": (km.greater_equal, operator.ge),
    "less": (km.less, operator.lt),
    "less_equal": (km.less_equal, operator.le),
}
LEFT = np.array([[1.0, 2.0, 3.0], [2.0, -1.0, 2.5]])
RIGHT = np.array([2.0, 2.0, 2.5])   # broadcast over rows; ties in every column


@pytest.mark.parametrize("dtype", FLOATS + [np.int64])
@pytest.mark.parametrize("name", COMPARISONS)
def test_comparisons(name, dtype):
    op, python_operator = COMPARISONS[name]
    a, b = LEFT.astype(dtype), RIGHT.astype(dtype)
    expected = python_operator(a, b)
    for out in (op(Tensor(a), Tensor(b)), op(a, Tensor(b)), python_operator(Tensor(a), b),
                python_operator(Tensor(a), Tensor(b))):
        assert isinstance(out, Tensor) and out.dtype == np.bool_
        np.testing.assert_array_equal(out.numpy(), expected)


@pytest.mark.parametrize("name", COMPARISONS)
def test_comparisons_with_python_numbers_on_either_side(name):
    op, python_operator = COMPARISONS[name]
    x = Tensor(LEFT.astype(np.float32), requires_grad=True)
    out = python_operator(2.0, x)     # Python hands this to x's reflected operator
    np.testing.assert_array_equal(out.numpy(), python_operator(2.0, LEFT))
    np.testing.assert_array_equal(op(x, 2).numpy(), python_operator(LEFT, 2))
    assert out.dtype == np.bool_ and not out.requires_grad


@pytest.mark.parametrize("dtype", FLOATS)
def test_comparing_with_a_python_float_uses_the_tensor_precision(dtype):
    # 0.1 is not exact in binary: it must be rounded to the tensor's own precision.
    x = Tensor(np.array([0.1, 0.2], dtype=dtype))
    np.testing.assert_array_equal((x == 0.1).numpy(), [True, False])
    np.testing.assert_array_equal(km.less(x, 0.1).numpy(), [False, False])
    np.testing.assert_array_equal(km.greater_equal(0.2, x).numpy(), [True, True])


def test_comparisons_of_integers_are_exact():
    big = Tensor(np.array([2 ** 24 + 1, 3]))   # 2**24 + 1 is not a float32
    np.testing.assert_array_equal((big == 2 ** 24 + 1).numpy(), [True, False])
    np.testing.assert_array_equal(km.greater(big, 2.5).numpy(), [True, True])
    np.testing.assert_array_equal((Tensor(np.array([True, False])) == 2).numpy(), [False, False])
    small = Tensor(np.array([-1, 100], dtype=np.int8))
    np.testing.assert_array_equal(km.less(small, 300).numpy(), [True, True])


LOGICAL = {
    "logical_and": (km.logical_and, lambda p, q: p & q),
    "logical_or": (km.logical_or, lambda p, q: p | q),
    "logical_xor": (km.logical_xor, lambda p, q: p ^ q),
}


@pytest.mark.parametrize("name", LOGICAL)
def test_logical_ops(name):
    op, expected = LOGICAL[name]
    p = np.array([True, True, False, False])
    q = np.array([True, False, True, False])
    numbers = np.array([2.5, -1.0, 0.0, 0.0], dtype=np.float32)  # nonzero counts as true
    for args in ((p, q), (Tensor(p), Tensor(q)), (Tensor(numbers), q)):
        out = op(*args)
        assert out.dtype == np.bool_
        np.testing.assert_array_equal(out.numpy(), expected(p, q))
    np.testing.assert_array_equal(op(Tensor(p), True).numpy(), expected(p, True))


def test_logical_not():
    for value in (np.array([True, False]), Tensor(np.array([3.0, 0.0], dtype=np.float32))):
        out = km.logical_not(value)
        assert out.dtype == np.bool_
        np.testing.assert_array_equal(out.numpy(), [False, True])


# ---------------------------------------------------------------------------------------------
# Bad input

SHAPE_CHECKED = {name: op for name, (op, _) in BINARY.items()}
SHAPE_CHECKED.update({name: op for name, (op, _) in COMPARISONS.items()})
SHAPE_CHECKED.update({name: op for name, (op, _) in LOGICAL.items()})
SHAPE_CHECKED["where"] = lambda a, b: km.where(True, a, b)


@pytest.mark.parametrize("name", SHAPE_CHECKED)
def test_incompatible_shapes_name_the_op_and_both_shapes(name):
    a = Tensor(np.ones((2, 3), dtype=np.float32))
    b = Tensor(np.ones(4, dtype=np.float32))
    with pytest.raises(ValueError, match=rf"^{name}: .*\(2, 3\).*\(4,\)"):
        SHAPE_CHECKED[name](a, b)


BAD_VALUES = {
    "str": ("abc", r"received str 'abc'"),
    "list of str": (["a", "b"], r"received list \['a', 'b'\]"),
    "object": (object(), r"received object <object object"),
    "None": (None, r"received NoneType None"),
}
X = Tensor(np.array([0.5, 1.5, 2.5], dtype=np.float32))


def _bad_calls():
    """Calls that each pass one bad value to an op, by name."""
    calls = {}
    for name, (op, _) in BINARY.items():
        calls[f"{name}(x, bad)"] = lambda bad, op=op: op(X, bad)
        calls[f"{name}(bad, x)"] = lambda bad, op=op: op(bad, X)
    for name, (op, _, _) in UNARY.items():
        calls[name] = op
    for name, (op, _) in {**COMPARISONS, **LOGICAL}.items():
        calls[f"{name}(x, bad)"] = lambda bad, op=op: op(X, bad)
        calls[f"{name}(bad, x)"] = lambda bad, op=op: op(bad, X)
    calls.update({
        "power(bad, 2)": lambda bad: km.power(bad, 2),
        "clip": lambda bad: km.clip(bad, 0.0, 1.0),
        "where(bad, x, x)": lambda bad: km.where(bad, X, X),
        "where(c, x, bad)": lambda bad: km.where(True, X, bad),
        "cast": lambda bad: km.cast(bad, "float32"),
        "stop_gradient": km.stop_gradient,
        "logical_not": km.logical_not,
    })
    return calls


BAD_CALLS = _bad_calls()


@pytest.mark.parametrize("kind", BAD_VALUES)
@pytest.mark.parametrize("call", BAD_CALLS)
def test_non_numeric_input_raises_type_error_saying_what_was_received(call, kind):
    value, message = BAD_VALUES[kind]
    with pytest.raises(TypeError, match=message):
        BAD_CALLS[call](value)


@pytest.mark.parametrize("name", list(COMPARISONS) + list(LOGICAL) + ["logical_not"])
def test_comparison_type_errors_name_the_op(name):
    op = getattr(km, name)
    args = ("abc",) if name == "logical_not" else (X, "abc")
    with pytest.raises(TypeError, match=rf"^{name} expected a number.*received str 'abc'"):
        op(*args)


@pytest.mark.parametrize("bad", [np.array(["1.5", "2", "3"]), np.array(["a", "b", "c"])],
                         ids=["numeric strings", "letters"])
def test_numpy_string_array_mixed_with_a_tensor_raises_type_error(bad):
    with pytest.raises(TypeError, match="received"):
        km.add(X, bad)


# ---------------------------------------------------------------------------------------------
# Tensor operators and the public ops module

OPERATOR_EXPRESSIONS = {
    "a + b": lambda a, b: a + b,
    "a - b": lambda a, b: a - b,
    "a * b": lambda a, b: a * b,
    "a / b": lambda a, b: a / b,
    "a ** b": lambda a, b: a ** b,
    "-a": lambda a, b: -a,
    "abs(-a)": lambda a, b: abs(-a),
    "a * 2.5": lambda a, b: a * 2.5,
    "2 - a": lambda a, b: 2 - a,
    "a ** 2": lambda a, b: a ** 2,
    "1.5 + b": lambda a, b: 1.5 + b,
    "3 / a - b / 4": lambda a, b: 3 / a - b / 4,
    "(a - b) ** 2 * a": lambda a, b: (a - b) ** 2 * a,
}


@pytest.mark.parametrize("expression", OPERATOR_EXPRESSIONS)
def test_tensor_operators(expression):
    # The same expression runs on tensors and, as the reference, on float64 numpy arrays.
    fn = OPERATOR_EXPRESSIONS[expression]
    a, b = operands((2, 3), (3,), np.float32)
    assert_tensor(fn(Tensor(a), Tensor(b)), fn(f64(a), f64(b)), np.float32)
    check_grad(fn, *operands((2, 3), (3,)))


PUBLIC_NAMES = {
    "add": km.add, "subtract": km.subtract, "multiply": km.multiply, "divide": km.divide,
    "true_divide": km.divide, "negative": km.negative, "power": km.power, "square": km.square,
    "sqrt": km.sqrt, "exp": km.exp, "log": km.log, "log1p": km.log1p, "abs": km.abs,
    "absolute": km.abs, "sign": km.sign, "maximum": km.maximum, "minimum": km.minimum,
    "clip": km.clip, "where": km.where, "cast": km.cast, "stop_gradient": km.stop_gradient,
    "equal": km.equal, "not_equal": km.not_equal, "greater": km.greater,
    "greater_equal": km.greater_equal, "less": km.less, "less_equal": km.less_equal,
    "logical_and": km.logical_and, "logical_or": km.logical_or,
    "logical_xor": km.logical_xor, "logical_not": km.logical_not,
}


@pytest.mark.parametrize("name", PUBLIC_NAMES)
def test_public_ops_names_reach_the_math_ops(name):
    assert getattr(ops, name) is PUBLIC_NAMES[name]


def test_public_ops_work_on_numpy_arrays_and_numbers():
    x = POSITIVE.astype(np.float32)
    assert_tensor(ops.multiply(x, 2.5), f64(x) * 2.5, np.float32)
    assert_tensor(ops.true_divide(1, ops.convert_to_tensor(x)), 1 / f64(x), np.float32)
    assert_tensor(ops.clip(x, 0.5, None), np.where(f64(x) < 0.5, np.float32(0.5), f64(x)),
                  np.float32)
    check_grad(lambda t: ops.sqrt(ops.square(t) + 1.0), ANY)
