"""Writes golden values for `kara.metrics` from real Keras.

Run from the repository root with each TensorFlow venv:

    /root/venvs/tf221/bin/python tools/golden_metrics.py   # Keras 3.x
    /root/venvs/tf215/bin/python tools/golden_metrics.py   # tf.keras 2.15

The first writes `tests/golden/metrics_keras3.json`, the second
`tests/golden/metrics_keras2.json` (the script detects the Keras version).

What is recorded:
- `inputs`: small random input sets (two batches each, of 6 and 4 samples,
  with sample weights of several shapes), stored in the file so the tests
  never need TensorFlow or a NumPy random stream.
- `cases`: for each metric and notable argument, `result()` after one and
  after two `update_state` calls, unweighted and weighted.
- `defaults`: the default `name`, `get_config()` and `_direction` of each
  metric class.
- `resolve`: what a string in `compile(metrics=[...])` turns into (class and
  log name) for given `y_true`/`y_pred` shapes; `get`: what
  `keras.metrics.get(string)` returns.

Floats are rounded to 9 significant digits. Inputs are rounded to 4
decimals before Keras sees them, so both sides read identical float32 data.
"""

import json
import os
import sys

import numpy as np

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("KERAS_BACKEND", "tensorflow")

import keras  # noqa: E402
import tensorflow as tf  # noqa: E402

KERAS3 = keras.__version__.startswith("3")
PROFILE = "keras3" if KERAS3 else "keras2"
OUT = os.path.join(
    os.path.dirname(os.path.dirname(os.path.abspath(__file__))),
    "tests",
    "golden",
    f"metrics_{PROFILE}.json",
)
M = keras.metrics
SIZES = (6, 4)


def rnd(x, digits=4):
    return np.round(np.asarray(x, dtype=np.float64), digits)


def sig(x):
    """Rounds floats to 9 significant digits, recursively, for JSON."""
    if isinstance(x, (list, tuple)):
        return [sig(v) for v in x]
    if isinstance(x, dict):
        return {k: sig(v) for k, v in x.items()}
    if isinstance(x, (bool, np.bool_)):
        return bool(x)
    if isinstance(x, (int, np.integer)):
        return int(x)
    if isinstance(x, (float, np.floating)):
        x = float(x)
        if not np.isfinite(x):
            return str(x)
        return float(f"{x:.9g}")
    if isinstance(x, np.ndarray):
        return sig(x.tolist())
    return x


