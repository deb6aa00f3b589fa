"""Probabilistic metrics: crossentropies, KL divergence and Poisson.

These are the loss formulas, averaged over all samples seen (weighted by
the sample weights) instead of per batch. Notation: `t = y_true`,
`p = y_pred`, `eps = kara.config.epsilon() = 1e-7`.

- `BinaryCrossentropy`: `mean_-1(-(t log(o) + (1-t) log(1-o)))` with
  `o = clip(p, eps, 1-eps)`; with logits the exact
  `max(x, 0) - x t + log1p(exp(-abs(x)))`.
- `CategoricalCrossentropy`: `-sum_-1(t log(o))` with
  `o = clip(p / sum(p), eps, 1-eps)`; with logits
  `-sum_-1(t * log_softmax(x))`.
- `SparseCategoricalCrossentropy`: the same with integer labels.
- `KLDivergence`: `sum_-1(t log(t / p))` after clipping both to
  `[eps, 1]`.
- `Poisson`: `mean_-1(p - t log(p + eps))`.

The "keras2" profile reproduces tf.keras 2, which also added `eps`
inside the logs of the probability binary crossentropy.

Example:
>>> from kara import metrics
>>> m = metrics.BinaryCrossentropy(from_logits=True)
>>> m.update_state([[1, 0, 1], [0, 1, 1]],
...                [[10.0, -10.0, 10.0], [10.0, 10.0, -10.0]])
>>> round(float(m.result()), 4)
3.3334
"""

import warnings

import numpy as np

from kara import config
from kara.losses import _fused
from kara.losses.loss import rules as loss_rules
from kara.metrics.metric import to_float_array
from kara.metrics.metrics_utils import array_function
from kara.metrics.metrics_utils import check_same_shape
from kara.metrics.metrics_utils import squeeze_or_expand_to_same_rank
from kara.metrics.reduction_metrics import MeanMetricWrapper


def _eps(dtype):
    return np.asarray(config.epsilon(), dtype=dtype)


def _log_softmax(x, axis=-1):
    shifted = x - np.max(x, axis=axis, keepdims=True)
    return shifted - np.log(np.sum(np.exp(shifted), axis=axis, keepdims=True))


def _binary_crossentropy_elementwise(target, output, from_logits):
    if from_logits:
        # stable sigmoid crossentropy: max(x, 0) - x*t + log(1 + exp(-|x|))
        return (
            np.maximum(output, 0)
            - output * target
            + np.log1p(np.exp(-np.abs(output)))
        )
    # the loss's NumPy kernel (clip, then logs; tf.keras 2 also adds eps
    # inside the logs), run without a graph
    kernel = _fused.ClippedBinaryCrossentropy(
        config.epsilon(), loss_rules().bce_log_epsilon
    )
    return kernel.forward(target, output)


@array_function
def binary_crossentropy(
    y_true, y_pred, from_logits=False, label_smoothing=0.0, axis=-1
):
    """Per-sample binary crossentropy (mean over `axis`).

    Args:
        y_true: 0/1 labels (soft labels allowed).
        y_pred: probabilities, or logits with `from_logits=True`.
        from_logits: whether `y_pred` holds logits.
        label_smoothing: in [0, 1]; labels become
            `t * (1 - label_smoothing) + 0.5 * label_smoothing`.
        axis: the axis to average over.
    """
    y_true = y_true.astype(y_pred.dtype, copy=False)
    y_true, y_pred = squeeze_or_expand_to_same_rank(y_true, y_pred)
    check_same_shape(y_true, y_pred, "binary_crossentropy")
    if label_smoothing:
        y_true = y_true * (1.0 - label_smoothing) + 0.5 * label_smoothing
    values = _binary_crossentropy_elementwise(y_true, y_pred, from_logits)
    return np.mean(values, axis=axis)


@array_function
def categorical_crossentropy(
    y_true, y_pred, from_logits=False, label_smoothing=0.0, axis=-1
):
    """Per-sample categorical crossentropy with one-hot labels.

    Args:
        y_true: one-hot (or soft) labels, same shape as `y_pred`.
        y_pred: probabilities (renormalised to sum to 1), or logits.
        from_logits: whether `y_pred` holds logits.
        label_smoothing: labels become
            `t * (1 - label_smoothing) + label_smoothing / num_classes`.
        axis: the class axis.
    """
    if isinstance(axis, bool):
        raise ValueError(
            "`axis` must be of type `int`. "
            f"Received: axis={axis} of type {type(axis)}"
        )
    y_true = y_true.astype(y_pred.dtype, copy=False)
    if y_pred.shape[-1] == 1:
        warnings.warn(
            "In loss categorical_crossentropy, expected y_pred.shape to be "
            "(batch_size, num_classes) with num_classes > 1. Received: "
            f"y_pred.shape={y_pred.shape}. Consider using "
            "'binary_crossentropy' if you only have 2 classes.",
            SyntaxWarning,
            stacklevel=2,
        )
    if y_true.shape != y_pred.shape:
        raise ValueError(
            "Arguments `target` and `output` must have the same shape. "
            f"Received: target.shape={y_true.shape}, "
            f"output.shape={y_pred.shape}. For integer labels use "
            "SparseCategoricalCrossentropy."
        )
    if label_smoothing:
        num_classes = y_pred.dtype.type(y_true.shape[-1])
        y_true = y_true * (1.0 - label_smoothing) + (
            label_smoothing / num_classes
        )
    if from_logits:
        return -np.sum(y_true * _log_softmax(y_pred, axis), axis=axis)
    # the loss's NumPy kernel (renormalise, clip, log), run without a graph
    kernel = _fused.ClippedCategoricalCrossentropy(config.epsilon(), axis)
    return kernel.forward(y_true, y_pred)


