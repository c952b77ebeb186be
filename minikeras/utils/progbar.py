"""`Progbar`: Keras's progress bar for custom loops, with running averages of the values."""

import math
import sys
import time

import numpy as np


class Progbar:
    """A progress bar in Keras's format, for training loops written by hand.

    `update(current, values)` draws `3/10 ━━━━━━━━━━━━━━━━━━━━ 1s 120ms/step - loss: 0.4215`:
    the step count, the bar, the time left (the time taken once finished), the time per step,
    and each value averaged over the steps so far (weighted by the steps each update covers),
    except names in `stateful_metrics`, which show their last value. As in Keras, the final
    update (the one reaching `target`) shows the values it is given as they are, since Keras's
    `fit` passes the epoch's averages there.

    In a terminal or in Jupyter the line is redrawn in place (at most once per `interval`); in
    a file or a log only the finished line is written, so logs stay short. Output goes to
    `sys.stdout`.

    Args:
        target: the total number of steps, or None if unknown.
        width: the width of the bar, in characters.
        verbose: 0 silent, 1 the bar, 2 one line when finished.
        interval: the least time between two redraws, in seconds.
        stateful_metrics: names of values to show as they are rather than averaged (e.g.
            metrics that already average over the epoch).
        unit_name: what a step is called ('step', 'sample', ...).

    >>> bar = Progbar(target=10)
    >>> for step in range(10):
    ...     bar.update(step + 1, values=[("loss", 0.5)])
    """

    def __init__(self, target, width=20, verbose=1, interval=0.05, stateful_metrics=None,
                 unit_name="step"):
        if target is not None and (isinstance(target, bool) or not isinstance(target, int)
                                   and not isinstance(target, np.integer) or target < 0):
            raise ValueError(f"Progbar: `target` must be a non-negative integer or None, but "
                             f"received {target!r}.")
        if verbose not in (0, 1, 2):
            raise ValueError(f"Progbar: `verbose` must be 0, 1 or 2, but received {verbose!r}.")
        self.target = None if target is None else int(target)
        self.width = width
        self.verbose = verbose
        self.interval = interval
        self.stateful_metrics = set(stateful_metrics or ())
        self.unit_name = unit_name
        self._values = {}  # name -> [sum of value * steps, steps], in first-seen order
        self._seen_so_far = 0
        self._start = time.time()
        self._last_update = 0.0
        self._time_after_first_step = None
        self._previous_width = 0

    def update(self, current, values=None, finalize=None):
        """Move the bar to step `current` and record values for the steps since the last call.

        Args:
            current: the index of the current step (the number of steps done).
            values: a list of `(name, value)` pairs for the last step(s).
            finalize: whether this is the last update; by default, once `current` reaches
                `target`.
        """
        if finalize is None:
            finalize = self.target is not None and current >= self.target
        for name, value in values or []:
            value = _as_number(name, value)
            if name in self.stateful_metrics or finalize:
                # A finishing call passes epoch-level values: show them as they are.
                self._values[name] = [value, 1]
            else:
                steps = max(current - self._seen_so_far, 1)
                total, count = self._values.get(name, [0.0, 0])
                self._values[name] = [total + value * steps, count + steps]
        self._seen_so_far = current
        now = time.time()
        time_per_unit = self._step_duration(current, now)
        if self.verbose == 1:
            if now - self._last_update < self.interval and not finalize:
                return
            self._draw(current, now, time_per_unit, finalize)
        elif self.verbose == 2 and finalize and self.target:
            line = (f"{self._count(current)} - {now - self._start:.0f}s - "
                    f"{_format_time(time_per_unit, self.unit_name)}{self._values_text()}")
            sys.stdout.write(line + "\n")
            sys.stdout.flush()
        self._last_update = now

    def add(self, n, values=None):
        """Move the bar `n` steps forward; see `update`."""
        self.update(self._seen_so_far + n, values)

    def _draw(self, current, now, time_per_unit, finalize):
        interactive = _interactive(sys.stdout)
        if not interactive and not finalize:
            return
        style = _ansi if interactive else _plain
        if self.target:
            done = min(int(self.width * current / self.target), self.width)
            bar = (style(self._count(current), "1") + " "
                   + (style("━" * done, "32") if done else "")
                   + (style("━" * (self.width - done), "37") if done < self.width else ""))
            plain_bar = self._count(current) + " " + "━" * self.width
        else:
            bar = plain_bar = f"{current:7d}/Unknown"
        if self.target and not finalize:
            clock = _format_eta(time_per_unit * (self.target - current))
        else:
            clock = f"{now - self._start:.0f}s"
        info = f" {_format_time(time_per_unit, self.unit_name)}{self._values_text()}"
        width = len(plain_bar) + 1 + len(clock) + len(info)
        line = bar + " " + style(clock, "1") + info
        if interactive:
            line = "\r" + line + " " * max(self._previous_width - width, 0)
        if finalize or not interactive:
            line += "\n"
        sys.stdout.write(line)
        sys.stdout.flush()
        self._previous_width = width

    def _count(self, current):
        digits = int(math.log10(self.target)) + 1
        return f"{current:{digits}d}/{self.target}"

    def _values_text(self):
        parts = []
        for name, (total, count) in self._values.items():
            average = total / max(count, 1)
            parts.append(f" - {name}: {average:.4f}" if abs(average) > 1e-3
                         else f" - {name}: {average:.4e}")
        return "".join(parts)

    def _step_duration(self, current, now):
        """Seconds per step; after the first step, the (slower) first one is left out."""
        if not current:
            return 0.0
        if self._time_after_first_step is not None and current > 1:
            duration = (now - self._time_after_first_step) / (current - 1)
        else:
            duration = (now - self._start) / current
        if current == 1:
            self._time_after_first_step = now
        return duration


def _as_number(name, value):
    try:
        return float(np.mean(value))
    except (TypeError, ValueError):
        raise TypeError(f"Progbar: the value of {name!r} must be a number or an array of "
                        f"numbers, but received {type(value).__name__} {value!r:.60}.") from None


def _interactive(stream):
    """Whether `stream` redraws a line in place: a terminal, or a Jupyter cell."""
    from ..callbacks.progbar_logger import _in_notebook
    return _in_notebook() or (hasattr(stream, "isatty") and stream.isatty())


def _ansi(text, code):
    return f"\x1b[{code}m{text}\x1b[0m"


def _plain(text, code):
    return text


def _format_time(seconds, unit_name):
    """'2s/step', '120ms/step' or '85us/step'."""
    if seconds >= 1 or seconds == 0:
        return f"{seconds:.0f}s/{unit_name}"
    if seconds >= 1e-3:
        return f"{seconds * 1e3:.0f}ms/{unit_name}"
    return f"{seconds * 1e6:.0f}us/{unit_name}"


def _format_eta(seconds):
    """'1:02:03', '2:05' or '42s', the seconds cut rather than rounded."""
    seconds = int(seconds)
    if seconds > 3600:
        return f"{seconds // 3600}:{seconds % 3600 // 60:02d}:{seconds % 60:02d}"
    if seconds > 60:
        return f"{seconds // 60}:{seconds % 60:02d}"
    return f"{seconds}s"
