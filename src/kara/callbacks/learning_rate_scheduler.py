"""`LearningRateScheduler`: set the learning rate at each epoch start.

`schedule(epoch, lr)` (or `schedule(epoch)`) returns the learning rate
for the epoch about to start (`epoch` is 0-based, `lr` the current rate),
and the callback assigns it to `model.optimizer.learning_rate`. At each
epoch end the rate in force is added to the logs, as `learning_rate`
(Keras 3) or `lr` (the `"keras2"` profile), so `History` records it.
"""

import inspect

import numpy as np

from kara.callbacks import _profile_rules
from kara.callbacks.callback import Callback
from kara.utils.io_utils import print_msg


def current_learning_rate(optimizer):
    """The optimizer's learning rate as a Python float."""
    if not hasattr(optimizer, "learning_rate"):
        raise ValueError(
            'Optimizer must have a "learning_rate" attribute. Received an '
            f"optimizer of type {type(optimizer).__name__}."
        )
    return float(np.asarray(optimizer.learning_rate))


def _takes_two_arguments(fn):
    """Whether `fn` can be called as `fn(epoch, lr)`."""
    try:
        params = inspect.signature(fn).parameters.values()
    except (TypeError, ValueError):  # builtins without a signature
        return None
    positional = 0
    for p in params:
        if p.kind is p.VAR_POSITIONAL:
            return True
        if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD):
            positional += 1
    return positional >= 2


class LearningRateScheduler(Callback):
    """Learning rate scheduler.

    Args:
        schedule: a function `(epoch, lr) -> new_lr` or `(epoch) -> new_lr`
            (`epoch` is 0-based) returning a float.
        verbose: 1 prints the rate set at each epoch.

    Example:
    >>> class Optimizer:
    ...     learning_rate = 0.1
    >>> class Model:
    ...     optimizer = Optimizer()
    >>> cb = LearningRateScheduler(lambda epoch, lr: lr * 0.5)
    >>> cb.set_model(Model())
    >>> cb.on_epoch_begin(0)
    >>> cb.model.optimizer.learning_rate
    0.05
    """

    def __init__(self, schedule, verbose=0):
        super().__init__()
        if not callable(schedule):
            raise TypeError(
                "`schedule` must be a function (epoch, lr) -> learning rate. "
                f"Received: schedule={schedule!r}"
            )
        self.schedule = schedule
        self.verbose = verbose
        self._two_args = _takes_two_arguments(schedule)

    def on_epoch_begin(self, epoch, logs=None):
        optimizer = self.model.optimizer
        lr = current_learning_rate(optimizer)
        if self._two_args is None:
            # Unknown signature: try both forms, as Keras does.
            try:
                new_lr = self.schedule(epoch, lr)
            except TypeError:
                new_lr = self.schedule(epoch)
        elif self._two_args:
            new_lr = self.schedule(epoch, lr)
        else:
            new_lr = self.schedule(epoch)
        if not isinstance(new_lr, (float, np.floating)):
            raise ValueError(
                "The output of the `schedule` function should be a float. "
                f"Got: {new_lr!r} (type {type(new_lr).__name__}) at epoch "
                f"{epoch}. Return a float, e.g. `return float(lr)`."
            )
        optimizer.learning_rate = float(new_lr)
        if self.verbose > 0:
            print_msg(
                f"\nEpoch {epoch + 1}: LearningRateScheduler setting "
                f"learning rate to {new_lr}."
            )

    def on_epoch_end(self, epoch, logs=None):
        if logs is not None:
            key = _profile_rules.rules()["lr_log_key"]
            logs[key] = current_learning_rate(self.model.optimizer)
