"""`Sum`, `Mean` and `MeanMetricWrapper`: metrics that reduce values.

`Mean` keeps two float32 numbers, `total` and `count`, and returns
`total / count`. With sample weights it is a **weighted average over
samples**: `sum(w_i * v_i) / sum(w_i)` (a loss divides by the batch size
instead). The loss shown during `fit()` is a `Mean` updated once per batch
with `sample_weight=batch_size`.

`MeanMetricWrapper(fn)` turns a per-sample function `fn(y_true, y_pred)`
into a metric: each batch's per-sample values go into a `Mean`. Most
built-in metrics (`MeanSquaredError`, `BinaryAccuracy`, ...) are this.

How values meet weights (Keras 3, `reduce_to_samplewise_values`):
1. `values` and `sample_weight` are aligned by a trailing size-1 axis.
2. Axes of `values` beyond the weight's rank are averaged (summed for
   `Sum`), the weight is broadcast, and `values *= weight`.
3. Everything is reduced to one value per sample; `Mean` adds
   `sum(weights)` to `count` (or the number of samples without weights).

A scalar weight therefore counts once per batch. tf.keras 2 (the "keras2"
profile) broadcast the weight to every value and counted them all.

Example:
>>> from kara import metrics
>>> m = metrics.Mean()
>>> m.update_state([1.0, 3.0, 5.0, 7.0], sample_weight=[1, 1, 0, 0])
>>> float(m.result())
2.0
"""

import numpy as np

from kara import config
from kara.autograd import Tensor
from kara.metrics import metrics_utils
from kara.metrics.metric import Metric
from kara.metrics.metric import as_result
from kara.metrics.metric import divide_no_nan
from kara.metrics.metric import to_array
from kara.metrics.metric import to_float_array


def _mask_of(x):
    """The Keras mask attached to a Tensor (`_keras_mask`), if any."""
    return getattr(x, "_keras_mask", None)


def merge_mask(sample_weight, mask, dtype):
    """Folds a boolean mask into the sample weight as 0/1 factors."""
    if mask is None:
        return sample_weight
    mask = to_array(mask).astype(dtype)
    if sample_weight is None:
        return mask
    mask, sample_weight = metrics_utils.squeeze_or_expand_to_same_rank(
        mask, sample_weight
    )
    return sample_weight * mask


def reduce_to_samplewise_values(values, sample_weight, reduce_fn):
    """Keras 3's reduction of `values` (and weights) to one per sample.

    Args:
        values: float array.
        sample_weight: float array or `None`.
        reduce_fn: `np.mean` (for `Mean`) or `np.sum` (for `Sum`).

    Returns:
        `(values, sample_weight)`: values of shape `(N,)` (or `()`), and
        the weight reduced to the same shape (or `None`).
    """
    if sample_weight is not None:
        values, sample_weight = metrics_utils.squeeze_or_expand_to_same_rank(
            values, sample_weight
        )
        w_ndim = sample_weight.ndim
        if values.ndim > w_ndim:
            # average (or sum) the axes the weight does not cover
            values = reduce_fn(values, axis=tuple(range(w_ndim, values.ndim)))
        sample_weight = metrics_utils.broadcast_or_raise(
            sample_weight, values.shape, "sample_weight", "the values"
        )
        values = values * sample_weight
        if w_ndim > 1:
            sample_weight = reduce_fn(
                sample_weight, axis=tuple(range(1, w_ndim))
            )
    if values.ndim > 1:
        values = reduce_fn(values, axis=tuple(range(1, values.ndim)))
    return values, sample_weight


def _keras2_weighted(values, sample_weight, reduce_fn):
    """tf.keras 2's `Reduce.update_state` weighting.

    Returns `(weighted_values, weights)` where `weights` is what `count`
    adds (broadcast to every value when possible, as tf.keras 2 did).
    """
    w = sample_weight
    if w.ndim:
        if w.ndim - values.ndim == 1:
            if w.shape[-1] != 1:
                raise ValueError(
                    "Cannot align `sample_weight` of shape "
                    f"{w.shape} with metric values of shape {values.shape} "
                    "(tf.keras 2 squeezes the last weight axis, which must "
                    "be 1). Pass weights of shape "
                    f"{values.shape or '()'} or a scalar."
                )
            w = w[..., 0]
        elif values.ndim - w.ndim == 1:
            w = w[..., None]
    # tf.__internal__.ops.broadcast_weights: scalar, or same rank with each
    # axis 1 or equal; otherwise reduce the values to the weight's rank.
    compatible = w.ndim == 0 or (
        w.ndim == values.ndim
        and all(a in (1, b) for a, b in zip(w.shape, values.shape))
    )
    if compatible:
        w = np.broadcast_to(w, values.shape)
    else:
        values = reduce_fn(values, axis=tuple(range(w.ndim, values.ndim)))
    return values * w, w


