"""Tests for the reductions of minikeras.backend.ops.reduction.

sum, mean, max, min, logsumexp, var and std are checked over every kind of axis (None, an int, a
negative int, a tuple, a list) with keepdims on and off: values against closed-form numpy
expressions, gradients against central differences (`check_grad`), and dtypes. Then the tie
rule of max and min, the stability of logsumexp, population variance, argmax and argmin, bad
axes and bad input, the Tensor methods and the public `minikeras.ops` names.
"""

import numpy as np
import pytest

from minikeras import ops
from minikeras.backend.ops import reduction as kr
from minikeras.backend.tensor import Tensor
from minikeras.testing import check_grad

FLOATS = [np.float32, np.float64]

# 24 distinct values 0.13 apart, shuffled: max and min have a single winner far from any tie,
# var and std are far from 0 (where std has no gradient), and positive values keep sums away
# from cancellation, so float32 results can be held to a relative tolerance.
X = np.random.default_rng(0).permutation(np.linspace(0.2, 3.2, 24)).reshape(2, 3, 4)

AXES = [None, 0, 2, -1, -3, (0, 2), (-1, 1), (0, 1, 2), [2, 0]]


def numpy_axis(axis):
    return tuple(axis) if isinstance(axis, list) else axis


def count(x, axis):
    """How many elements each output of a reduction over `axis` summarises."""
    return x.size // np.sum(x, axis=numpy_axis(axis), keepdims=True).size


def _mean(x, axis, keepdims):
    return np.sum(x, axis=axis, keepdims=keepdims) / count(x, axis)


def _var(x, axis, keepdims):
    centered = x - np.sum(x, axis=axis, keepdims=True) / count(x, axis)
    return np.sum(centered * centered, axis=axis, keepdims=keepdims) / count(x, axis)


REDUCTIONS = {
    "sum": (kr.sum, lambda x, axis, keepdims: np.sum(x, axis=axis, keepdims=keepdims)),
    "mean": (kr.mean, _mean),
    "max": (kr.max, lambda x, axis, keepdims: -np.min(-x, axis=axis, keepdims=keepdims)),
    "min": (kr.min, lambda x, axis, keepdims: -np.max(-x, axis=axis, keepdims=keepdims)),
    "logsumexp": (kr.logsumexp,
                  lambda x, axis, keepdims: np.log(np.sum(np.exp(x), axis=axis,
                                                          keepdims=keepdims))),
    "var": (kr.var, _var),
    "std": (kr.std, lambda x, axis, keepdims: np.sqrt(_var(x, axis, keepdims))),
}


def assert_tensor(out, expected, dtype):
    """`out` is a Tensor of exactly `dtype`, with `expected`'s shape and values."""
    assert isinstance(out, Tensor), type(out)
    assert out.dtype == np.dtype(dtype), f"dtype {out.dtype}, expected {np.dtype(dtype)}"
    expected = np.asarray(expected)
    assert out.shape == expected.shape
    rtol = 1e-6 if np.dtype(dtype) == np.float32 else 1e-12
    np.testing.assert_allclose(out.numpy(), expected, rtol=rtol, atol=0)


# ---------------------------------------------------------------------------------------------
# Values, gradients and dtypes over every kind of axis


@pytest.mark.parametrize("dtype", FLOATS)
@pytest.mark.parametrize("keepdims", [False, True])
@pytest.mark.parametrize("axis", AXES, ids=repr)
@pytest.mark.parametrize("name", REDUCTIONS)
def test_reduction_values(name, axis, keepdims, dtype):
    op, expected = REDUCTIONS[name]
    x = X.astype(dtype)
    reference = expected(x.astype(np.float64), numpy_axis(axis), keepdims)
    assert_tensor(op(Tensor(x), axis=axis, keepdims=keepdims), reference, dtype)


@pytest.mark.parametrize("keepdims", [False, True])
@pytest.mark.parametrize("axis", AXES, ids=repr)
@pytest.mark.parametrize("name", REDUCTIONS)
def test_reduction_gradients(name, axis, keepdims):
    op = REDUCTIONS[name][0]
    check_grad(lambda x: op(x, axis=axis, keepdims=keepdims), X)


