"""Fashion-MNIST: Zalando's article images (`keras.datasets.fashion_mnist`).

60,000 training and 10,000 test images, 28x28 pixels in shades of grey,
of 10 kinds of clothing (`CLASS_NAMES`). It is a drop-in replacement for
MNIST, harder to score on.

The data is the four gzipped IDX files Keras downloads, cached in
`~/.kara/datasets/fashion-mnist/` (or `$KARA_HOME/datasets/...`) and
checked against their SHA-256 on every load. The IDX format is a big-endian
header (a magic number, then the size of each dimension) followed by the
raw uint8 values:

    labels: 0x00000801, n,          then n bytes
    images: 0x00000803, n, 28, 28,  then n*28*28 bytes

License: the copyright for Fashion-MNIST is held by Zalando SE.
Fashion-MNIST is licensed under the MIT license.
"""

import gzip
import os
import struct
import zlib

import numpy as np

from kara.datasets import _download

_ORIGIN = "https://storage.googleapis.com/tensorflow/tf-keras-datasets/"
SUBDIR = "fashion-mnist"
# The SHA-256 values are those of Zalando's published files (the same
# sizes as Keras's copies; Keras itself does not pin a hash for them).
FILES = (
    _download.RemoteFile(
        "train-labels-idx1-ubyte.gz",
        _ORIGIN + "train-labels-idx1-ubyte.gz",
        "a04f17134ac03560a47e3764e11b92fc97de4d1bfaf8ba1a3aa29af54cc90845",
        29515,
    ),
    _download.RemoteFile(
        "train-images-idx3-ubyte.gz",
        _ORIGIN + "train-images-idx3-ubyte.gz",
        "3aede38d61863908ad78613f6a32ed271626dd12800ba2636569512369268a84",
        26421880,
    ),
    _download.RemoteFile(
        "t10k-labels-idx1-ubyte.gz",
        _ORIGIN + "t10k-labels-idx1-ubyte.gz",
        "67da17c76eaffca5446c3361aaab5c3cd6d1c2608764d35dfb1850b086bf8dd5",
        5148,
    ),
    _download.RemoteFile(
        "t10k-images-idx3-ubyte.gz",
        _ORIGIN + "t10k-images-idx3-ubyte.gz",
        "346e55b948d973a97e58d2351dde16a484bd415d4595297633bb08f03db6a073",
        4422102,
    ),
)
CLASS_NAMES = (
    "T-shirt/top",
    "Trouser",
    "Pullover",
    "Dress",
    "Coat",
    "Sandal",
    "Shirt",
    "Sneaker",
    "Bag",
    "Ankle boot",
)
_LABELS_MAGIC = 0x00000801  # uint8 data, 1 dimension
_IMAGES_MAGIC = 0x00000803  # uint8 data, 3 dimensions


def load_data():
    """Loads the Fashion-MNIST dataset.

    Returns:
        `(x_train, y_train), (x_test, y_test)`, NumPy arrays:

        - `x_train`: uint8, shape `(60000, 28, 28)`, pixels 0-255.
        - `y_train`: uint8, shape `(60000,)`, labels 0-9 (names in
          `CLASS_NAMES`: 0 is "T-shirt/top", 9 is "Ankle boot").
        - `x_test`: uint8, shape `(10000, 28, 28)`.
        - `y_test`: uint8, shape `(10000,)`.

    Raises:
        kara.datasets.DatasetDownloadError: a file is not cached and
            cannot be downloaded (the message lists the four files and
            the folder to put them in).
        kara.datasets.DatasetFileError: a cached file is truncated,
            corrupted or not an IDX file (delete it and load again).

    Example:
    ```python
    (x_train, y_train), (x_test, y_test) = (
        kara.datasets.fashion_mnist.load_data()
    )
    kara.datasets.fashion_mnist.CLASS_NAMES[y_train[0]]  # 'Ankle boot'
    ```
    """
    paths = _download.fetch("fashion_mnist", FILES, subdir=SUBDIR)
    y_train = read_idx(paths[0], _LABELS_MAGIC)
    x_train = read_idx(paths[1], _IMAGES_MAGIC)
    y_test = read_idx(paths[2], _LABELS_MAGIC)
    x_test = read_idx(paths[3], _IMAGES_MAGIC)
    for x, y, split in ((x_train, y_train, "train"), (x_test, y_test, "test")):
        if len(x) != len(y):
            raise _download.DatasetFileError(
                f"The fashion_mnist {split} files disagree: {len(x)} images "
                f"but {len(y)} labels. Delete the files in "
                f"{os.path.dirname(paths[0])!r} and call "
                "kara.datasets.fashion_mnist.load_data() again."
            )
    return (x_train, y_train), (x_test, y_test)


def read_idx(path, magic):
    """Reads one gzipped IDX file of uint8 values.

    Args:
        path: the `.gz` file.
        magic: the expected magic number (`0x801` labels, `0x803`
            images).

    Returns:
        A uint8 array: `(n,)` labels or `(n, 28, 28)` images.

    Raises:
        kara.datasets.DatasetFileError: the file is not a complete
            gzipped IDX file of that kind.
    """
    try:
        with gzip.open(path, "rb") as f:
            raw = f.read()
    except (OSError, EOFError, zlib.error) as error:
        # BadGzipFile is an OSError; a cut-off stream raises EOFError.
        problem = f"it is not a complete gzip file ({error})"
        raise _bad_file(path, problem) from error
    ndim = magic & 0xFF
    header = 4 + 4 * ndim
    if len(raw) < header:
        raise _bad_file(path, f"it has {len(raw)} bytes, less than a header")
    found, *dims = struct.unpack(f">{1 + ndim}I", raw[:header])
    if found != magic:
        raise _bad_file(
            path,
            f"its magic number is {found:#010x}, expected {magic:#010x} "
            f"({'labels' if magic == _LABELS_MAGIC else 'images'})",
        )
    if ndim == 3 and tuple(dims[1:]) != (28, 28):
        raise _bad_file(path, f"its images are {dims[1]}x{dims[2]}, not 28x28")
    count = int(np.prod(dims))
    if len(raw) - header != count:
        raise _bad_file(
            path,
            f"its header announces {count:,} values but it holds "
            f"{len(raw) - header:,}",
        )
    return np.frombuffer(raw, np.uint8, offset=header).reshape(dims).copy()


def _bad_file(path, problem):
    return _download.DatasetFileError(
        f"The fashion_mnist file {path!r} is not a valid IDX file: "
        f"{problem}. Delete it and call "
        "kara.datasets.fashion_mnist.load_data() again to download a fresh "
        "copy."
    )
