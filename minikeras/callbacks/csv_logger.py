"""`CSVLogger`: write each epoch's logs as a row of a CSV file."""

import csv
import io
import os
import warnings

import numpy as np

from ..saving.files import as_path, atomic_path
from .callback import Callback


def _cell(value):
    """A log value as a CSV cell: numbers as they are, arrays as '[a, b, ...]'."""
    if isinstance(value, np.ndarray) and value.ndim == 0:
        return value.item()
    if isinstance(value, (np.ndarray, list, tuple)):
        return f"[{', '.join(map(str, np.ravel(value)))}]"
    return value


class CSVLogger(Callback):
    """Write the epoch index and the logs of each epoch to a CSV file, one row per epoch.

    The columns are 'epoch' and then the names logged at the end of the first epoch, in
    alphabetical order, as in Keras; a value missing in a later epoch is written 'NA'. The
    file is complete after every epoch (written to a temporary file, then moved over the
    old one), so it can be read while training goes on, and `csv.DictReader` parses it.

    Args:
        filename: the path of the CSV file.
        separator: the character between cells.
        append: add to an existing file (its header is not written again) instead of
            overwriting it, e.g. to continue the log of an interrupted training.

    >>> model.fit(x, y, epochs=10, callbacks=[CSVLogger("training.log")])
    """

    def __init__(self, filename, separator=",", append=False):
        super().__init__()
        self.filename = as_path(filename, "CSVLogger")
        if not isinstance(separator, str) or len(separator) != 1:
            raise ValueError(f"CSVLogger: `separator` must be a single character such as ',' "
                             f"or ';', received separator={separator!r}.")
        self.sep = separator
        self.append = bool(append)
        self.keys = None
        self._previous = ""
        self._rows = None

    def on_train_begin(self, logs=None):
        self.keys = None
        self._previous = ""
        if self.append and os.path.exists(self.filename):
            with open(self.filename, newline="") as handle:
                self._previous = handle.read()
            if self._previous and not self._previous.endswith("\n"):
                self._previous += "\r\n"
        self._rows = io.StringIO()

    def on_epoch_end(self, epoch, logs=None):
        logs = logs or {}
        if self._rows is None:  # called without on_train_begin
            self.on_train_begin()
        if self.keys is None:
            self.keys = sorted(logs)
            self._writer = csv.writer(self._rows, delimiter=self.sep)
            header = ["epoch"] + self.keys
            if not self._previous:
                self._writer.writerow(header)
            else:
                self._check_previous_header(header)
        self._writer.writerow([epoch] + [_cell(logs.get(key, "NA")) for key in self.keys])
        with atomic_path(self.filename) as temporary:
            with open(temporary, "w", newline="") as handle:
                handle.write(self._previous + self._rows.getvalue())

    def _check_previous_header(self, header):
        first = next(csv.reader(io.StringIO(self._previous), delimiter=self.sep), [])
        if first != header:
            warnings.warn(f"CSVLogger: appending to {self.filename}, whose columns "
                          f"{first} differ from this training's {header}; the rows will not "
                          f"line up with the header. Use a new file or append=False.",
                          stacklevel=3)

    def on_train_end(self, logs=None):
        self._rows = None
