"""Weight initializers by their Keras names, for `Dense(..., kernel_initializer='he_normal')`.

An initializer is called as `initializer(shape, dtype=None)` and returns a numpy array of that
shape in `dtype` (floatx(), i.e. float32, by default). Names, arguments, defaults and config keys
are Keras 3's; the lowercase names (`glorot_uniform`, ...) are the classes themselves, as in Keras.

Randomness comes from `minikeras.backend.random`, so `minikeras.utils.set_random_seed` makes runs
bit-identical. As in Keras 3, a random initializer is stateless: one instance returns the *same*
values every time it is called, whether it was given an integer `seed` or none (an unseeded one
picks its seed once, when it is created, from the shared generator). `get('glorot_uniform')`
makes a new instance each time, so layers given a name get different weights; an instance you
build yourself and share gives the same values everywhere, so give each use its own instance.

>>> from minikeras import initializers
>>> initializers.get("glorot_uniform")((3, 4)).shape
(3, 4)
"""

import math
import numbers

import numpy as np

from .backend import config, random
from .registry import Registry

# The standard deviation of a standard normal truncated to [-2, 2]: dividing by it makes the
# truncated draws of VarianceScaling have exactly the variance asked for.
_TRUNCATED_STDDEV = 0.87962566103423978


def compute_fans(shape):
    """(fan_in, fan_out) of a weight shape, as Keras computes them.

    A 2-D kernel is (inputs, outputs). A convolution kernel (kernel_size..., in_channels,
    out_channels) feeds each output from a receptive field of prod(kernel_size) positions, so
    both fans are multiplied by it. A 1-D weight counts its length for both; a scalar counts 1.

    Args:
        shape: the weight's shape, a tuple of ints.

    >>> compute_fans((3, 3, 16, 32))
    (144, 288)
    """
    shape = tuple(shape)
    if len(shape) == 0:
        return 1, 1
    if len(shape) == 1:
        return int(shape[0]), int(shape[0])
    receptive_field = int(np.prod(shape[:-2], dtype=np.int64))
    return int(shape[-2]) * receptive_field, int(shape[-1]) * receptive_field


def _check_shape(shape, where):
    if not isinstance(shape, (tuple, list)) or not all(
            isinstance(d, (int, np.integer)) and not isinstance(d, (bool, np.bool_)) and d >= 0
            for d in shape):
        raise TypeError(
            f"{where}: `shape` must be a tuple of non-negative integers, such as (784, 128), "
            f"but received shape={shape!r}."
        )
    return tuple(int(d) for d in shape)


def _check_dtype(dtype, where, floating=True):
    try:
        dtype = np.dtype(config.floatx() if dtype is None else dtype)
    except TypeError:
        raise TypeError(f"{where}: {dtype!r} is not a dtype; use e.g. 'float32'.") from None
    if floating and dtype.kind != "f":
        raise ValueError(
            f"{where} draws random floats, so `dtype` must be a floating-point type such as "
            f"'float32', but received dtype={dtype.name!r}."
        )
    return dtype


def _check_number(value, name, where, positive=False):
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real) or \
            not math.isfinite(value) or (positive and value <= 0):
        kind = "a positive number" if positive else "a finite number"
        raise ValueError(f"{where}: argument `{name}` must be {kind}, received {name}={value!r}.")
    return float(value)


class Initializer:
    """Base class of all initializers: subclasses define `__call__(shape, dtype=None)`.

    An initializer that takes arguments should also return them from `get_config()`, so that
    `from_config(get_config())` rebuilds it (the default `from_config` passes the config as
    keyword arguments).

    >>> class Twos(Initializer):
    ...     def __call__(self, shape, dtype=None):
    ...         return np.full(shape, 2.0, dtype=dtype or "float32")
    """

    def __call__(self, shape, dtype=None):
        raise NotImplementedError(
            f"{type(self).__name__} must define __call__(self, shape, dtype=None) (abstract)."
        )

    def get_config(self):
        """The constructor arguments, as a JSON-serializable dict."""
        return {}

    @classmethod
    def from_config(cls, config):
        """An initializer from the output of `get_config()`."""
        return cls(**config)

    def clone(self):
        """A new initializer with the same config."""
        return type(self).from_config(self.get_config())


