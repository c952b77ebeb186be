"""TerminateOnNaN: training stops at the batch whose loss is NaN or infinite."""

import numpy as np
import pytest

import minikeras as keras
from minikeras import layers
from minikeras.callbacks import LambdaCallback, TerminateOnNaN

RNG = np.random.default_rng(0)
X = RNG.random((16, 3)).astype("float32")
Y = X.sum(axis=1, keepdims=True)


def fit_poisoned(callbacks):
    """Fit 4 batches an epoch; the kernel turns NaN before batch 2. The batches run."""
    net = keras.Sequential([keras.Input(shape=(3,)), layers.Dense(1)])
    net.compile(optimizer=keras.optimizers.SGD(0.1), loss="mse")
    batches = []

    def poison(batch, logs):
        if batch == 2:
            net.layers[0].kernel.assign(np.full((3, 1), np.nan, "float32"))

    history = net.fit(X, Y, epochs=3, batch_size=4, verbose=0, callbacks=[
        LambdaCallback(on_train_batch_begin=poison,
                       on_train_batch_end=lambda batch, logs: batches.append(batch)),
        *callbacks])
    return batches, history


def test_stops_at_the_batch_with_a_nan_loss(capsys):
    batches, history = fit_poisoned([TerminateOnNaN()])
    assert batches == [0, 1, 2]
    assert history.epoch == [0] and np.isnan(history.history["loss"][0])
    assert capsys.readouterr().out == "Batch 2: Invalid loss, terminating training\n"
    batches, history = fit_poisoned([])
    assert len(batches) == 12 and len(history.epoch) == 3


@pytest.mark.parametrize("loss, stops", [(np.inf, True), (-np.inf, True),
                                         (np.float32("nan"), True), (1.5, False)])
def test_infinite_losses_stop_too(loss, stops, capsys):
    callback = TerminateOnNaN()
    callback.set_model(keras.Sequential([layers.Dense(1)]))
    callback.on_batch_end(7, {"loss": loss})
    assert callback.model.stop_training is stops
    assert ("Batch 7: Invalid loss" in capsys.readouterr().out) is stops
