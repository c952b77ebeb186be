"""split_dataset: Keras's sizes (fractions, counts, one side None, both given), shuffling with
a seed, the structure of the dataset kept, and Keras's errors for bad sizes and data."""

import random

import numpy as np
import pytest

from minikeras.utils import set_random_seed, split_dataset


def data(n=10):
    x = np.arange(n * 2, dtype="float32").reshape(n, 2)
    return x, np.arange(n) * 10


@pytest.mark.parametrize("left_size, right_size, left, right", [
    (0.8, None, 8, 2),
    (None, 0.3, 7, 3),
    (6, None, 6, 4),
    (None, 1, 9, 1),
    (0.5, 0.5, 5, 5),
    (3, 2, 3, 2),       # the 5 samples in between are left out, as in Keras
    (0.25, None, 2, 8),  # round(2.5) == 2, Python's rounding as in Keras
    (np.int64(4), np.float32(0.5), 4, 5),
])
def test_sizes(left_size, right_size, left, right):
    x, _ = data()
    a, b = split_dataset(x, left_size=left_size, right_size=right_size)
    np.testing.assert_array_equal(a, x[:left])
    np.testing.assert_array_equal(b, x[len(x) - right:])
    assert a.dtype == x.dtype == b.dtype


def test_structure_is_kept_for_tuples_lists_and_dicts():
    x, y = data()
    (xa, ya), (xb, yb) = split_dataset((x, y), left_size=0.6)
    np.testing.assert_array_equal(xa, x[:6])
    np.testing.assert_array_equal(ya, y[:6])
    np.testing.assert_array_equal(xb, x[6:])
    np.testing.assert_array_equal(yb, y[6:])
    left, right = split_dataset([x, y], right_size=4)
    assert isinstance(left, list) and len(left) == 2
    np.testing.assert_array_equal(right[1], y[6:])
    left, right = split_dataset({"image": x, "labels": {"y": y}}, left_size=7)
    assert set(left) == {"image", "labels"} and set(left["labels"]) == {"y"}
    np.testing.assert_array_equal(left["labels"]["y"], y[:7])
    np.testing.assert_array_equal(right["image"], x[7:])


def test_shuffle_keeps_pairs_together_and_is_reproducible_with_seed():
    x, y = data(50)
    (xa, ya), (xb, yb) = split_dataset((x, y), left_size=0.8, shuffle=True, seed=7)
    np.testing.assert_array_equal(xa[:, 0] * 5, ya)  # each x still with its own y
    np.testing.assert_array_equal(xb[:, 0] * 5, yb)
    assert not np.array_equal(ya, y[:40])
    np.testing.assert_array_equal(np.sort(np.concatenate([ya, yb])), y)  # nothing lost
    (xa2, _), (xb2, _) = split_dataset((x, y), left_size=0.8, shuffle=True, seed=7)
    np.testing.assert_array_equal(xa, xa2)
    np.testing.assert_array_equal(xb, xb2)
    (xa3, _), _ = split_dataset((x, y), left_size=0.8, shuffle=True, seed=8)
    assert not np.array_equal(xa, xa3)


def test_shuffle_order_is_keras_order_for_the_same_seed():
    # Keras seeds Python's `random` with `seed` and shuffles its list of samples.
    y = np.arange(30)
    samples = list(y)
    random.seed(123)
    random.shuffle(samples)
    left, right = split_dataset(y, left_size=20, shuffle=True, seed=123)
    np.testing.assert_array_equal(left, samples[:20])
    np.testing.assert_array_equal(right, samples[20:])


def test_shuffle_without_seed_follows_set_random_seed():
    y = np.arange(40)
    set_random_seed(3)
    first = split_dataset(y, left_size=0.5, shuffle=True)[0]
    set_random_seed(3)
    second = split_dataset(y, left_size=0.5, shuffle=True)[0]
    np.testing.assert_array_equal(first, second)


def test_the_dataset_is_not_modified_and_parts_are_copies():
    x, _ = data()
    before = x.copy()
    left, _ = split_dataset(x, left_size=5)
    left[:] = -1
    np.testing.assert_array_equal(x, before)


@pytest.mark.parametrize("kwargs, error, message", [
    ({}, ValueError, "At least one of the `left_size` or `right_size` must be specified"),
    ({"left_size": 0, "right_size": 0}, ValueError, "Both `left_size` and `right_size` are zero"),
    ({"left_size": 10}, ValueError,
     r"`left_size` should be either a positive integer smaller than 10, or a float within "
     r"the range `\[0, 1\]`. Received: left_size=10"),
    ({"left_size": 1.0}, ValueError, "Received: left_size=1.0"),
    ({"right_size": -2}, ValueError, "`right_size` should be either a positive integer"),
    ({"left_size": 0.7, "right_size": 0.5}, ValueError,
     "The sum of `left_size` and `right_size` is greater than 1"),
    ({"left_size": 6, "right_size": 5}, ValueError,
     "The sum of `left_size` and `right_size` should be smaller than the 10"),
    ({"left_size": 0.01}, ValueError, "Resulting left side dataset split will be empty"),
    ({"right_size": 0.04}, ValueError, "Resulting right side dataset split will be empty"),
    ({"left_size": "half"}, TypeError,
     r"Invalid `left_size` Type. Expected: int or float or None, Received: "
     r"type\(left_size\)=<class 'str'>"),
    ({"right_size": True}, TypeError, "Invalid `right_size` Type"),
])
def test_bad_sizes(kwargs, error, message):
    with pytest.raises(error, match=message):
        split_dataset(np.arange(10), **kwargs)


def test_bad_datasets():
    with pytest.raises(TypeError, match="must be a numpy array or a tuple, list or dict"):
        split_dataset("abc", left_size=0.5)
    with pytest.raises(TypeError, match=r"part 1 is int 0.*list of values with np\.asarray"):
        split_dataset((np.arange(4), [0, 1, 0, 1]), left_size=0.5)
    with pytest.raises(ValueError, match=r"different lengths. Mismatch found at index 1: "
                                         r"expected shape=\(4,\), received shape=\(3,\)"):
        split_dataset((np.arange(4), np.arange(3)), left_size=0.5)
    with pytest.raises(ValueError, match="empty dataset"):
        split_dataset((), left_size=0.5)
    with pytest.raises(ValueError, match="empty dataset"):
        split_dataset(np.zeros((0, 3)), left_size=0.5)
