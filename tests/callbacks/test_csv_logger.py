"""CSVLogger: Keras's file format, appending, and atomic rewrites.

The expected file contents below were produced by Keras 3.15's CSVLogger
fed the same hook calls.
"""

import os

import pytest

from kara.callbacks import CSVLogger
from tests.callbacks._fake import FakeModel
from tests.callbacks._fake import fake_fit


def _run(logger, *epoch_logs):
    logger.on_train_begin()
    for epoch, logs in enumerate(epoch_logs):
        logger.on_epoch_end(epoch, logs)
    logger.on_train_end()


def test_format_matches_keras(tmp_path):
    path = tmp_path / "log.csv"
    logger = CSVLogger(str(path))
    _run(
        logger,
        {"loss": 0.5, "accuracy": 0.25},
        {"loss": 0.3333333432674408, "accuracy": 0.5},
    )
    assert path.read_bytes() == (
        b"epoch,accuracy,loss,val_accuracy,val_loss\r\n"
        b"0,0.25,0.5,NA,NA\r\n"
        b"1,0.5,0.3333333432674408,NA,NA\r\n"
    )


def test_append_with_separator_matches_keras(tmp_path):
    path = tmp_path / "log.csv"
    _run(
        CSVLogger(str(path)),
        {"loss": 0.5, "accuracy": 0.25},
        {"loss": 0.3333333432674408, "accuracy": 0.5},
    )
    _run(
        CSVLogger(str(path), separator=";", append=True),
        {"loss": 0.1, "val_loss": 0.2},
    )
    assert path.read_bytes() == (
        b"epoch,accuracy,loss,val_accuracy,val_loss\r\n"
        b"0,0.25,0.5,NA,NA\r\n"
        b"1,0.5,0.3333333432674408,NA,NA\r\n"
        b"0;0.1;0.2\r\n"
    )


def test_append_to_missing_file_writes_header(tmp_path):
    path = tmp_path / "new.csv"
    _run(CSVLogger(str(path), append=True), {"loss": 1.0, "val_loss": 2.0})
    assert path.read_bytes() == b"epoch,loss,val_loss\r\n0,1.0,2.0\r\n"


def test_file_is_complete_after_every_epoch_and_no_temp_files(tmp_path):
    path = tmp_path / "sub" / "log.csv"
    model = FakeModel([{"loss": 1.0, "val_loss": 2.0}] * 3)

    seen = []

    class Snapshot(CSVLogger):
        def on_epoch_end(self, epoch, logs=None):
            super().on_epoch_end(epoch, logs)
            seen.append(path.read_bytes().count(b"\r\n"))

    fake_fit(model, [Snapshot(str(path))])
    assert seen == [2, 3, 4]  # header + one row per finished epoch
    assert os.listdir(tmp_path / "sub") == ["log.csv"]


def test_interrupt_during_write_keeps_previous_file(tmp_path, monkeypatch):
    path = tmp_path / "log.csv"
    logger = CSVLogger(str(path))
    logger.on_train_begin()
    logger.on_epoch_end(0, {"loss": 1.0})
    before = path.read_bytes()

    import kara.utils.io_utils as io_utils

    def interrupted_replace(src, dst):
        raise KeyboardInterrupt

    monkeypatch.setattr(io_utils.os, "replace", interrupted_replace)
    with pytest.raises(KeyboardInterrupt):
        logger.on_epoch_end(1, {"loss": 0.5})
    assert path.read_bytes() == before
    assert os.listdir(tmp_path) == ["log.csv"]