class Sum(Metric):
    """Computes the (weighted) sum of the given values.

    For `[1, 3, 5, 7]` the sum is 16; with `sample_weight=[1, 1, 0, 0]` it
    is 4. The state is one variable, `total`.

    Args:
        name: the metric's name.
        dtype: the dtype of the result.

    Example:
    >>> m = Sum()
    >>> m.update_state([1.0, 3.0, 5.0, 7.0])
    >>> float(m.result())
    16.0
    """

    def __init__(self, name="sum", dtype=None):
        super().__init__(name=name, dtype=dtype)
        self.total = self.add_variable(shape=(), name="total")

    def update_state(self, values, sample_weight=None):
        """Adds `sum(values * sample_weight)` to the total."""
        dtype = self._dtype
        values = to_float_array(values, dtype, "values")
        if sample_weight is not None:
            sample_weight = to_float_array(
                sample_weight, dtype, "sample_weight"
            )
        if config.profile() == "keras2" and sample_weight is not None:
            values, _ = _keras2_weighted(values, sample_weight, np.sum)
        else:
            values, _ = reduce_to_samplewise_values(
                values, sample_weight, np.sum
            )
        self.total.data += values.sum(dtype=dtype)

    def result(self):
        return as_result(self.total.data, self._dtype)


class Mean(Metric):
    """Computes the (weighted) mean of the given values.

    For `[1, 3, 5, 7]` the mean is 4; with `sample_weight=[1, 1, 0, 0]` it
    is 2. The state is two variables, `total` and `count`; the result is
    `total / count` (0 while `count` is 0).

    Args:
        name: the metric's name.
        dtype: the dtype of the result.

    Example:
    >>> m = Mean()
    >>> m.update_state([1.0, 3.0, 5.0, 7.0])
    >>> float(m.result())
    4.0
    >>> m.reset_state()
    >>> m.update_state([1.0, 3.0, 5.0, 7.0], sample_weight=[1, 1, 0, 0])
    >>> float(m.result())
    2.0
    """

    def __init__(self, name="mean", dtype=None):
        super().__init__(name=name, dtype=dtype)
        self.total = self.add_variable(shape=(), name="total")
        self.count = self.add_variable(shape=(), name="count")

    def update_state(self, values, sample_weight=None):
        """Adds a batch of values (and optional weights) to the mean.

        Args:
            values: per-sample values, any shape `(N, ...)`, or a scalar.
            sample_weight: `None`, a scalar, or an array that lines up with
                `values` (`(N,)`, `(N, 1)`, or `values`' shape).
        """
        mask = _mask_of(values)
        values = to_float_array(values, self._dtype, "values")
        if (
            values.ndim == 0
            and mask is None
            and (sample_weight is None or type(sample_weight) in (int, float))
        ):
            # fast path of fit()'s loss tracker: one number per batch,
            # weighted by the batch size (same arithmetic as below)
            weight = 1 if sample_weight is None else sample_weight
            self.total.data += values * weight
            self.count.data += weight
            return
        self._accumulate(values, sample_weight, mask)

    def _accumulate(self, values, sample_weight, mask=None):
        # `values` is already a float array of the metric's dtype. A mask
        # on the values counts only when a weight is given (as in Keras).
        dtype = self._dtype
        if sample_weight is None and values.ndim <= 1:
            # one value per sample, unweighted (a metric in fit, every
            # step): both profiles add the sum and count every value
            self.total.data += values.sum(dtype=dtype)
            self.count.data += values.size
            return
        if sample_weight is not None:
            sample_weight = to_float_array(
                sample_weight, dtype, "sample_weight"
            )
            sample_weight = merge_mask(sample_weight, mask, dtype)
        if config.profile() == "keras2":
            if sample_weight is None:
                count = values.size
            else:
                values, sample_weight = _keras2_weighted(
                    values, sample_weight, np.mean
                )
                count = sample_weight.sum(dtype=dtype)
        else:
            values, sample_weight = reduce_to_samplewise_values(
                values, sample_weight, np.mean
            )
            if sample_weight is not None:
                count = sample_weight.sum(dtype=dtype)
            else:
                count = values.shape[0] if values.ndim else 1
        self.total.data += values.sum(dtype=dtype)
        self.count.data += count

    def result(self):
        total, count = self.total.data, self.count.data
        if count.ndim == 0:
            # fit() reads every metric after every step: scalar state needs
            # no array machinery (divide_no_nan's result, 0 while empty)
            value = total / count if count else total.dtype.type(0)
            return Tensor(np.asarray(value, self._dtype))
        return as_result(divide_no_nan(total, count), self._dtype)


