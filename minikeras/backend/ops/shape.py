"""Ops that move values around without arithmetic: reshape, transpose, slicing, joining, ..."""

import numpy as np

from ..tensor import Function, Tensor, as_tensor, to_array
from .reduction import normalize_axis


def _axis(axis, ndim, op):
    return normalize_axis(axis, ndim, op)[0]


class Reshape(Function):
    def __init__(self, shape):
        self.shape = shape

    def forward(self, x):
        return x.reshape(self.shape)

    def backward(self, gy):
        return gy.reshape(self.inputs[0].data.shape)


class Transpose(Function):
    def __init__(self, axes):
        self.axes = axes

    def forward(self, x):
        return np.transpose(x, self.axes)

    def backward(self, gy):
        return np.transpose(gy, np.argsort(self.axes))


class BroadcastTo(Function):
    def __init__(self, shape):
        self.shape = shape

    def forward(self, x):
        return np.broadcast_to(x, self.shape)

    def backward(self, gy):
        return gy  # the tape's sum_to undoes the broadcast


class Concatenate(Function):
    def __init__(self, axis):
        self.axis = axis

    def forward(self, *xs):
        self.bounds = np.cumsum([x.shape[self.axis] for x in xs])[:-1]
        return np.concatenate(xs, axis=self.axis)

    def backward(self, gy):
        return tuple(np.split(gy, self.bounds, axis=self.axis))


class Stack(Function):
    def __init__(self, axis):
        self.axis = axis

    def forward(self, *xs):
        return np.stack(xs, axis=self.axis)

    def backward(self, gy):
        return tuple(np.moveaxis(gy, self.axis, 0))


class Split(Function):
    def __init__(self, indices, axis):
        self.indices, self.axis = indices, axis

    def forward(self, x):
        parts = tuple(np.split(x, self.indices, axis=self.axis))
        self.shapes = [p.shape for p in parts]
        return parts

    def backward(self, *gys):
        dtype = self.inputs[0].data.dtype
        parts = [np.zeros(shape, dtype=dtype) if g is None else g
                 for g, shape in zip(gys, self.shapes)]
        return np.concatenate(parts, axis=self.axis)


class GetItem(Function):
    def __init__(self, key):
        self.key = key
        # Only "basic" keys (ints, slices, None, ...) select each element at most once; an
        # index array may repeat elements, whose gradients must then be added up.
        parts = key if isinstance(key, tuple) else (key,)
        self.basic = all(isinstance(k, (int, np.integer, slice, type(None), type(Ellipsis)))
                         for k in parts)

    def forward(self, x):
        return x[self.key]

    def backward(self, gy):
        x = self.inputs[0].data
        gx = np.zeros(x.shape, dtype=gy.dtype)
        if self.basic:
            gx[self.key] = gy
        else:
            np.add.at(gx, self.key, gy)
        return gx


class Take(Function):
    def __init__(self, indices, axis):
        self.indices, self.axis = indices, axis

    def forward(self, x):
        return np.take(x, self.indices, axis=self.axis)

    def backward(self, gy):
        x = self.inputs[0].data
        gx = np.zeros(x.shape, dtype=gy.dtype)
        moved = np.moveaxis(gx, self.axis, 0)
        g = np.moveaxis(gy, tuple(range(self.axis, self.axis + self.indices.ndim)),
                        tuple(range(self.indices.ndim)))
        np.add.at(moved, self.indices, g)
        return gx


class Pad(Function):
    def __init__(self, pad_width, constant_values):
        self.pad_width, self.constant_values = pad_width, constant_values

    def forward(self, x):
        return np.pad(x, self.pad_width, constant_values=self.constant_values)

    def backward(self, gy):
        index = tuple(slice(before, gy.shape[i] - after)
                      for i, (before, after) in enumerate(self.pad_width))
        return gy[index]


class Tile(Function):
    def __init__(self, repeats):
        self.repeats = repeats

    def forward(self, x):
        return np.tile(x, self.repeats)

    def backward(self, gy):
        x = self.inputs[0].data
        reps = self.repeats
        shape = (1,) * (len(reps) - x.ndim) + x.shape
        reps = (1,) * (len(shape) - len(reps)) + reps
        # Split each axis into (repeat, size) and sum over the repeat part.
        split = [n for pair in zip(reps, shape) for n in pair]
        g = gy.reshape(split).sum(axis=tuple(range(0, len(split), 2)))
        return g.reshape(x.shape)


