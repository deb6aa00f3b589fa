"""Three output heads, three losses (seed 000, a Japanese learner's note).

The note trains one small network three times on the same toy problem,
changing only the last layer and the loss, and checks each built-in loss
against a version written by hand:

| head                      | loss                      | labels          |
|---------------------------|---------------------------|-----------------|
| Dense(2, "softmax")       | categorical cross-entropy | one-hot, (n, 2) |
| Dense(1, "sigmoid")       | binary cross-entropy      | 0/1, (n,)       |
| Dense(1, "linear")        | mean squared error        | 0/1, (n,)       |

The note fits all three on the one-hot labels. Keras rejects that for the
sigmoid head (two label columns, one output), and so does kara, with an
error that says what to change; for the linear head Keras broadcasts the
shapes and quietly learns the wrong thing. Here each head is fitted on
the labels it means, and the sigmoid mistake is shown once.

Run it:

    python examples/output_heads.py [--out DIR]

It prints each head's accuracy, how far each hand-written loss is from
kara's, and (with matplotlib, `pip install "kara[plot]"`) writes the
note's three loss-versus-prediction figures to `DIR/loss_curves.png`
(default: the current directory).
"""

import argparse
import dataclasses
import os
import textwrap
import warnings

import numpy as np

import kara as keras
import kara.tf as tf
from kara import layers as kl

QUICK = os.environ.get("KARA_EXAMPLE_QUICK") == "1"  # tests: fewer points

# --------------------------------------------------------------- data
# The note's comment says "1 when the value is 5 or more", but its code
# compares with 0.5: we keep the code. About 95% of the labels are then 1,
# so a model that always answers 1 already scores about 0.95.
THRESHOLD = 0.5


def make_data(n=1000):
    x_train = np.random.uniform(0.0, 10.0, n)
    y_train = np.where(x_train < THRESHOLD, 0, 1)
    return x_train, y_train


# ------------------------------------------- the note's hand-written losses
def categorycal_cross_entropy(y_val, y_pred):
    # -sum p log q, averaged over the batch
    y_val = tf.cast(y_val, tf.float32)
    y_pred = tf.cast(y_pred, tf.float32)
    y_pred = tf.clip_by_value(y_pred, 1e-6, y_pred)  # avoid log(0)
    loss = -tf.reduce_sum(y_val * tf.math.log(y_pred), axis=1)
    return tf.reduce_mean(loss)


def binary_cross_entropy(y_val, y_pred):
    # -(p log q + (1 - p) log(1 - q)), averaged
    y_val = tf.cast(y_val, tf.float32)
    y_pred = tf.cast(y_pred, tf.float32)
    y_pred = tf.clip_by_value(y_pred, 1e-6, 1 - 1e-6)  # avoid log(0), log(1)
    loss = -(
        y_val * tf.math.log(y_pred) + (1 - y_val) * tf.math.log(1 - y_pred)
    )
    return tf.reduce_mean(loss)


def mse(y_val, y_pred):
    # 1/n sum (y - y_hat)^2
    return tf.reduce_mean(tf.square(y_val - y_pred))


@dataclasses.dataclass
class Head:
    title: str
    units: int  # output units
    activation: str  # of the output layer
    loss: keras.losses.Loss  # the built-in loss
    by_hand: object  # the note's hand-written loss
    target: list  # y_true of the note's loss-versus-prediction figure


HEADS = [
    Head(
        "softmax + categorical cross-entropy",
        2,
        "softmax",
        tf.keras.losses.CategoricalCrossentropy(),
        categorycal_cross_entropy,
        [0.0, 1.0],
    ),
    Head(
        "sigmoid + binary cross-entropy",
        1,
        "sigmoid",
        tf.keras.losses.BinaryCrossentropy(),
        binary_cross_entropy,
        [0.0],
    ),
    Head(
        "linear + mean squared error",
        1,
        "linear",
        tf.keras.losses.MeanSquaredError(),
        mse,
        [0.0],
    ),
]


# ------------------------------------------------------------ training
def make_model(units, activation, loss):
    model = keras.Sequential()
    model.add(kl.Input(shape=(1,)))
    model.add(kl.Dense(64, activation="relu"))
    model.add(kl.Dense(64, activation="relu"))
    model.add(kl.Dense(units, activation=activation))
    model.compile(optimizer="adam", loss=loss)
    return model


def predicted_classes(model, x, activation):
    y_pred = model(x).numpy()
    if activation == "softmax":  # probabilities of each class: take the max
        return np.argmax(y_pred, axis=1)
    return np.where(y_pred < 0.5, 0, 1).reshape(-1)  # threshold at 0.5


