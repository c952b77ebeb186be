"""compile / fit / evaluate / predict and the errors raised before any training happens."""

import io
import re
import subprocess
import sys

import numpy as np
import pytest

import minikeras as keras
from minikeras.layers import Activation, Dense, Dropout, Input
from minikeras.models import Model, Sequential
from minikeras.utils import to_categorical


@pytest.fixture(autouse=True)
def fresh_state():
    keras.layers.base.clear_session()
    keras.utils.set_random_seed(0)


def _blobs(n=200, classes=3, features=8, seed=0):
    """Well separated Gaussian blobs: any working classifier learns them."""
    rng = np.random.default_rng(seed)
    centers = rng.normal(0, 3, (classes, features))
    labels = rng.integers(0, classes, n)
    x = (centers[labels] + rng.normal(0, 0.5, (n, features))).astype(np.float32)
    return x, labels


def _classifier(classes=3, features=8):
    model = Sequential()
    model.add(Dense(12, input_dim=features, kernel_initializer="random_uniform"))
    model.add(Activation("relu"))
    model.add(Dropout(0.3))
    model.add(Dense(classes, activation="softmax"))
    model.compile(optimizer="rmsprop", loss="categorical_crossentropy", metrics=["accuracy"])
    return model


def test_the_book_script_runs_and_learns():
    x, labels = _blobs()
    y = to_categorical(labels, 3)
    model = _classifier()
    history = model.fit(x, y, batch_size=32, epochs=15, verbose=0, validation_split=0.2)
    assert set(history.history) == {"loss", "accuracy", "val_loss", "val_accuracy"}
    assert len(history.history["loss"]) == 15
    assert history.history["loss"][-1] < history.history["loss"][0]
    loss, accuracy = model.evaluate(x, y, verbose=0)
    assert accuracy > 0.9 and loss < history.history["loss"][0]
    probabilities = model.predict(x[:5], verbose=0)
    assert probabilities.shape == (5, 3) and probabilities.dtype == np.float32
    np.testing.assert_allclose(probabilities.sum(axis=1), 1.0, rtol=1e-5)
    assert model.metrics_names == ["loss", "accuracy"]
    assert model.history is history


def test_accuracy_is_resolved_from_targets_and_loss():
    x, labels = _blobs(n=60)
    model = Sequential([Dense(3, activation="softmax", input_shape=(8,))])
    model.compile("adam", "sparse_categorical_crossentropy", metrics=["accuracy"])
    model.fit(x, labels, epochs=1, verbose=0)
    assert model._metrics[0][1]._fn.__name__ == "sparse_categorical_accuracy"
    binary = Sequential([Dense(1, activation="sigmoid", input_shape=(8,))])
    binary.compile("adam", "binary_crossentropy", metrics=["acc"])
    history = binary.fit(x, (labels > 0).astype("float32"), epochs=1, verbose=0)
    assert "acc" in history.history


def test_evaluate_returns_a_scalar_without_metrics_and_a_dict_on_request():
    x, labels = _blobs(n=50)
    model = Sequential([Dense(1, input_shape=(8,))])
    model.compile("sgd", "mse")
    loss = model.evaluate(x, labels.astype("float32"), verbose=0)
    assert isinstance(loss, float)
    logs = model.evaluate(x, labels.astype("float32"), verbose=0, return_dict=True)
    assert logs == {"loss": loss}


def test_fit_and_evaluate_agree_on_the_same_data():
    x, labels = _blobs(n=100)
    y = to_categorical(labels, 3)
    model = Sequential([Dense(3, activation="softmax", input_shape=(8,))])
    model.compile("sgd", "categorical_crossentropy", metrics=["accuracy"])
    # With a zero learning rate the weights do not move, so the epoch's running averages
    # (weighted by batch size) must equal evaluate's, including the short last batch.
    model.optimizer.learning_rate = 0.0
    history = model.fit(x, y, batch_size=32, epochs=1, shuffle=False, verbose=0)
    loss, accuracy = model.evaluate(x, y, batch_size=7, verbose=0)
    np.testing.assert_allclose(history.history["loss"][0], loss, rtol=1e-5)
    np.testing.assert_allclose(history.history["accuracy"][0], accuracy, rtol=1e-6)


