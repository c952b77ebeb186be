"""TensorBoard: the event files hold what fit and evaluate report (read back with our reader
and, when installed, with TensorBoard's own), framed as valid TFRecords."""

import json
import os
import re
import struct
import warnings

import numpy as np
import pytest

import minikeras as keras
from minikeras import layers
from minikeras.callbacks import Callback, TensorBoard
from minikeras.callbacks import event_file

RNG = np.random.default_rng(0)
X = RNG.random((24, 3)).astype("float32")
Y = (X.sum(axis=1, keepdims=True) > 1.5).astype("float32")
EPOCHS, BATCH = 3, 6  # 18 training samples with validation_split=0.25: 3 batches an epoch


def model(optimizer=None):
    net = keras.Sequential([keras.Input(shape=(3,)), layers.Dense(4, activation="tanh"),
                            layers.Dense(1, activation="sigmoid")])
    net.compile(optimizer=optimizer or keras.optimizers.Adam(0.05), loss="binary_crossentropy",
                metrics=["accuracy"])
    return net


def fit(net, callback, **kwargs):
    kwargs = {"epochs": EPOCHS, "batch_size": BATCH, "validation_split": 0.25, **kwargs}
    return net.fit(X, Y, shuffle=False, verbose=0, callbacks=[callback], **kwargs)


def f32(values):
    return [float(np.float32(v)) for v in values]


def steps_and_values(series):
    steps, values = zip(*series)
    return list(steps), list(values)


class RunningLogs(Callback):
    """Records the running logs after each training batch, as TensorBoard sees them."""

    def __init__(self):
        super().__init__()
        self.seen = []

    def on_train_batch_end(self, batch, logs=None):
        self.seen.append(self.model.running_logs())


# -- the record format --------------------------------------------------------------------------


def test_crc32c_matches_the_published_check_values():
    assert event_file.crc32c(b"") == 0
    assert event_file.crc32c(b"123456789") == 0xE3069283
    assert event_file.crc32c(bytes(32)) == 0x8A9136AA  # RFC 3720, B.4
    assert event_file.crc32c(bytes(range(32))) == 0x46DD794E
    # TFRecord's masked form, as TensorFlow's record writer computes it.
    assert event_file.masked_crc32c(bytes(8)) == 0x07980329
    assert event_file.masked_crc32c(b"123456789") == 0xC78AB0E5


def test_records_are_framed_and_checked(tmp_path):
    with event_file.EventFileWriter(tmp_path) as writer:
        writer.add_scalars({"a": 1.5, "b": -2.0}, step=7)
    path = writer.path
    assert re.fullmatch(r"events\.out\.tfevents\.\d+\..+\.\d+\.\d+", os.path.basename(path))
    raw = (tmp_path / os.path.basename(path)).read_bytes()
    records = list(event_file.read_records(path))
    assert sum(16 + len(r) for r in records) == len(raw)
    length = struct.unpack("<Q", raw[:8])[0]
    assert struct.unpack("<I", raw[8:12])[0] == event_file.masked_crc32c(raw[:8])
    assert struct.unpack("<I", raw[12 + length:16 + length])[0] == \
        event_file.masked_crc32c(raw[12:12 + length])
    first, second = (event_file.decode_event(r) for r in records)
    assert first.file_version == "brain.Event:2" and first.values == []
    assert second.step == 7
    assert [(v.tag, v.simple_value) for v in second.values] == [("a", 1.5), ("b", -2.0)]

    # An incomplete last record is a file still being written: reading stops before it.
    (tmp_path / "cut").mkdir()
    cut = tmp_path / "cut" / "events.out.tfevents.1.host"
    cut.write_bytes(raw[:-3])
    assert len(list(event_file.read_records(cut))) == 1
    damaged = bytearray(raw)
    damaged[-6] ^= 0xFF  # inside the data of the last record
    cut.write_bytes(bytes(damaged))
    with pytest.raises(ValueError, match="data of the record at byte .* fails its CRC"):
        list(event_file.read_records(cut))
    damaged = bytearray(raw)
    damaged[2] ^= 0xFF  # the length of the first record
    cut.write_bytes(bytes(damaged))
    with pytest.raises(ValueError, match="length of the record at byte 0 fails its CRC"):
        list(event_file.read_records(cut))


