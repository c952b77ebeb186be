"""Callbacks: code that runs at the start and end of training, epochs and batches.

`fit` always uses a `History` (returned to the user) and, when verbose, a `ProgbarLogger`.
"""

import json
import os
import shutil
import sys
import time
import warnings

import numpy as np

from .saving.files import atomic_path, from_json


class Callback:
    """Base class: override the hooks you need. `self.model` and `self.params` are set by fit.

    `logs` holds the current values of the loss and metrics ('loss', 'accuracy', and 'val_...'
    at the end of an epoch with validation).
    """

    def __init__(self):
        self.model = None
        self.params = {}

    def set_model(self, model):
        self.model = model

    def set_params(self, params):
        self.params = params

    def on_train_begin(self, logs=None): pass
    def on_train_end(self, logs=None): pass
    def on_epoch_begin(self, epoch, logs=None): pass
    def on_epoch_end(self, epoch, logs=None): pass
    def on_train_batch_begin(self, batch, logs=None): pass
    def on_train_batch_end(self, batch, logs=None): pass
    def on_test_begin(self, logs=None): pass
    def on_test_end(self, logs=None): pass
    def on_test_batch_begin(self, batch, logs=None): pass
    def on_test_batch_end(self, batch, logs=None): pass
    def on_predict_begin(self, logs=None): pass
    def on_predict_end(self, logs=None): pass
    def on_predict_batch_begin(self, batch, logs=None): pass
    def on_predict_batch_end(self, batch, logs=None): pass

    # tf.keras 2 names of the training batch hooks.
    def on_batch_begin(self, batch, logs=None): pass
    def on_batch_end(self, batch, logs=None): pass


_HOOKS = [name for name in vars(Callback) if name.startswith("on_")]


class CallbackList:
    """Calls a hook on every callback in order. Hooks that no callback overrides cost nothing
    per batch: they are skipped."""

    def __init__(self, callbacks, model, params):
        self.callbacks = list(callbacks)
        for callback in self.callbacks:
            if not isinstance(callback, Callback):
                raise TypeError(
                    f"callbacks must be instances of keras.callbacks.Callback, received "
                    f"{callback!r} of type {type(callback).__name__}."
                )
            callback.set_model(model)
            callback.set_params(params)
        self._active = {
            hook: [getattr(c, hook) for c in self.callbacks
                   if getattr(type(c), hook) is not getattr(Callback, hook)]
            for hook in _HOOKS
        }
        # tf.keras 2 callbacks override on_batch_*: call them on training batches too.
        self._active["on_train_batch_begin"] += self._active["on_batch_begin"]
        self._active["on_train_batch_end"] += self._active["on_batch_end"]

    def wants(self, hook):
        return bool(self._active[hook])

    def call(self, hook, *args):
        for method in self._active[hook]:
            method(*args)


class History(Callback):
    """Records the logs of each epoch: `history.history['loss']` is the list of epoch losses."""

    def __init__(self):
        super().__init__()
        self.history = {}
        self.epoch = []

    def on_train_begin(self, logs=None):
        self.epoch = []

    def on_epoch_end(self, epoch, logs=None):
        self.epoch.append(epoch)
        for key, value in (logs or {}).items():
            self.history.setdefault(key, []).append(value)
        if self.model is not None:
            self.model.history = self


def _in_notebook():
    shell = sys.modules.get("IPython")
    if shell is None:
        return False
    try:
        ip = shell.get_ipython()
    except AttributeError:
        return False
    return ip is not None and "IPKernelApp" in getattr(ip, "config", {})


def format_logs(logs):
    """'loss: 0.2718 - accuracy: 0.9062', in Keras's style."""
    parts = []
    for key, value in logs.items():
        try:
            parts.append(f"{key}: {float(value):.4f}")
        except (TypeError, ValueError):
            parts.append(f"{key}: {value}")
    return " - ".join(parts)


