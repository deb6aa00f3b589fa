"""`ModelCheckpoint`: save the model (or its weights) during training.

The file name is a template filled with `str.format`: `{epoch}` (1-based),
`{batch}` (1-based, when saving every N batches) and any log key, so
`"ckpt/{epoch:02d}-{val_loss:.2f}.keras"` writes `ckpt/03-0.41.keras`. A
key that is not in the logs raises an error naming the keys that are.

With `save_best_only=True` a file is written only when the monitored
value improves. Saving calls `model.save(path, overwrite=True)` or
`model.save_weights(path, overwrite=True)`, which write atomically
(temporary file + rename), so an interrupt never leaves a half-written
checkpoint in place of a good one.
"""

import os
import warnings

import numpy as np

from kara.callbacks.monitor_callback import MonitorCallback
from kara.utils import naming
from kara.utils.io_utils import print_msg

# File endings `model.save` / `model.save_weights` write (Keras 3's).
MODEL_SUFFIXES = (".keras",)
WEIGHTS_SUFFIXES = (".weights.h5",)


class _MessageKeyError(KeyError):
    """A KeyError whose message prints as written (not quoted)."""

    def __str__(self):
        return str(self.args[0])


class ModelCheckpoint(MonitorCallback):
    """Callback to save the model or its weights at some frequency.

    Args:
        filepath: where to save; a template that may use `{epoch}`,
            `{batch}` and log keys (`"{epoch:02d}-{val_loss:.2f}.keras"`).
            Must end in `.keras`, or, with `save_weights_only=True`, in
            `.weights.h5` (checked here, not after the first epoch).
        monitor: the log key `save_best_only` compares.
        verbose: 1 prints a line for each save (or skipped save).
        save_best_only: save only when `monitor` improves on the best so
            far (with a fixed file name, the file is the best model).
        save_weights_only: save only the weights (`save_weights`), not the
            whole model (`save`).
        mode: `"min"`, `"max"` or `"auto"` (inferred from `monitor`).
        save_freq: `"epoch"` (at each epoch end) or an int N: after every
            N batches (counting across epochs).
        initial_value_threshold: with `save_best_only`, a value the metric
            must beat before the first save.

    Example:
    >>> import os, tempfile
    >>> class Model:
    ...     def save(self, path, overwrite=True):
    ...         open(path, "w").close()
    >>> folder = tempfile.mkdtemp()
    >>> template = os.path.join(folder, "{epoch:02d}-{loss:.2f}.keras")
    >>> cb = ModelCheckpoint(template)
    >>> cb.set_model(Model())
    >>> cb.on_epoch_begin(0)
    >>> cb.on_epoch_end(0, {"loss": 0.4321})
    >>> os.listdir(folder)
    ['01-0.43.keras']
    """

    def __init__(
        self,
        filepath,
        monitor="val_loss",
        verbose=0,
        save_best_only=False,
        save_weights_only=False,
        mode="auto",
        save_freq="epoch",
        initial_value_threshold=None,
    ):
        super().__init__(monitor, mode, initial_value_threshold)
        self.verbose = verbose
        self.filepath = os.fspath(filepath)
        self.save_best_only = save_best_only
        self.save_weights_only = save_weights_only
        if save_freq != "epoch" and not (
            isinstance(save_freq, int)
            and not isinstance(save_freq, bool)
            and save_freq > 0
        ):
            raise ValueError(
                f"Unrecognized save_freq: {save_freq!r}. Expected 'epoch' "
                "or a positive int (save every that many batches)."
            )
        self.save_freq = save_freq
        if save_weights_only:
            if not self.filepath.endswith(WEIGHTS_SUFFIXES):
                raise ValueError(
                    "When using `save_weights_only=True` in `ModelCheckpoint`"
                    ", the filepath must end in one of "
                    f"{', '.join(WEIGHTS_SUFFIXES)} (for example "
                    "'ckpt/{epoch:02d}.weights.h5'). Received: "
                    f"filepath={self.filepath!r}"
                )
        elif not self.filepath.endswith(MODEL_SUFFIXES):
            raise ValueError(
                "The filepath provided must end in one of "
                f"{', '.join(MODEL_SUFFIXES)} (`.keras` is Keras's model "
                "format; for weights only, pass `save_weights_only=True` and "
                f"a `.weights.h5` path). Received: filepath={self.filepath!r}"
            )
        self._batches_seen_since_last_saving = 0
        self._last_batch_seen = None
        self._current_epoch = 0

    # -------------------------------------------------------------- hooks
    def on_epoch_begin(self, epoch, logs=None):
        self._current_epoch = epoch

    def on_train_batch_end(self, batch, logs=None):
        if self._should_save_on_batch(batch):
            self._save_model(self._current_epoch, batch, logs)

    def on_epoch_end(self, epoch, logs=None):
        if self.save_freq == "epoch":
            self._save_model(epoch, None, logs)

    # ------------------------------------------------------------ helpers
    def _should_save_on_batch(self, batch):
        """Counts batches (across epochs) and says when N have passed."""
        if self.save_freq == "epoch":
            return False
        if self._last_batch_seen is None or batch <= self._last_batch_seen:
            added = batch + 1  # a new epoch started counting from 0
        else:
            added = batch - self._last_batch_seen
        self._batches_seen_since_last_saving += added
        self._last_batch_seen = batch
        if self._batches_seen_since_last_saving >= self.save_freq:
            self._batches_seen_since_last_saving = 0
            return True
        return False

    def _should_save(self, epoch, logs, filepath):
        if not self.save_best_only:
            if self.verbose > 0:
                print_msg(f"\nEpoch {epoch + 1}: saving model to {filepath}")
            return True
        current = (logs or {}).get(self.monitor)
        if current is None:
            warnings.warn(
                f"Can save best model only with {self.monitor} available. "
                + self._missing_monitor_message(logs or {}),
                stacklevel=3,
            )
            return True
        if isinstance(current, np.ndarray) and current.ndim > 0:
            warnings.warn(
                "Can save best model only when `monitor` is a scalar value. "
                f"Received: {current}. Falling back to "
                "`save_best_only=False`.",
                stacklevel=3,
            )
            return True
        best = "None" if self.best is None else f"{self.best:.5f}"
        if self._is_improvement(current, self.best):
            if self.verbose > 0:
                print_msg(
                    f"\nEpoch {epoch + 1}: {self.monitor} improved from "
                    f"{best} to {current:.5f}, saving model to {filepath}"
                )
            self.best = current
            return True
        if self.verbose > 0:
            print_msg(
                f"\nEpoch {epoch + 1}: {self.monitor} did not improve from "
                f"{best}"
            )
        return False

    def _save_model(self, epoch, batch, logs):
        filepath = self._get_file_path(epoch, batch, logs or {})
        if not self._should_save(epoch, logs, filepath):
            return
        if os.path.isdir(filepath):
            raise IsADirectoryError(
                "Please specify a non-directory filepath for "
                "ModelCheckpoint. Filepath used is an existing directory: "
                f"{filepath}"
            )
        folder = os.path.dirname(filepath)
        if folder:
            os.makedirs(folder, exist_ok=True)
        if self.save_weights_only:
            self.model.save_weights(filepath, overwrite=True)
        else:
            self.model.save(filepath, overwrite=True)
        if self.verbose > 0:
            print_msg(
                f"\nEpoch {epoch + 1}: finished saving model to {filepath}"
            )

    def _get_file_path(self, epoch, batch, logs):
        """Fills the filepath template (epoch and batch are 1-based)."""
        fields = dict(logs)
        fields["epoch"] = epoch + 1
        if batch is not None and "batch" not in logs:
            fields["batch"] = batch + 1
        try:
            return self.filepath.format(**fields)
        except KeyError as e:
            key = e.args[0]
            close = naming.closest_names(str(key), list(fields), n=1)
            hint = f" Did you mean {close[0]!r}?" if close else ""
            raise _MessageKeyError(
                f'Failed to format this callback filepath: "{self.filepath}".'
                f" Reason: {key!r} is not in the logs.{hint} Available "
                f"fields: {', '.join(fields)}."
            ) from None
