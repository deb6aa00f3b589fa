"""Regression losses: squared, absolute, percentage, log, Huber, log-cosh,
cosine similarity.

Each loss is a per-sample function (it averages over the last axis and
returns one value per sample) and a class wrapping it. Targets and
predictions should have the same shape; `(N,)` against `(N, 1)` is lined
up, and any other mismatch that Keras broadcasts silently gives a warning
(see `checks.check_broadcast`).
"""

import math

from kara import config
from kara import ops
from kara.losses import checks
from kara.losses.loss import rules
from kara.losses.wrapper import LossFunctionWrapper
from kara.losses.wrapper import canonical_axis
from kara.losses.wrapper import prepare


def _inputs(y_true, y_pred, fn_name):
    y_true, y_pred = prepare(y_true, y_pred)
    checks.check_broadcast(fn_name, y_true, y_pred)
    return y_true, y_pred


# ------------------------------------------------------------ functions
def mean_squared_error(y_true, y_pred):
    """Mean of the squared errors over the last axis, per sample.

    Formula:

    ```python
    loss = mean(square(y_true - y_pred), axis=-1)
    ```

    Args:
        y_true: targets, shape `(N, d0, ..., dn)`.
        y_pred: predictions, same shape.

    Returns:
        The per-sample losses, shape `(N, d0, ..., dn-1)`.

    Example:
    >>> from kara import losses
    >>> losses.mean_squared_error([[0.0, 1.0]], [[1.0, 3.0]]).numpy()
    array([2.5], dtype=float32)
    """
    y_true, y_pred = _inputs(y_true, y_pred, "mean_squared_error")
    return ops.mean(ops.square(y_true - y_pred), axis=-1)


def mean_absolute_error(y_true, y_pred):
    """Mean of the absolute errors over the last axis, per sample.

    Formula:

    ```python
    loss = mean(abs(y_true - y_pred), axis=-1)
    ```

    Example:
    >>> from kara import losses
    >>> losses.mean_absolute_error([[0.0, 1.0]], [[1.0, 3.0]]).numpy()
    array([1.5], dtype=float32)
    """
    y_true, y_pred = _inputs(y_true, y_pred, "mean_absolute_error")
    return ops.mean(ops.abs(y_true - y_pred), axis=-1)


def mean_absolute_percentage_error(y_true, y_pred):
    """Mean absolute error relative to the target, in percent.

    A zero target is replaced by `epsilon()` in the denominator, so it
    gives a huge (finite) loss rather than infinity.

    Formula:

    ```python
    loss = 100 * mean(abs((y_true - y_pred) / max(abs(y_true), eps)),
                      axis=-1)
    ```

    Example:
    >>> from kara import losses
    >>> y_true, y_pred = [[2.0, 4.0]], [[1.0, 5.0]]
    >>> losses.mean_absolute_percentage_error(y_true, y_pred).numpy()
    array([37.5], dtype=float32)
    """
    y_true, y_pred = _inputs(y_true, y_pred, "mean_absolute_percentage_error")
    denom = ops.maximum(ops.abs(y_true), config.epsilon())
    return 100.0 * ops.mean(ops.abs((y_true - y_pred) / denom), axis=-1)


def mean_squared_logarithmic_error(y_true, y_pred):
    """Mean squared error of `log(1 + x)`, with negatives clipped to eps.

    Formula:

    ```python
    loss = mean(square(log(max(y_pred, eps) + 1)
                       - log(max(y_true, eps) + 1)), axis=-1)
    ```

    Example:
    >>> from kara import losses
    >>> losses.mean_squared_logarithmic_error([[0.0]], [[1.718282]]).numpy()
    array([1.], dtype=float32)
    """
    y_true, y_pred = _inputs(y_true, y_pred, "mean_squared_logarithmic_error")
    eps = config.epsilon()
    # log(x + 1), not log1p: the same rounding as Keras
    first = ops.log(ops.maximum(y_pred, eps) + 1.0)
    second = ops.log(ops.maximum(y_true, eps) + 1.0)
    return ops.mean(ops.square(first - second), axis=-1)