@pytest.mark.parametrize("dtype", FLOATS)
@pytest.mark.parametrize("axis", [None, 1, (0, 2)], ids=repr)
@pytest.mark.parametrize("name", REDUCTIONS)
def test_reduction_gradients_keep_the_input_dtype(name, axis, dtype):
    x = Tensor(X.astype(dtype), requires_grad=True)
    out = REDUCTIONS[name][0](x, axis=axis)
    out.backward(np.ones(out.shape, dtype=dtype))
    assert x.grad.dtype == dtype and x.grad.shape == X.shape


@pytest.mark.parametrize("name", REDUCTIONS)
def test_reductions_of_a_scalar_tensor(name):
    op, expected = REDUCTIONS[name]
    out = op(Tensor(np.float32(1.5)))
    assert_tensor(out, expected(np.float64(1.5), None, False), np.float32)


@pytest.mark.parametrize("name", REDUCTIONS)
def test_reductions_of_numpy_arrays_and_lists(name):
    op, expected = REDUCTIONS[name]
    values = [[0.5, -1.0, 2.0], [1.5, 0.25, -0.75]]
    # A list of Python floats becomes floatx; a numpy array keeps its dtype.
    assert_tensor(op(values, axis=1), expected(np.array(values), 1, False), np.float32)
    assert_tensor(op(np.array(values), axis=0), expected(np.array(values), 0, False),
                  np.float64)


@pytest.mark.parametrize("name, expected, dtype", [
    ("sum", [6, 15], np.int64),
    ("max", [3, 6], np.int64),
    ("min", [1, 4], np.int64),
    ("mean", [2.0, 5.0], np.float32),
    ("var", [2 / 3, 2 / 3], np.float32),
    ("std", [np.sqrt(2 / 3)] * 2, np.float32),
    ("logsumexp", np.log(np.exp([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]).sum(axis=1)), np.float32),
])
def test_integer_inputs_stay_integer_or_become_floatx_never_float64(name, expected, dtype):
    out = REDUCTIONS[name][0](Tensor(np.array([[1, 2, 3], [4, 5, 6]])), axis=1)
    assert_tensor(out, expected, dtype)


def test_mean_of_booleans_is_a_floatx_fraction():
    # The usual accuracy: the mean of a comparison.
    hits = Tensor(np.array([[True, False, True, True], [False, False, True, False]]))
    assert_tensor(kr.mean(hits), 0.5, np.float32)
    assert_tensor(kr.mean(hits, axis=1), [0.75, 0.25], np.float32)


# ---------------------------------------------------------------------------------------------
# max and min: ties share the gradient equally


@pytest.mark.parametrize("op, x, axis, keepdims, expected", [
    (kr.max, [3.0, 1.0, 3.0], None, False, [0.5, 0.0, 0.5]),
    (kr.min, [1.0, 3.0, 1.0, 1.0], None, False, [1 / 3, 0.0, 1 / 3, 1 / 3]),
    (kr.max, [[1.0, 3.0, 3.0], [2.0, 2.0, 2.0]], 1, False,
     [[0.0, 0.5, 0.5], [1 / 3, 1 / 3, 1 / 3]]),
    (kr.min, [[1.0, 3.0, 3.0], [1.0, 2.0, 0.5]], 0, True, [[0.5, 0.0, 0.0], [0.5, 1.0, 1.0]]),
    (kr.max, [[2.0, 1.0], [2.0, 2.0]], (0, 1), False, [[1 / 3, 0.0], [1 / 3, 1 / 3]]),
])
@pytest.mark.parametrize("dtype", FLOATS)
def test_max_min_ties_share_the_gradient_equally(op, x, axis, keepdims, expected, dtype):
    x = Tensor(np.array(x, dtype=dtype), requires_grad=True)
    out = op(x, axis=axis, keepdims=keepdims)
    out.backward(np.ones(out.shape, dtype=dtype))
    assert x.grad.dtype == dtype
    np.testing.assert_allclose(x.grad, expected, rtol=1e-6)


def test_max_tie_shares_scale_with_the_incoming_gradient():
    x = Tensor(np.array([[5.0, 5.0, 1.0], [0.0, 7.0, 7.0]]), requires_grad=True)
    kr.max(x, axis=-1).backward(np.array([4.0, -2.0]))
    np.testing.assert_allclose(x.grad, [[2.0, 2.0, 0.0], [0.0, -1.0, -1.0]], rtol=1e-12)


