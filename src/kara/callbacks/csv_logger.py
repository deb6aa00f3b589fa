"""`CSVLogger`: write each epoch's logs as a row of a CSV file.

The file has an `epoch` column (0-based) and one column per log key,
sorted; if the first epoch had no validation keys, `val_` columns are
added anyway and filled with `NA`, as Keras does. Rows end in `\\r\\n`
(the `csv` module's default, as in Keras's files).

Unlike Keras, which keeps the file open and appends to it, kara rewrites
the whole file at each epoch end through `atomic_write` (a temporary file
renamed into place): the file on disk is always complete, even if training
is interrupted mid-write. The rows are kept in memory; a training log is
small.
"""

import collections.abc
import csv
import io
import os

import numpy as np

from kara.callbacks.callback import Callback
from kara.utils.io_utils import atomic_write


def _cell(value):
    """A log value as Keras writes it in a CSV cell."""
    if isinstance(value, str):
        return value
    if isinstance(value, collections.abc.Iterable) and not (
        isinstance(value, np.ndarray) and value.ndim == 0
    ):
        return f'"[{", ".join(map(str, value))}]"'
    return value


class CSVLogger(Callback):
    """Callback that streams epoch results to a CSV file.

    Args:
        filename: the CSV file's path.
        separator: the character between columns.
        append: whether to append to an existing file (the header is
            written only if the file is empty) or overwrite it.

    Example:
    >>> import os, tempfile
    >>> path = os.path.join(tempfile.mkdtemp(), "log.csv")
    >>> logger = CSVLogger(path)
    >>> logger.on_train_begin()
    >>> logger.on_epoch_end(0, {"loss": 0.5})
    >>> logger.on_train_end()
    >>> open(path, newline="").read()
    'epoch,loss,val_loss\\r\\n0,0.5,NA\\r\\n'
    """

    def __init__(self, filename, separator=",", append=False):
        super().__init__()
        self.sep = separator
        self.filename = os.fspath(filename)
        self.append = append
        self.keys = None
        self._prefix = ""  # the existing content when appending
        self._write_header = True
        self._buffer = None

    def on_train_begin(self, logs=None):
        self._prefix = ""
        self._write_header = True
        if self.append and os.path.exists(self.filename):
            with open(self.filename, newline="", encoding="utf-8") as f:
                self._prefix = f.read()
            self._write_header = not self._prefix
            if self._prefix and not self._prefix.endswith("\n"):
                self._prefix += "\r\n"
        self.keys = None
        self._buffer = None

    def on_epoch_end(self, epoch, logs=None):
        logs = logs or {}
        if self.keys is None:
            self.keys = sorted(logs)
            if self.keys and not any(k.startswith("val_") for k in self.keys):
                self.keys += [f"val_{k}" for k in self.keys]
        if self._buffer is None:
            self._buffer = io.StringIO()
            self._writer = csv.DictWriter(
                self._buffer,
                fieldnames=["epoch"] + self.keys,
                delimiter=self.sep,
            )
            if self._write_header:
                self._writer.writeheader()
        row = {"epoch": epoch}
        row.update((k, _cell(logs.get(k, "NA"))) for k in self.keys)
        self._writer.writerow(row)
        self._save()

    def on_train_end(self, logs=None):
        self._buffer = None

    def _save(self):
        folder = os.path.dirname(self.filename)
        if folder:
            os.makedirs(folder, exist_ok=True)
        with atomic_write(self.filename, "w", newline="") as f:
            f.write(self._prefix)
            f.write(self._buffer.getvalue())
