"""The downloader: cache folder, verification, atomic and resumable
downloads (against a local HTTP server), and the offline error."""

import hashlib
import os
import re
import socket

import numpy as np
import pytest

from kara.datasets import _download
from kara.datasets._download import DatasetDownloadError
from kara.datasets._download import DatasetFileError
from kara.datasets._download import RemoteFile

PAYLOAD = np.random.default_rng(0).bytes(300_000)  # several read chunks


def remote(url, data=PAYLOAD, name="blob.bin", size=True):
    return RemoteFile(
        name,
        url,
        hashlib.sha256(data).hexdigest(),
        len(data) if size else None,
    )


def listing(folder):
    return sorted(os.listdir(folder)) if os.path.isdir(folder) else []


# ------------------------------------------------------------ cache dir
def test_cache_dir_follows_kara_home(kara_home):
    assert _download.cache_dir() == os.path.join(str(kara_home), "datasets")


def test_cache_dir_defaults_to_home_dot_kara(monkeypatch, tmp_path):
    monkeypatch.delenv("KARA_HOME")
    monkeypatch.setenv("HOME", str(tmp_path))
    assert _download.cache_dir() == os.path.join(
        str(tmp_path), ".kara", "datasets"
    )


def test_importing_and_loading_cached_files_creates_no_folder(kara_home):
    import kara.datasets  # noqa: F401

    kara.datasets.digits.load_data()
    assert not kara_home.exists()


# ---------------------------------------------------------- cached files
def test_cached_file_is_verified_and_used_without_network(kara_home, offline):
    folder = kara_home / "datasets"
    folder.mkdir(parents=True)
    (folder / "blob.bin").write_bytes(PAYLOAD)
    spec = remote("https://example.invalid/blob.bin")
    (path,) = _download.fetch("demo", [spec])
    assert path == str(folder / "blob.bin")
    assert offline.calls == []


def test_truncated_cached_file_names_the_file_and_the_fix(kara_home):
    folder = kara_home / "datasets"
    folder.mkdir(parents=True)
    (folder / "blob.bin").write_bytes(PAYLOAD[:1000])
    spec = remote("https://example.invalid/blob.bin")
    with pytest.raises(DatasetFileError) as info:
        _download.fetch("demo", [spec])
    message = str(info.value)
    assert str(folder / "blob.bin") in message
    assert "truncated: 1,000 bytes instead of 300,000" in message
    assert "Delete it and call kara.datasets.demo.load_data() again" in message
    # never deleted behind the user's back
    assert (folder / "blob.bin").read_bytes() == PAYLOAD[:1000]


def test_corrupted_cached_file_reports_both_hashes(kara_home):
    folder = kara_home / "datasets"
    folder.mkdir(parents=True)
    bad = bytes([PAYLOAD[0] ^ 1]) + PAYLOAD[1:]  # same size, one bit off
    (folder / "blob.bin").write_bytes(bad)
    spec = remote("https://example.invalid/blob.bin")
    with pytest.raises(DatasetFileError, match="corrupted: its SHA") as info:
        _download.fetch("demo", [spec])
    assert hashlib.sha256(bad).hexdigest() in str(info.value)
    assert spec.sha256 in str(info.value)


# ------------------------------------------------------------- download
def test_download_writes_the_verified_file_and_nothing_else(server, kara_home):
    server.state["files"]["/blob.bin"] = PAYLOAD
    spec = remote(server.url("/blob.bin"))
    (path,) = _download.fetch("demo", [spec], subdir="sub")
    assert path == str(kara_home / "datasets" / "sub" / "blob.bin")
    with open(path, "rb") as f:
        assert f.read() == PAYLOAD
    assert listing(os.path.dirname(path)) == ["blob.bin"]  # no .part left
    assert server.state["requests"] == [("/blob.bin", None)]


def test_download_prints_where_it_downloads_from(server, capsys):
    server.state["files"]["/blob.bin"] = PAYLOAD
    _download.fetch("demo", [remote(server.url("/blob.bin"))])
    assert f"Downloading data from {server.url('/blob.bin')}" in (
        capsys.readouterr().out
    )


def test_partial_download_is_resumed_with_a_range_request(server, kara_home):
    server.state["files"]["/blob.bin"] = PAYLOAD
    folder = kara_home / "datasets"
    folder.mkdir(parents=True)
    (folder / "blob.bin.part").write_bytes(PAYLOAD[:123_456])
    (path,) = _download.fetch("demo", [remote(server.url("/blob.bin"))])
    assert server.state["requests"] == [("/blob.bin", "bytes=123456-")]
    with open(path, "rb") as f:
        assert f.read() == PAYLOAD
    assert listing(folder) == ["blob.bin"]


