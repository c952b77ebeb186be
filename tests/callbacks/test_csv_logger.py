"""CSVLogger: a file the csv module parses, with the logs of each epoch, after each epoch;
append mode and other separators."""

import csv
import os

import numpy as np
import pytest

import minikeras as keras
from minikeras import layers
from minikeras.callbacks import CSVLogger, LambdaCallback

RNG = np.random.default_rng(0)
X = RNG.random((8, 3)).astype("float32")
Y = X.sum(axis=1, keepdims=True)


def model():
    net = keras.Sequential([keras.Input(shape=(3,)), layers.Dense(1)])
    net.compile(optimizer=keras.optimizers.SGD(0.1), loss="mse", metrics=["mae"])
    return net


def read(path, delimiter=","):
    with open(path, newline="") as handle:
        return list(csv.DictReader(handle, delimiter=delimiter))


def test_one_row_per_epoch_with_the_logged_values(tmp_path):
    path = tmp_path / "log.csv"
    net = model()
    history = net.fit(X, Y, epochs=3, batch_size=4, verbose=0, validation_data=(X, Y),
                      callbacks=[CSVLogger(path)])
    with open(path, newline="") as handle:
        assert next(csv.reader(handle)) == ["epoch", "loss", "mae", "val_loss", "val_mae"]
    rows = read(path)
    assert [row["epoch"] for row in rows] == ["0", "1", "2"]
    for key in ("loss", "mae", "val_loss", "val_mae"):
        assert [float(row[key]) for row in rows] == history.history[key]
    assert os.listdir(tmp_path) == ["log.csv"]  # no temporary file left behind


def test_the_file_is_complete_after_each_epoch(tmp_path):
    path = tmp_path / "log.csv"
    seen = []
    model().fit(X, Y, epochs=3, verbose=0, callbacks=[
        CSVLogger(path), LambdaCallback(on_epoch_end=lambda e, logs: seen.append(
            [row["epoch"] for row in read(path)]))])
    assert seen == [["0"], ["0", "1"], ["0", "1", "2"]]


def test_append_adds_rows_under_the_same_header(tmp_path):
    path = tmp_path / "log.csv"
    model().fit(X, Y, epochs=2, verbose=0, callbacks=[CSVLogger(path)])
    model().fit(X, Y, epochs=3, verbose=0, callbacks=[CSVLogger(path, append=True)])
    rows = read(path)
    assert [row["epoch"] for row in rows] == ["0", "1", "0", "1", "2"]
    assert list(rows[0]) == ["epoch", "loss", "mae"]
    with open(path) as handle:
        assert handle.read().count("epoch") == 1
    model().fit(X, Y, epochs=1, verbose=0, callbacks=[CSVLogger(path)])
    assert len(read(path)) == 1  # without append the file starts again


def test_append_to_a_file_with_other_columns_warns(tmp_path):
    path = tmp_path / "log.csv"
    path.write_text("epoch,accuracy\n0,0.5\n")
    with pytest.warns(UserWarning, match=r"columns \['epoch', 'accuracy'\] differ"):
        model().fit(X, Y, epochs=1, verbose=0, callbacks=[CSVLogger(path, append=True)])


def test_separator_missing_values_and_arrays(tmp_path):
    path = tmp_path / "log.tsv"
    logger = CSVLogger(path, separator="\t")
    logger.on_train_begin()
    logger.on_epoch_end(0, {"loss": 0.5, "scores": np.array([1, 2])})
    logger.on_epoch_end(1, {"loss": np.float32(0.25)})
    rows = read(path, delimiter="\t")
    assert rows == [{"epoch": "0", "loss": "0.5", "scores": "[1, 2]"},
                    {"epoch": "1", "loss": "0.25", "scores": "NA"}]


def test_bad_arguments():
    with pytest.raises(ValueError, match="`separator` must be a single character"):
        CSVLogger("log.csv", separator=", ")
    with pytest.raises(TypeError, match="CSVLogger: `filepath` must be a path"):
        CSVLogger(3)