def test_negative_steps_and_a_closed_writer(tmp_path):
    writer = event_file.EventFileWriter(tmp_path)
    writer.add_scalars({"x": 1.0}, step=-3)
    writer.close()
    assert event_file.read_scalars(writer.path) == {"x": [(-3, 1.0)]}
    with pytest.raises(ValueError, match="is closed"):
        writer.add_scalars({"x": 1.0}, step=0)


def test_histogram_buckets_count_every_finite_value():
    weights = RNG.standard_normal((7, 5)).astype("float32")
    weights[0, 0] = np.nan
    histogram = event_file._decode_value(event_file.histogram_value("w", weights)).histogram
    finite = weights[np.isfinite(weights)]
    assert histogram.num == histogram.bucket.sum() == finite.size == 34
    assert len(histogram.bucket) == len(histogram.bucket_limit) == 30
    assert histogram.min == finite.min() and histogram.max == finite.max()
    assert histogram.bucket_limit[-1] == finite.max()
    assert np.all(np.diff(histogram.bucket_limit) > 0)
    assert histogram.sum == pytest.approx(float(finite.sum()), rel=1e-6)
    assert histogram.sum_squares == pytest.approx(float((finite ** 2).sum()), rel=1e-5)
    np.testing.assert_array_equal(
        histogram.bucket, np.histogram(finite, bins=30, range=(finite.min(), finite.max()))[0])
    constant = event_file._decode_value(
        event_file.histogram_value("b", np.zeros(4, "float32"))).histogram
    assert list(constant.bucket) == [4.0] and list(constant.bucket_limit) == [0.0]
    assert event_file.histogram_value("nan", np.array([np.nan], "float32")) is None


# -- what fit writes ----------------------------------------------------------------------------


def test_epoch_scalars_equal_the_history(tmp_path):
    net = model()
    history = fit(net, TensorBoard(tmp_path / "logs"))
    h = history.history
    assert sorted(os.listdir(tmp_path / "logs")) == ["train", "validation"]
    train = event_file.read_scalars(tmp_path / "logs" / "train")
    validation = event_file.read_scalars(tmp_path / "logs" / "validation")
    assert sorted(train) == ["epoch_accuracy", "epoch_learning_rate", "epoch_loss"]
    for name in ("loss", "accuracy"):
        assert train[f"epoch_{name}"] == list(zip(range(EPOCHS), f32(h[name])))
        assert validation[f"epoch_{name}"] == list(zip(range(EPOCHS), f32(h[f"val_{name}"])))
        # Each validation is also written against the optimizer's step count, as Keras does.
        assert validation[f"evaluation_{name}_vs_iterations"] == \
            list(zip([3, 6, 9], f32(h[f"val_{name}"])))
    assert train["epoch_learning_rate"] == [(e, float(np.float32(0.05))) for e in range(EPOCHS)]
    events = event_file.read_events(tmp_path / "logs" / "train")
    assert events[0].file_version == "brain.Event:2"
    assert all(a.wall_time <= b.wall_time for a, b in zip(events, events[1:]))


def test_learning_rate_follows_a_schedule(tmp_path):
    schedule = keras.optimizers.schedules.ExponentialDecay(0.1, decay_steps=3, decay_rate=0.5)
    fit(model(keras.optimizers.SGD(schedule)), TensorBoard(tmp_path), validation_split=0.0)
    rates = event_file.read_scalars(tmp_path / "train")["epoch_learning_rate"]
    # 24 samples make 4 batches an epoch: the rate written at the end of epoch e is the
    # schedule's value for the next step, 4 * (e + 1).
    assert rates == [(e, float(np.float32(schedule(4 * (e + 1))))) for e in range(EPOCHS)]
    assert not os.path.exists(tmp_path / "validation")  # no validation, no empty run


@pytest.mark.parametrize("update_freq, due", [
    ("batch", list(range(1, 10))), (2, [2, 4, 6, 8]), (4, [4, 8])])
