"""LambdaCallback: each function is called at its hook with the hook's arguments."""

import numpy as np
import pytest

import minikeras as keras
from minikeras import layers
from minikeras.callbacks import LambdaCallback

RNG = np.random.default_rng(0)
X = RNG.random((8, 3)).astype("float32")
Y = X.sum(axis=1, keepdims=True)


def model():
    net = keras.Sequential([keras.Input(shape=(3,)), layers.Dense(1)])
    net.compile(optimizer=keras.optimizers.SGD(0.1), loss="mse")
    return net


def test_every_named_hook_is_called_in_order_with_its_arguments():
    calls = []
    callback = LambdaCallback(
        on_train_begin=lambda logs: calls.append("train_begin"),
        on_epoch_begin=lambda epoch, logs: calls.append(f"epoch_begin {epoch}"),
        on_train_batch_begin=lambda batch, logs: calls.append(f"batch_begin {batch}"),
        on_train_batch_end=lambda batch, logs: calls.append(f"batch_end {batch} {list(logs)}"),
        on_epoch_end=lambda epoch, logs: calls.append(f"epoch_end {epoch} {list(logs)}"),
        on_train_end=lambda logs: calls.append("train_end"),
        on_test_begin=lambda logs: calls.append("test_begin"),
        on_test_end=lambda logs: calls.append(f"test_end {list(logs)}"))
    model().fit(X, Y, epochs=1, batch_size=4, verbose=0, validation_data=(X, Y),
                callbacks=[callback])
    assert calls == ["train_begin", "epoch_begin 0",
                     "batch_begin 0", "batch_end 0 ['loss']",
                     "batch_begin 1", "batch_end 1 ['loss']",
                     "test_begin", "test_end ['loss']",
                     "epoch_end 0 ['loss', 'val_loss']", "train_end"]


def test_tf_keras_batch_names_run_on_training_batches_only():
    calls = []
    callback = LambdaCallback(on_batch_begin=lambda batch, logs: calls.append(("begin", batch)),
                              on_batch_end=lambda batch, logs: calls.append(("end", batch)))
    net = model()
    net.fit(X, Y, epochs=1, batch_size=4, verbose=0, callbacks=[callback])
    net.evaluate(X, Y, batch_size=4, verbose=0, callbacks=[callback])
    assert calls == [("begin", 0), ("end", 0), ("begin", 1), ("end", 1)]


def test_predict_hooks_by_keyword():
    outputs = []
    net = model()
    result = net.predict(X, batch_size=4, verbose=0, callbacks=[LambdaCallback(
        on_predict_batch_end=lambda batch, logs: outputs.append(logs["outputs"]))])
    np.testing.assert_array_equal(np.concatenate(outputs), result)


def test_bad_hooks():
    with pytest.raises(TypeError, match=r"unknown hook name\(s\) \['on_epoch_ends'\]. Valid "
                                        r"hooks are: on_train_begin, on_train_end"):
        LambdaCallback(on_epoch_ends=print)
    with pytest.raises(TypeError, match="`on_epoch_end` must be a function"):
        LambdaCallback(on_epoch_end="print")
