"""`BackupAndRestore`: resume an interrupted `fit` from a backup of its state."""

import json
import os
import shutil

from ..saving.files import atomic_path, from_json
from .callback import Callback
from .model_checkpoint import _BatchCounter, _check_save_freq


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
