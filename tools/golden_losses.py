"""Writes golden values of Keras's losses, computed by real Keras.

Run from the repository root, once per Keras generation:

    /root/venvs/tf221/bin/python tools/golden_losses.py keras3  # Keras 3.15
    /root/venvs/tf215/bin/python tools/golden_losses.py keras2  # tf.keras 2.15

The first writes `tests/golden/losses_keras3.json`, the second
`tests/golden/losses_keras2.json` (the profile argument is optional: the
script picks it from the Keras it finds). Each file holds:

- `arrays`: the named inputs, float32 values drawn from a fixed seed (plus
  hand-made extremes: probabilities of exactly 0 and 1, logits of +-30 and
  +-100, a zero vector, 1-based and ignored class ids). Cases refer to
  them by name, so each array is stored once.
- `cases`: one entry per call of a loss class:
  `{"id", "loss", "kwargs", "y_true", "y_pred", "sample_weight",
  "tensor", "expected", "shape", "dtype"}`, or `"error"` (the exception
  type and message) where Keras raises. `sample_weight` is an array name,
  a number or null; `tensor` says whether the inputs were passed as
  `tf.constant` rather than NumPy arrays (tf.keras 2 aligns `(N,)` with
  `(N, 1)` only for tensors). `grad` (when present) is the gradient of
  the loss with respect to `y_pred`, taken with `tf.GradientTape`.
- `functions`: calls of the per-sample functions
  (`keras.losses.binary_crossentropy(y_true, y_pred, **kwargs)`), same
  layout with `"fn"` instead of `"loss"`.
- `configs`: `get_config()` of every class with default and custom
  arguments.
- `identifiers`: what `keras.losses.get(name)` returns for each string
  (the class or function name), or the error.

Floats are rounded to 9 significant digits (float32 needs 9 to round-trip).
kara's tests (`tests/losses/`) read these files; they never import
TensorFlow.
"""

import json
import math
import os
import re
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

OUT = os.path.join("tests", "golden", f"losses_{PROFILE}.json")
K3 = PROFILE == "keras3"

# ------------------------------------------------------------------ arrays
rng = np.random.RandomState(20240607)
f32 = np.float32


def _u(lo, hi, shape):
    return rng.uniform(lo, hi, shape).astype(f32)


def _n(scale, shape):
    return (rng.standard_normal(shape) * scale).astype(f32)


def _softmax(x, axis=-1):
    e = np.exp(x - x.max(axis=axis, keepdims=True))
    return (e / e.sum(axis=axis, keepdims=True)).astype(f32)


