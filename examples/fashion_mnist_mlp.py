"""TensorFlow's "first neural network" on Fashion-MNIST (seed 002).

Seed 002 is a Japanese reader of "Deep Learning from Scratch" running
TensorFlow's beginner classification tutorial and mapping it onto the
book: `Flatten` turns each 28x28 image into 784 numbers, the first
`Dense` layer is the book's Affine layer with 784 x 128 weights plus 128
biases (100,480 parameters), the second maps 128 to the 10 classes with
a softmax (1,290 parameters). This script runs the same code with kara:
summary, compile, fit for 5 epochs, evaluate.

The data: Fashion-MNIST when it is in kara's cache
(`~/.kara/datasets/fashion-mnist/`, or `$KARA_HOME/datasets/...`), or
downloaded with `--download` (30 MB, once). Otherwise the digits that
ship with kara, scaled up to 28x28, stand in, and the script says so:
same code, same model, different pictures.

Run it:

    python examples/fashion_mnist_mlp.py [--download] [--epochs N]
"""

import argparse
import os

import numpy as np

import kara as keras
from kara.demo import data

QUICK = os.environ.get("KARA_EXAMPLE_QUICK") == "1"  # tests: small run

# The tutorial's names of the ten Fashion-MNIST classes.
CLASS_NAMES = ['T-shirt/top', 'Trouser', 'Pullover', 'Dress', 'Coat',
               'Sandal', 'Shirt', 'Sneaker', 'Bag', 'Ankle boot']  # fmt: skip


def load(download):
    """`(x_train, y_train), (x_test, y_test)` and the class names."""
    if data.is_cached("fashion_mnist") or download:
        print("Data: Fashion-MNIST")
        fashion_mnist = keras.datasets.fashion_mnist
        return fashion_mnist.load_data(), CLASS_NAMES
    print(
        "Data: Fashion-MNIST is not in kara's cache, so the digits that "
        "ship with kara\n(8x8, scaled up to 28x28) stand in. Run with "
        "--download to fetch Fashion-MNIST (30 MB, once)."
    )
    return data.digits_28x28(), [str(digit) for digit in range(10)]


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--download", action="store_true", help="fetch Fashion-MNIST if needed"
    )
    parser.add_argument("--epochs", type=int, default=5)
    args = parser.parse_args(argv)
    keras.utils.set_random_seed(0)  # the same run every time

    dataset, class_names = load(args.download)
    (train_images, train_labels), (test_images, test_labels) = dataset
    if QUICK:  # a few hundred images are enough to check that it runs
        train_images, train_labels = train_images[:512], train_labels[:512]
        test_images, test_labels = test_images[:256], test_labels[:256]
    # pixels 0..255 -> 0..1, as the tutorial does
    train_images = train_images / 255.0
    test_images = test_images / 255.0
    print(
        f"{len(train_images):,} training images, {len(test_images):,} test "
        f"images of {train_images.shape[1]}x{train_images.shape[2]} pixels\n"
    )

    # --- the model (the tutorial wrote Flatten(input_shape=(28, 28));
    # Keras 3 prefers an Input first, which gives the same model)
    model = keras.Sequential(
        [
            keras.Input(shape=(28, 28)),
            keras.layers.Flatten(),
            keras.layers.Dense(128, activation="relu"),
            keras.layers.Dense(10, activation="softmax"),
        ]
    )
    model.summary()
    for layer in model.layers[1:]:
        n_in, n_out = layer.kernel.shape
        print(
            f"{layer.name}: {n_in} x {n_out} weights + {n_out} biases = "
            f"{layer.count_params():,} parameters"
        )

    # --- training: Adam with its defaults (learning_rate=0.001,
    # beta_1=0.9, beta_2=0.999), integer labels, accuracy
    model.compile(
        optimizer="adam",
        loss="sparse_categorical_crossentropy",
        metrics=["accuracy"],
    )
    steps = -(-len(train_images) // 32)
    print(
        f"\n{len(train_images):,} images / batches of 32 = {steps} steps "
        "per epoch"
    )
    model.fit(train_images, train_labels, epochs=args.epochs)

    # --- evaluation on images the model never saw
    test_loss, test_acc = model.evaluate(test_images, test_labels, verbose=2)
    print("\nTest accuracy:", test_acc)

    # --- a few predictions, as class names
    predictions = model.predict(test_images[:5], verbose=0)
    for probabilities, label in zip(predictions, test_labels[:5]):
        guess = int(np.argmax(probabilities))
        print(
            f"predicted {class_names[guess]!r} ({probabilities[guess]:.0%}), "
            f"true {class_names[int(label)]!r}"
        )
    return test_acc


if __name__ == "__main__":
    main()
