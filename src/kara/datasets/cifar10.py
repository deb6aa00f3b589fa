"""CIFAR-10 small colour images (`keras.datasets.cifar10`).

50,000 training and 10,000 test images, 32x32 pixels in colour, of 10
classes (`CLASS_NAMES`). The data is the "python version" archive
`cifar-10-python.tar.gz` (163 MB) from the CIFAR home page (Alex
Krizhevsky, 2009), cached in `~/.kara/datasets` (or
`$KARA_HOME/datasets`) and checked against its SHA-256 on every load.

The archive holds six pickled batches, `cifar-10-batches-py/data_batch_1`
to `_5` and `test_batch`; each is a dict with `data` (a uint8 array of
shape `(n, 3072)`: 1024 red, then 1024 green, then 1024 blue values per
image, row by row) and `labels` (a list of n ints). kara reads the
batches straight from the archive (nothing is extracted to disk) with a
restricted unpickler that can only rebuild NumPy arrays (see
`_safe_pickle.py`).

Reference: Alex Krizhevsky, "Learning Multiple Layers of Features from
Tiny Images", 2009.
"""

import pickle
import zlib

import numpy as np

from kara import config
from kara.datasets import _download
from kara.datasets import _safe_pickle

FILE = _download.RemoteFile(
    name="cifar-10-python.tar.gz",
    url="https://www.cs.toronto.edu/~kriz/cifar-10-python.tar.gz",
    sha256="6d958be074577803d12ecdefd02955f39262c83c16fe9348329d7fe0b5c001ce",
    size=170498071,
)
CLASS_NAMES = (
    "airplane",
    "automobile",
    "bird",
    "cat",
    "deer",
    "dog",
    "frog",
    "horse",
    "ship",
    "truck",
)
_FOLDER = "cifar-10-batches-py"
TRAIN_BATCHES = tuple(f"{_FOLDER}/data_batch_{i}" for i in range(1, 6))
TEST_BATCH = f"{_FOLDER}/test_batch"


def load_data():
    """Loads the CIFAR-10 dataset.

    Returns:
        `(x_train, y_train), (x_test, y_test)`, NumPy arrays:

        - `x_train`: uint8, shape `(50000, 32, 32, 3)` (or `(50000, 3,
          32, 32)` when `kara.config.image_data_format()` is
          `"channels_first"`), pixels 0-255.
        - `y_train`: uint8, shape `(50000, 1)`, labels 0-9 (names in
          `CLASS_NAMES`).
        - `x_test`: uint8, shape `(10000, 32, 32, 3)`.
        - `y_test`: uint8, shape `(10000, 1)`.

    Raises:
        kara.datasets.DatasetDownloadError: the archive is not cached and
            cannot be downloaded (the message says where to put it).
        kara.datasets.DatasetFileError: the cached archive is truncated,
            corrupted or not the CIFAR-10 python archive.

    Example:
    ```python
    (x_train, y_train), (x_test, y_test) = kara.datasets.cifar10.load_data()
    x_train = x_train.astype("float32") / 255  # (50000, 32, 32, 3)
    ```
    """
    (path,) = _download.fetch("cifar10", [FILE])
    return read_archive(path)


def read_archive(path):
    """Reads the six batches of a `cifar-10-python.tar.gz` archive.

    Args:
        path: the archive.

    Returns:
        The arrays, as `load_data` returns them.

    Raises:
        kara.datasets.DatasetFileError: the archive cannot be read, lacks
            a batch, or a batch is not a CIFAR batch.
    """
    import tarfile  # here, not at import: only CIFAR needs it

    wanted = (*TRAIN_BATCHES, TEST_BATCH)
    batches = {}
    try:
        with tarfile.open(path, "r:gz") as archive:
            for member in archive:
                if member.name in wanted and member.isfile():
                    raw = archive.extractfile(member).read()
                    batches[member.name] = _read_batch(path, member.name, raw)
    except (tarfile.TarError, OSError, EOFError, zlib.error) as error:
        problem = f"it is not a readable .tar.gz archive ({error})"
        raise _bad_file(path, problem) from error
    missing = [name for name in wanted if name not in batches]
    if missing:
        raise _bad_file(path, f"it lacks the batches {missing}")
    x_train = np.concatenate([batches[n][0] for n in TRAIN_BATCHES])
    y_train = np.concatenate([batches[n][1] for n in TRAIN_BATCHES])
    x_test, y_test = batches[TEST_BATCH]
    if config.image_data_format() == "channels_last":
        # (n, channels, rows, cols) -> (n, rows, cols, channels)
        x_train = np.ascontiguousarray(x_train.transpose(0, 2, 3, 1))
        x_test = np.ascontiguousarray(x_test.transpose(0, 2, 3, 1))
    return (x_train, y_train.reshape(-1, 1)), (x_test, y_test.reshape(-1, 1))


def _read_batch(path, name, raw):
    """One batch: `(images (n, 3, 32, 32) uint8, labels (n,) uint8)`."""
    try:
        # Python 2 pickles: encoding="bytes" keeps their str as bytes.
        batch = _safe_pickle.loads(raw, encoding="bytes")
    except (pickle.UnpicklingError, EOFError, ValueError, TypeError) as e:
        raise _bad_file(path, f"its {name} cannot be read ({e})") from e
    if not isinstance(batch, dict):
        raise _bad_file(path, f"its {name} is a {type(batch).__name__}")
    batch = {_text(k): v for k, v in batch.items()}
    data, labels = batch.get("data"), batch.get("labels")
    if (
        not isinstance(data, np.ndarray)
        or data.dtype != np.uint8
        or data.ndim != 2
        or data.shape[1] != 3 * 32 * 32
    ):
        found = getattr(data, "shape", type(data).__name__)
        raise _bad_file(
            path,
            f"its {name} has data {found}, expected a (n, 3072) uint8 array",
        )
    labels = np.asarray(labels if labels is not None else [])
    if labels.shape != (len(data),) or labels.dtype.kind not in "iu":
        raise _bad_file(
            path, f"its {name} has {labels.shape} labels for {len(data)} images"
        )
    if len(labels) and (labels.min() < 0 or labels.max() > 9):
        raise _bad_file(path, f"its {name} has labels outside 0-9")
    return data.reshape(-1, 3, 32, 32), labels.astype(np.uint8)


def _text(key):
    return key.decode("utf-8", "replace") if isinstance(key, bytes) else key


def _bad_file(path, problem):
    return _download.DatasetFileError(
        f"The cifar10 file {path!r} is not a valid CIFAR-10 python archive: "
        f"{problem}. Delete it and call kara.datasets.cifar10.load_data() "
        "again to download a fresh copy."
    )
