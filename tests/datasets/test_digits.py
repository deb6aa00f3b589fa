"""kara.datasets.digits: the dataset shipped inside the package."""

import hashlib
import os
import shutil

import numpy as np
import pytest

import kara
from kara.datasets import DatasetFileError
from kara.datasets import digits

# Class counts of the 1,797 images (the UCI test set, optdigits.tes).
CLASS_COUNTS = [178, 182, 177, 183, 181, 182, 181, 179, 174, 180]


@pytest.fixture(autouse=True)
def _fresh_cache():
    digits._read.cache_clear()
    yield
    digits._read.cache_clear()


def test_shipped_file_and_license_are_in_the_package():
    assert os.path.isfile(digits.PATH)
    with open(digits.PATH, "rb") as f:
        assert hashlib.sha256(f.read()).hexdigest() == digits.SHA256
    folder = os.path.dirname(digits.PATH)
    license_path = os.path.join(folder, "LICENSE-digits.txt")
    text = open(license_path, encoding="utf-8").read()
    assert "Alpaydin" in text and "Kaynak" in text
    assert "CC BY 4.0" in text
    assert "UCI Machine Learning Repository" in text


def test_default_split_shapes_dtypes_and_ranges(offline):
    (x_train, y_train), (x_test, y_test) = digits.load_data()
    assert x_train.shape == (1437, 8, 8) and x_test.shape == (360, 8, 8)
    assert y_train.shape == (1437,) and y_test.shape == (360,)
    for array in (x_train, y_train, x_test, y_test):
        assert array.dtype == np.uint8
    assert x_train.min() == 0 and max(x_train.max(), x_test.max()) == 16
    assert set(np.unique(np.concatenate([y_train, y_test]))) == set(range(10))
    counts = np.bincount(np.concatenate([y_train, y_test]), minlength=10)
    assert counts.tolist() == CLASS_COUNTS
    assert offline.calls == []


def test_the_first_image_is_read_row_by_row():
    images, labels = digits._read()
    # the first line of digits.csv.gz: a 0
    assert labels[0] == 0
    assert images[0, 0].tolist() == [0, 0, 5, 13, 9, 1, 0, 0]
    assert images[0, 1].tolist() == [0, 0, 13, 15, 10, 15, 5, 0]


def test_split_is_fixed_and_documented():
    # pinned: the split must not change between releases or NumPy versions
    (_, y_train), (x_test, y_test) = digits.load_data()
    assert y_test[:12].tolist() == [8, 0, 8, 9, 8, 8, 0, 4, 3, 6, 1, 0]
    assert y_train[:12].tolist() == [1, 0, 9, 1, 1, 2, 3, 0, 0, 1, 7, 6]
    assert int(x_test.sum()) == 111888
    (_, _), (_, y_test0) = digits.load_data(seed=0)
    assert y_test0[:12].tolist() == [7, 9, 4, 7, 0, 2, 6, 1, 3, 1, 3, 7]


def test_train_and_test_partition_the_data():
    (x_train, y_train), (x_test, y_test) = digits.load_data(test_split=0.5)
    assert (len(x_train), len(x_test)) == (898, 899)
    images, labels = digits._read()
    both = np.concatenate([x_train, x_test]).reshape(1797, -1)
    as_rows = {row.tobytes() for row in both}
    assert len(both) == 1797
    assert as_rows == {row.tobytes() for row in images.reshape(1797, -1)}


def test_zero_test_split_and_returned_arrays_are_writable():
    (x_train, y_train), (x_test, y_test) = digits.load_data(test_split=0.0)
    assert x_train.shape == (1797, 8, 8) and x_test.shape == (0, 8, 8)
    x_train[0, 0, 0] = 1  # a copy: the cached data stays intact
    assert digits._read()[0].flags.writeable is False


@pytest.mark.parametrize("test_split", [1.0, -0.1, 1.5])
def test_test_split_out_of_range(test_split):
    with pytest.raises(
        ValueError, match=rf"e.g. 0.2. Received: test_split={test_split}"
    ):
        digits.load_data(test_split=test_split)


def test_bad_argument_types():
    with pytest.raises(TypeError, match="`test_split` must be a number"):
        digits.load_data(test_split="0.2")
    with pytest.raises(TypeError, match="`seed` must be an int"):
        digits.load_data(seed=1.5)
    with pytest.raises(TypeError, match="`seed` must be an int"):
        digits.load_data(seed=None)


def test_damaged_file_asks_to_reinstall(tmp_path, monkeypatch):
    broken = tmp_path / "digits.csv.gz"
    shutil.copy(digits.PATH, broken)
    data = broken.read_bytes()
    broken.write_bytes(data[:-100])
    monkeypatch.setattr(digits, "PATH", str(broken))
    with pytest.raises(DatasetFileError) as info:
        digits.load_data()
    assert str(broken) in str(info.value)
    assert "Reinstall kara" in str(info.value)


def test_a_small_network_learns_the_digits():
    kara.random.set_random_seed(0)
    from kara import layers
    from kara import models
    from kara.utils.numerical_utils import to_categorical

    (x, y), (x_test, y_test) = digits.load_data()
    x = x.reshape(-1, 64).astype("float32") / 16
    x_test = x_test.reshape(-1, 64).astype("float32") / 16
    model = models.Sequential(
        [
            layers.Input(shape=(64,)),
            layers.Dense(64, activation="relu"),
            layers.Dense(10, activation="softmax"),
        ]
    )
    model.compile(
        optimizer="adam", loss="categorical_crossentropy", metrics=["accuracy"]
    )
    model.fit(x, to_categorical(y, 10), epochs=20, batch_size=32, verbose=0)
    _, accuracy = model.evaluate(x_test, to_categorical(y_test, 10), verbose=0)
    assert accuracy > 0.9