def test_validation_split_takes_the_last_samples_before_shuffling():
    x = np.arange(10, dtype=np.float32).reshape(10, 1)
    y = np.zeros((10, 1), dtype=np.float32)
    seen = []

    class Spy(keras.callbacks.Callback):
        def on_test_batch_begin(self, batch, logs=None):
            pass

    model = Sequential([Dense(1, input_shape=(1,))])
    model.compile("sgd", "mse")
    original = model._test_step

    def spy(xb, yb, swb):
        seen.append(xb.copy())
        return original(xb, yb, swb)

    model._test_step = spy
    model.fit(x, y, validation_split=0.3, epochs=1, verbose=0, callbacks=[Spy()])
    np.testing.assert_array_equal(np.concatenate(seen)[:, 0], [7, 8, 9])


def test_same_seed_gives_bit_identical_histories():
    x, labels = _blobs(n=80)
    y = to_categorical(labels, 3)
    runs = []
    for _ in range(2):
        keras.layers.base.clear_session()
        keras.utils.set_random_seed(42)
        model = _classifier()
        runs.append(model.fit(x, y, epochs=3, batch_size=16, verbose=0).history)
    assert runs[0] == runs[1]


def test_frozen_layer_does_not_move():
    x, labels = _blobs(n=64)
    model = Sequential([Dense(8, input_shape=(8,), name="frozen"), Dense(3, activation="softmax")])
    model.layers[0].trainable = False
    model.compile("adam", "sparse_categorical_crossentropy")
    before = model.get_weights()
    model.fit(x, labels, epochs=2, verbose=0)
    after = model.get_weights()
    np.testing.assert_array_equal(before[0], after[0])
    np.testing.assert_array_equal(before[1], after[1])
    assert not np.array_equal(before[2], after[2])
    assert len(model.trainable_weights) == 2 and len(model.non_trainable_weights) == 2


def test_multi_input_multi_output_with_loss_weights():
    rng = np.random.default_rng(0)
    a_in, b_in = Input(shape=(4,), name="a"), Input(shape=(3,), name="b")
    h = Dense(8, activation="relu")(a_in)
    g = Dense(8, activation="relu")(b_in)
    reg = Dense(1, name="reg")(h)
    cls = Dense(2, activation="softmax", name="cls")(g)
    model = Model([a_in, b_in], [reg, cls])
    model.compile("adam", loss={"reg": "mse", "cls": "sparse_categorical_crossentropy"},
                  loss_weights={"reg": 0.5, "cls": 2.0}, metrics={"cls": ["accuracy"]})
    xa = rng.normal(size=(64, 4)).astype(np.float32)
    xb = rng.normal(size=(64, 3)).astype(np.float32)
    y_reg = xa.sum(axis=1, keepdims=True)
    y_cls = (xb[:, 0] > 0).astype(np.int64)
    history = model.fit([xa, xb], [y_reg, y_cls], epochs=20, batch_size=16, verbose=0)
    logs = history.history
    assert {"loss", "reg_loss", "cls_loss", "cls_accuracy"} <= set(logs)
    np.testing.assert_allclose(logs["loss"][-1],
                               0.5 * logs["reg_loss"][-1] + 2.0 * logs["cls_loss"][-1],
                               rtol=1e-4)
    assert logs["loss"][-1] < logs["loss"][0]
    assert model.metrics_names == ["loss", "reg_loss", "cls_loss", "cls_accuracy"]


