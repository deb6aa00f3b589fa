"""`python -m kara.demo`: train a real network, offline, in seconds.

The demo trains the model of TensorFlow's beginner tutorial (the one of
seed 002: Flatten, Dense(128, relu), Dense(10, softmax); 101,770
weights) on the handwritten digits that ship with kara, and shows what a
Keras user expects to see: the model summary, a progress bar per epoch,
the accuracy on held-out images (about 0.97), and the training curves.

    python -m kara.demo                           # the shipped digits
    python -m kara.demo --dataset fashion_mnist   # cached or downloaded
    python -m kara.demo --dataset mnist --epochs 3 --out plots/

Options:
    --dataset  digits (default; offline), mnist or fashion_mnist (read
               from kara's cache, `~/.kara/datasets`, or downloaded once).
    --epochs   passes over the training data (default: 10 for digits, 5
               for the others, as in TensorFlow's tutorial).
    --out      the folder for `training_curves.png` (default: the
               current directory; the demo prints the full path). The
               plot needs matplotlib (`pip install "kara[plot]"`);
               without it the demo says so and writes nothing.
    --seed     the random seed (default 0): the same seed gives the same
               run.

On a terminal the progress bar is redrawn in place; in a log or a pipe
only each epoch's finished line is printed.
"""

import argparse
import os
import sys
import time

import kara
from kara.demo import data

_DEFAULT_EPOCHS = {"digits": 10, "mnist": 5, "fashion_mnist": 5}


def parse_args(argv=None):
    parser = argparse.ArgumentParser(
        prog="python -m kara.demo",
        description="Train the MLP of TensorFlow's beginner tutorial with "
        "kara and report its held-out accuracy.",
    )
    parser.add_argument(
        "--dataset",
        choices=data.DATASETS,
        default="digits",
        help="digits ships with kara (offline); mnist and fashion_mnist are "
        "read from kara's cache or downloaded once (default: digits)",
    )
    parser.add_argument(
        "--epochs",
        type=int,
        default=None,
        help="passes over the training data (default: 10 for digits, 5 "
        "otherwise)",
    )
    parser.add_argument(
        "--out",
        default=".",
        help="folder for training_curves.png (default: the current folder)",
    )
    parser.add_argument("--seed", type=int, default=0, help="random seed")
    args = parser.parse_args(argv)
    if args.epochs is not None and args.epochs < 1:
        parser.error(f"--epochs must be at least 1. Received: {args.epochs}")
    if not os.path.isdir(args.out):
        parser.error(
            f"--out must be an existing folder. Received: {args.out!r}"
        )
    return args


def build_model():
    """Seed 002's model (TensorFlow's beginner tutorial)."""
    model = kara.Sequential(
        [
            kara.Input(shape=(28, 28)),
            kara.layers.Flatten(),
            kara.layers.Dense(128, activation="relu"),
            kara.layers.Dense(10, activation="softmax"),
        ]
    )
    model.compile(
        optimizer="adam",
        loss="sparse_categorical_crossentropy",
        metrics=["accuracy"],
    )
    return model


def save_curves(history, out_dir):
    """Writes the loss/accuracy curves if matplotlib is installed.

    Returns:
        The path written, or None.
    """
    try:
        import matplotlib  # noqa: F401
    except ImportError:
        print(
            'No plot: pip install "kara[plot]" (matplotlib) and the demo '
            "also draws\ntraining_curves.png."
        )
        return None
    path = os.path.abspath(os.path.join(out_dir, "training_curves.png"))
    history.plot(path=path)
    print(f"Training curves written to {path}")
    return path


def main(argv=None):
    args = parse_args(argv)
    start = time.perf_counter()
    epochs = args.epochs or _DEFAULT_EPOCHS[args.dataset]
    print(
        f"kara {kara.__version__} demo: the MLP of TensorFlow's beginner "
        f"tutorial, trained on\n{data.DESCRIPTIONS[args.dataset]}."
    )
    try:
        (x_train, y_train), (x_test, y_test) = data.load(args.dataset)
    except OSError as error:  # DatasetDownloadError: offline, no cache
        print(f"\n{error}", file=sys.stderr)
        print(
            "\nThe default demo needs no download: python -m kara.demo",
            file=sys.stderr,
        )
        return 2
    x_train, x_test = x_train / 255.0, x_test / 255.0  # pixels to [0, 1]
    print(
        f"{len(x_train):,} training and {len(x_test):,} test images; "
        f"{epochs} epochs, 10% of the training\nimages held out for "
        "validation.\n"
    )
    kara.utils.set_random_seed(args.seed)
    model = build_model()
    model.summary()
    history = model.fit(
        x_train, y_train, epochs=epochs, validation_split=0.1, verbose=1
    )
    print("\nEvaluating on the test images:")
    test_loss, test_acc = model.evaluate(x_test, y_test, verbose=2)
    right = round(test_acc * len(x_test))
    print(
        f"\nTest accuracy: {test_acc:.4f} ({right:,} of {len(x_test):,} "
        "images the model never saw)"
    )
    save_curves(history, args.out)
    print(f"Done in {time.perf_counter() - start:.1f} s.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