def _sparse_crossentropy(y_true, y_pred, from_logits, axis):
    """Per-sample sparse crossentropy (TensorFlow's formulation)."""
    if axis != -1 and axis != y_pred.ndim - 1:
        raise ValueError(
            f"Only axis=-1 is currently supported. Received: axis={axis}"
        )
    labels = y_true.astype("int64")
    if labels.ndim == y_pred.ndim and labels.shape[-1] == 1:
        labels = labels[..., 0]
    if labels.shape != y_pred.shape[:-1]:
        raise ValueError(
            "Arguments `target` and `output` must have the same shape up "
            f"until the last dimension: target.shape={y_true.shape}, "
            f"output.shape={y_pred.shape}. For one-hot labels use "
            "CategoricalCrossentropy."
        )
    num_classes = y_pred.shape[-1]
    if labels.size and (labels.min() < 0 or labels.max() >= num_classes):
        raise ValueError(
            f"Received a label value outside the valid range [0, "
            f"{num_classes}): labels in [{labels.min()}, {labels.max()}]."
        )
    if not from_logits:
        # TF clips the probabilities, takes logs and feeds them as logits,
        # which renormalises the clipped probabilities.
        eps = _eps(y_pred.dtype)
        y_pred = np.log(np.clip(y_pred, eps, 1 - eps))
    log_prob = _log_softmax(y_pred, -1)
    picked = np.take_along_axis(log_prob, labels[..., None], axis=-1)
    return -picked[..., 0]


def _sparse_crossentropy_with_mask(
    y_true, y_pred, from_logits=False, ignore_class=None, axis=-1
):
    """Returns `(values, valid_mask_or_None)`."""
    if y_true.ndim == y_pred.ndim and y_true.shape[axis] == 1:
        y_true = np.squeeze(y_true, axis=axis)
    if ignore_class is None:
        return _sparse_crossentropy(y_true, y_pred, from_logits, axis), None
    valid = y_true != ignore_class
    y_true = np.where(valid, y_true, 0)
    y_pred = np.where(np.expand_dims(valid, axis), y_pred, 0).astype(
        y_pred.dtype
    )
    values = _sparse_crossentropy(y_true, y_pred, from_logits, axis)
    values = np.where(valid, values, 0).astype(values.dtype)
    return values, valid


@array_function
def sparse_categorical_crossentropy(
    y_true, y_pred, from_logits=False, ignore_class=None, axis=-1
):
    """Per-sample categorical crossentropy with integer labels.

    Args:
        y_true: integer class ids, `(N,)` or `(N, 1)`.
        y_pred: probabilities `(N, C)`, or logits.
        from_logits: whether `y_pred` holds logits.
        ignore_class: a label value whose samples give 0 (e.g. padding).
        axis: the class axis (only -1).
    """
    values, _ = _sparse_crossentropy_with_mask(
        y_true, y_pred, from_logits, ignore_class, axis
    )
    return values


@array_function
def kl_divergence(y_true, y_pred):
    """Per-sample `sum(t * log(t / p))`, both clipped to `[eps, 1]`."""
    y_true = y_true.astype(y_pred.dtype, copy=False)
    y_true, y_pred = squeeze_or_expand_to_same_rank(y_true, y_pred)
    check_same_shape(y_true, y_pred, "kl_divergence")
    eps = _eps(y_pred.dtype)
    y_true = np.clip(y_true, eps, 1)
    y_pred = np.clip(y_pred, eps, 1)
    return np.sum(y_true * np.log(y_true / y_pred), axis=-1)


@array_function
def poisson(y_true, y_pred):
    """Per-sample `mean(p - t * log(p + eps))`."""
    y_true = y_true.astype(y_pred.dtype, copy=False)
    y_true, y_pred = squeeze_or_expand_to_same_rank(y_true, y_pred)
    check_same_shape(y_true, y_pred, "poisson")
    eps = _eps(y_pred.dtype)
    return np.mean(y_pred - y_true * np.log(y_pred + eps), axis=-1)


class KLDivergence(MeanMetricWrapper):
    """The mean Kullback-Leibler divergence between labels and predictions.

    Args:
        name: the metric's name (`"kl_divergence"`; tf.keras 2 used
            `"kullback_leibler_divergence"`, and so does the "keras2"
            profile).
        dtype: the dtype of the result.

    Example:
    >>> m = KLDivergence()
    >>> m.update_state([[0.5, 0.5]], [[0.25, 0.75]])
    >>> round(float(m.result()), 5)
    0.14384
    """

    _direction = "down"

    def __init__(self, name=None, dtype=None):
        if name is None:
            name = (
                "kullback_leibler_divergence"
                if config.profile() == "keras2"
                else "kl_divergence"
            )
        super().__init__(fn=kl_divergence, name=name, dtype=dtype)

    def get_config(self):
        return {"name": self.name, "dtype": self.dtype}


