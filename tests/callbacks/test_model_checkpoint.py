"""ModelCheckpoint, end to end through the fake fit loop.

The same scenario with a real model and `fit`:
`tests/callbacks/test_e2e_fit.py`.
"""

import os

import numpy as np
import pytest

from kara.callbacks import ModelCheckpoint
from tests.callbacks._fake import FakeModel
from tests.callbacks._fake import fake_fit
from tests.callbacks._fake import val_losses


def test_filepath_template_with_epoch_and_logs(tmp_path):
    model = FakeModel(val_losses(0.9, 0.456, 0.5))
    template = str(tmp_path / "ckpt" / "{epoch:02d}-{val_loss:.2f}.keras")
    fake_fit(model, [ModelCheckpoint(template)])
    assert sorted(os.listdir(tmp_path / "ckpt")) == [
        "01-0.90.keras",
        "02-0.46.keras",
        "03-0.50.keras",
    ]
    assert [kind for kind, _ in model.saved] == ["save"] * 3
    # the file holds the weights of that epoch
    with np.load(tmp_path / "ckpt" / "02-0.46.keras") as data:
        np.testing.assert_array_equal(data["arr_0"], model.weights_at[1][0])


def test_save_best_only(tmp_path, capsys):
    model = FakeModel(val_losses(0.9, 0.5, 0.7, 0.4, 0.6))
    path = str(tmp_path / "best.keras")
    cb = ModelCheckpoint(path, save_best_only=True, verbose=1)
    fake_fit(model, [cb])
    assert len(model.saved) == 3  # epochs 1, 2 and 4 (1-based)
    assert cb.best == 0.4
    with np.load(path) as data:
        np.testing.assert_array_equal(data["arr_0"], model.weights_at[3][0])
    out = capsys.readouterr().out
    assert (
        f"\nEpoch 1: val_loss improved from None to 0.90000, saving "
        f"model to {path}\n" in out
    )
    assert "\nEpoch 3: val_loss did not improve from 0.50000\n" in out
    assert f"\nEpoch 4: finished saving model to {path}\n" in out


def test_save_best_only_max_mode_from_accuracy(tmp_path):
    logs = [{"val_accuracy": a} for a in (0.5, 0.4, 0.8, 0.7)]
    model = FakeModel(logs)
    cb = ModelCheckpoint(
        str(tmp_path / "best.keras"),
        monitor="val_accuracy",
        save_best_only=True,
    )
    fake_fit(model, [cb])
    assert len(model.saved) == 2
    assert cb.best == 0.8


def test_initial_value_threshold(tmp_path):
    model = FakeModel(val_losses(0.9, 0.5, 0.3))
    cb = ModelCheckpoint(
        str(tmp_path / "best.keras"),
        save_best_only=True,
        initial_value_threshold=0.4,
    )
    fake_fit(model, [cb])
    assert len(model.saved) == 1  # only 0.3 beats 0.4


def test_save_weights_only(tmp_path):
    model = FakeModel(val_losses(0.9, 0.5))
    path = str(tmp_path / "{epoch}.weights.h5")
    fake_fit(model, [ModelCheckpoint(path, save_weights_only=True)])
    assert model.saved == [
        ("save_weights", str(tmp_path / "1.weights.h5")),
        ("save_weights", str(tmp_path / "2.weights.h5")),
    ]


def test_save_freq_in_batches_counts_across_epochs(tmp_path):
    model = FakeModel(val_losses(0.9, 0.5))
    path = str(tmp_path / "{epoch}-{batch}.keras")
    fake_fit(model, [ModelCheckpoint(path, save_freq=2)], steps=3)
    # batches (1-based) 1 2 3 | 1 2 3 -> every second one: e1b2, e2b1, e2b3
    assert [os.path.basename(p) for _, p in model.saved] == [
        "1-2.keras",
        "2-1.keras",
        "2-3.keras",
    ]


def test_missing_template_key_names_the_available_keys(tmp_path):
    model = FakeModel(val_losses(0.9))
    cb = ModelCheckpoint(str(tmp_path / "{val_los:.2f}.keras"))
    with pytest.raises(KeyError, match="Did you mean 'val_loss'"):
        fake_fit(model, [cb])


def test_missing_monitor_with_save_best_only_warns_and_saves(tmp_path):
    model = FakeModel([{"loss": 1.0}])
    cb = ModelCheckpoint(str(tmp_path / "m.keras"), save_best_only=True)
    with pytest.warns(UserWarning, match="Available metrics are: loss"):
        fake_fit(model, [cb])
    assert len(model.saved) == 1


def test_bad_arguments():
    with pytest.raises(ValueError, match=r"must end in one of \.keras"):
        ModelCheckpoint("model.ckpt")
    with pytest.raises(ValueError, match=r"\.weights\.h5"):
        ModelCheckpoint("model.keras", save_weights_only=True)
    with pytest.raises(ValueError, match="save_freq"):
        ModelCheckpoint("model.keras", save_freq="batch")


def test_existing_directory_is_rejected(tmp_path):
    (tmp_path / "d.keras").mkdir()
    model = FakeModel(val_losses(0.9))
    cb = ModelCheckpoint(str(tmp_path / "d.keras"))
    with pytest.raises(IsADirectoryError, match="non-directory filepath"):
        fake_fit(model, [cb])


def test_interrupted_save_keeps_previous_checkpoint(tmp_path):
    """An error while writing leaves the last good file and no temp file."""
    model = FakeModel(val_losses(0.9, 0.5))
    path = str(tmp_path / "last.keras")
    fake_fit(model, [ModelCheckpoint(path)])
    before = open(path, "rb").read()

    class Broken:
        def __array__(self, *args, **kwargs):
            raise KeyboardInterrupt

    model.w = [Broken()]  # np.savez fails half-way
    with pytest.raises(KeyboardInterrupt):
        model.save(path)
    assert open(path, "rb").read() == before
    assert os.listdir(tmp_path) == ["last.keras"]
