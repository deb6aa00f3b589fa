"""Writes golden values of Keras's regularizers and constraints.

Run from the repository root, once per Keras generation:

    /root/venvs/tf221/bin/python tools/golden_regularizers.py   # Keras 3.15
    /root/venvs/tf215/bin/python tools/golden_regularizers.py   # tf.keras 2.15

It writes `tests/golden/regularizers_keras3.json` or `..._keras2.json`:

- `regularizers`: for each regularizer (class name + constructor kwargs),
  its penalty on the weight matrices `weights[name]` and the penalty's
  gradient with respect to the weight (`tf.GradientTape`), plus its
  `get_config()`;
- `constraints`: each constraint's output on the same weights, and its
  `get_config()`.

The weights include a zero row and column (where a norm is 0) and a 4-D
convolution kernel. Inputs are TensorFlow tensors (Keras 3.15's
OrthogonalRegularizer mis-normalizes NumPy inputs in "columns" mode).
Floats are rounded to 9 significant digits.
"""

import json
import os
import sys

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("KERAS_BACKEND", "tensorflow")

import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402

WEIGHTS = {
    "dense": [
        [1.0, -2.0, 0.0, 0.5],
        [3.0, -1.0, 0.0, 0.25],
        [0.0, 0.0, 0.0, 0.0],
        [-0.5, 2.5, 0.0, -1.5],
        [0.1, 0.2, 0.0, 0.35],  # (no two rows orthogonal: |.| has a kink)
    ],
    "conv": np.linspace(-1.5, 1.7, 3 * 2 * 2 * 3).reshape(3, 2, 2, 3).tolist(),
}

REGULARIZERS = [
    ("L1", {}),
    ("L1", {"l1": 0.3}),
    ("L2", {}),
    ("L2", {"l2": 0.2}),
    ("L1L2", {}),
    ("L1L2", {"l1": 0.01, "l2": 0.02}),
    ("OrthogonalRegularizer", {}),
    ("OrthogonalRegularizer", {"factor": 0.1, "mode": "columns"}),
]

CONSTRAINTS = [
    ("MaxNorm", {}),
    ("MaxNorm", {"max_value": 1.5}),
    ("MaxNorm", {"max_value": 1.5, "axis": 1}),
    ("MaxNorm", {"max_value": 1.0, "axis": [0, 1, 2]}),
    ("MinMaxNorm", {}),
    ("MinMaxNorm", {"min_value": 0.5, "max_value": 1.5, "rate": 0.7}),
    ("MinMaxNorm", {"min_value": 1.0, "max_value": 2.0, "axis": 1}),
    ("NonNeg", {}),
    ("UnitNorm", {}),
    ("UnitNorm", {"axis": 1}),
    ("UnitNorm", {"axis": [0, 1, 2]}),
]


def _round(value):
    if isinstance(value, list):
        return [_round(v) for v in value]
    return float(f"{float(value):.9g}")


def _config(obj):
    config = obj.get_config()
    return {
        k: (float(v) if isinstance(v, np.floating) else v)
        for k, v in config.items()
    }


def main():
    if tf.__version__.startswith("2.15"):
        generation = "keras2"
        regularizers, constraints = tf.keras.regularizers, tf.keras.constraints
        import keras

        version = keras.__version__
    else:
        import keras

        generation = "keras3"
        regularizers, constraints = keras.regularizers, keras.constraints
        version = keras.__version__

    out = {
        "meta": {
            "generation": generation,
            "keras": version,
            "tensorflow": tf.__version__,
            "made_by": "tools/golden_regularizers.py",
        },
        "weights": WEIGHTS,
        "regularizers": [],
        "constraints": [],
    }
    for class_name, kwargs in REGULARIZERS:
        reg = getattr(regularizers, class_name)(**kwargs)
        results = {}
        for wname, w in WEIGHTS.items():
            if class_name == "OrthogonalRegularizer" and wname == "conv":
                continue  # rank 2 only
            v = tf.Variable(np.asarray(w, dtype="float32"))
            with tf.GradientTape() as tape:
                penalty = reg(v)
            grad = tape.gradient(penalty, v)
            if grad is None:  # L1L2() is the constant 0
                grad = tf.zeros_like(v)
            results[wname] = {
                "value": _round(float(penalty)),
                "grad": _round(grad.numpy().tolist()),
            }
        out["regularizers"].append(
            {
                "class_name": class_name,
                "kwargs": kwargs,
                "config": _config(reg),
                "results": results,
            }
        )
    for class_name, kwargs in CONSTRAINTS:
        con = getattr(constraints, class_name)(**kwargs)
        results = {}
        for wname, w in WEIGHTS.items():
            axis = kwargs.get("axis", 0)
            if isinstance(axis, list) and max(axis) >= np.ndim(w) - 1:
                continue  # that axis list is meant for the conv kernel
            value = con(tf.constant(np.asarray(w, dtype="float32")))
            results[wname] = _round(np.asarray(value).tolist())
        out["constraints"].append(
            {
                "class_name": class_name,
                "kwargs": kwargs,
                "config": _config(con),
                "results": results,
            }
        )

    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    path = os.path.join(
        root, "tests", "golden", f"regularizers_{generation}.json"
    )
    with open(path, "w") as f:
        json.dump(out, f, separators=(",", ":"))
        f.write("\n")
    print(f"wrote {path}", file=sys.stderr)


if __name__ == "__main__":
    main()