class Poisson(MeanMetricWrapper):
    """The mean Poisson deviance term `p - t * log(p)`.

    Args:
        name: the metric's name.
        dtype: the dtype of the result.

    Example:
    >>> m = Poisson()
    >>> m.update_state([[0, 1], [0, 0]], [[1, 1], [0, 0]])
    >>> round(float(m.result()), 5)
    0.5
    """

    _direction = "down"

    def __init__(self, name="poisson", dtype=None):
        super().__init__(fn=poisson, name=name, dtype=dtype)

    def get_config(self):
        return {"name": self.name, "dtype": self.dtype}


class BinaryCrossentropy(MeanMetricWrapper):
    """The mean binary crossentropy over all samples seen.

    Args:
        name: the metric's name.
        dtype: the dtype of the result.
        from_logits: whether `y_pred` holds logits.
        label_smoothing: in [0, 1]; smooths the labels toward 0.5.

    Example:
    >>> m = BinaryCrossentropy()
    >>> m.update_state([[0, 1], [0, 0]], [[0.6, 0.4], [0.4, 0.6]])
    >>> round(float(m.result()), 5)
    0.81492
    """

    _direction = "down"

    def __init__(
        self,
        name="binary_crossentropy",
        dtype=None,
        from_logits=False,
        label_smoothing=0,
    ):
        super().__init__(
            fn=binary_crossentropy,
            name=name,
            dtype=dtype,
            from_logits=from_logits,
            label_smoothing=label_smoothing,
        )
        self.from_logits = from_logits
        self.label_smoothing = label_smoothing

    def get_config(self):
        return {
            "name": self.name,
            "dtype": self.dtype,
            "from_logits": self.from_logits,
            "label_smoothing": self.label_smoothing,
        }


class CategoricalCrossentropy(MeanMetricWrapper):
    """The mean categorical crossentropy over all samples (one-hot labels).

    Args:
        name: the metric's name.
        dtype: the dtype of the result.
        from_logits: whether `y_pred` holds logits.
        label_smoothing: smooths the one-hot labels toward uniform.
        axis: the class axis.

    Example:
    >>> m = CategoricalCrossentropy()
    >>> m.update_state([[0, 1, 0], [0, 0, 1]],
    ...                [[0.05, 0.95, 0.0], [0.1, 0.8, 0.1]])
    >>> round(float(m.result()), 4)
    1.1769
    """

    _direction = "down"

    def __init__(
        self,
        name="categorical_crossentropy",
        dtype=None,
        from_logits=False,
        label_smoothing=0,
        axis=-1,
    ):
        super().__init__(
            fn=categorical_crossentropy,
            name=name,
            dtype=dtype,
            from_logits=from_logits,
            label_smoothing=label_smoothing,
            axis=axis,
        )
        self.from_logits = from_logits
        self.label_smoothing = label_smoothing
        self.axis = axis

    def get_config(self):
        return {
            "name": self.name,
            "dtype": self.dtype,
            "from_logits": self.from_logits,
            "label_smoothing": self.label_smoothing,
            "axis": self.axis,
        }


class SparseCategoricalCrossentropy(MeanMetricWrapper):
    """The mean crossentropy over all samples, with integer labels.

    Args:
        name: the metric's name.
        dtype: the dtype of the result.
        from_logits: whether `y_pred` holds logits.
        ignore_class: a label value to ignore (e.g. padding). Keras quirk,
            kept: without `sample_weight` the ignored samples count as 0
            in the mean; with a `sample_weight` they are left out.
        axis: the class axis (only -1).

    Example:
    >>> m = SparseCategoricalCrossentropy()
    >>> m.update_state([1, 2], [[0.05, 0.95, 0.0], [0.1, 0.8, 0.1]])
    >>> round(float(m.result()), 4)
    1.1769
    """

    _direction = "down"

    def __init__(
        self,
        name="sparse_categorical_crossentropy",
        dtype=None,
        from_logits=False,
        ignore_class=None,
        axis=-1,
    ):
        super().__init__(
            fn=sparse_categorical_crossentropy,
            name=name,
            dtype=dtype,
            from_logits=from_logits,
            ignore_class=ignore_class,
            axis=axis,
        )
        self.from_logits = from_logits
        self.ignore_class = ignore_class
        self.axis = axis

    def _compute(self, y_true, y_pred):
        values, mask = _sparse_crossentropy_with_mask(
            y_true, y_pred, **self._fn_kwargs
        )
        return to_float_array(values, self._dtype), mask

    def get_config(self):
        return {
            "name": self.name,
            "dtype": self.dtype,
            "from_logits": self.from_logits,
            "ignore_class": self.ignore_class,
            "axis": self.axis,
        }
