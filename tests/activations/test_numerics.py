"""Dtypes and extreme inputs: float32 stays float32, nothing turns NaN."""

import math
import warnings

import numpy as np
import pytest

import kara
from kara import activations
from kara import config

NAMES = sorted(set(activations.ALL_OBJECTS_DICT) - {"linear"})
AXIS_NAMES = {"softmax", "log_softmax", "glu", "sparsemax"}
EXTREMES = [
    -1e30,
    -1e4,
    -1000.0,
    -88.8,
    -1.0,
    0.0,
    1.0,
    88.8,
    1000.0,
    1e4,
    1e30,
]


def _call(name, x):
    fn = activations.get(name)
    if name == "threshold":
        return fn(x, threshold=0.5, default_value=-1.0)
    return fn(x)


def _input(name, values):
    x = np.array(values, dtype="float32")
    if name in AXIS_NAMES:
        x = np.stack([x, x[::-1]])  # 2 rows of 11 -> glu needs even size
        x = np.concatenate([x, x[:, :1]], axis=1)
    return x


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_dtype_is_kept(name, dtype):
    x = _input(name, np.linspace(-3, 3, 11)).astype(dtype)
    t = kara.Tensor(x, requires_grad=True)
    y = _call(name, t)
    assert y.dtype == dtype
    y.backward(np.ones(y.shape, dtype))
    assert t.grad.dtype == dtype


@pytest.mark.parametrize("name", NAMES)
def test_lists_and_ints_become_float32(name):
    assert _call(name, _input(name, range(-5, 6)).tolist()).dtype == "float32"
    ints = _input(name, range(-5, 6)).astype("int32")
    assert _call(name, ints).dtype == "float32"


@pytest.mark.parametrize("name", sorted(set(NAMES) - {"exponential"}))
def test_finite_values_and_gradients_for_extreme_inputs(name):
    x = _input(name, EXTREMES)
    t = kara.Tensor(x, requires_grad=True)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no overflow / invalid warnings
        y = _call(name, t)
        y.backward(np.ones(y.shape, "float32"))
    assert np.isfinite(y.numpy()).all(), y.numpy()
    assert np.isfinite(t.grad).all(), t.grad


def test_exponential_overflows_to_inf_as_keras_does():
    with np.errstate(over="ignore"):
        y = activations.exponential(np.array([1000.0, -1000.0], "float32"))
    assert y.numpy()[0] == np.inf and y.numpy()[1] == 0.0


def test_linear_returns_its_input_unchanged():
    x = kara.Tensor(np.ones(3, "float32"))
    assert activations.linear(x) is x
    assert activations.get(None) is activations.linear


@pytest.mark.parametrize("name", ["softmax", "sigmoid"])
def test_probability_outputs_remember_their_logits(name):
    x = kara.Tensor(np.array([[1.0, -2.0]], "float32"))
    y = activations.get(name)(x)
    assert y._keras_logits is x


# --------------------------------------------- Keras's own test values (§9)
X = [-10.0, -5.0, 0.0, 5.0, 10.0]


@pytest.mark.parametrize(
    "kwargs, expected",
    [
        ({"negative_slope": 0.5}, [-5.0, -2.5, 0.0, 5.0, 10.0]),
        ({"max_value": 5.0}, [0.0, 0.0, 0.0, 5.0, 5.0]),
        ({"threshold": 5.0}, [0.0, 0.0, 0.0, 0.0, 10.0]),
        ({"threshold": 5.0, "max_value": 5.0}, [0.0, 0.0, 0.0, 0.0, 5.0]),
        (
            {"negative_slope": 0.5, "max_value": 5.0, "threshold": 5.0},
            [-7.5, -5.0, -2.5, 0.0, 5.0],
        ),
    ],
)
def test_keras_relu_cases(kwargs, expected):
    np.testing.assert_allclose(activations.relu(X, **kwargs).numpy(), expected)


def test_keras_relu_max_value_six():
    x = [-10.0, -5.0, 0.0, 5.0, 10.0, 12.0]
    np.testing.assert_allclose(
        activations.relu(x, max_value=6.0).numpy(),
        [0.0, 0.0, 0.0, 5.0, 6.0, 6.0],
    )


def test_relu_accepts_tf_keras_2_alpha():
    np.testing.assert_allclose(
        activations.relu(X, alpha=0.5).numpy(), [-5.0, -2.5, 0.0, 5.0, 10.0]
    )
    with pytest.raises(ValueError, match="not both"):
        activations.relu(X, negative_slope=0.1, alpha=0.5)


def test_keras_selu_cases():
    scale, alpha = 1.0507009873554805, 1.6732632423543772
    np.testing.assert_allclose(
        activations.selu([[1.0, 2.0]]).numpy(), [[scale, 2 * scale]], rtol=1e-6
    )
    np.testing.assert_allclose(
        activations.selu([[-1.0, -2.0]]).numpy(),
        (np.exp([[-1.0, -2.0]]) - 1) * scale * alpha,
        rtol=1e-6,
    )


def test_hard_sigmoid_follows_the_profile():
    x = [-4.0, -2.75, 1.5, 2.75, 4.0]
    with config.using_profile("keras3"):
        y = activations.hard_sigmoid(x).numpy()
    np.testing.assert_allclose(
        y,
        [0.0, 1 / 24, 0.75, 23 / 24, 1.0],
        rtol=1e-6,
    )
    with config.using_profile("keras2"):
        np.testing.assert_allclose(
            activations.hard_sigmoid(x).numpy(),
            [0.0, 0.0, 0.8, 1.0, 1.0],
            rtol=1e-6,
        )
    # hard_silu is Keras 3's x * relu6(x + 3) / 6 in both profiles
    with config.using_profile("keras2"):
        np.testing.assert_allclose(
            activations.hard_silu([1.5]).numpy(), [1.125], rtol=1e-6
        )


# ------------------------------------------------------------ bad input
def test_glu_needs_an_even_axis():
    with pytest.raises(ValueError, match=r"divisible by 2.*shape=\(2, 3\)"):
        activations.glu(np.ones((2, 3), "float32"))


def test_bad_parameters_are_named():
    with pytest.raises(ValueError, match="alpha.*positive.*alpha=0"):
        activations.celu([1.0], alpha=0)
    with pytest.raises(ValueError, match="b.*non-negative.*b=-1"):
        activations.squareplus([1.0], b=-1)
    with pytest.raises(ValueError, match="at least one axis"):
        activations.sparsemax(1.0)
    with pytest.raises(ValueError, match="axis 2 is out of range"):
        activations.softmax(np.ones((2, 2), "float32"), axis=2)


def test_gelu_keeps_its_negative_tail():
    # erfc, not 1 + erf: Phi(-12) = 1.8e-33 must not cancel to 0
    x = np.array([-12.0, -8.0, -5.0, -1.0, 0.5, 3.0], "float32")
    want = [v * 0.5 * math.erfc(-v / math.sqrt(2)) for v in x.tolist()]
    np.testing.assert_allclose(activations.gelu(x).numpy(), want, rtol=3e-7)


def test_gelu_approximate_keeps_its_negative_tail():
    # 0.5 x (1 + tanh(u)) computed as x * sigmoid(2u): no cancellation
    x = np.array([-8.0, -5.0, -1.0, 2.0], "float64")
    u = math.sqrt(2 / math.pi) * (x + 0.044715 * x**3)
    want = x / (1 + np.exp(-2 * u))
    got = activations.gelu(x.astype("float32"), approximate=True).numpy()
    np.testing.assert_allclose(got, want, rtol=1e-6)
