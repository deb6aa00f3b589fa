"""TerminateOnNaN, end to end through the fake fit loop.

The same scenario with a real model and `fit`:
`tests/callbacks/test_e2e_fit.py`.
"""

import pytest

from kara.callbacks import TerminateOnNaN
from tests.callbacks._fake import FakeModel
from tests.callbacks._fake import fake_fit
from tests.callbacks._fake import val_losses


def _loss(epoch, batch):
    # finite in epoch 0; NaN from batch 2 of epoch 1
    return float("nan") if (epoch, batch) >= (1, 2) else 2.0 - batch / 10


def test_stops_in_the_batch_the_loss_becomes_nan(capsys):
    model = FakeModel(val_losses(1.0, 1.0, 1.0), batch_loss=_loss)
    history = fake_fit(model, [TerminateOnNaN()], steps=5)
    assert history.epoch == [0, 1]
    assert model.stop_training
    # 5 steps in epoch 0, then 3 in epoch 1 (batches 0, 1, 2)
    assert model.w[0][0] == pytest.approx(-0.1 * 8)
    out = capsys.readouterr().out
    assert "Batch 2: Invalid loss, terminating training\n" in out
    assert "The last finite loss was 1.9 (epoch 2, batch 1)." in out
    assert "learning rate too high" in out


@pytest.mark.parametrize("bad", [float("inf"), float("-inf")])
def test_inf_also_stops(bad):
    model = FakeModel(val_losses(1.0, 1.0), batch_loss=lambda e, b: bad)
    history = fake_fit(model, [TerminateOnNaN()], steps=3)
    assert history.epoch == [0]
    assert model.w[0][0] == pytest.approx(-0.1)


def test_finite_losses_do_not_stop():
    model = FakeModel(val_losses(1.0, 1.0), batch_loss=lambda e, b: 1e30)
    history = fake_fit(model, [TerminateOnNaN()], steps=3)
    assert history.epoch == [0, 1]
    assert not model.stop_training


def test_raise_error():
    model = FakeModel(val_losses(1.0, 1.0, 1.0), batch_loss=_loss)
    with pytest.raises(
        RuntimeError, match="NaN or Inf loss encountered at batch 2"
    ):
        fake_fit(model, [TerminateOnNaN(raise_error=True)], steps=5)