def test_server_ignoring_the_range_restarts_from_scratch(server, kara_home):
    server.state["files"]["/blob.bin"] = PAYLOAD
    server.state["ranges"] = False  # answers 200 with the whole file
    folder = kara_home / "datasets"
    folder.mkdir(parents=True)
    (folder / "blob.bin.part").write_bytes(b"stale bytes from elsewhere")
    (path,) = _download.fetch("demo", [remote(server.url("/blob.bin"))])
    with open(path, "rb") as f:
        assert f.read() == PAYLOAD
    assert server.state["requests"][0][1] == "bytes=26-"


def test_dropped_connection_is_resumed_in_the_same_call(server):
    server.state["files"]["/blob.bin"] = PAYLOAD
    server.state["cut"] = [100_000, 50_000]  # two responses cut short
    (path,) = _download.fetch("demo", [remote(server.url("/blob.bin"))])
    with open(path, "rb") as f:
        assert f.read() == PAYLOAD
    assert [r for _, r in server.state["requests"]] == [
        None,
        "bytes=100000-",
        "bytes=150000-",
    ]


def test_interrupted_download_keeps_the_part_file_for_next_time(
    server, kara_home
):
    server.state["files"]["/blob.bin"] = PAYLOAD
    server.state["cut"] = [1000, 0]  # then a try with no progress
    spec = remote(server.url("/blob.bin"))
    with pytest.raises(DatasetDownloadError):
        _download.fetch("demo", [spec])
    folder = kara_home / "datasets"
    assert listing(folder) == ["blob.bin.part"]  # nothing under the real name
    assert (folder / "blob.bin.part").read_bytes() == PAYLOAD[:1000]
    # the next call resumes from byte 1000 and completes
    (path,) = _download.fetch("demo", [spec])
    assert server.state["requests"][-1] == ("/blob.bin", "bytes=1000-")
    with open(path, "rb") as f:
        assert f.read() == PAYLOAD


def test_complete_part_file_is_verified_without_downloading(server, kara_home):
    folder = kara_home / "datasets"
    folder.mkdir(parents=True)
    (folder / "blob.bin.part").write_bytes(PAYLOAD)
    (path,) = _download.fetch("demo", [remote(server.url("/blob.bin"))])
    assert server.state["requests"] == []
    assert listing(folder) == ["blob.bin"]


def test_checksum_mismatch_caches_nothing(server, kara_home):
    server.state["files"]["/blob.bin"] = PAYLOAD[::-1]  # right size, wrong
    spec = remote(server.url("/blob.bin"))
    with pytest.raises(DatasetFileError) as info:
        _download.fetch("demo", [spec])
    message = str(info.value)
    assert f"downloaded from {spec.url} is corrupted" in message
    assert "It was deleted, nothing was cached" in message
    assert listing(kara_home / "datasets") == []


def test_unknown_size_is_checked_by_hash_alone(server):
    server.state["files"]["/blob.bin"] = PAYLOAD
    spec = remote(server.url("/blob.bin"), size=False)
    (path,) = _download.fetch("demo", [spec])
    assert os.path.getsize(path) == len(PAYLOAD)


def test_http_error_is_reported_with_the_files_to_fetch(server):
    spec = remote(server.url("/missing.bin"), name="missing.bin")
    with pytest.raises(DatasetDownloadError, match="Not Found"):
        _download.fetch("demo", [spec])


# -------------------------------------------------------------- offline
def closed_port():
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()
    return port


def test_offline_error_lists_every_file_and_the_folder(kara_home):
    url = f"http://127.0.0.1:{closed_port()}/"
    files = [
        remote(url + "a.gz", name="a.gz"),
        remote(url + "b.gz", data=b"xyz", name="b.gz"),
    ]
    with pytest.raises(DatasetDownloadError) as info:
        _download.fetch("fashion_mnist", files, subdir="fashion-mnist")
    message = str(info.value)
    folder = str(kara_home / "datasets" / "fashion-mnist")
    assert message.startswith("Cannot download the fashion_mnist dataset")
    assert f"kara needs these files in {folder}:" in message
    for spec in files:
        assert re.search(
            rf"  {spec.name}  \({spec.size:,} bytes, sha256 "
            rf"{spec.sha256}\)  from {re.escape(spec.url)}",
            message,
        )
    assert "kara.datasets.fashion_mnist.load_data() again" in message
    assert "kara.datasets.digits.load_data() ships with kara" in message
    assert isinstance(info.value, OSError)
