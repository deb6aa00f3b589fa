"""Regression metrics: errors between real-valued labels and predictions.

Each per-sample function reduces the last axis; the metric is the running
(weighted) mean over samples. Notation: `t = y_true`, `p = y_pred`,
`eps = kara.config.epsilon() = 1e-7`, `mean_-1` = mean over the last axis.

- `MeanSquaredError`: `mean_-1((t - p)^2)`;
- `MeanAbsoluteError`: `mean_-1(abs(t - p))`;
- `MeanAbsolutePercentageError`:
  `100 * mean_-1(abs((t - p) / max(abs(t), eps)))`;
- `MeanSquaredLogarithmicError`:
  `mean_-1((log(max(p, eps) + 1) - log(max(t, eps) + 1))^2)`;
- `LogCoshError` (named `logcosh`): `mean_-1(x + softplus(-2x) - log 2)`
  with `x = p - t`;
- `CosineSimilarity`: `sum_axis(l2n(t) * l2n(p))`, **positive** (the loss
  is its negative);
- `RootMeanSquaredError`: `sqrt` of the weighted mean of `(t - p)^2` over
  all elements;
- `R2Score`: `1 - SS_res / SS_tot` per output column, then aggregated.

Example:
>>> from kara import metrics
>>> m = metrics.RootMeanSquaredError()
>>> m.update_state([2.0, 4.0, 6.0], [1.0, 3.0, 2.0])
>>> round(float(m.result()), 5)
2.44949
"""

import warnings

import numpy as np

from kara import config
from kara.metrics import metrics_utils
from kara.metrics.metric import Metric
from kara.metrics.metric import as_result
from kara.metrics.metric import to_float_array
from kara.metrics.metrics_utils import array_function
from kara.metrics.metrics_utils import squeeze_or_expand_to_same_rank
from kara.metrics.reduction_metrics import Mean
from kara.metrics.reduction_metrics import MeanMetricWrapper


def _aligned(y_true, y_pred, fn_name):
    """Labels as floats, aligned with predictions, and checked."""
    y_true = y_true.astype(y_pred.dtype, copy=False)
    y_true, y_pred = squeeze_or_expand_to_same_rank(y_true, y_pred)
    metrics_utils.check_same_shape(y_true, y_pred, fn_name)
    return y_true, y_pred


def _eps(dtype):
    return np.asarray(config.epsilon(), dtype=dtype)


@array_function
def mean_squared_error(y_true, y_pred):
    """Per-sample mean of `(y_true - y_pred)^2` over the last axis."""
    y_true, y_pred = _aligned(y_true, y_pred, "mean_squared_error")
    return np.mean(np.square(y_true - y_pred), axis=-1)


@array_function
def mean_absolute_error(y_true, y_pred):
    """Per-sample mean of `abs(y_true - y_pred)` over the last axis."""
    y_true, y_pred = _aligned(y_true, y_pred, "mean_absolute_error")
    return np.mean(np.abs(y_true - y_pred), axis=-1)


@array_function
def mean_absolute_percentage_error(y_true, y_pred):
    """Per-sample `100 * mean(abs((t - p) / max(abs(t), eps)))`."""
    y_true, y_pred = _aligned(y_true, y_pred, "mean_absolute_percentage_error")
    diff = np.abs(
        (y_true - y_pred) / np.maximum(np.abs(y_true), _eps(y_pred.dtype))
    )
    return 100.0 * np.mean(diff, axis=-1)


@array_function
def mean_squared_logarithmic_error(y_true, y_pred):
    """Per-sample mean of `(log(max(p,eps)+1) - log(max(t,eps)+1))^2`."""
    y_true, y_pred = _aligned(y_true, y_pred, "mean_squared_logarithmic_error")
    eps = _eps(y_pred.dtype)
    first = np.log(np.maximum(y_pred, eps) + 1.0)
    second = np.log(np.maximum(y_true, eps) + 1.0)
    return np.mean(np.square(first - second), axis=-1)


