"""`split_dataset`: cut arrays (or a tuple, list or dict of them) in two, e.g. train and test."""

import numbers
import random

import numpy as np

from ..backend import random as backend_random
from ..layers.base import flatten, map_structure


def split_dataset(dataset, left_size=None, right_size=None, shuffle=False, seed=None):
    """Split a dataset of samples along axis 0 into a left part and a right part.

    The left part takes the first `left_size` samples and the right part the last
    `right_size`; when both sizes are given and add up to less than the whole, the samples in
    between are left out. With `shuffle`, the samples are shuffled first, in the same order as
    Keras's `split_dataset` for the same `seed`. Each part has the structure of `dataset`
    (an array, or a tuple, list or dict of arrays); Keras returns `tf.data.Dataset`s instead.

    Args:
        dataset: a numpy array, or a tuple, list or dict (possibly nested) of numpy arrays
            with the same length, e.g. `(x, y)`.
        left_size: a float in (0, 1), the fraction of samples in the left part, or an int,
            their number. None means all the samples not in the right part.
        right_size: the same for the right part. None means all the samples not in the left
            part.
        shuffle: whether to shuffle the samples before splitting.
        seed: an integer seed for the shuffling, for the same split every time.

    Returns:
        The pair `(left, right)`.

    >>> (x_train, y_train), (x_test, y_test) = split_dataset((x, y), left_size=0.8)
    """
    arrays = _check_dataset(dataset)
    total_length = len(arrays[0])
    if left_size is None and right_size is None:
        raise ValueError("At least one of the `left_size` or `right_size` must be specified. "
                         "Received: left_size=None and right_size=None")
    left_size, right_size = _split_sizes(left_size, right_size, total_length)
    if shuffle:
        if seed is None:
            seed = int(backend_random.generator().integers(2 ** 32))
        # Keras shuffles its list of samples with Python's `random` seeded by `seed`; the same
        # shuffle of the sample indices gives the same split, without touching global state.
        order = list(range(total_length))
        random.Random(seed).shuffle(order)
        order = np.asarray(order)
    else:
        order = np.arange(total_length)
    left_index = order[:left_size]
    right_index = order[total_length - right_size:]
    return (map_structure(lambda array: array[left_index], dataset),
            map_structure(lambda array: array[right_index], dataset))


def _check_dataset(dataset):
    """The arrays of `dataset`, checked to be numpy arrays of one length."""
    if not isinstance(dataset, (np.ndarray, tuple, list, dict)):
        raise TypeError(
            f"split_dataset: the `dataset` argument must be a numpy array or a tuple, list or "
            f"dict of numpy arrays. Received: dataset={dataset!r:.80} of type "
            f"{type(dataset).__name__}"
        )
    arrays = flatten(dataset)
    if not arrays:
        raise ValueError("split_dataset received an empty dataset. Please provide a non-empty "
                         "array, or a non-empty tuple, list or dict of arrays.")
    for index, array in enumerate(arrays):
        if not isinstance(array, np.ndarray) or array.ndim == 0:
            raise TypeError(
                f"split_dataset: every part of `dataset` must be a numpy array of samples "
                f"along axis 0, but part {index} is {type(array).__name__} {array!r:.60}. "
                f"Tuples, lists and dicts are read as holders of arrays, so convert a list "
                f"of values with np.asarray(...)."
            )
        if len(array) != len(arrays[0]):
            raise ValueError(
                f"split_dataset received numpy arrays with different lengths. Mismatch found "
                f"at index {index}: expected shape={arrays[0].shape}, received "
                f"shape={array.shape}. Please provide arrays of the same length."
            )
    if len(arrays[0]) == 0:
        raise ValueError("split_dataset received an empty dataset (arrays of length 0).")
    return arrays


def _size_kind(size, name):
    """'int', 'float' or None for a split size; TypeError for anything else."""
    if size is None:
        return None
    if isinstance(size, numbers.Integral) and not isinstance(size, (bool, np.bool_)):
        return "int"
    if isinstance(size, numbers.Real) and not isinstance(size, (bool, np.bool_)):
        return "float"
    raise TypeError(f"Invalid `{name}` Type. Expected: int or float or None, Received: "
                    f"type({name})={type(size)}.")


def _split_sizes(left_size, right_size, total_length):
    """The number of samples in each part, checked as Keras checks them."""
    kinds = {name: _size_kind(size, name)
             for name, size in (("left_size", left_size), ("right_size", right_size))}
    if left_size == 0 and right_size == 0:
        raise ValueError("Both `left_size` and `right_size` are zero. At least one of the "
                         "split sizes must be non-zero.")
    counts = {}
    for name, size in (("left_size", left_size), ("right_size", right_size)):
        kind = kinds[name]
        if kind == "int" and not 0 < size < total_length or \
                kind == "float" and not 0 < size < 1:
            raise ValueError(
                f"`{name}` should be either a positive integer smaller than {total_length}, "
                f"or a float within the range `[0, 1]`. Received: {name}={size}"
            )
        counts[name] = None if kind is None else \
            int(size) if kind == "int" else round(float(size) * total_length)
    if kinds["left_size"] == kinds["right_size"] == "float" and left_size + right_size > 1:
        raise ValueError("The sum of `left_size` and `right_size` is greater than 1. It must "
                         "be less than or equal to 1.")
    left, right = counts["left_size"], counts["right_size"]
    left = total_length - right if left is None else left
    right = total_length - left if right is None else right
    if left + right > total_length:
        raise ValueError(
            f"The sum of `left_size` and `right_size` should be smaller than the "
            f"{total_length}. Received: left_size + right_size = {left + right} and "
            f"total_length = {total_length}"
        )
    for count, side in ((left, "left"), (right, "right")):
        if count == 0:
            raise ValueError(
                f"With `dataset` of length={total_length}, `left_size`={left} and "
                f"`right_size`={right}. Resulting {side} side dataset split will be empty. "
                f"Adjust any of the aforementioned parameters"
            )
    return left, right
