"""Losses between distributions and counts: KL divergence, Poisson."""

from kara import config
from kara import ops
from kara.losses import checks
from kara.losses.wrapper import LossFunctionWrapper
from kara.losses.wrapper import prepare


def kl_divergence(y_true, y_pred):
    """Kullback-Leibler divergence from `y_pred` to `y_true`, per sample.

    Both are clipped to `[eps, 1]` first, so zeros give finite values.

    Formula:

    ```python
    loss = sum(y_true * log(y_true / y_pred), axis=-1)
    ```

    Args:
        y_true: the target distribution.
        y_pred: the predicted distribution.

    Example:
    >>> from kara import losses
    >>> losses.kl_divergence([[0.5, 0.5]], [[0.25, 0.75]]).numpy()
    array([0.14384106], dtype=float32)
    """
    y_true, y_pred = prepare(y_true, y_pred)
    checks.check_broadcast("kl_divergence", y_true, y_pred)
    eps = config.epsilon()
    y_true = ops.clip(y_true, eps, 1.0)
    y_pred = ops.clip(y_pred, eps, 1.0)
    return ops.sum(y_true * ops.log(y_true / y_pred), axis=-1)


def poisson(y_true, y_pred):
    """Poisson negative log-likelihood (without the constant term).

    Formula:

    ```python
    loss = mean(y_pred - y_true * log(y_pred + eps), axis=-1)
    ```

    Args:
        y_true: observed counts.
        y_pred: predicted rates (positive).

    Example:
    >>> from kara import losses
    >>> losses.poisson([[1.0, 0.0]], [[1.0, 2.0]]).numpy()
    array([1.5], dtype=float32)
    """
    y_true, y_pred = prepare(y_true, y_pred)
    checks.check_broadcast("poisson", y_true, y_pred)
    log_rate = ops.log(y_pred + config.epsilon())
    return ops.mean(y_pred - y_true * log_rate, axis=-1)


class KLDivergence(LossFunctionWrapper):
    """Kullback-Leibler divergence (see `kl_divergence`).

    Formula:

    ```python
    loss = y_true * log(y_true / y_pred)
    ```
    """

    def __init__(
        self, reduction="sum_over_batch_size", name="kl_divergence", dtype=None
    ):
        super().__init__(
            kl_divergence, name=name, reduction=reduction, dtype=dtype
        )

    def get_config(self):
        return {"name": self.name, "reduction": self.reduction}


class Poisson(LossFunctionWrapper):
    """Poisson loss (see `poisson`).

    Formula:

    ```python
    loss = y_pred - y_true * log(y_pred)
    ```
    """

    def __init__(
        self, reduction="sum_over_batch_size", name="poisson", dtype=None
    ):
        super().__init__(poisson, name=name, reduction=reduction, dtype=dtype)

    def get_config(self):
        return {"name": self.name, "reduction": self.reduction}
