"""`TerminateOnNaN`: stop training as soon as the loss is NaN or infinite.

Checked after every training batch. It prints Keras's line (`Batch 17:
Invalid loss, terminating training`), then one more with what kara knows:
the epoch and the last finite loss, and the usual causes. With
`raise_error=True` it raises a `RuntimeError` instead of stopping quietly.
"""

import math

from kara.callbacks.callback import Callback
from kara.utils.io_utils import print_msg

_CAUSES = (
    "Common causes: a learning rate too high, unscaled inputs, log(0) in a "
    "custom loss, labels out of range for the loss."
)


def _is_finite(value):
    try:
        return math.isfinite(float(value))
    except (TypeError, ValueError):
        return True  # not a number: nothing to judge


class TerminateOnNaN(Callback):
    """Callback that terminates training when a NaN or inf loss appears.

    Args:
        raise_error: if True, raise a `RuntimeError` (stopping everything
            at once, callbacks' `on_train_end` included) instead of
            setting `model.stop_training`.

    Example:
    >>> class Model:
    ...     stop_training = False
    >>> cb = TerminateOnNaN()
    >>> cb.set_model(Model())
    >>> cb.on_batch_end(0, {"loss": 2.5})
    >>> cb.on_batch_end(1, {"loss": float("nan")})  # doctest: +ELLIPSIS
    Batch 1: Invalid loss, terminating training
    ...
    >>> cb.model.stop_training
    True
    """

    def __init__(self, raise_error=False):
        super().__init__()
        self.raise_error = raise_error
        self._epoch = None
        self._last_finite = None  # (epoch, batch, loss)

    def on_epoch_begin(self, epoch, logs=None):
        self._epoch = epoch

    def on_batch_end(self, batch, logs=None):
        loss = (logs or {}).get("loss")
        if loss is None:
            return
        if _is_finite(loss):
            self._last_finite = (self._epoch, batch, loss)
            return
        if self.raise_error:
            raise RuntimeError(
                f"NaN or Inf loss encountered at batch {batch}. Loss value: "
                f"{loss}. Terminating training immediately. "
                f"{self._diagnosis()}"
            )
        print_msg(f"Batch {batch}: Invalid loss, terminating training")
        print_msg(self._diagnosis())
        self.model.stop_training = True

    def _diagnosis(self):
        where = "" if self._epoch is None else f" in epoch {self._epoch + 1}"
        if self._last_finite is None:
            last = "No finite loss was seen before it."
        else:
            epoch, batch, loss = self._last_finite
            at = "" if epoch is None else f"epoch {epoch + 1}, "
            last = f"The last finite loss was {float(loss):.6g} ({at}batch "
            last += f"{batch})."
        return f"The loss became NaN or infinite{where}. {last} {_CAUSES}"
