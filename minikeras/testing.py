"""Numerical gradient checking: compare backpropagation with central differences.

This is the "gradient check" step of the textbooks: the derivative of f at x is approximately
(f(x + h) - f(x - h)) / 2h, slow to compute but hard to get wrong, so it tells whether a
hand-written backward pass is right. Everything runs in float64 so that the comparison is
limited by the method, not by rounding.
"""

from dataclasses import dataclass

import numpy as np

from .backend.tensor import Tensor, no_grad


@dataclass
class GradientCheck:
    """The outcome of `check_grad`: the worst disagreement found and where it was."""

    passed: bool
    max_error: float        # worst |backprop - numerical| over the allowed tolerance (<= 1 passes)
    input_index: int = -1   # which input held the worst element
    element: tuple = ()     # its index, or () when checked along random directions
    backprop: float = 0.0
    numerical: float = 0.0

    def __str__(self):
        if self.input_index < 0:
            return "gradient check passed (nothing to check)"
        where = f"input {self.input_index}"
        where += f" at index {self.element}" if self.element else " along a random direction"
        verdict = "passed" if self.passed else "FAILED"
        return (f"gradient check {verdict}: worst at {where}: backprop {self.backprop:.8g}, "
                f"numerical {self.numerical:.8g} (error {self.max_error:.3g} x tolerance)")


def check_grad(fn, *inputs, wrt=None, eps=1e-6, rtol=1e-5, atol=1e-7, max_full_size=100,
               num_directions=10, seed=0, raise_on_failure=True):
    """Check the gradients `fn` computes by backpropagation against numerical ones.

    `fn` takes tensors and returns a tensor of any shape; its output is reduced to a scalar by
    a fixed random weighting, so every output element takes part. Floating-point inputs are
    converted to float64 and checked (all of them, or those whose positions are in `wrt`); other
    inputs (integer labels, say) are passed through unchanged. An input of up to
    `max_full_size` elements is checked element by element (the full gradient); a larger one
    along `num_directions` random directions, which is much cheaper and almost as strict.

    An element passes when |backprop - numerical| <= atol + rtol * |numerical|. Choose inputs
    away from kinks (0 for relu and abs), where the derivative does not exist.

    Returns a `GradientCheck`; raises AssertionError describing the worst element when the check
    fails (unless `raise_on_failure=False`).

    >>> from minikeras import ops
    >>> check_grad(lambda x: ops.tanh(x) * x, np.array([0.5, -1.5]))
    """
    values = [_as_float64(x) for x in inputs]
    checked = [i for i, v in enumerate(values) if isinstance(v, np.ndarray) and v.dtype.kind == "f"]
    if wrt is not None:
        wrt = [wrt] if isinstance(wrt, int) else list(wrt)
        bad = [i for i in wrt if i not in checked]
        if bad:
            raise ValueError(f"check_grad: wrt names input(s) {bad}, which are not float arrays.")
        checked = wrt
    rng = np.random.default_rng(seed)

    with no_grad():
        first = _call(fn, values, checked)
    weights = rng.standard_normal(first.shape)

    def objective(vals):
        with no_grad():
            return float(np.sum(_call(fn, vals, checked).data * weights))

    # Backpropagation.
    tensors = [Tensor(v, requires_grad=True) if i in checked else v for i, v in enumerate(values)]
    out = _call(fn, tensors, checked)
    if out.dtype != np.float64:
        raise AssertionError(
            f"check_grad: fn returned dtype {out.dtype} for float64 inputs, so an op inside it "
            f"casts to another precision; gradients cannot be checked in float64."
        )
    if not out.requires_grad:
        raise AssertionError("check_grad: fn's output does not depend on any checked input.")
    out.backward(weights)

    report = GradientCheck(passed=True, max_error=0.0)
    for i in checked:
        grad = tensors[i].grad
        grad = np.zeros_like(values[i]) if grad is None else grad
        if grad.shape != values[i].shape:
            raise AssertionError(
                f"check_grad: the gradient of input {i} has shape {grad.shape}, "
                f"but the input has shape {values[i].shape}."
            )
        for element, backprop, numerical in _compare(objective, values, i, grad, eps,
                                                     max_full_size, num_directions, rng):
            error = abs(backprop - numerical) / (atol + rtol * abs(numerical))
            if not np.isfinite(error):
                error = np.inf
            if error > report.max_error or report.input_index < 0:
                report = GradientCheck(error <= 1.0, error, i, element, backprop, numerical)
    report.passed = report.max_error <= 1.0
    if raise_on_failure and not report.passed:
        raise AssertionError(str(report))
    return report


def _as_float64(x):
    array = x.data if isinstance(x, Tensor) else x
    if isinstance(array, (float, list)) or (isinstance(array, np.ndarray)
                                            and array.dtype.kind == "f"):
        return np.array(array, dtype=np.float64)
    return x


def _call(fn, values, checked):
    out = fn(*[Tensor(v) if i in checked and not isinstance(v, Tensor) else v
               for i, v in enumerate(values)])
    if not isinstance(out, Tensor):
        raise TypeError(f"check_grad: fn must return a Tensor, but it returned "
                        f"{type(out).__name__}.")
    return out


def _compare(objective, values, i, grad, eps, max_full_size, num_directions, rng):
    """Yield (element, backprop, numerical) triples for input i."""
    x = values[i]

    def shifted(delta):
        vals = list(values)
        vals[i] = x + delta
        return objective(vals)

    if x.size <= max_full_size:
        for element in np.ndindex(x.shape):
            delta = np.zeros_like(x)
            delta[element] = eps
            numerical = (shifted(delta) - shifted(-delta)) / (2 * eps)
            yield element, float(grad[element]), numerical
    else:
        for _ in range(num_directions):
            direction = rng.standard_normal(x.shape)
            direction /= np.linalg.norm(direction)
            numerical = (shifted(eps * direction) - shifted(-eps * direction)) / (2 * eps)
            yield (), float(np.sum(grad * direction)), numerical
