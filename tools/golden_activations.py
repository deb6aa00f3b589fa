"""Writes golden values and gradients of Keras's activations.

Run from the repository root, once per Keras generation:

    /root/venvs/tf221/bin/python tools/golden_activations.py   # Keras 3.15
    /root/venvs/tf215/bin/python tools/golden_activations.py   # tf.keras 2.15

The first writes `tests/golden/activations_keras3.json`, the second
`tests/golden/activations_keras2.json`. Each file holds, for every case:

- elementwise activations: the output `y` and the derivative `dy` (the
  gradient of `sum(f(x))`, taken with `tf.GradientTape`) on a fixed grid
  of float32 inputs from -1000 to 1000 (`x` in the file);
- activations with an `axis` (softmax, log_softmax, glu, sparsemax): the
  output `y` on the 2-D input `axis_x` (its first `rows` rows) and the
  gradient `dx` of `sum(f(x) * w)`, where `w` is `axis_w` cropped to the
  output's shape (top-left corner).

Floats are rounded to 9 significant digits (float32 needs 9 to round-trip).
An overflow to infinity (exponential at 1000) is stored as JSON `Infinity`.
kara's tests (`tests/activations/`) read these files; they never import
TensorFlow.
"""

import json
import math
import os
import sys

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("KERAS_BACKEND", "tensorflow")

import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402

# The input grid: the extremes the library must survive, the float32
# overflow edge of exp (about 88.7), and every kink of the piecewise
# activations (0, +-0.5, +-1, +-2.5, +-3, 5, 6).
GRID = [
    -1000.0,
    -100.0,
    -90.0,
    -30.0,
    -20.0,
    -10.0,
    -7.0,
    -6.0,
    -5.0,
    -4.0,
    -3.0,
    -2.7,
    -2.5,
    -2.0,
    -1.5,
    -1.0,
    -0.75,
    -0.5,
    -0.3,
    -0.1,
    -0.01,
    -1e-4,
    0.0,
    1e-4,
    0.01,
    0.1,
    0.3,
    0.5,
    0.75,
    1.0,
    1.5,
    2.0,
    2.5,
    2.7,
    3.0,
    4.0,
    5.0,
    6.0,
    7.0,
    10.0,
    20.0,
    30.0,
    90.0,
    100.0,
    1000.0,
]

# (function name, keyword arguments) for elementwise activations.
KERAS3_ELEMENTWISE = [
    ("relu", {}),
    ("relu", {"negative_slope": 0.5}),
    ("relu", {"max_value": 5.0}),
    ("relu", {"max_value": 6.0}),
    ("relu", {"threshold": 5.0}),
    ("relu", {"threshold": -1.0}),
    ("relu", {"threshold": 5.0, "max_value": 5.0}),
    ("relu", {"negative_slope": 0.5, "max_value": 5.0, "threshold": 5.0}),
    ("relu", {"negative_slope": 0.1, "max_value": 6.0}),
    ("leaky_relu", {}),
    ("leaky_relu", {"negative_slope": 0.3}),
    ("relu6", {}),
    ("sigmoid", {}),
    ("softplus", {}),
    ("softsign", {}),
    ("tanh", {}),
    ("selu", {}),
    ("elu", {}),
    ("elu", {"alpha": 0.5}),
    ("elu", {"alpha": 2.0}),
    ("exponential", {}),
    ("hard_sigmoid", {}),
    ("hard_silu", {}),
    ("hard_swish", {}),
    ("linear", {}),
    ("gelu", {}),
    ("gelu", {"approximate": True}),
    ("silu", {}),
    ("swish", {}),
    ("mish", {}),
    ("celu", {}),
    ("celu", {"alpha": 0.5}),
    ("log_sigmoid", {}),
    ("hard_tanh", {}),
    ("hard_shrink", {}),
    ("hard_shrink", {"threshold": 1.0}),
    ("soft_shrink", {}),
    ("soft_shrink", {"threshold": 1.0}),
    ("tanh_shrink", {}),
    ("squareplus", {}),
    ("squareplus", {"b": 1.0}),
    ("sparse_plus", {}),
    ("sparse_sigmoid", {}),
    ("threshold", {"threshold": 0.5, "default_value": -2.0}),
    ("threshold", {"threshold": -1.0, "default_value": 0.0}),
]

# tf.keras 2.15 has fewer activations, and relu's slope is named `alpha`.
KERAS2_ELEMENTWISE = [
    ("relu", {}),
    ("relu", {"alpha": 0.5}),
    ("relu", {"max_value": 5.0}),
    ("relu", {"max_value": 6.0}),
    ("relu", {"threshold": 5.0}),
    ("relu", {"threshold": -1.0}),
    ("relu", {"threshold": 5.0, "max_value": 5.0}),
    ("relu", {"alpha": 0.5, "max_value": 5.0, "threshold": 5.0}),
    ("relu", {"alpha": 0.1, "max_value": 6.0}),
    ("leaky_relu", {}),
    ("relu6", {}),
    ("sigmoid", {}),
    ("softplus", {}),
    ("softsign", {}),
    ("tanh", {}),
    ("selu", {}),
    ("elu", {}),
    ("elu", {"alpha": 0.5}),
    ("elu", {"alpha": 2.0}),
    ("exponential", {}),
    ("hard_sigmoid", {}),
    ("linear", {}),
    ("gelu", {}),
    ("gelu", {"approximate": True}),
    ("swish", {}),
    ("silu", {}),
    ("mish", {}),
]

