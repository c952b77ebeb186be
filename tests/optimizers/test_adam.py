"""Adam: trajectories against the update equations written out here, Keras's examples."""

import numpy as np
import pytest

from minikeras import optimizers
from minikeras.backend import Variable
from minikeras.optimizers import Adam, Optimizer

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


def reference(lr, beta_1=0.9, beta_2=0.999, epsilon=1e-7, amsgrad=False):
    """Keras's Adam in float64: bias corrections folded into the step size, epsilon added
    to sqrt(v) outside the correction."""
    w, m, v, v_max, path = W0.copy(), np.zeros(3), np.zeros(3), np.zeros(3), []
    for t, g in enumerate(GRADS, start=1):
        m = m + (g - m) * (1 - beta_1)
        v = v + (g ** 2 - v) * (1 - beta_2)
        v_max = np.maximum(v_max, v)
        alpha = lr * np.sqrt(1 - beta_2 ** t) / (1 - beta_1 ** t)
        w = w - alpha * m / (np.sqrt(v_max if amsgrad else v) + epsilon)
        path.append(w)
    return np.array(path)


CASES = [dict(learning_rate=0.125), dict(learning_rate=0.25, beta_1=0.5, beta_2=0.75,
                                         epsilon=0.1),
         dict(learning_rate=0.125, amsgrad=True), dict(learning_rate=0.5, amsgrad=True,
                                                       beta_2=0.5, epsilon=0.01)]


@pytest.mark.parametrize("kwargs", CASES)
def test_trajectory_matches_update_equations(kwargs):
    expected = reference(lr=kwargs["learning_rate"],
                         **{k: v for k, v in kwargs.items() if k != "learning_rate"})
    np.testing.assert_allclose(run(Adam(**kwargs), "float64"), expected, rtol=1e-13)
    path32 = run(Adam(**kwargs), "float32")
    assert path32.dtype == np.float32
    np.testing.assert_allclose(path32, expected, rtol=1e-6, atol=1e-6)


def test_defaults():
    optimizer = Adam()
    assert (optimizer.beta_1, optimizer.beta_2, optimizer.epsilon, optimizer.amsgrad) == (
        0.9, 0.999, 1e-7, False)
    np.testing.assert_allclose(run(optimizer, "float32"), reference(float(np.float32(0.001))),
                               rtol=1e-6)


def test_keras_single_step_and_golden_values():
    v = Variable([1.0, 2.0, 3.0, 4.0])
    Adam(learning_rate=0.5).apply([np.array([1.0, 6.0, 7.0, 2.0], "float32")], [v])
    np.testing.assert_allclose(v.data, [0.5, 1.5, 2.5, 3.5], atol=1e-4)

    optimizer = Adam(amsgrad=True)
    x = Variable(np.ones(10, "float32"))
    grads = np.arange(0.1, 1.1, 0.1).astype("float32")
    optimizer.apply([np.full(10, 0.01, "float32")], [x])
    for expected in [0.999, 0.9982, 0.9974, 0.9965, 0.9955]:
        np.testing.assert_allclose(x.data, expected, rtol=5e-4, atol=5e-4)
        optimizer.apply([grads], [x])


def test_keras_weight_decay_example():
    var1, var2, var3 = Variable(2.0), Variable(2.0, name="exclude"), Variable(2.0)
    zero = np.zeros((), "float32")
    Adam(learning_rate=1.0, weight_decay=0.004).apply([zero], [var1])
    second = Adam(learning_rate=1.0, weight_decay=0.004)
    second.exclude_from_weight_decay(var_names=["exclude"])
    second.apply([zero, zero], [var1, var2])
    third = Adam(learning_rate=1.0, weight_decay=0.004)
    third.exclude_from_weight_decay(var_list=[var3])
    third.apply([zero, zero], [var1, var3])
    assert float(var1.data) == pytest.approx(1.9760959, abs=1e-6)
    assert float(var2.data) == float(var3.data) == 2.0


def test_slots_are_named_and_ordered_as_in_keras():
    optimizer = Adam(amsgrad=True)
    optimizer.build([Variable(np.zeros((2, 3)), name="kernel"), Variable(np.zeros(3),
                                                                         name="bias")])
    assert [v.name for v in optimizer.variables] == [
        "iteration", "learning_rate", "kernel_momentum", "kernel_velocity", "bias_momentum",
        "bias_velocity", "kernel_velocity_hat", "bias_velocity_hat"]
    assert [v.shape for v in optimizer.variables][2:4] == [(2, 3), (2, 3)]
    assert all(v.dtype == np.float32 and not v.trainable for v in optimizer.variables[1:])


def test_config_round_trip_and_keys():
    optimizer = Adam(learning_rate=0.5, beta_1=0.5, beta_2=0.67, epsilon=1e-5, amsgrad=True)
    config = optimizer.get_config()
    assert set(config) - set(Optimizer(0.1).get_config()) == {
        "beta_1", "beta_2", "epsilon", "amsgrad"}
    assert config["name"] == "adam"
    restored = optimizers.deserialize(optimizers.serialize(optimizer))
    assert type(restored) is Adam and restored.get_config() == config


@pytest.mark.parametrize("kwargs", [dict(beta_1=1.0), dict(beta_2=-0.1), dict(epsilon=-1e-7)])
def test_bad_hyperparameters_name_the_argument(kwargs):
    (argument, _), = kwargs.items()
    with pytest.raises(ValueError, match=f"Adam: `{argument}` must be"):
        Adam(**kwargs)
