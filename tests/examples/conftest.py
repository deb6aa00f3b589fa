"""Fixtures for the example and demo tests.

- Every test gets an empty `KARA_HOME` (so no real dataset cache is read)
  and no network: `urllib.request.urlopen` fails as it does offline.
- `mnist_cache` / `fashion_cache` write small datasets in the real file
  formats (Keras's `mnist.npz`; Zalando's gzipped IDX files) into that
  cache and point the loaders' size/SHA-256 checks at them, so the
  tutorials run end to end through `load_data()`.
- `run_example(name, *args)` runs `examples/<name>.py` as `__main__` in
  this process (faster than a new interpreter), with
  `KARA_EXAMPLE_QUICK=1`, and returns what it printed.

The images are learnable on purpose: class k is a bright bar at rows
2k..2k+1 over noise, so a model that reads the files right scores near
1.0, and one that mixed up images and labels would not.
"""

import gzip
import hashlib
import os
import runpy
import struct
import sys
import urllib.error
import urllib.request

import numpy as np
import pytest

from kara import config
from kara.datasets import _download
from kara.datasets import fashion_mnist
from kara.datasets import mnist

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
EXAMPLES = os.path.join(ROOT, "examples")


@pytest.fixture(autouse=True)
def kara_home(tmp_path, monkeypatch):
    home = tmp_path / "kara_home"
    monkeypatch.setenv("KARA_HOME", str(home))
    return home


@pytest.fixture(autouse=True)
def offline(monkeypatch):
    def refuse(request, *args, **kwargs):
        raise urllib.error.URLError("network disabled in tests")

    monkeypatch.setattr(urllib.request, "urlopen", refuse)


def learnable_images(n, seed):
    """uint8 (n, 28, 28) images and labels; class k = a bar at rows 2k."""
    rng = np.random.default_rng(seed)
    labels = rng.integers(0, 10, n).astype(np.uint8)
    images = rng.integers(0, 60, (n, 28, 28)).astype(np.uint8)
    for k in range(10):
        images[labels == k, 4 + 2 * k : 6 + 2 * k, 4:24] = 255
    return images, labels


def _spec(path, name):
    with open(path, "rb") as f:
        payload = f.read()
    return _download.RemoteFile(
        name,
        "http://127.0.0.1:9/unused",
        hashlib.sha256(payload).hexdigest(),
        len(payload),
    )


@pytest.fixture
def mnist_cache(kara_home, monkeypatch):
    """`mnist.npz` (600 train, 200 test images) in the test's cache."""
    folder = kara_home / "datasets"
    folder.mkdir(parents=True)
    x_train, y_train = learnable_images(600, 1)
    x_test, y_test = learnable_images(200, 2)
    path = folder / "mnist.npz"
    np.savez_compressed(
        path, x_train=x_train, y_train=y_train, x_test=x_test, y_test=y_test
    )
    monkeypatch.setattr(mnist, "FILE", _spec(path, "mnist.npz"))
    return (x_train, y_train), (x_test, y_test)


def _idx(array):
    """IDX bytes: magic (0x08 = uint8, then the rank), sizes, values."""
    header = struct.pack(">I", 0x0800 | array.ndim)
    header += struct.pack(f">{array.ndim}I", *array.shape)
    return header + array.tobytes()


@pytest.fixture
def fashion_cache(kara_home, monkeypatch):
    """The four Fashion-MNIST IDX .gz files (600 train, 200 test)."""
    folder = kara_home / "datasets" / fashion_mnist.SUBDIR
    folder.mkdir(parents=True)
    x_train, y_train = learnable_images(600, 3)
    x_test, y_test = learnable_images(200, 4)
    arrays = {
        "train-labels-idx1-ubyte.gz": y_train,
        "train-images-idx3-ubyte.gz": x_train,
        "t10k-labels-idx1-ubyte.gz": y_test,
        "t10k-images-idx3-ubyte.gz": x_test,
    }
    specs = []
    for spec in fashion_mnist.FILES:
        path = folder / spec.name
        path.write_bytes(gzip.compress(_idx(arrays[spec.name]), mtime=0))
        specs.append(_spec(path, spec.name))
    monkeypatch.setattr(fashion_mnist, "FILES", tuple(specs))
    return (x_train, y_train), (x_test, y_test)


@pytest.fixture
def run_example(monkeypatch, capsys):
    """Runs examples/<name>.py as a script; returns its stdout.

    The examples run under the default profile, "keras3", whatever
    `KARA_PROFILE` the test run has.
    """

    def run(name, *args, profile="keras3"):
        monkeypatch.setenv("KARA_EXAMPLE_QUICK", "1")
        monkeypatch.setattr(sys, "argv", [f"{name}.py", *args])
        with config.using_profile(profile):
            runpy.run_path(
                os.path.join(EXAMPLES, f"{name}.py"), run_name="__main__"
            )
        return capsys.readouterr().out

    return run


def has_matplotlib():
    try:
        import matplotlib  # noqa: F401
    except ImportError:
        return False
    return True