N, C = 4, 3
A = {}
# regression
A["reg_t"] = _n(2.0, (N, C))
A["reg_p"] = _n(2.0, (N, C))
A["reg_t1"] = _n(2.0, (N,))  # (N,) labels against (N, 1) predictions
A["reg_p1"] = A["reg_t1"][:, None] + _n(1.0, (N, 1))
A["reg_t_n2"] = _n(2.0, (N, 2))  # (N, 2) vs (N, 1): Keras broadcasts
A["reg_t3"] = _n(2.0, (2, 3, 4))
A["reg_p3"] = _n(2.0, (2, 3, 4))
A["pos_t"] = _u(0.0, 3.0, (N, C))
A["pos_t"][0, 0] = 0.0  # MAPE divides by max(|t|, eps)
A["pos_p"] = _u(0.1, 3.0, (N, C))
A["neg_p"] = _n(1.0, (N, C))  # MSLE clips negative predictions at eps
# binary labels and probabilities, with exact 0 and 1 on both sides
A["bin_t"] = (rng.uniform(size=(N, C)) > 0.5).astype(f32)
A["bin_t"][0] = [1.0, 0.0, 1.0]
A["bin_p"] = _u(0.02, 0.98, (N, C))
A["bin_p"][0] = [1.0, 1.0, 0.0]  # right, wrong, wrong: hits both clips
A["bin_p"][1, 0] = 0.0
A["bin_soft_t"] = _u(0.0, 1.0, (N, C))
A["bin_logit"] = _n(3.0, (N, C))
A["bin_logit"][0] = [30.0, -30.0, 100.0]
A["bin_logit"][1] = [-100.0, 35.0, -0.5]
A["bin_t1"] = (rng.uniform(size=(N,)) > 0.5).astype(f32)
A["bin_p1"] = _u(0.05, 0.95, (N, 1))
A["bin_t3"] = (rng.uniform(size=(2, 3, 4)) > 0.5).astype(f32)
A["bin_p3"] = _u(0.02, 0.98, (2, 3, 4))
A["bin_int_t"] = A["bin_t"].astype("int32")
# hinge: labels in {-1, 1}
A["pm_t"] = np.where(A["bin_t"] > 0, 1.0, -1.0).astype(f32)
# categorical
A["cls"] = np.array([0, 2, 1, 2], dtype="int32")
A["cls_col"] = A["cls"][:, None]
A["cls_f"] = A["cls"].astype(f32)
A["onehot"] = np.eye(C, dtype=f32)[A["cls"]]
A["cat_p"] = _softmax(_n(1.5, (N, C)))
A["cat_p"][0] = [0.0, 1.0, 0.0]  # the true class 0 has probability 0
A["cat_p"][3] = [0.2, 0.3, 0.9]  # not normalised (sums to 1.4)
A["cat_p_norm"] = _softmax(_n(1.5, (N, C)))
A["cat_logit"] = _n(3.0, (N, C))
A["cat_logit"][0] = [30.0, -30.0, 100.0]
A["cat_logit"][1] = [-100.0, 2.0, 35.0]
A["soft_t"] = _softmax(_n(1.0, (N, C)))
# class axis 1 (channels first): (2, 3, 4) with 3 classes on axis 1
A["cf_t"] = np.transpose(
    np.eye(3, dtype=f32)[rng.randint(0, 3, (2, 4))], (0, 2, 1)
)
A["cf_p"] = _softmax(_n(1.5, (2, 3, 4)), axis=1)
# sequences: (2, 3) class ids against (2, 3, 4) probabilities / logits
A["seq_cls"] = rng.randint(0, 4, (2, 3)).astype("int32")
A["seq_onehot"] = np.eye(4, dtype=f32)[A["seq_cls"]]
A["seq_p"] = _softmax(_n(1.5, (2, 3, 4)))
A["seq_logit"] = _n(3.0, (2, 3, 4))
A["seq_sw"] = _u(0.0, 2.0, (2, 3))
A["cls_ign"] = np.array([0, -1, 1, 2], dtype="int32")  # -1 is ignored
A["seq_ign"] = np.array([[1, -1, 3], [-1, -1, 0]], dtype="int32")
# sample weights
A["w_n"] = np.array([0.5, 2.0, 0.0, 1.5], dtype=f32)
A["w_n1"] = A["w_n"][:, None]
A["w_nc"] = _u(0.0, 2.0, (N, C))
A["w_zero"] = np.zeros((N,), f32)
A["w_2"] = np.array([0.5, 2.0], f32)
# cosine: a zero vector row
A["cos_t"] = _n(1.0, (N, C))
A["cos_t"][2] = 0.0
A["cos_p"] = _n(1.0, (N, C))
# huber: errors around delta
A["hub_p"] = (A["reg_t"] + np.array([0.2, -0.9, 1.5], f32)).astype(f32)
A["hub_p"][1] = A["reg_t"][1] + np.array([-3.0, 0.5, 2.0], f32)
A["big_p"] = (A["reg_t"] + _n(40.0, (N, C))).astype(f32)  # log_cosh tails
# dice / tversky: (2, 3, 4) masks and scores
A["seg_t"] = (rng.uniform(size=(2, 3, 4)) > 0.5).astype(f32)
A["seg_p"] = _u(0.0, 1.0, (2, 3, 4))
# circle: 6 L2-normalised embeddings, 3 identities
emb = _n(1.0, (6, 4))
A["circ_emb"] = (emb / np.linalg.norm(emb, axis=1, keepdims=True)).astype(f32)
A["circ_lab"] = np.array([0, 1, 0, 2, 1, 0], dtype="int32")
A["circ_lab_single"] = np.array([0, 1, 2, 3, 4, 5], dtype="int32")
A["w_6"] = np.array([1.0, 0.5, 2.0, 0.0, 1.0, 1.0], f32)
# CTC: (2, 4) labels with 0 as padding, (2, 6, 5) logits
A["ctc_t"] = np.array([[1, 2, 2, 0], [3, 1, 0, 0]], dtype="int32")
A["ctc_p"] = _n(1.5, (2, 6, 5))
A["ctc_t9"] = np.array([[1, 2, 1, 0], [1, 2, 0, 2]], dtype="int32")
A["ctc_p9"] = (np.arange(24).reshape(2, 4, 3).astype(f32) - 12) / 100
# seeds
A["s001_t"] = np.array([[1.0], [1.0], [1.0]], f32)
A["s001_p"] = np.array([[1.0], [1.0], [0.0]], f32)
A["s003_t"] = np.array([1, 2], dtype="int32")
A["s003_p"] = np.array([[0.05, 0.95, 0.0], [0.1, 0.8, 0.1]], f32)
A["s003_cce_t"] = np.array([[0, 1, 0], [0, 0, 1]], f32)
A["s003_logits"] = np.array(
    [
        [
            -3.27133679,
            -22.6687183,
            -4.15501118,
            -5.14916372,
            -5.94609261,
            -6.93373299,
            -5.72364092,
            -9.75725174,
            -3.15748906,
            -4.84012318,
        ],
        [
            -11.7642536,
            -45.3370094,
            -3.17252636,
            4.34527206,
            -17.7164974,
            -0.595088899,
            -17.6322937,
            -2.36941719,
            -6.82157373,
            -3.47369862,
        ],
        [
            -4.55468369,
            -1.07379043,
            -3.73261762,
            -7.08982277,
            -0.0288562477,
            -5.46847963,
            -0.979336262,
            -3.03667569,
            -3.29502845,
            -2.25880361,
        ],
    ],
    f32,
)
A["s003_labels"] = np.array([2, 3, 4], dtype="int32")
A["s000_t"] = np.array([[0.0, 1.0]], f32)
A["s000_p"] = np.array([[0.3, 0.7]], f32)
A["s000_bt"] = np.array([0.0], f32)
A["s000_bp"] = np.array([0.3], f32)
A["f64_p"] = A["reg_p"].astype("float64")
A["u8_t"] = A["bin_t"].astype("uint8")
A["bool_t"] = A["bin_t"].astype(bool)