def test_batch_scalars_every_update_freq_batches(tmp_path, update_freq, due):
    running = RunningLogs()
    net = model()
    net.fit(X, Y, epochs=EPOCHS, batch_size=BATCH, validation_split=0.25, shuffle=False,
            verbose=0, callbacks=[running, TensorBoard(tmp_path, update_freq=update_freq)])
    scalars = event_file.read_scalars(tmp_path / "train")
    for name in ("loss", "accuracy"):
        steps, values = steps_and_values(scalars[f"batch_{name}"])
        # The step counts batches since fit began (from 1); the values are the running
        # averages of the epoch at that batch.
        assert steps == due
        assert values == f32(running.seen[step - 1][name] for step in due)
    assert "batch_loss" not in event_file.read_scalars(tmp_path / "validation")


def test_batch_steps_restart_with_each_fit_and_epoch_mode_writes_no_batches(tmp_path):
    net = model()
    callback = TensorBoard(tmp_path / "a", update_freq="batch")
    fit(net, callback, epochs=1)
    fit(net, callback, epochs=1)
    steps, _ = steps_and_values(event_file.read_scalars(tmp_path / "a" / "train")["batch_loss"])
    assert steps == [1, 2, 3, 1, 2, 3]
    assert len(os.listdir(tmp_path / "a" / "train")) == 2  # one file per fit
    fit(model(), TensorBoard(tmp_path / "b"))
    assert not any(tag.startswith("batch_")
                   for tag in event_file.read_scalars(tmp_path / "b" / "train"))


def test_steps_per_second(tmp_path):
    fit(model(), TensorBoard(tmp_path, update_freq=3, write_steps_per_second=True))
    scalars = event_file.read_scalars(tmp_path / "train")
    assert [s for s, _ in scalars["epoch_steps_per_second"]] == [0, 1, 2]
    assert [s for s, _ in scalars["batch_steps_per_second"]] == [3, 6, 9]
    assert all(v > 0 for _, v in scalars["epoch_steps_per_second"] +
               scalars["batch_steps_per_second"])


def test_weight_histograms_every_histogram_freq_epochs(tmp_path):
    net = model()
    fit(net, TensorBoard(tmp_path, histogram_freq=2))
    events = event_file.read_events(tmp_path / "train")
    histograms = [(e.step, v.tag, v.histogram) for e in events for v in e.values
                  if v.histogram is not None]
    expected_tags = ["dense/kernel/histogram", "dense/bias/histogram",
                     "dense_1/kernel/histogram", "dense_1/bias/histogram"]
    assert [(step, tag) for step, tag, _ in histograms] == \
        [(step, tag) for step in (0, 2) for tag in expected_tags]
    weights = {f"{w.path}/histogram": w.data for w in net.weights}
    for step, tag, histogram in histograms:
        assert histogram.bucket.sum() == histogram.num == weights[tag].size
        if step == 2:  # written after the last epoch: the final weights
            assert histogram.min == weights[tag].min() and histogram.max == weights[tag].max()


def test_graph_holds_the_model_config(tmp_path):
    net = model()
    fit(net, TensorBoard(tmp_path / "on"), epochs=1)
    graphs = [(e.step, v) for e in event_file.read_events(tmp_path / "on" / "train")
              for v in e.values if v.tag == "keras"]
    assert len(graphs) == 1
    step, value = graphs[0]
    assert step == 0 and value.plugin_name == "graph_keras_model"
    assert json.loads(value.tensor[0]) == json.loads(net.to_json())
    fit(model(), TensorBoard(tmp_path / "off", write_graph=False), epochs=1)
    assert not any(v.tag == "keras" for e in event_file.read_events(tmp_path / "off" / "train")
                   for v in e.values)


def test_subclassed_model_has_no_graph(tmp_path):
    class Net(keras.Model):
        def __init__(self):
            super().__init__()
            self.dense = layers.Dense(1)

        def call(self, x):
            return self.dense(x)

    net = Net()
    net.compile(optimizer="sgd", loss="mse")
    net.fit(X, Y, epochs=2, batch_size=BATCH, verbose=0,
            callbacks=[TensorBoard(tmp_path, histogram_freq=1)])
    events = event_file.read_events(tmp_path / "train")
    assert not any(v.tag == "keras" for e in events for v in e.values)
    assert {v.tag for e in events for v in e.values if v.histogram} == \
        {"dense/kernel/histogram", "dense/bias/histogram"}


