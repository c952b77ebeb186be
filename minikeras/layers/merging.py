"""Merge layers, which combine a list of tensors into one: Add, Subtract, Multiply, Average,
Maximum, Minimum, Concatenate, Dot, and their functional forms (`add([x1, x2])`, ...).

The elementwise merges follow Keras's broadcasting rules: the sample shapes (without the batch
axis) are aligned from the right, and a size of 1 stretches to match the other; an input of
lower rank gets new axes right after the batch axis.
"""

import math as pymath

import numpy as np

from ..backend import config
from ..backend.ops import linalg, math, reduction, shape as shape_ops
from ..backend.tensor import Tensor, to_array
from .base import Layer


def _is_shape(value):
    return isinstance(value, (tuple, list)) and all(
        d is None or isinstance(d, (int, np.integer)) for d in value)


def _shapes(input_shape, who):
    """The list of input shapes, or Keras's error for a single shape."""
    if _is_shape(input_shape) or not isinstance(input_shape, (list, tuple)):
        raise ValueError(f"{who} should be called on a list of inputs. "
                         f"Received: input_shape={input_shape} (not a list of shapes)")
    shapes = [tuple(s) for s in input_shape]
    if not shapes:
        raise ValueError(f"{who} should be called on a list of at least 1 input. "
                         f"Received 0 inputs.")
    return shapes


def _batch_size(shapes):
    sizes = {s[0] for s in shapes if s} - {None}
    if len(sizes) > 1:
        raise ValueError(f"Cannot merge tensors with different batch sizes. Received tensors "
                         f"with shapes {shapes}")
    return sizes.pop() if sizes else None


def _elementwise_shape(shape1, shape2):
    """The broadcast shape of two sample shapes, aligned from the right (Keras's rule)."""
    if len(shape1) < len(shape2):
        shape1, shape2 = shape2, shape1
    if not shape2:
        return shape1
    out = list(shape1[:len(shape1) - len(shape2)])
    for i, j in zip(shape1[len(shape1) - len(shape2):], shape2):
        if i is None or j is None:
            out.append(None)
        elif i == 1 or j == 1:
            out.append(j if i == 1 else i)
        elif i != j:
            raise ValueError(f"Inputs have incompatible shapes. Received shapes {shape1} and "
                             f"{shape2}")
        else:
            out.append(i)
    return tuple(out)


