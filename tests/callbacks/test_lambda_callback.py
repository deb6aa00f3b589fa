"""LambdaCallback: functions as hooks, typos caught."""

import pytest

from kara.callbacks import LambdaCallback
from tests.callbacks._fake import FakeModel
from tests.callbacks._fake import fake_fit
from tests.callbacks._fake import val_losses


def test_hooks_are_called_in_order():
    calls = []
    cb = LambdaCallback(
        on_train_begin=lambda logs: calls.append("train_begin"),
        on_epoch_begin=lambda epoch, logs: calls.append(f"epoch{epoch}"),
        on_train_batch_end=lambda batch, logs: calls.append(
            f"batch{batch}:{logs['loss']}"
        ),
        on_epoch_end=lambda epoch, logs: calls.append(f"end{epoch}"),
        on_train_end=lambda logs: calls.append("train_end"),
    )
    fake_fit(FakeModel(val_losses(1.0, 0.5)), [cb], steps=2)
    assert calls == [
        "train_begin",
        "epoch0",
        "batch0:1.0",
        "batch1:1.0",
        "end0",
        "epoch1",
        "batch0:0.5",
        "batch1:0.5",
        "end1",
        "train_end",
    ]


def test_other_hooks_by_keyword():
    seen = []
    cb = LambdaCallback(on_batch_end=lambda batch, logs: seen.append(batch))
    fake_fit(FakeModel(val_losses(1.0)), [cb], steps=3)
    assert seen == [0, 1, 2]


def test_typo_in_hook_name_raises():
    with pytest.raises(TypeError, match="Did you mean 'on_epoch_end'"):
        LambdaCallback(on_epoch_ends=print)
    with pytest.raises(TypeError, match="must be a function"):
        LambdaCallback(on_epoch_end=3)
