"""The monitored-value logic shared by ModelCheckpoint, EarlyStopping and ReduceLROnPlateau:
which direction is better, improvements with min_delta, and the missing-value warning."""

import warnings

import numpy as np
import pytest

import minikeras as keras
from minikeras import layers
from minikeras.callbacks import (EarlyStopping, ModelCheckpoint, MonitorCallback,
                                 ReduceLROnPlateau)
from minikeras.callbacks.monitor_callback import resolve_mode


@pytest.mark.parametrize("monitor, mode", [
    ("val_loss", "min"), ("loss", "min"), ("val_output_1_loss", "min"), ("val_mae", "min"),
    ("accuracy", "max"), ("val_acc", "max"), ("val_sparse_categorical_accuracy", "max"),
    ("val_auc", "max"), ("precision", "max"), ("val_recall", "max"), ("val_r2_score", "max"),
    ("val_mean_iou", "max"), ("val_f1_score", "max"),
])
def test_auto_mode_from_the_name(monitor, mode):
    assert resolve_mode("EarlyStopping", monitor, "auto") == mode
    assert resolve_mode("EarlyStopping", monitor, "min") == "min"
    assert resolve_mode("EarlyStopping", monitor, "max") == "max"


def test_unknown_mode_warns_with_the_valid_names():
    with pytest.warns(UserWarning, match="ReduceLROnPlateau mode 'down' is unknown, fallback "
                                         "to auto mode. Valid modes are 'auto', 'min' and "
                                         "'max'."):
        assert ReduceLROnPlateau(monitor="val_accuracy", mode="down").mode == "max"


def test_improvement_with_min_delta():
    lower = MonitorCallback("val_loss", min_delta=-0.1)  # the sign is ignored, as in Keras
    assert lower.min_delta == 0.1
    assert lower.is_improvement(0.5, None)
    assert lower.is_improvement(0.39, 0.5) and not lower.is_improvement(0.41, 0.5)
    assert lower.worst_value() == np.inf
    higher = MonitorCallback("val_accuracy", min_delta=0.1)
    assert higher.is_improvement(0.61, 0.5) and not higher.is_improvement(0.59, 0.5)
    assert higher.worst_value() == -np.inf
    exact = MonitorCallback("loss", mode="min")
    assert not exact.is_improvement(0.5, 0.5) and exact.is_improvement(0.4999, 0.5)


@pytest.mark.parametrize("make, start", [
    (lambda path: EarlyStopping(monitor="val_los"),
     "Early stopping conditioned on metric `val_los` which is not available."),
    (lambda path: ReduceLROnPlateau(monitor="val_los"),
     "Learning rate reduction is conditioned on metric `val_los` which is not available."),
    (lambda path: ModelCheckpoint(path, monitor="val_los", save_best_only=True),
     "Can save best model only with val_los available, skipping."),
])
def test_a_missing_value_warns_once_per_callback_naming_the_available_ones(
        tmp_path, make, start):
    keras.layers.base.clear_session()
    net = keras.Sequential([keras.Input(shape=(2,)), layers.Dense(1)])
    net.compile(optimizer="sgd", loss="mse")
    data = np.ones((4, 2), "float32"), np.ones((4, 1), "float32")
    first, second = make(tmp_path / "m.keras"), make(tmp_path / "n.keras")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        net.fit(*data, epochs=3, verbose=0, validation_data=data, callbacks=[first, second])
    messages = [str(w.message) for w in caught if "val_los" in str(w.message)]
    assert len(messages) == 2  # one for each instance, not one per epoch
    assert messages[0].startswith(start)
    assert "Available metrics are: loss,val_loss" in messages[0]
    assert not (tmp_path / "m.keras").exists()
