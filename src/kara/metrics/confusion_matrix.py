"""Confusion-matrix counting at thresholds, shared by the metrics on it.

`update_confusion_matrix_variables` adds one batch's weighted TP, FP, TN
and FN counts, at every threshold, to state variables. A prediction is
"positive" at threshold `th` when `y_pred > th` (strict); a label is
positive when it is non-zero.

Evenly spaced thresholds (AUC's default) use a bucketing shortcut: each
prediction falls in bucket `ceil(p * (T - 1)) - 1`, and a reversed
cumulative sum of the buckets gives the counts at every threshold in
O(N + T) instead of O(N * T). This is what Keras does, so float32 ties
round the same way.

Example:
>>> import numpy as np
>>> from kara.autograd import Variable
>>> tp = Variable(np.zeros(3, "float32"), trainable=False)
>>> update_confusion_matrix_variables(
...     {TP: tp}, [1, 1, 0], [0.2, 0.6, 0.9], thresholds=[0.1, 0.5, 0.7])
>>> tp.numpy()
array([2., 1., 0.], dtype=float32)
"""

import enum

import numpy as np

from kara import config
from kara.metrics.metric import to_float_array
from kara.metrics.metrics_utils import broadcast_or_raise
from kara.metrics.metrics_utils import squeeze_or_expand_to_same_rank

NEG_INF = -1e10  # the threshold that makes every top-k prediction positive

TP, FP, TN, FN = "tp", "fp", "tn", "fn"


class AUCCurve(enum.Enum):
    """The curve an `AUC` metric integrates."""

    ROC = "ROC"
    PR = "PR"
    PRGAIN = "PRGAIN"

    @staticmethod
    def from_str(key):
        for curve in AUCCurve:
            if key in (curve.value, curve.value.lower()):
                return curve
        raise ValueError(
            f'Invalid AUC curve value: "{key}". '
            'Expected values are ["PR", "ROC", "PRGAIN"]'
        )


class AUCSummationMethod(enum.Enum):
    """How `AUC` sums the area of each segment of the curve."""

    INTERPOLATION = "interpolation"
    MAJORING = "majoring"
    MINORING = "minoring"

    @staticmethod
    def from_str(key):
        for method in AUCSummationMethod:
            if key in (method.value, method.value.capitalize()):
                return method
        raise ValueError(
            f'Invalid AUC summation method value: "{key}". '
            'Expected values are ["interpolation", "majoring", "minoring"]'
        )


# ------------------------------------------------------------- thresholds
def _to_list(x):
    return list(x) if isinstance(x, (list, tuple, np.ndarray)) else [x]


def parse_init_thresholds(thresholds, default_threshold=0.5):
    """Checks user thresholds (each in [0, 1]) and returns them as a list."""
    if thresholds is not None:
        invalid = [
            t for t in _to_list(thresholds) if t is None or not 0 <= t <= 1
        ]
        if invalid:
            raise ValueError(
                f"Threshold values must be in [0, 1]. Received: {invalid}"
            )
        return [float(t) for t in _to_list(thresholds)]
    return [default_threshold]


def is_evenly_distributed_thresholds(thresholds):
    """Whether thresholds are `i / (T - 1)` for `i = 0..T-1` (T >= 3)."""
    n = len(thresholds)
    if n < 3:
        return False
    even = np.arange(n, dtype=np.float32) / (n - 1)
    return bool(np.allclose(thresholds, even, atol=config.epsilon()))


# ------------------------------------------------------- the count update
def _filter_top_k(x, k):
    """Keeps the top `k` scores of the last axis, sets the rest to NEG_INF.

    Ties keep the lower class index (as `top_k` does).
    """
    top = np.argsort(-x, axis=-1, kind="stable")[..., :k]
    keep = np.zeros(x.shape, dtype=bool)
    np.put_along_axis(keep, top, True, axis=-1)
    return np.where(keep, x, np.asarray(NEG_INF, x.dtype))


