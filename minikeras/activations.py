"""Activation functions by their Keras names, for `Dense(..., activation='relu')` and friends.

Each takes a tensor and returns a tensor; the arguments and defaults are Keras 3's (note that
`activations.gelu` is exact by default while `ops.gelu` uses the tanh approximation, as in
Keras).

>>> from minikeras import activations
>>> activations.get("relu")(ops.convert_to_tensor([-1.0, 2.0]))
"""

from .backend.ops import math, nn
from .backend.tensor import as_tensor
from .registry import Registry


def relu(x, negative_slope=0.0, max_value=None, threshold=0.0):
    """max(x, 0), with Keras's options: a slope below `threshold`, a cap at `max_value`, and
    values at or below `threshold` set to zero (before the slope part)."""
    x = as_tensor(x)
    if negative_slope == 0.0 and max_value is None and threshold == 0.0:
        return nn.relu(x)
    if threshold != 0.0:
        out = math.where(x.data > threshold, x, 0.0)
    elif max_value == 6:
        out = nn.relu6(x)
    else:
        out = nn.relu(x)
    if max_value is not None:
        out = math.clip(out, 0.0, max_value)
    if negative_slope != 0.0:
        below = nn.relu(math.negative(x) + threshold) if threshold != 0.0 else \
            nn.relu(math.negative(x))
        out = out - negative_slope * below
    return out


def leaky_relu(x, negative_slope=0.2):
    """x for x >= 0, negative_slope * x below."""
    return nn.leaky_relu(x, negative_slope=negative_slope)


def relu6(x):
    """min(max(x, 0), 6)."""
    return nn.relu6(x)


def elu(x, alpha=1.0):
    """x for x > 0, alpha * (exp(x) - 1) below."""
    return nn.elu(x, alpha=alpha)


def selu(x):
    """Scaled exponential linear unit (self-normalizing)."""
    return nn.selu(x)


def gelu(x, approximate=False):
    """Gaussian error linear unit, exact unless `approximate=True`."""
    return nn.gelu(x, approximate=approximate)


def silu(x):
    """x * sigmoid(x), also known as swish."""
    return nn.silu(x)


def softplus(x):
    """log(exp(x) + 1)."""
    return nn.softplus(x)


def softsign(x):
    """x / (|x| + 1)."""
    return nn.softsign(x)


def sigmoid(x):
    """1 / (1 + exp(-x))."""
    return nn.sigmoid(x)


def hard_sigmoid(x):
    """0 for x <= -3, 1 for x >= 3, x / 6 + 0.5 between."""
    return nn.hard_sigmoid(x)


def hard_silu(x):
    """x * hard_sigmoid(x), also known as hard swish."""
    return nn.hard_silu(x)


def tanh(x):
    """Hyperbolic tangent."""
    return nn.tanh(x)


def exponential(x):
    """exp(x)."""
    return math.exp(x)


def mish(x):
    """x * tanh(softplus(x))."""
    return nn.mish(x)


def softmax(x, axis=-1):
    """exp(x) normalized to sum to 1 along `axis`."""
    return nn.softmax(x, axis=axis)


def log_softmax(x, axis=-1):
    """log(softmax(x)) along `axis`, computed stably."""
    return nn.log_softmax(x, axis=axis)


def log_sigmoid(x):
    """log(sigmoid(x)) = -softplus(-x)."""
    return math.negative(nn.softplus(math.negative(x)))


def linear(x):
    """The identity: returns x unchanged."""
    return as_tensor(x)


swish = silu  # Keras's other names for the same functions
hard_swish = hard_silu

ALL_OBJECTS = (relu, leaky_relu, relu6, elu, selu, gelu, silu, softplus, softsign, sigmoid,
               hard_sigmoid, hard_silu, tanh, exponential, mish, softmax, log_softmax,
               log_sigmoid, linear)
_REGISTRY = Registry("activation", "keras.activations", ALL_OBJECTS,
                     aliases={"swish": silu, "hard_swish": hard_silu}, instantiate=False)


def get(identifier):
    """The activation function for a name, a config, or a callable (None gives `linear`)."""
    if identifier is None:
        return linear
    return _REGISTRY.get(identifier)


def serialize(activation):
    """The name of a built-in activation (what Keras stores in a layer config)."""
    return _REGISTRY.serialize(activation)


def deserialize(config, custom_objects=None):
    """The activation for a stored name or config."""
    return _REGISTRY.deserialize(config, custom_objects)
