"""`resolve_metric` (strings in `compile(metrics=...)`) and log-key naming.

The expected classes and names come from calling Keras's own resolution
(`compile_utils.get_metric` in Keras 3, `MetricsContainer._get_metric_object`
in tf.keras 2) in `tools/golden_metrics.py`.
"""

import re
import warnings

import pytest

from kara import config
from kara import metrics
from kara.metrics import compile_metric_names
from kara.metrics import resolve_metric
from kara.utils import naming

from . import _golden as gu

# names Keras rejects but kara accepts (see kara.metrics' docstring)
KERAS3_REJECTS_KARA_ACCEPTS = set(metrics.KERAS2_ALIASES) | {
    "crossentropy",
    "ce",
}
KERAS2_REJECTS_KARA_ACCEPTS = {"bce", "BCE"}


def _keras_failed(row):
    if "error" in row:
        return True
    # tf.keras 2 wraps an unknown string itself (it fails on the first
    # batch): the "function" is the quoted string
    return row["result"].get("fn", "").startswith("'")


def _rows(profile):
    return [
        pytest.param(
            profile,
            row,
            id=f"{profile}:{row['identifier']}:"
            f"{row['y_true_shape']}:{row['y_pred_shape']}",
        )
        for row in gu.load(profile)["resolve"]
    ]


@pytest.mark.parametrize("profile,row", _rows("keras3") + _rows("keras2"))
def test_resolution_matches_keras(profile, row):
    ident = row["identifier"]
    with config.using_profile(profile):
        if _keras_failed(row):
            lenient = (
                KERAS3_REJECTS_KARA_ACCEPTS
                if profile == "keras3"
                else KERAS2_REJECTS_KARA_ACCEPTS
                | {
                    "mean",
                    "sum",
                    "auc",
                    "precision",
                    "recall",
                    "f1_score",
                    "r2_score",
                    "true_positives",
                    "false_negatives",
                    "root_mean_squared_error",
                    "log_cosh_error",
                    "kl_divergence",
                }
            )
            if ident in lenient:
                m = resolve_metric(
                    ident, row["y_true_shape"], row["y_pred_shape"]
                )
                assert isinstance(m, metrics.Metric)
            else:
                with pytest.raises((ValueError, TypeError)):
                    resolve_metric(
                        ident, row["y_true_shape"], row["y_pred_shape"]
                    )
            return
        m = resolve_metric(ident, row["y_true_shape"], row["y_pred_shape"])
    want = row["result"]
    want_name = re.sub(r"_\d+$", "", want["name"])
    assert re.sub(r"_\d+$", "", m.name) == want_name
    if want["class"] == "MeanMetricWrapper":  # tf.keras 2 wraps functions
        assert m._fn.__name__ == want["fn"]
    else:
        assert type(m).__name__ == want["class"]


@pytest.mark.parametrize(
    "y_true_shape,y_pred_shape,cls",
    [
        ((8, 1), (8, 1), metrics.BinaryAccuracy),
        ((8,), (8, 1), metrics.BinaryAccuracy),
        ((8,), (8, 5), metrics.SparseCategoricalAccuracy),
        ((8, 1), (8, 5), metrics.SparseCategoricalAccuracy),
        ((8, 5), (8, 5), metrics.CategoricalAccuracy),
        ((8, 4), (8, 4, 5), metrics.SparseCategoricalAccuracy),
    ],
)
def test_accuracy_by_shape_keeps_the_string_as_name(
    y_true_shape, y_pred_shape, cls
):
    for ident in ("accuracy", "acc", "Acc"):
        m = resolve_metric(ident, y_true_shape, y_pred_shape)
        assert type(m) is cls
        assert m.name == ident


def test_crossentropy_by_shape():
    m = resolve_metric("ce", (4,), (4, 3))
    assert type(m) is metrics.SparseCategoricalCrossentropy
    assert m.name == "ce"
    m = resolve_metric("crossentropy", (4, 1), (4, 1))
    assert type(m) is metrics.BinaryCrossentropy


