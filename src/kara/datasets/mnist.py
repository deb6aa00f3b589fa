"""MNIST handwritten digits (`keras.datasets.mnist`).

60,000 training and 10,000 test images of the digits 0-9, 28x28 pixels in
shades of grey. The data is Keras's own copy, `mnist.npz` (11 MB, four
arrays `x_train`, `y_train`, `x_test`, `y_test`), downloaded once into
kara's cache (`~/.kara/datasets`, or `$KARA_HOME/datasets`) and checked
against its SHA-256 on every load.

Offline? Copy `mnist.npz` into that folder (Keras's cached copy in
`~/.keras/datasets/mnist.npz` is the same file), or use
`kara.datasets.digits`, which ships with kara.

License: Yann LeCun and Corinna Cortes hold the copyright of MNIST, a
derivative of the NIST datasets; it is available under the terms of the
Creative Commons Attribution-Share Alike 3.0 license.
"""

import os
import zipfile
import zlib

import numpy as np

from kara.datasets import _download

_ORIGIN = "https://storage.googleapis.com/tensorflow/tf-keras-datasets/"
FILE = _download.RemoteFile(
    name="mnist.npz",
    url=_ORIGIN + "mnist.npz",
    sha256="731c5ac602752760c8e48fbffcf8c3b850d9dc2a2aedcf2cc48468fc17b673d1",
    size=11490434,
)
_KEYS = ("x_train", "y_train", "x_test", "y_test")


def load_data(path="mnist.npz"):
    """Loads the MNIST dataset.

    Args:
        path: where to cache the file, relative to kara's cache folder
            (`~/.kara/datasets`), or an absolute path.

    Returns:
        `(x_train, y_train), (x_test, y_test)`, NumPy arrays:

        - `x_train`: uint8, shape `(60000, 28, 28)`, pixels 0-255.
        - `y_train`: uint8, shape `(60000,)`, digits 0-9.
        - `x_test`: uint8, shape `(10000, 28, 28)`.
        - `y_test`: uint8, shape `(10000,)`.

    Raises:
        kara.datasets.DatasetDownloadError: the file is not cached and
            cannot be downloaded (the message says where to put it).
        kara.datasets.DatasetFileError: the cached file is truncated,
            corrupted or not an MNIST `.npz` (delete it and load again).

    Example:
    ```python
    (x_train, y_train), (x_test, y_test) = kara.datasets.mnist.load_data()
    x_train = x_train.reshape(-1, 784).astype("float32") / 255
    ```
    """
    folder, name = os.path.split(os.fspath(path))
    spec = FILE if name == FILE.name else _renamed(name)
    (path,) = _download.fetch("mnist", [spec], subdir=folder)
    return read_npz(path)


def _renamed(name):
    """The MNIST file under another cache name (`load_data(path=...)`)."""
    return _download.RemoteFile(name, FILE.url, FILE.sha256, FILE.size)


def read_npz(path):
    """Reads an `mnist.npz` file into `(x_train, y_train), (x_test, y_test)`.

    The archive is read with `allow_pickle=False`: only plain arrays load,
    never Python objects.

    Args:
        path: the `.npz` file.

    Returns:
        The four arrays, as `load_data` returns them.

    Raises:
        kara.datasets.DatasetFileError: the file is not a readable `.npz`
            with the four MNIST arrays.
    """
    try:
        archive = np.load(path, allow_pickle=False)
        if not isinstance(archive, np.lib.npyio.NpzFile):
            raise ValueError("it holds a single array, not an archive")
        with archive:
            names = sorted(archive.files)
            arrays = {k: archive[k] for k in _KEYS if k in names}
    except (OSError, ValueError, EOFError, zipfile.BadZipFile, zlib.error) as e:
        raise _bad_file(path, f"it is not a readable .npz ({e})") from e
    missing = [key for key in _KEYS if key not in arrays]
    if missing:
        raise _bad_file(path, f"it lacks the arrays {missing} (has {names})")
    x_train, y_train, x_test, y_test = (arrays[k] for k in _KEYS)
    for x, y, split in ((x_train, y_train, "train"), (x_test, y_test, "test")):
        _check_split(path, x, y, split)
    return (x_train, y_train), (x_test, y_test)


def _check_split(path, x, y, split):
    if x.ndim != 3 or x.shape[1:] != (28, 28) or x.dtype != np.uint8:
        raise _bad_file(
            path,
            f"x_{split} has shape {x.shape} and dtype {x.dtype}, expected "
            "(n, 28, 28) uint8",
        )
    if y.shape != (x.shape[0],) or y.dtype != np.uint8:
        raise _bad_file(
            path,
            f"y_{split} has shape {y.shape} and dtype {y.dtype}, expected "
            f"({x.shape[0]},) uint8",
        )


def _bad_file(path, problem):
    return _download.DatasetFileError(
        f"The mnist file {path!r} is not a valid MNIST file: {problem}. "
        "Delete it and call kara.datasets.mnist.load_data() again to "
        "download a fresh copy."
    )
