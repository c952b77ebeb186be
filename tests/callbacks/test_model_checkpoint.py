"""ModelCheckpoint and BackupAndRestore: what is saved when, under which name, and an
interrupted fit that resumes with the same result as an uninterrupted one."""

import json
import os

import numpy as np
import pytest

import minikeras as keras
from minikeras import layers
from minikeras.callbacks import BackupAndRestore, Callback, ModelCheckpoint

RNG = np.random.default_rng(0)
X = RNG.random((8, 3)).astype("float32")
Y = (X @ np.array([[1.0], [-1.0], [2.0]], "float32")).astype("float32")


def model(seed=0):
    keras.utils.set_random_seed(seed)
    net = keras.Sequential([keras.Input(shape=(3,)), layers.Dense(4, activation="tanh"),
                            layers.Dense(1)])
    net.compile(optimizer=keras.optimizers.Adam(0.05), loss="mse", metrics=["mae"])
    return net


# -- ModelCheckpoint ---------------------------------------------------------------------------


def test_filename_template_with_epoch_and_logged_values(tmp_path):
    net = model()
    template = str(tmp_path / "weights.{epoch:02d}-{val_loss:.2f}.h5")
    history = net.fit(X, Y, epochs=3, batch_size=4, shuffle=False, verbose=0,
                      validation_data=(X, Y),
                      callbacks=[ModelCheckpoint(template, save_weights_only=True)])
    expected = [f"weights.{epoch + 1:02d}-{loss:.2f}.h5"
                for epoch, loss in enumerate(history.history["val_loss"])]
    assert sorted(os.listdir(tmp_path)) == sorted(expected)
    last = model(seed=5)
    last.load_weights(tmp_path / expected[-1])
    for a, b in zip(last.weights, net.weights):
        np.testing.assert_array_equal(a.data, b.data)


def test_save_best_only_keeps_the_best_epoch(tmp_path, capsys):
    net = model()
    path = tmp_path / "best.keras"
    checkpoint = ModelCheckpoint(path, monitor="val_loss", save_best_only=True, verbose=1)
    checkpoint.set_model(net)
    saved_kernels = []
    for epoch, val_loss in enumerate([0.5, 0.7, 0.4, 0.4]):
        net.layers[0].kernel.assign(np.full((3, 4), epoch, "float32"))
        checkpoint.on_epoch_end(epoch, {"val_loss": val_loss})
        saved_kernels.append(keras.models.load_model(path).layers[0].kernel.data[0, 0])
    assert saved_kernels == [0, 0, 2, 2]
    assert checkpoint.best == 0.4
    out = capsys.readouterr().out
    assert "Epoch 1: val_loss improved from inf to 0.50000, saving model to" in out
    assert "Epoch 2: val_loss did not improve from 0.50000" in out
    assert "Epoch 4: val_loss did not improve from 0.40000" in out


def test_mode_auto_maximizes_accuracy_and_respects_the_initial_threshold(tmp_path):
    net = model()
    checkpoint = ModelCheckpoint(tmp_path / "w.weights.h5", monitor="val_accuracy",
                                 save_best_only=True, save_weights_only=True,
                                 initial_value_threshold=0.8)
    assert checkpoint.mode == "max"
    checkpoint.set_model(net)
    checkpoint.on_epoch_end(0, {"val_accuracy": 0.7})
    assert not os.path.exists(tmp_path / "w.weights.h5")
    checkpoint.on_epoch_end(1, {"val_accuracy": 0.9})
    assert os.path.exists(tmp_path / "w.weights.h5")
    assert ModelCheckpoint(tmp_path / "m.keras", monitor="val_auc").mode == "max"
    assert ModelCheckpoint(tmp_path / "m.keras", monitor="loss").mode == "min"
    with pytest.warns(UserWarning, match="mode 'up' is unknown, fallback to auto mode"):
        assert ModelCheckpoint(tmp_path / "m.keras", mode="up").mode == "min"


def test_save_freq_in_batches(tmp_path):
    net = model()
    template = str(tmp_path / "{epoch}-{batch}.weights.h5")
    net.fit(X, Y, epochs=2, batch_size=2, shuffle=False, verbose=0,
            callbacks=[ModelCheckpoint(template, save_weights_only=True, save_freq=3)])
    # 4 batches per epoch: a save after the 3rd and the 6th batch.
    assert sorted(os.listdir(tmp_path)) == ["1-3.weights.h5", "2-2.weights.h5"]


def test_whole_model_checkpoints_load_compiled(tmp_path):
    net = model()
    net.fit(X, Y, epochs=2, verbose=0, callbacks=[ModelCheckpoint(tmp_path / "m.h5",
                                                                  monitor="loss")])
    loaded = keras.models.load_model(tmp_path / "m.h5")
    assert loaded.compiled and loaded.optimizer.iterations == net.optimizer.iterations
    np.testing.assert_array_equal(loaded.predict(X, verbose=0), net.predict(X, verbose=0))