# ---------------------------------------------------------------------------------------------
# logsumexp: no overflow, no underflow


@pytest.mark.parametrize("dtype", FLOATS)
@pytest.mark.parametrize("values, expected", [
    ([1000.0, 1000.0], 1000.0 + np.log(2.0)),
    ([-1000.0, -1000.0], -1000.0 + np.log(2.0)),
    ([1000.0, 0.0, -1000.0], 1000.0),
    ([88.0, 89.0, 90.0], 90.0 + np.log(1.0 + np.exp(-1.0) + np.exp(-2.0))),
])
def test_logsumexp_is_stable(values, expected, dtype):
    x = Tensor(np.array(values, dtype=dtype), requires_grad=True)
    out = kr.logsumexp(x)
    assert np.isfinite(out.item())
    assert_tensor(out, expected, dtype)
    out.backward()
    # The gradient is softmax(x), finite. In float32 the output near 1000 is only good to half
    # a unit in the last place (3e-5), and that error passes into exp(x - output).
    softmax = np.exp(np.array(values) - expected)
    rtol = 1e-4 if dtype == np.float32 else 1e-12
    np.testing.assert_allclose(x.grad, softmax, rtol=rtol, atol=1e-30)


def test_logsumexp_of_large_rows_along_an_axis():
    x = np.array([[1000.0, 1000.0, 999.0], [-1000.0, -1000.0, -1000.0]], dtype=np.float32)
    expected = [1000.0 + np.log(2.0 + np.exp(-1.0)), -1000.0 + np.log(3.0)]
    assert_tensor(kr.logsumexp(Tensor(x), axis=1), expected, np.float32)
    assert_tensor(kr.logsumexp(Tensor(x), axis=-1, keepdims=True), np.reshape(expected, (2, 1)),
                  np.float32)


def test_logsumexp_with_infinite_entries():
    # A fully masked row (all -inf) gives -inf, without a warning (warnings are errors here).
    x = np.array([[-np.inf, -np.inf], [-np.inf, 0.0], [np.inf, 1.0]], dtype=np.float32)
    out = kr.logsumexp(Tensor(x), axis=1)
    np.testing.assert_array_equal(out.numpy(), [-np.inf, 0.0, np.inf])
    assert out.dtype == np.float32


# ---------------------------------------------------------------------------------------------
# var and std: the population statistics


@pytest.mark.parametrize("dtype", FLOATS)
def test_var_and_std_divide_by_n_not_n_minus_one(dtype):
    x = Tensor(np.array([1.0, 2.0, 3.0, 4.0], dtype=dtype))
    assert_tensor(kr.var(x), 1.25, dtype)          # the sample variance would be 5/3
    assert_tensor(kr.std(x), np.sqrt(1.25), dtype)
    y = Tensor(np.array([[1.0, 3.0], [2.0, 8.0]], dtype=dtype))
    assert_tensor(kr.var(y, axis=0), [0.25, 6.25], dtype)
    assert_tensor(kr.std(y, axis=-1, keepdims=True), [[1.0], [3.0]], dtype)


def test_var_gradient_closed_form():
    values = np.array([1.0, 2.0, 4.0, 9.0])
    x = Tensor(values, requires_grad=True)
    kr.var(x).backward()
    np.testing.assert_allclose(x.grad, 2 * (values - values.mean()) / 4, rtol=1e-12)


# ---------------------------------------------------------------------------------------------
# argmax and argmin

ARG = {"argmax": (kr.argmax, np.argmax), "argmin": (kr.argmin, np.argmin)}
ARG_AXES = [None, 0, 1, -1, -2, (1,), [-2]]


@pytest.mark.parametrize("keepdims", [False, True])
@pytest.mark.parametrize("axis", ARG_AXES, ids=repr)
@pytest.mark.parametrize("name", ARG)
def test_argmax_argmin(name, axis, keepdims):
    op, reference = ARG[name]
    x = X.reshape(4, 6).astype(np.float32)
    np_axis = axis[0] if isinstance(axis, (tuple, list)) else axis
    out = op(Tensor(x, requires_grad=True), axis=axis, keepdims=keepdims)
    expected = reference(x, axis=np_axis, keepdims=keepdims)
    assert out.dtype.kind == "i" and not out.requires_grad
    assert out.shape == expected.shape
    np.testing.assert_array_equal(out.numpy(), expected)


