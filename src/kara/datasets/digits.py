"""Handwritten digits, 8x8, shipped with kara (works offline).

1,797 images of the digits 0-9, each 8x8 pixels with values 0..16: the
test set of the UCI "Optical Recognition of Handwritten Digits" data
(Alpaydin & Kaynak, 1998; CC BY 4.0, see `data/LICENSE-digits.txt`). The
file (57 KB) is inside the kara package, so examples and tests run with
no download. A small dense network (64 relu units, softmax) reaches about
96% test accuracy on it in under a second.

The split: the 1,797 rows are shuffled by
`numpy.random.RandomState(seed).permutation` (a generator NumPy keeps
bit-for-bit stable across versions) and the first
`int(1797 * (1 - test_split))` shuffled rows are the training set, the
rest the test set (the rule of Keras's `boston_housing.load_data`). The
same `test_split` and `seed` always give the same split: 1,437 training
and 360 test images by default.

Example:
>>> from kara.datasets import digits
>>> (x_train, y_train), (x_test, y_test) = digits.load_data()
>>> x_train.shape, x_train.dtype, int(x_train.max()), y_test.shape
((1437, 8, 8), dtype('uint8'), 16, (360,))
"""

import functools
import gzip
import hashlib
import os
import zlib

import numpy as np

from kara.datasets import _download

PATH = os.path.join(os.path.dirname(__file__), "data", "digits.csv.gz")
SHA256 = "09f66e6debdee2cd2b5ae59e0d6abbb73fc2b0e0185d2e1957e9ebb51e23aa22"
NUM_SAMPLES = 1797


def load_data(test_split=0.2, seed=113):
    """Loads the digits, split into training and test sets.

    Args:
        test_split: the fraction of the images kept for the test set, in
            `[0, 1)`.
        seed: the seed of the shuffle before the split (an int).

    Returns:
        `(x_train, y_train), (x_test, y_test)`, NumPy arrays: images of
        shape `(n, 8, 8)` uint8 with values 0..16, labels of shape `(n,)`
        uint8 with values 0..9. Scale the images with `x / 16`.

    Raises:
        ValueError: `test_split` or `seed` is not valid.
        kara.datasets.DatasetFileError: the shipped file was damaged
            (reinstall kara).

    Example:
    >>> (x_train, y_train), (x_test, y_test) = load_data(test_split=0.5)
    >>> len(x_train), len(x_test)
    (898, 899)
    """
    if isinstance(test_split, bool) or not isinstance(
        test_split, (int, float, np.integer, np.floating)
    ):
        raise TypeError(
            "`test_split` must be a number in [0, 1). Received: "
            f"test_split={test_split!r}"
        )
    if not 0 <= test_split < 1:
        raise ValueError(
            "`test_split` is the fraction of the data used for testing: a "
            f"number in [0, 1), e.g. 0.2. Received: test_split={test_split}"
        )
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)):
        raise TypeError(
            "`seed` must be an int (the split is deterministic: the same "
            f"seed gives the same split). Received: seed={seed!r}"
        )
    images, labels = _read()
    order = np.random.RandomState(seed).permutation(len(labels))
    images, labels = images[order], labels[order]
    n_train = int(len(labels) * (1 - test_split))
    return (images[:n_train], labels[:n_train]), (
        images[n_train:],
        labels[n_train:],
    )


@functools.lru_cache(maxsize=1)
def _read():
    """The 1,797 images and labels, read once per process."""
    with open(PATH, "rb") as f:
        packed = f.read()
    if hashlib.sha256(packed).hexdigest() != SHA256:
        raise _damaged("its SHA-256 does not match the one kara shipped")
    try:
        text = gzip.decompress(packed)
        rows = np.loadtxt(text.splitlines(), delimiter=",", dtype=np.uint8)
    except (OSError, EOFError, zlib.error, ValueError) as error:
        raise _damaged(f"it cannot be parsed ({error})") from error
    if rows.shape != (NUM_SAMPLES, 65):
        raise _damaged(f"it has shape {rows.shape}, not (1797, 65)")
    images = rows[:, :64].reshape(-1, 8, 8)
    labels = rows[:, 64].copy()
    # cached arrays are shared between calls: make them read-only
    images.flags.writeable = False
    labels.flags.writeable = False
    return images, labels


def _damaged(problem):
    return _download.DatasetFileError(
        f"The digits file shipped with kara, {PATH!r}, is damaged: "
        f"{problem}. Reinstall kara (pip install --force-reinstall kara)."
    )
