"""Adadelta: trajectories against the update equations written out here, Keras's examples."""

import numpy as np
import pytest

from minikeras import optimizers
from minikeras.backend import Variable
from minikeras.optimizers import Adadelta, Optimizer

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


def reference(lr, rho=0.95, epsilon=1e-7):
    """Keras's Adadelta in float64, with rms(x) = sqrt(x + epsilon)."""
    w, grad_avg, delta_avg, path = W0.copy(), np.zeros(3), np.zeros(3), []
    for g in GRADS:
        grad_avg = rho * grad_avg + (1 - rho) * g ** 2
        delta = -np.sqrt(delta_avg + epsilon) * g / np.sqrt(grad_avg + epsilon)
        delta_avg = rho * delta_avg + (1 - rho) * delta ** 2
        w = w + lr * delta
        path.append(w)
    return np.array(path)


CASES = [dict(learning_rate=1.0), dict(learning_rate=0.5, rho=0.8, epsilon=0.01),
         dict(learning_rate=2.0, rho=0.5, epsilon=1e-3)]


@pytest.mark.parametrize("kwargs", CASES)
def test_trajectory_matches_update_equations(kwargs):
    expected = reference(lr=kwargs["learning_rate"],
                         **{k: v for k, v in kwargs.items() if k != "learning_rate"})
    np.testing.assert_allclose(run(Adadelta(**kwargs), "float64"), expected, rtol=1e-13)
    path32 = run(Adadelta(**kwargs), "float32")
    assert path32.dtype == np.float32
    np.testing.assert_allclose(path32, expected, rtol=1e-6, atol=1e-6)


def test_defaults():
    optimizer = Adadelta()
    assert (optimizer.learning_rate, optimizer.rho, optimizer.epsilon) == (
        pytest.approx(0.001), 0.95, 1e-7)
    np.testing.assert_allclose(run(optimizer, "float32"), reference(float(np.float32(0.001))),
                               rtol=1e-6)


def test_keras_single_step_and_golden_values():
    v = Variable([1.0, 2.0, 3.0, 4.0])
    Adadelta(learning_rate=0.5).apply([np.array([1.0, 6.0, 7.0, 2.0], "float32")], [v])
    np.testing.assert_allclose(v.data, [0.9993, 1.9993, 2.9993, 3.9993], atol=1e-4)

    optimizer = Adadelta(learning_rate=1.0, rho=0.8, epsilon=1e-6)
    x = Variable(np.ones(10, "float32"))
    grads = np.arange(0.1, 1.1, 0.1).astype("float32")
    optimizer.apply([np.full(10, 0.01, "float32")], [x])
    for expected in [0.9978, 0.9947, 0.9915, 0.9882, 0.9849]:
        np.testing.assert_allclose(x.data, expected, rtol=5e-4, atol=5e-4)
        optimizer.apply([grads], [x])


def test_slots_are_interleaved_as_in_keras():
    optimizer = Adadelta()
    optimizer.build([Variable(np.zeros(2), name="kernel"), Variable(np.zeros(2), name="bias")])
    assert [v.name for v in optimizer.variables][2:] == [
        "kernel_accumulated_grad", "kernel_accumulated_delta_var",
        "bias_accumulated_grad", "bias_accumulated_delta_var"]


def test_config_round_trip_and_keys():
    optimizer = Adadelta(learning_rate=0.5, rho=0.9, epsilon=1e-5)
    config = optimizer.get_config()
    assert set(config) - set(Optimizer(0.1).get_config()) == {"rho", "epsilon"}
    assert config["name"] == "adadelta"
    restored = optimizers.deserialize(optimizers.serialize(optimizer))
    assert type(restored) is Adadelta and restored.get_config() == config


def test_rho_must_be_in_0_1():
    with pytest.raises(ValueError, match="Adadelta: `rho` must be in"):
        Adadelta(rho=1.5)
