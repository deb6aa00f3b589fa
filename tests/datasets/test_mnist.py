"""kara.datasets.mnist on tiny `mnist.npz` files in the real format."""

import os

import numpy as np
import pytest

from kara.datasets import DatasetDownloadError
from kara.datasets import DatasetFileError
from kara.datasets import mnist
from tests.datasets._formats import spec_for
from tests.datasets._formats import write_mnist_npz


@pytest.fixture
def cached(kara_home, monkeypatch):
    """A tiny mnist.npz in the cache, and mnist.FILE pinned to it."""
    folder = kara_home / "datasets"
    folder.mkdir(parents=True)
    path = folder / "mnist.npz"
    arrays = write_mnist_npz(path)
    monkeypatch.setattr(mnist, "FILE", spec_for(path, url=mnist.FILE.url))
    return path, arrays


def test_keras_facts():
    # URL and SHA-256 of Keras's copy (keras/src/datasets/mnist.py)
    assert mnist.FILE.url == (
        "https://storage.googleapis.com/tensorflow/tf-keras-datasets/mnist.npz"
    )
    assert mnist.FILE.sha256 == (
        "731c5ac602752760c8e48fbffcf8c3b850d9dc2a2aedcf2cc48468fc17b673d1"
    )


def test_load_data_returns_keras_shapes_and_dtypes(cached, offline):
    _, arrays = cached
    (x_train, y_train), (x_test, y_test) = mnist.load_data()
    assert x_train.shape == (5, 28, 28) and x_test.shape == (3, 28, 28)
    assert y_train.shape == (5,) and y_test.shape == (3,)
    for array in (x_train, y_train, x_test, y_test):
        assert array.dtype == np.uint8
    np.testing.assert_array_equal(x_train, arrays["x_train"])
    np.testing.assert_array_equal(y_test, arrays["y_test"])
    assert offline.calls == []  # cached: no download attempted


def test_absolute_path_argument(tmp_path, monkeypatch, kara_home):
    path = tmp_path / "elsewhere" / "my_mnist.npz"
    path.parent.mkdir()
    write_mnist_npz(path, n_train=2, n_test=1)
    monkeypatch.setattr(mnist, "FILE", spec_for(path, url=mnist.FILE.url))
    (x_train, _), _ = mnist.load_data(path=str(path))
    assert x_train.shape == (2, 28, 28)
    assert not kara_home.exists()


def test_offline_without_cache_says_where_to_put_the_file(kara_home):
    with pytest.raises(DatasetDownloadError) as info:
        mnist.load_data()
    message = str(info.value)
    assert "network disabled in tests" in message
    assert f"kara needs these files in {kara_home / 'datasets'}" in message
    assert "mnist.npz  (11,490,434 bytes, sha256 731c5ac6" in message
    assert "tf-keras-datasets/mnist.npz" in message
    # the folder is made for the download, but nothing is left in it
    assert os.listdir(kara_home / "datasets") == []


def test_truncated_file_is_refused_with_the_fix(cached):
    path, _ = cached
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    with pytest.raises(DatasetFileError) as info:
        mnist.load_data()
    assert str(path) in str(info.value)
    assert "truncated" in str(info.value)
    assert "Delete it and call kara.datasets.mnist.load_data() again" in str(
        info.value
    )


# A file that passes the checksum but is not an MNIST archive can only be
# made by pinning the checksum to it: these test the format checks that
# stand behind the checksum.
def pin(monkeypatch, path):
    monkeypatch.setattr(mnist, "FILE", spec_for(path, url=mnist.FILE.url))


def test_not_a_zip_archive(kara_home, monkeypatch):
    folder = kara_home / "datasets"
    folder.mkdir(parents=True)
    path = folder / "mnist.npz"
    path.write_bytes(b"<html>404 page from a captive portal</html>")
    pin(monkeypatch, path)
    with pytest.raises(DatasetFileError, match="not a readable .npz") as info:
        mnist.load_data()
    assert "Delete it and call kara.datasets.mnist.load_data()" in str(
        info.value
    )


def test_single_npy_array_instead_of_archive(kara_home, monkeypatch):
    folder = kara_home / "datasets"
    folder.mkdir(parents=True)
    path = folder / "mnist.npz"
    with open(path, "wb") as f:
        np.save(f, np.zeros(3))
    pin(monkeypatch, path)
    with pytest.raises(DatasetFileError, match="a single array"):
        mnist.load_data()


def test_archive_missing_arrays(kara_home, monkeypatch):
    folder = kara_home / "datasets"
    folder.mkdir(parents=True)
    path = folder / "mnist.npz"
    np.savez(path, x_train=np.zeros((1, 28, 28), np.uint8))
    pin(monkeypatch, path)
    with pytest.raises(
        DatasetFileError, match=r"lacks the arrays \['y_train', 'x_test'"
    ):
        mnist.load_data()


def test_wrong_shapes_and_dtypes(kara_home, monkeypatch):
    folder = kara_home / "datasets"
    folder.mkdir(parents=True)
    path = folder / "mnist.npz"
    np.savez(
        path,
        x_train=np.zeros((2, 32, 32), np.uint8),
        y_train=np.zeros(2, np.uint8),
        x_test=np.zeros((1, 28, 28), np.uint8),
        y_test=np.zeros(1, np.uint8),
    )
    pin(monkeypatch, path)
    with pytest.raises(
        DatasetFileError, match=r"x_train has shape \(2, 32, 32\)"
    ):
        mnist.load_data()


def test_object_arrays_are_never_unpickled(kara_home, monkeypatch):
    folder = kara_home / "datasets"
    folder.mkdir(parents=True)
    path = folder / "mnist.npz"
    np.savez(path, x_train=np.array([{"a": 1}], dtype=object))
    pin(monkeypatch, path)
    with pytest.raises(DatasetFileError, match="not a readable .npz"):
        mnist.load_data()
