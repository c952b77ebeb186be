"""Callback and CallbackList: which hooks run, in which order, with which logs, in fit,
evaluate and predict; batch logs computed only when read; stop_training."""

import numpy as np
import pytest

import minikeras as keras
from minikeras import layers
from minikeras.callbacks import Callback, CallbackList, LambdaCallback, ProgbarLogger

RNG = np.random.default_rng(0)
X = RNG.random((10, 3)).astype("float32")
Y = X.sum(axis=1, keepdims=True)


def model():
    net = keras.Sequential([keras.Input(shape=(3,)), layers.Dense(1)])
    net.compile(optimizer=keras.optimizers.SGD(0.1), loss="mse", metrics=["mae"])
    return net


class Recorder(Callback):
    def __init__(self):
        super().__init__()
        self.calls = []

    def on_predict_begin(self, logs=None):
        self.calls.append(("predict_begin", logs))

    def on_predict_batch_begin(self, batch, logs=None):
        self.calls.append(("batch_begin", batch))

    def on_predict_batch_end(self, batch, logs=None):
        self.calls.append(("batch_end", batch, logs["outputs"].shape))

    def on_predict_end(self, logs=None):
        self.calls.append(("predict_end", logs))


def test_predict_calls_its_hooks_in_order():
    recorder = Recorder()
    net = model()
    out = net.predict(X, batch_size=4, verbose=0, callbacks=[recorder])
    assert out.shape == (10, 1)
    assert recorder.calls == [
        ("predict_begin", {}),
        ("batch_begin", 0), ("batch_end", 0, (4, 1)),
        ("batch_begin", 1), ("batch_end", 1, (4, 1)),
        ("batch_begin", 2), ("batch_end", 2, (2, 1)),
        ("predict_end", {})]
    assert recorder.model is net and recorder.params["steps"] == 3


def test_predict_stops_when_a_callback_asks():
    stopper = LambdaCallback(on_predict_batch_end=lambda batch, logs: setattr(
        stopper.model, "stop_predicting", batch == 1))
    net = model()
    out = net.predict(X, batch_size=4, verbose=0, callbacks=[stopper])
    np.testing.assert_array_equal(out, net.predict(X[:8], verbose=0))


def test_train_batch_logs_are_the_running_values_of_the_epoch():
    seen = []
    net = model()
    history = net.fit(X, Y, epochs=2, batch_size=4, verbose=0, callbacks=[LambdaCallback(
        on_train_batch_end=lambda batch, logs: seen.append(dict(logs)))])
    assert len(seen) == 6 and all(list(logs) == ["loss", "mae"] for logs in seen)
    assert seen[0]["loss"] != seen[2]["loss"]
    assert [seen[2]["loss"], seen[5]["loss"]] == history.history["loss"]
    assert [seen[2]["mae"], seen[5]["mae"]] == history.history["mae"]


def test_test_batch_logs_in_evaluate():
    seen = []
    net = model()
    result = net.evaluate(X, Y, batch_size=4, verbose=0, return_dict=True, callbacks=[
        LambdaCallback(on_test_batch_end=lambda batch, logs: seen.append(dict(logs)))])
    assert len(seen) == 3 and seen[-1] == result


def test_batch_logs_cost_nothing_unless_a_callback_reads_them(monkeypatch):
    net = model()
    calls = []
    real = net.running_logs
    monkeypatch.setattr(net, "running_logs", lambda: calls.append(1) or real())
    net.fit(X, Y, epochs=2, batch_size=4, verbose=0, callbacks=[Callback()])
    assert len(calls) == 2  # the epoch ends only
    calls.clear()
    net.fit(X, Y, epochs=2, batch_size=4, verbose=2)  # a progress bar reads its own
    assert len(calls) == 2
    calls.clear()
    net.fit(X, Y, epochs=2, batch_size=4, verbose=0,
            callbacks=[LambdaCallback(on_train_batch_end=lambda batch, logs: None)])
    assert len(calls) == 2 + 6
    hooks = CallbackList([ProgbarLogger(), LambdaCallback(on_epoch_end=print)], net, {})
    assert hooks.wants("on_train_batch_end") and not hooks.wants_logs("on_train_batch_end")
    assert hooks.wants_logs("on_epoch_end") and not hooks.wants("on_test_begin")


@pytest.mark.parametrize("hook", ["on_train_batch_begin", "on_train_batch_end",
                                  "on_batch_end"])
def test_stop_training_from_a_batch_hook_ends_fit_after_that_batch(hook):
    batches = []

    def stop(batch, logs):
        if batch == 1:
            stopper.model.stop_training = True

    stopper = LambdaCallback(**{hook: stop})
    counter = LambdaCallback(on_train_batch_end=lambda batch, logs: batches.append(batch))
    net = model()
    before = net.optimizer.iterations
    history = net.fit(X, Y, epochs=3, batch_size=2, verbose=0, callbacks=[stopper, counter])
    assert history.epoch == [0] and batches == [0, 1]
    assert net.optimizer.iterations - before == 2  # batch 1 still trained


def test_history_comes_after_the_users_callbacks():
    def add(epoch, logs):
        logs["extra"] = epoch * 2.0

    history = model().fit(X, Y, epochs=2, verbose=0, callbacks=[LambdaCallback(
        on_epoch_end=add)])
    assert history.history["extra"] == [0.0, 2.0]


def test_a_callback_that_is_no_callback_is_refused():
    with pytest.raises(TypeError, match="callbacks must be instances of "
                                        "keras.callbacks.Callback, received <built-in "
                                        "function print>.*LambdaCallback"):
        model().fit(X, Y, verbose=0, callbacks=[print])
