"""Writes are atomic: a process killed in the middle of `model.save` over
an existing file leaves the old file intact (and loadable)."""

import os
import signal
import subprocess
import sys
import textwrap
import time

import numpy as np
import pytest

import kara
from kara import layers as L
from kara.saving import keras_archive

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(__file__)))

# The child saves a model over `path`, writing model.weights.h5 slowly:
# half of it, then a line on stdout, then a long sleep (it is killed then).
CHILD = textwrap.dedent(
    """
    import sys, time
    import numpy as np
    import kara
    from kara.saving import keras_archive

    original = keras_archive.write_member

    def slow_write_member(zf, name, data):
        if name != keras_archive.WEIGHTS:
            return original(zf, name, data)
        import zipfile
        info = zipfile.ZipInfo(name)
        with zf.open(info, "w") as dst:
            dst.write(data[: len(data) // 2])
            dst.flush()
            print("HALF WRITTEN", flush=True)
            time.sleep(60)
            dst.write(data[len(data) // 2 :])

    keras_archive.write_member = slow_write_member
    model = kara.Sequential([
        kara.layers.Input((8,)),
        kara.layers.Dense(64),
        kara.layers.Dense(1),
    ])
    for w in model.weights:
        w.assign(np.full(w.shape, 9.0, "float32"))
    model.save(sys.argv[1])
    print("SAVED", flush=True)
    """
)


def _model():
    return kara.Sequential([L.Input((8,)), L.Dense(64), L.Dense(1)])


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="POSIX only")
def test_kill_during_save_keeps_the_old_file(tmp_path):
    path = tmp_path / "model.keras"
    old = _model()
    old.save(path)
    old_bytes = path.read_bytes()
    x = np.linspace(-1, 1, 16, dtype="float32").reshape(2, 8)
    expected = old(x).numpy()

    env = dict(os.environ, PYTHONPATH=os.path.join(ROOT, "src"))
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD, str(path)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    try:
        deadline = time.monotonic() + 60
        line = ""
        while time.monotonic() < deadline:
            line = child.stdout.readline()
            if line.strip() == "HALF WRITTEN" or not line:
                break
        assert line.strip() == "HALF WRITTEN", child.stderr.read()
        # the new archive is half written, in a temporary file
        temps = [n for n in os.listdir(tmp_path) if n.endswith(".tmp")]
        assert len(temps) == 1 and temps[0].startswith(".model.keras.")
        assert os.path.getsize(tmp_path / temps[0]) > 0
        child.send_signal(signal.SIGKILL)
        child.wait(timeout=30)
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()
    assert child.returncode == -signal.SIGKILL
    assert path.read_bytes() == old_bytes
    loaded = kara.models.load_model(path)
    np.testing.assert_array_equal(loaded(x).numpy(), expected)


def test_error_during_save_keeps_the_old_file(tmp_path, monkeypatch):
    path = tmp_path / "model.keras"
    _model().save(path)
    old_bytes = path.read_bytes()

    def broken(zf, name, data):
        raise KeyboardInterrupt  # Ctrl-C in the middle of the archive

    monkeypatch.setattr(keras_archive, "write_member", broken)
    with pytest.raises(KeyboardInterrupt):
        _model().save(path)
    assert path.read_bytes() == old_bytes
    assert os.listdir(tmp_path) == ["model.keras"]  # no temporary left


def test_error_during_save_weights_keeps_the_old_file(tmp_path, monkeypatch):
    from kara.saving import h5_weights

    path = tmp_path / "model.weights.h5"
    _model().save_weights(path)
    old_bytes = path.read_bytes()

    def broken(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(h5_weights, "write_weights", broken)
    with pytest.raises(OSError, match="disk full"):
        _model().save_weights(path)
    assert path.read_bytes() == old_bytes
    assert os.listdir(tmp_path) == ["model.weights.h5"]


def test_overwrite_false_and_missing_folder(tmp_path):
    path = tmp_path / "model.keras"
    _model().save(path)
    with pytest.raises(FileExistsError, match=r"overwrite=True"):
        _model().save(path, overwrite=False)
    with pytest.raises(FileNotFoundError, match=r"does not exist.*makedirs"):
        _model().save(tmp_path / "nope" / "model.keras")
