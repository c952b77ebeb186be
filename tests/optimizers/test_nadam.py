"""Nadam: trajectories against the update equations written out here, Keras's examples."""

import numpy as np
import pytest

from minikeras import optimizers
from minikeras.backend import Variable
from minikeras.optimizers import Nadam, Optimizer

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


def reference(lr, beta_1=0.9, beta_2=0.999, epsilon=1e-7, u_product_dtype=np.float64):
    """Keras's Nadam in float64, with Dozat's momentum schedule u_t = beta_1 (1 - 0.96^t / 2)
    and the running product u_1 ... u_t (stored, as in Keras, in the variable's dtype)."""
    def u(t):
        return beta_1 * (1 - 0.5 * 0.96 ** t)

    w, m, v, u_product, path = W0.copy(), np.zeros(3), np.zeros(3), 1.0, []
    for t, g in enumerate(GRADS, start=1):
        u_product = float(u_product_dtype(u_product * u(t)))
        m = m + (g - m) * (1 - beta_1)
        v = v + (g ** 2 - v) * (1 - beta_2)
        m_hat = u(t + 1) * m / (1 - u_product * u(t + 1)) + (1 - u(t)) * g / (1 - u_product)
        v_hat = v / (1 - beta_2 ** t)
        w = w - m_hat * lr / (np.sqrt(v_hat) + epsilon)
        path.append(w)
    return np.array(path)


CASES = [dict(learning_rate=0.125), dict(learning_rate=0.25, beta_1=0.5, beta_2=0.75,
                                         epsilon=0.1)]


@pytest.mark.parametrize("kwargs", CASES)
def test_trajectory_matches_update_equations(kwargs):
    rest = {k: v for k, v in kwargs.items() if k != "learning_rate"}
    expected = reference(lr=kwargs["learning_rate"], **rest)
    np.testing.assert_allclose(run(Nadam(**kwargs), "float64"), expected, rtol=1e-13)
    path32 = run(Nadam(**kwargs), "float32")
    assert path32.dtype == np.float32
    np.testing.assert_allclose(path32, reference(kwargs["learning_rate"], **rest,
                                                 u_product_dtype=np.float32),
                               rtol=1e-6, atol=1e-6)


def test_keras_single_step_and_golden_values():
    v = Variable([1.0, 2.0, 3.0, 4.0])
    Nadam(learning_rate=0.5).apply([np.array([1.0, 6.0, 7.0, 2.0], "float32")], [v])
    np.testing.assert_allclose(v.data, [0.4686, 1.4686, 2.4686, 3.4686], atol=1e-4)

    optimizer = Nadam(learning_rate=0.5, beta_1=0.5, beta_2=0.67, epsilon=1e-5)
    x = Variable(np.ones(10, "float32"))
    grads = np.arange(0.1, 1.1, 0.1).astype("float32")
    optimizer.apply([np.full(10, 0.01, "float32")], [x])
    golden = [[0.4281, 0.4281], [-0.1738, -0.1717], [-0.7115, -0.7084], [-1.2335, -1.2299],
              [-1.7492, -1.7454]]
    for expected in golden:
        np.testing.assert_allclose(x.data[[0, 9]], expected, rtol=5e-4, atol=5e-4)
        optimizer.apply([grads], [x])


def test_u_product_advances_once_per_step_for_all_variables():
    optimizer = Nadam(beta_1=0.5)
    a, b = Variable(np.zeros(2), name="kernel"), Variable(np.zeros(2), name="bias")
    optimizer.apply([np.ones(2, "float32")] * 2, [a, b])
    optimizer.apply([np.ones(2, "float32")] * 2, [a, b])
    names = [v.name for v in optimizer.variables]
    assert names[2:] == ["kernel_momentum", "kernel_velocity", "bias_momentum",
                         "bias_velocity", "u_product"]
    expected = 0.5 * (1 - 0.5 * 0.96) * 0.5 * (1 - 0.5 * 0.96 ** 2)
    assert float(optimizer.variables[-1].data) == pytest.approx(expected, rel=1e-6)
    np.testing.assert_array_equal(a.data, b.data)


def test_config_round_trip_and_keys():
    optimizer = Nadam(learning_rate=0.5, beta_1=0.5, beta_2=0.67, epsilon=1e-5)
    config = optimizer.get_config()
    assert set(config) - set(Optimizer(0.1).get_config()) == {"beta_1", "beta_2", "epsilon"}
    assert config["name"] == "nadam"
    restored = optimizers.deserialize(optimizers.serialize(optimizer))
    assert type(restored) is Nadam and restored.get_config() == config