def test_evaluate_writes_evaluation_scalars(tmp_path):
    net = model()
    callback = TensorBoard(tmp_path)
    fit(net, callback, validation_split=0.0)
    result = net.evaluate(X, Y, verbose=0, return_dict=True, callbacks=[callback])
    scalars = event_file.read_scalars(tmp_path / "validation")
    assert sorted(scalars) == ["evaluation_accuracy_vs_iterations",
                               "evaluation_loss_vs_iterations"]
    # After 3 epochs of 4 batches, the step is the optimizer's 12 iterations.
    assert scalars["evaluation_loss_vs_iterations"] == \
        [(12, float(np.float32(result["loss"])))]
    assert callback._writers == {}  # evaluate on its own leaves no file open


def test_non_scalar_logs_are_skipped_with_one_warning(tmp_path):
    callback = TensorBoard(tmp_path, write_graph=False)
    callback.set_model(model())
    with pytest.warns(UserWarning, match="'f1_score' is not a scalar"):
        callback.on_epoch_end(0, {"loss": 0.5, "f1_score": np.array([0.1, 0.2])})
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        callback.on_epoch_end(1, {"loss": 0.4, "f1_score": np.array([0.1, 0.2])})
    callback.on_train_end()
    assert sorted(event_file.read_scalars(tmp_path / "train")) == \
        ["epoch_learning_rate", "epoch_loss"]


# -- arguments ----------------------------------------------------------------------------------


def test_keras_defaults():
    callback = TensorBoard()
    assert (callback.log_dir, callback.histogram_freq, callback.write_graph,
            callback.write_images, callback.write_steps_per_second, callback.update_freq,
            callback.profile_batch, callback.embeddings_freq, callback.embeddings_metadata) == \
        ("logs", 0, True, False, False, "epoch", 0, 0, None)
    assert TensorBoard(update_freq="batch").update_freq == 1


def test_bad_arguments_say_what_and_where(tmp_path):
    with pytest.raises(TypeError, match=r"TensorBoard: log_dir must be a path .* int 3"):
        TensorBoard(log_dir=3)
    for bad in ("steps", 0, -2, 1.5, True):
        with pytest.raises(ValueError, match=r"TensorBoard: Unrecognized update_freq.*'epoch', "
                                             r"'batch' or a positive integer"):
            TensorBoard(tmp_path, update_freq=bad)
    with pytest.raises(ValueError, match=r"TensorBoard: histogram_freq must be >= 0.*=-1"):
        TensorBoard(tmp_path, histogram_freq=-1)
    with pytest.raises(TypeError, match=r"TensorBoard: histogram_freq must be an integer"):
        TensorBoard(tmp_path, histogram_freq=0.5)
    with pytest.raises(ValueError, match=r"TensorBoard: embeddings_freq must be >= 0"):
        TensorBoard(tmp_path, embeddings_freq=-1)
    for bad in ("a,b", (5, 2), -1, (1, 2, 3)):
        with pytest.raises(ValueError, match="TensorBoard: profile_batch must be a "
                                             "non-negative integer"):
            TensorBoard(tmp_path, profile_batch=bad)
    (tmp_path / "file").write_text("not a folder")
    for log_dir in (tmp_path / "file", tmp_path / "file" / "logs"):
        with pytest.raises(ValueError, match="TensorBoard: cannot write event files in .*: "
                                             ".*file' is a file, not a folder"):
            fit(model(), TensorBoard(log_dir), epochs=1)


@pytest.mark.parametrize("kwargs, mentions", [
    ({"write_images": True}, "write_images=True"),
    ({"profile_batch": (2, 4)}, r"profile_batch=\(2, 4\)"),
    ({"profile_batch": "3"}, "profile_batch='3'"),
    ({"embeddings_freq": 1, "embeddings_metadata": "meta.tsv"}, "embeddings_freq=1"),
])
def test_unsupported_features_warn_once_and_logging_goes_on(tmp_path, kwargs, mentions):
    with pytest.warns(UserWarning, match=f"TensorBoard: {mentions} .*not supported"):
        callback = TensorBoard(tmp_path, **kwargs)
    fit(model(), callback, epochs=1)
    assert "epoch_loss" in event_file.read_scalars(tmp_path / "train")


def test_defaults_do_not_warn(tmp_path):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        fit(model(), TensorBoard(tmp_path, profile_batch="0,0"), epochs=1)


