"""History: keys and epochs as Keras records them; helpful KeyError."""

import pytest

from kara import config
from tests.callbacks._fake import FakeModel
from tests.callbacks._fake import fake_fit


def _logs():
    return [
        {"loss": 1.0, "accuracy": 0.5, "val_loss": 1.5, "val_accuracy": 0.25},
        {"loss": 0.5, "accuracy": 0.75, "val_loss": 1.0, "val_accuracy": 0.5},
    ]


def test_keras3_keys_sorted_and_epochs():
    model = FakeModel(_logs())
    history = fake_fit(model, initial_epoch=0)
    assert model.history is history
    assert list(history.history) == [
        "accuracy",
        "loss",
        "val_accuracy",
        "val_loss",
    ]
    assert history.history["loss"] == [1.0, 0.5]
    assert history.epoch == [0, 1]
    assert history.params == {"verbose": 0, "epochs": 2, "steps": 2}


def test_keras2_keeps_compile_order():
    with config.using_profile("keras2"):
        history = fake_fit(FakeModel(_logs()))
    assert list(history.history) == [
        "loss",
        "accuracy",
        "val_loss",
        "val_accuracy",
    ]


def test_initial_epoch():
    history = fake_fit(FakeModel(_logs() * 2), initial_epoch=2)
    assert history.epoch == [2, 3]


def test_missing_key_lists_keys_and_closest():
    history = fake_fit(FakeModel(_logs()))
    with pytest.raises(KeyError, match="Did you mean 'val_accuracy'") as e:
        history.history["val_acc"]
    assert "Available keys: accuracy, loss, val_accuracy, val_loss." in str(
        e.value
    )
    assert history.history.get("val_acc") is None
