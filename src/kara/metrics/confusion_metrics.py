"""Metrics built on confusion-matrix counts at one or more thresholds.

For each threshold the metrics count, weighted by `sample_weight`, over
every element seen since the last reset (the counts are global, not
averaged per batch):

    TP = label and positive     FP = not label and positive
    TN = not label and not positive     FN = label and not positive

where "positive" means `y_pred > threshold` and "label" means a non-zero
`y_true` (see `confusion_matrix`). `Precision = TP / (TP + FP)`,
`Recall = TP / (TP + FN)` (0 when the denominator is 0). The "X at fixed
Y" metrics search a grid of thresholds for the best trade-off; `AUC`
lives in `auc.py`.

Example:
>>> from kara import metrics
>>> m = metrics.Precision()
>>> m.update_state([0, 1, 1, 1], [1, 0, 1, 1])
>>> round(float(m.result()), 5)
0.66667
"""

import numpy as np

from kara.metrics.confusion_matrix import FN
from kara.metrics.confusion_matrix import FP
from kara.metrics.confusion_matrix import NEG_INF
from kara.metrics.confusion_matrix import TN
from kara.metrics.confusion_matrix import TP
from kara.metrics.confusion_matrix import is_evenly_distributed_thresholds
from kara.metrics.confusion_matrix import parse_init_thresholds
from kara.metrics.confusion_matrix import update_confusion_matrix_variables
from kara.metrics.metric import Metric
from kara.metrics.metric import as_result
from kara.metrics.metric import divide_no_nan


# ---------------------------------------------------------------- metrics
class _ConfusionMatrixConditionCount(Metric):
    """Counts one confusion-matrix cell at each threshold."""

    _condition = None

    def __init__(self, thresholds=None, name=None, dtype=None):
        super().__init__(name=name, dtype=dtype)
        self.init_thresholds = thresholds
        self.thresholds = parse_init_thresholds(thresholds, 0.5)
        self._thresholds_distributed_evenly = is_evenly_distributed_thresholds(
            self.thresholds
        )
        self.accumulator = self.add_variable(
            shape=(len(self.thresholds),), name="accumulator"
        )

    def update_state(self, y_true, y_pred, sample_weight=None):
        """Adds the batch's weighted count at each threshold."""
        update_confusion_matrix_variables(
            {self._condition: self.accumulator},
            y_true,
            y_pred,
            thresholds=self.thresholds,
            thresholds_distributed_evenly=self._thresholds_distributed_evenly,
            sample_weight=sample_weight,
        )

    def result(self):
        value = self.accumulator.data
        if len(self.thresholds) == 1:
            value = value[0]
        return as_result(value, self._dtype)

    def get_config(self):
        return {
            "name": self.name,
            "dtype": self.dtype,
            "thresholds": self.init_thresholds,
        }


class TruePositives(_ConfusionMatrixConditionCount):
    """The (weighted) number of true positives: label 1, `y_pred > th`.

    Args:
        thresholds: a float or a list of floats in [0, 1] (default 0.5);
            with a list, `result()` has one count per threshold.
        name: the metric's name.
        dtype: the dtype of the result.

    Example:
    >>> m = TruePositives()
    >>> m.update_state([0, 1, 1, 1], [1, 0, 1, 1])
    >>> float(m.result())
    2.0
    """

    _condition = TP


class FalsePositives(_ConfusionMatrixConditionCount):
    """The (weighted) number of false positives: label 0, `y_pred > th`.

    Args:
        thresholds: a float or a list of floats in [0, 1] (default 0.5).
        name: the metric's name.
        dtype: the dtype of the result.

    Example:
    >>> m = FalsePositives()
    >>> m.update_state([0, 1, 0, 0], [0, 0, 1, 1])
    >>> float(m.result())
    2.0
    """

    _condition = FP


class TrueNegatives(_ConfusionMatrixConditionCount):
    """The (weighted) number of true negatives: label 0, `y_pred <= th`.

    Args:
        thresholds: a float or a list of floats in [0, 1] (default 0.5).
        name: the metric's name.
        dtype: the dtype of the result.

    Example:
    >>> m = TrueNegatives()
    >>> m.update_state([0, 1, 0, 0], [1, 1, 0, 0])
    >>> float(m.result())
    2.0
    """

    _condition = TN


class FalseNegatives(_ConfusionMatrixConditionCount):
    """The (weighted) number of false negatives: label 1, `y_pred <= th`.

    Args:
        thresholds: a float or a list of floats in [0, 1] (default 0.5).
        name: the metric's name.
        dtype: the dtype of the result.

    Example:
    >>> m = FalseNegatives()
    >>> m.update_state([0, 1, 1, 1], [0, 1, 0, 0])
    >>> float(m.result())
    2.0
    """

    _condition = FN


