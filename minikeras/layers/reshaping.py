"""Reshaping layers: Reshape, Permute, RepeatVector, and for sequences and images UpSampling,
ZeroPadding and Cropping (1-D and 2-D)."""

import math
import operator

import numpy as np

from ..backend.ops import linalg, shape as shape_ops
from ..backend.config import standardize_data_format
from .base import InputSpec, Layer


class Reshape(Layer):
    """Reshapes each sample to `target_shape`; the batch axis is kept.

    Args:
        target_shape: the new shape of one sample, without the batch axis; one entry may be -1,
            inferred from the size of the input.

    Input shape: (batch_size, ...), any shape holding as many values as `target_shape`.
    Output shape: (batch_size, *target_shape).

    >>> Reshape((3, 4))(Input(shape=(12,))).shape
    (None, 3, 4)
    """

    def __init__(self, target_shape, **kwargs):
        super().__init__(**kwargs)
        if isinstance(target_shape, (int, np.integer)):
            target_shape = (target_shape,)
        target_shape = tuple(target_shape)
        if not all(isinstance(d, (int, np.integer)) and (d > 0 or d == -1)
                   for d in target_shape):
            raise ValueError(
                f'Layer "{self.name}": the `target_shape` argument must be a tuple of positive '
                f"integers (one of them may be -1). Received: target_shape={target_shape}"
            )
        if target_shape.count(-1) > 1:
            raise ValueError(
                "The `target_shape` argument must not contain more than one `-1` value. "
                f"Received: target_shape={target_shape}"
            )
        self.target_shape = tuple(int(d) for d in target_shape)

    def _resolved_shape(self, sample_shape):
        """target_shape with its -1 worked out (None while the input size is unknown)."""
        target = self.target_shape
        if any(d is None for d in sample_shape):
            return tuple(None if d == -1 else d for d in target)
        size = math.prod(sample_shape)
        known = math.prod(d for d in target if d != -1)
        if -1 not in target:
            if size != known:
                raise ValueError(
                    "The total size of the tensor must be unchanged. Received: "
                    f"input_shape={tuple(sample_shape)}, target_shape={target}"
                )
            return target
        if size % known:
            raise ValueError(
                "The total size of the tensor must be unchanged, however, the input size "
                "cannot be divided by the specified dimensions in target_shape. Received: "
                f"input_shape={tuple(sample_shape)}, target_shape={target}"
            )
        return tuple(size // known if d == -1 else d for d in target)

    def call(self, inputs):
        shape = self._resolved_shape(inputs.shape[1:])
        return shape_ops.reshape(inputs, (inputs.shape[0],) + shape)

    def compute_output_shape(self, input_shape):
        return (input_shape[0],) + self._resolved_shape(tuple(input_shape[1:]))

    def get_config(self):
        config = super().get_config()
        config["target_shape"] = self.target_shape
        return config

    @classmethod
    def from_config(cls, config):
        config = dict(config)
        config["target_shape"] = tuple(config["target_shape"])  # JSON gives a list
        return super().from_config(config)


class Permute(Layer):
    """Reorders the axes of each sample, e.g. to swap time steps and features.

    Args:
        dims: the new order of the sample axes, numbered from 1 (the batch axis 0 stays);
            `(2, 1)` swaps the two axes of a 3-D input.

    Input shape: (batch_size, d1, ..., dn) with n = len(dims).
    Output shape: the input shape with the sample axes in the order `dims`.

    >>> Permute((2, 1))(Input(shape=(10, 64))).shape
    (None, 64, 10)
    """

    def __init__(self, dims, **kwargs):
        super().__init__(**kwargs)
        dims = tuple(dims)
        if sorted(dims) != list(range(1, len(dims) + 1)):
            raise ValueError(
                "Invalid permutation argument `dims` for Permute Layer. The set of indices in "
                f"`dims` must be consecutive and start from 1. Received dims={dims}"
            )
        self.dims = tuple(int(d) for d in dims)
        self.input_spec = InputSpec(ndim=len(self.dims) + 1)

    def call(self, inputs):
        return shape_ops.transpose(inputs, (0,) + self.dims)

    def compute_output_shape(self, input_shape):
        return (input_shape[0],) + tuple(input_shape[d] for d in self.dims)

    def get_config(self):
        config = super().get_config()
        config["dims"] = self.dims
        return config


class RepeatVector(Layer):
    """Repeats each input vector `n` times along a new axis 1.

    Args:
        n: the number of repetitions.

    Input shape: (batch_size, features).
    Output shape: (batch_size, n, features).

    >>> RepeatVector(3)(Input(shape=(32,))).shape
    (None, 3, 32)
    """

    def __init__(self, n, **kwargs):
        super().__init__(**kwargs)
        try:
            n = operator.index(n)
        except TypeError:
            raise TypeError(f"Expected an integer value for `n`, got {type(n)}.") from None
        if n < 0:
            raise ValueError(f'Layer "{self.name}": `n` must not be negative. Received: n={n}')
        self.n = int(n)
        self.input_spec = InputSpec(ndim=2)

    def call(self, inputs):
        return shape_ops.repeat(shape_ops.expand_dims(inputs, 1), self.n, axis=1)

    def compute_output_shape(self, input_shape):
        return (input_shape[0], self.n, input_shape[1])

    def get_config(self):
        config = super().get_config()
        config["n"] = self.n
        return config


# -- up-sampling, zero-padding and cropping of sequences and images ----------------------------


def _is_int(value):
    return isinstance(value, (int, np.integer)) and not isinstance(value, (bool, np.bool_))


def _spatial_axes(data_format, rank):
    first = 2 if data_format == "channels_first" else 1
    return tuple(range(first, first + rank))


def _pair(value, name, where):
    """A non-negative int, or a pair of them, as a (before, after) pair."""
    pair = (value, value) if _is_int(value) else value
    try:
        pair = tuple(pair)
    except TypeError:
        pair = ()
    if len(pair) != 2 or not all(_is_int(v) and v >= 0 for v in pair):
        raise ValueError(f"{where}: `{name}` must be a non-negative int or a tuple of 2 "
                         f"non-negative ints, received {name}={value!r}.")
    return tuple(int(v) for v in pair)


def _pairs_2d(value, name, where):
    """((top, bottom), (left, right)) from an int, a pair of ints (symmetric per axis) or a
    pair of pairs, as Keras accepts them."""
    if _is_int(value):
        return (_pair(value, name, where),) * 2
    if isinstance(value, str) or not hasattr(value, "__len__") or len(value) != 2:
        raise ValueError(
            f"{where}: `{name}` must be an int, a tuple of 2 ints (symmetric height, symmetric "
            f"width) or a tuple of 2 tuples of 2 ints ((top, bottom), (left, right)), received "
            f"{name}={value!r}."
        )
    return (_pair(value[0], f"1st entry of {name}", where),
            _pair(value[1], f"2nd entry of {name}", where))


class UpSampling1D(Layer):
    """Repeats each step of a sequence `size` times along the steps axis.

    Args:
        size: the repetition factor, a positive int.

    Input shape: (batch_size, steps, features).
    Output shape: (batch_size, steps * size, features).

    >>> UpSampling1D(size=2)(np.arange(6.0).reshape(1, 3, 2)).shape
    (1, 6, 2)
    """

    def __init__(self, size=2, **kwargs):
        super().__init__(**kwargs)
        if not _is_int(size) or size <= 0:
            raise ValueError(f'Layer "{self.name}": argument `size` should be a positive '
                             f"integer. Received: size={size!r}")
        self.size = int(size)
        self.input_spec = InputSpec(ndim=3)

    def call(self, inputs):
        return shape_ops.repeat(inputs, self.size, axis=1)

    def compute_output_shape(self, input_shape):
        steps = None if input_shape[1] is None else input_shape[1] * self.size
        return (input_shape[0], steps, input_shape[2])

    def get_config(self):
        config = super().get_config()
        config["size"] = self.size
        return config


def _bilinear_matrix(length, factor, dtype):
    """The (length * factor, length) matrix of linear interpolation along one axis, with
    half-pixel centres and edge values held, as TensorFlow's and JAX's bilinear resize do."""
    out = np.arange(length * factor)
    source = np.clip((out + 0.5) / factor - 0.5, 0, length - 1)
    low = np.floor(source).astype(np.int64)
    high = np.minimum(low + 1, length - 1)
    frac = source - low
    matrix = np.zeros((length * factor, length))
    matrix[out, low] = 1 - frac
    np.add.at(matrix, (out, high), frac)  # high == low at the last row: add, not overwrite
    return matrix.astype(dtype)


class UpSampling2D(Layer):
    """Enlarges images by repeating rows and columns ('nearest') or interpolating
    ('bilinear').

    Args:
        size: the factors for rows and cols, an int or a tuple of 2 positive ints.
        data_format: 'channels_last' (default: image_data_format()) or 'channels_first'.
        interpolation: 'nearest' (repeat each pixel) or 'bilinear' (linear in both
            directions, pixel centres aligned as in TensorFlow's resize; edge pixels held).

    Input shape: (batch_size, rows, cols, channels), or (batch_size, channels, rows, cols) for
        channels_first.
    Output shape: rows * size[0] and cols * size[1], channels unchanged.

    >>> UpSampling2D(size=(1, 2))(Input(shape=(2, 1, 3))).shape
    (None, 2, 2, 3)
    """

    INTERPOLATIONS = ("nearest", "bilinear")

    def __init__(self, size=(2, 2), data_format=None, interpolation="nearest", **kwargs):
        super().__init__(**kwargs)
        where = f'Layer "{self.name}"'
        self.data_format = standardize_data_format(data_format, where)
        sizes = (size, size) if _is_int(size) else size
        try:
            sizes = tuple(sizes)
        except TypeError:
            sizes = ()
        if len(sizes) != 2 or not all(_is_int(s) and s > 0 for s in sizes):
            raise ValueError(f"{where}: `size` must be a positive int or a tuple of 2 positive "
                             f"ints, received size={size!r}.")
        self.size = tuple(int(s) for s in sizes)
        value = str(interpolation).lower()
        if value not in self.INTERPOLATIONS:
            # Keras also has 'bicubic', 'lanczos3', 'lanczos5' and 'area' (through its image
            # resize op); they are not implemented here.
            raise ValueError(f"{where}: interpolation={interpolation!r} is not supported; use "
                             f"one of {', '.join(map(repr, self.INTERPOLATIONS))}.")
        self.interpolation = value
        self.input_spec = InputSpec(ndim=4)

    def call(self, inputs):
        rows, cols = _spatial_axes(self.data_format, 2)
        if self.interpolation == "nearest":
            return shape_ops.repeat(shape_ops.repeat(inputs, self.size[0], axis=rows),
                                    self.size[1], axis=cols)
        dtype = inputs.dtype
        along_rows = _bilinear_matrix(inputs.shape[rows], self.size[0], dtype)
        along_cols = _bilinear_matrix(inputs.shape[cols], self.size[1], dtype)
        if self.data_format == "channels_first":  # (batch, channels, rows, cols)
            x = linalg.matmul(along_rows, inputs)
            return linalg.matmul(x, along_cols.T)
        batch, n_rows, n_cols, channels = inputs.shape
        x = shape_ops.reshape(inputs, (batch, n_rows, n_cols * channels))
        x = shape_ops.reshape(linalg.matmul(along_rows, x),
                              (batch, n_rows * self.size[0], n_cols, channels))
        return linalg.matmul(along_cols, x)

    def compute_output_shape(self, input_shape):
        shape = list(input_shape)
        for axis, factor in zip(_spatial_axes(self.data_format, 2), self.size):
            shape[axis] = None if shape[axis] is None else shape[axis] * factor
        return tuple(shape)

    def get_config(self):
        config = super().get_config()
        config.update({"size": self.size, "data_format": self.data_format,
                       "interpolation": self.interpolation})
        return config


class ZeroPadding1D(Layer):
    """Adds zeros at the start and the end of the steps axis of a sequence.

    Args:
        padding: the number of zero steps at each end (an int), or (start, end).
        data_format: 'channels_last' (default: image_data_format()) or 'channels_first'.

    Input shape: (batch_size, steps, features), or (batch_size, features, steps) for
        channels_first.
    Output shape: steps + start + end, features unchanged.

    >>> ZeroPadding1D(padding=2)(Input(shape=(2, 3))).shape
    (None, 6, 3)
    """

    def __init__(self, padding=1, data_format=None, **kwargs):
        super().__init__(**kwargs)
        where = f'Layer "{self.name}"'
        self.data_format = standardize_data_format(data_format, where)
        self.padding = _pair(padding, "padding", where)
        self.input_spec = InputSpec(ndim=3)

    def call(self, inputs):
        widths = [(0, 0)] * 3
        widths[_spatial_axes(self.data_format, 1)[0]] = self.padding
        return shape_ops.pad(inputs, widths)

    def compute_output_shape(self, input_shape):
        shape = list(input_shape)
        axis = _spatial_axes(self.data_format, 1)[0]
        if shape[axis] is not None:
            shape[axis] += sum(self.padding)
        return tuple(shape)

    def get_config(self):
        config = super().get_config()
        config.update({"padding": self.padding, "data_format": self.data_format})
        return config


class ZeroPadding2D(Layer):
    """Adds rows and columns of zeros around images.

    Args:
        padding: an int (the same on all four sides), a tuple of 2 ints (symmetric height,
            symmetric width), or ((top, bottom), (left, right)).
        data_format: 'channels_last' (default: image_data_format()) or 'channels_first'.

    Input shape: (batch_size, rows, cols, channels), or (batch_size, channels, rows, cols) for
        channels_first.
    Output shape: rows + top + bottom and cols + left + right, channels unchanged.

    >>> ZeroPadding2D(padding=1)(Input(shape=(28, 28, 1))).shape
    (None, 30, 30, 1)
    """

    def __init__(self, padding=(1, 1), data_format=None, **kwargs):
        super().__init__(**kwargs)
        where = f'Layer "{self.name}"'
        self.data_format = standardize_data_format(data_format, where)
        self.padding = _pairs_2d(padding, "padding", where)
        self.input_spec = InputSpec(ndim=4)

    def call(self, inputs):
        widths = [(0, 0)] * 4
        for axis, pair in zip(_spatial_axes(self.data_format, 2), self.padding):
            widths[axis] = pair
        return shape_ops.pad(inputs, widths)

    def compute_output_shape(self, input_shape):
        shape = list(input_shape)
        for axis, pair in zip(_spatial_axes(self.data_format, 2), self.padding):
            if shape[axis] is not None:
                shape[axis] += sum(pair)
        return tuple(shape)

    def get_config(self):
        config = super().get_config()
        config.update({"padding": self.padding, "data_format": self.data_format})
        return config


class _Cropping(Layer):
    """Shared by Cropping1D and Cropping2D: trims (start, end) off each spatial axis."""

    def _cropped_shape(self, input_shape):
        shape = list(input_shape)
        for axis, (start, end) in zip(self._axes, self._pairs):
            if shape[axis] is None:
                continue
            if start + end >= shape[axis]:
                raise ValueError(
                    f'Layer "{self.name}": {self._too_much}. Received: '
                    f"input_shape={tuple(input_shape)}, cropping={self.cropping}"
                )
            shape[axis] -= start + end
        return tuple(shape)

    def call(self, inputs):
        self._cropped_shape(inputs.shape)
        key = [slice(None)] * inputs.ndim
        for axis, (start, end) in zip(self._axes, self._pairs):
            key[axis] = slice(start, inputs.shape[axis] - end)
        return shape_ops.getitem(inputs, tuple(key))

    def compute_output_shape(self, input_shape):
        return self._cropped_shape(input_shape)


class Cropping1D(_Cropping):
    """Trims steps off the start and the end of sequences.

    Args:
        cropping: the number of steps to remove at each end (an int), or (start, end).

    Input shape: (batch_size, steps, features).
    Output shape: (batch_size, steps - start - end, features).

    >>> Cropping1D(cropping=1)(Input(shape=(3, 2))).shape
    (None, 1, 2)
    """

    _too_much = "`cropping` parameter of `Cropping1D` layer must be smaller than the input length"

    def __init__(self, cropping=(1, 1), **kwargs):
        super().__init__(**kwargs)
        self.cropping = _pair(cropping, "cropping", f'Layer "{self.name}"')
        self._axes, self._pairs = (1,), (self.cropping,)
        self.input_spec = InputSpec(ndim=3)

    def get_config(self):
        config = super().get_config()
        config["cropping"] = self.cropping
        return config


class Cropping2D(_Cropping):
    """Trims rows and columns off the borders of images.

    Args:
        cropping: an int (the same on all four sides), a tuple of 2 ints (symmetric height,
            symmetric width), or ((top, bottom), (left, right)).
        data_format: 'channels_last' (default: image_data_format()) or 'channels_first'.

    Input shape: (batch_size, rows, cols, channels), or (batch_size, channels, rows, cols) for
        channels_first.
    Output shape: rows - top - bottom and cols - left - right, channels unchanged.

    >>> Cropping2D(cropping=((2, 2), (4, 4)))(Input(shape=(28, 28, 3))).shape
    (None, 24, 20, 3)
    """

    _too_much = ("Values in `cropping` argument should be smaller than the corresponding "
                 "spatial dimension of the input")

    def __init__(self, cropping=((0, 0), (0, 0)), data_format=None, **kwargs):
        super().__init__(**kwargs)
        where = f'Layer "{self.name}"'
        self.data_format = standardize_data_format(data_format, where)
        self.cropping = _pairs_2d(cropping, "cropping", where)
        self._axes, self._pairs = _spatial_axes(self.data_format, 2), self.cropping
        self.input_spec = InputSpec(ndim=4)

    def get_config(self):
        config = super().get_config()
        config.update({"cropping": self.cropping, "data_format": self.data_format})
        return config