class Merge(Layer):
    """Base class of the elementwise merge layers; subclasses define `_merge_function`."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.supports_masking = True

    def _merge_function(self, inputs):
        raise NotImplementedError(f"{type(self).__name__} defines no _merge_function (abstract).")

    @property
    def _who(self):
        return "A merge layer"

    def build(self, input_shape):
        # A list of one input arrives here as its shape alone.
        shapes = [input_shape] if _is_shape(input_shape) else input_shape
        self.compute_output_shape(shapes)  # shape checks only: merge layers have no weights
        self.built = True

    def call(self, inputs):
        if not isinstance(inputs, (list, tuple)):
            raise ValueError(f"{self._who} should be called on a list of inputs. "
                             f"Received: inputs={inputs} (not a list of tensors)")
        self.compute_output_shape([x.shape for x in inputs])  # the real batch sizes, too
        return self._merge_function(list(inputs))

    def compute_output_shape(self, input_shape):
        shapes = _shapes(input_shape, self._who)
        batch = _batch_size(shapes)
        out = shapes[0][1:]
        for shape in shapes[1:]:
            out = _elementwise_shape(out, shape[1:])
        return (batch,) + tuple(out)

    def compute_mask(self, inputs, mask=None):
        """The OR of the input masks (None unless every input has one)."""
        masks = self._check_masks(inputs, mask)
        if masks is None or any(m is None for m in masks):
            return None
        return Tensor(np.logical_or.reduce([to_array(m).astype(bool) for m in masks]))

    def _check_masks(self, inputs, mask):
        if mask is None:
            return None
        if not isinstance(mask, (list, tuple)):
            raise ValueError(f"`mask` should be a list. Received: mask={mask}")
        if not isinstance(inputs, (list, tuple)):
            raise ValueError(f"`inputs` should be a list. Received: inputs={inputs}")
        if len(mask) != len(inputs):
            raise ValueError(
                f"The lists `inputs` and `mask` should have the same length. Received: "
                f"inputs of length {len(inputs)}, and mask of length {len(mask)}"
            )
        return list(mask)


def _same_rank(inputs):
    """Inputs of lower rank get new axes right after the batch axis, as in Keras."""
    ndim = max(x.ndim for x in inputs)
    out = []
    for x in inputs:
        if x.ndim < ndim:
            x = shape_ops.reshape(x, x.shape[:1] + (1,) * (ndim - x.ndim) + x.shape[1:])
        out.append(x)
    return out


class Add(Merge):
    """Adds a list of tensors elementwise.

    Input shape: a list of tensors of one shape (or shapes that broadcast, see the module).
    Output shape: the common (broadcast) shape.

    >>> Add()([np.ones((2, 3)), np.ones((2, 3))]).shape
    (2, 3)
    """

    def _merge_function(self, inputs):
        inputs = _same_rank(inputs)
        out = inputs[0]
        for x in inputs[1:]:
            out = math.add(out, x)
        return out


class Subtract(Merge):
    """Subtracts the second of two tensors from the first: `inputs[0] - inputs[1]`.

    Input shape: a list of exactly 2 tensors of one shape.
    Output shape: that shape.

    >>> Subtract()([np.ones((2, 3)), np.ones((2, 3))]).shape
    (2, 3)
    """

    def compute_output_shape(self, input_shape):
        shapes = _shapes(input_shape, self._who)
        if len(shapes) != 2:
            raise ValueError("A `Subtract` layer should be called on exactly 2 inputs. "
                             f"Received: input_shape={shapes}")
        return super().compute_output_shape(shapes)

    def _merge_function(self, inputs):
        first, second = _same_rank(inputs)
        return math.subtract(first, second)


class Multiply(Merge):
    """Multiplies a list of tensors elementwise.

    >>> Multiply()([np.full((2, 3), 2.0), np.full((2, 3), 3.0)])  # all 6.0
    """

    def _merge_function(self, inputs):
        inputs = _same_rank(inputs)
        out = inputs[0]
        for x in inputs[1:]:
            out = math.multiply(out, x)
        return out


class Average(Merge):
    """The elementwise mean of a list of tensors.

    >>> Average()([np.full((2, 3), 1.0), np.full((2, 3), 3.0)])  # all 2.0
    """

    def _merge_function(self, inputs):
        inputs = _same_rank(inputs)
        out = inputs[0]
        for x in inputs[1:]:
            out = math.add(out, x)
        return math.divide(out, out.dtype.type(len(inputs)))


class Maximum(Merge):
    """The elementwise maximum of a list of tensors.

    >>> Maximum()([np.array([[1.0, 5.0]]), np.array([[3.0, 2.0]])])  # [[3.0, 5.0]]
    """

    def _merge_function(self, inputs):
        inputs = _same_rank(inputs)
        out = inputs[0]
        for x in inputs[1:]:
            out = math.maximum(out, x)
        return out


class Minimum(Merge):
    """The elementwise minimum of a list of tensors.

    >>> Minimum()([np.array([[1.0, 5.0]]), np.array([[3.0, 2.0]])])  # [[1.0, 2.0]]
    """

    def _merge_function(self, inputs):
        inputs = _same_rank(inputs)
        out = inputs[0]
        for x in inputs[1:]:
            out = math.minimum(out, x)
        return out


class Concatenate(Merge):
    """Joins a list of tensors along `axis`; all other sizes must match.

    Args:
        axis: the axis to join along (default -1, the features).

    >>> Concatenate(axis=1)([np.zeros((2, 2, 5)), np.zeros((2, 1, 5))]).shape
    (2, 3, 5)
    """

    def __init__(self, axis=-1, **kwargs):
        super().__init__(**kwargs)
        if isinstance(axis, (bool, np.bool_)) or not isinstance(axis, (int, np.integer)):
            raise TypeError(f'Layer "{self.name}": `axis` must be an integer. Received: '
                            f"axis={axis!r}")
        self.axis = int(axis)

    @property
    def _who(self):
        return "A `Concatenate` layer"

    def compute_output_shape(self, input_shape):
        shapes = _shapes(input_shape, self._who)
        rank = len(shapes[0])
        if not -rank <= self.axis < rank:
            raise ValueError(f'Layer "{self.name}": axis {self.axis} is out of range for inputs '
                             f"of rank {rank}. Received: input_shape={shapes}")
        axis = self.axis % rank
        for shape in shapes[1:]:
            if len(shape) != rank or any(
                    i != axis and a is not None and b is not None and a != b
                    for i, (a, b) in enumerate(zip(shapes[0], shape))):
                raise ValueError(
                    "A `Concatenate` layer requires inputs with matching shapes except for "
                    f"the concatenation axis. Received: input_shape={shapes}"
                )
        out = list(shapes[0])
        for i in range(rank):  # a size known in one input is known in all
            out[i] = next((s[i] for s in shapes if s[i] is not None), None)
        sizes = [s[axis] for s in shapes]
        out[axis] = None if None in sizes else sum(sizes)
        return tuple(out)

    def _merge_function(self, inputs):
        return shape_ops.concatenate(inputs, axis=self.axis)

    def compute_mask(self, inputs, mask=None):
        """The masks joined along `axis` (all-True for inputs without one), reduced with OR
        over the last axis, as in Keras."""
        masks = self._check_masks(inputs, mask)
        if masks is None or all(m is None for m in masks):
            return None
        full = []
        for x, m in zip(inputs, masks):
            if m is None:
                full.append(np.ones(x.shape, dtype=bool))
                continue
            m = to_array(m).astype(bool)
            full.append(np.broadcast_to(m[..., None], x.shape) if m.ndim < x.ndim else m)
        return Tensor(np.concatenate(full, axis=self.axis).any(axis=-1))

    def get_config(self):
        config = super().get_config()
        config["axis"] = self.axis
        return config


class Dot(Merge):
    """The dot product of two tensors along one axis of each, sample by sample.

    For inputs of shapes (batch, n) and (batch, n) with `axes=1` the output has shape
    (batch, 1); in general it has the axes of the first input without the contracted one,
    then those of the second without its batch and contracted axes.

    Args:
        axes: an int (the same axis of both inputs) or a pair (one axis per input); never 0,
            the batch axis.
        normalize: whether to L2-normalize the samples along the axes first, which gives
            the cosine similarity.

    >>> Dot(axes=(1, 2))([np.ones((1, 5, 2)), np.ones((1, 2, 5))]).shape
    (1, 2, 2)
    """

    def __init__(self, axes, normalize=False, **kwargs):
        super().__init__(**kwargs)
        if not isinstance(axes, (int, np.integer)):
            if not isinstance(axes, (list, tuple)):
                raise TypeError(f"Invalid type for argument `axes`: it should be a list or an "
                                f"int. Received: axes={axes}")
            if len(axes) != 2:
                raise ValueError(f"Invalid format for argument `axes`: it should contain two "
                                 f"elements. Received: axes={axes}")
            if not all(isinstance(a, (int, np.integer)) for a in axes):
                raise ValueError(f"Invalid format for argument `axes`: list elements should be "
                                 f"integers. Received: axes={axes}")
            axes = [int(a) for a in axes]
        else:
            axes = int(axes)
        self.axes = axes
        self.normalize = bool(normalize)
        self.supports_masking = True

    @property
    def _who(self):
        return "A `Dot` layer"

    def _resolved_axes(self, shape1, shape2):
        axes = [self.axes, self.axes] if isinstance(self.axes, int) else list(self.axes)
        resolved = []
        for axis, shape in zip(axes, (shape1, shape2)):
            if not -len(shape) <= axis < len(shape):
                raise ValueError(f'Layer "{self.name}": axes={self.axes} is out of range for '
                                 f"inputs of shapes {shape1} and {shape2}.")
            resolved.append(axis % len(shape))
        return resolved

    def compute_output_shape(self, input_shape):
        shapes = _shapes(input_shape, self._who)
        if len(shapes) != 2:
            raise ValueError(f"A `Dot` layer should be called on a list of 2 inputs. "
                             f"Received: input_shape={shapes}")
        shape1, shape2 = shapes
        if len(shape1) < 2 or len(shape2) < 2:
            raise ValueError(f"Cannot do batch_dot on inputs with rank < 2. Received inputs "
                             f"with shapes {shape1} and {shape2}.")
        if None not in (shape1[0], shape2[0]) and shape1[0] != shape2[0]:
            raise ValueError(f"Cannot do batch_dot on inputs with different batch sizes. "
                             f"Received inputs with shapes {shape1} and {shape2}.")
        a1, a2 = self._resolved_axes(shape1, shape2)
        if 0 in (a1, a2):
            raise ValueError("Cannot perform batch_dot over axis 0. If your inputs are not "
                             "batched, add a dummy batch dimension to your inputs using "
                             "keras.ops.expand_dims(x, 0)")
        if None not in (shape1[a1], shape2[a2]) and shape1[a1] != shape2[a2]:
            raise ValueError(
                f"Incompatible input shapes: axis values {shape1[a1]} (at axis {a1}) != "
                f"{shape2[a2]} (at axis {a2}). Full input shapes: {shape1}, {shape2}"
            )
        batch = shape1[0] if shape1[0] is not None else shape2[0]
        out = (batch,) + shape1[1:a1] + shape1[a1 + 1:] + shape2[1:a2] + shape2[a2 + 1:]
        return out if len(out) > 1 else out + (1,)

    def _merge_function(self, inputs):
        x, y = inputs
        a1, a2 = self._resolved_axes(x.shape, y.shape)
        if self.normalize:
            x, y = _l2_normalize(x, a1), _l2_normalize(y, a2)
        # Bring x's contracted axis last and y's to axis 1, flatten the rest, and let one
        # batched matrix product do the work.
        x = shape_ops.transpose(x, [i for i in range(x.ndim) if i != a1] + [a1])
        y = shape_ops.transpose(y, [0, a2] + [i for i in range(1, y.ndim) if i != a2])
        batch, size = x.shape[0], x.shape[-1]
        rest_x, rest_y = x.shape[1:-1], y.shape[2:]
        out = linalg.matmul(shape_ops.reshape(x, (batch, pymath.prod(rest_x), size)),
                            shape_ops.reshape(y, (batch, size, pymath.prod(rest_y))))
        shape = (batch,) + rest_x + rest_y
        return shape_ops.reshape(out, shape if len(shape) > 1 else (batch, 1))

    def compute_mask(self, inputs, mask=None):
        return None

    def get_config(self):
        config = super().get_config()
        config.update({"axes": self.axes, "normalize": self.normalize})
        return config


def _l2_normalize(x, axis):
    """x / max(||x||, epsilon) along `axis` (Keras's ops.normalize), safe for zero vectors."""
    eps = x.dtype.type(config.epsilon())
    squares = reduction.sum(math.square(x), axis=axis, keepdims=True)
    return math.divide(x, math.sqrt(math.maximum(squares, eps * eps)))


def add(inputs, **kwargs):
    """Functional form of `Add`: `add([x1, x2])`."""
    return Add(**kwargs)(inputs)


def subtract(inputs, **kwargs):
    """Functional form of `Subtract`: `subtract([x1, x2])` is x1 - x2."""
    return Subtract(**kwargs)(inputs)


def multiply(inputs, **kwargs):
    """Functional form of `Multiply`."""
    return Multiply(**kwargs)(inputs)


def average(inputs, **kwargs):
    """Functional form of `Average`."""
    return Average(**kwargs)(inputs)


def maximum(inputs, **kwargs):
    """Functional form of `Maximum`."""
    return Maximum(**kwargs)(inputs)


def minimum(inputs, **kwargs):
    """Functional form of `Minimum`."""
    return Minimum(**kwargs)(inputs)


def concatenate(inputs, axis=-1, **kwargs):
    """Functional form of `Concatenate`: `concatenate([x1, x2], axis=-1)`."""
    return Concatenate(axis=axis, **kwargs)(inputs)


def dot(inputs, axes=-1, **kwargs):
    """Functional form of `Dot`: `dot([x1, x2], axes=1, normalize=False)`."""
    return Dot(axes=axes, **kwargs)(inputs)
