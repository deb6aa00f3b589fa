"""`BackupAndRestore`: resume an interrupted `fit` where it left off.

At the end of every epoch (or every N batches) the callback writes, in
`backup_dir`:

- `latest.weights.npz`: the model's weights (`model.get_weights()`, in
  order, as `arr_0`, `arr_1`, ...) plus the training position
  (`_kara_epoch`, `_kara_batch`), in one NumPy `.npz` file;
- `training_metadata.json`: `{"epoch": ..., "batch": ...}`, the same
  position in a human-readable form (Keras's file name).

Both go through `atomic_write`, so a crash mid-save leaves the previous
backup intact. If `fit` is run again with the same callback (or the same
`backup_dir`), `on_train_begin` loads the weights and sets
`model._initial_epoch` to the first epoch not completed; the training loop
starts from there. When `fit` finishes normally the folder is deleted
(unless `delete_checkpoint=False`).

The position is read from the `.npz` file, which holds the weights and the
epoch together: they cannot disagree. (The optimizer's state is not saved
yet: after a resume, Adam's moments start again from zero.)
"""

import json
import os
import shutil
import zipfile

import numpy as np

from kara.callbacks.callback import Callback
from kara.utils.io_utils import atomic_write

_WEIGHTS = "latest.weights.npz"
_METADATA = "training_metadata.json"


class BackupAndRestore(Callback):
    """Callback to back up and restore the training state.

    Args:
        backup_dir: the folder for the backup files (created if needed).
            Use a different folder for each training run.
        save_freq: `"epoch"` (back up at each epoch end) or an int N (every
            N batches as well).
        double_checkpoint: also keep the previous backup (`.bkp` files),
            used if the latest one cannot be read.
        delete_checkpoint: delete `backup_dir` when training finishes.

    Example:
    >>> import tempfile, numpy as np
    >>> class Model:
    ...     def __init__(self):
    ...         self.w = [np.zeros(2, "float32")]
    ...     def get_weights(self):
    ...         return [w.copy() for w in self.w]
    ...     def set_weights(self, weights):
    ...         self.w = [np.array(w) for w in weights]
    >>> folder = tempfile.mkdtemp()
    >>> model = Model()
    >>> cb = BackupAndRestore(folder)
    >>> cb.set_model(model)
    >>> cb.on_train_begin()
    >>> model.w[0] += 1.0
    >>> cb.on_epoch_end(0)            # the run is interrupted after this
    >>> resumed = Model()
    >>> cb2 = BackupAndRestore(folder)
    >>> cb2.set_model(resumed)
    >>> cb2.on_train_begin()
    >>> resumed._initial_epoch, resumed.w[0]
    (1, array([1., 1.], dtype=float32))
    """

    def __init__(
        self,
        backup_dir,
        save_freq="epoch",
        double_checkpoint=False,
        delete_checkpoint=True,
    ):
        super().__init__()
        if not backup_dir:
            raise ValueError(
                "Empty `backup_dir` argument passed: give the folder where "
                "the backup files are kept."
            )
        if save_freq != "epoch" and not (
            isinstance(save_freq, int)
            and not isinstance(save_freq, bool)
            and save_freq > 0
        ):
            raise ValueError(
                "Invalid value for argument `save_freq`. Received: "
                f"save_freq={save_freq!r}. Expected either 'epoch' or a "
                "positive int."
            )
        self.backup_dir = os.fspath(backup_dir)
        self.save_freq = save_freq
        self.double_checkpoint = double_checkpoint
        self.delete_checkpoint = delete_checkpoint
        self._weights_path = os.path.join(self.backup_dir, _WEIGHTS)
        self._metadata_path = os.path.join(self.backup_dir, _METADATA)
        self._prev_weights_path = self._weights_path + ".bkp"
        self._prev_metadata_path = self._metadata_path + ".bkp"
        self._batches_seen_since_last_saving = 0
        self._last_batch_seen = 0
        self._current_epoch = 0

    # -------------------------------------------------------------- hooks
    def on_train_begin(self, logs=None):
        if not getattr(self.model, "built", True):
            raise ValueError(
                "To use the BackupAndRestore callback, your model must be "
                f"built before you call `fit()`. Model {self.model} is "
                "unbuilt. You can build it beforehand by calling it on a "
                "batch of data."
            )
        try:
            self._load(self._weights_path)
        except (OSError, ValueError, KeyError, zipfile.BadZipFile):
            if not os.path.exists(self._prev_weights_path):
                raise
            self._load(self._prev_weights_path)

    def on_epoch_begin(self, epoch, logs=None):
        self._current_epoch = epoch

    def on_train_batch_end(self, batch, logs=None):
        if self._should_save_on_batch(batch):
            # Mid-epoch: resuming restarts this (unfinished) epoch.
            self._save(epoch=self._current_epoch, batch=batch)

    def on_epoch_end(self, epoch, logs=None):
        self._current_epoch = epoch + 1
        self._last_batch_seen = 0
        if self.save_freq == "epoch":
            self._save(epoch=epoch + 1, batch=0)

    def on_train_end(self, logs=None):
        if self.delete_checkpoint and os.path.isdir(self.backup_dir):
            shutil.rmtree(self.backup_dir)

    # ------------------------------------------------------------ helpers
    def _should_save_on_batch(self, batch):
        if self.save_freq == "epoch":
            return False
        if batch <= self._last_batch_seen:
            added = batch + 1  # counting restarted at a new epoch
        else:
            added = batch - self._last_batch_seen
        self._batches_seen_since_last_saving += added
        self._last_batch_seen = batch
        if self._batches_seen_since_last_saving >= self.save_freq:
            self._batches_seen_since_last_saving = 0
            return True
        return False

    def _save(self, epoch, batch):
        """Writes the weights+position, then the JSON, each atomically."""
        os.makedirs(self.backup_dir, exist_ok=True)
        if self.double_checkpoint:
            _copy_atomically(self._weights_path, self._prev_weights_path)
            _copy_atomically(self._metadata_path, self._prev_metadata_path)
        weights = self.model.get_weights()
        arrays = {f"arr_{i}": np.asarray(w) for i, w in enumerate(weights)}
        arrays["_kara_epoch"] = np.int64(epoch)
        arrays["_kara_batch"] = np.int64(batch)
        with atomic_write(self._weights_path, "wb") as f:
            np.savez(f, **arrays)
        with atomic_write(self._metadata_path, "w") as f:
            json.dump({"epoch": int(epoch), "batch": int(batch)}, f)

    def _load(self, weights_path):
        """Restores the weights and `model._initial_epoch`, if backed up."""
        if not os.path.exists(weights_path):
            return
        with np.load(weights_path) as data:
            count = sum(1 for k in data.files if k.startswith("arr_"))
            weights = [data[f"arr_{i}"] for i in range(count)]
            epoch = int(data["_kara_epoch"])
        self.model.set_weights(weights)
        self.model._initial_epoch = epoch
        self._current_epoch = epoch


def _copy_atomically(src, dst):
    if not os.path.exists(src):
        return
    with open(src, "rb") as fin, atomic_write(dst, "wb") as fout:
        shutil.copyfileobj(fin, fout)
