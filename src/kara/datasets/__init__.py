"""Datasets (`keras.datasets`): ready-made NumPy arrays to learn on.

| module          | data                                   | size    |
|-----------------|----------------------------------------|---------|
| `digits`        | 1,797 8x8 handwritten digits (shipped) | 57 KB   |
| `mnist`         | 70,000 28x28 handwritten digits        | 11 MB   |
| `fashion_mnist` | 70,000 28x28 clothing images           | 30 MB   |
| `cifar10`       | 60,000 32x32 colour images             | 163 MB  |

Each module has `load_data()`, returning `(x_train, y_train), (x_test,
y_test)` with Keras's shapes and dtypes. `digits` is inside the package
and works offline. The others are downloaded once, from the locations
Keras uses, into `~/.kara/datasets` (or `$KARA_HOME/datasets`); every
file is checked against its SHA-256, a download is written to a `.part`
file and renamed only once verified, and an interrupted download resumes
where it stopped. Offline, the error lists the files to copy and where.

Example:
>>> from kara import datasets
>>> (x_train, y_train), (x_test, y_test) = datasets.digits.load_data()
>>> x_train.shape, y_train.dtype
((1437, 8, 8), dtype('uint8'))
"""

from kara.datasets import cifar10
from kara.datasets import digits
from kara.datasets import fashion_mnist
from kara.datasets import mnist
from kara.datasets._download import DatasetDownloadError
from kara.datasets._download import DatasetFileError
from kara.datasets._download import cache_dir

__all__ = [
    "DatasetDownloadError",
    "DatasetFileError",
    "cache_dir",
    "cifar10",
    "digits",
    "fashion_mnist",
    "mnist",
]
