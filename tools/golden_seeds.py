"""Writes the numbers of the four seed notes, computed by real TensorFlow.

Run from the repository root, once per Keras generation:

    /root/venvs/tf221/bin/python tools/golden_seeds.py keras3  # Keras 3.15
    /root/venvs/tf215/bin/python tools/golden_seeds.py keras2  # tf.keras 2.15

The first writes `tests/golden/seeds_keras3.json`, the second
`tests/golden/seeds_keras2.json`. The snippets below are the notes' code
(`/work/shared/seeds/*.txt`) with their original TensorFlow imports; the
file records what they compute:

- `seed000`: the three loss-versus-prediction figures, for each the
  1,000 values of the built-in loss (`arr_y1`) and of the note's
  hand-written loss (`arr_y2`); and what `fit` does with the note's
  one-hot labels on the sigmoid head (`error`: type and first line) and
  on the linear head (no error: Keras broadcasts).
- `seed001`: the NumPy formula's output and `BinaryCrossentropy`'s value
  and dtype.
- `seed002`: `model.summary()`'s text and the parameter counts.
- `seed003`: every number the note prints (and `sparse_lists_error`:
  Keras 3.15's `sparse_categorical_crossentropy` function rejects the
  note's Python lists; tf.keras 2 and kara accept them).

Floats are rounded to 9 significant digits. `tests/seeds/` compares kara's
run of the same snippets with these; it never imports TensorFlow.
"""

import contextlib
import io
import json
import os
import sys

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402

if tf.__version__.startswith("2.15"):
    keras = tf.keras
    PROFILE = "keras2"
else:
    import keras

    PROFILE = "keras3"
if len(sys.argv) > 1 and sys.argv[1] != PROFILE:
    sys.exit(f"asked for {sys.argv[1]} but this Python has {PROFILE}")
OUT = os.path.join("tests", "golden", f"seeds_{PROFILE}.json")
kl = keras.layers

# seed 003's logits: three samples, ten classes
LOGITS = [
    [-3.27133679, -22.6687183, -4.15501118, -5.14916372, -5.94609261,
     -6.93373299, -5.72364092, -9.75725174, -3.15748906, -4.84012318],
    [-11.7642536, -45.3370094, -3.17252636, 4.34527206, -17.7164974,
     -0.595088899, -17.6322937, -2.36941719, -6.82157373, -3.47369862],
    [-4.55468369, -1.07379043, -3.73261762, -7.08982277, -0.0288562477,
     -5.46847963, -0.979336262, -3.03667569, -3.29502845, -2.25880361],
]  # fmt: skip


def rounded(values):
    arr = np.asarray(values, dtype=np.float64)
    flat = [float(f"{v:.9g}") for v in arr.reshape(-1)]
    return np.array(flat).reshape(arr.shape).tolist()


# ------------------------------------------------------------ seed 000
def categorycal_cross_entropy(y_val, y_pred):
    y_val = tf.cast(y_val, tf.float32)
    y_pred = tf.cast(y_pred, tf.float32)
    y_pred = tf.clip_by_value(y_pred, 1e-6, y_pred)  # log(0)回避用
    loss = -tf.reduce_sum(y_val * tf.math.log(y_pred), axis=1)
    return tf.reduce_mean(loss)


def binary_cross_entropy(y_val, y_pred):
    y_val = tf.cast(y_val, tf.float32)
    y_pred = tf.cast(y_pred, tf.float32)
    y_pred = tf.clip_by_value(y_pred, 1e-6, 1 - 1e-6)
    loss = -(
        y_val * tf.math.log(y_pred) + (1 - y_val) * tf.math.log(1 - y_pred)
    )
    return tf.reduce_mean(loss)


def mse(y_val, y_pred):
    loss = tf.reduce_mean(tf.square(y_val - y_pred))
    return loss


def curve(loss, mine, two_classes):
    arr_y1, arr_y2 = [], []
    for x in np.linspace(0, 1, 1000):
        if two_classes:
            x1 = np.array([[0.0, 1.0]])
            x2 = np.array([[x, 1 - x]])
        else:
            x1 = np.array([0.0])
            x2 = np.array([x])
        arr_y1.append(loss(x1, x2).numpy())
        arr_y2.append(mine(x1, x2).numpy())
    return {"arr_y1": rounded(arr_y1), "arr_y2": rounded(arr_y2)}


def head(units, activation, loss):
    model = keras.Sequential()
    model.add(kl.Input(shape=(1,)))
    model.add(kl.Dense(64, activation="relu"))
    model.add(kl.Dense(64, activation="relu"))
    model.add(kl.Dense(units, activation=activation))
    model.compile(optimizer="adam", loss=loss)
    return model


def fit_outcome(model, x, y):
    try:
        model.fit(x, y, epochs=1, batch_size=16, verbose=0)
    except Exception as error:
        return {"error": type(error).__name__, "first_line": str(error)[:200]}
    return {"error": None}