def _l2_normalize(x, axis):
    # x / sqrt(max(sum x^2, floor)): a zero vector stays 0, and the gradient
    # never meets 1/sqrt(0)
    square_sum = ops.sum(ops.square(x), axis=axis, keepdims=True)
    floor = rules().l2_floor()
    return x / ops.sqrt(ops.maximum(square_sum, floor))


def cosine_similarity(y_true, y_pred, axis=-1):
    """Negative cosine similarity: -1 when the vectors point the same way.

    Formula:

    ```python
    loss = -sum(l2_normalize(y_true) * l2_normalize(y_pred), axis=axis)
    ```

    A zero vector has similarity 0 with anything.

    Args:
        y_true: targets.
        y_pred: predictions.
        axis: the axis holding the vectors.

    Example:
    >>> from kara import losses
    >>> losses.cosine_similarity([[0.0, 1.0], [1.0, 1.0]],
    ...                          [[1.0, 0.0], [1.0, 1.0]]).numpy()
    array([-0.        , -0.99999994], dtype=float32)
    """
    y_true, y_pred = _inputs(y_true, y_pred, "cosine_similarity")
    axis = canonical_axis(axis, len(y_pred.shape), "cosine_similarity")
    y_true = _l2_normalize(y_true, axis)
    y_pred = _l2_normalize(y_pred, axis)
    return -ops.sum(y_true * y_pred, axis=axis)


def huber(y_true, y_pred, delta=1.0):
    """Huber loss: squared for small errors, linear for large ones.

    Formula:

    ```python
    error = y_pred - y_true
    loss = mean(where(abs(error) <= delta,
                      0.5 * error ** 2,
                      delta * abs(error) - 0.5 * delta ** 2), axis=-1)
    ```

    Args:
        y_true: targets.
        y_pred: predictions.
        delta: where the loss turns from quadratic to linear.

    Example:
    >>> from kara import losses
    >>> losses.huber([[0.0, 0.0]], [[0.5, 3.0]]).numpy()
    array([1.3125], dtype=float32)
    """
    y_true, y_pred = _inputs(y_true, y_pred, "huber")
    error = y_pred - y_true
    abs_error = ops.abs(error)
    quadratic = 0.5 * ops.square(error)
    linear = delta * abs_error - 0.5 * delta * delta
    return ops.mean(ops.where(abs_error.data <= delta, quadratic, linear), -1)


_LOG2 = math.log(2.0)


def log_cosh(y_true, y_pred):
    """Logarithm of the hyperbolic cosine of the error.

    About `x ** 2 / 2` for small errors and `abs(x) - log(2)` for large
    ones; computed as `x + softplus(-2x) - log(2)`, which never overflows.

    Formula:

    ```python
    x = y_pred - y_true
    loss = mean(log(cosh(x)), axis=-1)
    ```

    Example:
    >>> from kara import losses
    >>> losses.log_cosh([[0.0, 0.0]], [[1.0, -1.0]]).numpy()
    array([0.43378085], dtype=float32)
    """
    y_true, y_pred = _inputs(y_true, y_pred, "log_cosh")
    x = y_pred - y_true
    return ops.mean(x + ops.softplus(-2.0 * x) - _LOG2, axis=-1)


# --------------------------------------------------------------- classes
class MeanSquaredError(LossFunctionWrapper):
    """Mean of the squared errors (see `mean_squared_error`).

    Formula:

    ```python
    loss = mean(square(y_true - y_pred))
    ```

    Args:
        reduction: see `Loss` (default `"sum_over_batch_size"`).
        name: default `"mean_squared_error"`.
        dtype: the computation dtype (float32 by default).

    Example:
    >>> from kara import losses
    >>> float(losses.MeanSquaredError()([[0.0, 1.0]], [[1.0, 3.0]]))
    2.5
    """

    def __init__(
        self,
        reduction="sum_over_batch_size",
        name="mean_squared_error",
        dtype=None,
    ):
        super().__init__(
            mean_squared_error, name=name, reduction=reduction, dtype=dtype
        )

    def get_config(self):
        return {"name": self.name, "reduction": self.reduction}


