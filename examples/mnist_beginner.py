"""TensorFlow's "quickstart for beginners", with `import kara.tf as tf`.

The code below is TensorFlow 2's beginner tutorial on MNIST with one
change, the import: `tf.keras` is kara, `tf.nn.softmax` is kara's
softmax. It builds a Flatten/Dense/Dropout/Dense model that outputs
logits, looks at an untrained prediction (the loss of a random guess is
about -log(1/10) = 2.3), trains for 5 epochs, evaluates, and wraps the
model with a Softmax layer to get probabilities.

The data: MNIST when it is in kara's cache (`~/.kara/datasets/mnist.npz`,
or `$KARA_HOME/datasets/`), or downloaded with `--download` (11 MB,
once). Otherwise the digits that ship with kara, scaled up to 28x28,
stand in, and the script says so.

Run it:

    python examples/mnist_beginner.py [--download] [--epochs N]
"""

import argparse
import os

import numpy as np

import kara.tf as tf
from kara.demo import data

QUICK = os.environ.get("KARA_EXAMPLE_QUICK") == "1"  # tests: small run


def load_data(download):
    if data.is_cached("mnist") or download:
        print("Data: MNIST")
        return tf.keras.datasets.mnist.load_data()
    print(
        "Data: MNIST is not in kara's cache, so the digits that ship with "
        "kara\n(8x8, scaled up to 28x28) stand in. Run with --download to "
        "fetch MNIST (11 MB, once)."
    )
    return data.digits_28x28()


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--download", action="store_true", help="fetch MNIST if needed"
    )
    parser.add_argument("--epochs", type=int, default=5)
    args = parser.parse_args(argv)
    tf.random.set_seed(0)  # the same run every time

    # Load and prepare the data: pixels 0..255 -> 0..1
    (x_train, y_train), (x_test, y_test) = load_data(args.download)
    if QUICK:  # a few hundred images are enough to check that it runs
        x_train, y_train = x_train[:512], y_train[:512]
        x_test, y_test = x_test[:256], y_test[:256]
    x_train, x_test = x_train / 255.0, x_test / 255.0

    # Build a model: it returns one score (a logit) per class
    model = tf.keras.models.Sequential(
        [
            tf.keras.Input(shape=(28, 28)),
            tf.keras.layers.Flatten(),
            tf.keras.layers.Dense(128, activation="relu"),
            tf.keras.layers.Dropout(0.2),
            tf.keras.layers.Dense(10),
        ]
    )

    # The untrained model's scores, as probabilities
    predictions = model(x_train[:1]).numpy()
    print("logits of the first image:       ", predictions.round(3))
    print(
        "softmax (about 1/10 each):       ",
        tf.nn.softmax(predictions).numpy().round(3),
    )

    # Its loss: close to -log(1/10) = 2.3 before training
    loss_fn = tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True)
    initial_loss = float(loss_fn(y_train[:1], predictions).numpy())
    print(f"untrained loss: {initial_loss:.4f} (-log(1/10) = 2.3026)\n")

    # Train and evaluate
    model.compile(optimizer="adam", loss=loss_fn, metrics=["accuracy"])
    model.fit(x_train, y_train, epochs=args.epochs)
    test_loss, test_acc = model.evaluate(x_test, y_test, verbose=2)
    print(f"\nTest accuracy: {test_acc:.4f}")

    # Attach a softmax to get probabilities
    probability_model = tf.keras.Sequential([model, tf.keras.layers.Softmax()])
    probabilities = probability_model(x_test[:5]).numpy()
    print("predicted:", np.argmax(probabilities, axis=1), "true:", y_test[:5])
    return test_acc


if __name__ == "__main__":
    main()
