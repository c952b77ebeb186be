"""Adagrad: trajectories against the update equations written out here, Keras's examples."""

import numpy as np
import pytest

from minikeras import optimizers
from minikeras.backend import Variable
from minikeras.optimizers import Adagrad, Optimizer

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


def reference(lr, initial_accumulator_value=0.1, epsilon=1e-7):
    """Keras's Adagrad in float64: epsilon inside the square root."""
    w, accumulator, path = W0.copy(), np.full(3, initial_accumulator_value), []
    for g in GRADS:
        accumulator = accumulator + g ** 2
        w = w - lr * g / np.sqrt(accumulator + epsilon)
        path.append(w)
    return np.array(path)


CASES = [dict(learning_rate=0.25), dict(learning_rate=0.5, initial_accumulator_value=0.0,
                                        epsilon=0.25),
         dict(learning_rate=0.125, initial_accumulator_value=2.0)]


@pytest.mark.parametrize("kwargs", CASES)
def test_trajectory_matches_update_equations(kwargs):
    expected = reference(lr=kwargs["learning_rate"],
                         **{k: v for k, v in kwargs.items() if k != "learning_rate"})
    np.testing.assert_allclose(run(Adagrad(**kwargs), "float64"), expected, rtol=1e-13)
    path32 = run(Adagrad(**kwargs), "float32")
    assert path32.dtype == np.float32
    np.testing.assert_allclose(path32, expected, rtol=1e-6, atol=1e-6)


def test_defaults():
    optimizer = Adagrad()
    assert (optimizer.initial_accumulator_value, optimizer.epsilon) == (0.1, 1e-7)
    np.testing.assert_allclose(run(optimizer, "float32"), reference(float(np.float32(0.001))),
                               rtol=1e-6)


def test_keras_single_step_and_golden_values():
    v = Variable([1.0, 2.0, 3.0, 4.0])
    Adagrad(learning_rate=0.5).apply([np.array([1.0, 6.0, 7.0, 2.0], "float32")], [v])
    np.testing.assert_allclose(v.data, [0.5233, 1.5007, 2.5005, 3.5061], atol=1e-4)

    optimizer = Adagrad(learning_rate=0.2, initial_accumulator_value=0.3, epsilon=1e-6)
    x = Variable(np.ones(10, "float32"))
    grads = np.arange(0.1, 1.1, 0.1).astype("float32")
    optimizer.apply([np.full(10, 0.01, "float32")], [x])
    golden = [[0.9963] * 2, [0.9604, 0.8209], [0.9251, 0.6891], [0.8903, 0.579],
              [0.856, 0.4825]]
    for expected in golden:
        np.testing.assert_allclose(x.data[[0, 9]], expected, rtol=5e-4, atol=5e-4)
        optimizer.apply([grads], [x])


def test_accumulators_start_at_initial_value():
    optimizer = Adagrad(initial_accumulator_value=0.2)
    optimizer.build([Variable(np.zeros(3), name="kernel")])
    slot = optimizer.variables[2]
    assert slot.name == "kernel_accumulator"
    np.testing.assert_array_equal(slot.data, np.full(3, 0.2, "float32"))


def test_config_round_trip_and_keys():
    optimizer = Adagrad(learning_rate=0.5, initial_accumulator_value=0.2, epsilon=1e-5)
    config = optimizer.get_config()
    assert set(config) - set(Optimizer(0.1).get_config()) == {
        "initial_accumulator_value", "epsilon"}
    assert config["name"] == "adagrad"
    restored = optimizers.deserialize(optimizers.serialize(optimizer))
    assert type(restored) is Adagrad and restored.get_config() == config


def test_negative_accumulator_value_is_an_error():
    with pytest.raises(ValueError, match="Adagrad: `initial_accumulator_value` must be >= 0"):
        Adagrad(initial_accumulator_value=-1.0)
