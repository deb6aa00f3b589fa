"""Hinge metrics: margin losses averaged over all samples seen.

Notation: `t = y_true`, `p = y_pred`, `mean_-1` = mean over the last axis.

| metric | per sample |
|---|---|
| `Hinge` | `mean_-1(max(1 - t * p, 0))` |
| `SquaredHinge` | `mean_-1(max(1 - t * p, 0)^2)` |
| `CategoricalHinge` | `max(max_-1((1 - t) * p) - sum_-1(t * p) + 1, 0)` |

`Hinge` and `SquaredHinge` expect labels in {-1, 1}; when **every** label
of the batch is 0 or 1 they are mapped to {-1, 1} by `2t - 1` first.

Example:
>>> from kara import metrics
>>> m = metrics.Hinge()
>>> m.update_state([[0.0, 1.0], [0.0, 0.0]], [[0.6, 0.4], [0.4, 0.6]])
>>> round(float(m.result()), 4)
1.3
"""

import numpy as np

from kara.metrics.metrics_utils import array_function
from kara.metrics.metrics_utils import check_same_shape
from kara.metrics.reduction_metrics import MeanMetricWrapper


def convert_binary_labels_to_hinge(y_true):
    """Maps labels to {-1, 1} by `2t - 1` if all of them are 0 or 1."""
    if np.all((y_true == 0) | (y_true == 1)):
        return 2.0 * y_true - 1.0
    return y_true


def _margins(y_true, y_pred, fn_name):
    y_true = y_true.astype(y_pred.dtype, copy=False)
    check_same_shape(y_true, y_pred, fn_name)
    y_true = convert_binary_labels_to_hinge(y_true)
    return np.maximum(1.0 - y_true * y_pred, 0.0)


@array_function
def hinge(y_true, y_pred):
    """Per-sample mean of `max(1 - y_true * y_pred, 0)`."""
    return np.mean(_margins(y_true, y_pred, "hinge"), axis=-1)


@array_function
def squared_hinge(y_true, y_pred):
    """Per-sample mean of `max(1 - y_true * y_pred, 0)^2`."""
    return np.mean(
        np.square(_margins(y_true, y_pred, "squared_hinge")), axis=-1
    )


@array_function
def categorical_hinge(y_true, y_pred):
    """Per-sample `max(neg - pos + 1, 0)` with one-hot labels.

    `pos = sum(t * p)` is the true class's score and
    `neg = max((1 - t) * p)` the best wrong class's score.
    """
    y_true = y_true.astype(y_pred.dtype, copy=False)
    check_same_shape(y_true, y_pred, "categorical_hinge")
    pos = np.sum(y_true * y_pred, axis=-1)
    neg = np.max((1.0 - y_true) * y_pred, axis=-1)
    return np.maximum(neg - pos + 1.0, 0.0)


class Hinge(MeanMetricWrapper):
    """The mean hinge loss over all samples seen.

    Args:
        name: the metric's name.
        dtype: the dtype of the result.

    Example:
    >>> m = Hinge()
    >>> m.update_state([[0, 1], [0, 0]], [[0.6, 0.4], [0.4, 0.6]])
    >>> round(float(m.result()), 4)
    1.3
    """

    _direction = "down"

    def __init__(self, name="hinge", dtype=None):
        super().__init__(fn=hinge, name=name, dtype=dtype)

    def get_config(self):
        return {"name": self.name, "dtype": self.dtype}


class SquaredHinge(MeanMetricWrapper):
    """The mean squared hinge loss over all samples seen.

    Args:
        name: the metric's name.
        dtype: the dtype of the result.

    Example:
    >>> m = SquaredHinge()
    >>> m.update_state([[0, 1], [0, 0]], [[0.6, 0.4], [0.4, 0.6]])
    >>> round(float(m.result()), 4)
    1.86
    """

    _direction = "down"

    def __init__(self, name="squared_hinge", dtype=None):
        super().__init__(fn=squared_hinge, name=name, dtype=dtype)

    def get_config(self):
        return {"name": self.name, "dtype": self.dtype}


class CategoricalHinge(MeanMetricWrapper):
    """The mean categorical hinge loss over all samples seen.

    Args:
        name: the metric's name.
        dtype: the dtype of the result.

    Example:
    >>> m = CategoricalHinge()
    >>> m.update_state([[0, 1], [0, 0]], [[0.6, 0.4], [0.4, 0.6]])
    >>> round(float(m.result()), 4)
    1.4
    """

    _direction = "down"

    def __init__(self, name="categorical_hinge", dtype=None):
        super().__init__(fn=categorical_hinge, name=name, dtype=dtype)

    def get_config(self):
        return {"name": self.name, "dtype": self.dtype}