class Zeros(Initializer):
    """Initializer that fills the weight with 0.

    >>> Zeros()((2, 2))
    array([[0., 0.],
           [0., 0.]], dtype=float32)
    """

    def __call__(self, shape, dtype=None):
        shape = _check_shape(shape, "Zeros")
        return np.zeros(shape, dtype=_check_dtype(dtype, "Zeros", floating=False))


class Ones(Initializer):
    """Initializer that fills the weight with 1.

    >>> Ones()((2,))
    array([1., 1.], dtype=float32)
    """

    def __call__(self, shape, dtype=None):
        shape = _check_shape(shape, "Ones")
        return np.ones(shape, dtype=_check_dtype(dtype, "Ones", floating=False))


class Constant(Initializer):
    """Initializer that fills the weight with one constant value.

    Args:
        value: a Python number (only scalars are allowed, as in Keras).

    >>> Constant(0.5)((2,))
    array([0.5, 0.5], dtype=float32)
    """

    def __init__(self, value=0.0):
        if isinstance(value, (np.ndarray, np.generic)) and np.ndim(value) == 0:
            value = value.item()
        if not isinstance(value, numbers.Number):
            raise TypeError(
                f"Constant: `value` must be a scalar number, received {value!r}. For an "
                f"array of initial values, pass the array itself as the variable's value."
            )
        self.value = value

    def __call__(self, shape, dtype=None):
        shape = _check_shape(shape, "Constant")
        return np.full(shape, self.value, dtype=_check_dtype(dtype, "Constant", floating=False))

    def get_config(self):
        return {"value": self.value}


class Identity(Initializer):
    """Initializer that makes a 2-D identity matrix, times `gain`.

    A non-square shape gets ones on its main diagonal and zeros elsewhere.

    Args:
        gain: the factor to multiply the identity matrix by.

    >>> Identity(gain=2.0)((2, 2))
    array([[2., 0.],
           [0., 2.]], dtype=float32)
    """

    def __init__(self, gain=1.0):
        self.gain = _check_number(gain, "gain", "Identity")

    def __call__(self, shape, dtype=None):
        shape = _check_shape(shape, "Identity")
        if len(shape) != 2:
            raise ValueError(
                f"Identity matrix initializer can only be used for 2D matrices. Received: "
                f"shape={shape} of rank {len(shape)}. Use it for Dense-like kernels only."
            )
        dtype = _check_dtype(dtype, "Identity", floating=False)
        return np.eye(*shape, dtype=dtype) * dtype.type(self.gain)

    def get_config(self):
        return {"gain": self.gain}


class RandomInitializer(Initializer):
    """Base of the random initializers: resolves `seed` once, at construction.

    Args:
        seed: an integer from 0 to 2**32 - 1 for reproducible values, or None to take a seed
            from the shared generator (so `set_random_seed` governs it). Either way every
            call of this instance returns the same values (Keras 3's stateless seeding).
    """

    def __init__(self, seed=None):
        where = type(self).__name__
        if seed is not None and (isinstance(seed, (bool, np.bool_)) or
                                 not isinstance(seed, (int, np.integer)) or
                                 not 0 <= seed < 2 ** 32):
            raise ValueError(
                f"{where}: `seed` must be None or an integer from 0 to 2**32 - 1, "
                f"received seed={seed!r}."
            )
        self._init_seed = None if seed is None else int(seed)
        # Why drawn here and not per call: an unseeded Keras 3 initializer fixes its seed when
        # it is created, so calling one instance twice gives the same values.
        self.seed = self._init_seed if seed is not None else \
            int(random.generator().integers(0, 2 ** 32))

    def get_config(self):
        return {"seed": self._init_seed}


class RandomNormal(RandomInitializer):
    """Initializer drawing from a normal distribution.

    Args:
        mean: the mean of the values.
        stddev: their standard deviation.
        seed: None or an integer; see `RandomInitializer` (same values on every call).

    >>> RandomNormal(mean=0.0, stddev=1.0, seed=1)((2, 2)).shape
    (2, 2)
    """

    def __init__(self, mean=0.0, stddev=0.05, seed=None):
        self.mean = _check_number(mean, "mean", "RandomNormal")
        self.stddev = _check_number(stddev, "stddev", "RandomNormal")
        super().__init__(seed=seed)

    def __call__(self, shape, dtype=None):
        return random.normal(_check_shape(shape, "RandomNormal"), mean=self.mean,
                             stddev=self.stddev, dtype=_check_dtype(dtype, "RandomNormal"),
                             seed=self.seed)

    def get_config(self):
        return {**super().get_config(), "mean": self.mean, "stddev": self.stddev}