@array_function
def log_cosh(y_true, y_pred):
    """Per-sample mean of `log(cosh(y_pred - y_true))`, computed stably.

    `log(cosh(x)) = x + softplus(-2x) - log(2)` never overflows.
    """
    y_true, y_pred = _aligned(y_true, y_pred, "log_cosh")
    x = y_pred - y_true
    log2 = np.asarray(np.log(2.0), dtype=x.dtype)
    return np.mean(
        x + np.logaddexp(np.zeros((), x.dtype), -2.0 * x) - log2, axis=-1
    )


def l2_normalize(x, axis=-1):
    """`x / ||x||` along `axis`, as `x * min(rsqrt(sum(x^2)), 1/eps)`.

    A zero vector stays zero (its inverse norm is capped at `1/eps`).
    """
    square_sum = np.sum(np.square(x), axis=axis, keepdims=True)
    with np.errstate(divide="ignore"):
        inv_norm = 1.0 / np.sqrt(square_sum)
    inv_norm = np.minimum(inv_norm, 1.0 / _eps(x.dtype))
    return x * inv_norm


@array_function
def cosine_similarity(y_true, y_pred, axis=-1):
    """Per-sample cosine similarity `sum(l2n(t) * l2n(p))` (in [-1, 1]).

    Note the sign: the metric is positive (1 = same direction), the loss
    `kara.losses.cosine_similarity` is its negative.
    """
    y_true, y_pred = _aligned(y_true, y_pred, "cosine_similarity")
    return np.sum(
        l2_normalize(y_true, axis) * l2_normalize(y_pred, axis), axis=axis
    )


class MeanSquaredError(MeanMetricWrapper):
    """The mean of `(y_true - y_pred)^2` over all samples seen.

    Args:
        name: the metric's name.
        dtype: the dtype of the result.

    Example:
    >>> m = MeanSquaredError()
    >>> m.update_state([[0, 1], [0, 0]], [[1, 1], [0, 0]])
    >>> float(m.result())
    0.25
    """

    _direction = "down"

    def __init__(self, name="mean_squared_error", dtype=None):
        super().__init__(fn=mean_squared_error, name=name, dtype=dtype)

    def get_config(self):
        return {"name": self.name, "dtype": self.dtype}


class MeanAbsoluteError(MeanMetricWrapper):
    """The mean of `abs(y_true - y_pred)` over all samples seen.

    Args:
        name: the metric's name.
        dtype: the dtype of the result.

    Example:
    >>> m = MeanAbsoluteError()
    >>> m.update_state([[0, 1], [0, 0]], [[1, 1], [0, 0]])
    >>> float(m.result())
    0.25
    """

    _direction = "down"

    def __init__(self, name="mean_absolute_error", dtype=None):
        super().__init__(fn=mean_absolute_error, name=name, dtype=dtype)

    def get_config(self):
        return {"name": self.name, "dtype": self.dtype}


class MeanAbsolutePercentageError(MeanMetricWrapper):
    """The mean absolute percentage error over all samples seen.

    Args:
        name: the metric's name.
        dtype: the dtype of the result.

    Example:
    >>> m = MeanAbsolutePercentageError()
    >>> m.update_state([[1.0, 2.0]], [[1.5, 1.0]])
    >>> float(m.result())
    50.0
    """

    _direction = "down"

    def __init__(self, name="mean_absolute_percentage_error", dtype=None):
        super().__init__(
            fn=mean_absolute_percentage_error, name=name, dtype=dtype
        )

    def get_config(self):
        return {"name": self.name, "dtype": self.dtype}


class MeanSquaredLogarithmicError(MeanMetricWrapper):
    """The mean squared logarithmic error over all samples seen.

    Args:
        name: the metric's name.
        dtype: the dtype of the result.

    Example:
    >>> m = MeanSquaredLogarithmicError()
    >>> m.update_state([[0, 1], [0, 0]], [[1, 1], [0, 0]])
    >>> round(float(m.result()), 5)
    0.12011
    """

    _direction = "down"

    def __init__(self, name="mean_squared_logarithmic_error", dtype=None):
        super().__init__(
            fn=mean_squared_logarithmic_error, name=name, dtype=dtype
        )

    def get_config(self):
        return {"name": self.name, "dtype": self.dtype}


