"""Captures the outputs of Keras 3 layers on fixed inputs (layer goldens).

Run from the repository root:

    /root/venvs/tf221/bin/python tools/golden_layers.py   # Keras 3.15

It writes `tests/golden/layers_keras3.json`: for each case, the layer's
class name, constructor arguments, the input(s), the call arguments, and
the output (rounded to 9 significant digits), plus the layer's
`get_config()` without the name and dtype (for config-key parity).
Inputs are small fixed arrays (no randomness); layers with weights use
constant initializers, so kara must reproduce the numbers exactly (up to
float32 rounding).
"""

import json
import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("CUDA_VISIBLE_DEVICES", "")

import keras  # noqa: E402
import numpy as np  # noqa: E402

OUT = os.path.join(
    os.path.dirname(__file__), "..", "tests", "golden", "layers_keras3.json"
)

X = np.linspace(-3.0, 3.0, 24, dtype="float32").reshape(2, 3, 4)
X2 = X.reshape(2, 12)
Y2 = (X2[:, ::-1] * 0.5).copy()
IMG = np.arange(2 * 2 * 3 * 2, dtype="float32").reshape(2, 2, 3, 2) / 10

# (case name, class name, init kwargs, inputs, call kwargs)
CASES = [
    ("relu", "ReLU", {}, X2, {}),
    (
        "relu_options",
        "ReLU",
        {"max_value": 1.5, "negative_slope": 0.1, "threshold": 0.5},
        X2,
        {},
    ),
    ("leaky_relu", "LeakyReLU", {}, X2, {}),
    ("leaky_relu_slope", "LeakyReLU", {"negative_slope": 0.05}, X2, {}),
    ("elu", "ELU", {}, X2, {}),
    ("elu_alpha", "ELU", {"alpha": 0.5}, X2, {}),
    ("softmax", "Softmax", {}, X, {}),
    ("softmax_axis1", "Softmax", {"axis": 1}, X, {}),
    ("softmax_axes", "Softmax", {"axis": (1, 2)}, X, {}),
    (
        "softmax_mask",
        "Softmax",
        {},
        X2,
        {"mask": (np.arange(24).reshape(2, 12) % 3 != 0)},
    ),
    (
        "prelu",
        "PReLU",
        {
            "alpha_initializer": {
                "class_name": "Constant",
                "config": {"value": 0.25},
            }
        },
        X,
        {},
    ),
    (
        "prelu_shared",
        "PReLU",
        {
            "alpha_initializer": {
                "class_name": "Constant",
                "config": {"value": 0.25},
            },
            "shared_axes": [1],
        },
        X,
        {},
    ),
    ("activation_tanh", "Activation", {"activation": "tanh"}, X2, {}),
    (
        "activation_hard_sigmoid",
        "Activation",
        {"activation": "hard_sigmoid"},
        X2,
        {},
    ),
    ("activation_gelu", "Activation", {"activation": "gelu"}, X2, {}),
    ("dropout_inference", "Dropout", {"rate": 0.5}, X2, {}),
    ("flatten", "Flatten", {}, X, {}),
    (
        "flatten_channels_first",
        "Flatten",
        {"data_format": "channels_first"},
        IMG,
        {},
    ),
    ("reshape", "Reshape", {"target_shape": (4, 3)}, X, {}),
    ("reshape_unknown", "Reshape", {"target_shape": (-1, 2)}, X, {}),
    ("permute", "Permute", {"dims": (2, 1)}, X, {}),
    ("permute_3", "Permute", {"dims": (3, 1, 2)}, IMG, {}),
    ("repeat_vector", "RepeatVector", {"n": 3}, X2[:, :4], {}),
    ("identity", "Identity", {}, X, {}),
    ("rescaling", "Rescaling", {"scale": 1 / 255.0, "offset": -0.5}, X2, {}),
    (
        "rescaling_vector",
        "Rescaling",
        {"scale": [1.0, 2.0, 3.0, 4.0], "offset": 1.0},
        X,
        {},
    ),
    (
        "normalization_given",
        "Normalization",
        {"mean": [1.0, 2.0, 3.0, 4.0], "variance": [1.0, 4.0, 9.0, 16.0]},
        X,
        {},
    ),
    (
        "normalization_invert",
        "Normalization",
        {"mean": 2.0, "variance": 4.0, "invert": True},
        X2,
        {},
    ),
    (
        "dense_ones_3d",
        "Dense",
        {
            "units": 2,
            "kernel_initializer": "ones",
            "bias_initializer": {
                "class_name": "Constant",
                "config": {"value": 0.5},
            },
            "activation": "sigmoid",
        },
        X,
        {},
    ),
    ("add", "Add", {}, [X2, Y2], {}),
    ("subtract", "Subtract", {}, [X2, Y2], {}),
    ("multiply", "Multiply", {}, [X2, Y2], {}),
    ("average", "Average", {}, [X2, Y2], {}),
    ("maximum", "Maximum", {}, [X2, Y2], {}),
    ("minimum", "Minimum", {}, [X2, Y2], {}),
    ("add_three", "Add", {}, [X2, Y2, X2], {}),
    ("concatenate", "Concatenate", {}, [X2, Y2], {}),
    ("concatenate_axis1", "Concatenate", {"axis": 1}, [X, X * 2], {}),
]


