"""AdamW: Adam after decoupled weight decay, against the equations written out here."""

import numpy as np
import pytest

from minikeras import optimizers
from minikeras.backend import Variable
from minikeras.optimizers import Adam, AdamW

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


def reference(lr, weight_decay=0.004, beta_1=0.9, beta_2=0.999, epsilon=1e-7, amsgrad=False):
    """Keras's AdamW in float64: w -= w * weight_decay * lr first, then the Adam step."""
    w, m, v, v_max, path = W0.copy(), np.zeros(3), np.zeros(3), np.zeros(3), []
    for t, g in enumerate(GRADS, start=1):
        w = w - w * weight_decay * lr
        m = m + (g - m) * (1 - beta_1)
        v = v + (g ** 2 - v) * (1 - beta_2)
        v_max = np.maximum(v_max, v)
        alpha = lr * np.sqrt(1 - beta_2 ** t) / (1 - beta_1 ** t)
        w = w - alpha * m / (np.sqrt(v_max if amsgrad else v) + epsilon)
        path.append(w)
    return np.array(path)


CASES = [dict(learning_rate=0.125), dict(learning_rate=0.25, weight_decay=0.5, epsilon=0.1),
         dict(learning_rate=0.125, weight_decay=0.1, amsgrad=True, beta_1=0.5)]


@pytest.mark.parametrize("kwargs", CASES)
def test_trajectory_matches_update_equations(kwargs):
    expected = reference(lr=kwargs["learning_rate"],
                         **{k: v for k, v in kwargs.items() if k != "learning_rate"})
    np.testing.assert_allclose(run(AdamW(**kwargs), "float64"), expected, rtol=1e-13)
    path32 = run(AdamW(**kwargs), "float32")
    assert path32.dtype == np.float32
    np.testing.assert_allclose(path32, expected, rtol=1e-6, atol=1e-6)


def test_is_adam_with_weight_decay_0_004_by_default():
    optimizer = AdamW()
    assert isinstance(optimizer, Adam) and optimizer.weight_decay == 0.004
    np.testing.assert_allclose(run(optimizer, "float32"),
                               run(Adam(weight_decay=0.004), "float32"), rtol=0)


def test_keras_single_step_and_golden_values():
    v = Variable([1.0, 2.0, 3.0, 4.0])
    AdamW(learning_rate=0.5).apply([np.array([1.0, 6.0, 7.0, 2.0], "float32")], [v])
    np.testing.assert_allclose(v.data, [0.4980, 1.4960, 2.494, 3.492], atol=1e-4)

    optimizer = AdamW(learning_rate=1.0, weight_decay=0.5, epsilon=2)
    x = Variable(np.ones(10, "float32"))
    grads = np.arange(0.1, 1.1, 0.1).astype("float32")
    optimizer.apply([np.full(10, 0.01, "float32")], [x])
    golden = [[0.4998, 0.4998], [0.2486, 0.2382], [0.1223, 0.1003], [0.0586, 0.0258],
              [0.0263, -0.0159]]
    for expected in golden:
        np.testing.assert_allclose(x.data[[0, 9]], expected, rtol=5e-4, atol=5e-4)
        optimizer.apply([grads], [x])


def test_weight_decay_is_required():
    with pytest.raises(ValueError, match="Argument `weight_decay` must be a float. "
                                         "Received: weight_decay=None"):
        AdamW(weight_decay=None)


def test_config_round_trip_and_keys():
    optimizer = AdamW(learning_rate=0.5, weight_decay=0.008, beta_1=0.5, beta_2=0.67,
                      epsilon=1e-5, amsgrad=True)
    config = optimizer.get_config()
    assert config["name"] == "adamw" and config["weight_decay"] == 0.008
    assert set(config) == set(Adam().get_config())
    restored = optimizers.deserialize(optimizers.serialize(optimizer))
    assert type(restored) is AdamW and restored.get_config() == config
