"""Activations, softmax and log-softmax, one-hot, and the crossentropies (fused from logits).

Every activation is computed in a form that cannot overflow (sigmoid, softplus, softmax and
log_softmax of large inputs stay finite) and keeps the input's float dtype; integer input
becomes floatx (relu and relu6 keep integers, as their values stay exact).
"""

import math

import numpy as np

from .. import config, random
from ..tensor import Function, Tensor, as_tensor, to_array
from .math import clip, log, multiply, subtract
from .reduction import normalize_axis, sum as reduce_sum


def _special():
    # scipy.special takes a third of a second to import: load it on first use only.
    import scipy.special
    return scipy.special


def _c(x, value):
    """`value` as a scalar of x's dtype, so float32 math stays float32."""
    return x.dtype.type(value)


def _float16_via_float32(fn, x):
    """fn(x) in x's dtype: scipy has no float16 loops (it would answer in float64)."""
    if x.dtype == np.float16:
        return fn(x.astype(np.float32)).astype(np.float16)
    return fn(x)


def _sigmoid(x):
    return _float16_via_float32(_special().expit, x)


def _erf(x):
    return _float16_via_float32(_special().erf, x)


def _floating(x):
    """x as a tensor, integer (or boolean) values as floatx: the constants of an activation
    must not be truncated to integers (gelu of ints would be 0), nor give float64."""
    x = as_tensor(x)
    return x if x.dtype.kind == "f" else Tensor(x.data.astype(config.floatx()))


class Unary(Function):
    """An activation given by its value and its derivative (as a function of x and y)."""

    def forward(self, x):
        self.out = self.f(x)
        return self.out

    def backward(self, gy):
        return gy * self.df(self.inputs[0].data, self.out)


class Relu(Unary):
    def f(self, x):
        return np.maximum(x, _c(x, 0))

    def df(self, x, y):
        return x > 0


class Relu6(Unary):
    def f(self, x):
        return np.clip(x, _c(x, 0), _c(x, 6))

    def df(self, x, y):
        return (x > 0) & (x < 6)


class LeakyRelu(Unary):
    def __init__(self, negative_slope):
        self.negative_slope = negative_slope

    def f(self, x):
        return np.where(x >= 0, x, x * _c(x, self.negative_slope))

    def df(self, x, y):
        return np.where(x >= 0, _c(x, 1), _c(x, self.negative_slope))


class Elu(Unary):
    def __init__(self, alpha):
        self.alpha = alpha

    def f(self, x):
        return np.where(x > 0, x, _c(x, self.alpha) * np.expm1(np.minimum(x, _c(x, 0))))

    def df(self, x, y):
        return np.where(x > 0, _c(x, 1), y + _c(x, self.alpha))


SELU_ALPHA = 1.6732632423543772848170429916717
SELU_SCALE = 1.0507009873554804934193349852946


class Selu(Unary):
    def f(self, x):
        negative = _c(x, SELU_ALPHA) * np.expm1(np.minimum(x, _c(x, 0)))
        return _c(x, SELU_SCALE) * np.where(x > 0, x, negative)

    def df(self, x, y):
        return np.where(x > 0, _c(x, SELU_SCALE), y + _c(x, SELU_SCALE * SELU_ALPHA))


class GeluExact(Unary):
    def f(self, x):
        return _c(x, 0.5) * x * (_c(x, 1) + _erf(x * _c(x, 1 / math.sqrt(2))))

    def df(self, x, y):
        cdf = _c(x, 0.5) * (_c(x, 1) + _erf(x * _c(x, 1 / math.sqrt(2))))
        pdf = np.exp(_c(x, -0.5) * x * x) * _c(x, 1 / math.sqrt(2 * math.pi))
        return cdf + x * pdf


class GeluTanh(Unary):
    def f(self, x):
        self.t = np.tanh(_c(x, math.sqrt(2 / math.pi)) * (x + _c(x, 0.044715) * x ** 3))
        return _c(x, 0.5) * x * (_c(x, 1) + self.t)

    def df(self, x, y):
        t = self.t
        inner = _c(x, math.sqrt(2 / math.pi)) * (_c(x, 1) + _c(x, 3 * 0.044715) * x * x)
        return _c(x, 0.5) * (_c(x, 1) + t) + _c(x, 0.5) * x * (_c(x, 1) - t * t) * inner


class Sigmoid(Unary):
    def f(self, x):
        return _sigmoid(x)

    def df(self, x, y):
        return y * (_c(y, 1) - y)


class Tanh(Unary):
    def f(self, x):
        return np.tanh(x)

    def df(self, x, y):
        return _c(y, 1) - y * y