def test_sample_weight_and_class_weight():
    x, labels = _blobs(n=60)
    model = Sequential([Dense(3, activation="softmax", input_shape=(8,))])
    model.compile("sgd", "sparse_categorical_crossentropy")
    zero = np.zeros(60, dtype=np.float32)
    before = model.get_weights()
    model.fit(x, labels, sample_weight=zero, epochs=1, verbose=0)
    for b, a in zip(before, model.get_weights()):
        np.testing.assert_array_equal(b, a)  # zero weights: no gradient at all
    model.fit(x, labels, class_weight={0: 1.0, 1: 2.0, 2: 0.5}, epochs=1, verbose=0)


def test_generators_of_batches():
    x, labels = _blobs(n=64)

    def batches():
        while True:
            for i in range(0, 64, 16):
                yield x[i:i + 16], labels[i:i + 16]

    model = Sequential([Dense(3, activation="softmax", input_shape=(8,))])
    model.compile("adam", "sparse_categorical_crossentropy", metrics=["accuracy"])
    history = model.fit(batches(), steps_per_epoch=4, epochs=3, verbose=0,
                        validation_data=batches(), validation_steps=2)
    assert len(history.history["val_loss"]) == 3
    assert model.evaluate(batches(), steps=2, verbose=0)[1] >= 0.0


def test_single_batch_methods():
    x, labels = _blobs(n=16)
    model = Sequential([Dense(3, activation="softmax", input_shape=(8,))])
    model.compile("adam", "sparse_categorical_crossentropy", metrics=["accuracy"])
    loss, accuracy = model.train_on_batch(x, labels)
    assert np.isfinite(loss) and 0 <= accuracy <= 1
    assert set(model.test_on_batch(x, labels, return_dict=True)) == {"loss", "accuracy"}
    assert model.predict_on_batch(x).shape == (16, 3)


def test_subclassed_model_trains():
    class Net(Model):
        def __init__(self):
            super().__init__()
            self.hidden = Dense(16, activation="relu")
            self.drop = Dropout(0.1)
            self.out = Dense(3, activation="softmax")

        def call(self, inputs, training=None):
            return self.out(self.drop(self.hidden(inputs), training=training))

    x, labels = _blobs(n=90)
    model = Net()
    model.compile(keras.optimizers.Adam(0.02), "sparse_categorical_crossentropy",
                  metrics=["accuracy"])
    history = model.fit(x, labels, epochs=15, verbose=0)
    assert history.history["accuracy"][-1] > 0.8


def test_regularization_losses_are_added():
    x, labels = _blobs(n=32)
    plain = Sequential([Dense(3, input_shape=(8,), kernel_initializer="ones")])
    penalized = Sequential([Dense(3, input_shape=(8,), kernel_initializer="ones",
                                  kernel_regularizer="l2")])
    for model in (plain, penalized):
        model.compile("sgd", "mse")
    y = np.zeros((32, 3), np.float32)
    difference = penalized.evaluate(x, y, verbose=0) - plain.evaluate(x, y, verbose=0)
    np.testing.assert_allclose(difference, 0.01 * 24, rtol=1e-4)


# -- errors, all raised before the weights change ----------------------------------------------


def _unchanged(model, action, error, match):
    before = model.get_weights()
    with pytest.raises(error, match=match):
        action()
    for b, a in zip(before, model.get_weights()):
        np.testing.assert_array_equal(b, a)


def test_fit_before_compile():
    model = Sequential([Dense(3, input_shape=(8,))])
    with pytest.raises(RuntimeError, match=r"must call `compile\(\)` before.*fit"):
        model.fit(np.ones((4, 8)), np.ones((4, 3)))


def test_x_and_y_of_different_lengths():
    model = _classifier()
    x, labels = _blobs(n=20)
    _unchanged(model, lambda: model.fit(x, to_categorical(labels[:15], 3), verbose=0),
               ValueError, "x has 20.*y has 15")


def test_integer_labels_with_categorical_crossentropy_suggests_the_fix():
    model = _classifier()
    x, labels = _blobs(n=20)
    _unchanged(model, lambda: model.fit(x, labels, verbose=0), ValueError,
               "sparse_categorical_crossentropy|to_categorical")


