"""`AUC`: the area under the ROC or precision-recall curve.

The metric keeps TP/FP/TN/FN counts at `num_thresholds` thresholds (see
`confusion_metrics`) and, in `result()`, integrates the curve through the
points given by the counts with a Riemann sum:

- `curve="ROC"`: x = false-positive rate `FP / (FP + TN)`,
  y = recall `TP / (TP + FN)`;
- `curve="PR"`: x = recall, y = precision `TP / (TP + FP)`; with
  `summation_method="interpolation"` the precision is interpolated
  between thresholds as in Davis & Goadrich (2006), which is exact for
  the step-wise PR curve;
- `curve="PRGAIN"`: precision-recall gain (Flach & Kull, 2015).

Heights of each segment: the mean of both ends (`"interpolation"`), the
larger (`"majoring"`) or the smaller (`"minoring"`).

Thresholds are `[-eps, 1/(T-1), ..., (T-2)/(T-1), 1 + eps]`, so a
prediction of exactly 0 or 1 lands inside the grid.

Example:
>>> from kara import metrics
>>> m = metrics.AUC(num_thresholds=3)
>>> m.update_state([0, 0, 1, 1], [0, 0.5, 0.3, 0.9])
>>> float(m.result())
0.75
"""

import numpy as np

from kara import config
from kara.metrics.confusion_matrix import FN
from kara.metrics.confusion_matrix import FP
from kara.metrics.confusion_matrix import TN
from kara.metrics.confusion_matrix import TP
from kara.metrics.confusion_matrix import AUCCurve
from kara.metrics.confusion_matrix import AUCSummationMethod
from kara.metrics.confusion_matrix import is_evenly_distributed_thresholds
from kara.metrics.confusion_matrix import update_confusion_matrix_variables
from kara.metrics.metric import Metric
from kara.metrics.metric import as_result
from kara.metrics.metric import divide_no_nan
from kara.metrics.metric import to_float_array


