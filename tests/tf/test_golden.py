"""`kara.tf` gives TensorFlow's values, dtypes and shapes.

Each case of `tests/golden/tf_keras{2,3}.json` is a TensorFlow expression
(its source text is in the file) with the result real TensorFlow gave
(made by `tools/golden_tf.py`). The expression is evaluated here with
`tf = kara.tf` and the result compared: same dtype, same shape, the same
numbers (float32 tolerance; integers and booleans exactly).
"""

import json
import os

import numpy as np
import pytest

import kara
import kara.tf as tf
from kara import config

GOLDEN = os.path.join(os.path.dirname(__file__), "..", "golden")


def _load(profile):
    with open(os.path.join(GOLDEN, f"tf_{profile}.json")) as f:
        return json.load(f)["cases"]


# The helpers the cases may call, as in tools/golden_tf.py.
def renormalize(preds):
    preds /= tf.math.reduce_sum(preds, axis=-1, keepdims=True)  # seed 003
    return preds


def grad(f, value):
    x = tf.Variable(value)
    with tf.GradientTape() as tape:
        y = f(x)
    return tape.gradient(y, x)


def grad_watch(f, value):
    x = tf.constant(value)
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = f(x)
    return tape.gradient(y, x)


def two_var_grad(w, b):
    x = tf.constant([[1.0, 2.0], [3.0, -1.0]])
    with tf.GradientTape(persistent=True) as tape:
        y = tf.reduce_mean(tf.square(tf.matmul(x, w) + b))
    return tape.gradient(y, [w, b])


def namespace():
    rng = np.random.default_rng(3)  # the same draws as the tool's
    logits = [
        [-3.27133679, -22.6687183, -4.15501118, -5.14916372, -5.94609261,
         -6.93373299, -5.72364092, -9.75725174, -3.15748906, -4.84012318],
        [-11.7642536, -45.3370094, -3.17252636, 4.34527206, -17.7164974,
         -0.595088899, -17.6322937, -2.36941719, -6.82157373, -3.47369862],
        [-4.55468369, -1.07379043, -3.73261762, -7.08982277, -0.0288562477,
         -5.46847963, -0.979336262, -3.03667569, -3.29502845, -2.25880361],
    ]  # fmt: skip
    return {
        "tf": tf,
        "np": np,
        "X": tf.constant(rng.normal(size=(2, 3)).round(4), tf.float32),
        "X3": tf.constant(rng.normal(size=(2, 3, 4)).round(4), tf.float32),
        "LOGITS": tf.constant(logits),
        "grad": grad,
        "grad_watch": grad_watch,
        "two_var_grad": two_var_grad,
        "renormalize": renormalize,
    }


def assert_matches(got, expected, where):
    if "items" in expected:
        assert isinstance(got, (list, tuple)), where
        assert len(got) == len(expected["items"]), where
        for i, (g, e) in enumerate(zip(got, expected["items"])):
            assert_matches(g, e, f"{where}[{i}]")
        return
    if "python" in expected:
        want = expected["python"]
        if isinstance(want, (int, float)) and not isinstance(want, bool):
            assert got == pytest.approx(want, rel=1e-6), where
        else:  # strings, bools, None: newer pytest refuses approx on them
            assert got == want, where
        return
    assert isinstance(got, (kara.Tensor, np.ndarray)), (where, type(got))
    arr = np.asarray(got.numpy() if isinstance(got, kara.Tensor) else got)
    assert str(arr.dtype) == expected["dtype"], where
    assert list(arr.shape) == expected["shape"], where
    want = np.asarray(expected["value"], dtype=arr.dtype)
    if arr.dtype.kind == "f":
        # atol: 2 ulp of 1.0 (log-sum-exp rounds its sum near 1)
        np.testing.assert_allclose(arr, want, rtol=2e-6, atol=3e-7)
    else:
        np.testing.assert_array_equal(arr, want)


# Where kara knowingly differs from TensorFlow (strict xfail: the test
# fails once kara changes, so that the entry is removed).
KNOWN_DIFFERENCES = {}


def _cases():
    for profile in ("keras3", "keras2"):
        for case in _load(profile):
            marks = []
            if case["id"] in KNOWN_DIFFERENCES:
                reason = KNOWN_DIFFERENCES[case["id"]]
                marks = [pytest.mark.xfail(reason=reason, strict=True)]
            yield pytest.param(
                profile, case, id=f"{profile}-{case['id']}", marks=marks
            )


def test_golden_files_cover_the_facade():
    assert len(_load("keras3")) > 140
    codes = " ".join(case["code"] for case in _load("keras2"))
    # every TensorFlow name the four seeds use, and those of the issue
    for name in (
        "tf.constant(", "tf.Variable(", "tf.convert_to_tensor(",
        "tf.cast(", "tf.clip_by_value(", "tf.one_hot(", "tf.square(",
        "tf.reduce_sum(", "tf.reduce_mean(", "tf.reduce_max(",
        "tf.reduce_min(", "tf.math.log(", "tf.math.exp(",
        "tf.math.multiply(", "tf.math.add(", "tf.math.reduce_sum(",
        "tf.math.argmax(", "tf.nn.softmax(", "tf.nn.relu(",
        "tf.nn.sigmoid(", "tf.nn.log_softmax(",
        "tf.nn.sparse_softmax_cross_entropy_with_logits(",
        "tf.nn.sigmoid_cross_entropy_with_logits(", "grad(", "grad_watch(",
        "tf.float32", "tf.int32", "tf.keras.losses.Reduction.",
    ):  # fmt: skip
        assert name in codes, name


@pytest.mark.parametrize("profile, case", list(_cases()))
def test_case_matches_tensorflow(profile, case):
    where = f"{case['id']}: {case['code']}"
    with config.using_profile(profile):
        got = eval(case["code"], namespace())
        if "error" in case:
            pytest.fail(f"{where}: TensorFlow raised {case['error']}")
        assert_matches(got, case, where)


def test_the_files_agree_across_tensorflow_versions():
    # The TF ops are the same in TF 2.15 and 2.21 (up to the last float32
    # digit: 2.21's tanh differs by an ulp); only Reduction differs.
    keras3 = {c["id"]: c for c in _load("keras3")}
    keras2 = {c["id"]: c for c in _load("keras2")}
    assert set(keras2) - set(keras3) == {"keras_losses_reduction"}
    for key, case in keras3.items():
        other = keras2[key]
        assert other.get("dtype") == case.get("dtype"), key
        assert other.get("shape") == case.get("shape"), key
        if "value" in case:
            np.testing.assert_allclose(
                np.asarray(other["value"], dtype=float),
                np.asarray(case["value"], dtype=float),
                rtol=1e-6,
                err_msg=key,
            )