def test_nan_and_inf_inputs_are_refused():
    model = _classifier()
    x, labels = _blobs(n=20)
    x[3, 2] = np.nan
    x[5, 0] = np.inf
    _unchanged(model, lambda: model.fit(x, to_categorical(labels, 3), verbose=0), ValueError,
               r"x contains 2 NaN or infinite")


def test_input_shape_including_the_batch_axis_gets_a_hint():
    model = Sequential([Dense(3, input_shape=(20, 8))])
    model.compile("sgd", "mse")
    x, _ = _blobs(n=20)
    _unchanged(model, lambda: model.fit(x, np.zeros((20, 3)), verbose=0), ValueError,
               r"includes the batch axis: pass input_shape=\(8,\)")


def test_wrong_feature_count_names_the_layer():
    model = _classifier()
    x = np.ones((10, 9), dtype=np.float32)
    _unchanged(model, lambda: model.fit(x, np.zeros((10, 3)), verbose=0), ValueError,
               r"expected samples of shape \(8,\).*\(10, 9\)")


def test_missing_loss_and_bad_loss_names():
    model = Sequential([Dense(3, input_shape=(8,))])
    model.compile("sgd")
    with pytest.raises(ValueError, match="No loss to compute"):
        model.fit(np.ones((4, 8)), np.ones((4, 3)), verbose=0)
    with pytest.raises(ValueError, match=r"Unknown optimizer: 'adamm'.*'adam'"):
        model.compile("adamm", "mse")


# -- progress output ---------------------------------------------------------------------------


def test_progress_in_a_log_file_stays_a_few_lines_per_epoch():
    script = (
        "import numpy as np, minikeras as keras\n"
        "from minikeras.layers import Dense\n"
        "x = np.random.rand(640, 8).astype('float32'); y = np.random.rand(640, 1)\n"
        "m = keras.Sequential([Dense(4, input_shape=(8,)), Dense(1)])\n"
        "m.compile('sgd', 'mse', metrics=['mae'])\n"
        "m.fit(x, y, epochs=3, batch_size=8, validation_split=0.1)\n"
    )
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                         check=True)
    lines = [line for line in (out.stdout + out.stderr).splitlines() if line.strip()]
    assert len(lines) <= 6, lines
    assert lines[0] == "Epoch 1/3"
    assert "val_loss" in lines[1] and "mae" in lines[1] and "\r" not in out.stdout


def test_verbose_2_prints_one_line_per_epoch(capsys):
    x, labels = _blobs(n=40)
    model = _classifier()
    model.fit(x, to_categorical(labels, 3), epochs=2, verbose=2)
    lines = [line for line in capsys.readouterr().out.splitlines() if line.strip()]
    assert lines[0] == "Epoch 1/2" and lines[2] == "Epoch 2/2"
    assert "loss:" in lines[1] and "accuracy:" in lines[1]


def test_progress_bar_in_a_terminal_updates_in_place():
    stream = io.StringIO()
    stream.isatty = lambda: True
    x, labels = _blobs(n=64)
    model = _classifier()
    progress = keras.callbacks.ProgbarLogger(verbose=1, file=stream)
    model.fit(x, to_categorical(labels, 3), epochs=1, batch_size=8, verbose=0,
              callbacks=[progress])
    text = stream.getvalue()
    assert "Epoch 1/1" in text and "8/8" in text and "loss:" in text


def test_metrics_are_logged_under_the_compile_strings():
    x, labels = _blobs(n=40, classes=2)
    model = Sequential([Dense(1, activation="sigmoid", input_shape=(8,))])
    model.compile("adam", "binary_crossentropy",
                  metrics=["AUC", "mse", keras.metrics.Precision(name="prec")])
    history = model.fit(x, labels.astype("float32"), epochs=1, verbose=0)
    assert {"AUC", "mse", "prec"} <= set(history.history)