def train_heads(x_train, y_train, epochs=10):
    """Fits the three heads; returns {title: accuracy on the data}."""
    y_train_onehot = tf.one_hot(y_train, 2)
    accuracies = {}
    for head in HEADS:
        print(f"\n== {head.title} ==")
        model = make_model(head.units, head.activation, head.loss)
        if head.activation == "sigmoid":
            show_the_one_hot_mistake(model, x_train, y_train_onehot)
        if head.activation == "linear":
            show_the_broadcast(x_train, y_train_onehot)
        # one-hot rows for the softmax, one 0/1 label for the others
        labels = y_train_onehot if head.activation == "softmax" else y_train
        print(f"fit on labels of shape {tuple(labels.shape)}")
        history = model.fit(
            x_train, labels, epochs=epochs, batch_size=16, verbose=0
        )
        accuracy = float(
            np.mean(
                predicted_classes(model, x_train, head.activation) == y_train
            )
        )
        accuracies[head.title] = accuracy
        print(
            f"final loss {history.history['loss'][-1]:.4f}, "
            f"accuracy {accuracy:.4f}"
        )
    return accuracies


def _indented(text):
    return textwrap.fill(text, 78, initial_indent="  ", subsequent_indent="  ")


def show_the_one_hot_mistake(model, x_train, y_train_onehot):
    """The note fits the sigmoid head on one-hot labels: kara says no."""
    try:
        model.fit(x_train, y_train_onehot, epochs=1, batch_size=16, verbose=0)
    except ValueError as error:
        print("fit on one-hot labels, as the note does -> ValueError:")
        print(_indented(str(error)))


def show_the_broadcast(x_train, y_train_onehot):
    """The note fits the linear head on one-hot labels too: it runs."""
    model = make_model(1, "linear", tf.keras.losses.MeanSquaredError())
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        history = model.fit(
            x_train, y_train_onehot, epochs=3, batch_size=16, verbose=0
        )
    loss = history.history["loss"][-1]
    print("fit on one-hot labels, as the note does: it runs, but wrongly.")
    print(
        "  The (n, 2) targets are broadcast against the single output, so "
        "the model\n  can only learn their mean, 0.5: its loss stays at "
        f"{loss:.4f} (0.25 is the best\n  it can do)."
    )
    for warning in caught[:1]:
        print(_indented(f"kara warns: {warning.message}"))


# ----------------------------------------------------- loss comparison
def compare_losses(points):
    """Built-in vs hand-written loss along the note's sweep of predictions.

    Returns:
        {loss name: (sweep, built-in values, hand-written values)}.
    """
    curves = {}
    x = np.linspace(0.0, 1.0, points)
    print(f"\nHand-written losses against kara's ({points} predictions):")
    print(f"  {'loss':<25} {'largest gap':<25} gap on [0.01, 0.99]")
    for head in HEADS:
        # loss_curve evaluates y_pred = [x] (or [x, 1 - x]) for each x
        _, built_in = keras.utils.loss_curve(head.loss, head.target, x=x)
        _, by_hand = keras.utils.loss_curve(head.by_hand, head.target, x=x)
        gap = np.abs(built_in - by_hand)
        inner = gap[(x > 0.01) & (x < 0.99)].max()
        where = f"{gap.max():.4f} at y_pred[0]={x[gap.argmax()]:.2f}"
        print(f"  {head.loss.name:<25} {where:<25} {inner:.1e}")
        curves[head.loss.name] = (x, built_in, by_hand)
    print(
        "  The gaps sit at the ends, where the clipping decides: kara clips "
        "the\n  probabilities at 1e-7 from 0 and 1, the note at 1e-6."
    )
    return curves


def plot_curves(out_dir):
    """Draws the note's three figures, if matplotlib is installed."""
    try:
        from matplotlib.figure import Figure
    except ImportError:
        print(
            '\nmatplotlib is not installed: pip install "kara[plot]" to '
            "draw the loss curves."
        )
        return None
    figure = Figure(figsize=(15, 4))
    for ax, head in zip(figure.subplots(1, 3), HEADS):
        keras.utils.plot_loss_curve(
            {"kara": head.loss, "hand-written": head.by_hand},
            head.target,
            ax=ax,
        )
        ax.set_title(f"{head.loss.name}, y_true = {head.target}")
    figure.tight_layout()
    path = os.path.abspath(os.path.join(out_dir, "loss_curves.png"))
    figure.savefig(path, dpi=100)
    print(f"\nLoss curves written to {path}")
    return path


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--out", default=".", help="folder for loss_curves.png (default: .)"
    )
    args = parser.parse_args(argv)
    keras.utils.set_random_seed(0)  # the same run every time
    x_train, y_train = make_data()
    share = np.mean(y_train == 1)
    print(
        f"Seed 000: {len(x_train)} values x in [0, 10), label 1 when "
        f"x >= {THRESHOLD}.\n{share:.1%} of the labels are 1: always "
        f"answering 1 would score {share:.3f}."
    )
    train_heads(x_train, y_train)
    compare_losses(101 if QUICK else 1000)
    plot_curves(args.out)


if __name__ == "__main__":
    main()
