"""Elementwise ops: arithmetic, powers, exponentials, comparisons, clip and where.

Binary ops broadcast as numpy does; their backward returns gradients in the broadcast shape and
the tape sums them back down (`sum_to`).
"""

import numbers

import numpy as np

from .. import config
from ..tensor import Function, Tensor, as_tensor, to_array


def _constant(x, dtype):
    """A scalar of the array's dtype, so arithmetic with it never promotes to float64."""
    return dtype.type(x)


def _floating(x):
    """x itself if it is floating point, else x as floatx: integers never give float64."""
    return x if x.dtype.kind == "f" else x.astype(config.floatx())


# -- arithmetic ----------------------------------------------------------------------------


class Add(Function):
    def forward(self, a, b):
        return a + b

    def backward(self, gy):
        return gy, gy


class Subtract(Function):
    def forward(self, a, b):
        return a - b

    def backward(self, gy):
        return gy, (-gy if self.needs_grad[1] else None)


class Multiply(Function):
    def forward(self, a, b):
        return a * b

    def backward(self, gy):
        a, b = self.inputs
        return (gy * b.data if self.needs_grad[0] else None,
                gy * a.data if self.needs_grad[1] else None)


class Divide(Function):
    def forward(self, a, b):
        return _floating(a) / _floating(b)

    def backward(self, gy):
        a, b = self.inputs
        ga = gy / b.data
        gb = -ga * a.data / b.data if self.needs_grad[1] else None
        return ga, gb


class Negative(Function):
    def forward(self, x):
        return -x

    def backward(self, gy):
        return -gy


class Power(Function):
    """x ** y for two tensors. `x ** number` goes through `PowerScalar`, which is cheaper."""

    def forward(self, x, y):
        self.out = np.power(x, y)
        return self.out

    def backward(self, gy):
        x, y = self.inputs[0].data, self.inputs[1].data
        gx = gy * y * np.power(x, y - _constant(1, y.dtype)) if self.needs_grad[0] else None
        gy_ = None
        if self.needs_grad[1]:
            # d(x^y)/dy = x^y log x, defined for x > 0; elsewhere the gradient is taken as 0.
            positive = x > 0
            log_x = np.log(np.where(positive, x, _constant(1, x.dtype)))
            gy_ = gy * self.out * log_x
        return gx, gy_


class PowerScalar(Function):
    def __init__(self, exponent):
        self.exponent = exponent

    def forward(self, x):
        return np.power(x, _constant(self.exponent, x.dtype))

    def backward(self, gy):
        x = self.inputs[0].data
        p = self.exponent
        return gy * (_constant(p, x.dtype) * np.power(x, _constant(p - 1, x.dtype)))


class Square(Function):
    def forward(self, x):
        return np.square(x)

    def backward(self, gy):
        x = self.inputs[0].data
        return gy * (x + x)


class Sqrt(Function):
    def forward(self, x):
        self.out = np.sqrt(_floating(x))
        return self.out

    def backward(self, gy):
        return gy / (self.out + self.out)


class Exp(Function):
    def forward(self, x):
        self.out = np.exp(_floating(x))
        return self.out

    def backward(self, gy):
        return gy * self.out


class Log(Function):
    def forward(self, x):
        return np.log(_floating(x))

    def backward(self, gy):
        return gy / self.inputs[0].data


class Log1p(Function):
    def forward(self, x):
        return np.log1p(_floating(x))

    def backward(self, gy):
        x = self.inputs[0].data
        return gy / (x + _constant(1, x.dtype))


class Abs(Function):
    def forward(self, x):
        return np.abs(x)

    def backward(self, gy):
        return gy * np.sign(self.inputs[0].data)


class Sign(Function):
    def forward(self, x):
        return np.sign(x)

    def backward(self, gy):
        return None


class Maximum(Function):
    """Elementwise max; where the two are equal the gradient goes to the first input."""

    def forward(self, a, b):
        return np.maximum(a, b)

    def backward(self, gy):
        a, b = self.inputs
        first = a.data >= b.data
        return (np.where(first, gy, 0) if self.needs_grad[0] else None,
                np.where(first, 0, gy) if self.needs_grad[1] else None)


class Minimum(Function):
    """Elementwise min; where the two are equal the gradient goes to the first input."""

    def forward(self, a, b):
        return np.minimum(a, b)

    def backward(self, gy):
        a, b = self.inputs
        first = a.data <= b.data
        return (np.where(first, gy, 0) if self.needs_grad[0] else None,
                np.where(first, 0, gy) if self.needs_grad[1] else None)


class Clip(Function):
    """Clip to [low, high]; the gradient passes where the input lies inside, ends included."""

    def __init__(self, low, high):
        self.low, self.high = low, high

    def forward(self, x):
        low = None if self.low is None else _constant(self.low, x.dtype)
        high = None if self.high is None else _constant(self.high, x.dtype)
        return np.clip(x, low, high)

    def backward(self, gy):
        x = self.inputs[0].data
        inside = np.ones(x.shape, dtype=bool)
        if self.low is not None:
            inside &= x >= self.low
        if self.high is not None:
            inside &= x <= self.high
        return np.where(inside, gy, 0)


