"""`ReduceLROnPlateau`: lower the learning rate when a monitored value stops improving."""

import numbers

import numpy as np

from ..backend.tensor import Variable
from .early_stopping import _check_count
from .monitor_callback import MonitorCallback


def settable_learning_rate(owner, model):
    """The model's optimizer, after checking that its learning rate can be set (a float, not
    a schedule): a clear error before training rather than after many epochs."""
    optimizer = getattr(model, "optimizer", None)
    if optimizer is None or not hasattr(optimizer, "learning_rate"):
        raise ValueError(f'{owner}: Optimizer must have a "learning_rate" attribute. Compile '
                         f"the model with an optimizer, e.g. model.compile(optimizer='adam', "
                         f"loss='mse').")
    if not isinstance(getattr(optimizer, "_learning_rate", None), Variable):
        raise TypeError(
            f"{owner} cannot change the learning rate of {type(optimizer).__name__}: it was "
            f"created with a `LearningRateSchedule` object (or a callable) as its "
            f"`learning_rate` constructor argument, hence its learning rate is not settable. "
            f"If you need the learning rate to be settable, you should instantiate the "
            f"optimizer with a float `learning_rate` argument."
        )
    return optimizer


class ReduceLROnPlateau(MonitorCallback):
    """Multiply the learning rate by `factor` when `monitor` has not improved for `patience`
    epochs.

    Learning often gets unstuck when the rate drops by 2 to 10 times once the loss
    plateaus. After each reduction the callback waits `cooldown` epochs before counting
    again, and the rate never goes below `min_lr`. The current rate is added to the epoch's
    logs as 'learning_rate'. The optimizer needs a float learning rate, not a schedule.

    Args:
        monitor: the logged value to watch, e.g. 'val_loss'.
        factor: what the learning rate is multiplied by: new_lr = lr * factor (below 1).
        patience: epochs without improvement after which the rate is reduced.
        verbose: 1 prints a line at each reduction.
        mode: 'min', 'max', or 'auto' (maximize accuracies and the like, minimize the rest).
        min_delta: the smallest change that counts as an improvement.
        cooldown: epochs to wait after a reduction before counting again.
        min_lr: the lowest learning rate.

    >>> reduce_lr = ReduceLROnPlateau(monitor="val_loss", factor=0.2, patience=5,
    ...                               min_lr=0.001)
    >>> model.fit(x, y, validation_split=0.2, epochs=50, callbacks=[reduce_lr])
    """

    def __init__(self, monitor="val_loss", factor=0.1, patience=10, verbose=0, mode="auto",
                 min_delta=1e-4, cooldown=0, min_lr=0.0, **kwargs):
        if kwargs:
            raise TypeError(f"ReduceLROnPlateau got unexpected keyword argument(s) "
                            f"{sorted(kwargs)}. Valid arguments are: monitor, factor, "
                            f"patience, verbose, mode, min_delta, cooldown, min_lr.")
        super().__init__(monitor, mode, min_delta, missing_message=(
            f"Learning rate reduction is conditioned on metric `{monitor}` which is not "
            f"available."))
        if isinstance(factor, bool) or not isinstance(factor, numbers.Real) or factor < 0:
            raise ValueError(f"ReduceLROnPlateau: `factor` must be a float in [0, 1), "
                             f"received factor={factor!r}.")
        if factor >= 1.0:
            raise ValueError(f"ReduceLROnPlateau does not support a factor >= 1.0. Received "
                             f"factor={factor!r}. Pass a float below 1, e.g. factor=0.1.")
        if isinstance(min_lr, bool) or not isinstance(min_lr, numbers.Real) or min_lr < 0:
            raise ValueError(f"ReduceLROnPlateau: `min_lr` must be a float >= 0, received "
                             f"min_lr={min_lr!r}.")
        self.factor = float(factor)
        self.patience = _check_count("ReduceLROnPlateau", "patience", patience)
        self.cooldown = _check_count("ReduceLROnPlateau", "cooldown", cooldown)
        self.min_lr = float(min_lr)
        self.verbose = verbose
        self._reset()

    def _reset(self):
        self.best = self.worst_value()
        self.wait = 0
        self.cooldown_counter = 0

    def in_cooldown(self):
        return self.cooldown_counter > 0

    def on_train_begin(self, logs=None):
        settable_learning_rate("ReduceLROnPlateau", self.model)
        self._reset()

    def on_epoch_end(self, epoch, logs=None):
        logs = logs if logs is not None else {}
        optimizer = self.model.optimizer
        logs["learning_rate"] = float(optimizer.learning_rate)
        current = self.monitor_value(logs)
        if current is None:
            return
        if self.in_cooldown():
            self.cooldown_counter -= 1
            self.wait = 0
        if self.is_improvement(current, self.best):
            self.best = current
            self.wait = 0
            return
        if self.in_cooldown():
            return
        self.wait += 1
        if self.wait < self.patience:
            return
        old_lr = float(optimizer.learning_rate)
        # The rate is stored in float32: compare there, so a rate at min_lr stays put.
        if old_lr > np.float32(self.min_lr):
            new_lr = max(old_lr * self.factor, self.min_lr)
            optimizer.learning_rate = new_lr
            if self.verbose > 0:
                print(f"\nEpoch {epoch + 1}: ReduceLROnPlateau reducing learning rate to "
                      f"{new_lr}.")
            self.cooldown_counter = self.cooldown
            self.wait = 0