# ------------------------------------------------------------------- cases
CASES = []


def case(loss, yt, yp, sw=None, tensor=False, grad=False, cid=None, **kw):
    CASES.append(
        {
            "id": cid or "",
            "loss": loss,
            "kwargs": kw,
            "y_true": yt,
            "y_pred": yp,
            "sample_weight": sw,
            "tensor": tensor,
            "grad": grad,
        }
    )


SW_VARIANTS = [None, 2.3, 0.0, "w_n", "w_n1"]
REDUCTIONS = ["sum", "none", "mean", "mean_with_sample_weight", "auto"]


def standard(loss, yt, yp, **kw):
    """Weights and reductions for one loss on (N, C) inputs."""
    case(loss, yt, yp, grad=True, **kw)
    for sw in SW_VARIANTS[1:]:
        case(loss, yt, yp, sw=sw, **kw)
    case(loss, yt, yp, sw="w_nc", **kw)
    for red in REDUCTIONS:
        case(loss, yt, yp, sw="w_n", reduction=red, **kw)
    case(loss, yt, yp, reduction=None, **kw)


# regression family
for name in [
    "MeanSquaredError",
    "MeanAbsoluteError",
    "LogCosh",
    "Huber",
]:
    standard(name, "reg_t", "reg_p")
    case(name, "reg_t3", "reg_p3", sw="seq_sw")
    case(name, "reg_t3", "reg_p3", sw="seq_sw", reduction="none")
    case(name, "reg_t1", "reg_p1")
    case(name, "reg_t1", "reg_p1", reduction="none")
    case(name, "reg_t1", "reg_p1", tensor=True)
    case(name, "reg_t1", "reg_p1", tensor=True, reduction="none")
    case(name, "reg_t_n2", "reg_p1", reduction="none")
for name in ["MeanAbsolutePercentageError", "MeanSquaredLogarithmicError"]:
    standard(name, "pos_t", "pos_p")
    case(name, "reg_t", "reg_p")
    case(name, "pos_t", "neg_p", reduction="none")
    case(name, "reg_t1", "reg_p1", reduction="none")
    case(name, "reg_t1", "reg_p1", tensor=True, reduction="none")
case("MeanSquaredError", "reg_t", "f64_p", cid="float64_pred")
case("MeanSquaredError", "reg_t", "reg_p", sw="w_n1", reduction="none")
case(
    "MeanSquaredError",
    "reg_t",
    "reg_p",
    sw=2.3,
    reduction="mean_with_sample_weight",
)
case(
    "MeanSquaredError",
    "reg_t3",
    "reg_p3",
    sw="seq_sw",
    reduction="mean_with_sample_weight",
)
case("MeanSquaredError", "reg_t3", "reg_p3", sw="w_2", reduction="none")
case("MeanSquaredError", "reg_t", "reg_p", cid="dtype64", dtype="float64")
case("LogCosh", "reg_t", "big_p", reduction="none", grad=True)
for delta in [0.5, 2.0]:
    case("Huber", "reg_t", "hub_p", delta=delta, reduction="none", grad=True)
case("Huber", "reg_t", "hub_p", reduction="none")
standard("Poisson", "pos_t", "pos_p")
case("Poisson", "pos_t", "reg_p", reduction="none")
standard("KLDivergence", "soft_t", "cat_p_norm")
case("KLDivergence", "soft_t", "cat_p", reduction="none")
case("KLDivergence", "onehot", "cat_p", reduction="none")
standard("CosineSimilarity", "cos_t", "cos_p")
case("CosineSimilarity", "reg_t3", "reg_p3", axis=1, reduction="none")
case("CosineSimilarity", "reg_t3", "reg_p3", axis=0, sw="w_n")
case("CosineSimilarity", "reg_t1", "reg_p1", reduction="none")
# hinge family
for name in ["Hinge", "SquaredHinge"]:
    standard(name, "bin_t", "reg_p")
    case(name, "pm_t", "reg_p", reduction="none", grad=True)
    case(name, "soft_t", "reg_p", reduction="none")
    case(name, "bin_int_t", "reg_p", reduction="none")