class Where(Function):
    def __init__(self, condition):
        self.condition = condition

    def forward(self, a, b):
        return np.where(self.condition, a, b)

    def backward(self, gy):
        zero = _constant(0, gy.dtype)
        return (np.where(self.condition, gy, zero) if self.needs_grad[0] else None,
                np.where(self.condition, zero, gy) if self.needs_grad[1] else None)


class Cast(Function):
    def __init__(self, dtype):
        self.dtype = dtype

    def forward(self, x):
        return x.astype(self.dtype)

    def backward(self, gy):
        source = self.inputs[0].data.dtype
        return gy.astype(source) if source.kind == "f" and self.dtype.kind == "f" else None


class StopGradient(Function):
    def forward(self, x):
        return x

    def backward(self, gy):
        return None


# -- wrappers ------------------------------------------------------------------------------


def add(a, b):
    """a + b, elementwise with broadcasting."""
    return Add()(a, b)


def subtract(a, b):
    """a - b, elementwise with broadcasting."""
    return Subtract()(a, b)


def multiply(a, b):
    """a * b, elementwise with broadcasting."""
    return Multiply()(a, b)


def divide(a, b):
    """a / b, elementwise with broadcasting (true division)."""
    return Divide()(a, b)


def negative(x):
    """-x."""
    return Negative()(x)


def power(x, y):
    """x ** y. A plain number as exponent takes the cheaper single-input path."""
    if isinstance(y, (int, float, np.integer, np.floating)) and not isinstance(y, bool):
        x = as_tensor(x)
        if x.dtype.kind == "f" or float(y).is_integer():
            return PowerScalar(y)(x)
    # Two tensors, or an integer tensor to a fractional power (which becomes floatx).
    return Power()(x, y)


def square(x):
    """x ** 2."""
    return Square()(x)


def sqrt(x):
    """Square root; its gradient is infinite at 0."""
    return Sqrt()(x)


def exp(x):
    """e ** x."""
    return Exp()(x)


def log(x):
    """Natural logarithm."""
    return Log()(x)


def log1p(x):
    """log(1 + x), accurate for small x."""
    return Log1p()(x)


def abs(x):  # noqa: A001 - keras.ops name
    """|x|; the gradient at 0 is 0."""
    return Abs()(x)


absolute = abs


def sign(x):
    """-1, 0 or 1; no gradient."""
    return Sign()(x)


def maximum(a, b):
    """Elementwise maximum."""
    return Maximum()(a, b)


def minimum(a, b):
    """Elementwise minimum."""
    return Minimum()(a, b)


def clip(x, x_min, x_max):
    """Limit values to [x_min, x_max] (None leaves that side open)."""
    x = as_tensor(x)
    if x_min is not None and x_max is not None and x_min > x_max:
        raise ValueError(f"clip: x_min ({x_min}) must not exceed x_max ({x_max}).")
    if x.dtype.kind != "f" and any(b is not None and not float(b).is_integer()
                                   for b in (x_min, x_max)):
        x = cast(x, config.floatx())  # a fractional bound never truncates an integer tensor
    return Clip(x_min, x_max)(x)


def where(condition, x1, x2):
    """x1 where condition is true, else x2; the condition gets no gradient."""
    condition = to_array(condition, where="where(condition)")
    if condition.dtype != bool:
        condition = condition.astype(bool)
    return Where(condition)(x1, x2)


def cast(x, dtype):
    """x converted to `dtype`; the gradient flows back only between float types."""
    dtype = np.dtype(dtype)
    x = as_tensor(x)
    if x.dtype == dtype:
        return x
    return Cast(dtype)(x)


def stop_gradient(x):
    """The same values, but no gradient flows back through them."""
    return StopGradient()(x)


# -- comparisons and logic (no gradient) ---------------------------------------------------


def _comparand(x, other, op):
    """x as an array; a number next to a float tensor takes its dtype (float64 x == 0.1)."""
    if isinstance(x, Tensor):
        return x.data
    if isinstance(other, Tensor) and other.data.dtype.kind == "f" and \
            isinstance(x, numbers.Real) and not isinstance(x, (bool, np.bool_)):
        return np.asarray(x, dtype=other.data.dtype)
    return to_array(x, where=op)


def _compare(ufunc):
    def compare(x1, x2):
        a = _comparand(x1, x2, ufunc.__name__)
        b = _comparand(x2, x1, ufunc.__name__)
        try:
            return Tensor(ufunc(a, b))
        except ValueError as error:
            raise ValueError(f"{ufunc.__name__}: {str(error).strip()} "
                             f"(input shapes {a.shape} and {b.shape}).") from None

    compare.__name__ = ufunc.__name__
    compare.__doc__ = f"Elementwise {ufunc.__name__}, as a boolean tensor (no gradient)."
    return compare


equal = _compare(np.equal)
not_equal = _compare(np.not_equal)
greater = _compare(np.greater)
greater_equal = _compare(np.greater_equal)
less = _compare(np.less)
less_equal = _compare(np.less_equal)
logical_and = _compare(np.logical_and)
logical_or = _compare(np.logical_or)
logical_xor = _compare(np.logical_xor)


def logical_not(x):
    """Elementwise not, as a boolean tensor."""
    return Tensor(np.logical_not(to_array(x, where="logical_not")))
