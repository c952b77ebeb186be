"""The XOR example: a network written with raw ops learns with plain gradient descent."""

import numpy as np

from minikeras.examples import xor


def test_raw_ops_network_learns_xor():
    loss, probabilities = xor.train(steps=1000, log=None)
    assert loss < 0.05
    np.testing.assert_array_equal(probabilities[:, 0] > 0.5, [False, True, True, False])
    assert probabilities.dtype == np.float32


def test_same_seed_gives_bit_identical_results():
    first = xor.train(steps=50, log=None)
    second = xor.train(steps=50, log=None)
    assert first[0] == second[0]
    np.testing.assert_array_equal(first[1], second[1])


def test_main_prints_a_table(capsys):
    xor.main()
    out = capsys.readouterr().out
    assert "final loss" in out and "(1, 1)" in out
