"""BackupAndRestore: an interrupted fit resumes from the last epoch.

The same scenario with a real model and `fit`:
`tests/callbacks/test_e2e_fit.py`.
"""

import json
import os

import numpy as np
import pytest

from kara.callbacks import BackupAndRestore
from kara.callbacks import LambdaCallback
from tests.callbacks._fake import FakeModel
from tests.callbacks._fake import fake_fit
from tests.callbacks._fake import val_losses

LOGS = val_losses(1.0, 0.9, 0.8, 0.7, 0.6)


def _interrupt_at(epoch):
    def on_epoch_begin(e, logs):
        if e == epoch:
            raise KeyboardInterrupt

    return LambdaCallback(on_epoch_begin=on_epoch_begin)


def test_resume_from_last_completed_epoch(tmp_path):
    backup_dir = str(tmp_path / "backup")
    reference = FakeModel(LOGS)
    fake_fit(reference, steps=2)

    model = FakeModel(LOGS)
    with pytest.raises(KeyboardInterrupt):
        fake_fit(
            model, [BackupAndRestore(backup_dir), _interrupt_at(3)], steps=2
        )
    assert sorted(os.listdir(backup_dir)) == [
        "latest.weights.h5",
        "training_metadata.json",
    ]
    with open(os.path.join(backup_dir, "training_metadata.json")) as f:
        assert json.load(f) == {"epoch": 3, "batch": 0}

    resumed = FakeModel(LOGS)  # a fresh process: new model
    history = fake_fit(resumed, [BackupAndRestore(backup_dir)], steps=2)
    assert history.epoch == [3, 4]
    for a, b in zip(resumed.get_weights(), reference.get_weights()):
        np.testing.assert_array_equal(a, b)
    assert not os.path.exists(backup_dir)  # deleted after success


def test_keep_checkpoint(tmp_path):
    backup_dir = str(tmp_path / "backup")
    model = FakeModel(LOGS[:2])
    fake_fit(model, [BackupAndRestore(backup_dir, delete_checkpoint=False)])
    import h5py

    with h5py.File(os.path.join(backup_dir, "latest.weights.h5")) as data:
        np.testing.assert_array_equal(data["vars/0"], model.weights_at[1][0])
        assert int(data.attrs["kara_epoch"]) == 2


def test_corrupt_latest_falls_back_to_previous(tmp_path):
    backup_dir = str(tmp_path / "backup")
    model = FakeModel(LOGS)
    with pytest.raises(KeyboardInterrupt):
        fake_fit(
            model,
            [
                BackupAndRestore(backup_dir, double_checkpoint=True),
                _interrupt_at(3),
            ],
        )
    with open(os.path.join(backup_dir, "latest.weights.h5"), "wb") as f:
        f.write(b"garbage")
    resumed = FakeModel(LOGS)
    cb = BackupAndRestore(backup_dir, double_checkpoint=True)
    cb.set_model(resumed)
    cb.on_train_begin()
    assert resumed._initial_epoch == 2  # the backup before the last one
    np.testing.assert_array_equal(resumed.w[0], model.weights_at[1][0])


def test_save_freq_in_batches(tmp_path):
    backup_dir = str(tmp_path / "backup")
    model = FakeModel(LOGS)

    def stop(batch, logs):
        if batch == 2 and model.w[0][0] < -0.55:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        fake_fit(
            model,
            [
                BackupAndRestore(backup_dir, save_freq=2),
                LambdaCallback(on_train_batch_end=stop),
            ],
            steps=4,
        )
    with open(os.path.join(backup_dir, "training_metadata.json")) as f:
        meta = json.load(f)
    # Interrupted after batch 2 of epoch 1; the last save (every 2nd
    # batch) was after batch 1 of epoch 1, so a resume restarts epoch 1.
    assert meta == {"epoch": 1, "batch": 1}


def test_bad_arguments():
    with pytest.raises(ValueError, match="Empty `backup_dir`"):
        BackupAndRestore("")
    with pytest.raises(ValueError, match="save_freq='batch'"):
        BackupAndRestore("dir", save_freq="batch")