# ------------------------------------------------------------------ inputs
def make_inputs():
    rng = np.random.default_rng(20240611)
    sets = {}

    def weights(n, extra=None):
        w = rnd(rng.uniform(0.0, 2.0, size=n))
        w[1] = 0.0  # a zero weight must not count
        d = {"sample": w, "col": w.reshape(n, 1), "scalar": 1.7}
        if extra:
            d.update(extra)
        return d

    def add(name, batches, dtype_true="float32"):
        sets[name] = {"dtype_true": dtype_true, "batches": batches}

    # binary probabilities with values on the 0.5 threshold and the ends
    bs = []
    for n in SIZES:
        yt = rng.integers(0, 2, size=(n, 1)).astype(float)
        yp = rnd(rng.uniform(0, 1, size=(n, 1)))
        yp[0, 0], yp[-1, 0] = 0.5, 1.0
        if n > 4:
            yp[2, 0] = 0.0
        bs.append({"y_true": yt, "y_pred": yp, **weights(n)})
    add("binary", bs)
    # binary labels of shape (N,) with predictions (N, 1)
    bs = []
    for n in SIZES:
        yt = rng.integers(0, 2, size=(n,)).astype(float)
        yp = rnd(rng.uniform(0, 1, size=(n, 1)))
        bs.append({"y_true": yt, "y_pred": yp, **weights(n)})
    add("binary_flat", bs)
    # multi-label (N, 3) probabilities, with element-wise weights
    bs = []
    for n in SIZES:
        yt = rng.integers(0, 2, size=(n, 3)).astype(float)
        yp = rnd(rng.uniform(0, 1, size=(n, 3)))
        ew = rnd(rng.uniform(0, 2, size=(n, 3)))
        bs.append({"y_true": yt, "y_pred": yp, **weights(n, {"elem": ew})})
    add("multilabel", bs)
    # multi-label logits
    bs = []
    for n in SIZES:
        yt = rng.integers(0, 2, size=(n, 3)).astype(float)
        yp = rnd(rng.normal(0, 3, size=(n, 3)))
        bs.append({"y_true": yt, "y_pred": yp, **weights(n)})
    add("binary_logits", bs)
    # categorical: one-hot (N, 5) and softmax probabilities
    for name, logits in (("categorical", False), ("categorical_logits", True)):
        bs = []
        for n in SIZES:
            labels = rng.integers(0, 5, size=(n,))
            yt = np.eye(5)[labels]
            z = rng.normal(0, 2, size=(n, 5))
            if logits:
                yp = rnd(z)
            else:
                e = np.exp(z - z.max(-1, keepdims=True))
                yp = rnd(e / e.sum(-1, keepdims=True))
            bs.append({"y_true": yt, "y_pred": yp, **weights(n)})
        add(name, bs)
    # sparse labels (N,) and (N, 1) with (N, 5) probabilities / logits
    for name, logits, col in (
        ("sparse", False, False),
        ("sparse_col", False, True),
        ("sparse_logits", True, False),
    ):
        bs = []
        for n in SIZES:
            labels = rng.integers(0, 5, size=(n,))
            yt = labels.reshape(n, 1) if col else labels
            z = rng.normal(0, 2, size=(n, 5))
            if logits:
                yp = rnd(z)
            else:
                e = np.exp(z - z.max(-1, keepdims=True))
                yp = rnd(e / e.sum(-1, keepdims=True))
            bs.append({"y_true": yt, "y_pred": yp, **weights(n)})
        add(name, bs, dtype_true="int32")
    # top-k with ties in the predictions
    bs = []
    for n in SIZES:
        labels = rng.integers(0, 5, size=(n,))
        yp = rnd(rng.uniform(0, 1, size=(n, 5)), 1)  # 1 decimal: ties
        bs.append({"y_true": np.eye(5)[labels], "y_pred": yp, **weights(n)})
    add("topk_ties", bs)
    bs = []
    for b in sets["topk_ties"]["batches"]:
        bs.append({**b, "y_true": np.argmax(b["y_true"], -1)})
    add("sparse_topk_ties", bs, dtype_true="int32")
    # regression: signed values (N, 3)
    bs = []
    for n in SIZES:
        yt = rnd(rng.normal(0, 2, size=(n, 3)))
        yp = rnd(rng.normal(0, 2, size=(n, 3)))
        ew = rnd(rng.uniform(0, 2, size=(n, 3)))
        bs.append({"y_true": yt, "y_pred": yp, **weights(n, {"elem": ew})})
    add("regression", bs)
    # positive values (N, 3): MSLE, Poisson, MAPE
    bs = []
    for n in SIZES:
        yt = rnd(rng.uniform(0, 5, size=(n, 3)))
        yp = rnd(rng.uniform(0.1, 5, size=(n, 3)))
        bs.append({"y_true": yt, "y_pred": yp, **weights(n)})
    add("positive", bs)
    # regression with a single output column: y_true (N,), y_pred (N, 1)
    bs = []
    for n in SIZES:
        yt = rnd(rng.normal(0, 2, size=(n,)))
        yp = rnd(rng.normal(0, 2, size=(n, 1)))
        bs.append({"y_true": yt, "y_pred": yp, **weights(n)})
    add("regression_flat", bs)
    # sequences (N, T=3, C=2) with per-timestep weights (N, T)
    bs = []
    for n in SIZES:
        yt = rnd(rng.normal(0, 1, size=(n, 3, 2)))
        yp = rnd(rng.normal(0, 1, size=(n, 3, 2)))
        tw = rnd(rng.uniform(0, 2, size=(n, 3)))
        bs.append({"y_true": yt, "y_pred": yp, **weights(n, {"time": tw})})
    add("sequence", bs)
    # probability distributions (KL divergence)
    bs = []
    for n in SIZES:
        a = rng.uniform(0.01, 1, size=(n, 4))
        b = rng.uniform(0.01, 1, size=(n, 4))
        yt = rnd(a / a.sum(-1, keepdims=True))
        yp = rnd(b / b.sum(-1, keepdims=True))
        yt[0, 0] = 0.0  # clipped to eps
        bs.append({"y_true": yt, "y_pred": yp, **weights(n)})
    add("distribution", bs)
    # hinge: labels in {-1, 1} and in {0, 1}
    for name, lo in (("hinge_pm1", -1), ("hinge_01", 0)):
        bs = []
        for n in SIZES:
            yt = rng.choice([lo, 1], size=(n, 3)).astype(float)
            yp = rnd(rng.normal(0, 1.5, size=(n, 3)))
            bs.append({"y_true": yt, "y_pred": yp, **weights(n)})
        add(name, bs)
    # integer predictions for Accuracy (exact equality), (N, 1) and (N, 2)
    for name, cols in (("labels", 1), ("labels2d", 2)):
        bs = []
        for n in SIZES:
            yt = rng.integers(0, 3, size=(n, cols))
            yp = np.where(rng.uniform(size=(n, cols)) < 0.6, yt, 2 - yt)
            bs.append({"y_true": yt, "y_pred": yp.astype(float), **weights(n)})
        add(name, bs, dtype_true="int32")
    # values for Mean / Sum (rank 1 and rank 2)
    bs = []
    for n in SIZES:
        v = rnd(rng.normal(1, 3, size=(n,)))
        bs.append({"values": v, **weights(n)})
    add("values", bs)
    bs = []
    for n in SIZES:
        v = rnd(rng.normal(1, 3, size=(n, 3)))
        ew = rnd(rng.uniform(0, 2, size=(n, 3)))
        bs.append({"values": v, **weights(n, {"elem": ew})})
    add("values2d", bs)
    return sets


