"""RMSprop: trajectories against the update equations written out here, Keras's examples."""

import numpy as np
import pytest

from minikeras import optimizers
from minikeras.backend import Variable
from minikeras.optimizers import Optimizer, RMSprop

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


def reference(lr, rho=0.9, momentum=0.0, epsilon=1e-7, centered=False):
    """Keras's RMSprop in float64."""
    w, velocity, average, moment, path = W0.copy(), np.zeros(3), np.zeros(3), np.zeros(3), []
    for g in GRADS:
        velocity = rho * velocity + (1 - rho) * g ** 2
        if centered:
            average = rho * average + (1 - rho) * g
            denominator = velocity - average ** 2 + epsilon
        else:
            denominator = velocity + epsilon
        increment = lr * g / np.sqrt(denominator)
        if momentum > 0:
            moment = momentum * moment + increment
            w = w - moment
        else:
            w = w - increment
        path.append(w)
    return np.array(path)


CASES = [dict(learning_rate=0.125), dict(learning_rate=0.125, rho=0.5, epsilon=0.1),
         dict(learning_rate=0.125, momentum=0.9),
         dict(learning_rate=0.0625, centered=True, epsilon=0.01),
         dict(learning_rate=0.0625, centered=True, momentum=0.5, rho=0.8)]


@pytest.mark.parametrize("kwargs", CASES)
def test_trajectory_matches_update_equations(kwargs):
    expected = reference(lr=kwargs["learning_rate"],
                         **{k: v for k, v in kwargs.items() if k != "learning_rate"})
    np.testing.assert_allclose(run(RMSprop(**kwargs), "float64"), expected, rtol=1e-12)
    path32 = run(RMSprop(**kwargs), "float32")
    assert path32.dtype == np.float32
    np.testing.assert_allclose(path32, expected, rtol=1e-5, atol=1e-6)


def test_keras_docstring_example():
    optimizer = RMSprop(learning_rate=0.1)
    v = Variable(10.0)
    optimizer.apply([v.data.copy()], [v])   # d(v**2 / 2)/dv = v
    assert float(v.data) == pytest.approx(9.683772, abs=1e-6)


def test_keras_single_step_and_golden_values():
    v = Variable([1.0, 2.0, 3.0, 4.0])
    RMSprop(learning_rate=0.5).apply([np.array([1.0, 6.0, 7.0, 2.0], "float32")], [v])
    np.testing.assert_allclose(v.data, [-0.5811, 0.4189, 1.4189, 2.4189], atol=1e-4)

    optimizer = RMSprop(centered=True)
    x = Variable(np.ones(10, "float32"))
    grads = np.arange(0.1, 1.1, 0.1).astype("float32")
    optimizer.apply([np.full(10, 0.01, "float32")], [x])
    for expected in [0.9967, 0.9933, 0.9908, 0.9885, 0.9864]:
        np.testing.assert_allclose(x.data, expected, rtol=5e-4, atol=5e-4)
        optimizer.apply([grads], [x])


def test_slots_are_named_and_ordered_as_in_keras():
    a, b = Variable(np.zeros(2), name="kernel"), Variable(np.zeros(2), name="bias")
    optimizer = RMSprop(momentum=0.5, centered=True)
    optimizer.build([a, b])
    assert [v.name for v in optimizer.variables][2:] == [
        "kernel_velocity", "bias_velocity", "kernel_momentum", "bias_momentum",
        "kernel_average_gradient", "bias_average_gradient"]
    plain = RMSprop()
    plain.build([a])
    assert [v.name for v in plain.variables][2:] == ["kernel_velocity"]


def test_config_round_trip_and_keys():
    optimizer = RMSprop(learning_rate=0.5, rho=0.8, momentum=0.05, epsilon=1e-6, centered=True)
    config = optimizer.get_config()
    assert set(config) - set(Optimizer(0.1).get_config()) == {
        "rho", "momentum", "epsilon", "centered"}
    assert config["name"] == "rmsprop"
    restored = optimizers.deserialize(optimizers.serialize(optimizer))
    assert type(restored) is RMSprop and restored.get_config() == config


def test_argument_ranges_as_in_keras():
    for bad in (-0.1, 1.1):
        with pytest.raises(ValueError, match="`rho` must be in"):
            RMSprop(rho=bad)
        with pytest.raises(ValueError, match="`momentum` must be in"):
            RMSprop(momentum=bad)
    for bad in (0, -1e-7):
        with pytest.raises(ValueError, match="must be positive"):
            RMSprop(epsilon=bad)
    RMSprop(rho=0.0, momentum=1.0, epsilon=1e-12)
