"""The `Callback` base class with all of Keras's hooks, and `CallbackList`, which calls them."""


class Callback:
    """Base class: override the hooks you need. `self.model` and `self.params` are set by fit.

    `logs` holds the current values of the loss and metrics ('loss', 'accuracy', and 'val_...'
    at the end of an epoch with validation); at the end of a training or test batch, the
    running values of the epoch so far; at the end of a predict batch, the batch's 'outputs'.
    A hook may add entries (as ReduceLROnPlateau adds 'learning_rate'): the callbacks after
    it, and the History, see them. Setting `self.model.stop_training = True` in any hook
    ends `fit` after the current batch.
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


HOOKS = tuple(name for name in vars(Callback) if name.startswith("on_"))

# tf.keras 2 names, called on training batches for callbacks that override only them.
_LEGACY_NAMES = {"on_train_batch_begin": "on_batch_begin", "on_train_batch_end": "on_batch_end"}


def _overrides(callback, hook):
    """Whether `callback` has its own `hook`: in its class, or set on the instance."""
    return hook in vars(callback) or getattr(type(callback), hook) is not getattr(Callback, hook)


class CallbackList:
    """Calls a hook on every callback in order. Hooks that no callback overrides cost nothing
    per batch: they are skipped, and `wants_logs` tells whether batch logs need computing."""

    def __init__(self, callbacks, model, params):
        self.callbacks = list(callbacks)
        for callback in self.callbacks:
            if not isinstance(callback, Callback):
                raise TypeError(
                    f"callbacks must be instances of keras.callbacks.Callback, received "
                    f"{callback!r} of type {type(callback).__name__}. To call a function, "
                    f"wrap it: keras.callbacks.LambdaCallback(on_epoch_end=function)."
                )
            callback.set_model(model)
            callback.set_params(params)
        self._active = {hook: [] for hook in HOOKS}
        self._logs_wanted = dict.fromkeys(HOOKS, False)
        for callback in self.callbacks:
            for hook in HOOKS:
                name = hook
                if not _overrides(callback, hook):
                    # As in Keras, Callback.on_train_batch_end defers to on_batch_end.
                    name = _LEGACY_NAMES.get(hook)
                    if name is None or not _overrides(callback, name):
                        continue
                self._active[hook].append(getattr(callback, name))
                # A callback that reads the model's values itself (ProgbarLogger, at its
                # own pace) says so with `_reads_batch_logs = False`.
                if getattr(callback, "_reads_batch_logs", True):
                    self._logs_wanted[hook] = True

    def wants(self, hook):
        """Whether any callback overrides `hook`."""
        return bool(self._active[hook])

    def wants_logs(self, hook):
        """Whether any callback overriding `hook` reads the logs it is given."""
        return self._logs_wanted[hook]

    def call(self, hook, *args):
        for method in self._active[hook]:
            method(*args)