standard("CategoricalHinge", "onehot", "reg_p")
case("CategoricalHinge", "soft_t", "cat_p", reduction="none")

# binary cross-entropy
for fl, yp in [(False, "bin_p"), (True, "bin_logit")]:
    standard("BinaryCrossentropy", "bin_t", yp, from_logits=fl)
    for ls in [0.1, 0.5]:
        case(
            "BinaryCrossentropy",
            "bin_t",
            yp,
            from_logits=fl,
            label_smoothing=ls,
            reduction="none",
            grad=True,
        )
    case(
        "BinaryCrossentropy",
        "bin_soft_t",
        yp,
        from_logits=fl,
        reduction="none",
        grad=True,
    )
    case(
        "BinaryCrossentropy",
        "bin_t3",
        "bin_p3",
        from_logits=fl,
        axis=1,
        reduction="none",
    )
    case(
        "BinaryCrossentropy", "bin_t3", "bin_p3", from_logits=fl, axis=0, sw=2.0
    )
    case("BinaryCrossentropy", "bin_t3", "bin_p3", from_logits=fl, sw="seq_sw")
case("BinaryCrossentropy", "bin_t1", "bin_p1", reduction="none")
case("BinaryCrossentropy", "bin_t1", "bin_p1")
case("BinaryCrossentropy", "bin_t1", "bin_p1", tensor=True, reduction="none")
case("BinaryCrossentropy", "bin_t1", "bin_p1", tensor=True)
case("BinaryCrossentropy", "bin_int_t", "bin_p", reduction="none")
case("BinaryCrossentropy", "u8_t", "bin_p", reduction="none")
case("BinaryCrossentropy", "bool_t", "bin_p", reduction="none")
case("BinaryCrossentropy", "s001_t", "s001_p", cid="seed001")
case(
    "BinaryCrossentropy", "s001_t", "s001_p", cid="seed001_tensor", tensor=True
)
case("BinaryCrossentropy", "s000_bt", "s000_bp", cid="seed000_bce")
# binary focal
for fl, yp in [(False, "bin_p"), (True, "bin_logit")]:
    standard("BinaryFocalCrossentropy", "bin_t", yp, from_logits=fl)
    for extra in [
        {"gamma": 0.0},
        {"gamma": 3.0},
        {"apply_class_balancing": True},
        {"apply_class_balancing": True, "alpha": 0.6, "gamma": 1.5},
        {"label_smoothing": 0.2},
    ]:
        case(
            "BinaryFocalCrossentropy",
            "bin_t",
            yp,
            from_logits=fl,
            reduction="none",
            grad=True,
            **extra,
        )
    case(
        "BinaryFocalCrossentropy",
        "bin_t3",
        "bin_p3",
        from_logits=fl,
        axis=1,
        reduction="none",
    )
case("BinaryFocalCrossentropy", "bin_t1", "bin_p1", reduction="none")
case(
    "BinaryFocalCrossentropy", "bin_t1", "bin_p1", tensor=True, reduction="none"
)

# categorical cross-entropy
for fl, yp in [(False, "cat_p"), (True, "cat_logit")]:
    standard("CategoricalCrossentropy", "onehot", yp, from_logits=fl)
    for ls in [0.1, 0.3]:
        case(
            "CategoricalCrossentropy",
            "onehot",
            yp,
            from_logits=fl,
            label_smoothing=ls,
            reduction="none",
            grad=True,
        )
    case(
        "CategoricalCrossentropy",
        "soft_t",
        yp,
        from_logits=fl,
        reduction="none",
        grad=True,
    )
    case(
        "CategoricalCrossentropy",
        "cf_t",
        "cf_p",
        from_logits=fl,
        axis=1,
        reduction="none",
    )
    case(
        "CategoricalCrossentropy",
        "cf_t",
        "cf_p",
        from_logits=fl,
        axis=1,
        label_smoothing=0.2,
        reduction="none",
    )
    case(
        "CategoricalCrossentropy",
        "seq_onehot",
        "seq_p",
        from_logits=fl,
        sw="seq_sw",
    )
    case(
        "CategoricalCrossentropy",
        "seq_onehot",
        "seq_p",
        from_logits=fl,
        sw="seq_sw",
        reduction="none",
    )