class TruncatedNormal(RandomInitializer):
    """Initializer drawing from a normal distribution cut off at two standard deviations.

    Values further than 2 * stddev from the mean are drawn again, so the result's actual
    standard deviation is about 0.88 * stddev.

    Args:
        mean: the mean of the values.
        stddev: the standard deviation of the normal distribution before truncation.
        seed: None or an integer; see `RandomInitializer` (same values on every call).

    >>> TruncatedNormal(mean=0.0, stddev=1.0, seed=1)((2, 2)).shape
    (2, 2)
    """

    def __init__(self, mean=0.0, stddev=0.05, seed=None):
        self.mean = _check_number(mean, "mean", "TruncatedNormal")
        self.stddev = _check_number(stddev, "stddev", "TruncatedNormal")
        super().__init__(seed=seed)

    def __call__(self, shape, dtype=None):
        return random.truncated_normal(_check_shape(shape, "TruncatedNormal"), mean=self.mean,
                                       stddev=self.stddev,
                                       dtype=_check_dtype(dtype, "TruncatedNormal"),
                                       seed=self.seed)

    def get_config(self):
        return {**super().get_config(), "mean": self.mean, "stddev": self.stddev}


class RandomUniform(RandomInitializer):
    """Initializer drawing uniformly from [minval, maxval).

    Args:
        minval: the lower bound (included).
        maxval: the upper bound (excluded).
        seed: None or an integer; see `RandomInitializer` (same values on every call).

    >>> RandomUniform(minval=0.0, maxval=1.0, seed=1)((2, 2)).shape
    (2, 2)
    """

    def __init__(self, minval=-0.05, maxval=0.05, seed=None):
        self.minval = _check_number(minval, "minval", "RandomUniform")
        self.maxval = _check_number(maxval, "maxval", "RandomUniform")
        if self.minval > self.maxval:
            raise ValueError(f"RandomUniform: `minval` must not exceed `maxval`, received "
                             f"minval={minval!r}, maxval={maxval!r}.")
        super().__init__(seed=seed)

    def __call__(self, shape, dtype=None):
        return random.uniform(_check_shape(shape, "RandomUniform"), minval=self.minval,
                              maxval=self.maxval, dtype=_check_dtype(dtype, "RandomUniform"),
                              seed=self.seed)

    def get_config(self):
        return {**super().get_config(), "minval": self.minval, "maxval": self.maxval}


class VarianceScaling(RandomInitializer):
    """Initializer whose spread adapts to the weight's shape: variance scale / n.

    n is fan_in (`mode='fan_in'`), fan_out (`'fan_out'`) or their mean (`'fan_avg'`), counted
    as `compute_fans` does (a convolution kernel's fans include its receptive field). With
    `distribution='truncated_normal'` (or its alias 'normal') values come from a normal truncated
    at two standard deviations and rescaled so their standard deviation is sqrt(scale / n);
    'untruncated_normal' draws a plain normal with that standard deviation; 'uniform' draws from
    [-limit, limit] with limit = sqrt(3 * scale / n).

    Args:
        scale: the scaling factor, a positive number.
        mode: 'fan_in', 'fan_out' or 'fan_avg'.
        distribution: 'truncated_normal', 'untruncated_normal' or 'uniform'.
        seed: None or an integer; see `RandomInitializer` (same values on every call).

    >>> VarianceScaling(scale=2.0, mode="fan_in", distribution="uniform")((3, 4)).shape
    (3, 4)
    """

    _MODES = ("fan_in", "fan_out", "fan_avg")
    _DISTRIBUTIONS = ("truncated_normal", "untruncated_normal", "uniform")

    def __init__(self, scale=1.0, mode="fan_in", distribution="truncated_normal", seed=None):
        where = type(self).__name__
        self.scale = _check_number(scale, "scale", where, positive=True)
        if mode not in self._MODES:
            raise ValueError(f"{where}: invalid `mode` argument: {mode!r}. Expected one of "
                             f"{', '.join(repr(m) for m in self._MODES)}.")
        if not isinstance(distribution, str) or \
                distribution.lower() not in self._DISTRIBUTIONS + ("normal",):
            raise ValueError(
                f"{where}: invalid `distribution` argument: {distribution!r}. Expected one of "
                f"{', '.join(repr(d) for d in self._DISTRIBUTIONS)} ('normal' means "
                f"'truncated_normal')."
            )
        distribution = distribution.lower()
        self.mode = mode
        self.distribution = "truncated_normal" if distribution == "normal" else distribution
        super().__init__(seed=seed)

    def __call__(self, shape, dtype=None):
        where = type(self).__name__
        shape = _check_shape(shape, where)
        dtype = _check_dtype(dtype, where)
        fan_in, fan_out = compute_fans(shape)
        fan = {"fan_in": fan_in, "fan_out": fan_out, "fan_avg": (fan_in + fan_out) / 2.0}
        variance = self.scale / max(1.0, fan[self.mode])
        if self.distribution == "truncated_normal":
            return random.truncated_normal(shape, stddev=math.sqrt(variance) / _TRUNCATED_STDDEV,
                                           dtype=dtype, seed=self.seed)
        if self.distribution == "untruncated_normal":
            return random.normal(shape, stddev=math.sqrt(variance), dtype=dtype, seed=self.seed)
        limit = math.sqrt(3.0 * variance)
        return random.uniform(shape, minval=-limit, maxval=limit, dtype=dtype, seed=self.seed)

    def get_config(self):
        return {**super().get_config(), "scale": self.scale, "mode": self.mode,
                "distribution": self.distribution}