class Repeat(Function):
    def __init__(self, repeats, axis):
        self.repeats, self.axis = repeats, axis

    def forward(self, x):
        return np.repeat(x, self.repeats, axis=self.axis)

    def backward(self, gy):
        x = self.inputs[0].data
        axis = 0 if self.axis is None else self.axis
        shape = (x.size,) if self.axis is None else x.shape
        if np.ndim(self.repeats) == 0:
            # Each element's copies sit next to each other: fold them into a new axis and sum.
            folded = shape[:axis] + (shape[axis], self.repeats) + shape[axis + 1:]
            return gy.reshape(folded).sum(axis=axis + 1).reshape(x.shape)
        gx = np.zeros(shape, dtype=gy.dtype)
        source = np.repeat(np.arange(shape[axis]), self.repeats)
        np.add.at(np.moveaxis(gx, axis, 0), source, np.moveaxis(gy, axis, 0))
        return gx.reshape(x.shape)


# -- wrappers ------------------------------------------------------------------------------


def reshape(x, new_shape):
    """The same values in a new shape; one dimension may be -1 (inferred)."""
    x = as_tensor(x)
    shape = (new_shape,) if isinstance(new_shape, (int, np.integer)) else tuple(new_shape)
    known = int(np.prod([d for d in shape if d != -1]))
    unknown = sum(1 for d in shape if d == -1)
    if unknown > 1 or any(d < -1 for d in shape) or (
            known != x.size if unknown == 0 else (known == 0 or x.size % known)):
        raise ValueError(
            f"reshape: cannot reshape a tensor of shape {x.shape} ({x.size} values) into shape "
            f"{shape}. The new shape must hold the same number of values; at most one "
            f"dimension may be -1."
        )
    if shape == x.shape:
        return x
    return Reshape(shape)(x)


def transpose(x, axes=None):
    """Permute the axes (reverse them when `axes` is None)."""
    x = as_tensor(x)
    if axes is None:
        axes = tuple(reversed(range(x.ndim)))
    given = tuple(axes)
    # Out-of-range axes are errors, not wrapped around (numpy raises for them too).
    axes = tuple(int(a) % x.ndim for a in given if -x.ndim <= a < x.ndim)
    if len(axes) != len(given) or sorted(axes) != list(range(x.ndim)):
        raise ValueError(
            f"transpose: axes {given} are not a permutation of the {x.ndim} axes of an input "
            f"of shape {x.shape}."
        )
    return Transpose(axes)(x)


def expand_dims(x, axis):
    """Insert a length-1 axis at `axis`."""
    x = as_tensor(x)
    if not -x.ndim - 1 <= axis <= x.ndim:
        raise ValueError(
            f"expand_dims: axis {axis} is out of range for an input of shape {x.shape}."
        )
    shape = list(x.shape)
    shape.insert(axis % (x.ndim + 1), 1)
    return Reshape(tuple(shape))(x)


def squeeze(x, axis=None):
    """Remove length-1 axes (all of them, or those named by `axis`)."""
    x = as_tensor(x)
    if axis is None:
        axes = tuple(i for i, n in enumerate(x.shape) if n == 1)
    else:
        axes = normalize_axis(axis, x.ndim, "squeeze")
        wrong = [a for a in axes if x.shape[a] != 1]
        if wrong:
            raise ValueError(
                f"squeeze: axis {wrong[0]} of an input of shape {x.shape} has length "
                f"{x.shape[wrong[0]]}, so it cannot be squeezed (only length-1 axes can)."
            )
    shape = tuple(n for i, n in enumerate(x.shape) if i not in axes)
    return Reshape(shape)(x)


def broadcast_to(x, shape):
    """x repeated (without copying) to `shape` by numpy's broadcasting rules."""
    x = as_tensor(x)
    shape = tuple(shape)
    try:
        np.broadcast_shapes(x.shape, shape)
    except ValueError:
        raise ValueError(f"broadcast_to: cannot broadcast shape {x.shape} to {shape}.") from None
    if np.broadcast_shapes(x.shape, shape) != shape:
        raise ValueError(f"broadcast_to: cannot broadcast shape {x.shape} to {shape}.")
    return BroadcastTo(shape)(x)


def _check_joinable(xs, axis, op, same_axis):
    xs = [as_tensor(x) for x in xs]
    if not xs:
        raise ValueError(f"{op}: needs at least one tensor, received an empty list.")
    ndim = xs[0].ndim
    for i, x in enumerate(xs):
        if x.ndim != ndim:
            raise ValueError(
                f"{op}: all inputs need the same number of dimensions, but input 0 has shape "
                f"{xs[0].shape} and input {i} has shape {x.shape}."
            )
    return xs


def concatenate(xs, axis=0):
    """Join tensors along an existing axis; all other dimensions must match."""
    xs = _check_joinable(xs, axis, "concatenate", True)
    axis = _axis(axis, xs[0].ndim, "concatenate")
    for i, x in enumerate(xs):
        if x.shape[:axis] + x.shape[axis + 1:] != xs[0].shape[:axis] + xs[0].shape[axis + 1:]:
            raise ValueError(
                f"concatenate: inputs must match on every axis except the concatenation axis "
                f"{axis}, but input 0 has shape {xs[0].shape} and input {i} has shape {x.shape}."
            )
    return Concatenate(axis)(*xs)


