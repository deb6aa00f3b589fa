"""The demo's data: the shipped digits at MNIST's size, or a real dataset.

The model of TensorFlow's beginner tutorials (and of seed 002) reads
28x28 images. kara ships 8x8 digits (`kara.datasets.digits`), so that it
works offline; `digits_28x28` brings them to MNIST's format: each pixel
becomes a 3x3 block (24x24), a 2-pixel black border is added (MNIST also
centres its digits with a margin), and the values 0..16 are scaled to
0..255 uint8. Tutorial code then runs on them unchanged, `x / 255.0`
included.

Example:
>>> (x_train, y_train), (x_test, y_test) = digits_28x28()
>>> x_train.shape, x_train.dtype, int(x_train.max())
((1437, 28, 28), dtype('uint8'), 255)
"""

import os

import numpy as np

DATASETS = ("digits", "mnist", "fashion_mnist")

# What the demo prints about each dataset.
DESCRIPTIONS = {
    "digits": (
        "the handwritten digits that ship with kara (8x8, scaled up to "
        "28x28, offline)"
    ),
    "mnist": "MNIST (handwritten digits, 28x28)",
    "fashion_mnist": "Fashion-MNIST (clothing, 28x28)",
}


def upscale_to_28x28(images, levels=16):
    """8x8 images with values 0..levels -> 28x28 uint8 images, 0..255.

    Args:
        images: an array of shape `(n, 8, 8)`.
        levels: the largest pixel value of `images` (16 for digits).

    Returns:
        A uint8 array of shape `(n, 28, 28)`.
    """
    images = np.asarray(images)
    if images.ndim != 3 or images.shape[1:] != (8, 8):
        raise ValueError(
            "upscale_to_28x28 takes 8x8 images of shape (n, 8, 8). "
            f"Received shape {images.shape}."
        )
    big = images.repeat(3, axis=1).repeat(3, axis=2)  # 24x24 blocks
    big = np.pad(big, ((0, 0), (2, 2), (2, 2)))  # MNIST-like margin
    return (big.astype(np.uint16) * 255 // levels).astype(np.uint8)


def digits_28x28():
    """`kara.datasets.digits` in MNIST's format (28x28 uint8, 0..255).

    Returns:
        `(x_train, y_train), (x_test, y_test)`: 1,437 and 360 images.
    """
    from kara.datasets import digits

    (x_train, y_train), (x_test, y_test) = digits.load_data()
    return (upscale_to_28x28(x_train), y_train), (
        upscale_to_28x28(x_test),
        y_test,
    )


def is_cached(name):
    """Whether `name`'s files are in kara's dataset cache (no download).

    Args:
        name: `"mnist"` or `"fashion_mnist"` (`"digits"` ships with kara).

    Returns:
        True when every file the loader needs is there.
    """
    from kara import datasets

    if name == "digits":
        return True
    if name == "mnist":
        return os.path.exists(
            os.path.join(datasets.cache_dir(), datasets.mnist.FILE.name)
        )
    if name == "fashion_mnist":
        folder = os.path.join(
            datasets.cache_dir(), datasets.fashion_mnist.SUBDIR
        )
        return all(
            os.path.exists(os.path.join(folder, spec.name))
            for spec in datasets.fashion_mnist.FILES
        )
    raise ValueError(f"Unknown dataset {name!r}: one of {DATASETS}.")


def load(name):
    """Loads a dataset as 28x28 uint8 images (downloading if needed).

    Args:
        name: one of `DATASETS`.

    Returns:
        `(x_train, y_train), (x_test, y_test)`.

    Raises:
        kara.datasets.DatasetDownloadError: `mnist`/`fashion_mnist` is
            not cached and cannot be downloaded (the message says which
            files to put where).
    """
    if name == "digits":
        return digits_28x28()
    from kara import datasets

    if name == "mnist":
        return datasets.mnist.load_data()
    if name == "fashion_mnist":
        return datasets.fashion_mnist.load_data()
    raise ValueError(f"Unknown dataset {name!r}: one of {DATASETS}.")
