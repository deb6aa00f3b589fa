"""kara.datasets.fashion_mnist on tiny gzipped IDX files."""

import gzip
import os

import numpy as np
import pytest

from kara.datasets import DatasetDownloadError
from kara.datasets import DatasetFileError
from kara.datasets import fashion_mnist
from tests.datasets._formats import idx_bytes
from tests.datasets._formats import spec_for
from tests.datasets._formats import write_fashion
from tests.datasets._formats import write_gz


@pytest.fixture
def folder(kara_home):
    return kara_home / "datasets" / "fashion-mnist"


def pin(monkeypatch, paths):
    """Points FILES at the files now on disk (their sizes and hashes)."""
    specs = tuple(
        spec_for(path, url=spec.url)
        for path, spec in zip(paths, fashion_mnist.FILES)
    )
    monkeypatch.setattr(fashion_mnist, "FILES", specs)


@pytest.fixture
def cached(folder, monkeypatch):
    paths, arrays = write_fashion(folder)
    pin(monkeypatch, paths)
    return paths, arrays


def test_keras_facts():
    names = [spec.name for spec in fashion_mnist.FILES]
    assert names == [
        "train-labels-idx1-ubyte.gz",
        "train-images-idx3-ubyte.gz",
        "t10k-labels-idx1-ubyte.gz",
        "t10k-images-idx3-ubyte.gz",
    ]
    base = "https://storage.googleapis.com/tensorflow/tf-keras-datasets/"
    assert [s.url for s in fashion_mnist.FILES] == [base + n for n in names]
    assert [s.size for s in fashion_mnist.FILES] == [
        29515,
        26421880,
        5148,
        4422102,
    ]
    assert fashion_mnist.CLASS_NAMES[0] == "T-shirt/top"
    assert fashion_mnist.CLASS_NAMES[9] == "Ankle boot"


def test_load_data_matches_the_files(cached, offline):
    _, arrays = cached
    (x_train, y_train), (x_test, y_test) = fashion_mnist.load_data()
    assert x_train.shape == (4, 28, 28) and x_test.shape == (2, 28, 28)
    assert y_train.shape == (4,) and y_test.shape == (2,)
    for array in (x_train, y_train, x_test, y_test):
        assert array.dtype == np.uint8
    np.testing.assert_array_equal(x_train, arrays["train-images-idx3-ubyte.gz"])
    np.testing.assert_array_equal(y_test, arrays["t10k-labels-idx1-ubyte.gz"])
    x_train[0, 0, 0] = 7  # writable, unlike np.frombuffer's view
    assert offline.calls == []


def test_offline_error_lists_the_four_files(folder):
    with pytest.raises(DatasetDownloadError) as info:
        fashion_mnist.load_data()
    message = str(info.value)
    assert f"kara needs these files in {folder}:" in message
    for spec in fashion_mnist.FILES:
        line = f"  {spec.name}  ({spec.size:,} bytes, sha256 {spec.sha256})"
        assert line in message


def test_corrupted_file_names_it(cached):
    paths, _ = cached
    data = bytearray(open(paths[1], "rb").read())
    data[-5] ^= 0xFF
    with open(paths[1], "wb") as f:
        f.write(bytes(data))
    with pytest.raises(DatasetFileError, match="corrupted") as info:
        fashion_mnist.load_data()
    assert paths[1] in str(info.value)


def test_truncated_gzip(folder, monkeypatch):
    paths, _ = write_fashion(folder)
    data = open(paths[1], "rb").read()
    with open(paths[1], "wb") as f:
        f.write(data[: len(data) // 2])
    pin(monkeypatch, paths)
    with pytest.raises(DatasetFileError) as info:
        fashion_mnist.load_data()
    message = str(info.value)
    assert paths[1] in message
    assert "not a complete gzip file" in message
    assert "Delete it and call kara.datasets.fashion_mnist.load_data()" in (
        message
    )


def test_not_gzip_at_all(folder, monkeypatch):
    paths, _ = write_fashion(folder)
    with open(paths[0], "wb") as f:
        f.write(b"plain text, not gzip")
    pin(monkeypatch, paths)
    with pytest.raises(DatasetFileError, match="not a complete gzip file"):
        fashion_mnist.load_data()


def test_images_file_where_labels_belong(folder, monkeypatch):
    paths, arrays = write_fashion(folder)
    write_gz(paths[0], idx_bytes(arrays["train-images-idx3-ubyte.gz"]))
    pin(monkeypatch, paths)
    with pytest.raises(
        DatasetFileError,
        match="magic number is 0x00000803, expected 0x00000801 \\(labels\\)",
    ):
        fashion_mnist.load_data()


def test_header_announcing_more_values_than_present(folder, monkeypatch):
    paths, _ = write_fashion(folder)
    raw = gzip.decompress(open(paths[1], "rb").read())
    write_gz(paths[1], raw[:-10])  # a valid gzip of a cut-off IDX body
    pin(monkeypatch, paths)
    with pytest.raises(
        DatasetFileError, match="announces 3,136 values but it holds 3,126"
    ):
        fashion_mnist.load_data()


def test_images_of_the_wrong_size(folder, monkeypatch):
    paths, _ = write_fashion(folder)
    write_gz(paths[1], idx_bytes(np.zeros((4, 32, 32), np.uint8)))
    pin(monkeypatch, paths)
    with pytest.raises(DatasetFileError, match="images are 32x32, not 28x28"):
        fashion_mnist.load_data()


def test_labels_and_images_disagree(folder, monkeypatch):
    paths, _ = write_fashion(folder, n_train=4)
    write_gz(paths[0], idx_bytes(np.zeros(3, np.uint8)))
    pin(monkeypatch, paths)
    with pytest.raises(
        DatasetFileError, match="train files disagree: 4 images but 3 labels"
    ) as info:
        fashion_mnist.load_data()
    assert os.path.dirname(paths[0]) in str(info.value)
