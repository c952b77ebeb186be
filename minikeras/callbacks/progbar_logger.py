"""`ProgbarLogger`: Keras's progress bar through tqdm, in terminals, Jupyter and log files."""

import shutil
import sys
import time

from .callback import Callback


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

    # It reads the running values itself, about ten times a second, so fit need not compute
    # batch logs for it.
    _reads_batch_logs = False

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
        text = format_logs(logs or {})
        if self._bar is not None:
            self._bar.set_postfix_str(text, refresh=False)
            if getattr(self._bar, "ncols", None) is not None:
                # The epoch's last line keeps every metric, even where it is wider than the
                # terminal (it wraps): the validation metrics come last.
                self._bar.ncols = 10_000
            self._bar.close()
            self._bar = None
            return
        total = self.params.get("steps") or self._seen
        print(summary_line(total, elapsed, text), file=self._stream(), flush=True)


def summary_line(steps, seconds, text):
    """'45/45 - 0s - 2ms/step - loss: 0.2718', Keras's line for a finished pass (without the
    metrics part when `text` is empty, as after predict)."""
    per_step = seconds / max(steps, 1)
    unit = f"{per_step * 1e3:.0f}ms/step" if per_step >= 1e-3 else \
        f"{per_step * 1e6:.0f}us/step"
    line = f"{steps}/{steps} - {seconds:.0f}s - {unit}"
    return f"{line} - {text}" if text else line


def _make_bar(total, stream):
    """A tqdm bar that works in a terminal and in Jupyter, ipywidgets or not."""
    text_bar = "{n_fmt}/{total_fmt} [{bar:30}] {elapsed}<{remaining} {rate_fmt}{postfix}"
    if _in_notebook():
        try:
            import ipywidgets  # noqa: F401 - the notebook bar needs it
            from tqdm.notebook import tqdm
        except ImportError:
            from tqdm.std import tqdm
        else:
            # The widget draws its bar where a bare '{bar}' stands. No width: tqdm would read
            # it as pixels and cut the text, losing the validation metrics, which come last.
            return tqdm(total=total, file=stream, unit="step", leave=True, mininterval=0.1,
                        bar_format="{n_fmt}/{total_fmt} {bar} {elapsed}<{remaining} "
                                   "{rate_fmt}{postfix}")
        width = 10_000  # a notebook's output wraps: cut nothing
    else:
        from tqdm.std import tqdm
        # Some pseudo-terminals report a width of 0, which would draw an empty bar.
        width = shutil.get_terminal_size(fallback=(100, 24)).columns or 100
    return tqdm(total=total, file=stream, unit="step", leave=True, ncols=width,
                bar_format=text_bar, mininterval=0.1)
