"""SGD: trajectories against the update equations written out here, Keras's examples, config."""

import numpy as np
import pytest

from minikeras import optimizers
from minikeras.backend import Variable
from minikeras.optimizers import SGD, Optimizer

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


def reference(lr, momentum=0.0, nesterov=False):
    """Keras's SGD in float64: velocity = momentum * velocity - lr * g, then w += velocity
    (Nesterov: w += momentum * velocity - lr * g)."""
    w, velocity, path = W0.copy(), np.zeros(3), []
    for g in GRADS:
        if momentum == 0:
            w = w - lr * g
        else:
            velocity = momentum * velocity - lr * g
            w = w + (momentum * velocity - lr * g if nesterov else velocity)
        path.append(w)
    return np.array(path)


CASES = [dict(learning_rate=0.25), dict(learning_rate=0.25, momentum=0.9),
         dict(learning_rate=0.125, momentum=0.5, nesterov=True)]


@pytest.mark.parametrize("kwargs", CASES)
def test_trajectory_matches_update_equations(kwargs):
    expected = reference(kwargs["learning_rate"], kwargs.get("momentum", 0.0),
                         kwargs.get("nesterov", False))
    np.testing.assert_allclose(run(SGD(**kwargs), "float64"), expected, rtol=1e-13)
    path32 = run(SGD(**kwargs), "float32")
    assert path32.dtype == np.float32
    np.testing.assert_allclose(path32, expected, rtol=1e-6, atol=1e-6)


def test_default_learning_rate_is_0_01():
    np.testing.assert_allclose(run(SGD(), "float32"), reference(0.01), rtol=1e-6)


def test_keras_single_step():
    optimizer = SGD(learning_rate=0.5)
    assert len(optimizer.variables) == 2
    v = Variable([1.0, 2.0, 3.0, 4.0])
    optimizer.build([v])
    optimizer.apply_gradients(zip([np.array([1.0, 6.0, 7.0, 2.0], "float32")], [v]))
    np.testing.assert_allclose(v.data, [0.5, -1.0, -0.5, 3.0], atol=1e-6)
    assert [float(x.data) for x in optimizer.variables] == [1, 0.5]


def test_keras_golden_values_nesterov():
    optimizer = SGD(nesterov=True)
    x = Variable(np.ones(10, "float32"))
    grads = np.arange(0.1, 1.1, 0.1).astype("float32")
    optimizer.apply_gradients(zip([np.full(10, 0.01, "float32")], [x]))
    # Keras's table: row k is 0.9999 - 0.001 * k * [1, 2, ..., 10].
    golden = [0.9999 - 0.001 * k * np.arange(1, 11) for k in range(5)]
    for expected in golden:
        np.testing.assert_allclose(x.data, expected, rtol=5e-4, atol=5e-4)
        optimizer.apply_gradients(zip([grads], [x]))


def test_momentum_slots_are_named_and_ordered_as_in_keras():
    a, b = Variable(np.zeros((2, 2)), name="kernel"), Variable(np.zeros(2), name="bias")
    optimizer = SGD(momentum=0.9)
    optimizer.build([a, b])
    assert [v.name for v in optimizer.variables] == [
        "iteration", "learning_rate", "kernel_momentum", "bias_momentum"]
    assert [v.path for v in optimizer.variables][2] == "SGD/kernel_momentum"
    plain = SGD()
    plain.build([a])
    assert len(plain.variables) == 2  # no slots without momentum


def test_config_round_trip_and_keys():
    optimizer = SGD(learning_rate=0.5, momentum=0.06, nesterov=True, weight_decay=0.004)
    config = optimizer.get_config()
    assert set(config) - set(Optimizer(0.1).get_config()) == {"momentum", "nesterov"}
    assert config["name"] == "SGD"
    for restored in (SGD.from_config(config), optimizers.deserialize(optimizers.serialize(
            optimizer))):
        assert type(restored) is SGD and restored.get_config() == config


@pytest.mark.parametrize("momentum", [-0.1, 1.5, "0.9"])
def test_momentum_must_be_in_0_1(momentum):
    with pytest.raises(ValueError, match="SGD.*`momentum`"):
        SGD(momentum=momentum)


def test_nesterov_must_be_a_bool():
    with pytest.raises(ValueError, match="SGD: argument `nesterov` must be True or False"):
        SGD(nesterov="yes")