class ProgbarLogger(Callback):
    """Keras-style progress: 'Epoch 1/20', a bar with steps, ETA and the running metrics, and
    the validation metrics at the end of the epoch.

    In a terminal and in Jupyter (with or without ipywidgets) the bar updates in place, about
    ten times a second. When the output is a file or a CI log, only one line per epoch is
    written, so logs stay short. `verbose=2` writes one line per epoch everywhere.
    """

    def __init__(self, verbose=1, file=None):
        super().__init__()
        self.verbose = verbose
        self.file = file
        self._bar = None

    def _stream(self):
        return self.file or sys.stdout

    def _interactive(self):
        stream = self._stream()
        return _in_notebook() or (hasattr(stream, "isatty") and stream.isatty())

    def on_train_begin(self, logs=None):
        self.epochs = self.params.get("epochs", 1)

    def on_epoch_begin(self, epoch, logs=None):
        self._start = time.perf_counter()
        self._seen = 0
        self._last_draw = 0.0
        print(f"Epoch {epoch + 1}/{self.epochs}", file=self._stream(), flush=True)
        if self.verbose == 1 and self._interactive():
            self._bar = _make_bar(self.params.get("steps"), self._stream())

    def on_train_batch_end(self, batch, logs=None):
        self._seen = batch + 1
        if self._bar is None:
            return
        now = time.perf_counter()
        self._bar.update(self._seen - self._bar.n)
        if now - self._last_draw >= 0.1:  # formatting the metrics costs; do it ~10 times/s
            self._last_draw = now
            self._bar.set_postfix_str(format_logs(self.model.running_logs()), refresh=False)

    def on_epoch_end(self, epoch, logs=None):
        elapsed = time.perf_counter() - self._start
        steps = max(self._seen, 1)
        text = format_logs(logs or {})
        if self._bar is not None:
            self._bar.set_postfix_str(text, refresh=False)
            self._bar.close()
            self._bar = None
            return
        total = self.params.get("steps") or self._seen
        per_step = elapsed / steps
        unit = f"{per_step * 1e3:.0f}ms/step" if per_step >= 1e-3 else \
            f"{per_step * 1e6:.0f}us/step"
        print(f"{total}/{total} - {elapsed:.0f}s - {unit} - {text}", file=self._stream(),
              flush=True)


def _make_bar(total, stream):
    """A tqdm bar that works in a terminal and in Jupyter, ipywidgets or not."""
    if _in_notebook():
        try:
            import ipywidgets  # noqa: F401 - the notebook bar needs it
            from tqdm.notebook import tqdm
        except ImportError:
            from tqdm.std import tqdm
    else:
        from tqdm.std import tqdm
    # Some pseudo-terminals report a width of 0, which would draw an empty bar.
    width = shutil.get_terminal_size(fallback=(100, 24)).columns or 100
    return tqdm(total=total, file=stream, unit="step", leave=True, ncols=width,
                bar_format="{n_fmt}/{total_fmt} [{bar:30}] {elapsed}<{remaining} "
                           "{rate_fmt}{postfix}", mininterval=0.1)


# -- checkpoints -------------------------------------------------------------------------------


def _check_save_freq(owner, save_freq):
    if save_freq == "epoch" or (isinstance(save_freq, int) and not isinstance(save_freq, bool)
                                and save_freq > 0):
        return save_freq
    raise ValueError(f"{owner}: Unrecognized save_freq: {save_freq!r}. Expected save_freq are "
                     f"'epoch' or a positive integer (a number of batches).")


class _BatchCounter:
    """Counts training batches across epochs to act every `save_freq` of them, as Keras."""

    def __init__(self, save_freq):
        self.save_freq = save_freq
        self._seen_since_last = 0
        self._last_batch = 0

    def due(self, batch):
        if self.save_freq == "epoch":
            return False
        # A batch index that does not grow means a new epoch began.
        added = batch + 1 if batch <= self._last_batch else batch - self._last_batch
        self._seen_since_last += added
        self._last_batch = batch
        if self._seen_since_last >= self.save_freq:
            self._seen_since_last = 0
            return True
        return False


# Metrics for which larger is better, beyond Keras's own rule ('acc' in the name).
_HIGHER_IS_BETTER = ("auc", "precision", "recall", "f1_score", "fbeta_score", "r2_score")