class LogCoshError(MeanMetricWrapper):
    """The mean of `log(cosh(y_pred - y_true))` over all samples seen.

    Args:
        name: the metric's name (default `"logcosh"`, as in Keras).
        dtype: the dtype of the result.

    Example:
    >>> m = LogCoshError()
    >>> m.update_state([[0, 1], [0, 0]], [[1, 1], [0, 0]])
    >>> round(float(m.result()), 5)
    0.10845
    """

    _direction = "down"

    def __init__(self, name="logcosh", dtype=None):
        super().__init__(fn=log_cosh, name=name, dtype=dtype)

    def get_config(self):
        return {"name": self.name, "dtype": self.dtype}


class CosineSimilarity(MeanMetricWrapper):
    """The mean cosine similarity between labels and predictions.

    The value is in `[-1, 1]`; 1 means the vectors point the same way.

    Args:
        name: the metric's name.
        dtype: the dtype of the result.
        axis: the axis along which the similarity is computed.

    Example:
    >>> m = CosineSimilarity()
    >>> m.update_state([[0.0, 1.0], [1.0, 1.0]], [[1.0, 0.0], [1.0, 1.0]])
    >>> round(float(m.result()), 5)
    0.5
    """

    _direction = "up"

    def __init__(self, name="cosine_similarity", dtype=None, axis=-1):
        super().__init__(
            fn=cosine_similarity, name=name, dtype=dtype, axis=axis
        )
        self.axis = axis

    def get_config(self):
        # Keras 3 leaves `axis` out (so it is lost on reload); tf.keras 2
        # and kara keep it.
        return {"name": self.name, "dtype": self.dtype, "axis": self.axis}


class RootMeanSquaredError(Mean):
    """The square root of the mean squared error over all elements seen.

    Unlike `MeanSquaredError`, the mean runs over elements (each sample
    weight applies to all of its elements), and the square root is taken
    of the running mean, not averaged per batch.

    Args:
        name: the metric's name.
        dtype: the dtype of the result.

    Example:
    >>> m = RootMeanSquaredError()
    >>> m.update_state([[0, 1], [0, 0]], [[1, 1], [0, 0]])
    >>> float(m.result())
    0.5
    """

    _direction = "down"

    def __init__(self, name="root_mean_squared_error", dtype=None):
        super().__init__(name=name, dtype=dtype)

    def update_state(self, y_true, y_pred, sample_weight=None):
        """Adds the squared errors of one batch."""
        y_true = to_float_array(y_true, self._dtype, "y_true")
        y_pred = to_float_array(y_pred, self._dtype, "y_pred")
        if config.profile() == "keras2":
            y_true, y_pred = metrics_utils.keras2_align(y_true, y_pred)
        else:
            y_true, y_pred = squeeze_or_expand_to_same_rank(y_true, y_pred)
        metrics_utils.check_same_shape(y_true, y_pred, type(self).__name__)
        self._accumulate(np.square(y_pred - y_true), sample_weight)

    def result(self):
        return as_result(np.sqrt(super().result().data), self._dtype)

    def get_config(self):
        return {"name": self.name, "dtype": self.dtype}