def seed000():
    x_train = np.random.default_rng(0).uniform(0.0, 10.0, 64)
    y_train = np.where(x_train < 0.5, 0, 1)
    y_train_onehot = tf.one_hot(y_train, 2)
    return {
        "categorical": curve(
            keras.losses.CategoricalCrossentropy(),
            categorycal_cross_entropy,
            True,
        ),
        "binary": curve(
            keras.losses.BinaryCrossentropy(), binary_cross_entropy, False
        ),
        "mse": curve(keras.losses.MeanSquaredError(), mse, False),
        "sigmoid_head_on_one_hot": fit_outcome(
            head(1, "sigmoid", keras.losses.BinaryCrossentropy()),
            x_train,
            y_train_onehot,
        ),
        "linear_head_on_one_hot": fit_outcome(
            head(1, "linear", keras.losses.MeanSquaredError()),
            x_train,
            y_train_onehot,
        ),
    }


# ------------------------------------------------------------ seed 001
def seed001():
    def BinaryCrossEntropy(y_true, y_pred):
        y_pred = np.clip(y_pred, 1e-7, 1 - 1e-7)
        term_0 = y_true * np.log(y_pred + 1e-7)
        term_1 = (1 - y_true) * np.log(1 - y_pred + 1e-7)
        return -np.mean(term_0 + term_1, axis=0)

    numpy_value = BinaryCrossEntropy(
        np.array([1, 0, 1]).reshape(-1, 1), np.array([0, 0, 1]).reshape(-1, 1)
    )
    y_true = np.array([1.0, 1.0, 1.0]).reshape(-1, 1)
    y_pred = np.array([1.0, 1.0, 0.0]).reshape(-1, 1)
    bce = keras.losses.BinaryCrossentropy(
        from_logits=False, reduction="sum_over_batch_size"
    )
    loss = bce(y_true, y_pred)
    return {
        "numpy_formula": rounded(numpy_value),
        "loss": rounded(loss.numpy()),
        "loss_dtype": str(loss.numpy().dtype),
    }


# ------------------------------------------------------------ seed 002
def seed002():
    model = keras.Sequential(
        [
            keras.layers.Flatten(input_shape=(28, 28)),
            keras.layers.Dense(128, activation="relu"),
            keras.layers.Dense(10, activation="softmax"),
        ]
    )
    text = io.StringIO()
    with contextlib.redirect_stdout(text):
        model.summary()
    return {
        "summary": text.getvalue(),
        "params": [layer.count_params() for layer in model.layers],
        "layers": [type(layer).__name__ for layer in model.layers],
    }


# ------------------------------------------------------------ seed 003
def seed003():
    y_true = [[0, 1, 0], [0, 0, 1]]
    y_pred = [[0.05, 0.95, 0], [0.1, 0.8, 0.1]]
    cce = keras.losses.CategoricalCrossentropy()
    out = {"cce": rounded(cce(y_true, y_pred).numpy())}
    for reduction in ("sum", "none"):
        loss = keras.losses.CategoricalCrossentropy(reduction=reduction)
        out[f"cce_{reduction}"] = rounded(loss(y_true, y_pred).numpy())
    y_true = [1, 2]
    y_pred = [[0.05, 0.95, 0], [0.1, 0.8, 0.1]]
    try:  # the note passes Python lists: Keras 3.15's function raises
        keras.losses.sparse_categorical_crossentropy(y_true, y_pred)
        out["sparse_lists_error"] = None
    except Exception as error:
        out["sparse_lists_error"] = f"{type(error).__name__}: {error}"
    # the same values as arrays (what the note printed)
    y_true, y_pred = np.array(y_true), np.array(y_pred, dtype="float32")
    loss = keras.losses.sparse_categorical_crossentropy(y_true, y_pred)
    out["sparse"] = rounded(loss.numpy())
    loss = keras.losses.sparse_categorical_crossentropy(
        y_true, y_pred, from_logits=True
    )
    out["sparse_from_logits"] = rounded(loss.numpy())
    logits = tf.constant(LOGITS)
    labels = tf.constant([2, 3, 4])
    loss_object = keras.losses.SparseCategoricalCrossentropy(
        from_logits=True, reduction="none"
    )
    loss = loss_object(labels, logits)
    out["logits_loss"] = rounded(loss.numpy())
    out["logits_loss_sum"] = rounded(tf.math.reduce_sum(loss).numpy())
    one_hot_labels = tf.one_hot(labels, 10)
    preds = tf.nn.softmax(logits)
    out["preds"] = rounded(preds.numpy())
    preds /= tf.math.reduce_sum(preds, axis=-1, keepdims=True)
    loss = tf.math.reduce_sum(
        tf.math.multiply(one_hot_labels, -tf.math.log(preds)), axis=-1
    )
    out["manual_loss"] = rounded(loss.numpy())
    out["manual_loss_sum"] = rounded(tf.math.reduce_sum(loss).numpy())
    return out


def main():
    # seed 002 first: its summary shows the auto names of a fresh process
    # ("sequential", "dense", "dense_1"), as the note's does
    first = seed002()
    data = {
        "profile": PROFILE,
        "keras_version": getattr(keras, "__version__", tf.__version__),
        "seed000": seed000(),
        "seed001": seed001(),
        "seed002": first,
        "seed003": seed003(),
    }
    with open(OUT, "w") as f:
        json.dump(data, f, indent=1)
        f.write("\n")
    print(f"wrote {OUT}")


if __name__ == "__main__":
    main()
