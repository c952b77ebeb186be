"""Adamax: trajectories against the update equations written out here, Keras's examples."""

import numpy as np
import pytest

from minikeras import optimizers
from minikeras.backend import Variable
from minikeras.optimizers import Adamax, Optimizer

W0 = np.array([1.0, -2.0, 0.5])
GRADS = np.array([[0.5, -1.0, 2.0], [0.3, 0.2, -0.7], [-1.2, 0.4, 0.1], [0.8, -0.3, 0.6],
                  [0.05, 1.5, -0.9]])


def run(optimizer, dtype):
    w = Variable(W0, dtype=dtype)
    path = []
    for g in GRADS:
        optimizer.apply([g.astype(dtype)], [w])
        path.append(w.data.copy())
    return np.array(path)


def reference(lr, beta_1=0.9, beta_2=0.999, epsilon=1e-7):
    """Keras's Adamax in float64: u is the decayed running max of |g|."""
    w, m, u, path = W0.copy(), np.zeros(3), np.zeros(3), []
    for t, g in enumerate(GRADS, start=1):
        m = m + (g - m) * (1 - beta_1)
        u = np.maximum(beta_2 * u, np.abs(g))
        w = w - lr * m / ((1 - beta_1 ** t) * (u + epsilon))
        path.append(w)
    return np.array(path)


CASES = [dict(learning_rate=0.125), dict(learning_rate=0.25, beta_1=0.5, beta_2=0.5,
                                         epsilon=0.1),
         dict(learning_rate=0.5, beta_2=1.0)]


@pytest.mark.parametrize("kwargs", CASES)
def test_trajectory_matches_update_equations(kwargs):
    expected = reference(lr=kwargs["learning_rate"],
                         **{k: v for k, v in kwargs.items() if k != "learning_rate"})
    np.testing.assert_allclose(run(Adamax(**kwargs), "float64"), expected, rtol=1e-13)
    path32 = run(Adamax(**kwargs), "float32")
    assert path32.dtype == np.float32
    np.testing.assert_allclose(path32, expected, rtol=1e-6, atol=1e-6)


def test_keras_single_step_and_golden_values():
    v = Variable([1.0, 2.0, 3.0, 4.0])
    Adamax(learning_rate=0.5).apply([np.array([1.0, 6.0, 7.0, 2.0], "float32")], [v])
    np.testing.assert_allclose(v.data, [0.5, 1.5, 2.5, 3.5], atol=1e-4)

    optimizer = Adamax(learning_rate=0.2, beta_1=0.85, beta_2=0.95, epsilon=1e-6)
    x = Variable(np.ones(10, "float32"))
    grads = np.arange(0.1, 1.1, 0.1).astype("float32")
    optimizer.apply([np.full(10, 0.01, "float32")], [x])
    golden = [[0.8, 0.8], [0.6827, 0.691], [0.5333, 0.5466], [0.368, 0.3848],
              [0.1933, 0.2126]]
    for expected in golden:
        np.testing.assert_allclose(x.data[[0, 9]], expected, rtol=5e-4, atol=5e-4)
        optimizer.apply([grads], [x])


def test_slots_are_interleaved_as_in_keras():
    optimizer = Adamax()
    optimizer.build([Variable(np.zeros(2), name="kernel"), Variable(np.zeros(2), name="bias")])
    assert [v.name for v in optimizer.variables][2:] == [
        "kernel_momentum", "kernel_norm", "bias_momentum", "bias_norm"]


def test_config_round_trip_and_keys():
    optimizer = Adamax(learning_rate=0.5, beta_1=0.8, beta_2=0.95, epsilon=1e-5)
    config = optimizer.get_config()
    assert set(config) - set(Optimizer(0.1).get_config()) == {"beta_1", "beta_2", "epsilon"}
    assert config["name"] == "adamax"
    restored = optimizers.deserialize(optimizers.serialize(optimizer))
    assert type(restored) is Adamax and restored.get_config() == config


def test_beta_1_of_one_is_an_error():
    with pytest.raises(ValueError, match=r"Adamax: `beta_1` must be in \[0, 1\)"):
        Adamax(beta_1=1.0)