def stack(xs, axis=0):
    """Join tensors of one shape along a new axis."""
    xs = _check_joinable(xs, axis, "stack", False)
    for i, x in enumerate(xs):
        if x.shape != xs[0].shape:
            raise ValueError(
                f"stack: all inputs need the same shape, but input 0 has shape {xs[0].shape} "
                f"and input {i} has shape {x.shape}."
            )
    axis = _axis(axis, xs[0].ndim + 1, "stack")
    return Stack(axis)(*xs)


def split(x, indices_or_sections, axis=0):
    """Split into equal sections (an int) or at the given indices (a list); returns a list."""
    x = as_tensor(x)
    axis = _axis(axis, x.ndim, "split")
    length = x.shape[axis]
    if isinstance(indices_or_sections, (int, np.integer)):
        sections = int(indices_or_sections)
        if sections <= 0 or length % sections:
            raise ValueError(
                f"split: axis {axis} of length {length} cannot be split into {sections} equal "
                f"sections. Pass a number that divides {length}, or a list of split indices."
            )
        indices = [length // sections * i for i in range(1, sections)]
    else:
        indices = [int(i) for i in indices_or_sections]
        if indices != sorted(indices) or any(i < 0 or i > length for i in indices):
            raise ValueError(
                f"split: indices {indices} must be increasing and within 0..{length}."
            )
    if not indices:
        return [x]
    return list(Split(np.asarray(indices, dtype=np.intp), axis)(x))


def _index_key(key):
    """A numpy index for `key`, with tensors replaced by their arrays."""
    if isinstance(key, tuple):
        return tuple(_index_key(k) for k in key)
    if isinstance(key, Tensor):
        return key.data
    if isinstance(key, list):
        return np.asarray(key) if key else np.zeros(0, dtype=np.intp)  # [] selects nothing
    return key


def getitem(x, key):
    """x[key]: ints, slices, None, Ellipsis, integer arrays and boolean masks."""
    x = as_tensor(x)
    key = _index_key(key)
    try:
        x.data[key]
    except IndexError as error:
        raise IndexError(f"getitem: index {key!r} is invalid for shape {x.shape}: {error}") \
            from None
    return GetItem(key)(x)


def take(x, indices, axis=None):
    """Elements of x at integer `indices` along `axis` (of the flattened x when None)."""
    x = as_tensor(x)
    indices = to_array(indices, where="take(indices)")
    if indices.size == 0:
        indices = indices.astype(np.intp)  # an empty list becomes a float array
    if indices.dtype.kind not in "iu":
        raise TypeError(f"take: indices must be integers, received dtype {indices.dtype}.")
    if axis is None:
        x, axis = reshape(x, (-1,)), 0
    axis = _axis(axis, x.ndim, "take")
    length = x.shape[axis]
    if indices.size and (indices.max() >= length or indices.min() < -length):
        raise IndexError(
            f"take: an index is out of range for axis {axis} of length {length} "
            f"(received values from {indices.min()} to {indices.max()})."
        )
    return Take(indices % length if length else indices, axis)(x)


def pad(x, pad_width, mode="constant", constant_values=0):
    """Pad with a constant; `pad_width` is one (before, after) pair per axis (or an int)."""
    x = as_tensor(x)
    if mode != "constant":
        raise ValueError(f"pad: only mode='constant' is supported, received mode={mode!r}.")
    widths = np.broadcast_to(np.asarray(pad_width, dtype=np.int64), (x.ndim, 2))
    if (widths < 0).any():
        raise ValueError(f"pad: pad_width must not be negative, received {pad_width!r}.")
    widths = tuple((int(a), int(b)) for a, b in widths)
    return Pad(widths, x.dtype.type(constant_values))(x)


def tile(x, repeats):
    """Repeat the whole tensor `repeats` times along each axis."""
    x = as_tensor(x)
    repeats = (int(repeats),) if np.ndim(repeats) == 0 else tuple(int(r) for r in repeats)
    if any(r < 0 for r in repeats):
        raise ValueError(f"tile: repeats must not be negative, received {repeats}.")
    return Tile(repeats)(x)


def repeat(x, repeats, axis=None):
    """Repeat each element `repeats` times along `axis` (of the flattened x when None)."""
    x = as_tensor(x)
    if axis is not None:
        axis = _axis(axis, x.ndim, "repeat")
    if np.ndim(repeats) == 0:
        repeats = int(repeats)
    else:
        repeats = np.asarray(repeats, dtype=np.intp)
        length = x.size if axis is None else x.shape[axis]
        if repeats.shape != (length,):
            raise ValueError(
                f"repeat: needs one repeat count per element along the axis ({length}), "
                f"received {repeats.size}."
            )
    if np.any(np.asarray(repeats) < 0):
        raise ValueError("repeat: repeats must not be negative.")
    return Repeat(repeats, axis)(x)
