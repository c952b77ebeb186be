"""Turning what users pass to fit/evaluate/predict into checked arrays and batches.

Arrays are checked once, up front (lengths, NaN and inf, dtypes), and float inputs are cast to
floatx() once, so the per-batch loop only slices.
"""

import numpy as np

from ..backend import config, random
from ..backend.tensor import Tensor
from ..layers.base import flatten, map_structure


def to_arrays(data, role):
    """Nested arrays for x, y or sample_weight; floats become floatx(), labels stay integers."""
    if data is None:
        return None

    def convert(value):
        if isinstance(value, Tensor):
            value = value.data
        array = np.asarray(value)
        if array.dtype.kind not in "biuf":
            raise TypeError(
                f"{role} must hold numbers, but received an array of dtype {array.dtype}. "
                f"Convert it, for example with np.asarray({role}, dtype='float32')."
            )
        if array.dtype.kind == "f" and array.dtype != config.floatx():
            array = array.astype(config.floatx())
        if array.ndim == 0:
            raise ValueError(f"{role} must have a batch axis, but received a scalar.")
        return array

    return map_structure(convert, data)


def check_finite(data, role):
    """Refuse NaN and inf before training, where they would silently spoil every weight."""
    for i, array in enumerate(flatten(data)):
        # A sum is NaN or inf when any element is (or, rarely, when it overflows): a cheap
        # first test that needs no temporary array.
        if array is not None and array.dtype.kind == "f" and not np.isfinite(array.sum()) \
                and not np.isfinite(array).all():
            bad = int(np.size(array) - np.isfinite(array).sum())
            where = f"{role}" if len(flatten(data)) == 1 else f"{role}[{i}]"
            raise ValueError(
                f"{where} contains {bad} NaN or infinite value(s). Clean or impute them before "
                f"training, e.g. x = np.nan_to_num(x) or drop those rows."
            )


def num_samples(*datas):
    """The common number of samples of x, y and sample_weight, checked."""
    lengths = {}
    for role, data in datas:
        for i, array in enumerate(flatten(data) if data is not None else []):
            lengths[f"{role}[{i}]" if len(flatten(data)) > 1 else role] = len(array)
    if not lengths:
        raise ValueError("No data was given: pass x (and y for training and evaluation).")
    if len(set(lengths.values())) > 1:
        detail = ", ".join(f"{k} has {v}" for k, v in lengths.items())
        raise ValueError(
            f"Data cardinality is ambiguous: the arrays must all have the same number of "
            f"samples, but {detail}. Make sure all arrays contain the same number of samples."
        )
    return next(iter(lengths.values()))


def take(data, index):
    """The samples at `index` (a slice or an index array) of every array in `data`."""
    if data is None:
        return None
    return map_structure(lambda a: a[index], data)


def split_validation(x, y, sample_weight, validation_split):
    """Keras's validation_split: the LAST fraction of the samples, taken before shuffling."""
    if not 0.0 < validation_split < 1.0:
        raise ValueError(
            f"validation_split must be a float between 0 and 1 (exclusive), received "
            f"{validation_split!r}."
        )
    n = num_samples(("x", x), ("y", y))
    n_val = int(n * validation_split)
    n_train = n - n_val
    if n_val == 0 or n_train == 0:
        raise ValueError(
            f"validation_split={validation_split} leaves no samples for "
            f"{'validation' if n_val == 0 else 'training'} out of {n}. Use more data or "
            f"another split."
        )
    head, tail = slice(0, n_train), slice(n_train, n)
    return ((take(x, head), take(y, head), take(sample_weight, head)),
            (take(x, tail), take(y, tail), take(sample_weight, tail)))


class ArrayBatches:
    """Batches over in-memory arrays, shuffled anew each epoch when asked."""

    def __init__(self, x, y=None, sample_weight=None, batch_size=32, shuffle=False):
        self.x, self.y, self.sample_weight = x, y, sample_weight
        self.n = num_samples(("x", x), ("y", y), ("sample_weight", sample_weight))
        if isinstance(batch_size, bool) or not isinstance(batch_size, (int, np.integer)) or \
                batch_size <= 0:
            raise ValueError(f"batch_size must be a positive integer, received {batch_size!r}.")
        self.batch_size = int(batch_size)
        self.shuffle = shuffle

    def __len__(self):
        return -(-self.n // self.batch_size)

    def epoch(self):
        """Yield (x, y, sample_weight) batches for one pass over the data."""
        order = random.generator().permutation(self.n) if self.shuffle else None
        for start in range(0, self.n, self.batch_size):
            stop = min(start + self.batch_size, self.n)
            index = slice(start, stop) if order is None else np.sort(order[start:stop])
            yield (take(self.x, index), take(self.y, index), take(self.sample_weight, index))


class IterableBatches:
    """Batches from a Python generator or iterable of (x, y[, sample_weight]) tuples."""

    def __init__(self, source, steps=None):
        self.source = source
        self.steps = steps
        self._iterator = None

    def __len__(self):
        if self.steps is not None:
            return self.steps
        if hasattr(self.source, "__len__"):
            return len(self.source)
        return None

    def epoch(self):
        if self.steps is None:
            iterator = iter(self.source)
        else:
            if self._iterator is None:
                self._iterator = iter(self.source)
            iterator = self._iterator
        count = 0
        while self.steps is None or count < self.steps:
            try:
                batch = next(iterator)
            except StopIteration:
                if self.steps is not None and count == 0 and iterator is self._iterator:
                    self._iterator = iter(self.source)  # a re-iterable source starts over
                    iterator = self._iterator
                    continue
                return
            yield unpack_batch(batch)
            count += 1


def unpack_batch(batch):
    """(x, y, sample_weight) from a batch given as x, (x,), (x, y) or (x, y, sample_weight)."""
    if isinstance(batch, tuple):
        if len(batch) == 1:
            return to_arrays(batch[0], "x"), None, None
        if len(batch) == 2:
            return to_arrays(batch[0], "x"), to_arrays(batch[1], "y"), None
        if len(batch) == 3:
            return (to_arrays(batch[0], "x"), to_arrays(batch[1], "y"),
                    to_arrays(batch[2], "sample_weight"))
        raise ValueError(
            f"A batch from a generator must be x, (x, y) or (x, y, sample_weight), but it is "
            f"a tuple of {len(batch)} items."
        )
    return to_arrays(batch, "x"), None, None


def is_iterable_source(x):
    """Whether x is a generator/iterable of batches rather than arrays."""
    if x is None or isinstance(x, (np.ndarray, Tensor, list, tuple, dict)):
        return False
    return hasattr(x, "__iter__") or hasattr(x, "__next__")


def class_weights_to_sample_weights(y, class_weight):
    """Per-sample weights from a {class: weight} dict and integer or one-hot labels."""
    y = flatten(y)
    if len(y) != 1:
        raise ValueError("class_weight is only supported for models with a single output.")
    labels = y[0]
    if labels.ndim > 1 and labels.shape[-1] > 1:
        labels = labels.argmax(axis=-1)
    labels = labels.reshape(len(labels), -1)[:, 0]
    if labels.dtype.kind == "f":
        labels = np.round(labels).astype(np.int64)
    table = np.ones(int(max(labels.max(initial=0), max(class_weight, default=0))) + 1,
                    dtype=config.floatx())
    for cls, weight in class_weight.items():
        table[int(cls)] = weight
    return table[labels]
