"""LearningRateScheduler through the fake fit loop.

The same scenario with a real model and `fit`:
`tests/callbacks/test_e2e_fit.py`.
"""

import numpy as np
import pytest

from kara import config
from kara.callbacks import LearningRateScheduler
from tests.callbacks._fake import FakeModel
from tests.callbacks._fake import fake_fit
from tests.callbacks._fake import val_losses


def test_two_argument_schedule_sets_rate_each_epoch(capsys):
    def halve_after_first(epoch, lr):
        return lr if epoch < 1 else lr * 0.5

    model = FakeModel(val_losses(1.0, 1.0, 1.0), learning_rate=0.1)
    cb = LearningRateScheduler(halve_after_first, verbose=1)
    history = fake_fit(model, [cb], steps=2)
    assert history.history["learning_rate"] == [0.1, 0.05, 0.025]
    assert model.optimizer.learning_rate == 0.025
    expected = -2 * (np.float32(0.1) + np.float32(0.05) + np.float32(0.025))
    np.testing.assert_allclose(model.w[0], expected, rtol=1e-6)
    out = capsys.readouterr().out
    assert (
        "\nEpoch 2: LearningRateScheduler setting learning rate to 0.05.\n"
        in out
    )


def test_one_argument_schedule():
    model = FakeModel(val_losses(1.0, 1.0), learning_rate=0.1)
    fake_fit(model, [LearningRateScheduler(lambda epoch: 0.01 * (epoch + 1))])
    assert model.optimizer.learning_rate == 0.02


def test_schedule_errors_are_not_swallowed():
    def schedule(epoch, lr):
        raise TypeError("a bug inside the schedule")

    model = FakeModel(val_losses(1.0))
    with pytest.raises(TypeError, match="a bug inside the schedule"):
        fake_fit(model, [LearningRateScheduler(schedule)])


def test_non_float_output_raises():
    model = FakeModel(val_losses(1.0))
    with pytest.raises(ValueError, match="should be a float. Got: 1 "):
        fake_fit(model, [LearningRateScheduler(lambda epoch: 1)])
    with pytest.raises(TypeError, match="must be a function"):
        LearningRateScheduler(0.1)


def test_keras2_logs_lr():
    with config.using_profile("keras2"):
        model = FakeModel(val_losses(1.0), learning_rate=0.1)
        history = fake_fit(model, [LearningRateScheduler(lambda e, lr: lr)])
    assert history.history["lr"] == [0.1]