class R2Score(Metric):
    """The coefficient of determination, `1 - SS_res / SS_tot`.

    The state holds per-output-column sums, so the score is exact over all
    samples seen (not an average of per-batch scores). Inputs must be 2-D,
    `(batch_size, num_outputs)`.

    Args:
        class_aggregation: how per-column scores combine:
            `"uniform_average"` (mean, default),
            `"variance_weighted_average"` (weighted by each column's
            variance), or `None` (return the per-column scores).
        num_regressors: the number of independent variables of the model;
            a value > 0 gives the adjusted R2 score.
        name: the metric's name.
        dtype: the dtype of the result.

    Example:
    >>> m = R2Score()
    >>> m.update_state([[1.0], [4.0], [3.0]], [[2.0], [4.0], [4.0]])
    >>> round(float(m.result()), 5)
    0.57143
    """

    _direction = "up"

    def __init__(
        self,
        class_aggregation="uniform_average",
        num_regressors=0,
        name="r2_score",
        dtype=None,
    ):
        super().__init__(name=name, dtype=dtype)
        valid = (None, "uniform_average", "variance_weighted_average")
        if class_aggregation not in valid:
            raise ValueError(
                "Invalid value for argument `class_aggregation`. Expected "
                f"one of {valid}. Received: "
                f"class_aggregation={class_aggregation!r}"
            )
        if num_regressors < 0:
            raise ValueError(
                "Invalid value for argument `num_regressors`. Expected a "
                f"value >= 0. Received: num_regressors={num_regressors}"
            )
        self.class_aggregation = class_aggregation
        self.num_regressors = num_regressors
        self.num_samples = self.add_variable(shape=(), name="num_samples")
        self._built = False

    def _build(self, y_true_shape, y_pred_shape):
        if len(y_pred_shape) != 2 or len(y_true_shape) != 2:
            raise ValueError(
                "R2Score expects 2D inputs with shape (batch_size, "
                f"output_dim). Received input shapes: y_pred.shape="
                f"{y_pred_shape} and y_true.shape={y_true_shape}."
            )
        num_classes = y_pred_shape[-1]
        self.squared_sum = self.add_variable((num_classes,), name="squared_sum")
        self.sum = self.add_variable((num_classes,), name="sum")
        self.total_mse = self.add_variable((num_classes,), name="residual")
        self.count = self.add_variable((num_classes,), name="count")
        self._built = True

    def update_state(self, y_true, y_pred, sample_weight=None):
        """Adds one batch to the per-column sums."""
        dtype = self._dtype
        y_true = to_float_array(y_true, dtype, "y_true")
        y_pred = to_float_array(y_pred, dtype, "y_pred")
        y_true, y_pred = squeeze_or_expand_to_same_rank(y_true, y_pred)
        if not self._built:
            self._build(y_true.shape, y_pred.shape)
        if sample_weight is None:
            sample_weight = np.ones((), dtype)
        sample_weight = to_float_array(sample_weight, dtype, "sample_weight")
        if sample_weight.ndim == 1:
            sample_weight = sample_weight[:, None]
        sample_weight = metrics_utils.broadcast_or_raise(
            sample_weight, y_true.shape, "sample_weight", "y_true"
        )
        weighted_y_true = y_true * sample_weight
        self.sum.data += weighted_y_true.sum(axis=0)
        self.squared_sum.data += (y_true * weighted_y_true).sum(axis=0)
        self.total_mse.data += (np.square(y_true - y_pred) * sample_weight).sum(
            axis=0
        )
        self.count.data += sample_weight.sum(axis=0)
        self.num_samples.data += y_true.size

    def result(self):
        dtype = self._dtype
        if not self._built:
            # Keras raises here (no state yet); an empty metric scores 0.
            return as_result(0.0, dtype)
        with np.errstate(divide="ignore", invalid="ignore"):
            mean = self.sum.data / self.count.data
            total = self.squared_sum.data - self.sum.data * mean
            raw_scores = 1 - self.total_mse.data / total
        raw_scores = np.where(np.isinf(raw_scores), 0.0, raw_scores).astype(
            dtype
        )
        if self.class_aggregation == "uniform_average":
            score = np.mean(raw_scores)
        elif self.class_aggregation == "variance_weighted_average":
            with np.errstate(divide="ignore", invalid="ignore"):
                score = np.sum(total * raw_scores) / np.sum(total)
        else:
            score = raw_scores
        if self.num_regressors != 0:
            n = float(self.num_samples.data)
            p = float(self.num_regressors)
            if p > n - 1:
                warnings.warn(
                    "More independent predictors than datapoints in "
                    "adjusted R2 score. Falling back to standard R2 score.",
                    stacklevel=2,
                )
            elif p == n - 1:
                warnings.warn(
                    "Division by zero in Adjusted R2 score. Falling back to "
                    "standard R2 score.",
                    stacklevel=2,
                )
            else:
                n = np.float32(n)
                p = np.float32(p)
                score = 1.0 - (1.0 - score) * (n - 1.0) / (n - p - 1.0)
        return as_result(score, dtype)

    def get_config(self):
        return {
            "name": self.name,
            "dtype": self.dtype,
            "class_aggregation": self.class_aggregation,
            "num_regressors": self.num_regressors,
        }