def to_arrays(sets):
    out = {}
    for name, s in sets.items():
        batches = []
        for b in s["batches"]:
            d = {}
            for k, v in b.items():
                if k == "y_true":
                    d[k] = np.asarray(v, dtype=s["dtype_true"])
                elif k == "scalar":
                    d[k] = float(v)
                else:
                    d[k] = np.asarray(v, dtype="float32")
            batches.append(d)
        out[name] = batches
    return out


# ------------------------------------------------------------------- cases
def C(cls, kwargs=None, inputs="binary", weights=("none", "sample")):
    return {
        "class": cls,
        "kwargs": kwargs or {},
        "inputs": inputs,
        "weights": list(weights),
    }


ALL_W = ("none", "sample", "col", "scalar")
CASES = [
    # reductions
    C("Mean", inputs="values", weights=ALL_W),
    C("Mean", inputs="values2d", weights=ALL_W + ("elem",)),
    C("Sum", inputs="values", weights=ALL_W),
    C("Sum", inputs="values2d", weights=ALL_W + ("elem",)),
    # accuracy
    C("Accuracy", inputs="labels", weights=ALL_W),
    C("Accuracy", inputs="labels2d", weights=ALL_W),
    C("BinaryAccuracy", inputs="binary", weights=ALL_W),
    C("BinaryAccuracy", inputs="binary_flat", weights=ALL_W),
    C(
        "BinaryAccuracy",
        {"threshold": 0.7},
        inputs="multilabel",
        weights=ALL_W + ("elem",),
    ),
    C("CategoricalAccuracy", inputs="categorical", weights=ALL_W),
    C("CategoricalAccuracy", inputs="topk_ties"),
    C("SparseCategoricalAccuracy", inputs="sparse", weights=ALL_W),
    C("SparseCategoricalAccuracy", inputs="sparse_col", weights=ALL_W),
    C("TopKCategoricalAccuracy", {"k": 2}, inputs="categorical"),
    C("TopKCategoricalAccuracy", {"k": 2}, inputs="topk_ties"),
    C("TopKCategoricalAccuracy", {}, inputs="topk_ties"),
    C("SparseTopKCategoricalAccuracy", {"k": 2}, inputs="sparse"),
    C("SparseTopKCategoricalAccuracy", {"k": 3}, inputs="sparse_col"),
    C("SparseTopKCategoricalAccuracy", {"k": 2}, inputs="sparse_topk_ties"),
    # regression
    C("MeanSquaredError", inputs="regression", weights=ALL_W + ("elem",)),
    C("MeanSquaredError", inputs="regression_flat", weights=ALL_W),
    C(
        "MeanSquaredError",
        inputs="sequence",
        weights=("none", "sample", "time"),
    ),
    C("MeanAbsoluteError", inputs="regression", weights=ALL_W),
    C("RootMeanSquaredError", inputs="regression", weights=ALL_W + ("elem",)),
    C("RootMeanSquaredError", inputs="regression_flat", weights=ALL_W),
    C("MeanAbsolutePercentageError", inputs="positive"),
    C("MeanAbsolutePercentageError", inputs="regression"),
    C("MeanSquaredLogarithmicError", inputs="positive"),
    C("MeanSquaredLogarithmicError", inputs="regression"),
    C("LogCoshError", inputs="regression"),
    C("CosineSimilarity", inputs="regression", weights=ALL_W),
    C("CosineSimilarity", {"axis": 1}, inputs="sequence"),
    C(
        "R2Score",
        inputs="regression",
        weights=("none", "sample", "col", "elem"),
    ),
    C(
        "R2Score",
        {"class_aggregation": "variance_weighted_average"},
        inputs="regression",
    ),
    C("R2Score", {"class_aggregation": None}, inputs="regression"),
    C("R2Score", {"num_regressors": 2}, inputs="regression"),
    # probabilistic
    C("BinaryCrossentropy", inputs="binary", weights=ALL_W),
    C("BinaryCrossentropy", inputs="multilabel"),
    C("BinaryCrossentropy", {"from_logits": True}, inputs="binary_logits"),
    C("BinaryCrossentropy", {"label_smoothing": 0.1}, inputs="multilabel"),
    C(
        "BinaryCrossentropy",
        {"from_logits": True, "label_smoothing": 0.2},
        inputs="binary_logits",
    ),
    C("CategoricalCrossentropy", inputs="categorical", weights=ALL_W),
    C(
        "CategoricalCrossentropy",
        {"from_logits": True},
        inputs="categorical_logits",
    ),
    C(
        "CategoricalCrossentropy",
        {"label_smoothing": 0.1},
        inputs="categorical",
    ),
    C(
        "CategoricalCrossentropy",
        {"from_logits": True, "label_smoothing": 0.1},
        inputs="categorical_logits",
    ),
    C("SparseCategoricalCrossentropy", inputs="sparse", weights=ALL_W),
    C("SparseCategoricalCrossentropy", inputs="sparse_col"),
    C(
        "SparseCategoricalCrossentropy",
        {"from_logits": True},
        inputs="sparse_logits",
    ),
    C(
        "SparseCategoricalCrossentropy",
        {"ignore_class": 2},
        inputs="sparse",
        weights=ALL_W,
    ),
    C(
        "SparseCategoricalCrossentropy",
        {"ignore_class": 0, "from_logits": True},
        inputs="sparse_logits",
    ),
    C("KLDivergence", inputs="distribution", weights=ALL_W),
    C("Poisson", inputs="positive", weights=ALL_W),
    # hinge
    C("Hinge", inputs="hinge_pm1", weights=ALL_W),
    C("Hinge", inputs="hinge_01"),
    C("SquaredHinge", inputs="hinge_pm1"),
    C("SquaredHinge", inputs="hinge_01"),
    C("CategoricalHinge", inputs="categorical_logits"),
    # confusion counts
    C("TruePositives", inputs="binary", weights=ALL_W),
    C("TrueNegatives", inputs="binary"),
    C("FalsePositives", inputs="binary"),
    C("FalseNegatives", inputs="binary"),
    C(
        "TruePositives",
        {"thresholds": [0.15, 0.5, 0.85]},
        inputs="multilabel",
        weights=("none", "sample", "elem"),
    ),
    C("FalseNegatives", {"thresholds": [0.0, 0.5, 1.0]}, inputs="binary"),
    C("FalsePositives", {"thresholds": 0.3}, inputs="multilabel"),
    C(
        "TrueNegatives",
        {"thresholds": [0.25, 0.5, 0.75]},
        inputs="multilabel",
        weights=("none", "sample", "elem"),
    ),
    # precision / recall
    C("Precision", inputs="binary", weights=ALL_W),
    C("Precision", inputs="multilabel", weights=("none", "sample", "elem")),
    C("Precision", {"thresholds": [0.2, 0.5, 0.8]}, inputs="multilabel"),
    C("Precision", {"thresholds": [0.0, 0.5, 1.0]}, inputs="multilabel"),
    C("Precision", {"top_k": 2}, inputs="categorical"),
    C("Precision", {"class_id": 1}, inputs="multilabel"),
    C("Precision", {"top_k": 2, "class_id": 3}, inputs="categorical"),
    C("Precision", {"top_k": 1, "thresholds": 0.3}, inputs="categorical"),
    C("Recall", inputs="binary", weights=ALL_W),
    C("Recall", inputs="multilabel", weights=("none", "sample", "elem")),
    C("Recall", {"thresholds": [0.2, 0.5, 0.8]}, inputs="multilabel"),
    C("Recall", {"top_k": 2}, inputs="categorical"),
    C("Recall", {"class_id": 2}, inputs="multilabel"),
    C("Recall", {"top_k": 3, "class_id": 0}, inputs="categorical"),
    # AUC
    C("AUC", inputs="binary", weights=ALL_W),
    C("AUC", inputs="multilabel", weights=("none", "sample", "elem")),
    C("AUC", {"curve": "PR"}, inputs="multilabel"),
    C(
        "AUC",
        {"curve": "PR", "summation_method": "majoring"},
        inputs="multilabel",
    ),
    C(
        "AUC",
        {"curve": "PR", "summation_method": "minoring"},
        inputs="multilabel",
    ),
    C("AUC", {"summation_method": "majoring"}, inputs="multilabel"),
    C("AUC", {"summation_method": "minoring"}, inputs="multilabel"),
    C("AUC", {"num_thresholds": 7}, inputs="multilabel"),
    C("AUC", {"num_thresholds": 3, "curve": "PR"}, inputs="multilabel"),
    C("AUC", {"thresholds": [0.1, 0.35, 0.5, 0.9]}, inputs="multilabel"),
    C("AUC", {"thresholds": [0.25, 0.5, 0.75]}, inputs="multilabel"),
    C("AUC", {"from_logits": True}, inputs="binary_logits"),
    C(
        "AUC",
        {"multi_label": True},
        inputs="multilabel",
        weights=("none", "sample", "elem"),
    ),
    C(
        "AUC",
        {"multi_label": True, "num_labels": 3, "curve": "PR"},
        inputs="multilabel",
    ),
    C(
        "AUC",
        {"multi_label": True, "label_weights": [0.2, 1.0, 0.5]},
        inputs="multilabel",
    ),
    C("AUC", {"label_weights": [0.2, 1.0, 0.5]}, inputs="multilabel"),
    C("AUC", {"curve": "PRGAIN"}, inputs="multilabel"),
    C("AUC", inputs="binary_flat", weights=ALL_W),
    C("AUC", {"curve": "PR", "num_thresholds": 50}, inputs="binary_flat"),
    C("Precision", inputs="binary_flat", weights=ALL_W),
    C("Recall", {"thresholds": [0.3, 0.6]}, inputs="binary_flat"),
    C("BinaryCrossentropy", inputs="binary_flat"),
    # X at fixed Y
    C(
        "SensitivityAtSpecificity",
        {"specificity": 0.5},
        inputs="binary",
        weights=ALL_W,
    ),
    C(
        "SensitivityAtSpecificity",
        {"specificity": 0.7, "num_thresholds": 1},
        inputs="multilabel",
    ),
    C(
        "SpecificityAtSensitivity",
        {"sensitivity": 0.4},
        inputs="multilabel",
        weights=("none", "sample", "elem"),
    ),
    C(
        "SpecificityAtSensitivity",
        {"sensitivity": 0.6, "class_id": 1, "num_thresholds": 20},
        inputs="multilabel",
    ),
    C("PrecisionAtRecall", {"recall": 0.6}, inputs="multilabel"),
    C(
        "PrecisionAtRecall",
        {"recall": 0.3, "num_thresholds": 9},
        inputs="binary",
    ),
    C("RecallAtPrecision", {"precision": 0.5}, inputs="multilabel"),
    C(
        "RecallAtPrecision",
        {"precision": 0.8, "class_id": 0},
        inputs="multilabel",
    ),
    # F-scores
    C("F1Score", inputs="multilabel", weights=("none", "sample")),
    C(
        "F1Score",
        {"average": "micro", "threshold": 0.3},
        inputs="multilabel",
        weights=("none", "sample"),
    ),
    C(
        "FBetaScore",
        {"beta": 3.0, "average": "macro"},
        inputs="categorical",
        weights=("none", "sample"),
    ),
    C("F1Score", {"average": "micro"}, inputs="multilabel"),
    C("F1Score", {"average": "macro"}, inputs="multilabel"),
    C("F1Score", {"average": "weighted"}, inputs="multilabel"),
    C("F1Score", {"threshold": 0.5}, inputs="multilabel"),
    C("F1Score", {"average": "macro"}, inputs="categorical"),
    C("FBetaScore", {"beta": 2.0}, inputs="multilabel"),
    C(
        "FBetaScore",
        {"beta": 0.5, "average": "weighted", "threshold": 0.4},
        inputs="multilabel",
    ),
]


