"""`MonitorCallback`: what ModelCheckpoint, EarlyStopping and ReduceLROnPlateau share, the
monitored value, whether lower or higher is better, and when a new value is an improvement."""

import warnings

import numpy as np

from .callback import Callback

MODES = ("auto", "min", "max")

# Names for which larger is better in mode 'auto', beyond Keras's rule ('acc' in the name).
_HIGHER_IS_BETTER = ("auc", "precision", "recall", "f1_score", "fbeta_score", "r2_score",
                     "iou", "cosine_similarity")


def resolve_mode(owner, monitor, mode):
    """'min' or 'max' for `monitor`: `mode` itself, or in mode 'auto' from the metric's name.

    An unknown mode warns, as Keras does, and falls back to 'auto'. In 'auto' a loss is
    minimized; accuracies, AUC, precision, recall, F-scores, IoU and R2 are maximized; any
    other name is minimized (pass `mode='max'` for a custom score where larger is better).

    >>> resolve_mode("EarlyStopping", "val_accuracy", "auto")
    'max'
    """
    if mode not in MODES:
        warnings.warn(f"{owner} mode '{mode}' is unknown, fallback to auto mode. "
                      f"Valid modes are 'auto', 'min' and 'max'.", stacklevel=3)
        mode = "auto"
    if mode != "auto":
        return mode
    name = monitor[len("val_"):] if monitor.startswith("val_") else monitor
    if name.endswith("loss"):
        return "min"
    if "acc" in name or name.startswith("fmeasure") or \
            any(part in name for part in _HIGHER_IS_BETTER):
        return "max"
    return "min"


class MonitorCallback(Callback):
    """Base class of callbacks that watch one logged value and act when it stops improving.

    Subclasses call `self.monitor_value(logs)` for the current value (None, with a warning
    given once, when the logs lack it) and `self.is_improvement(value, reference)`.

    Args:
        monitor: the name of the logged value, e.g. 'val_loss' or 'accuracy'.
        mode: 'min', 'max' or 'auto' (decided from the name, see `resolve_mode`).
        min_delta: how much better than the reference a value must be to count as an
            improvement (its sign is ignored).
        missing_message: the start of the warning when `monitor` is not in the logs; the
            available names are appended.

    >>> class Watch(MonitorCallback):
    ...     def on_epoch_end(self, epoch, logs=None):
    ...         print(self.monitor_value(logs))
    """

    def __init__(self, monitor="val_loss", mode="auto", min_delta=0, missing_message=None):
        super().__init__()
        if not isinstance(monitor, str):
            raise TypeError(f"{type(self).__name__}: `monitor` must be the name of a logged "
                            f"value (a str such as 'val_loss'), received "
                            f"{type(monitor).__name__} {monitor!r:.80}.")
        self.monitor = monitor
        self.mode = resolve_mode(type(self).__name__, monitor, mode)
        self.min_delta = abs(min_delta)
        self.monitor_op = np.greater if self.mode == "max" else np.less
        self._missing_message = missing_message or (
            f"{type(self).__name__} is conditioned on metric `{monitor}` which is not "
            f"available.")
        self._warned_missing = False

    def worst_value(self):
        """The value every real one improves on: inf in mode 'min', -inf in mode 'max'."""
        return -np.inf if self.mode == "max" else np.inf

    def is_improvement(self, value, reference):
        """Whether `value` beats `reference` by more than `min_delta` (any value beats None)."""
        if reference is None:
            return True
        if self.mode == "max":
            return bool(value - self.min_delta > reference)
        return bool(value + self.min_delta < reference)

    def monitor_value(self, logs):
        """`logs[monitor]`, or None with a warning (once per callback) naming what is there."""
        logs = logs or {}
        value = logs.get(self.monitor)
        if value is None and not self._warned_missing:
            self._warned_missing = True
            warnings.warn(f"{self._missing_message} Available metrics are: "
                          f"{','.join(logs)}", stacklevel=3)
        return value
