"""`LearningRateScheduler`: set the learning rate at the start of each epoch from a function."""

import inspect
import numbers

import numpy as np

from .callback import Callback
from .reduce_lr_on_plateau import settable_learning_rate


def _takes_two_arguments(function):
    """Whether `function` can be called as function(epoch, lr), from its signature."""
    try:
        inspect.signature(function).bind(0, 0.0)
    except TypeError:
        return False
    except ValueError:  # no signature to read (some builtins): try the two-argument form
        return True
    return True


class LearningRateScheduler(Callback):
    """Set the optimizer's learning rate at the start of each epoch to `schedule(epoch, lr)`.

    `schedule` takes the epoch index (from 0) and the current learning rate and returns the
    new rate, a float; a function of the epoch alone, `schedule(epoch)`, works too. The rate
    is added to the epoch's logs as 'learning_rate'. The optimizer needs a float learning
    rate, not a schedule.

    Args:
        schedule: a function (epoch, lr) -> new learning rate, or epoch -> learning rate.
        verbose: 1 prints the new rate at the start of each epoch.

    >>> def scheduler(epoch, lr):
    ...     return lr if epoch < 10 else lr * 0.9
    >>> model.fit(x, y, epochs=15, callbacks=[LearningRateScheduler(scheduler)])
    """

    def __init__(self, schedule, verbose=0):
        super().__init__()
        if not callable(schedule):
            raise TypeError(f"LearningRateScheduler: `schedule` must be a function of "
                            f"(epoch, lr) or of epoch returning the learning rate, received "
                            f"{type(schedule).__name__} {schedule!r:.80}.")
        self.schedule = schedule
        self.verbose = verbose
        self._with_lr = _takes_two_arguments(schedule)

    def on_train_begin(self, logs=None):
        settable_learning_rate("LearningRateScheduler", self.model)

    def on_epoch_begin(self, epoch, logs=None):
        optimizer = self.model.optimizer
        if self._with_lr:
            learning_rate = self.schedule(epoch, float(optimizer.learning_rate))
        else:
            learning_rate = self.schedule(epoch)
        if isinstance(learning_rate, np.ndarray) and learning_rate.ndim == 0:
            learning_rate = learning_rate[()]
        if isinstance(learning_rate, (bool, np.bool_)) or \
                not isinstance(learning_rate, numbers.Real):
            raise ValueError(f"The output of the `schedule` function should be a float. "
                             f"Got: {learning_rate!r} (type {type(learning_rate).__name__}) "
                             f"at epoch {epoch}. Make the function return a number, e.g. "
                             f"`return lr * 0.9`.")
        if not np.isfinite(learning_rate) or learning_rate < 0:
            raise ValueError(f"LearningRateScheduler: the `schedule` function returned "
                             f"{learning_rate!r} at epoch {epoch}; a learning rate must be a "
                             f"finite float >= 0.")
        optimizer.learning_rate = float(learning_rate)
        if self.verbose > 0:
            print(f"\nEpoch {epoch + 1}: LearningRateScheduler setting learning rate to "
                  f"{learning_rate}.")

    def on_epoch_end(self, epoch, logs=None):
        if logs is not None:
            logs["learning_rate"] = float(self.model.optimizer.learning_rate)
