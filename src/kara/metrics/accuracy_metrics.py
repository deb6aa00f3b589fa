"""Accuracy metrics: how often predictions match labels.

A sample (or element) counts as correct when:

- `Accuracy`: `y_pred == y_true` exactly;
- `BinaryAccuracy(threshold=0.5)`: `(y_pred > threshold) == y_true`
  (a strict `>`);
- `CategoricalAccuracy`: `argmax(y_pred) == argmax(y_true)` (one-hot);
- `SparseCategoricalAccuracy`: `argmax(y_pred) == y_true` (integer labels);
- `TopKCategoricalAccuracy(k=5)`: the true class is among the `k` highest
  scores;
- `SparseTopKCategoricalAccuracy(k=5)`: the same, with integer labels.

Ties: `argmax` picks the first maximum; for top-k, every class tied with
the k-th highest score counts as in the top k (TensorFlow's `in_top_k`).

`compile(metrics=["accuracy"])` picks one of the first four from the
shapes: see `kara.metrics.resolve_metric`.

Example:
>>> from kara import metrics
>>> m = metrics.SparseCategoricalAccuracy()
>>> m.update_state([[2], [1]], [[0.1, 0.6, 0.3], [0.05, 0.95, 0.0]])
>>> float(m.result())
0.5
"""

import numpy as np

from kara.metrics.metrics_utils import array_function
from kara.metrics.metrics_utils import squeeze_or_expand_to_same_rank
from kara.metrics.reduction_metrics import MeanMetricWrapper


def _matches(a, b, dtype):
    return np.equal(a, b).astype(dtype)


@array_function
def accuracy(y_true, y_pred):
    """1.0 where `y_pred == y_true`, else 0.0 (element-wise)."""
    y_true = y_true.astype(y_pred.dtype, copy=False)
    y_true, y_pred = squeeze_or_expand_to_same_rank(y_true, y_pred)
    return _matches(y_true, y_pred, y_pred.dtype)


@array_function
def binary_accuracy(y_true, y_pred, threshold=0.5):
    """1.0 where `(y_pred > threshold) == y_true`, else 0.0 (element-wise).

    Args:
        y_true: 0/1 labels.
        y_pred: probabilities (or scores).
        threshold: the decision threshold; the comparison is strict.
    """
    dtype = y_pred.dtype
    y_true, y_pred = squeeze_or_expand_to_same_rank(y_true, y_pred)
    predicted = (y_pred > threshold).astype(y_true.dtype)
    return _matches(y_true, predicted, dtype)


@array_function
def categorical_accuracy(y_true, y_pred):
    """1.0 where `argmax(y_pred) == argmax(y_true)` (one-hot labels)."""
    dtype = y_pred.dtype
    labels = np.argmax(y_true, axis=-1)
    shape = labels.shape
    reshape = labels.ndim == y_pred.ndim
    if reshape:
        labels = labels[..., 0]
    matches = _matches(labels, np.argmax(y_pred, axis=-1), dtype)
    return matches.reshape(shape) if reshape else matches


@array_function
def sparse_categorical_accuracy(y_true, y_pred):
    """1.0 where `argmax(y_pred) == y_true` (integer labels).

    Labels of shape `(N,)` or `(N, 1)` both work with `(N, C)` scores.
    """
    dtype = y_pred.dtype
    shape = y_true.shape
    reshape = y_true.ndim == y_pred.ndim and y_true.shape[-1] == 1
    if reshape:
        y_true = y_true[..., 0]
    predicted = np.argmax(y_pred, axis=-1)
    if y_true.dtype.kind == "f":
        predicted = predicted.astype(y_true.dtype)
    matches = _matches(y_true, predicted, dtype)
    if reshape:
        matches = matches.reshape(shape)
    if matches.ndim > 1 and matches.shape[-1] == 1:
        matches = matches[..., 0]
    return matches


def in_top_k(targets, predictions, k):
    """Whether each target class is among the `k` highest predictions.

    A class tied with the k-th score counts as in the top k, and a
    non-finite score is never in it (TensorFlow's `in_top_k`).

    Args:
        targets: integer class ids, shape `(M,)`.
        predictions: scores, shape `(M, C)`.
        k: how many top classes count.

    Returns:
        A boolean array of shape `(M,)`.
    """
    targets = np.asarray(targets)
    num_classes = predictions.shape[-1]
    if targets.size and (targets.min() < 0 or targets.max() >= num_classes):
        raise ValueError(
            f"Labels must be class ids in [0, {num_classes}) for predictions "
            f"with {num_classes} classes. Received labels in "
            f"[{targets.min()}, {targets.max()}]."
        )
    target_scores = predictions[np.arange(targets.shape[0]), targets]
    higher = (predictions > target_scores[:, None]).sum(axis=-1)
    return (higher < k) & np.isfinite(target_scores)


@array_function
def top_k_categorical_accuracy(y_true, y_pred, k=5):
    """1.0 where the one-hot label's class is in the top `k` predictions."""
    dtype = y_pred.dtype
    labels = np.argmax(y_true, axis=-1)
    shape = labels.shape
    y_pred = y_pred.reshape(-1, y_pred.shape[-1])
    matches = in_top_k(labels.reshape(-1), y_pred, k).astype(dtype)
    return matches.reshape(shape)