class _PrecisionRecallBase(Metric):
    """Shared state of `Precision` and `Recall`: TP and one error count."""

    _direction = "up"
    _error = None  # FP for precision, FN for recall
    _error_name = None

    def __init__(
        self,
        thresholds=None,
        top_k=None,
        class_id=None,
        name=None,
        dtype=None,
    ):
        super().__init__(name=name, dtype=dtype)
        self.init_thresholds = thresholds
        self.top_k = top_k
        self.class_id = class_id
        default = 0.5 if top_k is None else NEG_INF
        self.thresholds = parse_init_thresholds(thresholds, default)
        self._thresholds_distributed_evenly = is_evenly_distributed_thresholds(
            self.thresholds
        )
        shape = (len(self.thresholds),)
        self.true_positives = self.add_variable(shape, name="true_positives")
        setattr(
            self,
            self._error_name,
            self.add_variable(shape, name=self._error_name),
        )

    def update_state(self, y_true, y_pred, sample_weight=None):
        """Adds the batch's weighted counts."""
        update_confusion_matrix_variables(
            {
                TP: self.true_positives,
                self._error: getattr(self, self._error_name),
            },
            y_true,
            y_pred,
            thresholds=self.thresholds,
            thresholds_distributed_evenly=self._thresholds_distributed_evenly,
            top_k=self.top_k,
            class_id=self.class_id,
            sample_weight=sample_weight,
        )

    def result(self):
        tp = self.true_positives.data
        value = divide_no_nan(tp, tp + getattr(self, self._error_name).data)
        return as_result(
            value[0] if len(self.thresholds) == 1 else value, self._dtype
        )

    def get_config(self):
        return {
            "name": self.name,
            "dtype": self.dtype,
            "thresholds": self.init_thresholds,
            "top_k": self.top_k,
            "class_id": self.class_id,
        }


class Precision(_PrecisionRecallBase):
    """Precision, `TP / (TP + FP)`, over all elements seen.

    Args:
        thresholds: a float or list of floats in [0, 1]; a prediction is
            positive when `> threshold` (default 0.5, or any of the top-k
            with `top_k`). With a list, `result()` is one value per
            threshold.
        top_k: only the `k` highest predictions of each sample count as
            positive.
        class_id: only compute the precision of this class.
        name: the metric's name.
        dtype: the dtype of the result.

    Example:
    >>> m = Precision()
    >>> m.update_state([0, 1, 1, 1], [1, 0, 1, 1])
    >>> round(float(m.result()), 5)
    0.66667
    """

    _error = FP
    _error_name = "false_positives"


class Recall(_PrecisionRecallBase):
    """Recall, `TP / (TP + FN)`, over all elements seen.

    Args:
        thresholds: a float or list of floats in [0, 1] (see `Precision`).
        top_k: only the `k` highest predictions of each sample count as
            positive.
        class_id: only compute the recall of this class.
        name: the metric's name.
        dtype: the dtype of the result.

    Example:
    >>> m = Recall()
    >>> m.update_state([0, 1, 1, 1], [1, 0, 1, 1])
    >>> round(float(m.result()), 5)
    0.66667
    """

    _error = FN
    _error_name = "false_negatives"


class SensitivitySpecificityBase(Metric):
    """Base of the "X at fixed Y" metrics: all four counts on a grid.

    Args:
        value: the constraint value, in [0, 1].
        num_thresholds: how many evenly spaced thresholds (default 200).
        class_id: only use this class.
        name: the metric's name.
        dtype: the dtype of the result.
    """

    _direction = "up"

    def __init__(
        self, value, num_thresholds=200, class_id=None, name=None, dtype=None
    ):
        super().__init__(name=name, dtype=dtype)
        if num_thresholds <= 0:
            raise ValueError(
                "Argument `num_thresholds` must be an integer > 0. "
                f"Received: num_thresholds={num_thresholds}"
            )
        self.value = value
        self.class_id = class_id
        if num_thresholds == 1:
            self.thresholds = [0.5]
            self._thresholds_distributed_evenly = False
        else:
            inner = [
                (i + 1) / (num_thresholds - 1)
                for i in range(num_thresholds - 2)
            ]
            self.thresholds = [0.0] + inner + [1.0]
            self._thresholds_distributed_evenly = True
        shape = (len(self.thresholds),)
        self.true_positives = self.add_variable(shape, name="true_positives")
        self.false_positives = self.add_variable(shape, name="false_positives")
        self.true_negatives = self.add_variable(shape, name="true_negatives")
        self.false_negatives = self.add_variable(shape, name="false_negatives")

    def update_state(self, y_true, y_pred, sample_weight=None):
        """Adds the batch's weighted counts at every threshold."""
        update_confusion_matrix_variables(
            {
                TP: self.true_positives,
                TN: self.true_negatives,
                FP: self.false_positives,
                FN: self.false_negatives,
            },
            y_true,
            y_pred,
            thresholds=self.thresholds,
            thresholds_distributed_evenly=self._thresholds_distributed_evenly,
            class_id=self.class_id,
            sample_weight=sample_weight,
        )

    def _rates(self):
        tp, fp = self.true_positives.data, self.false_positives.data
        tn, fn = self.true_negatives.data, self.false_negatives.data
        return {
            "sensitivity": divide_no_nan(tp, tp + fn),  # = recall
            "specificity": divide_no_nan(tn, tn + fp),
            "precision": divide_no_nan(tp, tp + fp),
        }

    def _max_under_constraint(self, constrained, dependent):
        # the best `dependent` among thresholds where `constrained >= value`
        feasible = constrained >= self.value
        best = np.where(feasible, dependent, 0).max(initial=0)
        return as_result(best, self._dtype)

    def get_config(self):
        return {
            "name": self.name,
            "dtype": self.dtype,
            "class_id": self.class_id,
        }


