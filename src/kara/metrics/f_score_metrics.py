"""`FBetaScore` and `F1Score`: the harmonic means of precision and recall.

For each class (column), over all samples seen:

    precision = TP / (TP + FP + eps),   recall = TP / (TP + FN + eps)
    F_beta = (1 + beta^2) * precision * recall
             / (beta^2 * precision + recall + eps)

with `eps = kara.config.epsilon()`. A prediction is positive when it is
`> threshold`; with `threshold=None` the highest score of each sample is
the (only) positive, as for single-label classification.

`average` combines the classes: `None` returns one score per class,
`"micro"` pools the counts of all classes first, `"macro"` averages the
per-class scores, `"weighted"` averages them weighted by each class's
number of true labels.

Example:
>>> from kara import metrics
>>> m = metrics.F1Score(average="micro", threshold=0.5)
>>> m.update_state([[1, 0], [1, 1]], [[0.9, 0.2], [0.4, 0.8]])
>>> round(float(m.result()), 5)
0.8
"""

import numpy as np

from kara import config
from kara.metrics.metric import Metric
from kara.metrics.metric import as_result
from kara.metrics.metric import to_float_array


class FBetaScore(Metric):
    """The F-beta score, weighting recall `beta` times as much as precision.

    Args:
        average: `None` (one score per class), `"micro"`, `"macro"` or
            `"weighted"`.
        beta: a Python float > 0.
        threshold: a Python float in (0, 1], or `None` to take the argmax
            of each sample as its positive.
        name: the metric's name.
        dtype: the dtype of the result.

    Inputs must be 2-D, `(batch_size, num_classes)`.

    Example:
    >>> m = FBetaScore(beta=2.0, threshold=0.5)
    >>> m.update_state([[1, 1, 1], [1, 0, 0], [1, 1, 0]],
    ...                [[0.2, 0.6, 0.7], [0.2, 0.6, 0.6], [0.6, 0.8, 0.0]])
    >>> [round(float(v), 4) for v in m.result().numpy()]
    [0.3846, 0.9091, 0.8333]
    """

    _direction = "up"

    def __init__(
        self,
        average=None,
        beta=1.0,
        threshold=None,
        name="fbeta_score",
        dtype=None,
    ):
        super().__init__(name=name, dtype=dtype)
        if average not in (None, "micro", "macro", "weighted"):
            raise ValueError(
                "Invalid `average` argument value. Expected one of: "
                "{None, 'micro', 'macro', 'weighted'}. "
                f"Received: average={average!r}"
            )
        if not isinstance(beta, float):
            raise ValueError(
                "Invalid `beta` argument value. It should be a Python "
                f"float. Received: beta={beta!r} of type '{type(beta)}'"
            )
        if beta <= 0.0:
            raise ValueError(
                "Invalid `beta` argument value. It should be > 0. "
                f"Received: beta={beta}"
            )
        if threshold is not None:
            if not isinstance(threshold, float):
                raise ValueError(
                    "Invalid `threshold` argument value. It should be a "
                    f"Python float. Received: threshold={threshold!r} of "
                    f"type '{type(threshold)}'"
                )
            if threshold > 1.0 or threshold <= 0.0:
                raise ValueError(
                    "Invalid `threshold` argument value. It should verify "
                    f"0 < threshold <= 1. Received: threshold={threshold}"
                )
        self.average = average
        self.beta = beta
        self.threshold = threshold
        # micro pools every class; the others keep one count per class
        self.axis = None if average == "micro" else 0
        self._built = False

    def _build(self, y_true_shape, y_pred_shape):
        if len(y_pred_shape) != 2 or len(y_true_shape) != 2:
            raise ValueError(
                f"{type(self).__name__} expects 2D inputs with shape "
                "(batch_size, output_dim). Received input shapes: "
                f"y_pred.shape={y_pred_shape} and "
                f"y_true.shape={y_true_shape}."
            )
        shape = () if self.average == "micro" else (y_pred_shape[-1],)
        self.true_positives = self.add_variable(shape, name="true_positives")
        self.false_positives = self.add_variable(shape, name="false_positives")
        self.false_negatives = self.add_variable(shape, name="false_negatives")
        self.intermediate_weights = self.add_variable(
            shape, name="intermediate_weights"
        )
        self._built = True

    def update_state(self, y_true, y_pred, sample_weight=None):
        """Adds the batch's weighted TP/FP/FN per class."""
        dtype = self._dtype
        y_true = to_float_array(y_true, dtype, "y_true")
        y_pred = to_float_array(y_pred, dtype, "y_pred")
        if not self._built:
            self._build(y_true.shape, y_pred.shape)
        if self.threshold is None:
            # the best class of each sample is its positive (ties all
            # count); an all-zero row has none
            row_max = np.max(y_pred, axis=-1, keepdims=True)
            positive = (y_pred >= row_max) & (np.abs(y_pred) > 1e-9)
        else:
            positive = y_pred > self.threshold
        y_pred = positive.astype(dtype)
        if sample_weight is not None:
            sample_weight = to_float_array(
                sample_weight, dtype, "sample_weight"
            ).reshape(-1, 1)  # one weight per sample (row)

        def weighted_sum(values):
            if sample_weight is not None:
                values = values * sample_weight
            return np.sum(values, axis=self.axis, dtype=dtype)

        self.true_positives.data += weighted_sum(y_pred * y_true)
        self.false_positives.data += weighted_sum(y_pred * (1 - y_true))
        self.false_negatives.data += weighted_sum((1 - y_pred) * y_true)
        self.intermediate_weights.data += weighted_sum(y_true)

    def result(self):
        dtype = self._dtype
        if not self._built:
            return as_result(0.0, dtype)
        eps = np.asarray(config.epsilon(), dtype)
        tp = self.true_positives.data
        precision = tp / (tp + self.false_positives.data + eps)
        recall = tp / (tp + self.false_negatives.data + eps)
        beta_sq = np.asarray(self.beta**2, dtype)
        score = precision * recall / (beta_sq * precision + recall + eps)
        score = score * (1 + beta_sq)
        if self.average == "weighted":
            weights = self.intermediate_weights.data
            weights = weights / (np.sum(weights) + eps)
            score = np.sum(score * weights)
        elif self.average is not None:  # micro, macro
            score = np.mean(score)
        return as_result(score, dtype)

    def get_config(self):
        return {
            "name": self.name,
            "dtype": self.dtype,
            "average": self.average,
            "beta": self.beta,
            "threshold": self.threshold,
        }


class F1Score(FBetaScore):
    """The F1 score: the harmonic mean of precision and recall (beta = 1).

    Args:
        average: `None` (one score per class), `"micro"`, `"macro"` or
            `"weighted"`.
        threshold: a Python float in (0, 1], or `None` to take the argmax
            of each sample as its positive.
        name: the metric's name.
        dtype: the dtype of the result.

    Example:
    >>> m = F1Score(threshold=0.5)
    >>> m.update_state([[1, 1, 1], [1, 0, 0], [1, 1, 0]],
    ...                [[0.2, 0.6, 0.7], [0.2, 0.6, 0.6], [0.6, 0.8, 0.0]])
    >>> [round(float(v), 4) for v in m.result().numpy()]
    [0.5, 0.8, 0.6667]
    """

    def __init__(
        self, average=None, threshold=None, name="f1_score", dtype=None
    ):
        super().__init__(
            average=average,
            beta=1.0,
            threshold=threshold,
            name=name,
            dtype=dtype,
        )

    def get_config(self):
        config = super().get_config()
        del config["beta"]
        return config
