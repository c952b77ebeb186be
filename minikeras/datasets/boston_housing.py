"""Boston Housing: 506 suburbs of Boston in the 1970s, 13 attributes each, and the median value
of their homes (in k$), as keras.datasets.boston_housing loads them, from the same file
(~/.keras/datasets/boston_housing.npz).

This dataset has an ethical problem: its authors included a variable, "B", that may appear to
assume that racial self-segregation influences house prices. Keras strongly discourages its
use except to illustrate ethical issues in data science and machine learning.
"""

import numbers

import numpy as np

from ..utils.file_utils import get_file
from .files import KERAS_DATASETS, check, load_npz, member

ORIGIN = KERAS_DATASETS + "boston_housing.npz"
FILE_HASH = "f553886a1f8d56431e820c5b82552d9d95cfcb96d1e678153f8839538947dff5"


def load_data(path="boston_housing.npz", test_split=0.2, seed=113):
    """Load the data as `(x_train, y_train), (x_test, y_test)`, downloading it the first time.

    The samples are shuffled with `seed` (numpy's RandomState, as in Keras, so the split is
    Keras's), then the first `1 - test_split` of them are for training.

    Args:
        path: the file's name in the cache folder (`~/.keras/datasets`).
        test_split: the fraction of samples held out for testing, in [0, 1).
        seed: the seed of the shuffle before the split.

    Returns:
        `x_train`, `x_test`: float64 arrays of shape (n, 13), the attributes as the file holds
        them; `y_train`, `y_test`: float64 arrays of shape (n,), the prices in k$ (about 5-50).
        With the defaults, 404 training and 102 test samples.

    >>> (x_train, y_train), (x_test, y_test) = load_data()  # doctest: +SKIP
    >>> x_train.shape, x_test.shape  # doctest: +SKIP
    ((404, 13), (102, 13))
    """
    if isinstance(test_split, bool) or not isinstance(test_split, numbers.Real) or \
            not 0 <= test_split < 1:
        raise ValueError(f"boston_housing.load_data: `test_split` must be a number in [0, 1), "
                         f"received test_split={test_split!r}.")
    path = get_file(path, origin=ORIGIN, file_hash=FILE_HASH)
    arrays = load_npz(path)
    x, y = member(arrays, "x", path), member(arrays, "y", path)
    check(x.ndim == 2 and x.shape[1] == 13 and np.issubdtype(x.dtype, np.floating), path,
          f"x should hold float samples of 13 attributes, shape (n, 13), but it holds "
          f"{x.dtype} of shape {x.shape}")
    check(y.shape == (len(x),) and np.issubdtype(y.dtype, np.floating), path,
          f"y should hold one float price per sample, shape ({len(x)},), but it holds "
          f"{y.dtype} of shape {y.shape}")
    order = np.arange(len(x))
    np.random.RandomState(seed).shuffle(order)
    x, y = x[order], y[order]
    n_train = int(len(x) * (1 - test_split))
    return (x[:n_train], y[:n_train]), (x[n_train:], y[n_train:])
