"""The shipped digits dataset."""

import numpy as np
import pytest

from minikeras.datasets import digits


def test_shapes_values_and_a_fixed_split():
    (x_train, y_train), (x_test, y_test) = digits.load_data()
    assert x_train.shape == (1438, 8, 8) and x_test.shape == (359, 8, 8)
    assert x_train.dtype == np.uint8 and y_train.dtype == np.uint8
    assert x_train.max() == 16 and x_train.min() == 0
    assert set(np.unique(y_train)) == set(range(10))
    again = digits.load_data()
    np.testing.assert_array_equal(again[0][0], x_train)
    (a, _), (b, _) = digits.load_data(test_split=0.5, seed=1)
    assert len(a) + len(b) == 1797


def test_bad_split():
    with pytest.raises(ValueError, match="test_split"):
        digits.load_data(test_split=1.0)
