"""Seeding every random source at once."""

import random

import numpy as np

from ..backend import random as backend_random


def set_random_seed(seed):
    """Seed Python's `random`, numpy's global generator and minikeras's own generator.

    After this call, two runs of the same script draw the same numbers everywhere, so their
    weights, shuffles, dropout masks and results are bit-identical.

    >>> set_random_seed(42)
    """
    backend_random.seed(seed)  # validates the seed first
    random.seed(seed)
    np.random.seed(seed)