class Silu(Unary):
    def f(self, x):
        self.s = _sigmoid(x)
        return x * self.s

    def df(self, x, y):
        s = self.s
        return s * (_c(x, 1) + x * (_c(x, 1) - s))


class Softplus(Unary):
    def f(self, x):
        return np.logaddexp(_c(x, 0), x)

    def df(self, x, y):
        return _sigmoid(x)


class Softsign(Unary):
    def f(self, x):
        return x / (_c(x, 1) + np.abs(x))

    def df(self, x, y):
        d = _c(x, 1) + np.abs(x)
        return _c(x, 1) / (d * d)


class HardSigmoid(Unary):
    def f(self, x):
        return np.clip(x * _c(x, 1 / 6) + _c(x, 0.5), _c(x, 0), _c(x, 1))

    def df(self, x, y):
        return np.where((x > -3) & (x < 3), _c(x, 1 / 6), _c(x, 0))


class HardSilu(Unary):
    def f(self, x):
        self.h = np.clip(x * _c(x, 1 / 6) + _c(x, 0.5), _c(x, 0), _c(x, 1))
        return x * self.h

    def df(self, x, y):
        inside = (x > -3) & (x < 3)
        return self.h + np.where(inside, x * _c(x, 1 / 6), _c(x, 0))


class Mish(Unary):
    def f(self, x):
        self.t = np.tanh(np.logaddexp(_c(x, 0), x))
        return x * self.t

    def df(self, x, y):
        t = self.t
        return t + x * (_c(x, 1) - t * t) * _sigmoid(x)


class Softmax(Function):
    def __init__(self, axis):
        self.axis = axis

    def forward(self, x):
        e = np.exp(x - x.max(axis=self.axis, keepdims=True))
        e /= e.sum(axis=self.axis, keepdims=True)
        self.out = e
        return e

    def backward(self, gy):
        y = self.out
        return y * (gy - (gy * y).sum(axis=self.axis, keepdims=True))


class LogSoftmax(Function):
    def __init__(self, axis):
        self.axis = axis

    def forward(self, x):
        shifted = x - x.max(axis=self.axis, keepdims=True)
        shifted -= np.log(np.sum(np.exp(shifted), axis=self.axis, keepdims=True))
        self.out = shifted
        return shifted

    def backward(self, gy):
        return gy - np.exp(self.out) * gy.sum(axis=self.axis, keepdims=True)


class Dropout(Function):
    """x * keep / (1 - rate): the kept values are scaled so the expected sum is unchanged."""

    def __init__(self, keep, scale):
        self.keep, self.scale = keep, scale

    def forward(self, x):
        y = np.multiply(x, self.keep)
        y *= x.dtype.type(self.scale)
        return y

    def backward(self, gy):
        g = np.multiply(gy, self.keep)
        g *= gy.dtype.type(self.scale)
        return g


class SoftmaxCrossentropy(Function):
    """-sum(target * log_softmax(logits)) along `axis`; its gradient is the familiar
    softmax(logits) * sum(target) - target, computed from what forward kept."""

    def __init__(self, target, axis):
        self.target, self.axis = target, axis

    def forward(self, logits):
        shifted = logits - logits.max(axis=self.axis, keepdims=True)
        e = np.exp(shifted)
        total = e.sum(axis=self.axis, keepdims=True)
        self.softmax = e / total
        log_probs = shifted - np.log(total)
        return -(self.target * log_probs).sum(axis=self.axis)

    def backward(self, gy):
        target_mass = self.target.sum(axis=self.axis, keepdims=True)
        return (self.softmax * target_mass - self.target) * np.expand_dims(gy, self.axis)


class SparseSoftmaxCrossentropy(Function):
    """-log_softmax(logits)[label] over the last axis, with integer labels."""

    def __init__(self, labels):
        self.labels = labels

    def forward(self, logits):
        shifted = logits - logits.max(axis=-1, keepdims=True)
        e = np.exp(shifted)
        total = e.sum(axis=-1, keepdims=True)
        self.softmax = e / total
        picked = np.take_along_axis(shifted, self.labels[..., None], axis=-1)[..., 0]
        return np.log(total[..., 0]) - picked

    def backward(self, gy):
        g = self.softmax.copy()
        np.put_along_axis(g, self.labels[..., None],
                          np.take_along_axis(g, self.labels[..., None], axis=-1) - 1, axis=-1)
        return g * gy[..., None]


class SigmoidCrossentropy(Function):
    """Elementwise -(t log sigmoid(x) + (1 - t) log(1 - sigmoid(x))), stable for any x."""

    def __init__(self, target):
        self.target = target

    def forward(self, x):
        zero = _c(x, 0)
        return np.maximum(x, zero) - x * self.target + np.log1p(np.exp(-np.abs(x)))

    def backward(self, gy):
        return (_sigmoid(self.inputs[0].data) - self.target) * gy


