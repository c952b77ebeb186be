"""`TensorBoard`: log the loss, metrics, learning rate, weight histograms and model graph to
event files that TensorBoard reads (written without TensorFlow)."""

import numbers
import os
import time
import warnings

import numpy as np

from . import event_file
from .callback import Callback


def _check_update_freq(update_freq):
    if update_freq in ("epoch", "batch"):
        return 1 if update_freq == "batch" else "epoch"
    if isinstance(update_freq, numbers.Integral) and not isinstance(update_freq, bool) \
            and update_freq > 0:
        return int(update_freq)
    raise ValueError(f"TensorBoard: Unrecognized update_freq: {update_freq!r}. Expected "
                     f"update_freq are 'epoch', 'batch' or a positive integer (a number of "
                     f"batches between writes).")


def _check_frequency(name, value):
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"TensorBoard: {name} must be an integer number of epochs (0 to turn "
                        f"it off), received {type(value).__name__} {value!r}.")
    if value < 0:
        raise ValueError(f"TensorBoard: {name} must be >= 0 (a number of epochs; 0 turns it "
                         f"off), received {name}={value}.")
    return int(value)


def _check_profile_batch(profile_batch):
    """Keras's rules: a non-negative int, a (start, stop) pair or a 'start,stop' string."""
    message = (f"TensorBoard: profile_batch must be a non-negative integer or 2-tuple of "
               f"positive integers. A pair of positive integers signifies a range of batches "
               f"to profile. Found: {profile_batch!r}")
    batches = profile_batch
    if isinstance(batches, str):
        try:
            batches = [int(part) for part in batches.split(",")]
        except ValueError:
            raise ValueError(message) from None
    if isinstance(batches, (list, tuple)) and len(batches) == 1:
        batches = batches[0]
    pair = batches if isinstance(batches, (list, tuple)) and len(batches) == 2 \
        else (batches, batches)
    if not all(isinstance(b, numbers.Integral) and not isinstance(b, bool) for b in pair) \
            or pair[0] < 0 or pair[1] < pair[0]:
        raise ValueError(message)
    return tuple(int(b) for b in pair)


