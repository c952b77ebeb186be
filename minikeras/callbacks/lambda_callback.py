"""`LambdaCallback`: a callback built from plain functions, without writing a class."""

from .callback import HOOKS, Callback


class LambdaCallback(Callback):
    """A callback whose hooks are the functions given, called with the same arguments as
    the methods of `Callback` (without `self`).

    `on_epoch_begin`/`on_epoch_end` take (epoch, logs); `on_train_begin`/`on_train_end`
    take (logs); the batch hooks take (batch, logs). Any other hook of `Callback`
    (`on_test_begin`, `on_predict_batch_end`, `on_batch_end`, ...) is given by keyword.

    Args:
        on_epoch_begin, on_epoch_end, on_train_begin, on_train_end, on_train_batch_begin,
        on_train_batch_end: the functions to call; None for none.
        **kwargs: other hooks by name.

    >>> print_loss = LambdaCallback(
    ...     on_epoch_end=lambda epoch, logs: print(epoch, logs["loss"]))
    """

    def __init__(self, on_epoch_begin=None, on_epoch_end=None, on_train_begin=None,
                 on_train_end=None, on_train_batch_begin=None, on_train_batch_end=None,
                 **kwargs):
        super().__init__()
        unknown = sorted(name for name in kwargs if name not in HOOKS)
        if unknown:
            raise TypeError(f"LambdaCallback got unknown hook name(s) {unknown}. Valid hooks "
                            f"are: {', '.join(HOOKS)}.")
        hooks = dict(kwargs, on_epoch_begin=on_epoch_begin, on_epoch_end=on_epoch_end,
                     on_train_begin=on_train_begin, on_train_end=on_train_end,
                     on_train_batch_begin=on_train_batch_begin,
                     on_train_batch_end=on_train_batch_end)
        for name, function in hooks.items():
            if function is None:
                continue
            if not callable(function):
                raise TypeError(f"LambdaCallback: `{name}` must be a function, received "
                                f"{type(function).__name__} {function!r:.80}.")
            setattr(self, name, function)  # an instance attribute: called without self