# -- wrappers ------------------------------------------------------------------------------


def relu(x):
    """max(x, 0)."""
    return Relu()(x)


def relu6(x):
    """min(max(x, 0), 6)."""
    return Relu6()(x)


def leaky_relu(x, negative_slope=0.2):
    """x for x >= 0, negative_slope * x below."""
    return LeakyRelu(negative_slope)(_floating(x))


def elu(x, alpha=1.0):
    """x for x > 0, alpha * (exp(x) - 1) below."""
    return Elu(alpha)(_floating(x))


def selu(x):
    """Scaled ELU with the self-normalizing constants (scale 1.0507, alpha 1.6733)."""
    return Selu()(_floating(x))


def gelu(x, approximate=True):
    """Gaussian error linear unit: x * Phi(x), or its tanh approximation (the default here, as
    in keras.ops.gelu)."""
    return (GeluTanh() if approximate else GeluExact())(_floating(x))


def sigmoid(x):
    """1 / (1 + exp(-x)), without overflow for large |x|."""
    x = _floating(x)
    out = Sigmoid()(x)
    out._keras_logits = (x, None)
    return out


def tanh(x):
    """Hyperbolic tangent."""
    return Tanh()(_floating(x))


def silu(x):
    """x * sigmoid(x) (also called swish)."""
    return Silu()(_floating(x))


swish = silu


def softplus(x):
    """log(1 + exp(x)), without overflow."""
    return Softplus()(_floating(x))


def softsign(x):
    """x / (1 + |x|)."""
    return Softsign()(_floating(x))


def hard_sigmoid(x):
    """Piecewise-linear sigmoid: 0 below -3, 1 above 3, x / 6 + 0.5 between."""
    return HardSigmoid()(_floating(x))


def hard_silu(x):
    """x * hard_sigmoid(x) (also called hard swish)."""
    return HardSilu()(_floating(x))


hard_swish = hard_silu


def mish(x):
    """x * tanh(softplus(x))."""
    return Mish()(_floating(x))


def exponential(x):
    """exp(x), the 'exponential' activation."""
    from .math import exp
    return exp(x)


def _single_axis(x, axis, op):
    axes = normalize_axis(axis, x.ndim, op)
    if len(axes) != 1:
        raise ValueError(f"{op}: axis must be a single int, received {axis!r}.")
    return axes[0]


def softmax(x, axis=-1):
    """exp(x) / sum(exp(x)) along `axis`, shifted by the maximum so it cannot overflow."""
    x = _floating(x)
    axis = _single_axis(x, axis, "softmax")
    out = Softmax(axis)(x)
    out._keras_logits = (x, axis)
    return out


def log_softmax(x, axis=-1):
    """log(softmax(x)) along `axis`, computed directly so it stays finite."""
    x = _floating(x)
    return LogSoftmax(_single_axis(x, axis, "log_softmax"))(x)


def dropout(x, rate, noise_shape=None, seed=None):
    """Zero a random fraction `rate` of x and scale the rest by 1 / (1 - rate) ("inverted
    dropout"). `noise_shape` draws one decision per entry of that shape, broadcast over x
    (None keeps x's size along that axis); `seed` is an int or a numpy Generator."""
    x = _floating(x)
    if not 0.0 <= rate < 1.0:
        raise ValueError(f"dropout: rate must be in [0, 1), received rate={rate!r}.")
    shape = x.shape
    if noise_shape is not None:
        if len(noise_shape) != x.ndim:
            raise ValueError(f"dropout: noise_shape {tuple(noise_shape)} must have one entry per "
                             f"axis of the input of shape {x.shape}.")
        shape = tuple(s if n is None else int(n) for s, n in zip(x.shape, noise_shape))
    keep = random.keep_mask(shape, rate, seed)
    return Dropout(keep, 1.0 / (1.0 - rate))(x)


def one_hot(x, num_classes, axis=-1, dtype=None):
    """Integer class ids to one-hot vectors along a new `axis` (no gradient)."""
    labels = to_array(x, where="one_hot")
    if labels.dtype.kind not in "iu":
        if labels.dtype.kind == "f" and np.all(labels == np.round(labels)):
            labels = labels.astype(np.int64)
        else:
            raise TypeError(f"one_hot: expected integer class ids, received dtype {labels.dtype}.")
    num_classes = int(num_classes)
    if labels.size and (labels.min() < 0 or labels.max() >= num_classes):
        raise ValueError(
            f"one_hot: class ids must lie in [0, {num_classes}) for num_classes={num_classes}, "
            f"but received values from {labels.min()} to {labels.max()}."
        )
    out = np.eye(num_classes, dtype=config.floatx() if dtype is None else dtype)[labels]
    if axis not in (-1, labels.ndim):
        out = np.moveaxis(out, -1, axis)
    return Tensor(out)


