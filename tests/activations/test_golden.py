"""Activations against real Keras: values and gradients from -1000 to 1000.

The golden files come from `tools/golden_activations.py` (Keras 3.15 and
tf.keras 2.15 on TensorFlow, gradients by `tf.GradientTape`). Every case
is compared at every grid point, kinks included, except the differences
listed in `KNOWN_DIFFERENCES`, each of which has its own test below.
"""

import json
import pathlib

import numpy as np
import pytest

import kara
from kara import activations
from kara import config

GOLDEN = pathlib.Path(__file__).parents[1] / "golden"
RTOL, ATOL = 1e-5, 2e-6  # float32, plus TF's own float32 rounding


def _load(generation):
    with open(GOLDEN / f"activations_{generation}.json") as f:
        return json.load(f)


KERAS3 = _load("keras3")
KERAS2 = _load("keras2")

# (name, x) -> why kara differs from TensorFlow there.
KNOWN_DIFFERENCES = {
    # TF differentiates max(x,0) + expm1(min(x,0)) and passes the gradient
    # through both max and min at the tie: 2. celu is smooth there: 1.
    ("celu", 0.0): "gradient 1 (true derivative), TF gives 2",
}


def _value_and_grad(fn, x, kwargs, upstream=None):
    t = kara.Tensor(np.array(x, dtype="float32"), requires_grad=True)
    y = fn(t, **kwargs)
    y.backward(np.ones(y.shape, "float32") if upstream is None else upstream)
    return y.numpy(), t.grad


def _case_id(case):
    args = ",".join(f"{k}={v}" for k, v in case["kwargs"].items())
    return f"{case['name']}({args})"


def _check_elementwise(golden, case):
    x = np.array(golden["x"], dtype="float32")
    y, dy = _value_and_grad(activations.get(case["name"]), x, case["kwargs"])
    assert y.dtype == np.float32 and dy.dtype == np.float32
    assert not np.isnan(y).any() and not np.isnan(dy).any()
    want_y = np.array(case["y"], dtype="float64")
    want_dy = np.array(case["dy"], dtype="float64")
    for i, xi in enumerate(golden["x"]):
        if (case["name"], xi) in KNOWN_DIFFERENCES:
            continue
        np.testing.assert_allclose(
            y[i],
            want_y[i],
            rtol=RTOL,
            atol=ATOL,
            err_msg=f"{_case_id(case)} value at x={xi}",
        )
        np.testing.assert_allclose(
            dy[i],
            want_dy[i],
            rtol=RTOL,
            atol=ATOL,
            err_msg=f"{_case_id(case)} gradient at x={xi}",
        )


# squareplus is compared with a float64 reference instead (see below).
K3_ELEMENTWISE = [c for c in KERAS3["elementwise"] if c["name"] != "squareplus"]


@pytest.mark.parametrize("case", K3_ELEMENTWISE, ids=_case_id)
def test_keras3_elementwise(case):
    with config.using_profile("keras3"):
        _check_elementwise(KERAS3, case)


@pytest.mark.parametrize("case", KERAS2["elementwise"], ids=_case_id)
def test_keras2_elementwise(case):
    with config.using_profile("keras2"):
        _check_elementwise(KERAS2, case)


def test_golden_files_cover_every_keras3_activation():
    covered = {c["name"] for c in KERAS3["elementwise"] + KERAS3["axis"]}
    assert covered == set(activations.ALL_OBJECTS_DICT)


def test_grid_spans_minus_to_plus_1000():
    assert min(KERAS3["x"]) == -1000.0 and max(KERAS3["x"]) == 1000.0


def _axis_cases(golden):
    return [c for c in golden["axis"] if c["name"] != "sparsemax"]


def _check_axis(golden, case):
    x = np.array(golden["axis_x"][: case["rows"]], dtype="float32")
    want_y = np.array(case["y"])
    w = np.array(golden["axis_w"], dtype="float32")
    w = w[tuple(slice(0, n) for n in want_y.shape)]
    y, dx = _value_and_grad(
        activations.get(case["name"]), x, case["kwargs"], upstream=w
    )
    assert y.dtype == np.float32 and dx.dtype == np.float32
    np.testing.assert_allclose(y, want_y, rtol=RTOL, atol=ATOL)
    np.testing.assert_allclose(dx, case["dx"], rtol=RTOL, atol=ATOL)


@pytest.mark.parametrize("case", _axis_cases(KERAS3), ids=_case_id)
def test_keras3_along_axis(case):
    with config.using_profile("keras3"):
        _check_axis(KERAS3, case)