class MeanMetricWrapper(Mean):
    """Wraps a per-sample function `fn(y_true, y_pred)` into a `Mean`.

    Each batch, `fn` gives one value per sample (or per element); the
    metric is their running weighted mean over every sample seen.

    Args:
        fn: the function, `fn(y_true, y_pred, **kwargs)`. It receives
            `kara.Tensor`s (built-in metric functions receive arrays).
        name: the metric's name.
        dtype: the dtype of the result.
        **kwargs: keyword arguments passed on to `fn`.

    Example:
    >>> def squared_error(y_true, y_pred):
    ...     return (y_true - y_pred) ** 2
    >>> m = MeanMetricWrapper(fn=squared_error)
    >>> m.update_state([[0.0, 1.0]], [[1.0, 1.0]])
    >>> float(m.result())
    0.5
    """

    def __init__(self, fn, name=None, dtype=None, **kwargs):
        super().__init__(name=name, dtype=dtype)
        self._fn = fn
        self._fn_kwargs = kwargs
        # built-in functions have an array kernel: call it, no Tensors
        self._array_impl = getattr(fn, "_array_impl", None)
        # wrapping a loss (function or instance): lower is better
        module = str(getattr(fn, "__module__", None) or "")
        if module.startswith("kara.losses"):
            self._direction = "down"

    def update_state(self, y_true, y_pred, sample_weight=None):
        """Adds `fn(y_true, y_pred)` of one batch to the running mean.

        Args:
            y_true: the labels.
            y_pred: the predictions.
            sample_weight: optional weights, `(N,)`, `(N, 1)` or matching
                the per-sample values.
        """
        mask = _mask_of(y_pred)
        y_true = to_array(y_true, "y_true")
        y_pred = to_float_array(y_pred, self._dtype, "y_pred")
        if config.profile() == "keras2":
            # tf.keras 2 casts the labels to floats and squeezes the
            # trailing size-1 axis before calling the function.
            if y_true.dtype != self._dtype:
                y_true = y_true.astype(self._dtype)
            y_true, y_pred = metrics_utils.keras2_align(y_true, y_pred)
        values, values_mask = self._compute(y_true, y_pred)
        if sample_weight is not None or mask is not None:
            if sample_weight is not None:
                sample_weight = to_float_array(
                    sample_weight, self._dtype, "sample_weight"
                )
            sample_weight = merge_mask(sample_weight, mask, self._dtype)
        if config.profile() == "keras2" and values_mask is not None:
            # tf.keras 2 applied the function's own mask unconditionally
            sample_weight = _keras2_merge_mask(
                sample_weight, values_mask, self._dtype
            )
            values_mask = None
        self._accumulate(values, sample_weight, values_mask)

    def _compute(self, y_true, y_pred):
        """Returns `(per_sample_values, mask_or_None)` as float arrays."""
        if self._array_impl is not None:
            values = self._array_impl(y_true, y_pred, **self._fn_kwargs)
            return to_float_array(values, self._dtype), None
        with config.no_grad():
            values = self._fn(Tensor(y_true), Tensor(y_pred), **self._fn_kwargs)
        mask = _mask_of(values)
        return to_float_array(values, self._dtype, "metric values"), mask

    def get_config(self):
        from kara.metrics import serialize_function

        config = {"name": self.name, "dtype": self.dtype}
        config["fn"] = serialize_function(self._fn)
        config.update(self._fn_kwargs)
        return config

    @classmethod
    def from_config(cls, config):
        from kara.metrics import deserialize_function

        config = dict(config)
        if "fn" in config:
            config["fn"] = deserialize_function(config["fn"])
        return cls(**config)


def _keras2_merge_mask(sample_weight, mask, dtype):
    mask = to_array(mask).astype(dtype)
    if sample_weight is None:
        return mask
    if sample_weight.ndim and mask.ndim - sample_weight.ndim == 1:
        sample_weight = sample_weight[..., None]
    elif sample_weight.ndim and sample_weight.ndim - mask.ndim == 1:
        sample_weight = sample_weight[..., 0]
    return sample_weight * mask