class _FixedVarianceScaling(VarianceScaling):
    """A VarianceScaling with fixed settings: only `seed` is configurable."""

    _SETTINGS = {}

    def __init__(self, seed=None):
        super().__init__(seed=seed, **self._SETTINGS)

    def get_config(self):
        return {"seed": self._init_seed}


class GlorotNormal(_FixedVarianceScaling):
    """Glorot (Xavier) normal initializer: truncated normal, stddev sqrt(2 / (fan_in + fan_out)).

    Args:
        seed: None or an integer; see `RandomInitializer` (same values on every call).

    >>> GlorotNormal(seed=0)((3, 4)).shape
    (3, 4)
    """

    _SETTINGS = {"scale": 1.0, "mode": "fan_avg", "distribution": "truncated_normal"}


class GlorotUniform(_FixedVarianceScaling):
    """Glorot (Xavier) uniform initializer: [-limit, limit], limit sqrt(6 / (fan_in + fan_out)).

    The default kernel initializer of Keras's Dense and convolution layers.

    Args:
        seed: None or an integer; see `RandomInitializer` (same values on every call).

    >>> GlorotUniform(seed=0)((3, 4)).shape
    (3, 4)
    """

    _SETTINGS = {"scale": 1.0, "mode": "fan_avg", "distribution": "uniform"}


class HeNormal(_FixedVarianceScaling):
    """He normal initializer: truncated normal with stddev sqrt(2 / fan_in), suited to relu.

    Args:
        seed: None or an integer; see `RandomInitializer` (same values on every call).

    >>> HeNormal(seed=0)((3, 4)).shape
    (3, 4)
    """

    _SETTINGS = {"scale": 2.0, "mode": "fan_in", "distribution": "truncated_normal"}


class HeUniform(_FixedVarianceScaling):
    """He uniform initializer: [-limit, limit] with limit sqrt(6 / fan_in).

    Args:
        seed: None or an integer; see `RandomInitializer` (same values on every call).

    >>> HeUniform(seed=0)((3, 4)).shape
    (3, 4)
    """

    _SETTINGS = {"scale": 2.0, "mode": "fan_in", "distribution": "uniform"}


class LecunNormal(_FixedVarianceScaling):
    """LeCun normal initializer: truncated normal with stddev sqrt(1 / fan_in), used with selu.

    Args:
        seed: None or an integer; see `RandomInitializer` (same values on every call).

    >>> LecunNormal(seed=0)((3, 4)).shape
    (3, 4)
    """

    _SETTINGS = {"scale": 1.0, "mode": "fan_in", "distribution": "truncated_normal"}


class LecunUniform(_FixedVarianceScaling):
    """LeCun uniform initializer: [-limit, limit] with limit sqrt(3 / fan_in).

    Args:
        seed: None or an integer; see `RandomInitializer` (same values on every call).

    >>> LecunUniform(seed=0)((3, 4)).shape
    (3, 4)
    """

    _SETTINGS = {"scale": 1.0, "mode": "fan_in", "distribution": "uniform"}


