"""LearningRateScheduler: the rate it returns is the one the optimizer trains with, in both
schedule signatures, and bad schedules fail clearly."""

import numpy as np
import pytest

import minikeras as keras
from minikeras import layers
from minikeras.callbacks import LambdaCallback, LearningRateScheduler

RNG = np.random.default_rng(0)
X = RNG.random((8, 3)).astype("float32")
Y = X.sum(axis=1, keepdims=True)


def model(learning_rate=0.8):
    net = keras.Sequential([keras.Input(shape=(3,)), layers.Dense(1)])
    net.compile(optimizer=keras.optimizers.SGD(learning_rate), loss="mse")
    return net


def rates_in_training(schedule, epochs=3, net=None, verbose=0):
    """The optimizer's rate at each training batch (2 a epoch), and the History."""
    net = net or model()
    seen = []
    history = net.fit(X, Y, epochs=epochs, batch_size=4, verbose=0, callbacks=[
        LearningRateScheduler(schedule, verbose=verbose),
        LambdaCallback(on_train_batch_begin=lambda batch, logs: seen.append(
            float(net.optimizer.learning_rate)))])
    return seen, history


def test_schedule_of_the_epoch():
    seen, history = rates_in_training(lambda epoch: 0.1 / (epoch + 1))
    assert seen == pytest.approx([0.1, 0.1, 0.05, 0.05, 0.1 / 3, 0.1 / 3])
    assert history.history["learning_rate"] == pytest.approx([0.1, 0.05, 0.1 / 3])


def test_schedule_of_the_epoch_and_the_current_rate(capsys):
    def halve(epoch, lr):
        return lr * 0.5

    seen, _ = rates_in_training(halve, verbose=1)
    assert seen == pytest.approx([0.4, 0.4, 0.2, 0.2, 0.1, 0.1])
    assert "Epoch 2: LearningRateScheduler setting learning rate to 0.2" in \
        capsys.readouterr().out


def test_the_rate_is_the_one_the_weights_move_with():
    net = model()
    before = net.get_weights()
    rates_in_training(lambda epoch: 0.0, net=net)
    for got, want in zip(net.get_weights(), before):
        np.testing.assert_array_equal(got, want)
    rates_in_training(lambda epoch: 0.1, net=net)
    assert not np.array_equal(net.get_weights()[0], before[0])


def test_numpy_scalars_are_accepted():
    seen, _ = rates_in_training(lambda epoch: np.float32(0.25), epochs=1)
    assert seen == pytest.approx([0.25, 0.25])


@pytest.mark.parametrize("result, message", [
    ("0.1", r"should be a float. Got: '0.1' \(type str\) at epoch 0"),
    (None, "should be a float. Got: None"),
    (np.array([0.1, 0.2]), "should be a float"),
    (-0.1, "must be a finite float >= 0"),
    (float("nan"), "must be a finite float >= 0"),
])
def test_a_schedule_that_returns_no_rate_fails_clearly(result, message):
    with pytest.raises(ValueError, match=message):
        rates_in_training(lambda epoch: result)


def test_bad_schedule_and_schedule_driven_optimizer():
    with pytest.raises(TypeError, match="`schedule` must be a function"):
        LearningRateScheduler(0.1)
    net = keras.Sequential([keras.Input(shape=(3,)), layers.Dense(1)])
    net.compile(optimizer=keras.optimizers.SGD(
        keras.optimizers.schedules.ExponentialDecay(0.1, 10, 0.9)), loss="mse")
    with pytest.raises(TypeError, match="LearningRateScheduler cannot change.*not settable"):
        rates_in_training(lambda epoch: 0.1, net=net)