case(
    "CategoricalCrossentropy",
    "onehot",
    "cat_p_norm",
    reduction="none",
    grad=True,
)
case("CategoricalCrossentropy", "s003_cce_t", "s003_p", cid="seed003_cce")
case("CategoricalCrossentropy", "s000_t", "s000_p", cid="seed000_cce")
# categorical focal
for fl, yp in [(False, "cat_p"), (True, "cat_logit")]:
    standard("CategoricalFocalCrossentropy", "onehot", yp, from_logits=fl)
    for extra in [
        {"gamma": 0.0},
        {"gamma": 3.0, "alpha": 0.5},
        {"label_smoothing": 0.2},
    ]:
        case(
            "CategoricalFocalCrossentropy",
            "onehot",
            yp,
            from_logits=fl,
            reduction="none",
            grad=True,
            **extra,
        )
    case(
        "CategoricalFocalCrossentropy",
        "cf_t",
        "cf_p",
        from_logits=fl,
        axis=1,
        reduction="none",
    )
case(
    "CategoricalFocalCrossentropy",
    "soft_t",
    "cat_p_norm",
    reduction="none",
    grad=True,
)

# sparse categorical cross-entropy
SCCE = "SparseCategoricalCrossentropy"
for fl, yp in [(False, "cat_p"), (True, "cat_logit")]:
    standard(SCCE, "cls", yp, from_logits=fl)
    case(SCCE, "cls_col", yp, from_logits=fl, reduction="none")
    case(SCCE, "cls_col", yp, from_logits=fl, sw="w_n1")
    case(SCCE, "cls_f", yp, from_logits=fl, reduction="none")
    case(SCCE, "cls_col", yp, from_logits=fl, tensor=True, reduction="none")
    case(SCCE, "cls_ign", yp, from_logits=fl, ignore_class=-1, reduction="none")
    case(SCCE, "cls_ign", yp, from_logits=fl, ignore_class=-1, grad=True)
    case(SCCE, "cls_ign", yp, from_logits=fl, ignore_class=-1, reduction="sum")
    case(SCCE, "cls_ign", yp, from_logits=fl, ignore_class=-1, sw="w_n")
    case(SCCE, "cls", yp, from_logits=fl, ignore_class=2, reduction="none")
    case(SCCE, "cls", yp, from_logits=fl, ignore_class=2)
    case(
        SCCE,
        "cls",
        yp,
        from_logits=fl,
        ignore_class=2,
        reduction="mean_with_sample_weight",
        sw="w_n",
    )
for fl, yp in [(False, "seq_p"), (True, "seq_logit")]:
    case(SCCE, "seq_cls", yp, from_logits=fl, sw="seq_sw")
    case(SCCE, "seq_cls", yp, from_logits=fl, sw="seq_sw", reduction="none")
    case(SCCE, "seq_ign", yp, from_logits=fl, ignore_class=-1, reduction="none")
    case(SCCE, "seq_ign", yp, from_logits=fl, ignore_class=-1)
    case(SCCE, "seq_ign", yp, from_logits=fl, ignore_class=-1, sw="seq_sw")
case(SCCE, "cls", "cat_p_norm", reduction="none", grad=True)
case(SCCE, "s003_t", "s003_p", reduction="none", cid="seed003_sparse")
case(
    SCCE,
    "s003_t",
    "s003_p",
    reduction="none",
    from_logits=True,
    cid="seed003_sparse_logits",
)
case(
    SCCE,
    "s003_labels",
    "s003_logits",
    reduction="none",
    from_logits=True,
    cid="seed003_logits10",
)

# keras 3 only
standard("Dice", "seg_t", "seg_p")
for ax in [-1, [1, 2], [2]]:
    case("Dice", "seg_t", "seg_p", axis=ax, reduction="none", grad=True)
    case("Dice", "seg_t", "seg_p", axis=ax, sw="seq_sw" if ax == -1 else None)
standard("Tversky", "seg_t", "seg_p")
for ax in [-1, [1, 2]]:
    for ab in [(0.5, 0.5), (0.3, 0.7), (0.9, 0.1)]:
        case(
            "Tversky",
            "seg_t",
            "seg_p",
            axis=ax,
            alpha=ab[0],
            beta=ab[1],
            reduction="none",
            grad=True,
        )
for q in [0.5, 0.2, 0.9]:
    case(
        "CategoricalGeneralizedCrossEntropy",
        "cls",
        "cat_p_norm",
        q=q,
        grad=True,
    )
    case(
        "CategoricalGeneralizedCrossEntropy",
        "cls",
        "cat_p_norm",
        q=q,
        reduction="none",
    )