@array_function
def sparse_top_k_categorical_accuracy(
    y_true, y_pred, k=5, from_sorted_ids=False
):
    """1.0 where the integer label is in the top `k` predictions.

    Args:
        y_true: integer labels, `(N,)` or `(N, 1)`.
        y_pred: scores `(N, C)`, or with `from_sorted_ids=True` the class
            ids already sorted by score (best first).
        k: how many top classes count.
        from_sorted_ids: whether `y_pred` holds sorted class ids.
    """
    dtype = y_pred.dtype if y_pred.dtype.kind == "f" else "float32"
    labels = y_true if from_sorted_ids else y_true.astype("int32")
    shape = labels.shape
    labels = labels.reshape(-1)
    y_pred = y_pred.reshape(-1, y_pred.shape[-1])
    if from_sorted_ids:
        matches = np.any(labels[:, None] == y_pred[:, :k], axis=1)
    else:
        matches = in_top_k(labels, y_pred, k)
    return matches.astype(dtype).reshape(shape)


class Accuracy(MeanMetricWrapper):
    """How often predictions equal labels exactly.

    Args:
        name: the metric's name.
        dtype: the dtype of the result.

    Example:
    >>> m = Accuracy()
    >>> m.update_state([[1], [2], [3], [4]], [[0], [2], [3], [4]])
    >>> float(m.result())
    0.75
    """

    _direction = "up"

    def __init__(self, name="accuracy", dtype=None):
        super().__init__(fn=accuracy, name=name, dtype=dtype)

    def get_config(self):
        return {"name": self.name, "dtype": self.dtype}


class BinaryAccuracy(MeanMetricWrapper):
    """How often thresholded predictions match binary labels.

    Args:
        name: the metric's name.
        dtype: the dtype of the result.
        threshold: a prediction counts as 1 when it is `> threshold`.

    Example:
    >>> m = BinaryAccuracy()
    >>> m.update_state([[1], [1], [0], [0]], [[0.98], [1], [0], [0.6]])
    >>> float(m.result())
    0.75
    """

    _direction = "up"

    def __init__(self, name="binary_accuracy", dtype=None, threshold=0.5):
        super().__init__(
            fn=binary_accuracy, name=name, dtype=dtype, threshold=threshold
        )
        self.threshold = threshold

    def get_config(self):
        return {
            "name": self.name,
            "dtype": self.dtype,
            "threshold": self.threshold,
        }


class CategoricalAccuracy(MeanMetricWrapper):
    """How often the highest score is the one-hot label's class.

    Args:
        name: the metric's name.
        dtype: the dtype of the result.

    Example:
    >>> m = CategoricalAccuracy()
    >>> m.update_state([[0, 0, 1], [0, 1, 0]],
    ...                [[0.1, 0.9, 0.8], [0.05, 0.95, 0.0]])
    >>> float(m.result())
    0.5
    """

    _direction = "up"

    def __init__(self, name="categorical_accuracy", dtype=None):
        super().__init__(fn=categorical_accuracy, name=name, dtype=dtype)

    def get_config(self):
        return {"name": self.name, "dtype": self.dtype}


class SparseCategoricalAccuracy(MeanMetricWrapper):
    """How often the highest score is the integer label's class.

    Args:
        name: the metric's name.
        dtype: the dtype of the result.

    Example:
    >>> m = SparseCategoricalAccuracy()
    >>> m.update_state([[2], [1]], [[0.1, 0.6, 0.3], [0.05, 0.95, 0.0]],
    ...                sample_weight=[0.7, 0.3])
    >>> round(float(m.result()), 6)
    0.3
    """

    _direction = "up"

    def __init__(self, name="sparse_categorical_accuracy", dtype=None):
        super().__init__(fn=sparse_categorical_accuracy, name=name, dtype=dtype)

    def get_config(self):
        return {"name": self.name, "dtype": self.dtype}


class TopKCategoricalAccuracy(MeanMetricWrapper):
    """How often the one-hot label's class is among the top `k` scores.

    Args:
        k: how many top classes count (default 5).
        name: the metric's name.
        dtype: the dtype of the result.

    Example:
    >>> m = TopKCategoricalAccuracy(k=1)
    >>> m.update_state([[0, 0, 1], [0, 1, 0]],
    ...                [[0.1, 0.9, 0.8], [0.05, 0.95, 0.0]])
    >>> float(m.result())
    0.5
    """

    _direction = "up"

    def __init__(self, k=5, name="top_k_categorical_accuracy", dtype=None):
        super().__init__(
            fn=top_k_categorical_accuracy, name=name, dtype=dtype, k=k
        )
        self.k = k

    def get_config(self):
        return {"name": self.name, "dtype": self.dtype, "k": self.k}


class SparseTopKCategoricalAccuracy(MeanMetricWrapper):
    """How often the integer label is among the top `k` scores.

    Args:
        k: how many top classes count (default 5).
        name: the metric's name.
        dtype: the dtype of the result.
        from_sorted_ids: `y_pred` holds class ids sorted best first
            (e.g. from a retrieval model) instead of scores.

    Example:
    >>> m = SparseTopKCategoricalAccuracy(k=1)
    >>> m.update_state([2, 1], [[0.1, 0.9, 0.8], [0.05, 0.95, 0.0]])
    >>> float(m.result())
    0.5
    """

    _direction = "up"

    def __init__(
        self,
        k=5,
        name="sparse_top_k_categorical_accuracy",
        dtype=None,
        from_sorted_ids=False,
    ):
        super().__init__(
            fn=sparse_top_k_categorical_accuracy,
            name=name,
            dtype=dtype,
            k=k,
            from_sorted_ids=from_sorted_ids,
        )
        self.k = k
        self.from_sorted_ids = from_sorted_ids

    def get_config(self):
        config = {"name": self.name, "dtype": self.dtype, "k": self.k}
        if self.from_sorted_ids:
            config["from_sorted_ids"] = True
        return config
