"""Bad arguments and inputs raise errors that name the value and the fix."""

import numpy as np
import pytest

from kara import config
from kara import metrics


def test_incompatible_shapes_name_both_shapes():
    m = metrics.MeanSquaredError()
    with pytest.raises(
        ValueError,
        match=r"y_true.shape=\(2, 3\), "
        r"y_pred.shape=\(2, 4\)",
    ):
        m.update_state(np.zeros((2, 3)), np.zeros((2, 4)))
    with pytest.raises(ValueError, match="same shape"):
        metrics.Precision().update_state(np.zeros((2, 3)), np.zeros((2, 4)))


def test_sample_weight_that_does_not_fit():
    with pytest.raises(
        ValueError,
        match=r"`sample_weight` of shape \(3,\) "
        r"cannot be broadcast to the shape \(4,\)",
    ):
        metrics.Mean().update_state(
            [1.0, 2.0, 3.0, 4.0], sample_weight=[1.0, 1.0, 1.0]
        )
    with pytest.raises(ValueError, match="cannot be broadcast"):
        # per-element weights on a per-sample metric (Keras fails too)
        metrics.MeanSquaredError().update_state(
            np.zeros((2, 3)), np.zeros((2, 3)), sample_weight=np.ones((2, 3))
        )


def test_keras2_profile_weight_alignment_error():
    with config.using_profile("keras2"):
        m = metrics.MeanSquaredError()
        with pytest.raises(ValueError, match="Cannot align `sample_weight`"):
            m.update_state(
                np.zeros(4), np.zeros((4, 1)), sample_weight=np.ones(4)
            )


def test_strings_are_not_numbers():
    with pytest.raises(TypeError, match="y_pred"):
        metrics.MeanSquaredError().update_state([1.0], "0.5")


@pytest.mark.parametrize(
    "make,match",
    [
        (
            lambda: metrics.Precision(thresholds=[0.5, 1.5]),
            r"Threshold values must be in \[0, 1\]. Received: \[1.5\]",
        ),
        (lambda: metrics.TruePositives(thresholds=-0.1), r"Received: \[-0.1\]"),
        (lambda: metrics.AUC(curve="ROCC"), 'Invalid AUC curve value: "ROCC"'),
        (
            lambda: metrics.AUC(summation_method="mean"),
            'Invalid AUC summation method value: "mean"',
        ),
        (
            lambda: metrics.AUC(num_thresholds=1),
            "`num_thresholds` must be an integer > 1. Received: "
            "num_thresholds=1",
        ),
        (
            lambda: metrics.AUC(num_labels=3),
            "`num_labels` is needed only when `multi_label` is True",
        ),
        (
            lambda: metrics.FBetaScore(beta=2),
            "It should be a Python float. Received: beta=2",
        ),
        (lambda: metrics.FBetaScore(beta=-1.0), "It should be > 0"),
        (
            lambda: metrics.FBetaScore(average="avg"),
            "Invalid `average` argument value",
        ),
        (lambda: metrics.F1Score(threshold=1.5), "0 < threshold <= 1"),
        (lambda: metrics.F1Score(threshold=1), "Received: threshold=1"),
        (
            lambda: metrics.R2Score(class_aggregation="mean"),
            "class_aggregation='mean'",
        ),
        (lambda: metrics.R2Score(num_regressors=-1), "num_regressors=-1"),
        (
            lambda: metrics.SensitivityAtSpecificity(1.5),
            r"`specificity` must be in the range \[0, 1\]",
        ),
        (
            lambda: metrics.PrecisionAtRecall(0.5, num_thresholds=0),
            "num_thresholds=0",
        ),
    ],
)
def test_invalid_constructor_arguments(make, match):
    with pytest.raises(ValueError, match=match):
        make()


def test_invalid_inputs_for_shape_specific_metrics():
    with pytest.raises(
        ValueError, match="must have rank 2 when `multi_label=True`"
    ):
        metrics.AUC(multi_label=True).update_state(
            np.zeros((2, 2, 2)), np.zeros((2, 2, 2))
        )
    with pytest.raises(ValueError, match="FBetaScore expects 2D inputs"):
        metrics.FBetaScore().update_state([1.0, 0.0], [0.3, 0.7])
    with pytest.raises(ValueError, match="R2Score expects 2D inputs"):
        metrics.R2Score().update_state(np.zeros((2, 2, 2)), np.zeros((2, 2, 2)))
    with pytest.raises(ValueError, match="When class_id is provided"):
        metrics.Precision(class_id=1).update_state([1, 0], [0.3, 0.7])


def test_labels_out_of_range():
    with pytest.raises(ValueError, match=r"class ids in \[0, 3\)"):
        metrics.SparseTopKCategoricalAccuracy(k=1).update_state(
            [7], [[0.1, 0.2, 0.7]]
        )
    with pytest.raises(ValueError, match=r"outside the valid range \[0, 3\)"):
        metrics.SparseCategoricalCrossentropy().update_state(
            [3], [[0.1, 0.2, 0.7]]
        )


def test_crossentropy_shape_errors_point_to_the_other_metric():
    with pytest.raises(ValueError, match="SparseCategoricalCrossentropy"):
        metrics.CategoricalCrossentropy().update_state(
            [1, 0], [[0.3, 0.7], [0.6, 0.4]]
        )
    with pytest.raises(ValueError, match="CategoricalCrossentropy"):
        metrics.SparseCategoricalCrossentropy().update_state(
            [[0, 1], [1, 0]], [[0.3, 0.7], [0.6, 0.4]]
        )


def test_get_errors():
    with pytest.raises(
        ValueError,
        match="Could not interpret metric "
        "identifier: 'acuracy'. Did you mean 'accuracy'",
    ):
        metrics.get("acuracy")
    with pytest.raises(
        ValueError, match="Could not interpret metric identifier: 42"
    ):
        metrics.get(42)
    with pytest.raises(TypeError, match="SensitivityAtSpecificity\\(...\\)"):
        metrics.get("sensitivity_at_specificity")