def test_model_checkpoint_errors(tmp_path):
    with pytest.raises(ValueError, match="must end in `.weights.h5`"):
        ModelCheckpoint(tmp_path / "w.keras", save_weights_only=True)
    with pytest.raises(ValueError, match="must end in `.keras`"):
        ModelCheckpoint(tmp_path / "model.ckpt")
    with pytest.raises(ValueError, match="Unrecognized save_freq: 'batch'"):
        ModelCheckpoint(tmp_path / "m.keras", save_freq="batch")
    checkpoint = ModelCheckpoint(str(tmp_path / "m-{val_acc:.2f}.keras"))
    checkpoint.set_model(model())
    with pytest.raises(KeyError, match="Failed to format this callback filepath.*val_acc.*"
                                       "available are: epoch, loss"):
        checkpoint.on_epoch_end(0, {"loss": 1.0})
    best = ModelCheckpoint(tmp_path / "b.keras", save_best_only=True)
    best.set_model(model())
    with pytest.warns(UserWarning, match="Can save best model only with val_loss available"):
        best.on_epoch_end(0, {"loss": 1.0})
    assert not os.path.exists(tmp_path / "b.keras")


# -- BackupAndRestore --------------------------------------------------------------------------


class StopAfter(Callback):
    """Simulates a crash at the end of an epoch."""

    def __init__(self, epoch):
        super().__init__()
        self.epoch = epoch

    def on_epoch_end(self, epoch, logs=None):
        if epoch == self.epoch:
            raise KeyboardInterrupt("power cut")


def test_interrupted_fit_resumes_at_the_right_epoch_with_the_same_result(tmp_path):
    backup = tmp_path / "backup"
    reference = model()
    reference.fit(X, Y, epochs=4, batch_size=4, shuffle=False, verbose=0)

    interrupted = model()
    with pytest.raises(KeyboardInterrupt):
        interrupted.fit(X, Y, epochs=4, batch_size=4, shuffle=False, verbose=0,
                        callbacks=[BackupAndRestore(backup), StopAfter(1)])
    metadata = json.loads((backup / "training_metadata.json").read_text())
    assert metadata == {"epoch": 2, "batch": 0}
    resumed = model(seed=7)  # a new process: other initial weights, a fresh optimizer
    history = resumed.fit(X, Y, epochs=4, batch_size=4, shuffle=False, verbose=0,
                          callbacks=[BackupAndRestore(backup)])
    assert history.epoch == [2, 3]
    for expected, got in zip(reference.weights + reference.optimizer.variables,
                             resumed.weights + resumed.optimizer.variables):
        np.testing.assert_array_equal(got.data, expected.data)
    assert not backup.exists()  # deleted once training completed


def test_backup_every_few_batches_and_kept_when_asked(tmp_path):
    backup = tmp_path / "backup"
    net = model()
    net.fit(X, Y, epochs=2, batch_size=2, shuffle=False, verbose=0,
            callbacks=[BackupAndRestore(backup, save_freq=3, delete_checkpoint=False)])
    assert sorted(os.listdir(backup)) == ["latest.weights.h5", "training_metadata.json"]
    # The last backup was taken after the 6th batch, in the second epoch.
    metadata = json.loads((backup / "training_metadata.json").read_text())
    assert metadata == {"epoch": 1, "batch": 1}
    again = model(seed=3)
    history = again.fit(X, Y, epochs=2, batch_size=2, shuffle=False, verbose=0,
                        callbacks=[BackupAndRestore(backup)])
    assert history.epoch == [1]


def test_backup_and_restore_errors(tmp_path):
    with pytest.raises(ValueError, match="Empty `backup_dir`"):
        BackupAndRestore("")
    with pytest.raises(ValueError, match="Unrecognized save_freq"):
        BackupAndRestore(tmp_path, save_freq=0)
    # fit builds a deferred model from the data before the callback restores into it
    unbuilt = keras.Sequential([layers.Dense(1)])
    unbuilt.compile(optimizer="sgd", loss="mse")
    history = unbuilt.fit(X, Y, epochs=2, verbose=0,
                          callbacks=[BackupAndRestore(tmp_path / "b")])
    assert len(history.history["loss"]) == 2
    (tmp_path / "bad").mkdir()
    (tmp_path / "bad" / "training_metadata.json").write_text('{"epoch": "two"}')
    with pytest.raises(ValueError, match="number of finished epochs.*Delete"):
        model().fit(X, Y, verbose=0, callbacks=[BackupAndRestore(tmp_path / "bad")])