def _round(a):
    a = np.asarray(a, dtype="float64")
    return [float(f"{v:.9g}") for v in a.ravel()]


def _jsonable(value):
    if isinstance(value, np.ndarray):
        return {"array": value.tolist(), "dtype": str(value.dtype)}
    if isinstance(value, list):
        return [_jsonable(v) for v in value]
    if isinstance(value, tuple):
        return [_jsonable(v) for v in value]
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    return value


def _config(layer):
    cfg = layer.get_config()
    for key in ("name", "dtype", "trainable"):
        cfg.pop(key, None)
    return json.loads(json.dumps(cfg, default=list))


def main():
    cases = {}
    for name, cls_name, kwargs, inputs, call_kwargs in CASES:
        layer = getattr(keras.layers, cls_name)(**kwargs)
        out = np.asarray(layer(inputs, **call_kwargs))
        cases[name] = {
            "class_name": cls_name,
            "kwargs": _jsonable(kwargs),
            "inputs": _jsonable(inputs),
            "call_kwargs": _jsonable(call_kwargs),
            "output_shape": list(out.shape),
            "output": _round(out),
            "config": _config(layer),
        }
    # Normalization.adapt on a batch and on an iterable of batches
    data = np.array(
        [[0.0, 1.0, 2.0], [3.0, 5.0, 7.0], [2.0, 9.0, 6.0], [1.0, 1.0, 8.0]],
        dtype="float32",
    )
    for case, kwargs, source in (
        ("normalization_adapt", {}, data),
        ("normalization_adapt_axis_none", {"axis": None}, data),
        ("normalization_adapt_batches", {}, [data[:1], data[1:]]),
    ):
        layer = keras.layers.Normalization(**kwargs)
        layer.adapt(source)
        out = np.asarray(layer(data))
        cases[case] = {
            "class_name": "Normalization",
            "kwargs": kwargs,
            "adapt": _jsonable(data),
            "adapt_batches": case.endswith("batches"),
            "inputs": _jsonable(data),
            "call_kwargs": {},
            "output_shape": list(out.shape),
            "output": _round(out),
            "weights": [_round(w) for w in layer.get_weights()],
            "config": _config(layer),
        }
    doc = {"keras_version": keras.__version__, "cases": cases}
    with open(OUT, "w") as f:
        json.dump(doc, f, indent=1)
        f.write("\n")
    print(f"wrote {len(cases)} cases to {os.path.normpath(OUT)}")


if __name__ == "__main__":
    main()
