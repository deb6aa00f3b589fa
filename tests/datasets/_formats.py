"""Tiny files in the real formats of the datasets, written for tests.

Each writer makes a few images in exactly the layout of the real file
(Keras's `mnist.npz`, Zalando's gzipped IDX files, the CIFAR-10 python
tar.gz with Python 2 pickles), and `spec_for` gives the `RemoteFile` with
that file's own size and SHA-256, so the loaders can be pointed at it.
"""

import gzip
import hashlib
import io
import os
import pickle
import struct
import tarfile

import numpy as np

from kara.datasets import _download


def spec_for(path, url="http://127.0.0.1:9/unused", name=None):
    """A `RemoteFile` matching the file at `path` (size and SHA-256)."""
    with open(path, "rb") as f:
        data = f.read()
    return _download.RemoteFile(
        name or os.path.basename(path),
        url,
        hashlib.sha256(data).hexdigest(),
        len(data),
    )


def images(n, shape, seed):
    return np.random.default_rng(seed).integers(0, 256, (n, *shape), np.uint8)


def labels(n, seed):
    return np.random.default_rng(seed).integers(0, 10, n, np.uint8)


# ----------------------------------------------------------------- mnist
def write_mnist_npz(path, n_train=5, n_test=3):
    """An `mnist.npz`: x_train/y_train/x_test/y_test, uint8."""
    arrays = {
        "x_train": images(n_train, (28, 28), 1),
        "y_train": labels(n_train, 2),
        "x_test": images(n_test, (28, 28), 3),
        "y_test": labels(n_test, 4),
    }
    np.savez_compressed(path, **arrays)
    return arrays


# --------------------------------------------------------- fashion-mnist
def idx_bytes(array):
    """The IDX encoding of a uint8 array: magic 0x08 0x<ndim>, dims, data."""
    header = struct.pack(">I", 0x0800 | array.ndim)
    header += struct.pack(f">{array.ndim}I", *array.shape)
    return header + array.astype(np.uint8).tobytes()


def write_gz(path, data):
    with open(path, "wb") as f:
        f.write(gzip.compress(data, mtime=0))


def write_fashion(folder, n_train=4, n_test=2):
    """The four Fashion-MNIST files; returns (paths, arrays)."""
    os.makedirs(folder, exist_ok=True)
    arrays = {
        "train-labels-idx1-ubyte.gz": labels(n_train, 5),
        "train-images-idx3-ubyte.gz": images(n_train, (28, 28), 6),
        "t10k-labels-idx1-ubyte.gz": labels(n_test, 7),
        "t10k-images-idx3-ubyte.gz": images(n_test, (28, 28), 8),
    }
    paths = []
    for name, array in arrays.items():
        path = os.path.join(folder, name)
        write_gz(path, idx_bytes(array))
        paths.append(path)
    return paths, arrays


# ---------------------------------------------------------------- cifar
class _Py2Pickler(pickle._Pickler):
    """Writes bytes and str as Python 2 `str` (BINSTRING), as cPickle did.

    Python 3 pickles bytes at protocol 2 through `_codecs.encode`; the
    real CIFAR files, written by Python 2, use the (SHORT_)BINSTRING
    opcodes for every string (dict keys, NumPy's dtype code `'u1'` and
    byte order `'|'`, the pixel data), which `encoding="bytes"` reads
    back as bytes.
    """

    def save_str(self, obj):
        self.save_bytes(obj.encode("ascii"))

    def save_bytes(self, obj):
        if len(obj) < 256:
            self.write(pickle.SHORT_BINSTRING + bytes([len(obj)]) + obj)
        else:
            self.write(pickle.BINSTRING + struct.pack("<i", len(obj)) + obj)
        self.memoize(obj)

    dispatch = dict(pickle._Pickler.dispatch)
    dispatch[bytes] = save_bytes
    dispatch[str] = save_str


def py2_pickle(obj):
    """`obj` pickled the way the Python 2 CIFAR files are."""
    out = io.BytesIO()
    _Py2Pickler(out, protocol=2).dump(obj)
    # Python 2's NumPy lived in `numpy.core`; the real files say so.
    return out.getvalue().replace(
        b"cnumpy._core.multiarray\n", b"cnumpy.core.multiarray\n"
    )


def cifar_batch(n, seed, py2=True):
    data = images(n, (3 * 32 * 32,), seed)
    batch = {
        b"batch_label": b"training batch 1 of 5",
        b"labels": [int(v) for v in labels(n, seed + 100)],
        b"data": data,
        b"filenames": [b"img_%d.png" % i for i in range(n)],
    }
    return py2_pickle(batch) if py2 else pickle.dumps(batch, protocol=3)


def write_cifar(path, n=2, py2=True, members=None):
    """A `cifar-10-python.tar.gz` with six batches of `n` images.

    Args:
        members: `{name: bytes}` to write instead of (or in addition to)
            the batches; a name mapped to None is left out.
    """
    names = [f"cifar-10-batches-py/data_batch_{i}" for i in range(1, 6)]
    names.append("cifar-10-batches-py/test_batch")
    contents = {name: cifar_batch(n, i, py2) for i, name in enumerate(names)}
    contents["cifar-10-batches-py/batches.meta"] = py2_pickle(
        {b"label_names": [b"airplane"]}
    )
    contents.update(members or {})
    with tarfile.open(path, "w:gz") as archive:
        for name, data in contents.items():
            if data is None:
                continue
            info = tarfile.TarInfo(name)
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
    return contents


def unpickled_batch(data):
    """The (images (n,3,32,32), labels) a batch's bytes hold, plainly."""
    batch = pickle.loads(data, encoding="bytes")
    return (
        batch[b"data"].reshape(-1, 3, 32, 32),
        np.asarray(batch[b"labels"], np.uint8),
    )