class ModelCheckpoint(Callback):
    """Save the model (or its weights) during training: every epoch, every few batches, or
    only when the monitored value improves.

    The file name may hold the epoch and any logged value as `str.format` fields, e.g.
    'weights.{epoch:02d}-{val_loss:.2f}.h5' (epochs count from 1). Each file is written
    atomically, so a crash while saving keeps the previous checkpoint.

    Args:
        filepath: where to save: ending in `.keras` or `.h5` for whole models, and in
            `.weights.h5` (Keras 3) or `.h5` (tf.keras 2's layout) with `save_weights_only`.
        monitor: the logged value to compare with `save_best_only`, e.g. 'val_loss'.
        verbose: 1 prints a line each time a checkpoint is saved or skipped.
        save_best_only: save only when `monitor` improves on the best value so far.
        save_weights_only: save only the weights (`model.save_weights`).
        mode: 'min', 'max', or 'auto' (maximize accuracies, AUC, precision, recall, F-scores
            and R2; minimize the rest, losses included).
        save_freq: 'epoch', or a number of batches between saves.
        initial_value_threshold: the best value to start from: nothing is saved until
            `monitor` improves on it.

    >>> checkpoint = ModelCheckpoint("best.keras", monitor="val_accuracy",
    ...                              save_best_only=True)
    >>> model.fit(x, y, validation_split=0.2, epochs=10, callbacks=[checkpoint])
    """

    def __init__(self, filepath, monitor="val_loss", verbose=0, save_best_only=False,
                 save_weights_only=False, mode="auto", save_freq="epoch",
                 initial_value_threshold=None):
        super().__init__()
        if not isinstance(filepath, (str, os.PathLike)):
            raise TypeError(f"ModelCheckpoint: filepath must be a path (str or pathlib.Path), "
                            f"received {type(filepath).__name__} {filepath!r:.80}.")
        self.filepath = os.fspath(filepath)
        self.monitor = monitor
        self.verbose = verbose
        self.save_best_only = bool(save_best_only)
        self.save_weights_only = bool(save_weights_only)
        self.save_freq = _check_save_freq("ModelCheckpoint", save_freq)
        self._counter = _BatchCounter(self.save_freq)
        self._current_epoch = 0
        if mode not in ("auto", "min", "max"):
            warnings.warn(f"ModelCheckpoint mode '{mode}' is unknown, fallback to auto mode.",
                          stacklevel=2)
            mode = "auto"
        if mode == "auto":
            higher = "acc" in monitor or monitor.startswith("fmeasure") or \
                any(name in monitor for name in _HIGHER_IS_BETTER)
            mode = "max" if higher else "min"
        self.mode = mode
        self.monitor_op = np.greater if mode == "max" else np.less
        if initial_value_threshold is None:
            initial_value_threshold = -np.inf if mode == "max" else np.inf
        self.best = initial_value_threshold
        if self.save_weights_only:
            endings = (".weights.h5", ".h5", ".hdf5")
            if not self.filepath.endswith(endings):
                raise ValueError(
                    f"When using `save_weights_only=True` in `ModelCheckpoint`, the filepath "
                    f"provided must end in `.weights.h5` (Keras weights format) or `.h5`. "
                    f"Received: filepath={self.filepath}"
                )
        elif not self.filepath.endswith((".keras", ".h5", ".hdf5")):
            raise ValueError(
                f"The filepath provided must end in `.keras` (Keras model format) or `.h5`. "
                f"Received: filepath={self.filepath}"
            )

    def on_epoch_begin(self, epoch, logs=None):
        self._current_epoch = epoch

    def on_train_batch_end(self, batch, logs=None):
        if self._counter.due(batch):
            if not logs and hasattr(self.model, "running_logs"):
                logs = self.model.running_logs()  # the values so far in this epoch
            self._save_model(self._current_epoch, batch, logs)

    def on_epoch_end(self, epoch, logs=None):
        if self.save_freq == "epoch":
            self._save_model(epoch, None, logs)

    def _file_path(self, epoch, batch, logs):
        fields = dict(logs, epoch=epoch + 1)
        if batch is not None and "batch" not in logs:
            fields["batch"] = batch + 1
        try:
            return self.filepath.format(**fields)
        except KeyError as error:
            raise KeyError(f'Failed to format this callback filepath: "{self.filepath}". '
                           f"Reason: {error}. The values available are: "
                           f"{', '.join(sorted(fields))}.") from None

    def _write(self, filepath):
        if os.path.isdir(filepath):
            raise IOError(f"Please specify a non-directory filepath for ModelCheckpoint. "
                          f"Filepath used is an existing directory: {filepath}")
        if self.save_weights_only:
            self.model.save_weights(filepath, overwrite=True)
        else:
            self.model.save(filepath, overwrite=True)

    def _save_model(self, epoch, batch, logs):
        logs = dict(logs or {})
        filepath = self._file_path(epoch, batch, logs)
        if not self.save_best_only:
            if self.verbose > 0:
                print(f"\nEpoch {epoch + 1}: saving model to {filepath}")
            self._write(filepath)
            return
        current = logs.get(self.monitor)
        if current is None:
            warnings.warn(f"Can save best model only with {self.monitor} available, "
                          f"skipping.", stacklevel=3)
            return
        if np.ndim(current) > 0:
            warnings.warn(f"Can save best model only when `monitor` is a scalar value. "
                          f"Received: {current}. Falling back to `save_best_only=False`.",
                          stacklevel=3)
            self._write(filepath)
            return
        if self.monitor_op(current, self.best):
            if self.verbose > 0:
                print(f"\nEpoch {epoch + 1}: {self.monitor} improved from {self.best:.5f} to "
                      f"{current:.5f}, saving model to {filepath}")
            self.best = current
            self._write(filepath)
        elif self.verbose > 0:
            print(f"\nEpoch {epoch + 1}: {self.monitor} did not improve from {self.best:.5f}")


