"""Writes golden `fit` runs (History, final weights) from real Keras.

Run from the repository root with each TensorFlow venv:

    /root/venvs/tf221/bin/python tools/golden_fit.py   # Keras 3.x
    /root/venvs/tf215/bin/python tools/golden_fit.py   # tf.keras 2.15

The first writes `tests/golden/fit_keras3.json`, the second
`tests/golden/fit_keras2.json` (the script detects the Keras version). Each
run takes a minute or two on two cores.

What is recorded:
- `data`: 64 samples of 5 float32 features, and the targets of four heads:
  `sparse` (3 class ids, softmax output, sparse cross-entropy), `onehot`
  (one-hot targets, linear output, categorical cross-entropy from logits),
  `binary` (0/1 targets, sigmoid output, binary cross-entropy) and
  `regression` (2 values, linear output, MSE). Plus sample weights and a
  second input for the multi-input case. Everything is rounded to 6
  decimals before use, so both sides read identical float32 inputs.
- `init`: the initial weights of each head's model (drawn from a fixed
  NumPy seed and set with `set_weights`).
- `cases`: for each (optimizer, head) pair, and for runs with
  validation_split, validation_data, class_weight, sample_weight,
  regularizers, several inputs or outputs, steps_per_epoch, initial_epoch
  and validation_freq: the model and fit arguments, `history.history`
  (with its key order), `history.epoch`, `history.params`, the final
  weights, `evaluate(..., return_dict=True)` and `evaluate(...)` on the
  training data, and `predict` on the first rows. Every fit is 3 epochs of
  batch 16 with `shuffle=False`, so it is deterministic. Where Keras raises
  (class_weight with sample_weight in Keras 3), the error is recorded.
- `progbar`: the stdout of a `fit` (2 epochs, validation_split) followed
  by an `evaluate`, with verbose 1 and 2 (stdout redirected to a buffer;
  Keras draws its bar with `\\b`/`\\r` redraws on Linux whatever stdout is).

Floats are rounded to 9 significant digits (float32 round-trips exactly).
"""

import contextlib
import io
import json
import os
import warnings
from importlib import metadata

import numpy as np

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("KERAS_BACKEND", "tensorflow")
os.environ.setdefault("CUDA_VISIBLE_DEVICES", "")
warnings.filterwarnings("ignore")

import tensorflow as tf  # noqa: E402

try:
    import keras  # noqa: E402

    KERAS3 = keras.__version__.startswith("3")
except ImportError:  # pragma: no cover
    KERAS3 = False
if not KERAS3:
    keras = tf.keras
PROFILE = "keras3" if KERAS3 else "keras2"
OUT = os.path.join(
    os.path.dirname(os.path.dirname(os.path.abspath(__file__))),
    "tests",
    "golden",
    f"fit_{PROFILE}.json",
)

N, FEATURES, HIDDEN, BATCH, EPOCHS = 64, 5, 4, 16, 3

# (name, class name, kwargs): learning rates large enough that 12 steps
# move the weights well away from their initial values.
OPTIMIZERS = [
    ("sgd", "SGD", {"learning_rate": 0.1}),
    (
        "sgd_nesterov",
        "SGD",
        {"learning_rate": 0.05, "momentum": 0.9, "nesterov": True},
    ),
    ("rmsprop", "RMSprop", {"learning_rate": 0.01}),
    ("adagrad", "Adagrad", {"learning_rate": 0.1}),
    ("adadelta", "Adadelta", {"learning_rate": 1.0}),
    ("adam", "Adam", {"learning_rate": 0.01}),
    ("adam_amsgrad", "Adam", {"learning_rate": 0.01, "amsgrad": True}),
    ("adamax", "Adamax", {"learning_rate": 0.01}),
    ("nadam", "Nadam", {"learning_rate": 0.01}),
    ("adamw", "AdamW", {"learning_rate": 0.01, "weight_decay": 0.05}),
    ("lion", "Lion", {"learning_rate": 0.003}),
    ("ftrl", "Ftrl", {"learning_rate": 0.1}),
    ("adafactor", "Adafactor", {"learning_rate": 0.05}),
    ("lamb", "Lamb", {"learning_rate": 0.01}),
]
HEADS = ("sparse", "onehot", "binary", "regression")


