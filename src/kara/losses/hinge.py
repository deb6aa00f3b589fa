"""Hinge losses, for "maximum-margin" classifiers (SVM-style).

Targets are -1 or 1. Labels given as 0/1 are converted with `2 y - 1`, but
only when *every* label is 0 or 1 (as Keras does), so soft targets pass
through unchanged.
"""

from kara import ops
from kara.losses import checks
from kara.losses.wrapper import LossFunctionWrapper
from kara.losses.wrapper import prepare


def _margin_inputs(y_true, y_pred, fn_name):
    y_true, y_pred = prepare(y_true, y_pred)
    checks.check_broadcast(fn_name, y_true, y_pred)
    t = y_true.data
    if ((t == 0) | (t == 1)).all():  # labels are constants: decide on data
        y_true = 2.0 * y_true - 1.0
    return y_true, y_pred


def hinge(y_true, y_pred):
    """Hinge loss, averaged over the last axis.

    Formula:

    ```python
    loss = mean(maximum(1 - y_true * y_pred, 0), axis=-1)
    ```

    Args:
        y_true: -1/1 targets (0/1 are converted).
        y_pred: scores.

    Example:
    >>> from kara import losses
    >>> losses.hinge([[0.0, 1.0], [0.0, 0.0]], [[0.6, 0.4], [0.4, 0.6]]).numpy()
    array([1.1, 1.5], dtype=float32)
    """
    y_true, y_pred = _margin_inputs(y_true, y_pred, "hinge")
    return ops.mean(ops.maximum(1.0 - y_true * y_pred, 0.0), axis=-1)


def squared_hinge(y_true, y_pred):
    """Squared hinge loss, averaged over the last axis.

    Formula:

    ```python
    loss = mean(square(maximum(1 - y_true * y_pred, 0)), axis=-1)
    ```

    Example:
    >>> from kara import losses
    >>> losses.squared_hinge([[0.0, 1.0]], [[0.6, 0.4]]).numpy()
    array([1.46], dtype=float32)
    """
    y_true, y_pred = _margin_inputs(y_true, y_pred, "squared_hinge")
    margin = ops.maximum(1.0 - y_true * y_pred, 0.0)
    return ops.mean(ops.square(margin), axis=-1)


def categorical_hinge(y_true, y_pred):
    """Categorical hinge: the best wrong score against the true score.

    Formula:

    ```python
    pos = sum(y_true * y_pred, axis=-1)
    neg = max((1 - y_true) * y_pred, axis=-1)
    loss = maximum(neg - pos + 1, 0)
    ```

    Args:
        y_true: one-hot targets.
        y_pred: scores.

    Example:
    >>> from kara import losses
    >>> losses.categorical_hinge([[0.0, 1.0]], [[0.6, 0.4]]).numpy()
    array([1.2], dtype=float32)
    """
    y_true, y_pred = prepare(y_true, y_pred)
    checks.check_broadcast("categorical_hinge", y_true, y_pred)
    pos = ops.sum(y_true * y_pred, axis=-1)
    neg = ops.max((1.0 - y_true) * y_pred, axis=-1)
    return ops.maximum(neg - pos + 1.0, 0.0)


class Hinge(LossFunctionWrapper):
    """Hinge loss (see `hinge`).

    Formula:

    ```python
    loss = maximum(1 - y_true * y_pred, 0)
    ```

    Example:
    >>> from kara import losses
    >>> float(losses.Hinge()([[0.0, 1.0], [0.0, 0.0]],
    ...                      [[0.6, 0.4], [0.4, 0.6]]))
    1.2999999523162842
    """

    def __init__(
        self, reduction="sum_over_batch_size", name="hinge", dtype=None
    ):
        super().__init__(hinge, name=name, reduction=reduction, dtype=dtype)

    def get_config(self):
        return {"name": self.name, "reduction": self.reduction}


class SquaredHinge(LossFunctionWrapper):
    """Squared hinge loss (see `squared_hinge`).

    Formula:

    ```python
    loss = square(maximum(1 - y_true * y_pred, 0))
    ```
    """

    def __init__(
        self, reduction="sum_over_batch_size", name="squared_hinge", dtype=None
    ):
        super().__init__(
            squared_hinge, name=name, reduction=reduction, dtype=dtype
        )

    def get_config(self):
        return {"name": self.name, "reduction": self.reduction}


class CategoricalHinge(LossFunctionWrapper):
    """Categorical hinge loss (see `categorical_hinge`).

    Formula:

    ```python
    loss = maximum(neg - pos + 1, 0)
    ```
    """

    def __init__(
        self,
        reduction="sum_over_batch_size",
        name="categorical_hinge",
        dtype=None,
    ):
        super().__init__(
            categorical_hinge, name=name, reduction=reduction, dtype=dtype
        )

    def get_config(self):
        return {"name": self.name, "reduction": self.reduction}
