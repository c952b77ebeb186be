"""ReduceLROnPlateau on scripted validation curves: when the optimizer's rate drops, cooldown,
min_lr, the 'learning_rate' log, and the refusal of a schedule-driven rate."""

import numpy as np
import pytest

import minikeras as keras
from minikeras import layers
from minikeras.callbacks import LambdaCallback, ReduceLROnPlateau

RNG = np.random.default_rng(0)
X = RNG.random((8, 3)).astype("float32")
Y = X.sum(axis=1, keepdims=True)


def model(learning_rate=1.0):
    net = keras.Sequential([keras.Input(shape=(3,)), layers.Dense(1)])
    net.compile(optimizer=keras.optimizers.SGD(learning_rate), loss="mse")
    return net


def fit_with(reducer, values, net=None):
    """Fit with logs['val_loss'] following `values`; the optimizer's rate after each epoch."""
    net = net or model()
    rates = []

    def overwrite(epoch, logs):
        logs["val_loss"] = values[epoch]

    history = net.fit(X, Y, epochs=len(values), batch_size=4, verbose=0, callbacks=[
        LambdaCallback(on_epoch_end=overwrite), reducer,
        LambdaCallback(on_epoch_end=lambda e, logs: rates.append(
            float(net.optimizer.learning_rate)))])
    return history, rates


def test_reduces_after_patience_epochs_then_waits_the_cooldown_and_stops_at_min_lr():
    reducer = ReduceLROnPlateau(factor=0.5, patience=2, cooldown=2, min_lr=0.2)
    history, rates = fit_with(reducer, [1.0] * 9)
    assert rates == pytest.approx([1, 1, 0.5, 0.5, 0.5, 0.25, 0.25, 0.25, 0.2])
    # The rate used during each epoch, logged before the reduction, reaches the History.
    assert history.history["learning_rate"] == pytest.approx(
        [1, 1, 1, 0.5, 0.5, 0.5, 0.25, 0.25, 0.25])
    _, rates = fit_with(ReduceLROnPlateau(factor=0.5, patience=2), [1.0] * 7)
    assert rates == pytest.approx([1, 1, 0.5, 0.5, 0.25, 0.25, 0.125])


def test_min_lr_is_a_floor_and_is_not_passed():
    _, rates = fit_with(ReduceLROnPlateau(factor=0.1, patience=1, min_lr=0.05), [1.0] * 5)
    assert rates == pytest.approx([1, 0.1, 0.05, 0.05, 0.05])


def test_improvements_beyond_min_delta_reset_the_count(capsys):
    reducer = ReduceLROnPlateau(factor=0.5, patience=2, min_delta=0.01, verbose=1)
    # 0.995 is not an improvement on 1.0 by more than 0.01; 0.9 is.
    _, rates = fit_with(reducer, [1.0, 0.995, 0.9, 0.895, 0.7, 0.695, 0.699])
    assert rates == pytest.approx([1, 1, 1, 1, 1, 1, 0.5])
    assert "Epoch 7: ReduceLROnPlateau reducing learning rate to 0.5." in \
        capsys.readouterr().out


def test_mode_max_for_accuracies():
    reducer = ReduceLROnPlateau(monitor="val_accuracy", factor=0.5, patience=1)
    assert reducer.mode == "max"
    reducer.set_model(model())
    reducer.on_train_begin()
    for epoch, value in enumerate([0.5, 0.6, 0.55]):
        reducer.on_epoch_end(epoch, {"val_accuracy": value})
    assert float(reducer.model.optimizer.learning_rate) == pytest.approx(0.5)


def test_a_schedule_driven_rate_is_refused_before_training():
    net = keras.Sequential([keras.Input(shape=(3,)), layers.Dense(1)])
    schedule = keras.optimizers.schedules.ExponentialDecay(0.1, decay_steps=10,
                                                           decay_rate=0.9)
    net.compile(optimizer=keras.optimizers.SGD(schedule), loss="mse")
    before = net.get_weights()
    with pytest.raises(TypeError, match="ReduceLROnPlateau cannot change the learning rate "
                                        "of SGD.*not settable"):
        net.fit(X, Y, epochs=2, verbose=0, callbacks=[ReduceLROnPlateau()])
    np.testing.assert_array_equal(net.get_weights()[0], before[0])


def test_missing_monitor_warns_once(recwarn):
    fit_with(ReduceLROnPlateau(monitor="val_acc", patience=0), [1.0] * 3)
    messages = [str(w.message) for w in recwarn if "val_acc`" in str(w.message)]
    assert messages == ["Learning rate reduction is conditioned on metric `val_acc` which is "
                        "not available. Available metrics are: loss,val_loss,learning_rate"]


def test_bad_arguments():
    with pytest.raises(ValueError, match="does not support a factor >= 1.0. Received "
                                         "factor=1.5"):
        ReduceLROnPlateau(factor=1.5)
    with pytest.raises(ValueError, match="`min_lr` must be a float >= 0"):
        ReduceLROnPlateau(min_lr=-1)
    with pytest.raises(ValueError, match="`cooldown` must be an int >= 0"):
        ReduceLROnPlateau(cooldown=None)
    with pytest.raises(TypeError, match="unexpected keyword argument.*'epsilon'"):
        ReduceLROnPlateau(epsilon=1e-4)
    with pytest.warns(UserWarning, match="ReduceLROnPlateau mode 'low' is unknown"):
        ReduceLROnPlateau(mode="low")