def test_a_model_without_trainable_weights_still_fits_and_reports():
    model = Sequential([Dropout(0.5, input_shape=(3,))])
    model.compile("sgd", "mse")
    history = model.fit(np.ones((8, 3), np.float32), np.ones((8, 3), np.float32), epochs=1,
                        verbose=0)
    assert np.isfinite(history.history["loss"][0])


def test_compile_rejects_unknown_loss_and_metric_names_at_once():
    model = Sequential([Dense(3, input_shape=(8,))])
    with pytest.raises(ValueError, match=r"Unknown loss: 'categorical_crossentropyy'\. Did you "
                                         r"mean 'categorical_crossentropy'"):
        model.compile("adam", "categorical_crossentropyy")
    with pytest.raises(ValueError, match=r"Unknown metric: 'accurcy'\. Did you mean 'accuracy'"):
        model.compile("adam", "mse", metrics=["accurcy"])


def test_progress_in_jupyter_without_ipywidgets_falls_back_to_a_text_bar(monkeypatch):
    import warnings

    from minikeras import callbacks
    from minikeras.callbacks import progbar_logger
    monkeypatch.setattr(progbar_logger, "_in_notebook", lambda: True)
    monkeypatch.setitem(sys.modules, "ipywidgets", None)  # `import ipywidgets` fails
    stream = io.StringIO()
    x, labels = _blobs(n=32)
    model = _classifier()
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # tqdm.auto would warn "IProgress not found"
        model.fit(x, to_categorical(labels, 3), epochs=1, batch_size=8, verbose=0,
                  callbacks=[callbacks.ProgbarLogger(verbose=1, file=stream)])
    assert "4/4" in stream.getvalue()


def test_test_hooks_run_in_validation_and_in_evaluate():
    class Spy(keras.callbacks.Callback):
        def __init__(self):
            super().__init__()
            self.calls = []

        def on_test_begin(self, logs=None):
            self.calls.append("begin")

        def on_test_batch_end(self, batch, logs=None):
            self.calls.append(batch)

        def on_test_end(self, logs=None):
            self.calls.append(sorted(logs))

        def on_epoch_end(self, epoch, logs=None):
            self.calls.append(f"epoch {epoch}")

    x, labels = _blobs(n=40)
    model = _classifier()
    spy = Spy()
    model.fit(x, to_categorical(labels, 3), validation_split=0.2, epochs=2, batch_size=4,
              verbose=0, callbacks=[spy])
    # Validation runs as an evaluation, before the epoch ends (8 validation samples: 2 batches).
    end = ["accuracy", "loss"]
    assert spy.calls == ["begin", 0, 1, end, "epoch 0", "begin", 0, 1, end, "epoch 1"]
    spy.calls = []
    logs = model.evaluate(x, to_categorical(labels, 3), batch_size=20, verbose=0,
                          callbacks=[spy], return_dict=True)
    assert spy.calls == ["begin", 0, 1, sorted(logs)]
    assert model.evaluate(x, to_categorical(labels, 3), verbose=0) == \
        model.evaluate(x, to_categorical(labels, 3), verbose=0, callbacks=[])


def test_evaluate_prints_keras_summary_line(capsys):
    x, labels = _blobs(n=40)
    model = _classifier()
    model.evaluate(x, to_categorical(labels, 3), batch_size=20, verbose=1)
    line = capsys.readouterr().out.strip()
    assert re.fullmatch(r"2/2 - \d+s - \d+(ms|us)/step - loss: \d\.\d{4} - accuracy: \d\.\d{4}",
                        line), line


def test_predict_prints_keras_summary_line_unless_silent(capsys):
    x, _ = _blobs(n=40)
    model = _classifier()
    model.predict(x, batch_size=16)
    line = capsys.readouterr().out.strip()
    assert re.fullmatch(r"3/3 - \d+s - \d+(ms|us)/step", line), line
    model.predict(x, verbose=0)
    assert capsys.readouterr().out == ""