class AUC(Metric):
    """Approximates the area under the ROC or PR curve.

    Args:
        num_thresholds: the number of thresholds (> 1) on the curve;
            default 200. More thresholds give a finer curve.
        curve: `"ROC"` (default), `"PR"` or `"PRGAIN"`.
        summation_method: `"interpolation"` (default), `"majoring"` or
            `"minoring"`.
        name: the metric's name.
        dtype: the dtype of the result.
        thresholds: explicit thresholds in [0, 1] (then `num_thresholds`
            is `len(thresholds) + 2`: -eps and 1+eps are added).
        multi_label: treat the last axis as independent labels, compute
            one AUC per label and average them (instead of pooling all
            labels into one curve).
        num_labels: the number of labels with `multi_label`, to create the
            state before the first batch.
        label_weights: weights of the labels: the weighted mean of the
            per-label AUCs with `multi_label`, otherwise per-label weights
            of the counts.
        from_logits: `y_pred` holds logits (a sigmoid is applied first).

    Example:
    >>> m = AUC()
    >>> m.update_state([0, 0, 1, 1], [0, 0.5, 0.3, 0.9])
    >>> round(float(m.result()), 5)
    0.75
    """

    _direction = "up"

    def __init__(
        self,
        num_thresholds=200,
        curve="ROC",
        summation_method="interpolation",
        name=None,
        dtype=None,
        thresholds=None,
        multi_label=False,
        num_labels=None,
        label_weights=None,
        from_logits=False,
    ):
        self._init_from_thresholds = thresholds is not None
        if thresholds is not None:
            self.num_thresholds = len(thresholds) + 2
            thresholds = sorted(float(t) for t in thresholds)
            self._thresholds_distributed_evenly = (
                is_evenly_distributed_thresholds(
                    np.array([0.0] + thresholds + [1.0])
                )
            )
        else:
            if num_thresholds <= 1:
                raise ValueError(
                    "Argument `num_thresholds` must be an integer > 1. "
                    f"Received: num_thresholds={num_thresholds}"
                )
            self.num_thresholds = num_thresholds
            thresholds = [
                (i + 1) / (num_thresholds - 1)
                for i in range(num_thresholds - 2)
            ]
            self._thresholds_distributed_evenly = True
        eps = config.epsilon()
        self._thresholds = np.array([0.0 - eps] + thresholds + [1.0 + eps])
        self.curve = (
            curve if isinstance(curve, AUCCurve) else AUCCurve.from_str(curve)
        )
        self.summation_method = (
            summation_method
            if isinstance(summation_method, AUCSummationMethod)
            else AUCSummationMethod.from_str(summation_method)
        )
        super().__init__(name=name, dtype=dtype)
        self.multi_label = multi_label
        self.num_labels = num_labels
        self.label_weights = (
            None
            if label_weights is None
            else np.asarray(label_weights, dtype=self._dtype)
        )
        self._from_logits = from_logits
        self._built = False
        if multi_label:
            if num_labels:
                self._build((None, num_labels))
        else:
            if num_labels:
                raise ValueError(
                    "`num_labels` is needed only when `multi_label` is True."
                )
            self._build(None)

    @property
    def thresholds(self):
        """The thresholds used, including -eps and 1+eps at the ends."""
        return list(self._thresholds)

    def _build(self, shape):
        if self.multi_label:
            if len(shape) != 2:
                raise ValueError(
                    "`y_pred` must have rank 2 when `multi_label=True`. "
                    f"Found rank {len(shape)}. Full shape received for "
                    f"`y_pred`: {shape}"
                )
            self._num_labels = shape[1]
            variable_shape = (self.num_thresholds, self._num_labels)
        else:
            variable_shape = (self.num_thresholds,)
        self._build_input_shape = shape
        self.true_positives = self.add_variable(
            variable_shape, name="true_positives"
        )
        self.false_positives = self.add_variable(
            variable_shape, name="false_positives"
        )
        self.true_negatives = self.add_variable(
            variable_shape, name="true_negatives"
        )
        self.false_negatives = self.add_variable(
            variable_shape, name="false_negatives"
        )
        self._built = True

    def update_state(self, y_true, y_pred, sample_weight=None):
        """Adds the batch's weighted counts at every threshold."""
        y_pred = to_float_array(y_pred, self._dtype, "y_pred")
        if not self._built:
            self._build(y_pred.shape)
        if self._from_logits:
            with np.errstate(over="ignore"):  # exp(-x) = inf gives 0
                y_pred = 1.0 / (1.0 + np.exp(-y_pred))
        update_confusion_matrix_variables(
            {
                TP: self.true_positives,
                TN: self.true_negatives,
                FP: self.false_positives,
                FN: self.false_negatives,
            },
            y_true,
            y_pred,
            self._thresholds,
            thresholds_distributed_evenly=self._thresholds_distributed_evenly,
            sample_weight=sample_weight,
            multi_label=self.multi_label,
            label_weights=None if self.multi_label else self.label_weights,
        )

    def _average_over_labels(self, by_threshold):
        """Sums segments per label, then averages labels (multi-label)."""
        if not self.multi_label:
            return np.sum(by_threshold)
        by_label = np.sum(by_threshold, axis=0)
        if self.label_weights is None:
            return np.mean(by_label)
        return divide_no_nan(
            np.sum(by_label * self.label_weights), np.sum(self.label_weights)
        )

    def interpolate_pr_auc(self):
        """The PR-AUC with precision interpolated between thresholds.

        Between two thresholds, TP grows linearly with P = TP + FP, so
        precision = slope + intercept / P and its integral over recall has
        a closed form with a log (Davis & Goadrich, 2006).
        """
        n = self.num_thresholds
        tp = self.true_positives.data
        fp = self.false_positives.data
        fn = self.false_negatives.data
        dtp = tp[: n - 1] - tp[1:]
        p = tp + fp
        dp = p[: n - 1] - p[1:]
        prec_slope = divide_no_nan(dtp, np.maximum(dp, 0))
        intercept = tp[1:] - prec_slope * p[1:]
        both_positive = (p[: n - 1] > 0) & (p[1:] > 0)
        safe_p_ratio = np.where(
            both_positive,
            divide_no_nan(p[: n - 1], np.maximum(p[1:], 0)),
            np.ones_like(p[1:]),
        )
        with np.errstate(divide="ignore"):
            log_ratio = np.log(safe_p_ratio)
        increments = divide_no_nan(
            prec_slope * (dtp + intercept * log_ratio),
            np.maximum(tp[1:] + fn[1:], 0),
        )
        return self._average_over_labels(increments)

    def result(self):
        if not self._built:
            return as_result(0.0, self._dtype)
        if (
            self.curve == AUCCurve.PR
            and self.summation_method == AUCSummationMethod.INTERPOLATION
        ):
            return as_result(self.interpolate_pr_auc(), self._dtype)
        tp = self.true_positives.data
        fp = self.false_positives.data
        tn = self.true_negatives.data
        fn = self.false_negatives.data
        recall = divide_no_nan(tp, tp + fn)
        if self.curve == AUCCurve.ROC:
            x = divide_no_nan(fp, fp + tn)  # false-positive rate
            y = recall
        elif self.curve == AUCCurve.PR:
            x = recall
            y = divide_no_nan(tp, tp + fp)  # precision
        else:  # PRGAIN
            scaling = divide_no_nan(tp + fn, tn + fp)
            recall_gain = 1.0 - scaling * divide_no_nan(fn, tp)
            precision_gain = 1.0 - scaling * divide_no_nan(fp, tp)
            recall_gain = np.where(tp == 0, 0.0, recall_gain)
            precision_gain = np.where(tp == 0, 1.0, precision_gain)
            x = np.maximum(recall_gain, 0.0).astype(self._dtype)
            y = precision_gain.astype(self._dtype)
        n = self.num_thresholds
        if self.summation_method == AUCSummationMethod.INTERPOLATION:
            heights = (y[: n - 1] + y[1:]) / 2.0
        elif self.summation_method == AUCSummationMethod.MINORING:
            heights = np.minimum(y[: n - 1], y[1:])
        else:
            heights = np.maximum(y[: n - 1], y[1:])
        riemann_terms = (x[: n - 1] - x[1:]) * heights
        return as_result(self._average_over_labels(riemann_terms), self._dtype)

    def reset_state(self):
        if self._built:
            super().reset_state()

    def get_config(self):
        label_weights = self.label_weights
        config = {
            "name": self.name,
            "dtype": self.dtype,
            "num_thresholds": self.num_thresholds,
            "curve": self.curve.value,
            "summation_method": self.summation_method.value,
            "multi_label": self.multi_label,
            "num_labels": self.num_labels,
            "label_weights": (
                None if label_weights is None else label_weights.tolist()
            ),
            "from_logits": self._from_logits,
        }
        if self._init_from_thresholds:
            config["thresholds"] = [float(t) for t in self._thresholds[1:-1]]
        return config
