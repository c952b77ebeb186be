"""`EarlyStopping`: stop training when a monitored value has stopped improving."""

from .monitor_callback import MonitorCallback


def _check_count(owner, argument, value):
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ValueError(f"{owner}: `{argument}` must be an int >= 0 (a number of epochs), "
                         f"received {argument}={value!r}.")
    return value


class EarlyStopping(MonitorCallback):
    """Stop training when the monitored value has not improved for `patience` epochs.

    At the end of each epoch the value of `monitor` is compared with the best so far; an
    epoch counts as an improvement when it beats the best by more than `min_delta`. After
    `patience` epochs without one, `model.stop_training` is set and `fit` ends. The epoch
    at which it stopped is `stopped_epoch` (0 when it never stopped), the best value `best`,
    and the epochs since the last improvement `wait`.

    Args:
        monitor: the logged value to watch, e.g. 'val_loss' or 'val_accuracy'.
        min_delta: the smallest change that counts as an improvement.
        patience: how many epochs without improvement to allow before stopping.
        verbose: 1 prints a line when training stops and when weights are restored.
        mode: 'min', 'max', or 'auto' (maximize accuracies and the like, minimize the rest).
        baseline: a value to reach: the patience count starts again only after epochs that
            beat both the best value so far and `baseline`.
        restore_best_weights: at the end of training (stopped early or not), set the
            weights back to those of the best epoch.
        start_from_epoch: how many epochs to train before watching (a warm-up).

    >>> stopper = EarlyStopping(monitor="val_loss", patience=3, restore_best_weights=True)
    >>> model.fit(x, y, validation_split=0.2, epochs=100, callbacks=[stopper])
    """

    def __init__(self, monitor="val_loss", min_delta=0, patience=0, verbose=0, mode="auto",
                 baseline=None, restore_best_weights=False, start_from_epoch=0):
        super().__init__(monitor, mode, min_delta, missing_message=(
            f"Early stopping conditioned on metric `{monitor}` which is not available."))
        self.patience = _check_count("EarlyStopping", "patience", patience)
        self.start_from_epoch = _check_count("EarlyStopping", "start_from_epoch",
                                             start_from_epoch)
        self.verbose = verbose
        self.baseline = baseline
        self.restore_best_weights = bool(restore_best_weights)
        self.wait = 0
        self.stopped_epoch = 0
        self.best = None
        self.best_epoch = 0
        self.best_weights = None

    def on_train_begin(self, logs=None):
        # Start afresh, so that one instance can serve several fits.
        self.wait = 0
        self.stopped_epoch = 0
        self.best = None
        self.best_epoch = 0
        self.best_weights = None

    def on_epoch_end(self, epoch, logs=None):
        current = self.monitor_value(logs)
        if current is None or epoch < self.start_from_epoch:
            return
        if self.restore_best_weights and self.best_weights is None:
            # Until an epoch improves, the weights of the first watched one are the best.
            self.best_weights = self.model.get_weights()
            self.best_epoch = epoch
        self.wait += 1
        if self.is_improvement(current, self.best):
            self.best = current
            self.best_epoch = epoch
            if self.restore_best_weights:
                self.best_weights = self.model.get_weights()
            if self.baseline is None or self.is_improvement(current, self.baseline):
                self.wait = 0
            return
        if self.wait >= self.patience and epoch > 0:
            self.stopped_epoch = epoch
            self.model.stop_training = True

    def on_train_end(self, logs=None):
        if self.stopped_epoch > 0 and self.verbose > 0:
            print(f"Epoch {self.stopped_epoch + 1}: early stopping")
        if self.restore_best_weights and self.best_weights is not None:
            if self.verbose > 0:
                print(f"Restoring model weights from the end of the best epoch: "
                      f"{self.best_epoch + 1}.")
            self.model.set_weights(self.best_weights)