case("CategoricalGeneralizedCrossEntropy", "cls", "cat_p_norm", sw="w_n")
case(
    "CategoricalGeneralizedCrossEntropy",
    "cls",
    "cat_p_norm",
    sw="w_n1",
    reduction="sum",
)
case("Circle", "circ_lab", "circ_emb", grad=True)
case("Circle", "circ_lab", "circ_emb", reduction="none")
case("Circle", "circ_lab", "circ_emb", reduction="sum")
case("Circle", "circ_lab", "circ_emb", sw="w_6")
case(
    "Circle",
    "circ_lab",
    "circ_emb",
    gamma=10.0,
    margin=0.25,
    reduction="none",
    grad=True,
)
case("Circle", "circ_lab", "circ_emb", remove_diagonal=False, reduction="none")
case("Circle", "circ_lab", "circ_emb", remove_diagonal=False)
case("Circle", "circ_lab_single", "circ_emb", reduction="none")
case("Circle", "circ_lab_single", "circ_emb")
case("CTC", "ctc_t", "ctc_p", grad=True)
case("CTC", "ctc_t", "ctc_p", reduction="none")
case("CTC", "ctc_t", "ctc_p", sw=0.5, reduction="sum")
case("CTC", "ctc_t9", "ctc_p9", cid="semantics_ctc")

KERAS3_ONLY = {
    "Dice",
    "Tversky",
    "CategoricalGeneralizedCrossEntropy",
    "Circle",
    "CTC",
}

# per-sample functions: (fn, y_true, y_pred, kwargs)
FUNCTIONS = [
    ("mean_squared_error", "reg_t", "reg_p", {}),
    ("mean_squared_error", "reg_t1", "reg_p1", {}),
    ("mean_absolute_error", "reg_t", "reg_p", {}),
    ("mean_absolute_percentage_error", "pos_t", "pos_p", {}),
    ("mean_squared_logarithmic_error", "pos_t", "neg_p", {}),
    ("log_cosh", "reg_t", "big_p", {}),
    ("huber", "reg_t", "hub_p", {}),
    ("huber", "reg_t", "hub_p", {"delta": 0.5}),
    ("hinge", "bin_t", "reg_p", {}),
    ("squared_hinge", "pm_t", "reg_p", {}),
    ("categorical_hinge", "onehot", "reg_p", {}),
    ("kl_divergence", "soft_t", "cat_p", {}),
    ("poisson", "pos_t", "pos_p", {}),
    ("cosine_similarity", "cos_t", "cos_p", {}),
    ("cosine_similarity", "reg_t3", "reg_p3", {"axis": 1}),
    ("binary_crossentropy", "bin_t", "bin_p", {}),
    ("binary_crossentropy", "bin_t", "bin_logit", {"from_logits": True}),
    ("binary_crossentropy", "bin_t", "bin_p", {"label_smoothing": 0.2}),
    ("binary_crossentropy", "bin_t3", "bin_p3", {"axis": 1}),
    ("binary_focal_crossentropy", "bin_t", "bin_p", {}),
    (
        "binary_focal_crossentropy",
        "bin_t",
        "bin_logit",
        {"from_logits": True, "apply_class_balancing": True},
    ),
    ("categorical_crossentropy", "onehot", "cat_p", {}),
    ("categorical_crossentropy", "onehot", "cat_logit", {"from_logits": True}),
    ("categorical_crossentropy", "onehot", "cat_p", {"label_smoothing": 0.1}),
    ("categorical_crossentropy", "cf_t", "cf_p", {"axis": 1}),
    ("categorical_focal_crossentropy", "onehot", "cat_p", {}),
    (
        "categorical_focal_crossentropy",
        "onehot",
        "cat_logit",
        {"from_logits": True, "gamma": 1.0},
    ),
    ("sparse_categorical_crossentropy", "cls", "cat_p", {}),
    (
        "sparse_categorical_crossentropy",
        "cls",
        "cat_logit",
        {"from_logits": True},
    ),
    ("sparse_categorical_crossentropy", "cls_col", "cat_p", {}),
    (
        "sparse_categorical_crossentropy",
        "cls_ign",
        "cat_p",
        {"ignore_class": -1},
    ),
    ("sparse_categorical_crossentropy", "s003_t", "s003_p", {}),
    (
        "sparse_categorical_crossentropy",
        "s003_t",
        "s003_p",
        {"from_logits": True},
    ),
    ("dice", "seg_t", "seg_p", {}),
    ("dice", "seg_t", "seg_p", {"axis": [1, 2]}),
    ("tversky", "seg_t", "seg_p", {"alpha": 0.3, "beta": 0.7}),
    ("categorical_generalized_cross_entropy", "cls", "cat_p_norm", {"q": 0.5}),
    ("circle", "circ_lab", "circ_emb", {}),
    (
        "circle",
        "circ_lab",
        "circ_emb",
        {"ref_labels": "circ_lab_single", "ref_embeddings": "circ_emb"},
    ),
    ("ctc", "ctc_t", "ctc_p", {}),
]
KERAS3_ONLY_FNS = {
    "dice",
    "tversky",
    "categorical_generalized_cross_entropy",
    "circle",
    "ctc",
}