# 2-D input for the activations that normalise along an axis: extremes,
# ties, a constant row, and an ordinary row.
AXIS_X = [
    [-1000.0, 1000.0, 0.0, 1.0, -1.0, 2.0],
    [1000.0, 1000.0, -1000.0, 0.5, 0.25, 0.0],
    [0.3, -1.2, 2.5, 0.7, -0.4, 1.1],
    [3.0, 3.0, 3.0, 3.0, 3.0, 3.0],
    [-2.0, 0.5, 0.1, -0.9, 1.7, -0.3],
]
AXIS_W = [
    [0.5, -1.0, 0.25, 2.0, -0.75, 1.5],
    [-0.5, 1.25, 0.75, -2.0, 1.0, 0.3],
    [1.0, -0.2, 0.6, -1.1, 0.4, 0.9],
    [0.7, -0.6, 1.3, 0.2, -1.4, 0.8],
    [-0.3, 0.9, -1.7, 0.5, 1.2, -0.8],
]
KERAS3_AXIS = [
    ("softmax", {}),
    ("softmax", {"axis": 0}),
    ("softmax", {"axis": None}),
    ("log_softmax", {}),
    ("log_softmax", {"axis": 0}),
    ("glu", {}),
    ("glu", {"axis": 0}),  # 5 rows: odd, so use the first 4 (see below)
    ("sparsemax", {}),
    ("sparsemax", {"axis": 0}),
]
KERAS2_AXIS = [
    ("softmax", {}),
    ("softmax", {"axis": 0}),
    ("log_softmax", {}),
]


def _round(value):
    """Rounds to 9 significant digits; keeps inf, flags NaN."""
    if isinstance(value, list):
        return [_round(v) for v in value]
    value = float(value)
    if math.isnan(value):
        raise ValueError("Keras produced NaN: the grid needs a look.")
    if math.isinf(value):
        return value
    return float(f"{value:.9g}")


def _activation(generation, name):
    if generation == "keras3":
        import keras

        return getattr(keras.activations, name)
    if name in ("leaky_relu", "relu6", "log_softmax"):
        # tf.keras 2 resolves these names to tf.nn functions.
        return tf.keras.activations.get(name)
    if name == "silu":
        return tf.keras.activations.get("silu")
    return getattr(tf.keras.activations, name)


def _value_and_grad(fn, x, w, kwargs):
    x = tf.constant(np.asarray(x, dtype="float32"))
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = fn(x, **kwargs)
        # w is cropped to the output's shape (glu halves an axis)
        w = np.asarray(w, dtype="float32")
        w = w[tuple(slice(0, n) for n in y.shape)]
        target = tf.reduce_sum(y * tf.constant(w))
    grad = tape.gradient(target, x)
    return y.numpy(), grad.numpy()


def main():
    if tf.__version__.startswith("2.15"):
        generation = "keras2"
        import keras

        keras_version = keras.__version__
        elementwise, axis_cases = KERAS2_ELEMENTWISE, KERAS2_AXIS
    else:
        import keras

        generation = "keras3"
        keras_version = keras.__version__
        elementwise, axis_cases = KERAS3_ELEMENTWISE, KERAS3_AXIS

    out = {
        "meta": {
            "generation": generation,
            "keras": keras_version,
            "tensorflow": tf.__version__,
            "made_by": "tools/golden_activations.py",
            "gradient": "d/dx sum(f(x) * w); w = ones for elementwise",
        },
        "x": GRID,
        "elementwise": [],
        "axis_x": AXIS_X,
        "axis_w": AXIS_W,
        "axis": [],
    }
    ones = np.ones(len(GRID), dtype="float32")
    for name, kwargs in elementwise:
        y, dy = _value_and_grad(
            _activation(generation, name), GRID, ones, kwargs
        )
        out["elementwise"].append(
            {
                "name": name,
                "kwargs": kwargs,
                "y": _round(y.tolist()),
                "dy": _round(dy.tolist()),
            }
        )
    for name, kwargs in axis_cases:
        x, w = AXIS_X, AXIS_W
        if name == "glu" and kwargs.get("axis") == 0:
            x, w = AXIS_X[:4], AXIS_W[:4]  # glu needs an even axis size
        y, dx = _value_and_grad(_activation(generation, name), x, w, kwargs)
        out["axis"].append(
            {
                "name": name,
                "kwargs": kwargs,
                "rows": len(x),
                "y": _round(y.tolist()),
                "dx": _round(dx.tolist()),
            }
        )

    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    path = os.path.join(
        root, "tests", "golden", f"activations_{generation}.json"
    )
    with open(path, "w") as f:
        json.dump(out, f, separators=(",", ":"))
        f.write("\n")
    print(
        f"wrote {path}: {len(out['elementwise'])} elementwise and "
        f"{len(out['axis'])} axis cases",
        file=sys.stderr,
    )


if __name__ == "__main__":
    main()
