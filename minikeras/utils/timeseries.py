"""Sliding windows over a time series, batched for `fit`, as keras.utils makes them."""

import numbers

import numpy as np

from ..backend import random
from ..backend.tensor import Tensor


class TimeseriesDataset:
    """Batches of windows over a series: iterate it (once per epoch) or pass it to `fit`.

    Made by `timeseries_dataset_from_array`. Each pass yields `(windows, targets)` numpy
    batches (or windows alone when there are no targets); with `shuffle` each pass draws a new
    order, and the same `seed` gives the same orders. `len()` is the number of batches.
    """

    def __init__(self, data, targets, starts, offsets, batch_size, shuffle, seed):
        self.data = data
        self.targets = targets
        self.starts = starts      # the index in `data` where each window starts
        self.offsets = offsets    # the steps of a window, relative to its start
        self.batch_size = batch_size
        self.shuffle = shuffle
        self._generator = random.generator(seed) if seed is not None else None

    def __len__(self):
        if self.batch_size is None:
            return len(self.starts)
        return -(-len(self.starts) // self.batch_size)

    def __iter__(self):
        starts = self.starts
        if self.shuffle:
            starts = (self._generator or random.generator()).permutation(starts)
        if self.batch_size is None:
            for start in starts:
                yield self._sample(np.asarray(start))
            return
        for first in range(0, len(starts), self.batch_size):
            yield self._sample(starts[first:first + self.batch_size])

    def _sample(self, starts):
        # One fancy index gathers all windows at once: starts[..., None] + offsets.
        windows = self.data[starts[..., None] + self.offsets]
        if self.targets is None:
            return windows
        return windows, self.targets[starts]

    def __repr__(self):
        return (f"<TimeseriesDataset: {len(self.starts)} windows of {len(self.offsets)} steps, "
                f"{len(self)} {'batches' if self.batch_size else 'samples'}>")


def timeseries_dataset_from_array(data, targets, sequence_length, sequence_stride=1,
                                  sampling_rate=1, batch_size=128, shuffle=False, seed=None,
                                  start_index=None, end_index=None):
    """Sliding windows over a series of data points, with their targets, in batches.

    Window `i` starts at data index `start_index + i * sequence_stride` and takes
    `sequence_length` steps, `sampling_rate` apart; its target is `targets` at the index where
    the window starts. So to predict the value 10 steps after each window of 10, pass
    `data[:-10]` and `targets=data[10:]`. Windows that would run past `end_index` (or the end
    of the data, or of the targets) are left out. The result can be iterated several times
    (one epoch each) and passed to `fit`, `evaluate` and `predict`.

    Args:
        data: an array whose axis 0 is time, e.g. shape (steps,) or (steps, features).
        targets: the target of the window starting at each index, or None for windows alone.
        sequence_length: the number of steps in each window.
        sequence_stride: the distance between the starts of consecutive windows.
        sampling_rate: the distance between consecutive steps within a window.
        batch_size: windows per batch (the last batch may be smaller); None yields single
            windows.
        shuffle: whether to draw the windows in a random order (a new one each pass).
        seed: an integer seed for the shuffling, for reproducible orders.
        start_index: data before this index are not used (e.g. reserved for training).
        end_index: data from this index on are not used (e.g. reserved for validation).

    Returns:
        A `TimeseriesDataset` yielding `(windows, targets)` batches, or windows alone when
        `targets` is None; windows have shape (batch, sequence_length, *data.shape[1:]).

    >>> data = np.arange(100)
    >>> x, y = next(iter(timeseries_dataset_from_array(data[:-10], data[10:], 10)))
    >>> x[0].tolist(), int(y[0])
    ([0, 1, 2, 3, 4, 5, 6, 7, 8, 9], 10)
    """
    data = _series(data, "data")
    n = len(data)
    for arg, value in (("sequence_length", sequence_length), ("sequence_stride", sequence_stride),
                       ("sampling_rate", sampling_rate)):
        if not _is_int(value) or value <= 0:
            raise ValueError(f"timeseries_dataset_from_array: `{arg}` must be higher than 0 (an "
                             f"integer). Received: {arg}={value!r}")
    for arg, value in (("sequence_stride", sequence_stride), ("sampling_rate", sampling_rate)):
        if value >= n:
            raise ValueError(f"timeseries_dataset_from_array: `{arg}` must be lower than the "
                             f"length of the data. Received: {arg}={value}, for data of "
                             f"length {n}")
    for arg, value in (("start_index", start_index), ("end_index", end_index)):
        if value is not None and not _is_int(value):
            raise ValueError(f"timeseries_dataset_from_array: `{arg}` must be None or an "
                             f"integer. Received: {arg}={value!r}")
    start = int(start_index or 0)
    if start < 0 or (start and start >= n):
        raise ValueError(f"timeseries_dataset_from_array: `start_index` must be 0 or greater "
                         f"and lower than the length of the data. Received: "
                         f"start_index={start_index}, for data of length {n}")
    end = n if end_index is None else int(end_index)
    if end_index is not None:
        if end <= 0 or end >= n:
            raise ValueError(f"timeseries_dataset_from_array: `end_index` must be higher than 0 "
                             f"and lower than the length of the data (leave it None to use "
                             f"the data up to the end). Received: end_index={end_index}, for "
                             f"data of length {n}")
        if end <= start:
            raise ValueError(f"timeseries_dataset_from_array: `end_index` must be higher than "
                             f"`start_index`. Received: start_index={start_index}, and "
                             f"end_index={end_index}")
    if batch_size is not None and (not _is_int(batch_size) or batch_size <= 0):
        raise ValueError(f"timeseries_dataset_from_array: `batch_size` must be None or a "
                         f"positive integer. Received: batch_size={batch_size!r}")

    span = (sequence_length - 1) * sampling_rate + 1  # the steps one window covers
    count = end - start - span + 1
    if targets is not None:
        targets = _series(targets, "targets")
        # Keras's bound on len(targets), and the targets that exist after start_index.
        count = min(count, len(targets), len(targets) - start)
    if count <= 0:
        raise ValueError(
            f"timeseries_dataset_from_array: no window fits. A window of sequence_length="
            f"{sequence_length} with sampling_rate={sampling_rate} covers {span} steps, but "
            f"only {end - start} data points lie between start_index={start} and "
            f"end_index={end}" + (f" ({len(targets)} targets)" if targets is not None else "")
            + ". Use shorter windows or more data."
        )
    starts = start + np.arange(0, count, sequence_stride)
    offsets = np.arange(sequence_length) * sampling_rate
    return TimeseriesDataset(data, targets, starts, offsets, batch_size, bool(shuffle), seed)


def _series(values, role):
    array = values.data if isinstance(values, Tensor) else np.asarray(values)
    if array.ndim == 0:
        raise ValueError(f"timeseries_dataset_from_array: `{role}` must be an array whose axis "
                         f"0 is time, but received a scalar {array!r}.")
    if role == "data" and len(array) == 0:
        raise ValueError("timeseries_dataset_from_array: `data` is empty; it needs at least "
                         "one window of data points along axis 0.")
    return array


def _is_int(value):
    return isinstance(value, numbers.Integral) and not isinstance(value, (bool, np.bool_))