def sig(x):
    """Rounds floats to 9 significant digits, recursively, for JSON."""
    if isinstance(x, dict):
        return {k: sig(v) for k, v in x.items()}
    if isinstance(x, (list, tuple)):
        return [sig(v) for v in x]
    if isinstance(x, np.ndarray):
        return sig(x.tolist())
    if isinstance(x, (bool, np.bool_)):
        return bool(x)
    if isinstance(x, (int, np.integer)):
        return int(x)
    if isinstance(x, (float, np.floating)):
        return float(f"{float(x):.9g}")
    return x


# ------------------------------------------------------------------- data
def make_data():
    rng = np.random.default_rng(2024)
    x = np.round(rng.normal(size=(N, FEATURES)), 6).astype("float32")
    x2 = np.round(rng.normal(size=(N, 3)), 6).astype("float32")
    score = x[:, 0] + 0.5 * x[:, 1] - 0.3 * x[:, 2]
    sparse = np.digitize(score, [-0.5, 0.5]).astype("int64")
    onehot = np.eye(3, dtype="float32")[rng.integers(0, 3, N)]
    binary = (x[:, 3] - x[:, 4] > 0).astype("float32")[:, None]
    regression = np.round(np.stack([score, x[:, 4] * 2.0], axis=1), 6).astype(
        "float32"
    )
    sample_weight = np.round(rng.uniform(0.2, 2.0, N), 6).astype("float32")
    return {
        "x": x,
        "x2": x2,
        "y": {
            "sparse": sparse,
            "onehot": onehot,
            "binary": binary,
            "regression": regression,
        },
        "sample_weight": sample_weight,
    }


def head_spec(head):
    """(units, activation, loss identifier, metrics) of a head."""
    if head == "sparse":
        return 3, "softmax", "sparse_categorical_crossentropy", ["accuracy"]
    if head == "onehot":
        loss = keras.losses.CategoricalCrossentropy(from_logits=True)
        return 3, None, loss, ["accuracy"]
    if head == "binary":
        return 1, "sigmoid", "binary_crossentropy", ["accuracy"]
    return 2, None, "mse", ["mae"]


def init_weights(shapes, seed):
    rng = np.random.default_rng(seed)
    return [
        np.round(rng.normal(scale=0.5, size=s), 6).astype("float32")
        for s in shapes
    ]


# ----------------------------------------------------------------- models
def build(case):
    """The Keras model of a case (see `model` in the case dict)."""
    kind = case["model"]
    reg = case.get("l2")
    if kind == "multi_output":
        inp = keras.Input(shape=(FEATURES,), name="features")
        h = keras.layers.Dense(HIDDEN, activation="tanh", name="hidden")(inp)
        a = keras.layers.Dense(3, activation="softmax", name="cls")(h)
        b = keras.layers.Dense(2, name="reg")(h)
        return keras.Model(inp, {"cls": a, "reg": b})
    if kind == "multi_input":
        i1 = keras.Input(shape=(FEATURES,), name="a")
        i2 = keras.Input(shape=(3,), name="b")
        h = keras.layers.Concatenate()([i1, i2])
        h = keras.layers.Dense(HIDDEN, activation="tanh")(h)
        return keras.Model([i1, i2], keras.layers.Dense(2)(h))
    units, activation, _, _ = head_spec(kind)
    return keras.Sequential(
        [
            keras.Input(shape=(FEATURES,)),
            keras.layers.Dense(
                HIDDEN,
                activation="tanh",
                kernel_regularizer=(
                    keras.regularizers.L2(reg) if reg else None
                ),
            ),
            keras.layers.Dense(units, activation=activation),
        ]
    )


def weight_shapes(kind):
    if kind == "multi_output":
        return [(5, 4), (4,), (4, 3), (3,), (4, 2), (2,)]
    if kind == "multi_input":
        return [(8, 4), (4,), (4, 2), (2,)]
    units = head_spec(kind)[0]
    return [(FEATURES, HIDDEN), (HIDDEN,), (HIDDEN, units), (units,)]


def optimizer(name):
    for opt_name, cls, kwargs in OPTIMIZERS:
        if opt_name == name:
            return getattr(keras.optimizers, cls)(**kwargs)
    raise KeyError(name)


