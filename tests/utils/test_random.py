"""set_random_seed makes whole scripts repeatable."""

import random as pyrandom

import numpy as np

from minikeras.backend import random
from minikeras.utils import set_random_seed


def _draws():
    return pyrandom.random(), np.random.rand(), random.normal((3,)).tolist()


def test_set_random_seed_seeds_python_numpy_and_minikeras():
    set_random_seed(1234)
    first = _draws()
    set_random_seed(1234)
    assert _draws() == first
    set_random_seed(1235)
    assert _draws() != first
