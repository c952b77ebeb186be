"""to_categorical and normalize."""

import numpy as np
import pytest

from minikeras.utils import normalize, to_categorical


def test_to_categorical():
    out = to_categorical([0, 2, 1], num_classes=3)
    np.testing.assert_array_equal(out, np.eye(3)[[0, 2, 1]])
    assert out.dtype == np.float32
    assert to_categorical(np.array([[1], [3]])).shape == (2, 4)
    assert to_categorical(np.array([1.0, 0.0])).shape == (2, 2)


def test_to_categorical_of_booleans_is_two_classes():
    out = to_categorical(np.array([True, False, True]))
    np.testing.assert_array_equal(out, [[0, 1], [1, 0], [0, 1]])
    assert to_categorical(np.array([False]), num_classes=2).shape == (1, 2)


@pytest.mark.parametrize("labels, kwargs, match", [
    ([0, 5], {"num_classes": 3}, "num_classes=3"),
    ([-1, 2], {}, "negative"),
    ([0.5], {}, "whole numbers"),
    (["a"], {}, "integer labels"),
])
def test_to_categorical_errors(labels, kwargs, match):
    with pytest.raises((ValueError, TypeError), match=match):
        to_categorical(labels, **kwargs)


def test_normalize():
    x = np.array([[3.0, 4.0], [0.0, 0.0]], dtype=np.float32)
    out = normalize(x)
    np.testing.assert_allclose(out, [[0.6, 0.8], [0.0, 0.0]])
    assert out.dtype == np.float32
