"""Direction inference for mode="auto" (EarlyStopping, ModelCheckpoint...)."""

import pytest

from kara.callbacks.monitor_callback import infer_direction
from tests.callbacks._fake import FakeMetric


class _Model:
    def __init__(self, metrics):
        self.metrics = metrics


class _Container:
    """Like compile's metric wrapper: holds metrics in `.metrics`."""

    name = "compile_metrics"

    def __init__(self, metrics):
        self.metrics = metrics


@pytest.mark.parametrize(
    "monitor, expected",
    [
        ("loss", "min"),
        ("val_loss", "min"),
        ("val_output_1_loss", "min"),
        ("accuracy", "max"),
        ("val_acc", "max"),
        ("val_sparse_categorical_accuracy", "max"),
        ("auc", "max"),
        ("val_precision", "max"),
        ("val_mean_squared_error", "min"),
        ("mae", "min"),
        ("my_score", None),
    ],
)
def test_by_name(monitor, expected):
    assert infer_direction(monitor) == expected


def test_metric_direction_attribute_wins_over_name():
    model = _Model([_Container([FakeMetric("my_score", "up")])])
    assert infer_direction("val_my_score", model) == "max"
    model = _Model([FakeMetric("accuracy", "down")])  # odd, but explicit
    assert infer_direction("accuracy", model) == "min"