def update_confusion_matrix_variables(
    variables_to_update,
    y_true,
    y_pred,
    thresholds,
    top_k=None,
    class_id=None,
    sample_weight=None,
    multi_label=False,
    label_weights=None,
    thresholds_distributed_evenly=False,
):
    """Adds one batch's weighted TP/FP/TN/FN counts, in place.

    Args:
        variables_to_update: dict from `"tp"`, `"fp"`, `"tn"`, `"fn"` to
            the Variables to add to, shape `(T,)` or `(T, num_labels)`.
        y_true: labels; non-zero means positive.
        y_pred: predictions in [0, 1].
        thresholds: list of T thresholds.
        top_k: only the top `k` predictions of each sample can be
            positive.
        class_id: only count this class (last axis index).
        sample_weight: optional weights, broadcastable to `y_pred`.
        multi_label: keep one count per label (last axis) instead of
            flattening all labels together.
        label_weights: per-label weights (only without `multi_label`).
        thresholds_distributed_evenly: use the bucketing shortcut.
    """
    dtype = next(iter(variables_to_update.values())).dtype
    y_true = to_float_array(y_true, dtype, "y_true")
    y_pred = to_float_array(y_pred, dtype, "y_pred")
    with_epsilon = thresholds[0] < 0.0 or thresholds[-1] > 1.0
    thresholds = np.asarray(thresholds, dtype=dtype)
    y_pred, y_true = squeeze_or_expand_to_same_rank(y_pred, y_true)
    if y_true.shape != y_pred.shape:
        raise ValueError(
            "`y_true` and `y_pred` must have the same shape. Received: "
            f"y_true.shape={y_true.shape}, y_pred.shape={y_pred.shape}."
        )
    if sample_weight is not None:
        sample_weight = to_float_array(sample_weight, dtype, "sample_weight")
        # per-sample weights (N,) line up with the samples, not the labels
        _, sample_weight = squeeze_or_expand_to_same_rank(
            y_true, sample_weight[..., None], expand_rank_1=False
        )
    if top_k is not None:
        y_pred = _filter_top_k(y_pred, top_k)
    if class_id is not None:
        if y_pred.ndim == 1:
            raise ValueError(
                "When class_id is provided, y_pred must be a 2D array with "
                "shape (num_samples, num_classes), found shape: "
                f"{y_pred.shape}"
            )
        y_true = y_true[..., class_id, None]
        y_pred = y_pred[..., class_id, None]

    weights = None
    if sample_weight is not None:
        weights = broadcast_or_raise(
            sample_weight, y_pred.shape, "sample_weight", "y_pred"
        )
    if label_weights is not None and not multi_label:
        lw = np.broadcast_to(label_weights, y_pred.shape)
        weights = lw if weights is None else weights * lw
    if not multi_label:
        y_true = y_true.reshape(-1)
        y_pred = y_pred.reshape(-1)
        if weights is not None:
            weights = weights.reshape(-1)
    labels = y_true != 0

    if thresholds_distributed_evenly:
        _update_from_buckets(
            variables_to_update,
            labels,
            y_pred,
            weights,
            len(thresholds),
            multi_label,
            with_epsilon,
        )
    else:
        _update_by_comparison(
            variables_to_update,
            labels,
            y_pred,
            weights,
            thresholds,
            multi_label,
        )


def _update_by_comparison(
    variables, labels, y_pred, weights, thresholds, multi_label
):
    """Counts at each threshold by comparing every prediction with it."""
    extra = (slice(None),) + (None,) * y_pred.ndim
    positive = y_pred[None] > thresholds[extra]  # (T, M) or (T, N, L)
    labels = labels[None]
    conditions = {
        TP: lambda: labels & positive,
        FP: lambda: ~labels & positive,
        TN: lambda: ~labels & ~positive,
        FN: lambda: labels & ~positive,
    }
    for key, variable in variables.items():
        hit = conditions[key]()
        if weights is None:
            counts = hit.sum(axis=1, dtype=variable.dtype)
        else:
            counts = np.where(hit, weights[None], 0).sum(
                axis=1, dtype=variable.dtype
            )
        variable.data += counts


def _update_from_buckets(
    variables,
    labels,
    y_pred,
    weights,
    num_thresholds,
    multi_label,
    with_epsilon,
):
    """Counts at evenly spaced thresholds through bucketed sums."""
    dtype = y_pred.dtype
    y_true = labels.astype(dtype)
    true_labels = y_true if weights is None else y_true * weights
    false_labels = (1 - y_true) if weights is None else (1 - y_true) * weights
    y_pred = np.clip(y_pred, 0.0, 1.0)
    # prediction p is above threshold i/(T-1) for every i <= bucket(p)
    buckets = np.ceil(y_pred * dtype.type(num_thresholds - 1)) - 1
    if with_epsilon:
        buckets = np.maximum(buckets, 0)  # the first threshold is -eps
    buckets = buckets.astype(np.int64)

    def bucket_sums(values):
        if multi_label:
            num_labels = values.shape[-1]
            ids = buckets + np.arange(num_labels) * num_thresholds
            valid = buckets >= 0  # bucket -1 is below every threshold
            sums = (
                np.bincount(
                    ids[valid],
                    weights=values[valid],
                    minlength=num_thresholds * num_labels,
                )
                .reshape(num_labels, num_thresholds)
                .T
            )
        else:
            valid = buckets >= 0
            sums = np.bincount(
                buckets[valid],
                weights=values[valid],
                minlength=num_thresholds,
            )
        sums = sums.astype(dtype)
        # counts at threshold i = sum of buckets >= i
        return np.cumsum(sums[::-1], axis=0, dtype=dtype)[::-1]

    tp = bucket_sums(true_labels)
    fp = bucket_sums(false_labels)
    axis = 0 if multi_label else None
    if TP in variables:
        variables[TP].data += tp
    if FP in variables:
        variables[FP].data += fp
    if TN in variables:
        variables[TN].data += false_labels.sum(axis=axis, dtype=dtype) - fp
    if FN in variables:
        variables[FN].data += true_labels.sum(axis=axis, dtype=dtype) - tp