def test_resolution_note_explains_the_choice():
    m = resolve_metric("accuracy", (32, 10), (32, 10))
    assert m.resolution_note == (
        '"accuracy" -> categorical_accuracy (y_pred last dim 10, y_true '
        "one-hot)"
    )
    assert resolve_metric("mae").resolution_note is None


def test_multilabel_binary_crossentropy_warns():
    with pytest.warns(UserWarning, match="binary_accuracy"):
        m = resolve_metric(
            "accuracy", (8, 3), (8, 3), loss="binary_crossentropy"
        )
    assert type(m) is metrics.CategoricalAccuracy  # still Keras's choice
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        resolve_metric(
            "accuracy", (8, 3), (8, 3), loss="categorical_crossentropy"
        )
        resolve_metric("accuracy", (8, 1), (8, 1), loss="bce")


def test_accuracy_without_shapes_is_a_clear_error():
    with pytest.raises(ValueError, match="needs the shapes"):
        resolve_metric("accuracy")


def test_none_is_rejected():
    with pytest.raises(ValueError, match="Expected metric, received `None`"):
        resolve_metric(None)


def test_objects_functions_and_classes():
    auc = metrics.AUC(name="my_auc")
    assert resolve_metric(auc) is auc  # the same object, as in Keras
    assert auc.name == "my_auc"

    def my_error(y_true, y_pred):
        return abs(y_true - y_pred)

    m = resolve_metric(my_error)
    assert isinstance(m, metrics.MeanMetricWrapper)
    assert m.name == "my_error"
    m.update_state([[1.0, 2.0]], [[2.0, 4.0]])
    assert float(m.result()) == 1.5
    m = resolve_metric(metrics.Precision)
    assert type(m) is metrics.Precision
    m = resolve_metric(lambda t, p: t)
    assert m.name == "lambda"


def test_class_name_string_log_name_depends_on_profile():
    assert resolve_metric("AUC").name == "AUC"  # Keras 3: the string
    with config.using_profile("keras2"):
        naming.clear_session()
        assert resolve_metric("AUC").name == "auc"  # tf.keras 2: default
        assert resolve_metric("mse").name == "mse"


def test_unknown_string_suggests_names():
    with pytest.raises(ValueError, match="Did you mean 'mean_squared_error'"):
        resolve_metric("mean_squared_eror")


def test_compile_metric_names_keras3():
    # checked against Keras 3.15: evaluate(return_dict=True).keys()
    keys, wkeys = compile_metric_names(
        [["mae", "mae", "mae"]], [["mae", "mae"]]
    )
    assert keys == [["mae", "mae_1", "mae_2"]]
    assert wkeys == [["weighted_mae", "weighted_mae_1"]]
    keys, wkeys = compile_metric_names([["mae", "mae", "mae"]], [["mae"]])
    assert keys == [["mae", "mae_1", "mae_2"]]
    assert wkeys == [["weighted_mae"]]
    keys, wkeys = compile_metric_names(
        [["acc"], ["acc"]], [["acc"], []], output_names=["a", "b"]
    )
    assert keys == [["a_acc"], ["b_acc"]]
    assert wkeys == [["a_weighted_acc"], []]
    keys, wkeys = compile_metric_names([["acc"]], [["acc", "acc"]])
    assert wkeys == [["weighted_acc", "weighted_acc_1"]]
    # a single output is never prefixed
    keys, _ = compile_metric_names([["acc"]], None, output_names=["dense"])
    assert keys == [["acc"]]


def test_compile_metric_names_keras2_rejects_duplicates():
    with config.using_profile("keras2"):
        keys, wkeys = compile_metric_names([["mae"]], [["mae"]])
        assert (keys, wkeys) == ([["mae"]], [["weighted_mae"]])
        with pytest.raises(ValueError, match="same name: mae"):
            compile_metric_names([["mae", "mae"]])