def compile_args(case):
    kind = case["model"]
    if kind == "multi_output":
        return {
            "loss": {
                "cls": "sparse_categorical_crossentropy",
                "reg": "mse",
            },
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


# ------------------------------------------------------------------ cases
def case_list():
    cases = []
    for opt_name, cls, _ in OPTIMIZERS:
        if cls == "Lamb" and not KERAS3:
            continue  # tf.keras 2.15 has no Lamb
        for head in HEADS:
            cases.append(
                {
                    "name": f"{opt_name}/{head}",
                    "model": head,
                    "optimizer": opt_name,
                }
            )
    extra = [
        {
            "name": "validation_split/sparse",
            "model": "sparse",
            "optimizer": "adam",
            "fit": {"validation_split": 0.25},
        },
        # 48 training samples in batches of 20, 20, 8: the logged loss is
        # weighted by batch size.
        {
            "name": "validation_split_batch20/binary",
            "model": "binary",
            "optimizer": "rmsprop",
            "fit": {"validation_split": 0.25, "batch_size": 20},
        },
        {
            "name": "validation_data3/binary",
            "model": "binary",
            "optimizer": "sgd",
            "fit": {"validation_data": "train_sw"},
        },
        {
            "name": "class_weight/sparse",
            "model": "sparse",
            "optimizer": "sgd",
            "fit": {"class_weight": {0: 0.5, 1: 2.0, 2: 1.0}},
            "weighted_metrics": ["accuracy"],
        },
        {
            "name": "class_weight/binary",
            "model": "binary",
            "optimizer": "adam",
            "fit": {"class_weight": {0: 1.0, 1: 3.0}},
        },
        {
            "name": "sample_weight/regression",
            "model": "regression",
            "optimizer": "adam",
            "fit": {"sample_weight": True},
            "weighted_metrics": ["mae"],
        },
        {
            "name": "sample_weight/sparse",
            "model": "sparse",
            "optimizer": "sgd_nesterov",
            "fit": {"sample_weight": True},
        },
        {
            "name": "l2/regression",
            "model": "regression",
            "optimizer": "sgd",
            "l2": 0.05,
        },
        {
            "name": "multi_output/adam",
            "model": "multi_output",
            "optimizer": "adam",
            "fit": {"validation_split": 0.25},
        },
        {"name": "multi_input/sgd", "model": "multi_input", "optimizer": "sgd"},
        {
            "name": "steps_per_epoch/regression",
            "model": "regression",
            "optimizer": "sgd",
            "fit": {"steps_per_epoch": 3},
        },
        # more steps than batches: Keras 3 ends each epoch with the pass,
        # tf.keras 2 streams on and stops when `epochs` passes are used
        {
            "name": "steps_per_epoch_6/regression",
            "model": "regression",
            "optimizer": "sgd",
            "fit": {"steps_per_epoch": 6},
        },
        # 4 validation batches of 5, 2 per validation: Keras 3 continues
        # where the last validation stopped, tf.keras 2 restarts
        {
            "name": "validation_steps/sparse",
            "model": "sparse",
            "optimizer": "adam",
            "fit": {
                "validation_split": 0.25,
                "validation_batch_size": 5,
                "validation_steps": 2,
            },
        },
        {
            "name": "initial_epoch/regression",
            "model": "regression",
            "optimizer": "adam",
            "fit": {"initial_epoch": 1},
        },
        {
            "name": "validation_freq/sparse",
            "model": "sparse",
            "optimizer": "adam",
            "fit": {
                "validation_split": 0.25,
                "validation_freq": 2,
                "validation_batch_size": 5,
            },
        },
        {
            "name": "batch_size_24/onehot",
            "model": "onehot",
            "optimizer": "rmsprop",
            "fit": {"batch_size": 24},
        },
        # class 2 has no weight: Keras 3 uses 1.0, tf.keras 2 fails
        {
            "name": "class_weight_missing/sparse",
            "model": "sparse",
            "optimizer": "sgd",
            "fit": {"class_weight": {0: 0.5, 1: 2.0}},
        },
        # Keras 3 refuses both; tf.keras 2 multiplies them
        {
            "name": "class_and_sample_weight/sparse",
            "model": "sparse",
            "optimizer": "sgd",
            "fit": {
                "class_weight": {0: 0.5, 1: 2.0, 2: 1.0},
                "sample_weight": True,
            },
        },
    ]
    return cases + extra


def run_case(case, data, init):
    keras.utils.set_random_seed(0)
    model = build(case)
    model.set_weights(init[case["model"]])
    model.compile(optimizer=optimizer(case["optimizer"]), **compile_args(case))
    x, y = inputs_targets(case, data)
    fit_kwargs = {
        "batch_size": BATCH,
        "epochs": EPOCHS,
        "shuffle": False,
        "verbose": 0,
    }
    for key, value in case.get("fit", {}).items():
        if key == "sample_weight":
            value = data["sample_weight"]
        elif key == "validation_data":
            value = (x, y, data["sample_weight"])
        fit_kwargs[key] = value
    record = {k: v for k, v in case.items() if k != "name"}
    try:
        history = model.fit(x, y, **fit_kwargs)
    except Exception as e:  # Keras refuses; record what it says
        record["error"] = f"{type(e).__name__}: {e}"[:300]
        return record
    record["history"] = history.history
    record["history_keys"] = list(history.history)
    record["epoch"] = history.epoch
    record["params"] = history.params
    record["weights"] = [w.tolist() for w in model.get_weights()]
    record["evaluate_dict"] = model.evaluate(
        x, y, batch_size=BATCH, verbose=0, return_dict=True
    )
    result = model.evaluate(x, y, batch_size=BATCH, verbose=0)
    record["evaluate"] = result
    pred = model.predict(first_rows(x), verbose=0)
    if isinstance(pred, dict):
        pred = {k: v.tolist() for k, v in pred.items()}
    else:
        pred = pred.tolist()
    record["predict"] = pred
    return record


def first_rows(x, n=4):
    if isinstance(x, list):
        return [a[:n] for a in x]
    return x[:n]


def inputs_targets(case, data):
    kind = case["model"]
    if kind == "multi_output":
        return data["x"], {
            "cls": data["y"]["sparse"],
            "reg": data["y"]["regression"],
        }
    if kind == "multi_input":
        return [data["x"], data["x2"]], data["y"]["regression"]
    return data["x"], data["y"][kind]


# ---------------------------------------------------------------- progbar
def progbar_captures(data, init):
    out = {}
    for verbose in (1, 2):
        keras.utils.set_random_seed(0)
        case = {"model": "sparse"}
        model = build(case)
        model.set_weights(init["sparse"])
        model.compile(optimizer=optimizer("adam"), **compile_args(case))
        buf = io.StringIO()
        with contextlib.redirect_stdout(buf):
            model.fit(
                data["x"],
                data["y"]["sparse"],
                batch_size=BATCH,
                epochs=2,
                validation_split=0.25,
                shuffle=False,
                verbose=verbose,
            )
            model.evaluate(
                data["x"],
                data["y"]["sparse"],
                batch_size=BATCH,
                verbose=verbose,
            )
        out[f"v{verbose}"] = buf.getvalue()
    return out


def main():
    data = make_data()
    kinds = list(HEADS) + ["multi_output", "multi_input"]
    init = {
        kind: init_weights(weight_shapes(kind), seed=i)
        for i, kind in enumerate(kinds)
    }
    cases = {}
    for case in case_list():
        cases[case["name"]] = run_case(case, data, init)
        print(case["name"], "error" in cases[case["name"]])
    result = {
        "keras_version": metadata.version("keras"),
        "tensorflow_version": tf.__version__,
        "profile": PROFILE,
        "config": {
            "batch_size": BATCH,
            "epochs": EPOCHS,
            "hidden": HIDDEN,
            "optimizers": {n: [c, k] for n, c, k in OPTIMIZERS},
        },
        "data": {
            "x": data["x"].tolist(),
            "x2": data["x2"].tolist(),
            "y": {k: v.tolist() for k, v in data["y"].items()},
            "sample_weight": data["sample_weight"].tolist(),
        },
        "init": {k: [w.tolist() for w in ws] for k, ws in init.items()},
        "cases": cases,
        "progbar": progbar_captures(data, init),
    }
    with open(OUT, "w") as f:
        json.dump(sig(result), f, separators=(",", ":"))
        f.write("\n")
    print(f"wrote {os.path.normpath(OUT)} ({os.path.getsize(OUT)} bytes)")


if __name__ == "__main__":
    main()