CONFIGS = [
    ("MeanSquaredError", {}),
    ("MeanAbsoluteError", {"reduction": "sum", "name": "mae_sum"}),
    ("MeanAbsolutePercentageError", {}),
    ("MeanSquaredLogarithmicError", {}),
    (
        "CosineSimilarity",
        {"axis": 2, "reduction": "sum", "name": "cosine_loss"},
    ),
    ("Huber", {"delta": 2.0, "reduction": "sum"}),
    ("LogCosh", {}),
    ("Hinge", {}),
    ("SquaredHinge", {}),
    ("CategoricalHinge", {}),
    ("KLDivergence", {}),
    ("Poisson", {}),
    ("BinaryCrossentropy", {}),
    (
        "BinaryCrossentropy",
        {
            "from_logits": True,
            "label_smoothing": 0.1,
            "axis": 1,
            "reduction": "none",
        },
    ),
    ("BinaryFocalCrossentropy", {}),
    (
        "BinaryFocalCrossentropy",
        {"apply_class_balancing": True, "alpha": 0.6, "gamma": 3.0},
    ),
    ("CategoricalCrossentropy", {}),
    ("CategoricalCrossentropy", {"from_logits": True, "label_smoothing": 0.2}),
    ("CategoricalFocalCrossentropy", {}),
    ("SparseCategoricalCrossentropy", {}),
    (
        "SparseCategoricalCrossentropy",
        {"from_logits": True, "ignore_class": -1},
    ),
    ("Dice", {}),
    ("Dice", {"axis": [1, 2]}),
    ("Tversky", {"alpha": 0.3, "beta": 0.7}),
    ("CategoricalGeneralizedCrossEntropy", {"q": 0.3}),
    ("Circle", {}),
    ("CTC", {}),
]

IDENTIFIERS = [
    "mean_squared_error",
    "mse",
    "MSE",
    "MeanSquaredError",
    "mean_absolute_error",
    "mae",
    "MAE",
    "MeanAbsoluteError",
    "mean_absolute_percentage_error",
    "mape",
    "MAPE",
    "MeanAbsolutePercentageError",
    "mean_squared_logarithmic_error",
    "msle",
    "MSLE",
    "MeanSquaredLogarithmicError",
    "squared_hinge",
    "SquaredHinge",
    "hinge",
    "Hinge",
    "categorical_hinge",
    "CategoricalHinge",
    "logcosh",
    "log_cosh",
    "LogCosh",
    "categorical_crossentropy",
    "CategoricalCrossentropy",
    "sparse_categorical_crossentropy",
    "SparseCategoricalCrossentropy",
    "binary_crossentropy",
    "BinaryCrossentropy",
    "bce",
    "BCE",
    "binary_focal_crossentropy",
    "BinaryFocalCrossentropy",
    "categorical_focal_crossentropy",
    "CategoricalFocalCrossentropy",
    "kullback_leibler_divergence",
    "kl_divergence",
    "kld",
    "KLD",
    "KLDivergence",
    "poisson",
    "Poisson",
    "cosine_proximity",
    "cosine_similarity",
    "cosine",
    "CosineSimilarity",
    "huber",
    "huber_loss",
    "Huber",
    "dice",
    "Dice",
    "tversky",
    "Tversky",
    "circle",
    "Circle",
    "ctc",
    "CTC",
    "categorical_generalized_cross_entropy",
    "CategoricalGeneralizedCrossEntropy",
    "crossentropy",
    "mean_sqared_error",
]


# ----------------------------------------------------------------- running
def _round(x):
    x = float(x)
    if math.isnan(x) or math.isinf(x):
        return x
    return float(f"{x:.9g}")


def _tolist(a):
    a = np.asarray(a)
    if a.dtype == bool:
        return a.tolist()
    if a.dtype.kind in "iu":
        return a.astype(int).tolist()
    if a.ndim == 0:
        return _round(a)
    return np.vectorize(_round, otypes=[float])(a).tolist()


def _resolve(name, tensor=False):
    if name is None or isinstance(name, (int, float)):
        return name
    arr = A[name]
    return tf.constant(arr) if tensor else arr


def _error(e):
    # Keras prints sets (in hash order): hide their contents so that two
    # runs write the same file
    message = re.sub(r"\{[^{}]*\}", "{...}", str(e))
    return {"type": type(e).__name__, "message": message[:400]}