def case_id(case):
    parts = [case["class"]]
    for k, v in sorted(case["kwargs"].items()):
        parts.append(f"{k}={v}")
    parts.append(f"@{case['inputs']}")
    return ",".join(parts)


def run_case(case, data, weight):
    cls = getattr(M, case["class"])
    m = cls(**case["kwargs"])
    out = []
    for b in data[case["inputs"]]:
        sw = None if weight == "none" else b[weight]
        if "values" in b:
            m.update_state(b["values"], sample_weight=sw)
        else:
            m.update_state(b["y_true"], b["y_pred"], sample_weight=sw)
        out.append(np.asarray(m.result()).astype(np.float64))
    return sig(out)


# ---------------------------------------------------------------- defaults
DEFAULT_CLASSES = [
    "Mean",
    "Sum",
    "Accuracy",
    "BinaryAccuracy",
    "CategoricalAccuracy",
    "SparseCategoricalAccuracy",
    "TopKCategoricalAccuracy",
    "SparseTopKCategoricalAccuracy",
    "MeanSquaredError",
    "MeanAbsoluteError",
    "RootMeanSquaredError",
    "MeanAbsolutePercentageError",
    "MeanSquaredLogarithmicError",
    "LogCoshError",
    "CosineSimilarity",
    "R2Score",
    "BinaryCrossentropy",
    "CategoricalCrossentropy",
    "SparseCategoricalCrossentropy",
    "KLDivergence",
    "Poisson",
    "Hinge",
    "SquaredHinge",
    "CategoricalHinge",
    "TruePositives",
    "TrueNegatives",
    "FalsePositives",
    "FalseNegatives",
    "Precision",
    "Recall",
    "AUC",
    "F1Score",
    "FBetaScore",
]
DEFAULT_ARGS = {
    "SensitivityAtSpecificity": {"specificity": 0.5},
    "SpecificityAtSensitivity": {"sensitivity": 0.5},
    "PrecisionAtRecall": {"recall": 0.5},
    "RecallAtPrecision": {"precision": 0.5},
}
DEFAULT_CLASSES += list(DEFAULT_ARGS)


