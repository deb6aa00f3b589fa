"""EarlyStopping, end to end through the fake fit loop.

The same scenario with a real model and `fit`:
`tests/callbacks/test_e2e_fit.py`.
"""

import numpy as np
import pytest

from kara import config
from kara.callbacks import EarlyStopping
from tests.callbacks._fake import FakeMetric
from tests.callbacks._fake import FakeModel
from tests.callbacks._fake import fake_fit
from tests.callbacks._fake import val_losses


def _assert_weights(actual, expected):
    assert len(actual) == len(expected)
    for a, e in zip(actual, expected):
        np.testing.assert_array_equal(a, e)


def test_stops_after_patience_and_restores_best_weights(capsys):
    model = FakeModel(val_losses(1.0, 0.5, 0.7, 0.8, 0.9, 0.4))
    stop = EarlyStopping(patience=2, restore_best_weights=True, verbose=1)
    history = fake_fit(model, [stop])
    # epoch 1 is the best; epochs 2 and 3 do not improve -> stop at 3.
    assert history.epoch == [0, 1, 2, 3]
    assert stop.stopped_epoch == 3
    assert stop.best == 0.5
    assert stop.best_epoch == 1
    _assert_weights(model.get_weights(), model.weights_at[1])
    # and not the last epoch's weights
    assert not np.array_equal(model.get_weights()[0], model.weights_at[3][0])
    out = capsys.readouterr().out
    assert "Epoch 4: early stopping\n" in out
    assert "Restoring model weights from the end of the best epoch: 2.\n" in out


def test_keras3_restores_at_train_end_even_without_stopping():
    model = FakeModel(val_losses(1.0, 0.5, 0.7))
    stop = EarlyStopping(patience=5, restore_best_weights=True)
    history = fake_fit(model, [stop])
    assert history.epoch == [0, 1, 2]
    assert stop.stopped_epoch == 0
    _assert_weights(model.get_weights(), model.weights_at[1])


def test_keras2_restores_only_when_it_stops_early():
    with config.using_profile("keras2"):
        model = FakeModel(val_losses(1.0, 0.5, 0.7))
        fake_fit(model, [EarlyStopping(patience=5, restore_best_weights=True)])
        _assert_weights(model.get_weights(), model.weights_at[2])

        model = FakeModel(val_losses(1.0, 0.5, 0.7, 0.8))
        stop = EarlyStopping(patience=2, restore_best_weights=True)
        fake_fit(model, [stop])
        assert stop.stopped_epoch == 3
        _assert_weights(model.get_weights(), model.weights_at[1])


def test_without_restore_keeps_last_weights():
    model = FakeModel(val_losses(1.0, 0.5, 0.7, 0.8))
    fake_fit(model, [EarlyStopping(patience=2)])
    _assert_weights(model.get_weights(), model.weights_at[3])


def test_min_delta():
    # 0.95 is not better than 1.0 by more than 0.1 -> stop at epoch 1.
    model = FakeModel(val_losses(1.0, 0.95, 0.5))
    history = fake_fit(model, [EarlyStopping(min_delta=0.1, patience=1)])
    assert history.epoch == [0, 1]
    # with min_delta=0.01 it is an improvement
    model = FakeModel(val_losses(1.0, 0.95, 0.5))
    history = fake_fit(model, [EarlyStopping(min_delta=0.01, patience=1)])
    assert history.epoch == [0, 1, 2]


def test_mode_max_inferred_from_accuracy():
    logs = [{"val_accuracy": a} for a in (0.5, 0.6, 0.55, 0.5, 0.9)]
    model = FakeModel(logs)
    stop = EarlyStopping(monitor="val_accuracy", patience=2)
    history = fake_fit(model, [stop])
    assert history.epoch == [0, 1, 2, 3]
    assert stop.best == 0.6


def test_explicit_mode_overrides_name():
    # mode="max" on a loss: rising values are improvements.
    model = FakeModel(val_losses(1.0, 2.0, 3.0, 2.5, 2.0))
    history = fake_fit(model, [EarlyStopping(mode="max", patience=1)])
    assert history.epoch == [0, 1, 2, 3]


def test_direction_from_metric_attribute():
    logs = [{"val_score": s} for s in (1.0, 2.0, 1.5, 1.0)]
    model = FakeModel(logs)
    model.metrics = [FakeMetric("score", "up")]
    history = fake_fit(model, [EarlyStopping("val_score", patience=1)])
    assert history.epoch == [0, 1, 2]
    model = FakeModel(logs)
    model.metrics = [FakeMetric("score", "down")]
    history = fake_fit(model, [EarlyStopping("val_score", patience=1)])
    assert history.epoch == [0, 1]


def test_unknown_direction_raises_in_keras3_and_minimizes_in_keras2():
    logs = [{"val_score": s} for s in (1.0, 2.0, 3.0)]
    with pytest.raises(ValueError, match="mode='max'"):
        fake_fit(FakeModel(logs), [EarlyStopping("val_score", patience=1)])
    with config.using_profile("keras2"):
        history = fake_fit(
            FakeModel(logs), [EarlyStopping("val_score", patience=1)]
        )
    assert history.epoch == [0, 1]


def test_baseline_must_be_beaten():
    # Every epoch improves but none beats 0.3: patience runs out at the
    # first epoch that does not improve.
    model = FakeModel(val_losses(1.0, 0.5, 0.4, 0.45, 0.2))
    stop = EarlyStopping(baseline=0.3, patience=2)
    history = fake_fit(model, [stop])
    assert history.epoch == [0, 1, 2, 3]
    model = FakeModel(val_losses(1.0, 0.5, 0.4, 0.45, 0.2))
    history = fake_fit(model, [EarlyStopping(patience=2)])
    assert history.epoch == [0, 1, 2, 3, 4]


def test_start_from_epoch_ignores_warm_up():
    model = FakeModel(val_losses(1.0, 2.0, 3.0, 4.0, 5.0))
    stop = EarlyStopping(patience=1, start_from_epoch=2)
    history = fake_fit(model, [stop])
    assert history.epoch == [0, 1, 2, 3]
    assert stop.best == 3.0


def test_misspelled_monitor_warns_with_keys_and_closest_match():
    logs = [{"loss": 1.0, "val_accuracy": a} for a in (0.5, 0.4, 0.3)]
    model = FakeModel(logs)
    with pytest.warns(UserWarning) as record:
        history = fake_fit(model, [EarlyStopping("val_acc", patience=0)])
    message = str(record[0].message)
    assert "'val_acc'" in message
    assert "Available metrics are: loss, val_accuracy." in message
    assert "Did you mean 'val_accuracy'?" in message
    assert history.epoch == [0, 1, 2]  # never stops


def test_unknown_mode_warns_and_falls_back_to_auto():
    with pytest.warns(UserWarning, match="mode 'maximum' is unknown"):
        stop = EarlyStopping(mode="maximum")
    assert stop.mode == "auto"


def test_bad_patience():
    with pytest.raises(ValueError, match="patience=-1"):
        EarlyStopping(patience=-1)