def _check_unit(name, value):
    if value < 0 or value > 1:
        raise ValueError(
            f"Argument `{name}` must be in the range [0, 1]. "
            f"Received: {name}={value}"
        )


class SensitivityAtSpecificity(SensitivitySpecificityBase):
    """The best sensitivity (recall) where specificity >= `specificity`.

    Args:
        specificity: the minimum specificity, in [0, 1].
        num_thresholds: thresholds used to draw the trade-off.
        class_id: only use this class.
        name: the metric's name.
        dtype: the dtype of the result.

    Example:
    >>> m = SensitivityAtSpecificity(0.5)
    >>> m.update_state([0, 0, 0, 1, 1], [0, 0.3, 0.8, 0.3, 0.8])
    >>> float(m.result())
    0.5
    """

    def __init__(
        self,
        specificity,
        num_thresholds=200,
        class_id=None,
        name=None,
        dtype=None,
    ):
        _check_unit("specificity", specificity)
        self.specificity = specificity
        self.num_thresholds = num_thresholds
        super().__init__(specificity, num_thresholds, class_id, name, dtype)

    def result(self):
        r = self._rates()
        return self._max_under_constraint(r["specificity"], r["sensitivity"])

    def get_config(self):
        return {
            **super().get_config(),
            "num_thresholds": self.num_thresholds,
            "specificity": self.specificity,
        }


class SpecificityAtSensitivity(SensitivitySpecificityBase):
    """The best specificity where sensitivity >= `sensitivity`.

    Args:
        sensitivity: the minimum sensitivity, in [0, 1].
        num_thresholds: thresholds used to draw the trade-off.
        class_id: only use this class.
        name: the metric's name.
        dtype: the dtype of the result.

    Example:
    >>> m = SpecificityAtSensitivity(0.5)
    >>> m.update_state([0, 0, 0, 1, 1], [0, 0.3, 0.8, 0.3, 0.8])
    >>> round(float(m.result()), 5)
    0.66667
    """

    def __init__(
        self,
        sensitivity,
        num_thresholds=200,
        class_id=None,
        name=None,
        dtype=None,
    ):
        _check_unit("sensitivity", sensitivity)
        self.sensitivity = sensitivity
        self.num_thresholds = num_thresholds
        super().__init__(sensitivity, num_thresholds, class_id, name, dtype)

    def result(self):
        r = self._rates()
        return self._max_under_constraint(r["sensitivity"], r["specificity"])

    def get_config(self):
        return {
            **super().get_config(),
            "num_thresholds": self.num_thresholds,
            "sensitivity": self.sensitivity,
        }


class PrecisionAtRecall(SensitivitySpecificityBase):
    """The best precision where recall >= `recall`.

    Args:
        recall: the minimum recall, in [0, 1].
        num_thresholds: thresholds used to draw the trade-off.
        class_id: only use this class.
        name: the metric's name.
        dtype: the dtype of the result.

    Example:
    >>> m = PrecisionAtRecall(0.5)
    >>> m.update_state([0, 0, 0, 1, 1], [0, 0.3, 0.8, 0.3, 0.8])
    >>> float(m.result())
    0.5
    """

    def __init__(
        self,
        recall,
        num_thresholds=200,
        class_id=None,
        name=None,
        dtype=None,
    ):
        _check_unit("recall", recall)
        self.recall = recall
        self.num_thresholds = num_thresholds
        super().__init__(recall, num_thresholds, class_id, name, dtype)

    def result(self):
        r = self._rates()
        return self._max_under_constraint(r["sensitivity"], r["precision"])

    def get_config(self):
        return {
            **super().get_config(),
            "num_thresholds": self.num_thresholds,
            "recall": self.recall,
        }


class RecallAtPrecision(SensitivitySpecificityBase):
    """The best recall where precision >= `precision`.

    Args:
        precision: the minimum precision, in [0, 1].
        num_thresholds: thresholds used to draw the trade-off.
        class_id: only use this class.
        name: the metric's name.
        dtype: the dtype of the result.

    Example:
    >>> m = RecallAtPrecision(0.8)
    >>> m.update_state([0, 0, 1, 1], [0, 0.5, 0.3, 0.9])
    >>> float(m.result())
    0.5
    """

    def __init__(
        self,
        precision,
        num_thresholds=200,
        class_id=None,
        name=None,
        dtype=None,
    ):
        _check_unit("precision", precision)
        self.precision = precision
        self.num_thresholds = num_thresholds
        super().__init__(precision, num_thresholds, class_id, name, dtype)

    def result(self):
        r = self._rates()
        return self._max_under_constraint(r["precision"], r["sensitivity"])

    def get_config(self):
        return {
            **super().get_config(),
            "num_thresholds": self.num_thresholds,
            "precision": self.precision,
        }
