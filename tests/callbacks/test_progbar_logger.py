"""ProgbarLogger in Jupyter: the epoch's last line keeps every metric, the validation ones
included, and the widget bar gets a bare '{bar}' and no width."""

import io
import sys
import types

import numpy as np

import minikeras as keras
from minikeras import layers
from minikeras.callbacks import ProgbarLogger, progbar_logger

RNG = np.random.default_rng(0)
X = RNG.random((40, 3)).astype("float32")
TARGETS = keras.utils.to_categorical(X.sum(axis=1) > 1.5, 2)


def fit_with_bar(monkeypatch, stream):
    monkeypatch.setattr(progbar_logger, "_in_notebook", lambda: True)
    net = keras.Sequential([keras.Input(shape=(3,)), layers.Dense(2, activation="softmax")])
    net.compile(optimizer="sgd", loss="categorical_crossentropy",
                metrics=["accuracy", "mae"])
    net.fit(X, TARGETS, epochs=1, batch_size=8, validation_split=0.25, verbose=0,
            callbacks=[ProgbarLogger(verbose=1, file=stream)])


def test_a_notebook_text_bar_cuts_no_metric(monkeypatch):
    monkeypatch.setitem(sys.modules, "ipywidgets", None)  # `import ipywidgets` fails
    monkeypatch.setenv("COLUMNS", "80")  # the terminal the kernel was started from
    stream = io.StringIO()
    fit_with_bar(monkeypatch, stream)
    last = stream.getvalue().rstrip("\n").split("\r")[-1]
    assert last.startswith("4/4 [")
    for key in ("loss", "accuracy", "mae", "val_loss", "val_accuracy", "val_mae"):
        assert f" {key}: " in last, f"{key} missing from {last!r}"


def test_the_widget_bar_gets_a_bare_bar_field_and_no_width(monkeypatch):
    import tqdm.notebook

    made = []

    class RecordingBar:
        def __init__(self, **kwargs):
            made.append(kwargs)
            self.n = 0

        def update(self, steps):
            self.n += steps

        def set_postfix_str(self, text, refresh=True):
            self.postfix = text

        def close(self):
            pass

    monkeypatch.setitem(sys.modules, "ipywidgets", types.ModuleType("ipywidgets"))
    monkeypatch.setattr(tqdm.notebook, "tqdm", RecordingBar)
    fit_with_bar(monkeypatch, io.StringIO())
    assert len(made) == 1
    # tqdm.notebook reads a width as pixels, and only a bare '{bar}' becomes the widget.
    assert made[0].get("ncols") is None
    assert "{bar}" in made[0]["bar_format"]


def test_a_terminal_bar_fits_the_terminal(monkeypatch):
    monkeypatch.setattr(progbar_logger, "_in_notebook", lambda: False)
    monkeypatch.setenv("COLUMNS", "60")
    bar = progbar_logger._make_bar(4, io.StringIO())
    try:
        assert bar.ncols == 60
    finally:
        bar.close()


def test_a_narrow_terminal_keeps_every_metric_on_the_epochs_last_line(monkeypatch):
    class Terminal(io.StringIO):
        def isatty(self):
            return True

    monkeypatch.setenv("COLUMNS", "60")
    stream = Terminal()
    net = keras.Sequential([keras.Input(shape=(3,)), layers.Dense(2, activation="softmax")])
    net.compile(optimizer="sgd", loss="categorical_crossentropy", metrics=["accuracy", "mae"])
    net.fit(X, TARGETS, epochs=1, batch_size=8, validation_split=0.25, verbose=0,
            callbacks=[ProgbarLogger(verbose=1, file=stream)])
    last = stream.getvalue().rstrip("\n").split("\r")[-1]
    assert last.startswith("4/4 [")
    for key in ("loss", "accuracy", "mae", "val_loss", "val_accuracy", "val_mae"):
        assert f" {key}: " in last, f"{key} missing from {last!r}"
