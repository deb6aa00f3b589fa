"""`ReduceLROnPlateau`: lower the learning rate when a metric stalls.

After `patience` epochs without an improvement of the monitored value (by
more than `min_delta`), the learning rate is multiplied by `factor` (never
below `min_lr`), then `cooldown` epochs pass before counting again. The
rate in force is added to each epoch's logs (`learning_rate`, or `lr`
under the `"keras2"` profile), so `History` and the progress bar show it.
"""

import warnings

import numpy as np

from kara.callbacks import _profile_rules
from kara.callbacks.learning_rate_scheduler import current_learning_rate
from kara.callbacks.monitor_callback import MonitorCallback
from kara.utils import naming
from kara.utils.io_utils import print_msg


class ReduceLROnPlateau(MonitorCallback):
    """Reduce the learning rate when a metric has stopped improving.

    Args:
        monitor: the log key to watch. Defaults to `"val_loss"`.
        factor: the rate is multiplied by this (< 1): `new_lr = lr *
            factor`.
        patience: epochs without improvement before reducing the rate.
        verbose: 1 prints a line at each reduction.
        mode: `"min"`, `"max"` or `"auto"` (inferred from `monitor`).
        min_delta: the least change that counts as an improvement.
        cooldown: epochs to wait after a reduction before counting again.
        min_lr: the lowest learning rate.
        **kwargs: only `epsilon`, tf.keras 1's name for `min_delta`.

    Example:
    >>> class Optimizer:
    ...     learning_rate = 0.1
    >>> class Model:
    ...     optimizer = Optimizer()
    >>> cb = ReduceLROnPlateau(monitor="loss", factor=0.5, patience=1)
    >>> cb.set_model(Model())
    >>> cb.on_train_begin()
    >>> for epoch, loss in enumerate([1.0, 1.0, 1.0]):
    ...     cb.on_epoch_end(epoch, {"loss": loss})
    >>> cb.model.optimizer.learning_rate
    0.025
    """

    def __init__(
        self,
        monitor="val_loss",
        factor=0.1,
        patience=10,
        verbose=0,
        mode="auto",
        min_delta=1e-4,
        cooldown=0,
        min_lr=0.0,
        **kwargs,
    ):
        if "epsilon" in kwargs:
            warnings.warn(
                "`epsilon` argument is deprecated, use `min_delta` instead.",
                DeprecationWarning,
                stacklevel=2,
            )
            min_delta = kwargs.pop("epsilon")
        if kwargs:
            naming.check_kwargs(
                "ReduceLROnPlateau",
                kwargs,
                (
                    "monitor",
                    "factor",
                    "patience",
                    "verbose",
                    "mode",
                    "min_delta",
                    "cooldown",
                    "min_lr",
                ),
            )
        super().__init__(monitor, mode, min_delta=min_delta)
        if factor >= 1.0:
            raise ValueError(
                "ReduceLROnPlateau does not support a factor >= 1.0 (the "
                f"rate is multiplied by it). Received factor={factor}"
            )
        self.factor = factor
        self.min_lr = min_lr
        self.patience = patience
        self.verbose = verbose
        self.cooldown = cooldown
        self.cooldown_counter = 0
        self.wait = 0

    def _reset(self):
        self.best = None
        self.cooldown_counter = 0
        self.wait = 0

    def in_cooldown(self):
        """Whether the callback is waiting after a reduction."""
        return self.cooldown_counter > 0

    def on_train_begin(self, logs=None):
        self._reset()

    def on_epoch_end(self, epoch, logs=None):
        logs = {} if logs is None else logs
        optimizer = self.model.optimizer
        logs[_profile_rules.rules()["lr_log_key"]] = current_learning_rate(
            optimizer
        )
        current = self.get_monitor_value(logs)
        if current is None:
            return
        if self.in_cooldown():
            self.cooldown_counter -= 1
            self.wait = 0
        if self._is_improvement(current, self.best):
            self.best = current
            self.wait = 0
        elif not self.in_cooldown():
            self.wait += 1
            if self.wait >= self.patience and self._reduce(optimizer, epoch):
                self.cooldown_counter = self.cooldown
                self.wait = 0

    def _reduce(self, optimizer, epoch):
        """Multiplies the rate by `factor`; False if already at `min_lr`."""
        old_lr = current_learning_rate(optimizer)
        # Compared in float32, as the optimizer stores the rate.
        if not old_lr > np.float32(self.min_lr):
            return False
        new_lr = max(old_lr * self.factor, self.min_lr)
        optimizer.learning_rate = new_lr
        if self.verbose > 0:
            print_msg(
                f"\nEpoch {epoch + 1}: ReduceLROnPlateau reducing learning "
                f"rate to {new_lr}."
            )
        return True
