"""kara.datasets.cifar10 on tiny archives in the real format (a tar.gz of
Python 2 pickles), and the restricted unpickler."""

import os
import pickle
import re

import numpy as np
import pytest

from kara import config
from kara.datasets import DatasetFileError
from kara.datasets import _safe_pickle
from kara.datasets import cifar10
from tests.datasets._formats import py2_pickle
from tests.datasets._formats import spec_for
from tests.datasets._formats import unpickled_batch
from tests.datasets._formats import write_cifar


@pytest.fixture
def archive(kara_home, monkeypatch):
    """Writes a tiny archive into the cache and pins cifar10.FILE to it."""
    folder = kara_home / "datasets"
    folder.mkdir(parents=True)
    path = folder / "cifar-10-python.tar.gz"

    def make(**kwargs):
        contents = write_cifar(path, **kwargs)
        monkeypatch.setattr(
            cifar10, "FILE", spec_for(path, url=cifar10.FILE.url)
        )
        return contents

    make.path = path
    return make


def test_keras_facts():
    assert cifar10.FILE.url == (
        "https://www.cs.toronto.edu/~kriz/cifar-10-python.tar.gz"
    )
    assert cifar10.FILE.sha256 == (
        "6d958be074577803d12ecdefd02955f39262c83c16fe9348329d7fe0b5c001ce"
    )
    assert cifar10.CLASS_NAMES[0] == "airplane"
    assert cifar10.CLASS_NAMES[9] == "truck"


def test_load_data_shapes_dtypes_and_values(archive, offline):
    contents = archive(n=2)
    (x_train, y_train), (x_test, y_test) = cifar10.load_data()
    assert x_train.shape == (10, 32, 32, 3) and x_test.shape == (2, 32, 32, 3)
    assert y_train.shape == (10, 1) and y_test.shape == (2, 1)
    for array in (x_train, y_train, x_test, y_test):
        assert array.dtype == np.uint8
    # batch 2's first image, channels last: pixel (r, c) = data[ch, r, c]
    first, labels = unpickled_batch(
        contents["cifar-10-batches-py/data_batch_2"]
    )
    np.testing.assert_array_equal(x_train[2], first[0].transpose(1, 2, 0))
    np.testing.assert_array_equal(y_train[2:4, 0], labels)
    test_images, test_labels = unpickled_batch(
        contents["cifar-10-batches-py/test_batch"]
    )
    np.testing.assert_array_equal(x_test, test_images.transpose(0, 2, 3, 1))
    np.testing.assert_array_equal(y_test[:, 0], test_labels)
    assert offline.calls == []


def test_channels_first(archive):
    contents = archive(n=2)
    previous = config.image_data_format()
    config.set_image_data_format("channels_first")
    try:
        (x_train, _), _ = cifar10.load_data()
    finally:
        config.set_image_data_format(previous)
    first, _ = unpickled_batch(contents["cifar-10-batches-py/data_batch_1"])
    assert x_train.shape == (10, 3, 32, 32)
    np.testing.assert_array_equal(x_train[:2], first)


def test_python3_numpy2_pickles_load_too(archive):
    archive(n=1, py2=False)
    (x_train, y_train), _ = cifar10.load_data()
    assert x_train.shape == (5, 32, 32, 3) and y_train.shape == (5, 1)


def test_missing_batch(archive):
    archive(members={"cifar-10-batches-py/data_batch_3": None})
    with pytest.raises(DatasetFileError) as info:
        cifar10.load_data()
    message = str(info.value)
    assert "lacks the batches ['cifar-10-batches-py/data_batch_3']" in message
    assert str(archive.path) in message
    assert "Delete it and call kara.datasets.cifar10.load_data()" in message


class _Exploit:
    """Pickles into `os.system("touch <marker>")`."""

    def __init__(self, marker):
        self.marker = marker

    def __reduce__(self):
        return (os.system, (f"touch {self.marker}",))


def test_malicious_pickle_is_refused_and_never_runs(archive, tmp_path):
    marker = tmp_path / "pwned"
    evil = py2_pickle({b"data": _Exploit(marker)})
    archive(members={"cifar-10-batches-py/data_batch_1": evil})
    with pytest.raises(DatasetFileError) as info:
        cifar10.load_data()
    assert re.search(r"Refusing to load (posix|nt|os)\.system", str(info.value))
    assert "data_batch_1 cannot be read" in str(info.value)
    assert not marker.exists()


def test_batch_that_is_not_a_dict(archive):
    archive(members={"cifar-10-batches-py/test_batch": py2_pickle([1, 2])})
    with pytest.raises(DatasetFileError, match="test_batch is a list"):
        cifar10.load_data()


def test_batch_with_wrong_data_shape(archive):
    bad = py2_pickle({b"data": np.zeros((2, 100), np.uint8), b"labels": [0, 1]})
    archive(members={"cifar-10-batches-py/test_batch": bad})
    with pytest.raises(
        DatasetFileError, match=r"has data \(2, 100\), expected a \(n, 3072\)"
    ):
        cifar10.load_data()


def test_batch_with_too_few_labels(archive):
    bad = py2_pickle({b"data": np.zeros((2, 3072), np.uint8), b"labels": [0]})
    archive(members={"cifar-10-batches-py/test_batch": bad})
    with pytest.raises(DatasetFileError, match=r"\(1,\) labels for 2 images"):
        cifar10.load_data()


def test_truncated_archive(kara_home, monkeypatch, archive):
    archive(n=2)
    data = archive.path.read_bytes()
    archive.path.write_bytes(data[: len(data) // 2])
    monkeypatch.setattr(
        cifar10, "FILE", spec_for(archive.path, url=cifar10.FILE.url)
    )
    with pytest.raises(DatasetFileError, match="not a readable .tar.gz"):
        cifar10.load_data()


def test_truncated_archive_fails_the_checksum_first(archive):
    archive(n=2)
    data = archive.path.read_bytes()
    archive.path.write_bytes(data[:100])
    with pytest.raises(DatasetFileError, match="truncated: 100 bytes"):
        cifar10.load_data()


# -------------------------------------------------- the restricted unpickler
def test_restricted_unpickler_rebuilds_arrays_of_both_numpy_spellings():
    array = np.arange(12, dtype=np.uint8).reshape(3, 4)
    py2 = _safe_pickle.loads(py2_pickle({b"a": array}), encoding="bytes")
    py3 = _safe_pickle.loads(pickle.dumps({"a": array}, protocol=3))
    np.testing.assert_array_equal(py2[b"a"], array)
    np.testing.assert_array_equal(py3["a"], array)


@pytest.mark.parametrize(
    "obj", [os.system, eval, pickle.loads, np.load, np.ctypeslib.as_array]
)
def test_restricted_unpickler_refuses_other_callables(obj):
    with pytest.raises(pickle.UnpicklingError, match="Refusing to load"):
        _safe_pickle.loads(pickle.dumps(obj, protocol=2))
