"""Every activation's backward against float64 finite differences.

Inputs are drawn away from each function's kinks (where the derivative
jumps and finite differences are meaningless); the kinks themselves are
pinned by the golden tests against TensorFlow.
"""

import functools

import numpy as np
import pytest

from kara import activations
from kara import config
from kara.testing import check_grad

# (name, kwargs, kinks): kinks are the x where the derivative jumps.
ELEMENTWISE = [
    ("relu", {}, [0]),
    (
        "relu",
        {"negative_slope": 0.5, "max_value": 5.0, "threshold": 2.0},
        [2, 5],
    ),
    ("relu", {"max_value": 6.0}, [0, 6]),
    ("relu", {"threshold": -1.0}, [-1, 0]),
    ("leaky_relu", {}, [0]),
    ("relu6", {}, [0, 6]),
    ("sigmoid", {}, []),
    ("softplus", {}, []),
    ("softsign", {}, [0]),
    ("tanh", {}, []),
    ("selu", {}, [0]),
    ("elu", {}, []),
    ("elu", {"alpha": 0.5}, [0]),
    ("exponential", {}, []),
    ("hard_sigmoid", {}, [-3, 3]),
    ("hard_silu", {}, [-3, 3]),
    ("linear", {}, []),
    ("gelu", {}, []),
    ("gelu", {"approximate": True}, []),
    ("silu", {}, []),
    ("mish", {}, []),
    ("celu", {"alpha": 0.5}, []),
    ("log_sigmoid", {}, []),
    ("hard_tanh", {}, [-1, 1]),
    ("hard_shrink", {}, [-0.5, 0.5]),
    ("soft_shrink", {"threshold": 1.0}, [-1, 1]),
    ("tanh_shrink", {}, []),
    ("squareplus", {}, []),
    ("squareplus", {"b": 0.5}, []),
    ("sparse_plus", {}, [-1]),
    ("sparse_sigmoid", {}, [-1, 1]),
    ("threshold", {"threshold": 0.5, "default_value": -2.0}, [0.5]),
]


def _away_from(x, kinks, gap=0.05):
    for k in kinks:
        near = np.abs(x - k) < gap
        x[near] = k + np.where(x[near] >= k, 2 * gap, -2 * gap)
    return x


def _case_id(case):
    name, kwargs = case[0], case[1]
    return name + "".join(f"-{k}={v}" for k, v in kwargs.items())


@pytest.mark.parametrize("case", ELEMENTWISE, ids=_case_id)
@pytest.mark.parametrize("scale", [1.0, 8.0])
def test_elementwise_backward(case, scale, rng):
    name, kwargs, kinks = case
    x = _away_from(rng.normal(0, scale, (3, 5)), kinks)
    if name == "exponential":  # keep exp(x) small: finite differences of
        x = np.clip(x, -5, 5)  # a huge sum lose all their digits
    fn = functools.partial(activations.get(name), **kwargs)
    if name == "linear":  # linear returns its input: differentiate x + 0
        fn = functools.partial(lambda t: activations.linear(t) + 0.0)
    with config.using_profile("keras3"):  # the kinks listed are Keras 3's
        check_grad(fn, x)


def test_keras2_hard_sigmoid_backward(rng):
    x = _away_from(rng.normal(0, 3, (4, 5)), [-2.5, 2.5])
    with config.using_profile("keras2"):
        check_grad(activations.hard_sigmoid, x)


@pytest.mark.parametrize("name", ["softmax", "log_softmax", "glu"])
@pytest.mark.parametrize("axis", [-1, 0])
def test_axis_backward(name, axis, rng):
    x = rng.normal(0, 2, (4, 6))
    check_grad(functools.partial(activations.get(name), axis=axis), x)


def test_softmax_over_a_tuple_of_axes(rng):
    x = rng.normal(0, 2, (2, 3, 4))
    y = activations.softmax(x.astype("float32"), axis=(1, 2)).numpy()
    np.testing.assert_allclose(y.sum(axis=(1, 2)), 1.0, rtol=1e-6)
    check_grad(functools.partial(activations.softmax, axis=(1, 2)), x)


@pytest.mark.parametrize("axis", [-1, 0, 1])
def test_sparsemax_backward(axis, rng):
    # Spread values so no entry sits on the support's edge (tau).
    x = rng.permuted(np.linspace(-1.5, 1.5, 24)).reshape(2, 3, 4)
    check_grad(functools.partial(activations.sparsemax, axis=axis), x)
    y = activations.sparsemax(x.astype("float32"), axis=axis).numpy()
    assert (y > 0).sum() > y.size // 4  # several entries share the mass


def test_large_input_uses_directional_check(rng):
    # 300 elements: check_grad compares a random directional derivative.
    x = rng.normal(0, 3, (300,))
    check_grad(activations.gelu, x)
    check_grad(activations.mish, x)