def jsonable(v):
    if isinstance(v, np.ndarray):
        return sig(v)
    if hasattr(v, "numpy"):
        return sig(np.asarray(v))
    if isinstance(v, (list, tuple)):
        return [jsonable(x) for x in v]
    if isinstance(v, dict):
        return {k: jsonable(x) for k, x in v.items()}
    if isinstance(v, (str, int, float, bool)) or v is None:
        return sig(v)
    return repr(v)


def defaults():
    out = {}
    for name in DEFAULT_CLASSES:
        m = getattr(M, name)(**DEFAULT_ARGS.get(name, {}))
        cfg = m.get_config()
        if "dtype" in cfg and not isinstance(cfg["dtype"], str):
            cfg["dtype"] = str(cfg["dtype"])
        out[name] = {
            "name": m.name,
            "config": jsonable(cfg),
            "direction": getattr(m, "_direction", None),
            "variables": [
                v.name.split("/")[-1].split(":")[0] for v in m.variables
            ],
        }
    return out


# ---------------------------------------------------------------- strings
RESOLVE_IDS = [
    "accuracy",
    "acc",
    "ACC",
    "Accuracy",
    "mae",
    "MAE",
    "mse",
    "MSE",
    "mape",
    "msle",
    "bce",
    "BCE",
    "binary_crossentropy",
    "categorical_crossentropy",
    "sparse_categorical_crossentropy",
    "kl_divergence",
    "kld",
    "kullback_leibler_divergence",
    "poisson",
    "hinge",
    "squared_hinge",
    "categorical_hinge",
    "cosine_similarity",
    "cosine_proximity",
    "logcosh",
    "log_cosh",
    "log_cosh_error",
    "mean_squared_error",
    "mean_absolute_error",
    "mean_absolute_percentage_error",
    "mean_squared_logarithmic_error",
    "root_mean_squared_error",
    "auc",
    "AUC",
    "precision",
    "Precision",
    "recall",
    "Recall",
    "f1_score",
    "F1Score",
    "fbeta_score",
    "r2_score",
    "binary_accuracy",
    "categorical_accuracy",
    "sparse_categorical_accuracy",
    "top_k_categorical_accuracy",
    "sparse_top_k_categorical_accuracy",
    "TopKCategoricalAccuracy",
    "crossentropy",
    "ce",
    "true_positives",
    "TruePositives",
    "false_negatives",
    "MeanSquaredError",
    "BinaryCrossentropy",
    "mean",
    "sum",
    "not_a_metric",
    "sensitivity_at_specificity",
    "KLD",
]
SHAPES = [
    ((8, 1), (8, 1)),
    ((8,), (8, 1)),
    ((8,), (8, 5)),
    ((8, 1), (8, 5)),
    ((8, 5), (8, 5)),
    ((8, 4), (8, 4, 5)),
    ((8, 3), (8, 3)),
]