@pytest.mark.parametrize("op, expected_none, expected_rows", [
    (kr.argmax, 1, [1, 0]),
    (kr.argmin, 0, [0, 1]),
])
def test_argmax_argmin_ties_pick_the_first_index(op, expected_none, expected_rows):
    x = np.array([[1.0, 3.0, 3.0], [2.0, 1.0, 1.0]], dtype=np.float32)
    assert op(x).item() == expected_none
    np.testing.assert_array_equal(op(x, axis=1).numpy(), expected_rows)


@pytest.mark.parametrize("name", ARG)
def test_argmax_argmin_take_a_single_axis(name):
    with pytest.raises(ValueError, match=rf"^{name}: axis must be a single int or None"):
        ARG[name][0](X, axis=(0, 1))


# ---------------------------------------------------------------------------------------------
# Bad axes and bad input

ALL_OPS = {name: op for name, (op, _) in {**REDUCTIONS, **ARG}.items()}


@pytest.mark.parametrize("axis", [3, -4, (0, 3)], ids=repr)
@pytest.mark.parametrize("name", ALL_OPS)
def test_axis_out_of_range_names_the_op(name, axis):
    with pytest.raises(ValueError, match=rf"^{name}: axis -?\d is out of range for an input "
                                         rf"with 3 dimensions"):
        ALL_OPS[name](X, axis=axis)


@pytest.mark.parametrize("axis", [(0, 0), (1, -2), [2, -1]], ids=repr)
@pytest.mark.parametrize("name", ALL_OPS)
def test_duplicate_axes_are_rejected(name, axis):
    with pytest.raises(ValueError, match=rf"^{name}: axis .* names the same axis twice"):
        ALL_OPS[name](X, axis=axis)


@pytest.mark.parametrize("axis", [1.5, "0", (0, 1.0), True], ids=repr)
@pytest.mark.parametrize("name", ALL_OPS)
def test_axis_of_the_wrong_type_names_the_op(name, axis):
    with pytest.raises(TypeError, match=rf"^{name}: axis must be an int or a tuple of ints"):
        ALL_OPS[name](X, axis=axis)


@pytest.mark.parametrize("bad, message", [
    ("abc", r"received str 'abc'"),
    ([["a", "b"]], r"received list \[\['a', 'b'\]\]"),
    (object(), r"received object <object object"),
    (None, r"received NoneType None"),
], ids=["str", "list of str", "object", "None"])
@pytest.mark.parametrize("name", ALL_OPS)
def test_non_numeric_input_raises_type_error_saying_what_was_received(name, bad, message):
    with pytest.raises(TypeError, match=message):
        ALL_OPS[name](bad)


# ---------------------------------------------------------------------------------------------
# Tensor methods and the public ops module


@pytest.mark.parametrize("method", ["sum", "mean", "max", "min"])
def test_tensor_methods(method):
    x = X.astype(np.float32)
    op, expected = REDUCTIONS[method]
    out = getattr(Tensor(x), method)(axis=(0, -1), keepdims=True)
    assert_tensor(out, expected(x.astype(np.float64), (0, -1), True), np.float32)
    check_grad(lambda t: getattr(t, method)(axis=1) * 2.0, X)


PUBLIC_NAMES = {
    "sum": kr.sum, "mean": kr.mean, "max": kr.max, "amax": kr.max, "min": kr.min,
    "amin": kr.min, "logsumexp": kr.logsumexp, "var": kr.var, "std": kr.std,
    "argmax": kr.argmax, "argmin": kr.argmin,
}


@pytest.mark.parametrize("name", PUBLIC_NAMES)
def test_public_ops_names_reach_the_reductions(name):
    assert getattr(ops, name) is PUBLIC_NAMES[name]


def test_public_ops_reductions_compose_with_gradients():
    x = X.astype(np.float32)
    out = ops.logsumexp(ops.convert_to_tensor(x), axis=-1)
    assert_tensor(out, np.log(np.exp(x.astype(np.float64)).sum(axis=-1)), np.float32)
    check_grad(lambda t: ops.std(t, axis=0) + ops.amax(t, axis=(1, 2), keepdims=True), X)
