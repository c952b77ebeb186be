"""The shared random generator."""

import numpy as np
import pytest

from minikeras.backend import random


def test_seed_makes_draws_repeatable():
    random.seed(7)
    first = random.normal((3, 4))
    random.seed(7)
    np.testing.assert_array_equal(first, random.normal((3, 4)))


def test_explicit_seed_does_not_disturb_the_shared_generator():
    random.seed(3)
    expected = random.uniform((5,))
    random.seed(3)
    random.uniform((5,), seed=99)
    np.testing.assert_array_equal(expected, random.uniform((5,)))
    np.testing.assert_array_equal(random.uniform((5,), seed=99), random.uniform((5,), seed=99))


@pytest.mark.parametrize("draw", [
    lambda: random.normal((1000,), mean=2.0, stddev=0.5),
    lambda: random.uniform((1000,), minval=-1.0, maxval=3.0),
    lambda: random.truncated_normal((1000,), mean=1.0, stddev=0.2),
])
def test_draws_are_float32_by_default(draw):
    assert draw().dtype == np.float32


def test_distribution_parameters():
    random.seed(0)
    n = random.normal((20000,), mean=2.0, stddev=0.5)
    assert abs(n.mean() - 2.0) < 0.02 and abs(n.std() - 0.5) < 0.02
    u = random.uniform((20000,), minval=-1.0, maxval=3.0)
    assert u.min() >= -1.0 and u.max() < 3.0
    t = random.truncated_normal((20000,), mean=1.0, stddev=0.2)
    assert t.min() >= 1.0 - 0.4 - 1e-6 and t.max() <= 1.0 + 0.4 + 1e-6
    assert random.normal((4,), dtype="float64").dtype == np.float64
    r = random.randint((1000,), 0, 3)
    assert set(np.unique(r)) == {0, 1, 2}


def test_shuffle_is_a_permutation():
    x = np.arange(10)
    s = random.shuffle(x, seed=1)
    assert sorted(s) == list(x) and not np.array_equal(s, x)


@pytest.mark.parametrize("bad", [-1, 1.5, "42", True, 2 ** 40])
def test_bad_seeds_are_rejected(bad):
    with pytest.raises(ValueError, match="seed"):
        random.seed(bad)