# -- TensorBoard's own reader -------------------------------------------------------------------


def test_tensorboard_reads_the_files(tmp_path):
    pytest.importorskip("tensorboard", reason="TensorBoard is not installed (pip install "
                                              "tensorboard) to check the files with its reader")
    from tensorboard.backend.event_processing import event_accumulator as ea
    from tensorboard.backend.event_processing import plugin_event_accumulator as pea
    from tensorboard.compat.tensorflow_stub.pywrap_tensorflow import masked_crc32c
    from tensorboard.plugins.graph import keras_util
    from tensorboard.util import tensor_util

    assert masked_crc32c(b"a record") == event_file.masked_crc32c(b"a record")
    net = model()
    history = fit(net, TensorBoard(tmp_path, histogram_freq=1, update_freq=2)).history
    everything = {ea.SCALARS: 0, ea.HISTOGRAMS: 0, ea.TENSORS: 0}
    train = ea.EventAccumulator(str(tmp_path / "train"), size_guidance=everything).Reload()
    validation = ea.EventAccumulator(str(tmp_path / "validation"),
                                     size_guidance=everything).Reload()
    for name in ("loss", "accuracy"):
        scalars = train.Scalars(f"epoch_{name}")
        assert [s.step for s in scalars] == [0, 1, 2]
        assert [s.value for s in scalars] == f32(history[name])
        assert [s.value for s in validation.Scalars(f"epoch_{name}")] == \
            f32(history[f"val_{name}"])
        assert [s.step for s in validation.Scalars(f"evaluation_{name}_vs_iterations")] == \
            [3, 6, 9]
        assert [s.step for s in train.Scalars(f"batch_{name}")] == [2, 4, 6, 8]
    for weight in net.weights:
        events = train.Histograms(f"{weight.path}/histogram")
        assert [e.step for e in events] == [0, 1, 2]
        last = events[-1].histogram_value
        assert sum(last.bucket) == last.num == weight.data.size
        assert (last.min, last.max) == (weight.data.min(), weight.data.max())

    # What TensorBoard's server shows: histograms become (left, right, count) tensors and
    # the Graphs tab draws the model's config.
    plugins = pea.EventAccumulator(str(tmp_path / "train"), size_guidance=everything).Reload()
    assert sorted(plugins.PluginTagToContent("histograms")) == \
        sorted(f"{w.path}/histogram" for w in net.weights)
    kernel = net.weights[0]
    buckets = tensor_util.make_ndarray(
        plugins.Tensors(f"{kernel.path}/histogram")[-1].tensor_proto)
    assert buckets.shape == (30, 3) and buckets[:, 2].sum() == kernel.data.size
    assert buckets[0, 0] == kernel.data.min() and buckets[-1, 1] == kernel.data.max()
    config = plugins.Tensors("keras")[0].tensor_proto.string_val[0]
    graph = keras_util.keras_model_to_graph_def(json.loads(config))
    assert [node.name for node in graph.node] == \
        ["sequential/input_layer", "sequential/dense", "sequential/dense_1"]


def test_read_scalars_reads_tensorflow_style_scalars(tmp_path):
    pytest.importorskip("tensorboard", reason="TensorBoard is not installed (pip install "
                                              "tensorboard) to write TensorFlow-style files")
    from tensorboard.compat.proto import event_pb2, summary_pb2
    from tensorboard.data_compat import make_summary
    from tensorboard.plugins.scalar import metadata
    from tensorboard.summary.writer.event_file_writer import EventFileWriter

    # As tf.summary.scalar writes them: a float32 tensor, the plugin named with the first.
    writer = EventFileWriter(str(tmp_path))
    for step, value in enumerate([0.5, 0.25]):
        tag_metadata = metadata.create_summary_metadata("", "") if step == 0 else None
        tensor = make_summary("epoch_loss", tag_metadata, np.float32(value))
        if tag_metadata is None:
            tensor.ClearField("metadata")
        summary = summary_pb2.Summary(value=[tensor])
        writer.add_event(event_pb2.Event(step=step, wall_time=1.0, summary=summary))
    writer.close()
    assert event_file.read_scalars(tmp_path) == {"epoch_loss": [(0, 0.5), (1, 0.25)]}