class Orthogonal(RandomInitializer):
    """Initializer that makes an orthogonal matrix (times `gain`), from the QR of a normal draw.

    A (rows, cols) weight with rows >= cols gets orthonormal columns; with fewer rows than
    columns it gets orthonormal rows. A weight of higher rank is made as the matrix
    (prod(shape[:-1]), shape[-1]) and reshaped, so each convolution filter is orthogonal to
    the others.

    Args:
        gain: the factor to multiply the orthogonal matrix by.
        seed: None or an integer; see `RandomInitializer` (same values on every call).

    >>> w = Orthogonal(seed=0)((4, 3))
    >>> np.allclose(w.T @ w, np.eye(3), atol=1e-6)
    True
    """

    def __init__(self, gain=1.0, seed=None):
        self.gain = _check_number(gain, "gain", "Orthogonal")
        super().__init__(seed=seed)

    def __call__(self, shape, dtype=None):
        shape = _check_shape(shape, "Orthogonal")
        dtype = _check_dtype(dtype, "Orthogonal")
        if len(shape) < 2:
            raise ValueError(
                f"Orthogonal: the tensor to initialize must be at least two-dimensional. "
                f"Received: shape={shape} of rank {len(shape)}."
            )
        rows, cols = int(np.prod(shape[:-1], dtype=np.int64)), shape[-1]
        # numpy's QR has no float16 kernel: such weights are made in float32, then cast.
        work = np.promote_types(dtype, np.float32)
        a = random.normal((max(rows, cols), min(rows, cols)), dtype=work, seed=self.seed)
        q, r = np.linalg.qr(a)
        # Fixing the signs of R's diagonal makes Q uniformly distributed over orthogonal
        # matrices instead of biased by the QR algorithm's sign convention.
        q = q * np.sign(np.diag(r))
        if rows < cols:
            q = q.T
        return (q.reshape(shape) * work.type(self.gain)).astype(dtype, copy=False)

    def get_config(self):
        return {**super().get_config(), "gain": self.gain}


# Keras exports each class under its lowercase name too (keras.initializers.glorot_uniform).
zeros = Zeros
ones = Ones
constant = Constant
identity = IdentityInitializer = Identity
random_normal = RandomNormal
truncated_normal = TruncatedNormal
random_uniform = RandomUniform
variance_scaling = VarianceScaling
glorot_normal = GlorotNormal
glorot_uniform = GlorotUniform
he_normal = HeNormal
he_uniform = HeUniform
lecun_normal = LecunNormal
lecun_uniform = LecunUniform
orthogonal = OrthogonalInitializer = Orthogonal

ALL_OBJECTS = (Zeros, Ones, Constant, Identity, RandomNormal, TruncatedNormal, RandomUniform,
               VarianceScaling, GlorotNormal, GlorotUniform, HeNormal, HeUniform, LecunNormal,
               LecunUniform, Orthogonal)
_ALIASES = {
    "zeros": Zeros, "zero": Zeros, "ones": Ones, "one": Ones, "constant": Constant,
    "identity": Identity, "IdentityInitializer": Identity,
    "random_normal": RandomNormal, "normal": RandomNormal, "truncated_normal": TruncatedNormal,
    "random_uniform": RandomUniform, "uniform": RandomUniform,
    "variance_scaling": VarianceScaling, "glorot_normal": GlorotNormal,
    "glorot_uniform": GlorotUniform, "he_normal": HeNormal, "he_uniform": HeUniform,
    "lecun_normal": LecunNormal, "lecun_uniform": LecunUniform,
    "orthogonal": Orthogonal, "OrthogonalInitializer": Orthogonal,
}
_REGISTRY = Registry("initializer", "keras.initializers", ALL_OBJECTS, aliases=_ALIASES,
                     instantiate=True)


def get(identifier):
    """An initializer instance for a name ('he_normal'), a config dict, a class or a callable.

    >>> get("he_normal")
    """
    return _REGISTRY.get(identifier)


def serialize(initializer):
    """Keras's config dict for an initializer ({'module', 'class_name', 'config', ...})."""
    return _REGISTRY.serialize(initializer)


def deserialize(config, custom_objects=None):
    """The initializer for a stored name or config dict."""
    return _REGISTRY.deserialize(config, custom_objects)