def obj_desc(obj):
    if obj is None:
        return None
    if isinstance(obj, type):
        return {"kind": "class", "class": obj.__name__}
    if isinstance(obj, M.Metric):
        d = {"kind": "instance", "class": type(obj).__name__, "name": obj.name}
        fn = getattr(obj, "_fn", None)
        if fn is not None:
            d["fn"] = getattr(fn, "__name__", repr(fn))
        return d
    return {"kind": "function", "fn": getattr(obj, "__name__", repr(obj))}


def resolve_one(identifier, yt_shape, yp_shape):
    yt = np.zeros(yt_shape, "float32")
    yp = np.zeros(yp_shape, "float32")
    if KERAS3:
        from keras.src.trainers.compile_utils import get_metric

        m = get_metric(identifier, yt, yp)
    else:
        from keras.src.engine.compile_utils import MetricsContainer

        mc = MetricsContainer()
        m = mc._get_metric_object(identifier, tf.constant(yt), tf.constant(yp))
    return obj_desc(m)


def strings():
    resolve = []
    for ident in RESOLVE_IDS:
        for yt_shape, yp_shape in SHAPES:
            if ident.lower() not in ("accuracy", "acc", "crossentropy", "ce"):
                if (yt_shape, yp_shape) != SHAPES[4]:
                    continue  # shapes only matter for the accuracy family
            row = {
                "identifier": ident,
                "y_true_shape": list(yt_shape),
                "y_pred_shape": list(yp_shape),
            }
            try:
                row["result"] = resolve_one(ident, yt_shape, yp_shape)
            except Exception as e:  # noqa: BLE001 - record Keras' error
                row["error"] = f"{type(e).__name__}: {e}"[:200]
            resolve.append(row)
    get = {}
    for ident in RESOLVE_IDS:
        try:
            get[ident] = obj_desc(M.get(ident))
        except Exception as e:  # noqa: BLE001
            get[ident] = {"error": f"{type(e).__name__}: {e}"[:200]}
    return resolve, get


