"""Array helpers from keras.utils: to_categorical, normalize."""

import numpy as np

from ..backend import config


def to_categorical(x, num_classes=None):
    """Integer class labels to one-hot rows (float32), as keras.utils.to_categorical.

    Args:
        x: integer labels of any shape (a trailing axis of length 1 is dropped).
        num_classes: the number of classes; by default the largest label + 1.

    >>> to_categorical([0, 2], num_classes=3)
    array([[1., 0., 0.],
           [0., 0., 1.]], dtype=float32)
    """
    labels = np.asarray(x)
    if labels.dtype.kind == "f":
        if not np.all(labels == np.round(labels)):
            raise ValueError("to_categorical: labels must be whole numbers, but some have a "
                             "fractional part.")
        labels = labels.astype(np.int64)
    if labels.dtype.kind not in "iub":
        raise TypeError(f"to_categorical: expected integer labels, received dtype "
                        f"{labels.dtype}.")
    if labels.ndim > 1 and labels.shape[-1] == 1:
        labels = labels[..., 0]
    if labels.size and labels.min() < 0:
        raise ValueError(f"to_categorical: labels must not be negative, received "
                         f"{labels.min()}.")
    largest = int(labels.max()) + 1 if labels.size else 0
    if num_classes is None:
        num_classes = largest
    elif largest > num_classes:
        raise ValueError(f"to_categorical: a label is {largest - 1}, which does not fit "
                         f"num_classes={num_classes} (labels must be below it).")
    # As indices: a boolean array would index the rows as a mask instead.
    return np.eye(num_classes, dtype=config.floatx())[labels.astype(np.intp, copy=False)]


def normalize(x, axis=-1, order=2):
    """x divided by its L-`order` norm along `axis` (zero vectors stay zero)."""
    x = np.asarray(x)
    norm = np.linalg.norm(x, ord=order, axis=axis, keepdims=True)
    return x / np.where(norm == 0, 1, norm).astype(x.dtype, copy=False)
