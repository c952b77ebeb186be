"""The public numerical gradient checker must catch wrong gradients, not only pass right ones."""

import numpy as np
import pytest

from minikeras import ops
from minikeras.backend import Function
from minikeras.testing import GradientCheck, check_grad


class WrongSquare(Function):
    """x ** 2 with a deliberately wrong backward (3x instead of 2x)."""

    def forward(self, x):
        return x * x

    def backward(self, gy):
        return gy * 3 * self.inputs[0].data


def test_passes_a_correct_gradient_and_reports():
    report = check_grad(lambda x: ops.tanh(x) * x, np.array([0.5, -1.5, 2.0]))
    assert isinstance(report, GradientCheck) and report.passed
    assert report.max_error < 1.0
    assert "passed" in str(report)


def test_catches_a_wrong_gradient_and_names_the_worst_element():
    with pytest.raises(AssertionError, match=r"FAILED.*input 0 at index \(1,\)"):
        check_grad(lambda x: WrongSquare()(x), np.array([0.1, 2.0]))


def test_catches_a_wrong_gradient_along_random_directions_for_large_inputs():
    x = np.random.default_rng(0).normal(size=(20, 20))
    with pytest.raises(AssertionError, match="random direction"):
        check_grad(lambda x: WrongSquare()(x), x)


def test_can_report_without_raising():
    report = check_grad(lambda x: WrongSquare()(x), np.array([1.0]), raise_on_failure=False)
    assert not report.passed and report.max_error > 1.0
    # The output is reduced with a random weight, so only the ratio 3x : 2x is fixed.
    np.testing.assert_allclose(report.backprop / report.numerical, 1.5, rtol=1e-6)


def test_integer_inputs_pass_through_and_wrt_selects_inputs():
    labels = np.array([1, 0])
    logits = np.array([[0.2, -0.3], [1.0, 0.5]])
    check_grad(lambda z, y: ops.sparse_categorical_crossentropy(y, z, from_logits=True),
               logits, labels)
    check_grad(lambda a, b: a * b, np.array([1.0, 2.0]), np.array([3.0, 4.0]), wrt=[1])
    with pytest.raises(ValueError, match="not float arrays"):
        check_grad(lambda z, y: z, logits, labels, wrt=1)


def test_rejects_functions_that_leave_float64():
    with pytest.raises(AssertionError, match="dtype float32"):
        check_grad(lambda x: ops.cast(x, "float32") * 2, np.array([1.0]))


def test_rejects_non_tensor_results():
    with pytest.raises(TypeError, match="must return a Tensor"):
        check_grad(lambda x: 1.0, np.array([1.0]))
