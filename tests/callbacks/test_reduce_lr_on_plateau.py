"""ReduceLROnPlateau, end to end through the fake fit loop.

The same scenario with a real model and `fit`:
`tests/callbacks/test_e2e_fit.py`.
"""

import warnings

import numpy as np
import pytest

from kara import config
from kara.callbacks import ReduceLROnPlateau
from tests.callbacks._fake import FakeModel
from tests.callbacks._fake import fake_fit
from tests.callbacks._fake import val_losses


def test_reduces_after_patience_with_cooldown(capsys):
    logs = val_losses(1.0, 0.9, 0.9, 0.9, 0.9, 0.9)
    model = FakeModel(logs, learning_rate=0.1)
    cb = ReduceLROnPlateau(factor=0.5, patience=2, cooldown=1, verbose=1)
    history = fake_fit(model, [cb], steps=2)
    # The rate in force at each epoch end (logged before any reduction):
    # reduced at the end of epoch 3 (0-based) and again at epoch 5, after
    # one cooldown epoch and two more epochs without improvement.
    assert history.history["learning_rate"] == [0.1, 0.1, 0.1, 0.1, 0.05, 0.05]
    assert model.optimizer.learning_rate == pytest.approx(0.025)
    # the weights moved by the rates actually used: 2 steps per epoch
    expected = -2 * (4 * np.float32(0.1) + 2 * np.float32(0.05))
    np.testing.assert_allclose(model.w[0], expected, rtol=1e-6)
    out = capsys.readouterr().out
    assert (
        "\nEpoch 4: ReduceLROnPlateau reducing learning rate to 0.05.\n" in out
    )
    assert (
        "\nEpoch 6: ReduceLROnPlateau reducing learning rate to 0.025.\n" in out
    )


def test_min_lr_is_a_floor():
    model = FakeModel(val_losses(1.0, 1.0, 1.0, 1.0, 1.0), learning_rate=0.1)
    cb = ReduceLROnPlateau(factor=0.1, patience=1, min_lr=0.05)
    fake_fit(model, [cb])
    assert model.optimizer.learning_rate == 0.05


def test_min_delta_decides_what_counts_as_improvement():
    # Improvements of 1e-5 are below the default min_delta (1e-4).
    model = FakeModel(val_losses(1.0, 0.99999, 0.99998), learning_rate=0.1)
    fake_fit(model, [ReduceLROnPlateau(factor=0.5, patience=1)])
    assert model.optimizer.learning_rate == pytest.approx(0.025)
    model = FakeModel(val_losses(1.0, 0.99999, 0.99998), learning_rate=0.1)
    fake_fit(model, [ReduceLROnPlateau(factor=0.5, patience=1, min_delta=0)])
    assert model.optimizer.learning_rate == 0.1


def test_max_mode_for_accuracy():
    logs = [{"val_accuracy": a} for a in (0.5, 0.6, 0.7, 0.7)]
    model = FakeModel(logs, learning_rate=0.1)
    cb = ReduceLROnPlateau(monitor="val_accuracy", factor=0.5, patience=1)
    fake_fit(model, [cb])
    assert model.optimizer.learning_rate == 0.05


def test_keras2_logs_lr_key():
    with config.using_profile("keras2"):
        model = FakeModel(val_losses(1.0, 1.0), learning_rate=0.1)
        history = fake_fit(model, [ReduceLROnPlateau(patience=1)])
    assert history.history["lr"] == [0.1, 0.1]
    assert "learning_rate" not in history.history


def test_learning_rate_is_shown_by_the_progress_bar(capsys):
    model = FakeModel(val_losses(1.0, 1.0), learning_rate=0.1)
    fake_fit(model, [ReduceLROnPlateau(patience=1)], verbose=2)
    out = capsys.readouterr().out
    # added after the logs were sorted, so it comes last (as in Keras 3)
    assert "- loss: 1.0000 - val_loss: 1.0000 - learning_rate: 0.1000\n" in out


def test_missing_monitor_warns():
    model = FakeModel([{"loss": 1.0}, {"loss": 1.0}], learning_rate=0.1)
    with pytest.warns(UserWarning, match="Did you mean 'loss'"):
        fake_fit(model, [ReduceLROnPlateau(monitor="los", patience=0)])
    assert model.optimizer.learning_rate == 0.1


def test_arguments():
    with pytest.raises(ValueError, match="factor=1.5"):
        ReduceLROnPlateau(factor=1.5)
    with pytest.raises(TypeError, match="Did you mean 'patience'"):
        ReduceLROnPlateau(patiense=3)
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        cb = ReduceLROnPlateau(epsilon=0.01)
    assert cb.min_delta == 0.01
    assert issubclass(w[0].category, DeprecationWarning)
