"""A fake model and a fake `fit` loop for testing callbacks end to end.

The unit tests drive the callbacks through `fake_fit`, which calls the hooks
exactly as the training loop does (see design.md §8.3) on a `FakeModel`
exposing only what callbacks touch: `stop_training`, `get_weights` /
`set_weights`, `optimizer.learning_rate` (settable), `save` /
`save_weights`, `metrics` and `history`.

The same scenarios with a real `Sequential` model and `fit` are in
`test_e2e_fit.py`.
"""

import numpy as np

from kara.callbacks import CallbackList
from kara.utils.io_utils import atomic_write


class FakeOptimizer:
    def __init__(self, learning_rate=0.1):
        self.learning_rate = learning_rate


class FakeMetric:
    def __init__(self, name, direction):
        self.name = name
        self._direction = direction


class FakeModel:
    """Each training step moves the single weight by `-learning_rate`.

    So the weights record the learning rates used, and `weights_at[epoch]`
    keeps a copy of the weights at the end of every epoch.

    Args:
        epoch_logs: one dict of end-of-epoch logs per epoch.
        batch_loss: optional function `(epoch, batch) -> loss` for the batch
            logs (defaults to the epoch's `loss`).
    """

    def __init__(self, epoch_logs, batch_loss=None, learning_rate=0.1):
        self.epoch_logs = epoch_logs
        self.batch_loss = batch_loss
        self.optimizer = FakeOptimizer(learning_rate)
        self.stop_training = False
        self.history = None
        self.metrics = []
        self.built = True
        self.w = [np.zeros(3, "float32"), np.ones((2, 2), "float32")]
        self.weights_at = {}
        self.saved = []  # (kind, path) of each save call

    def get_weights(self):
        return [w.copy() for w in self.w]

    def set_weights(self, weights):
        self.w = [np.array(w, dtype="float32") for w in weights]

    def train_step(self, epoch, batch):
        self.w[0] -= np.float32(self.optimizer.learning_rate)
        if self.batch_loss is not None:
            loss = self.batch_loss(epoch, batch)
        else:
            loss = self.epoch_logs[epoch].get("loss", 1.0)
        return {"loss": np.float32(loss)}

    def save(self, filepath, overwrite=True):
        self._write(filepath)
        self.saved.append(("save", filepath))

    def save_weights(self, filepath, overwrite=True):
        self._write(filepath)
        self.saved.append(("save_weights", filepath))

    def _write(self, filepath):
        # What the real saving code will do: write atomically.
        with atomic_write(filepath, "wb") as f:
            np.savez(f, *self.w)


def fake_fit(
    model, callbacks=None, epochs=None, steps=2, verbose=0, initial_epoch=0
):
    """Runs the hooks of `fit` in Keras's order; returns the History."""
    epochs = len(model.epoch_logs) if epochs is None else epochs
    cbs = CallbackList(
        callbacks,
        add_history=True,
        add_progbar=verbose != 0,
        model=model,
        verbose=verbose,
        epochs=epochs,
        steps=steps,
    )
    model.stop_training = False
    cbs.on_train_begin()
    # BackupAndRestore sets model._initial_epoch in on_train_begin.
    initial_epoch = getattr(model, "_initial_epoch", None) or initial_epoch
    epoch_logs = {}
    for epoch in range(initial_epoch, epochs):
        cbs.on_epoch_begin(epoch)
        for batch in range(steps):
            cbs.on_train_batch_begin(batch)
            logs = model.train_step(epoch, batch)
            cbs.on_train_batch_end(batch, logs)
            if model.stop_training:
                break
        model.weights_at[epoch] = model.get_weights()
        epoch_logs = dict(model.epoch_logs[epoch])
        if model.batch_loss is not None:
            epoch_logs["loss"] = logs["loss"]
        cbs.on_epoch_end(epoch, epoch_logs)
        if model.stop_training:
            break
    cbs.on_train_end(epoch_logs)
    return model.history


def val_losses(*values, **extra):
    """Epoch logs with `loss` = `val_loss` = each value (plus `extra`)."""
    return [dict(loss=v, val_loss=v, **extra) for v in values]
