"""boston_housing.load_data on a small file in Keras's format: Keras's shuffle and split."""

import numpy as np
import pytest

from minikeras.datasets import boston_housing


@pytest.fixture
def data(cache, accept):
    x = np.arange(20 * 13, dtype=np.float64).reshape(20, 13)
    y = x[:, 0] / 10.0  # each price tied to its row, to see that pairs stay together
    np.savez(cache / "boston_housing.npz", x=x, y=y)
    accept(boston_housing, cache / "boston_housing.npz")
    return x, y


def test_split_sizes_dtypes_and_pairs(data):
    (x_train, y_train), (x_test, y_test) = boston_housing.load_data()
    assert x_train.shape == (16, 13) and x_test.shape == (4, 13)
    assert y_train.shape == (16,) and y_test.shape == (4,)
    assert x_train.dtype == y_train.dtype == np.float64  # as the file holds them, like Keras
    np.testing.assert_array_equal(y_train, x_train[:, 0] / 10.0)
    np.testing.assert_array_equal(np.sort(np.concatenate([y_train, y_test])), np.sort(data[1]))


def test_order_is_keras_randomstate_shuffle(data):
    order = np.arange(20)
    np.random.RandomState(7).shuffle(order)
    (x_train, _), (x_test, _) = boston_housing.load_data(test_split=0.25, seed=7)
    np.testing.assert_array_equal(np.concatenate([x_train, x_test]), data[0][order])
    assert len(x_test) == 5
    (again, _), _ = boston_housing.load_data(test_split=0.25, seed=7)
    np.testing.assert_array_equal(again, x_train)


@pytest.mark.parametrize("test_split", [1.0, -0.1, "0.2", True])
def test_bad_test_split(test_split):
    with pytest.raises(ValueError, match="test_split"):
        boston_housing.load_data(test_split=test_split)


def test_wrong_columns(cache, accept):
    np.savez(cache / "boston_housing.npz", x=np.zeros((4, 12)), y=np.zeros(4))
    accept(boston_housing, cache / "boston_housing.npz")
    with pytest.raises(ValueError, match=r"shape \(n, 13\), but it holds float64 of shape"):
        boston_housing.load_data()