def main():
    sets = make_inputs()
    data = to_arrays(sets)
    cases = []
    for case in CASES:
        rec = {
            "id": case_id(case),
            "class": case["class"],
            "kwargs": case["kwargs"],
            "inputs": case["inputs"],
            "results": {},
        }
        for w in case["weights"]:
            try:
                rec["results"][w] = run_case(case, data, w)
            except Exception as e:  # noqa: BLE001 - record Keras' error
                rec["results"][w] = {"error": f"{type(e).__name__}: {e}"[:300]}
        cases.append(rec)
    resolve, get = strings()
    stored_inputs = {
        name: {
            "dtype_true": s["dtype_true"],
            "batches": [
                {k: sig(v) for k, v in b.items()} for b in s["batches"]
            ],
        }
        for name, s in sets.items()
    }
    out = {
        "meta": {
            "profile": PROFILE,
            "keras": keras.__version__,
            "tensorflow": tf.__version__,
            "backend": "tensorflow",
            "script": "tools/golden_metrics.py",
            "note": "results[w] = [result after update 1, after update 2]",
        },
        "inputs": stored_inputs,
        "cases": cases,
        "defaults": defaults(),
        "resolve": resolve,
        "get": get,
    }
    with open(OUT, "w") as f:
        json.dump(out, f, separators=(",", ":"))
        f.write("\n")
    print(
        f"wrote {OUT} ({os.path.getsize(OUT)} bytes, {len(cases)} cases)",
        file=sys.stderr,
    )


if __name__ == "__main__":
    main()
