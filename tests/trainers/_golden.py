"""Builds kara's twin of each case of `tests/golden/fit_<profile>.json`.

The golden files are written by `tools/golden_fit.py` with real Keras;
this module rebuilds the same models in kara, sets the same initial
weights, and runs the same `fit`.
"""

import functools
import json
import os

import numpy as np

import kara
from kara import config

GOLDEN = os.path.join(os.path.dirname(__file__), "..", "golden")


@functools.lru_cache(maxsize=None)
def load(profile):
    with open(os.path.join(GOLDEN, f"fit_{profile}.json")) as f:
        return json.load(f)


def data(golden):
    d = golden["data"]
    return {
        "x": np.asarray(d["x"], "float32"),
        "x2": np.asarray(d["x2"], "float32"),
        "y": {
            "sparse": np.asarray(d["y"]["sparse"], "int64"),
            "onehot": np.asarray(d["y"]["onehot"], "float32"),
            "binary": np.asarray(d["y"]["binary"], "float32"),
            "regression": np.asarray(d["y"]["regression"], "float32"),
        },
        "sample_weight": np.asarray(d["sample_weight"], "float32"),
    }


def head_spec(head):
    if head == "sparse":
        return 3, "softmax", "sparse_categorical_crossentropy", ["accuracy"]
    if head == "onehot":
        loss = kara.losses.CategoricalCrossentropy(from_logits=True)
        return 3, None, loss, ["accuracy"]
    if head == "binary":
        return 1, "sigmoid", "binary_crossentropy", ["accuracy"]
    return 2, None, "mse", ["mae"]


def build(case, hidden=4, features=5):
    layers = kara.layers
    kind = case["model"]
    if kind == "multi_output":
        inp = kara.Input(shape=(features,), name="features")
        h = layers.Dense(hidden, activation="tanh", name="hidden")(inp)
        a = layers.Dense(3, activation="softmax", name="cls")(h)
        b = layers.Dense(2, name="reg")(h)
        return kara.Model(inp, {"cls": a, "reg": b})
    if kind == "multi_input":
        i1 = kara.Input(shape=(features,), name="a")
        i2 = kara.Input(shape=(3,), name="b")
        h = layers.Concatenate()([i1, i2])
        h = layers.Dense(hidden, activation="tanh")(h)
        return kara.Model([i1, i2], layers.Dense(2)(h))
    units, activation, _, _ = head_spec(kind)
    reg = case.get("l2")
    return kara.Sequential(
        [
            kara.Input(shape=(features,)),
            layers.Dense(
                hidden,
                activation="tanh",
                kernel_regularizer=kara.regularizers.L2(reg) if reg else None,
            ),
            layers.Dense(units, activation=activation),
        ]
    )


def compile_args(case):
    kind = case["model"]
    if kind == "multi_output":
        return {
            "loss": {"cls": "sparse_categorical_crossentropy", "reg": "mse"},
            "loss_weights": {"cls": 1.0, "reg": 0.5},
            "metrics": {"cls": ["accuracy"], "reg": ["mae"]},
        }
    if kind == "multi_input":
        return {"loss": "mse", "metrics": ["mae"]}
    _, _, loss, metrics = head_spec(kind)
    args = {"loss": loss, "metrics": metrics}
    if case.get("weighted_metrics"):
        args["weighted_metrics"] = case["weighted_metrics"]
    return args


def inputs_targets(case, d):
    kind = case["model"]
    if kind == "multi_output":
        return d["x"], {"cls": d["y"]["sparse"], "reg": d["y"]["regression"]}
    if kind == "multi_input":
        return [d["x"], d["x2"]], d["y"]["regression"]
    return d["x"], d["y"][kind]


def optimizer(golden, name):
    cls, kwargs = golden["config"]["optimizers"][name]
    return getattr(kara.optimizers, cls)(**kwargs)


def fit_kwargs(golden, case, d, x, y):
    kwargs = {
        "batch_size": golden["config"]["batch_size"],
        "epochs": golden["config"]["epochs"],
        "shuffle": False,
        "verbose": 0,
    }
    for key, value in case.get("fit", {}).items():
        if key == "sample_weight":
            value = d["sample_weight"]
        elif key == "validation_data":
            value = (x, y, d["sample_weight"])
        elif key == "class_weight":
            value = {int(k): v for k, v in value.items()}
        kwargs[key] = value
    return kwargs


def run(profile, name, verbose=0):
    """Runs case `name` in kara; returns `(model, history, x, y)`."""
    golden = load(profile)
    case = golden["cases"][name]
    d = data(golden)
    with config.using_profile(profile):
        kara.utils.set_random_seed(0)
        model = build(case, golden["config"]["hidden"])
        init = golden["init"][case["model"]]
        model.set_weights([np.asarray(w, "float32") for w in init])
        model.compile(
            optimizer=optimizer(golden, case["optimizer"]),
            **compile_args(case),
        )
        x, y = inputs_targets(case, d)
        kwargs = fit_kwargs(golden, case, d, x, y)
        kwargs["verbose"] = verbose
        history = model.fit(x, y, **kwargs)
    return model, history, x, y