class MeanAbsoluteError(LossFunctionWrapper):
    """Mean of the absolute errors (see `mean_absolute_error`).

    Formula:

    ```python
    loss = mean(abs(y_true - y_pred))
    ```

    Example:
    >>> from kara import losses
    >>> float(losses.MeanAbsoluteError()([[0.0, 1.0]], [[1.0, 3.0]]))
    1.5
    """

    def __init__(
        self,
        reduction="sum_over_batch_size",
        name="mean_absolute_error",
        dtype=None,
    ):
        super().__init__(
            mean_absolute_error, name=name, reduction=reduction, dtype=dtype
        )

    def get_config(self):
        return {"name": self.name, "reduction": self.reduction}


class MeanAbsolutePercentageError(LossFunctionWrapper):
    """Mean absolute percentage error (see `mean_absolute_percentage_error`).

    Formula:

    ```python
    loss = 100 * mean(abs((y_true - y_pred) / y_true))
    ```
    """

    def __init__(
        self,
        reduction="sum_over_batch_size",
        name="mean_absolute_percentage_error",
        dtype=None,
    ):
        super().__init__(
            mean_absolute_percentage_error,
            name=name,
            reduction=reduction,
            dtype=dtype,
        )

    def get_config(self):
        return {"name": self.name, "reduction": self.reduction}


class MeanSquaredLogarithmicError(LossFunctionWrapper):
    """Mean squared logarithmic error (see
    `mean_squared_logarithmic_error`).

    Formula:

    ```python
    loss = mean(square(log(y_true + 1) - log(y_pred + 1)))
    ```
    """

    def __init__(
        self,
        reduction="sum_over_batch_size",
        name="mean_squared_logarithmic_error",
        dtype=None,
    ):
        super().__init__(
            mean_squared_logarithmic_error,
            name=name,
            reduction=reduction,
            dtype=dtype,
        )

    def get_config(self):
        return {"name": self.name, "reduction": self.reduction}


class CosineSimilarity(LossFunctionWrapper):
    """Negative cosine similarity (see `cosine_similarity`).

    Formula:

    ```python
    loss = -sum(l2_norm(y_true) * l2_norm(y_pred))
    ```

    Args:
        axis: the axis holding the vectors (default -1).
        reduction, name, dtype: see `Loss`.

    Example:
    >>> from kara import losses
    >>> float(losses.CosineSimilarity()([[0.0, 1.0]], [[0.0, 2.0]]))
    -1.0
    """

    def __init__(
        self,
        axis=-1,
        reduction="sum_over_batch_size",
        name="cosine_similarity",
        dtype=None,
    ):
        super().__init__(
            cosine_similarity,
            name=name,
            reduction=reduction,
            dtype=dtype,
            axis=axis,
        )
        self.axis = axis

    def get_config(self):
        return {
            "name": self.name,
            "reduction": self.reduction,
            "axis": self.axis,
        }


class Huber(LossFunctionWrapper):
    """Huber loss (see `huber`).

    Formula:

    ```python
    loss = 0.5 * x ** 2                   if abs(x) <= delta
    loss = delta * abs(x) - 0.5 * delta ** 2  otherwise
    ```

    Args:
        delta: where the loss turns from quadratic to linear (1.0).
        reduction, dtype: see `Loss`.
        name: default `"huber_loss"`.

    Example:
    >>> from kara import losses
    >>> float(losses.Huber()([[0.0, 0.0]], [[0.5, 3.0]]))
    1.3125
    """

    def __init__(
        self,
        delta=1.0,
        reduction="sum_over_batch_size",
        name="huber_loss",
        dtype=None,
    ):
        super().__init__(
            huber, name=name, reduction=reduction, dtype=dtype, delta=delta
        )
        self.delta = delta

    def get_config(self):
        return {
            "name": self.name,
            "reduction": self.reduction,
            "delta": self.delta,
        }


class LogCosh(LossFunctionWrapper):
    """Logarithm of the hyperbolic cosine of the error (see `log_cosh`).

    Formula:

    ```python
    loss = mean(log(cosh(y_pred - y_true)))
    ```
    """

    def __init__(
        self, reduction="sum_over_batch_size", name="log_cosh", dtype=None
    ):
        super().__init__(log_cosh, name=name, reduction=reduction, dtype=dtype)

    def get_config(self):
        return {"name": self.name, "reduction": self.reduction}
