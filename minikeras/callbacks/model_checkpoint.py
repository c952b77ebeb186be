"""`ModelCheckpoint`: save the model or its weights during training."""

import os
import warnings

import numpy as np

from .monitor_callback import MonitorCallback


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


class ModelCheckpoint(MonitorCallback):
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
        super().__init__(monitor, mode, missing_message=(
            f"Can save best model only with {monitor} available, skipping."))
        if not isinstance(filepath, (str, os.PathLike)):
            raise TypeError(f"ModelCheckpoint: filepath must be a path (str or pathlib.Path), "
                            f"received {type(filepath).__name__} {filepath!r:.80}.")
        self.filepath = os.fspath(filepath)
        self.verbose = verbose
        self.save_best_only = bool(save_best_only)
        self.save_weights_only = bool(save_weights_only)
        self.save_freq = _check_save_freq("ModelCheckpoint", save_freq)
        self._counter = _BatchCounter(self.save_freq)
        self._current_epoch = 0
        self.best = self.worst_value() if initial_value_threshold is None \
            else initial_value_threshold
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
        if self._counter.due(batch):  # fit gives the running values of the epoch so far
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
        current = self.monitor_value(logs)
        if current is None:
            return
        if np.ndim(current) > 0:
            warnings.warn(f"Can save best model only when `monitor` is a scalar value. "
                          f"Received: {current}. Falling back to `save_best_only=False`.",
                          stacklevel=3)
            self._write(filepath)
            return
        if self.is_improvement(current, self.best):
            if self.verbose > 0:
                print(f"\nEpoch {epoch + 1}: {self.monitor} improved from {self.best:.5f} to "
                      f"{current:.5f}, saving model to {filepath}")
            self.best = current
            self._write(filepath)
        elif self.verbose > 0:
            print(f"\nEpoch {epoch + 1}: {self.monitor} did not improve from {self.best:.5f}")
