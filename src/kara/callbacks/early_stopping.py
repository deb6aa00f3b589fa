"""`EarlyStopping`: stop training when a monitored metric stops improving.

Each epoch end, the monitored value is compared with the best so far. An
improvement (by more than `min_delta`) resets a counter; otherwise the
counter grows, and when it reaches `patience` training stops. Epochs
before `start_from_epoch` are ignored (a warm-up).

`restore_best_weights=True` keeps a copy of the weights of the best epoch
and puts them back: in Keras 3 (the default profile) when training ends,
whether or not it stopped early; under the `"keras2"` profile only when it
does stop early, as tf.keras 2 did.
"""

import numbers

from kara.callbacks import _profile_rules
from kara.callbacks.monitor_callback import MonitorCallback
from kara.utils.io_utils import print_msg


class EarlyStopping(MonitorCallback):
    """Stops training when a monitored metric has stopped improving.

    Args:
        monitor: the log key to watch. Defaults to `"val_loss"`.
        min_delta: the least change that counts as an improvement.
        patience: epochs without improvement after which training stops.
        verbose: 1 prints a line when stopping and when restoring weights.
        mode: `"min"`, `"max"` or `"auto"` (inferred from `monitor`).
        baseline: a value the metric must beat; while it has not, the
            epochs count towards `patience` even when they improve.
        restore_best_weights: whether to restore the weights of the best
            epoch (see the module docstring for when).
        start_from_epoch: epochs to wait before watching the metric.

    Example:
    >>> import numpy as np
    >>> class Model:
    ...     stop_training = False
    ...     def get_weights(self):
    ...         return [np.zeros(1)]
    ...     def set_weights(self, weights):
    ...         pass
    >>> cb = EarlyStopping(monitor="loss", patience=2)
    >>> cb.set_model(Model())
    >>> cb.on_train_begin()
    >>> for epoch, loss in enumerate([1.0, 0.5, 0.6, 0.7, 0.4]):
    ...     cb.on_epoch_end(epoch, {"loss": loss})
    ...     if cb.model.stop_training:
    ...         break
    >>> cb.stopped_epoch  # stopped after epoch 3 (0-based): 2 bad epochs
    3
    """

    def __init__(
        self,
        monitor="val_loss",
        min_delta=0,
        patience=0,
        verbose=0,
        mode="auto",
        baseline=None,
        restore_best_weights=False,
        start_from_epoch=0,
    ):
        super().__init__(monitor, mode, min_delta=min_delta)
        if not isinstance(patience, numbers.Integral) or patience < 0:
            raise ValueError(
                "`patience` must be an int >= 0 (epochs without improvement "
                f"before stopping). Received: patience={patience!r}"
            )
        self.patience = patience
        self.verbose = verbose
        self.baseline = baseline
        self.restore_best_weights = restore_best_weights
        self.start_from_epoch = start_from_epoch
        self.wait = 0
        self.stopped_epoch = 0
        self.best_weights = None
        self.best_epoch = 0

    def on_train_begin(self, logs=None):
        self.wait = 0
        self.stopped_epoch = 0
        self.best = None
        self.best_weights = None
        self.best_epoch = 0

    def on_epoch_end(self, epoch, logs=None):
        current = self.get_monitor_value(logs)
        if current is None or epoch < self.start_from_epoch:
            return
        if self.restore_best_weights and self.best_weights is None:
            # Keep the first watched epoch's weights even if it does not
            # beat `baseline`, so there is always something to restore.
            self.best_weights = self.model.get_weights()
            self.best_epoch = epoch
        self.wait += 1
        if self._is_improvement(current, self.best):
            self.best = current
            self.best_epoch = epoch
            if self.restore_best_weights:
                self.best_weights = self.model.get_weights()
            # Only an improvement past the baseline resets the patience.
            if self.baseline is None or self._is_improvement(
                current, self.baseline
            ):
                self.wait = 0
            return
        if self.wait >= self.patience and epoch > 0:
            self.stopped_epoch = epoch
            self.model.stop_training = True
            if not _profile_rules.rules()["restore_at_train_end"]:
                self._restore()

    def on_train_end(self, logs=None):
        if self.stopped_epoch > 0 and self.verbose > 0:
            print_msg(f"Epoch {self.stopped_epoch + 1}: early stopping")
        if _profile_rules.rules()["restore_at_train_end"]:
            self._restore()

    def _restore(self):
        if not self.restore_best_weights or self.best_weights is None:
            return
        if self.verbose > 0:
            print_msg(
                "Restoring model weights from the end of the best epoch: "
                f"{self.best_epoch + 1}."
            )
        self.model.set_weights(self.best_weights)
