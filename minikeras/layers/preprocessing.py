"""Preprocessing layers: Normalization with adapt()."""

import math

import numpy as np

from ..backend import config as backend_config
from ..backend.ops import math as math_ops
from ..backend.tensor import Tensor, to_array
from .base import InputSpec, Layer, shape_str

__all__ = ["Normalization"]


class Normalization(Layer):
    """Shifts and scales features to mean 0 and standard deviation 1: `(x - mean) / sqrt(var)`.

    The mean and variance come from `adapt(data)`, which measures them on training data, or
    are given to the constructor. `axis` names the axes that keep one mean and variance per
    index (the features); the statistics are taken over all the other axes. The square root
    of the variance is kept above 1e-7 (Keras's epsilon), so a constant feature gives 0s.

    Args:
        axis: an int, a tuple of ints, or None (one mean and variance for everything);
            default -1, one per feature on the last axis.
        mean, variance: optional fixed statistics, broadcast to the kept axes (aligned from
            the right); both or neither. Given them, the layer needs no adapt() and has no
            weights.
        invert: if True, undo the normalization: `mean + x * sqrt(var)`.

    Weights (adapted layers): mean and variance (shape of the kept axes) and count (a
    scalar kept for compatibility with Keras's files; Keras 3 leaves it at 0), all
    non-trainable.

    Input shape: any, matching the kept axes. Output shape: the same.

    >>> layer = Normalization(axis=None)
    >>> layer.adapt(np.array([1., 2., 3., 4., 5.], dtype="float32"))
    >>> layer(np.array([1., 2., 3.], dtype="float32"))   # -1.4142135, -0.70710677, 0.
    """

    def __init__(self, axis=-1, mean=None, variance=None, invert=False, **kwargs):
        super().__init__(**kwargs)
        if axis is None:
            axis = ()
        elif isinstance(axis, (int, np.integer)) and not isinstance(axis, bool):
            axis = (int(axis),)
        elif isinstance(axis, (list, tuple)) and all(
                isinstance(a, (int, np.integer)) and not isinstance(a, bool) for a in axis):
            axis = tuple(int(a) for a in axis)
        else:
            raise TypeError(f'Layer "{self.name}": `axis` must be an int, a tuple of ints or '
                            f"None, received axis={axis!r}.")
        self.axis = axis
        if (mean is None) != (variance is None):
            raise ValueError(
                f'Layer "{self.name}": when setting values directly, both `mean` and '
                f"`variance` must be set. Received: mean={mean} and variance={variance}"
            )
        if mean is not None:
            if np.shape(mean) != np.shape(variance):
                raise ValueError(
                    f'Layer "{self.name}": `mean` and `variance` must have the same shape. '
                    f"Received: mean shape {np.shape(mean)} and variance shape "
                    f"{np.shape(variance)}"
                )
            if np.ndim(mean) > len(self.axis):
                raise ValueError(
                    f'Layer "{self.name}": the rank of `mean` must be less than or equal to '
                    f"the number of axes ({len(self.axis)}). Received: mean shape "
                    f"{np.shape(mean)} for axis {self.axis}"
                )
        self.input_mean = mean
        self.input_variance = variance
        self.invert = bool(invert)
        self._adapted = False
        self.supports_masking = True

    def build(self, input_shape):
        ndim = len(input_shape)
        if any(not -ndim <= a < ndim for a in self.axis):
            raise ValueError(
                f'Layer "{self.name}": all `axis` values must be in the range [-ndim, ndim). '
                f"Received inputs of shape {shape_str(input_shape)} (ndim={ndim}), while "
                f"axis={self.axis}"
            )
        keep = tuple(sorted(a % ndim for a in self.axis))
        unknown = [d for d in keep if input_shape[d] is None]
        if unknown:
            raise ValueError(
                f'Layer "{self.name}": all `axis` values to be kept must have a known size. '
                f"Received axis={self.axis}, inputs of shape {shape_str(input_shape)}, with "
                f"an unknown size at axis {unknown[0]}"
            )
        self._keep_axis = keep
        self._reduce_axis = tuple(d for d in range(ndim) if d not in keep)
        self._broadcast_shape = tuple(input_shape[d] if d in keep else 1 for d in range(ndim))
        shape = tuple(input_shape[d] for d in keep)
        if self.input_mean is None:
            self.adapt_mean = self.add_weight(shape=shape, initializer="zeros",
                                              trainable=False, name="mean")
            self.adapt_variance = self.add_weight(shape=shape, initializer="ones",
                                                  trainable=False, name="variance")
            self.count = self.add_weight(shape=(), initializer="zeros", dtype="int64",
                                         trainable=False, name="count")
        else:
            self._fixed = [self._fit(value, name) for name, value in
                           (("mean", self.input_mean), ("variance", self.input_variance))]
        if keep:
            self.input_spec = InputSpec(ndim=ndim, axes={d: input_shape[d] for d in keep})
        self.built = True

    def _fit(self, value, name):
        """A given mean or variance aligned from the right with the kept axes, broadcast."""
        value = np.asarray(value, dtype=self.dtype)
        shape = [1] * len(self._broadcast_shape)
        for i in range(1, value.ndim + 1):
            shape[self._keep_axis[-i]] = value.shape[-i]
        try:
            return np.broadcast_to(value.reshape(shape), self._broadcast_shape)
        except ValueError:
            raise ValueError(
                f'Layer "{self.name}": `{name}` of shape {value.shape} cannot be broadcast to '
                f"the kept axes {self._keep_axis} of size "
                f"{tuple(self._broadcast_shape[d] for d in self._keep_axis)}."
            ) from None

    def adapt(self, data):
        """Compute the mean and variance of `data` and store them in the layer's weights.

        Args:
            data: a numpy array (or Tensor) of samples, or an iterable of batches (a list of
                arrays, a generator; a batch may be an (x, y) tuple, whose x is used). The
                statistics are taken over all axes but `axis`; the variance is the biased one
                (divided by the count), as Keras computes it.
        """
        if self.input_mean is not None:
            raise ValueError(f'Layer "{self.name}" was given `mean` and `variance`, so it has '
                             f"nothing to adapt; create it without them to use adapt().")
        if isinstance(data, (np.ndarray, Tensor)):
            array = to_array(data, where=f'Layer "{self.name}".adapt')
            if array.size == 0:
                raise ValueError(f'Layer "{self.name}".adapt received no samples (data of '
                                 f"shape {array.shape}).")
            self._build_for(array.shape)
            mean = np.mean(array, axis=self._reduce_axis)
            variance = np.var(array, axis=self._reduce_axis)
        elif hasattr(data, "__iter__") and not isinstance(data, (str, bytes, dict)):
            mean, variance = self._adapt_batches(iter(data))
        else:
            raise TypeError(
                f'Layer "{self.name}".adapt: unsupported data of type {type(data).__name__}. '
                f"Pass a numpy array, or an iterable of batches (e.g. a list of arrays)."
            )
        self.adapt_mean.assign(np.asarray(mean, dtype=self.adapt_mean.dtype))
        self.adapt_variance.assign(np.asarray(variance, dtype=self.adapt_variance.dtype))
        self._adapted = True

    def _adapt_batches(self, batches):
        """Running mean and variance over batches, merged as Keras merges them (the
        lack-of-fit sum of squares), in the layer's dtype."""
        total_mean = total_variance = None
        total_count = 0
        for batch in batches:
            batch = _batch_array(self, batch)
            if total_mean is None:
                self._build_for(batch.shape)
                total_mean = np.zeros(self.adapt_mean.shape, dtype=self.dtype)
                total_variance = np.zeros(self.adapt_mean.shape, dtype=self.dtype)
            else:
                self._check_adapt_shape(batch.shape)
            batch_mean = np.mean(batch, axis=self._reduce_axis)
            batch_variance = np.var(batch, axis=self._reduce_axis)
            batch_count = math.prod(batch.shape[d] for d in self._reduce_axis)
            total_count += batch_count
            weight = batch_count / total_count
            dtype = total_mean.dtype.type
            new_mean = total_mean * dtype(1 - weight) + batch_mean * dtype(weight)
            total_variance = (total_variance + np.square(total_mean - new_mean)) * \
                dtype(1 - weight) + (batch_variance + np.square(batch_mean - new_mean)) * \
                dtype(weight)
            total_mean = new_mean
        if total_mean is None:
            raise ValueError(f'Layer "{self.name}".adapt received an empty iterable (no '
                             f"batches). Pass a non-empty list of arrays, or one array.")
        return total_mean, total_variance

    def _build_for(self, shape):
        if self.built:
            self._check_adapt_shape(shape)
        else:
            self._maybe_build([tuple(shape)])

    def _check_adapt_shape(self, shape):
        built = self._broadcast_shape
        if len(shape) != len(built) or any(shape[d] != built[d] for d in self._keep_axis):
            raise ValueError(
                f'Layer "{self.name}" was built for inputs of shape '
                f"{shape_str(self._build_shapes)} (keeping axes {self._keep_axis}), but "
                f"adapt() received data of the incompatible shape {shape_str(shape)}."
            )

    def set_weights(self, weights):
        super().set_weights(weights)
        self._adapted = True

    def _statistics(self):
        """The mean and variance in the broadcast shape, refusing a layer never adapted."""
        if self.input_mean is not None:
            return self._fixed
        mean, variance = self.adapt_mean.data, self.adapt_variance.data
        # Weights loaded by another route than set_weights count as adapted unless they still
        # hold their initial values.
        if not self._adapted and not (np.any(mean != 0) or np.any(variance != 1)):
            raise ValueError(
                f'Layer "{self.name}" has no mean and variance yet: call '
                f"`{self.name}.adapt(data)` on training data before using it (or pass `mean` "
                f"and `variance` to Normalization)."
            )
        return mean.reshape(self._broadcast_shape), variance.reshape(self._broadcast_shape)

    def call(self, inputs):
        mean, variance = self._statistics()
        if inputs.dtype != np.dtype(self.dtype):
            inputs = math_ops.cast(inputs, self.dtype)
        std = np.maximum(np.sqrt(variance), variance.dtype.type(backend_config.epsilon()))
        if self.invert:
            return inputs * std + mean
        return (inputs - mean) / std

    def compute_output_spec(self, inputs, *args, **kwargs):
        return tuple(inputs.shape), np.dtype(self.dtype)

    def compute_output_shape(self, input_shape):
        return tuple(input_shape)

    def get_config(self):
        config = super().get_config()
        config.update({
            "axis": list(self.axis),
            "invert": self.invert,
            "mean": np.array(self.input_mean).tolist(),
            "variance": np.array(self.input_variance).tolist(),
        })
        return config


def _batch_array(layer, batch):
    """One batch of adapt() data as an array in the layer's dtype; x of an (x, y) tuple."""
    if isinstance(batch, tuple):
        batch = batch[0]
    if not isinstance(batch, (np.ndarray, Tensor)) and not hasattr(batch, "shape"):
        raise TypeError(
            f'Layer "{layer.name}".adapt treats an iterable as a sequence of batches, but one '
            f"element is a {type(batch).__name__}, not an array. To adapt to one array of "
            f"samples, pass np.asarray(data) instead."
        )
    return to_array(batch, where=f'Layer "{layer.name}".adapt').astype(layer.dtype, copy=False)


LAYERS = (Normalization,)
