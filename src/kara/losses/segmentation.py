"""Overlap losses for segmentation masks: Dice and Tversky.

Both sum over `axis`. With the default `axis=None` the sums run over the
whole batch, so the result is one number, not one per sample; pass
`axis=(1, 2, 3)` for a loss per image.
"""

from kara import config
from kara import ops
from kara.losses import checks
from kara.losses.wrapper import LossFunctionWrapper
from kara.losses.wrapper import canonical_axis
from kara.losses.wrapper import prepare


def _overlap_inputs(y_true, y_pred, axis, fn_name):
    y_true, y_pred = prepare(y_true, y_pred)
    checks.check_broadcast(fn_name, y_true, y_pred)
    return y_true, y_pred, canonical_axis(axis, len(y_pred.shape), fn_name)


def dice(y_true, y_pred, axis=None):
    """Dice loss: one minus the Dice coefficient (F1 score of the masks).

    Formula:

    ```python
    intersection = sum(y_true * y_pred, axis)
    loss = 1 - 2 * intersection / (sum(y_true, axis) + sum(y_pred, axis)
                                   + eps)
    ```

    Args:
        y_true: target masks.
        y_pred: predicted masks (probabilities).
        axis: the axes summed over (all of them by default).

    Example:
    >>> from kara import losses
    >>> losses.dice([[1.0, 0.0]], [[0.5, 0.5]]).numpy()
    array(0.5, dtype=float32)
    """
    y_true, y_pred, axis = _overlap_inputs(y_true, y_pred, axis, "dice")
    intersection = ops.sum(y_true * y_pred, axis=axis)
    total = ops.sum(y_true, axis=axis) + ops.sum(y_pred, axis=axis)
    return 1.0 - 2.0 * intersection / (total + config.epsilon())


def tversky(y_true, y_pred, alpha=0.5, beta=0.5, axis=None):
    """Tversky loss: Dice with separate weights on false positives and
    false negatives (`alpha = beta = 0.5` is Dice).

    Formula:

    ```python
    tp = sum(y_true * y_pred, axis)
    fp = sum((1 - y_true) * y_pred, axis)
    fn = sum(y_true * (1 - y_pred), axis)
    loss = 1 - tp / (tp + alpha * fp + beta * fn + eps)
    ```

    Args:
        y_true: target masks.
        y_pred: predicted masks (probabilities).
        alpha: the weight of false positives.
        beta: the weight of false negatives.
        axis: the axes summed over (all of them by default).

    Example:
    >>> from kara import losses
    >>> y_true, y_pred = [[1.0, 0.0, 0.0]], [[1.0, 1.0, 1.0]]  # 2 false pos.
    >>> losses.tversky(y_true, y_pred, alpha=0.2, beta=0.8).numpy()
    array(0.28571433, dtype=float32)
    """
    y_true, y_pred, axis = _overlap_inputs(y_true, y_pred, axis, "tversky")
    tp = ops.sum(y_true * y_pred, axis=axis)
    fp = ops.sum((1.0 - y_true) * y_pred, axis=axis)
    fn = ops.sum(y_true * (1.0 - y_pred), axis=axis)
    # alpha weighs false positives, as in the paper and Keras >= 3.16.
    # Keras 3.15 and earlier swapped alpha and beta.
    return 1.0 - tp / (tp + alpha * fp + beta * fn + config.epsilon())


class Dice(LossFunctionWrapper):
    """Dice loss (see `dice`).

    Formula:

    ```python
    loss = 1 - 2 * sum(y_true * y_pred) / (sum(y_true) + sum(y_pred))
    ```

    Args:
        reduction: see `Loss`.
        name: default `"dice"`.
        axis: the axes summed over (None: all, one number per batch).
        dtype: see `Loss`.
    """

    def __init__(
        self,
        reduction="sum_over_batch_size",
        name="dice",
        axis=None,
        dtype=None,
    ):
        super().__init__(
            dice, name=name, reduction=reduction, dtype=dtype, axis=axis
        )
        self.axis = axis

    def get_config(self):
        return {
            "name": self.name,
            "reduction": self.reduction,
            "axis": self.axis,
        }


class Tversky(LossFunctionWrapper):
    """Tversky loss (see `tversky`).

    Formula:

    ```python
    loss = 1 - tp / (tp + alpha * fp + beta * fn)
    ```

    Args:
        alpha: 0.5.
        beta: 0.5.
        reduction: see `Loss`.
        name: default `"tversky"`.
        axis: the axes summed over (None: all).
        dtype: see `Loss`.
    """

    def __init__(
        self,
        alpha=0.5,
        beta=0.5,
        reduction="sum_over_batch_size",
        name="tversky",
        axis=None,
        dtype=None,
    ):
        super().__init__(
            tversky,
            name=name,
            reduction=reduction,
            dtype=dtype,
            alpha=alpha,
            beta=beta,
            axis=axis,
        )
        self.alpha = alpha
        self.beta = beta
        self.axis = axis

    def get_config(self):
        return {
            "name": self.name,
            "reduction": self.reduction,
            "alpha": self.alpha,
            "beta": self.beta,
            "axis": self.axis,
        }