def _check_same_shape(op, target, output):
    if target.shape != output.shape:
        raise ValueError(
            f"{op}: target and output must have the same shape, but received "
            f"target.shape={target.shape} and output.shape={output.shape}."
        )


def logits_of(output, axis):
    """The logits `output` was computed from by softmax along `axis` (or by sigmoid when axis
    is None), if it was: a crossentropy then takes the stable fused path, as Keras does."""
    found = getattr(output, "_keras_logits", None)
    if found is None:
        return None
    if axis is not None and found[1] is not None:
        axis %= max(output.ndim, 1)
    return found[0] if found[1] == axis else None


def categorical_crossentropy(target, output, from_logits=False, axis=-1):
    """Crossentropy between one-hot (or soft) targets and class probabilities along `axis`.

    With `from_logits=True`, `output` holds unnormalized scores and the fused softmax path is
    used; so it is when `output` was computed by `softmax` (a Dense layer with
    activation='softmax'), whose logits are remembered. Otherwise `output` holds
    probabilities: they are renormalized to sum to 1 and clipped to [epsilon, 1 - epsilon]
    before the log, as Keras does.
    """
    output = _floating(output)
    target = to_array(target, where="categorical_crossentropy(target)")
    _check_same_shape("categorical_crossentropy", target, output)
    axis = _single_axis(output, axis, "categorical_crossentropy")
    target = target.astype(output.dtype, copy=False)
    logits = None if from_logits else logits_of(output, axis)
    if logits is not None:
        output, from_logits = logits, True
    if from_logits:
        return SoftmaxCrossentropy(target, axis)(output)
    eps = config.epsilon()
    probs = output / reduce_sum(output, axis=axis, keepdims=True)
    probs = clip(probs, eps, 1.0 - eps)
    return -reduce_sum(multiply(target, log(probs)), axis=axis)


def sparse_categorical_crossentropy(target, output, from_logits=False, axis=-1):
    """Crossentropy between integer class ids and class probabilities (or logits)."""
    output = _floating(output)
    labels = to_array(target, where="sparse_categorical_crossentropy(target)")
    axis = _single_axis(output, axis, "sparse_categorical_crossentropy")
    if axis != output.ndim - 1:
        raise ValueError("sparse_categorical_crossentropy: only the last axis is supported.")
    if labels.ndim == output.ndim and labels.shape[-1] == 1:
        labels = labels[..., 0]
    if labels.shape != output.shape[:-1]:
        raise ValueError(
            f"sparse_categorical_crossentropy: expected integer labels of shape "
            f"{output.shape[:-1]} (or {output.shape[:-1] + (1,)}) for output of shape "
            f"{output.shape}, but received target.shape={labels.shape}."
        )
    if labels.dtype.kind == "f" and np.all(labels == np.round(labels)):
        labels = labels.astype(np.int64)
    if labels.dtype.kind not in "iu":
        raise TypeError(
            f"sparse_categorical_crossentropy: labels must be integer class ids, received "
            f"dtype {labels.dtype}."
        )
    classes = output.shape[-1]
    if labels.size and (labels.min() < 0 or labels.max() >= classes):
        raise ValueError(
            f"sparse_categorical_crossentropy: labels must lie in [0, {classes}) for an output "
            f"with {classes} classes, but received values from {labels.min()} to "
            f"{labels.max()}."
        )
    logits = None if from_logits else logits_of(output, axis)
    if logits is not None:
        output, from_logits = logits, True
    if from_logits:
        return SparseSoftmaxCrossentropy(labels)(output)
    onehot = np.eye(classes, dtype=output.dtype)[labels]
    return categorical_crossentropy(onehot, output, from_logits=False)


def binary_crossentropy(target, output, from_logits=False):
    """Elementwise crossentropy for binary targets; fused and stable with `from_logits=True`,
    else probabilities clipped to [epsilon, 1 - epsilon] as Keras does."""
    output = _floating(output)
    target = to_array(target, where="binary_crossentropy(target)")
    _check_same_shape("binary_crossentropy", target, output)
    target = target.astype(output.dtype, copy=False)
    logits = None if from_logits else logits_of(output, None)
    if logits is not None:
        output, from_logits = logits, True
    if from_logits:
        return SigmoidCrossentropy(target)(output)
    eps = config.epsilon()
    probs = clip(output, eps, 1.0 - eps)
    return -(multiply(target, log(probs)) + multiply(1.0 - target, log(subtract(1.0, probs))))
