"""Writes golden values for kara.utils (numerical utils and loss curves).

Run from the repository root, once per Keras generation:

    /root/venvs/tf221/bin/python tools/golden_utils.py keras3  # Keras 3.15
    /root/venvs/tf215/bin/python tools/golden_utils.py keras2  # tf.keras 2.15

The first writes `tests/golden/utils_keras3.json`, the second
`tests/golden/utils_keras2.json`. Each file holds:

- `to_categorical`: calls of `keras.utils.to_categorical` on NumPy
  inputs: `{"x", "num_classes", "expected", "shape", "dtype"}`, or
  `"error"` (the exception type) where Keras raises.
- `normalize`: calls of `keras.utils.normalize(x, axis, order)` on NumPy
  float32 inputs, same layout. Some of them record Keras's known NumPy-path
  quirks (`axis=0`, 1-D inputs); the tests say which.
- `loss_curves`: the three figures of seed 000 (a Qiita note plotting
  Keras losses against a sweep of predictions): for x in
  `np.linspace(0, 1, 21)`, `loss(y_true, y_pred(x)).numpy()` called one
  point at a time with float64 NumPy inputs, exactly as the note does:
  CategoricalCrossentropy with y_true `[[0, 1]]` and y_pred
  `[[x, 1 - x]]`, BinaryCrossentropy and MeanSquaredError with y_true
  `[0]` and y_pred `[x]`. `values` come from float32 inputs (what kara
  computes); `values_float64_inputs` from the note's float64 arrays, which
  tf.keras 2 computes in float64 (Keras 3 casts them to float32, so there
  both lists agree).

Floats are rounded to 9 significant digits. kara's tests
(`tests/utils/test_numerical_utils.py`, `tests/utils/test_plotting.py`)
read these files; they never import TensorFlow.
"""

import json
import os
import sys

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("KERAS_BACKEND", "tensorflow")

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

OUT = os.path.join("tests", "golden", f"utils_{PROFILE}.json")


def rounded(value):
    """Nested lists of floats rounded to 9 significant digits."""
    arr = np.asarray(value, dtype=np.float64)
    flat = [float(f"{v:.9g}") for v in arr.reshape(-1)]
    return np.array(flat, dtype=np.float64).reshape(arr.shape).tolist()


def record(fn, **kwargs):
    try:
        out = np.asarray(fn(**kwargs))
    except Exception as error:  # recorded: kara must raise too
        return {"error": type(error).__name__}
    return {
        "expected": rounded(out),
        "shape": list(out.shape),
        "dtype": str(out.dtype),
    }


def to_categorical_cases():
    cases = [
        ([0, 1, 2], None),
        ([2, 0, 1, 1], 4),
        ([[1], [2]], 4),
        ([[1, 2]], 4),
        ([[[1]], [[2]]], 4),
        ([1], 4),
        (3, 4),
        ([], 3),
        ([[0, 1], [2, 3]], None),
        ([5, 9, 0], 10),
        ([3, 1], 3),  # out of range: IndexError in Keras
    ]
    out = []
    for x, num_classes in cases:
        entry = {"x": x, "num_classes": num_classes}
        entry.update(
            record(
                keras.utils.to_categorical,
                **{
                    ("x" if PROFILE == "keras3" else "y"): np.array(x),
                    "num_classes": num_classes,
                },
            )
        )
        out.append(entry)
    return out


def normalize_cases():
    rng = np.random.default_rng(7)
    m = rng.normal(size=(3, 4)).round(4)
    t = rng.normal(size=(2, 3, 4)).round(4)
    cases = [
        ([[3.0, 4.0], [1.0, 0.0]], -1, 2, "ok"),
        ([[3.0, 4.0], [0.0, 0.0]], -1, 2, "ok"),
        (m.tolist(), -1, 2, "ok"),
        (m.tolist(), 1, 2, "ok"),
        (m.tolist(), -1, 1, "ok"),
        (m.tolist(), -1, 3, "ok"),
        (m.tolist(), -1, float("inf"), "ok"),
        (t.tolist(), -1, 2, "ok"),
        (t.tolist(), 1, 2, "ok"),
        (t.tolist(), 2, 1, "ok"),
        # Keras 3's NumPy path uses `axis or -1`, so axis=0 divides by the
        # norms along -1 (tf.keras 2 is right); kara divides along axis 0.
        ([[3.0, 4.0], [1.0, 0.0]], 0, 2, "axis0"),
        # both Keras versions return (1, n) for a 1-D input of shape (n,)
        ([3.0, 4.0], -1, 2, "rank1"),
    ]
    out = []
    for x, axis, order, note in cases:
        entry = {"x": x, "axis": axis, "order": order, "note": note}
        x32 = np.array(x, dtype=np.float32)
        entry.update(
            record(keras.utils.normalize, x=x32, axis=axis, order=order)
        )
        if order == float("inf"):
            entry["order"] = "inf"
        out.append(entry)
    return out


def loss_curves():
    xs = np.linspace(0.0, 1.0, 21)
    curves = {
        "categorical_crossentropy": (
            keras.losses.CategoricalCrossentropy(),
            [0.0, 1.0],
            lambda x: np.array([[x, 1 - x]]),
        ),
        "binary_crossentropy": (
            keras.losses.BinaryCrossentropy(),
            [0.0],
            lambda x: np.array([x]),
        ),
        "mean_squared_error": (
            keras.losses.MeanSquaredError(),
            [0.0],
            lambda x: np.array([x]),
        ),
    }
    out = {"x": rounded(xs)}
    for name, (loss, y_true, pred) in curves.items():
        target = np.array([y_true]) if len(y_true) > 1 else np.array(y_true)
        seed = [float(loss(target, pred(x)).numpy()) for x in xs]
        f32 = [
            float(loss(target.astype("f4"), pred(x).astype("f4")).numpy())
            for x in xs
        ]
        out[name] = {
            "y_true": y_true,
            "values": rounded(f32),
            "values_float64_inputs": rounded(seed),
        }
    return out


def main():
    data = {
        "profile": PROFILE,
        "keras_version": getattr(keras, "__version__", tf.__version__),
        "to_categorical": to_categorical_cases(),
        "normalize": normalize_cases(),
        "loss_curves": loss_curves(),
    }
    with open(OUT, "w") as f:
        json.dump(data, f, indent=1)
        f.write("\n")
    print(f"wrote {OUT}")


if __name__ == "__main__":
    main()
