"""atomic_write: all or nothing, temp file in the same folder."""

import os
import stat

import pytest

from kara.utils.io_utils import atomic_write


def test_writes_text_and_binary(tmp_path):
    path = tmp_path / "a.txt"
    with atomic_write(path, "w") as f:
        f.write("héllo\n")
    assert path.read_bytes() == "héllo\n".encode("utf-8")
    with atomic_write(str(path), "wb") as f:
        f.write(b"\x00\x01")
    assert path.read_bytes() == b"\x00\x01"
    assert os.listdir(tmp_path) == ["a.txt"]


def test_temp_file_lives_in_the_target_folder(tmp_path):
    path = tmp_path / "a.txt"
    with atomic_write(path, "w"):
        (temp,) = os.listdir(tmp_path)
        assert temp.startswith(".a.txt.") and temp.endswith(".tmp")
        assert not path.exists()  # nothing visible until the rename


@pytest.mark.parametrize("error", [RuntimeError, KeyboardInterrupt])
def test_error_keeps_old_file_and_removes_temp(tmp_path, error):
    path = tmp_path / "a.txt"
    path.write_text("old")
    with pytest.raises(error):
        with atomic_write(path, "w") as f:
            f.write("new, half written")
            raise error()
    assert path.read_text() == "old"
    assert os.listdir(tmp_path) == ["a.txt"]


def test_error_before_first_write_leaves_no_file(tmp_path):
    path = tmp_path / "a.txt"
    with pytest.raises(RuntimeError):
        with atomic_write(path, "w"):
            raise RuntimeError()
    assert os.listdir(tmp_path) == []


def test_permissions_follow_umask(tmp_path):
    path = tmp_path / "a.txt"
    with atomic_write(path, "w") as f:
        f.write("x")
    umask = os.umask(0)
    os.umask(umask)
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o666 & ~umask


def test_bad_arguments(tmp_path):
    with pytest.raises(ValueError, match="mode='a'"):
        with atomic_write(tmp_path / "a.txt", "a"):
            pass
    with pytest.raises(FileNotFoundError, match="does not exist"):
        with atomic_write(tmp_path / "missing" / "a.txt", "w"):
            pass
    with pytest.raises(IsADirectoryError, match="existing directory"):
        with atomic_write(tmp_path, "w"):
            pass
    with pytest.raises(LookupError):
        with atomic_write(tmp_path / "a.txt", "w", encoding="nope"):
            pass
    assert os.listdir(tmp_path) == []