def run_case(c):
    cls = getattr(keras.losses, c["loss"])
    kwargs = dict(c["kwargs"])
    out = dict(c)
    if not K3 and kwargs.get("reduction", "x") is None:
        out["error"] = {"type": "ValueError", "message": "reduction=None"}
        return out
    try:
        loss = cls(**kwargs)
        yt = _resolve(c["y_true"], c["tensor"])
        yp_arr = _resolve(c["y_pred"], False)
        sw = _resolve(c["sample_weight"], c["tensor"])
        if c["grad"]:
            yp = tf.Variable(yp_arr.astype(np.float32))
            with tf.GradientTape() as tape:
                val = loss(yt, yp, sample_weight=sw)
                total = tf.reduce_sum(val)
            g = tape.gradient(total, yp)
            out["grad"] = None if g is None else _tolist(g.numpy())
        else:
            yp = tf.constant(yp_arr) if c["tensor"] else yp_arr
            val = loss(yt, yp, sample_weight=sw)
            del out["grad"]
        val = val.numpy()
        out["expected"] = _tolist(val)
        out["shape"] = list(val.shape)
        out["dtype"] = str(val.dtype)
    except Exception as e:  # record Keras's refusal
        out.pop("grad", None)
        out["error"] = _error(e)
    return out


def run_function(fn, yt, yp, kwargs):
    out = {"fn": fn, "y_true": yt, "y_pred": yp, "kwargs": kwargs}
    try:
        f = getattr(keras.losses, fn)
        kw = {
            k: (A[v] if isinstance(v, str) and v in A else v)
            for k, v in kwargs.items()
        }
        if "axis" in kw and isinstance(kw["axis"], list):
            kw["axis"] = tuple(kw["axis"])
        val = np.asarray(f(A[yt], A[yp], **kw))
        out["expected"] = _tolist(val)
        out["shape"] = list(val.shape)
        out["dtype"] = str(val.dtype)
    except Exception as e:
        out["error"] = _error(e)
    return out


def run_config(name, kwargs):
    out = {"loss": name, "kwargs": kwargs}
    try:
        cfg = getattr(keras.losses, name)(**kwargs).get_config()
        out["config"] = json.loads(json.dumps(cfg, default=str))
    except Exception as e:
        out["error"] = _error(e)
    return out


def run_identifier(name):
    try:
        obj = keras.losses.get(name)
    except Exception as e:
        return {"name": name, "error": _error(e)}
    if isinstance(obj, keras.losses.Loss):
        return {"name": name, "class": type(obj).__name__}
    return {"name": name, "function": getattr(obj, "__name__", str(obj))}


def main():
    cases = []
    seen = {}
    for c in CASES:
        if not K3 and c["loss"] in KERAS3_ONLY:
            continue
        # Axis tuples are lists in JSON; Keras wants tuples.
        if isinstance(c["kwargs"].get("axis"), list):
            c = dict(c, kwargs=dict(c["kwargs"]))
            c["kwargs"]["axis"] = tuple(c["kwargs"]["axis"])
        r = run_case(c)
        if isinstance(r["kwargs"].get("axis"), tuple):
            r["kwargs"]["axis"] = list(r["kwargs"]["axis"])
        base = r["id"] or f"{r['loss']}"
        seen[base] = seen.get(base, 0) + 1
        r["id"] = base if r["id"] else f"{base}_{seen[base]}"
        cases.append(r)
    functions = [
        run_function(*f) for f in FUNCTIONS if K3 or f[0] not in KERAS3_ONLY_FNS
    ]
    configs = [run_config(*c) for c in CONFIGS if K3 or c[0] not in KERAS3_ONLY]
    identifiers = [run_identifier(n) for n in IDENTIFIERS]
    serialized = []
    for obj in [
        keras.losses.MeanSquaredError(),
        keras.losses.BinaryCrossentropy(from_logits=True),
        keras.losses.mean_squared_error,
    ]:
        try:
            ser = keras.losses.serialize(obj)
            serialized.append(json.loads(json.dumps(ser, default=str)))
        except Exception as e:
            serialized.append({"error": _error(e)})
    used = set()
    for c in cases + functions:
        used.update([c["y_true"], c["y_pred"]])
        if isinstance(c.get("sample_weight"), str):
            used.add(c["sample_weight"])
        for v in c["kwargs"].values():
            if isinstance(v, str) and v in A:
                used.add(v)
    arrays = {
        k: {"dtype": str(v.dtype), "value": _tolist(v)}
        for k, v in A.items()
        if k in used
    }
    doc = {
        "profile": PROFILE,
        "generator": "tools/golden_losses.py",
        "tensorflow": tf.__version__,
        "keras": getattr(keras, "__version__", tf.__version__),
        "epsilon": float(keras.backend.epsilon()),
        "arrays": arrays,
        "cases": cases,
        "functions": functions,
        "configs": configs,
        "identifiers": identifiers,
        "serialized": serialized,
    }
    with open(OUT, "w") as f:
        json.dump(doc, f, separators=(",", ":"))
        f.write("\n")
    n_err = sum("error" in c for c in cases)
    print(
        f"wrote {OUT}: {len(cases)} cases ({n_err} errors), "
        f"{len(functions)} functions, {len(configs)} configs, "
        f"{os.path.getsize(OUT)} bytes"
    )


if __name__ == "__main__":
    main()
