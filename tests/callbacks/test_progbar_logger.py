"""ProgbarLogger details not covered by the Keras captures.

The byte-for-byte comparisons with real Keras output are in
tests/utils/test_progbar.py.
"""

import pytest

from kara.callbacks import CallbackList
from kara.callbacks import ProgbarLogger
from kara.utils import progbar


class _Model:
    stop_training = False


@pytest.fixture(autouse=True)
def _not_a_terminal(monkeypatch):
    monkeypatch.setattr(progbar, "_dynamic_display", lambda s: False)


def test_unknown_steps_are_counted(capsys):
    cbs = CallbackList(
        add_progbar=True, model=_Model(), verbose=2, epochs=2, steps=None
    )
    cbs.on_train_begin()
    for epoch in range(2):
        cbs.on_epoch_begin(epoch)
        for step in range(3):
            cbs.on_train_batch_end(step, {"loss": 1.0})
        cbs.on_epoch_end(epoch, {"loss": 1.0})
    cbs.on_train_end()
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "Epoch 1/2"
    assert lines[1].startswith("3/3 - ")
    assert lines[3].startswith("3/3 - ")


def test_validation_inside_fit_is_silent_but_evaluate_is_not(capsys):
    logger = ProgbarLogger()
    cbs = CallbackList([logger], model=_Model(), verbose=1, epochs=1, steps=1)
    cbs.on_train_begin()
    cbs.on_epoch_begin(0)
    cbs.on_train_batch_end(0, {"loss": 1.0})
    cbs.on_test_begin()
    cbs.on_test_batch_end(0, {"loss": 9.0})
    cbs.on_test_end({"loss": 9.0})
    cbs.on_epoch_end(0, {"loss": 1.0, "val_loss": 9.0})
    cbs.on_train_end()
    out = capsys.readouterr().out
    assert out.count("\n") == 1 and "val_loss: 9.0000" in out
    # the same logger used by a later evaluate() prints its bar
    cbs.on_test_begin()
    cbs.on_test_batch_end(0, {"loss": 2.0})
    cbs.on_test_end({"loss": 2.0})
    assert "1/1" in capsys.readouterr().out


def test_verbose_zero_and_count_mode(capsys):
    cbs = CallbackList(
        [ProgbarLogger()], model=_Model(), verbose=0, epochs=2, steps=1
    )
    cbs.on_train_begin()
    cbs.on_epoch_begin(0)
    cbs.on_train_batch_end(0, {"loss": 1.0})
    cbs.on_epoch_end(0, {"loss": 1.0})
    assert capsys.readouterr().out == ""
    with pytest.raises(ValueError, match="count_mode='samples'"):
        ProgbarLogger(count_mode="samples")