@pytest.mark.parametrize("case", _axis_cases(KERAS2), ids=_case_id)
def test_keras2_along_axis(case):
    with config.using_profile("keras2"):
        _check_axis(KERAS2, case)


# ------------------------------------------------------- known differences
def test_celu_gradient_at_zero_is_the_true_derivative():
    case = next(c for c in KERAS3["elementwise"] if c["name"] == "celu")
    i = KERAS3["x"].index(0.0)
    assert case["dy"][i] == 2.0  # TF's tie artifact, still in the golden
    _, dy = _value_and_grad(activations.celu, [-1e-3, 0.0, 1e-3], {})
    np.testing.assert_allclose(dy, [np.exp(-1e-3), 1.0, 1.0], rtol=1e-6)


def _squareplus64(x, b):
    x = np.asarray(x, dtype="float64")
    r = np.sqrt(x * x + b)
    # exact in float64 on this grid (no cancellation at this precision)
    return np.where(x >= 0, (x + r) / 2, b / (2 * (r - x))), 0.5 * (1 + x / r)


@pytest.mark.parametrize("b", [4.0, 1.0])
def test_squareplus_matches_keras_and_is_exact_in_the_tail(b):
    case = next(
        c
        for c in KERAS3["elementwise"]
        if c["name"] == "squareplus" and c["kwargs"].get("b", 4) == b
    )
    x = np.array(KERAS3["x"], dtype="float32")
    y, dy = _value_and_grad(activations.squareplus, x, {"b": b})
    # Keras's x + sqrt(x^2 + b) cancels for x << 0 (0.001007 instead of
    # 0.001 at -1000): agree with it to 1e-5 absolute...
    np.testing.assert_allclose(y, case["y"], rtol=RTOL, atol=1e-5)
    np.testing.assert_allclose(dy, case["dy"], rtol=RTOL, atol=1e-5)
    # ... and with the float64 truth to float32 precision.
    want_y, want_dy = _squareplus64(x, b)
    np.testing.assert_allclose(y, want_y, rtol=1e-6, atol=0)
    np.testing.assert_allclose(dy, want_dy, rtol=1e-6, atol=1e-12)


def _sparsemax64(z):
    """Textbook sparsemax of one vector (Martins & Astudillo, 2016)."""
    z_sorted = np.sort(z)[::-1]
    k = np.arange(1, z.size + 1)
    cumsum = np.cumsum(z_sorted)
    size = k[1 + k * z_sorted > cumsum][-1]
    tau = (cumsum[size - 1] - 1) / size
    return np.maximum(z - tau, 0)


@pytest.mark.parametrize("axis", [-1, 0])
def test_sparsemax_is_true_sparsemax_and_matches_keras_where_keras_is_right(
    axis,
):
    case = next(
        c
        for c in KERAS3["axis"]
        if c["name"] == "sparsemax" and c["kwargs"].get("axis", -1) == axis
    )
    x = np.array(KERAS3["axis_x"], dtype="float32")
    w = np.array(KERAS3["axis_w"], dtype="float32")
    y, dx = _value_and_grad(activations.sparsemax, x, {"axis": axis}, w)
    want = np.apply_along_axis(_sparsemax64, axis, x.astype("float64"))
    np.testing.assert_allclose(y, want, rtol=1e-6, atol=1e-7)
    np.testing.assert_allclose(y.sum(axis=axis), 1.0, rtol=1e-6)
    # Keras 3.15 subtracts the sum of the partial sums instead of the k-th
    # partial sum: it is right only where a single entry stays positive.
    keras_y = np.array(case["y"])
    one_winner = (want > 0).sum(axis=axis) == 1
    assert one_winner.sum() >= 3 and (~one_winner).sum() >= 2
    assert not np.allclose(keras_y.sum(axis=axis)[~one_winner], 1.0)
    take = np.moveaxis(keras_y, axis, -1)[one_winner]
    np.testing.assert_allclose(np.moveaxis(y, axis, -1)[one_winner], take)
    # With one winner the output is locally constant (1 and 0s), so the
    # gradient is 0. TF agrees along the last axis; along axis 0 its sort
    # gradient sends +-1.5 to the wrong rows, so only values are compared.
    np.testing.assert_allclose(np.moveaxis(dx, axis, -1)[one_winner], 0.0)
    if axis == -1:
        np.testing.assert_allclose(
            dx[one_winner], np.array(case["dx"])[one_winner], atol=ATOL
        )
