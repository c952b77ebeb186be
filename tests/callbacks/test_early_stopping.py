"""EarlyStopping on scripted validation curves: the epoch it stops at, patience, min_delta,
baseline, start_from_epoch, and the weights it restores."""

import numpy as np
import pytest

import minikeras as keras
from minikeras import layers
from minikeras.callbacks import EarlyStopping, LambdaCallback

RNG = np.random.default_rng(0)
X = RNG.random((8, 3)).astype("float32")
Y = (X @ np.array([[1.0], [-1.0], [2.0]], "float32")).astype("float32")


def model():
    net = keras.Sequential([keras.Input(shape=(3,)), layers.Dense(1)])
    net.compile(optimizer=keras.optimizers.SGD(0.1), loss="mse")
    return net


def scripted(values, key="val_loss"):
    """A callback, placed before the one under test, that makes logs[key] follow a script."""
    def overwrite(epoch, logs):
        logs[key] = values[epoch]
    return LambdaCallback(on_epoch_end=overwrite)


def fit_with(stopper, values, epochs=None, key="val_loss", net=None, extra=()):
    net = net or model()
    history = net.fit(X, Y, epochs=epochs or len(values), batch_size=4, verbose=0,
                      callbacks=[scripted(values, key), stopper, *extra])
    return net, history


def test_stops_after_patience_epochs_without_improvement():
    stopper = EarlyStopping(patience=2)
    _, history = fit_with(stopper, [1.0, 0.8, 0.9, 0.85, 0.7, 0.6])
    assert history.epoch == [0, 1, 2, 3]
    assert history.history["val_loss"] == [1.0, 0.8, 0.9, 0.85]
    assert (stopper.stopped_epoch, stopper.best, stopper.wait) == (3, 0.8, 2)


def test_patience_zero_stops_at_the_first_worse_epoch_and_never_at_epoch_zero():
    stopper = EarlyStopping(patience=0)
    _, history = fit_with(stopper, [1.0, 0.9, 0.95, 0.1])
    assert history.epoch == [0, 1, 2]
    assert stopper.stopped_epoch == 2


def test_min_delta_and_mode_max():
    stopper = EarlyStopping(monitor="val_loss", min_delta=0.1, patience=1)
    _, history = fit_with(stopper, [0.5, 0.45, 0.3, 0.25])  # 0.45 is not 0.1 better than 0.5
    assert history.epoch == [0, 1]
    stopper = EarlyStopping(monitor="val_accuracy", patience=1)
    assert stopper.mode == "max"
    _, history = fit_with(stopper, [0.5, 0.6, 0.7, 0.65, 0.8], key="val_accuracy")
    assert history.epoch == [0, 1, 2, 3]
    assert stopper.best == 0.7


def test_baseline_resets_patience_only_when_beaten():
    curve = [0.9, 0.8, 0.85, 0.84, 0.83, 0.82]
    _, history = fit_with(EarlyStopping(patience=2), curve)
    assert len(history.epoch) == 4
    _, history = fit_with(EarlyStopping(patience=2, baseline=0.5), curve)
    assert len(history.epoch) == 3  # epochs that never reach 0.5 all count
    _, history = fit_with(EarlyStopping(patience=2, baseline=0.85), curve)
    assert len(history.epoch) == 4  # 0.8 beat the baseline: the count started again


def test_start_from_epoch_ignores_the_warm_up():
    curve = [1.0, 2.0, 3.0, 4.0, 5.0, 6.0]
    _, history = fit_with(EarlyStopping(patience=0), curve)
    assert len(history.epoch) == 2
    stopper = EarlyStopping(patience=0, start_from_epoch=3)
    _, history = fit_with(stopper, curve)
    assert len(history.epoch) == 5
    assert (stopper.stopped_epoch, stopper.best) == (4, 4.0)


def snapshots():
    saved = []
    recorder = LambdaCallback(on_epoch_end=lambda epoch, logs: saved.append(
        recorder.model.get_weights()))
    return saved, recorder


def assert_weights(net, expected):
    for got, want in zip(net.get_weights(), expected):
        np.testing.assert_array_equal(got, want)


@pytest.mark.parametrize("restore", [True, False])
def test_restore_best_weights_after_stopping(capsys, restore):
    saved, recorder = snapshots()
    stopper = EarlyStopping(patience=2, restore_best_weights=restore, verbose=1)
    net, history = fit_with(stopper, [1.0, 0.5, 0.9, 0.8, 0.1], extra=[recorder])
    assert len(history.epoch) == 4
    assert not np.array_equal(saved[1][0], saved[3][0])  # training moved the weights
    assert_weights(net, saved[1] if restore else saved[3])
    out = capsys.readouterr().out
    assert "Epoch 4: early stopping" in out
    assert ("Restoring model weights from the end of the best epoch: 2." in out) == restore


def test_restore_best_weights_also_when_all_epochs_ran():
    saved, recorder = snapshots()
    stopper = EarlyStopping(patience=5, restore_best_weights=True)
    net, history = fit_with(stopper, [1.0, 0.5, 0.9], extra=[recorder])
    assert len(history.epoch) == 3 and stopper.stopped_epoch == 0
    assert_weights(net, saved[1])


def test_an_instance_serves_several_fits():
    stopper = EarlyStopping(patience=1)
    fit_with(stopper, [1.0, 2.0, 3.0])
    assert stopper.stopped_epoch == 1
    _, history = fit_with(stopper, [3.0, 2.0, 1.0])
    assert len(history.epoch) == 3 and stopper.stopped_epoch == 0 and stopper.best == 1.0


def test_missing_monitor_warns_once_naming_the_available_metrics(recwarn):
    net = model()
    stopper = EarlyStopping(monitor="val_los", patience=0)
    history = net.fit(X, Y, epochs=3, batch_size=4, verbose=0, validation_data=(X, Y),
                      callbacks=[stopper])
    assert len(history.epoch) == 3
    messages = [str(w.message) for w in recwarn if "val_los`" in str(w.message)]
    assert messages == ["Early stopping conditioned on metric `val_los` which is not "
                        "available. Available metrics are: loss,val_loss"]


def test_bad_arguments():
    with pytest.warns(UserWarning, match="EarlyStopping mode 'up' is unknown, fallback to "
                                         "auto mode"):
        assert EarlyStopping(mode="up").mode == "min"
    with pytest.raises(ValueError, match="`patience` must be an int >= 0"):
        EarlyStopping(patience=-1)
    with pytest.raises(ValueError, match="`start_from_epoch` must be an int >= 0"):
        EarlyStopping(start_from_epoch=1.5)
    with pytest.raises(TypeError, match="`monitor` must be the name of a logged value"):
        EarlyStopping(monitor=None)
