"""The `Callback` base class with all of Keras's hooks, and `CallbackList`, which calls them."""


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