class TensorBoard(Callback):
    """Write what `fit` and `evaluate` report to TensorBoard event files.

    In `log_dir`/train: the loss and metrics of each epoch ('epoch_loss', 'epoch_accuracy',
    ...) and the learning rate ('epoch_learning_rate') at step `epoch`; with `update_freq`
    'batch' or N, the running values of the epoch every N batches ('batch_loss', ...) at the
    step counting batches since `fit` began; with `histogram_freq`, the histogram of each
    weight ('dense/kernel/histogram', ...); with `write_graph`, the model's config, which
    TensorBoard draws in its Graphs tab. In `log_dir`/validation: the validation values of
    each epoch under the same names, and after each evaluation (in `fit` or `evaluate`)
    'evaluation_loss_vs_iterations', ... at the step `model.optimizer.iterations`.
    Events are buffered and reach the files at the end of each epoch and of training.

    View them with `tensorboard --logdir logs` (TensorBoard is a separate install), or read
    them back with `minikeras.callbacks.event_file.read_scalars`.

    Args:
        log_dir: the folder for the event files; use it for nothing else.
        histogram_freq: write weight histograms every this many epochs (0: never).
        write_graph: write the model's config for TensorBoard's Graphs tab (Sequential and
            functional models).
        write_images: not supported; a warning says so when True.
        write_steps_per_second: also write the training steps per second, per epoch and
            (with `update_freq`) per batch.
        update_freq: 'epoch', or 'batch' or a number N to also write the running loss and
            metrics every N batches.
        profile_batch: not supported (minikeras has no profiler); a warning says so when not 0.
        embeddings_freq: not supported; a warning says so when not 0.
        embeddings_metadata: accepted for compatibility, unused.

    >>> model.fit(x, y, epochs=5, validation_split=0.2,
    ...           callbacks=[keras.callbacks.TensorBoard("logs", histogram_freq=1)])
    """

    def __init__(self, log_dir="logs", histogram_freq=0, write_graph=True, write_images=False,
                 write_steps_per_second=False, update_freq="epoch", profile_batch=0,
                 embeddings_freq=0, embeddings_metadata=None):
        super().__init__()
        if not isinstance(log_dir, (str, os.PathLike)):
            raise TypeError(f"TensorBoard: log_dir must be a path (str or pathlib.Path), "
                            f"received {type(log_dir).__name__} {log_dir!r:.80}.")
        self.log_dir = os.fspath(log_dir)
        self.histogram_freq = _check_frequency("histogram_freq", histogram_freq)
        self.write_graph = bool(write_graph)
        self.write_images = bool(write_images)
        self.write_steps_per_second = bool(write_steps_per_second)
        self.update_freq = _check_update_freq(update_freq)
        self.profile_batch = profile_batch
        self.embeddings_freq = _check_frequency("embeddings_freq", embeddings_freq)
        self.embeddings_metadata = embeddings_metadata
        ignored = []
        if self.write_images:
            ignored.append("write_images=True (weight images)")
        if _check_profile_batch(profile_batch) != (0, 0):
            ignored.append(f"profile_batch={profile_batch!r} (minikeras has no profiler)")
        if self.embeddings_freq:
            ignored.append(f"embeddings_freq={embeddings_freq} (the Projector's embeddings)")
        if ignored:
            verb = "is" if len(ignored) == 1 else "are"
            warnings.warn(f"TensorBoard: {' and '.join(ignored)} {verb} not supported by "
                          f"minikeras and ignored; scalars, weight histograms and the model "
                          f"graph are written as usual.", stacklevel=2)
        self._train_dir = os.path.join(self.log_dir, "train")
        self._val_dir = os.path.join(self.log_dir, "validation")
        self._writers = {}
        self._training = False
        self._global_train_batch = 0
        self._batch_start = 0.0
        self._epoch_start = 0.0
        self._epoch_first_batch = 0
        self._skipped = set()

    # -- writers, created on first use so that no empty run appears ----------------------------
    def _writer(self, folder):
        writer = self._writers.get(folder)
        if writer is None:
            try:
                os.makedirs(folder, exist_ok=True)
            except (FileExistsError, NotADirectoryError):  # a file stands in the way
                blocker = folder
                while blocker and not os.path.exists(blocker):
                    blocker = os.path.dirname(blocker)
                raise ValueError(f"TensorBoard: cannot write event files in {folder!r}: "
                                 f"{blocker!r} is a file, not a folder. Pass a log_dir that "
                                 f"is a folder or does not exist yet.") from None
            writer = self._writers[folder] = event_file.EventFileWriter(folder)
        return writer

    def _write_scalars(self, folder, prefix, logs, step):
        scalars = {}
        for name, value in logs.items():
            if np.ndim(value) == 0:
                scalars[prefix + name] = float(value)
            elif name not in self._skipped:  # e.g. a metric with one value per class
                self._skipped.add(name)
                warnings.warn(f"TensorBoard: '{name}' is not a scalar (shape "
                              f"{np.shape(value)}), so it is not written.", stacklevel=3)
        if scalars:
            self._writer(folder).add_scalars(scalars, step)

    def _flush(self):
        for writer in self._writers.values():
            writer.flush()

    def _close(self):
        for writer in self._writers.values():
            writer.close()
        self._writers = {}

    # -- hooks ---------------------------------------------------------------------------------
    def on_train_begin(self, logs=None):
        self._training = True
        self._global_train_batch = 0
        if self.write_graph:
            self._write_model_graph()

    def on_train_end(self, logs=None):
        self._training = False
        self._close()

    def on_epoch_begin(self, epoch, logs=None):
        if self.write_steps_per_second:
            self._epoch_start = time.perf_counter()
            self._epoch_first_batch = self._global_train_batch

    def _batch_due(self):
        return self.update_freq != "epoch" and self._global_train_batch % self.update_freq == 0

    def on_train_batch_begin(self, batch, logs=None):
        self._global_train_batch += 1
        if self.write_steps_per_second and self._batch_due():
            self._batch_start = time.perf_counter()

    def on_train_batch_end(self, batch, logs=None):
        if not self._batch_due():
            return
        logs = dict(logs or self.model.running_logs())  # the running values of the epoch
        if self.write_steps_per_second:
            logs["steps_per_second"] = 1.0 / max(time.perf_counter() - self._batch_start, 1e-9)
        self._write_scalars(self._train_dir, "batch_", logs, self._global_train_batch)

    def on_epoch_end(self, epoch, logs=None):
        logs = logs or {}
        if logs:
            train = {k: v for k, v in logs.items() if not k.startswith("val_")}
            learning_rate = getattr(getattr(self.model, "optimizer", None), "learning_rate",
                                    None)
            if isinstance(learning_rate, numbers.Real):
                train["learning_rate"] = learning_rate
            if self.write_steps_per_second:
                steps = self._global_train_batch - self._epoch_first_batch
                train["steps_per_second"] = \
                    steps / max(time.perf_counter() - self._epoch_start, 1e-9)
            self._write_scalars(self._train_dir, "epoch_", train, epoch)
            validation = {k[4:]: v for k, v in logs.items() if k.startswith("val_")}
            if validation:
                self._write_scalars(self._val_dir, "epoch_", validation, epoch)
        if self.histogram_freq and epoch % self.histogram_freq == 0:
            self._write_histograms(epoch)
        self._flush()

    def on_test_end(self, logs=None):
        iterations = getattr(getattr(self.model, "optimizer", None), "iterations", None)
        if logs and isinstance(iterations, numbers.Integral):
            logs = {f"{name}_vs_iterations": value for name, value in logs.items()}
            self._write_scalars(self._val_dir, "evaluation_", logs, iterations)
        if self._training:
            self._flush()
        else:  # a call to evaluate() on its own: leave no file open
            self._close()

    # -- what is written -----------------------------------------------------------------------
    def _write_histograms(self, epoch):
        arrays, seen = {}, set()
        for layer in self.model.layers:
            for weight in layer.weights:
                if id(weight) not in seen:  # a weight shared by two layers is written once
                    seen.add(id(weight))
                    arrays[f"{weight.path.replace(':', '_')}/histogram"] = weight.data
        self._writer(self._train_dir).add_histograms(arrays, epoch)

    def _write_model_graph(self):
        from ..models import Functional, Sequential
        if not isinstance(self.model, (Functional, Sequential)):
            return  # a subclassed model has no config that describes its graph
        try:
            json_text = self.model.to_json()
        except Exception as error:  # the graph is a nicety: never stop training for it
            warnings.warn(f"Model failed to serialize as JSON. Ignoring... {error}",
                          stacklevel=3)
            return
        self._writer(self._train_dir).add_values([event_file.keras_model_value(json_text)], 0)