class BackupAndRestore(Callback):
    """Back up the training state regularly, so that a `fit` that was interrupted (an
    exception, a killed process) resumes where it stopped when run again.

    At the end of each epoch (or every `save_freq` batches) the weights and the optimizer's
    state go to `backup_dir`/latest.weights.h5 and the number of finished epochs to
    `backup_dir`/training_metadata.json. A later `fit` with the same callback restores them
    and starts at the next epoch, giving the same weights as an uninterrupted run (with
    shuffle=False or a fixed seed). The backup is deleted when `fit` completes.

    Args:
        backup_dir: the folder for the backup files; use it for nothing else.
        save_freq: 'epoch', or a number of batches between backups (training then resumes
            at the start of the epoch of the last backup, as in Keras).
        delete_checkpoint: whether to delete the backup when training completes.

    >>> model.fit(x, y, epochs=10, callbacks=[BackupAndRestore("backup")])
    """

    def __init__(self, backup_dir, save_freq="epoch", delete_checkpoint=True):
        super().__init__()
        if not backup_dir:
            raise ValueError("Empty `backup_dir` argument passed")
        if not isinstance(backup_dir, (str, os.PathLike)):
            raise TypeError(f"BackupAndRestore: backup_dir must be a path, received "
                            f"{type(backup_dir).__name__} {backup_dir!r:.80}.")
        self.backup_dir = os.fspath(backup_dir)
        self.save_freq = _check_save_freq("BackupAndRestore", save_freq)
        self.delete_checkpoint = bool(delete_checkpoint)
        self._counter = _BatchCounter(self.save_freq)
        self._current_epoch = 0
        self._weights_path = os.path.join(self.backup_dir, "latest.weights.h5")
        self._training_metadata_path = os.path.join(self.backup_dir,
                                                    "training_metadata.json")

    def _restore(self):
        model = self.model
        if not model.built:
            raise ValueError(
                f"To use the BackupAndRestore callback, you model must be built before you "
                f"call `fit()`. Model {model} is unbuilt. You can build it beforehand by "
                f"calling it on a batch of data."
            )
        if os.path.exists(self._weights_path):
            if getattr(model, "optimizer", None) is not None and not model.optimizer.built:
                model.optimizer.build(model.trainable_weights)
            model.load_weights(self._weights_path)
        epoch = 0
        if os.path.exists(self._training_metadata_path):
            with open(self._training_metadata_path, "rb") as handle:
                metadata = from_json(handle.read(2 ** 16), self._training_metadata_path)
            epoch = metadata.get("epoch") if isinstance(metadata, dict) else None
            if isinstance(epoch, bool) or not isinstance(epoch, int) or epoch < 0:
                raise ValueError(f"BackupAndRestore: {self._training_metadata_path} should "
                                 f"hold the number of finished epochs, but holds "
                                 f"{metadata!r:.100}. Delete {self.backup_dir!r} to start "
                                 f"afresh.")
            model._initial_epoch = epoch
        self._current_epoch = epoch
        return epoch

    def on_train_begin(self, logs=None):
        self._restore()

    def on_epoch_end(self, epoch, logs=None):
        self._current_epoch = epoch + 1
        self._counter._last_batch = 0
        if self.save_freq == "epoch":
            self._save_model()

    def on_train_batch_end(self, batch, logs=None):
        if self._counter.due(batch):
            self._save_model()

    def _save_model(self):
        os.makedirs(self.backup_dir, exist_ok=True)
        self.model.save_weights(self._weights_path, overwrite=True)
        with atomic_path(self._training_metadata_path) as temporary:
            with open(temporary, "w") as handle:
                json.dump({"epoch": self._current_epoch,
                           "batch": self._counter._last_batch}, handle)

    def on_train_end(self, logs=None):
        if self.delete_checkpoint and os.path.exists(self.backup_dir):
            shutil.rmtree(self.backup_dir)
