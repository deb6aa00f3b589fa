"""`BackupAndRestore`: resume an interrupted `fit` where it left off.

At the end of every epoch (or every N batches) the callback writes, in
`backup_dir`:

- `latest.weights.h5`: the model's weights and its optimizer's state, in
  Keras 3's `.weights.h5` layout (so `model.load_weights` reads it too),
  plus, as attributes of the file, the training position (`kara_epoch`,
  `kara_batch`) and the state of kara's random generators (the global
  one, which shuffles and draws dropout masks, and each layer's seeded
  one);
- `training_metadata.json`: `{"epoch": ..., "batch": ...}`, the same
  position in a human-readable form (Keras's file name).

Both go through `atomic_write`, so a crash mid-save leaves the previous
backup intact. If `fit` is run again with the same callback (or the same
`backup_dir`), `on_train_begin` restores the weights, the optimizer state
and the random state, and sets `model._initial_epoch` to the first epoch
not completed; the training loop starts from there. A run resumed after
an epoch-end backup then continues exactly (bit for bit) as if it had
never stopped. When `fit` finishes normally the folder is deleted (unless
`delete_checkpoint=False`).

The position is read from the weights file, which holds the weights and
the epoch together: they cannot disagree.
"""

import json
import os
import shutil

from kara.callbacks.callback import Callback
from kara.utils.io_utils import atomic_write

_WEIGHTS = "latest.weights.h5"
_METADATA = "training_metadata.json"
_KEYS = ("kara_epoch", "kara_batch", "kara_rng_state")


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
        from kara.saving.h5_weights import WeightsFileError

        try:
            self._load(self._weights_path)
        except (OSError, ValueError, KeyError, WeightsFileError):
            if not os.path.exists(self._prev_weights_path):
                raise
            self._load(self._prev_weights_path)

    def on_epoch_begin(self, epoch, logs=None):
        self._current_epoch = epoch
        # a mid-epoch backup restarts this epoch: keep the random state
        # its shuffling started from
        self._epoch_rng_state = _rng_state(self.model)

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
        rng = _rng_state(self.model)
        if batch != 0 and getattr(self, "_epoch_rng_state", None):
            rng = self._epoch_rng_state
        attrs = {
            "kara_epoch": int(epoch),
            "kara_batch": int(batch),
            "kara_rng_state": json.dumps(rng),
        }
        data = _weights_bytes(self.model, attrs)
        with atomic_write(self._weights_path, "wb") as f:
            f.write(data)
        with atomic_write(self._metadata_path, "w") as f:
            json.dump({"epoch": int(epoch), "batch": int(batch)}, f)

    def _load(self, weights_path):
        """Restores the weights, optimizer and random state, and
        `model._initial_epoch`, if backed up."""
        if not os.path.exists(weights_path):
            return
        from kara.saving import h5_weights

        what = f"the backup {weights_path!r}"
        stored, attrs = h5_weights.read_weights_and_attrs(
            weights_path, what, _KEYS
        )
        if "kara_epoch" not in attrs:
            raise ValueError(f"{what} has no training position.")
        if _is_kara_model(self.model):
            h5_weights.load_into(self.model, stored, what=what)
        else:  # any object with get_weights/set_weights
            self.model.set_weights(stored[""].arrays if "" in stored else [])
        if "kara_rng_state" in attrs:
            _set_rng_state(self.model, json.loads(attrs["kara_rng_state"]))
        epoch = int(attrs["kara_epoch"])
        self.model._initial_epoch = epoch
        self._current_epoch = epoch


def _is_kara_model(model):
    from kara.layers.layer import Layer

    return isinstance(model, Layer)


def _weights_bytes(model, attrs):
    """The `.weights.h5` bytes of the model's state, with `attrs`."""
    from kara.saving import h5_weights

    if _is_kara_model(model):
        return h5_weights.weights_to_bytes(model, True, attrs)
    import io

    h5py = h5_weights.import_h5py()
    buffer = io.BytesIO()
    with h5py.File(buffer, "w") as f:
        group = f.create_group("vars")
        for i, w in enumerate(model.get_weights()):
            group[str(i)] = w
        for key, value in attrs.items():
            f.attrs[key] = value
    return buffer.getvalue()


def _seed_generators(model):
    """`{path: SeedGenerator}` of the layers' own seeded generators."""
    from kara.random import SeedGenerator
    from kara.saving import object_walk

    if not _is_kara_model(model):
        return {}
    found = {}
    for path, obj in object_walk.saveable_entries(model):
        for attr, value in sorted(vars(obj).items()):
            if isinstance(value, SeedGenerator):
                found[f"{path}/{attr}"] = value
    return found


def _rng_state(model):
    from kara import random

    return {
        "global": random.global_generator().bit_generator.state,
        "layers": {
            path: gen.generator.bit_generator.state
            for path, gen in _seed_generators(model).items()
        },
    }


def _set_rng_state(model, state):
    from kara import random

    random.global_generator().bit_generator.state = state["global"]
    generators = _seed_generators(model)
    for path, value in state.get("layers", {}).items():
        if path in generators:
            generators[path].generator.bit_generator.state = value


def _copy_atomically(src, dst):
    if not os.path.exists(src):
        return
    with open(src, "rb") as fin, atomic_write(dst, "wb") as fout:
        shutil.copyfileobj(fin, fout)
