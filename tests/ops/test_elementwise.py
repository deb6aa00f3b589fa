"""Tests of kara.ops.elementwise: forward against NumPy, gradient checks,
the broadcast matrix of every binary op, comparisons, where and clip."""

import numpy as np
import pytest

from kara import Tensor
from kara import ops
from kara.testing import assert_allclose
from kara.testing import check_grad

from ._helpers import BROADCAST_PAIRS
from ._helpers import DTYPES
from ._helpers import SHAPES
from ._helpers import away_from
from ._helpers import positive
from ._helpers import signed
from ._helpers import tol
from ._helpers import uniform
from ._helpers import untied_pair

# ------------------------------------------------------------- unary ops
# name -> (kara op, NumPy reference, sampler of valid, kink-free inputs)
UNARY = {
    "negative": (ops.negative, np.negative, uniform),
    "square": (ops.square, np.square, uniform),
    "sqrt": (ops.sqrt, np.sqrt, positive),
    "exp": (ops.exp, np.exp, uniform),
    "expm1": (ops.expm1, np.expm1, uniform),
    "log": (ops.log, np.log, positive),
    "log1p": (ops.log1p, np.log1p, lambda r, s: uniform(r, s, -0.5, 2.0)),
    "abs": (ops.abs, np.abs, signed),
    "absolute": (ops.absolute, np.abs, signed),
    "reciprocal": (ops.reciprocal, np.reciprocal, signed),
    # piecewise constant: value checked, gradient zero
    "sign": (ops.sign, np.sign, signed),
    "round": (
        ops.round,
        np.round,
        lambda r, s: away_from(r, s, (-1.5, -0.5, 0.5, 1.5)),
    ),
}


@pytest.mark.parametrize("name", sorted(UNARY))
@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize("dtype", DTYPES)
def test_unary_forward(name, shape, dtype, rng):
    op, reference, sample = UNARY[name]
    x = sample(rng, shape).astype(dtype)
    y = op(x)
    assert y.shape == shape
    assert_allclose(
        y, reference(x.astype("float64")), dtype=dtype, **tol(dtype)
    )


@pytest.mark.parametrize("name", sorted(UNARY))
@pytest.mark.parametrize("shape", [(), (2, 3), (1, 3, 1)])
def test_unary_backward(name, shape, rng):
    op, _, sample = UNARY[name]
    check_grad(op, sample(rng, shape))


@pytest.mark.parametrize("op", [ops.sign, ops.round])
def test_piecewise_constant_ops_have_zero_gradient(op):
    x = Tensor(np.array([-1.2, 0.3, 2.7]), requires_grad=True)
    op(x).backward(np.array([1.0, 2.0, 3.0]))
    np.testing.assert_array_equal(x.grad, np.zeros(3))


def test_round_decimals():
    x = np.array([1.2345, -2.5678])
    assert_allclose(ops.round(x, decimals=2), [1.23, -2.57], rtol=0)


def test_abs_gradient_is_zero_at_zero():
    x = Tensor(np.array([-2.0, 0.0, 3.0]), requires_grad=True)
    ops.abs(x).backward(np.ones(3))
    np.testing.assert_array_equal(x.grad, [-1.0, 0.0, 1.0])


def test_unary_ops_on_integers_give_floatx():
    x = np.array([1, 2, 4], dtype="int32")
    for op in (ops.sqrt, ops.exp, ops.log, ops.log1p, ops.expm1):
        assert op(x).dtype == np.float32, op.__name__
    # closed over the integers: stay integer, as in Keras
    assert ops.square(x).dtype == np.int32
    assert ops.abs(x).dtype == np.int32
    assert ops.negative(x).dtype == np.int32


# ------------------------------------------------------------ binary ops
def _pair(rng, sa, sb, kind):
    if kind == "untied":
        return untied_pair(rng, sa, sb)
    if kind == "divide":
        return uniform(rng, sa), signed(rng, sb, 0.5, 2.0)
    if kind == "power":
        return positive(rng, sa), uniform(rng, sb, -1.5, 1.5)
    return uniform(rng, sa), uniform(rng, sb)


# name -> (kara op, NumPy reference, input kind)
BINARY = {
    "add": (ops.add, np.add, "any"),
    "subtract": (ops.subtract, np.subtract, "any"),
    "multiply": (ops.multiply, np.multiply, "any"),
    "divide": (ops.divide, np.divide, "divide"),
    "true_divide": (ops.true_divide, np.divide, "divide"),
    "divide_no_nan": (ops.divide_no_nan, np.divide, "divide"),
    "power": (ops.power, np.power, "power"),
    "maximum": (ops.maximum, np.maximum, "untied"),
    "minimum": (ops.minimum, np.minimum, "untied"),
}


@pytest.mark.parametrize("name", sorted(BINARY))
@pytest.mark.parametrize("sa,sb", BROADCAST_PAIRS)
@pytest.mark.parametrize("dtype", DTYPES)
def test_binary_forward_broadcast(name, sa, sb, dtype, rng):
    op, reference, kind = BINARY[name]
    a, b = _pair(rng, sa, sb, kind)
    a, b = a.astype(dtype), b.astype(dtype)
    y = op(a, b)
    expected = reference(a.astype("float64"), b.astype("float64"))
    assert y.shape == expected.shape
    assert_allclose(y, expected, dtype=dtype, **tol(dtype))


@pytest.mark.parametrize("name", sorted(BINARY))
@pytest.mark.parametrize("sa,sb", BROADCAST_PAIRS)
def test_binary_backward_broadcast(name, sa, sb, rng):
    op, _, kind = BINARY[name]
    check_grad(op, *_pair(rng, sa, sb, kind))


@pytest.mark.parametrize("name", sorted(BINARY))
def test_binary_with_python_scalar(name, rng):
    op, reference, kind = BINARY[name]
    a, _ = _pair(rng, (2, 3), (), kind)
    a = a.astype("float32")
    s = 1.5 if kind != "untied" else 0.125
    assert_allclose(op(a, s), reference(a, np.float32(s)), dtype="float32")
    assert_allclose(op(s, a), reference(np.float32(s), a), dtype="float32")
    # the scalar may stand on either side of a differentiated array
    check_grad(lambda x: op(x, s), a.astype("float64"))
    check_grad(lambda x: op(s, x), a.astype("float64"))


def test_maximum_minimum_ties_send_gradient_to_first_argument():
    a = Tensor(np.array([1.0, 2.0, 3.0]), requires_grad=True)
    b = Tensor(np.array([1.0, 5.0, 0.0]), requires_grad=True)
    ops.maximum(a, b).backward(np.ones(3))
    np.testing.assert_array_equal(a.grad, [1.0, 0.0, 1.0])
    np.testing.assert_array_equal(b.grad, [0.0, 1.0, 0.0])
    a.grad = b.grad = None
    ops.minimum(a, b).backward(np.ones(3))
    np.testing.assert_array_equal(a.grad, [1.0, 1.0, 0.0])
    np.testing.assert_array_equal(b.grad, [0.0, 0.0, 1.0])


def test_divide_integers_gives_floatx():
    y = ops.divide(np.array([1, 2], "int32"), np.array([2, 4], "int32"))
    assert_allclose(y, [0.5, 0.5], dtype="float32")


def test_divide_no_nan_is_zero_where_the_divisor_is():
    x = Tensor(np.array([1.0, 2.0, 3.0]), requires_grad=True)
    d = Tensor(np.array([2.0, 0.0, -1.0]), requires_grad=True)
    y = ops.divide_no_nan(x, d)
    np.testing.assert_array_equal(y.numpy(), [0.5, 0.0, -3.0])
    y.backward(np.ones(3))
    np.testing.assert_allclose(x.grad, [0.5, 0.0, -1.0])
    np.testing.assert_allclose(d.grad, [-0.25, 0.0, -3.0])
    assert np.all(np.isfinite(d.grad))


def test_power_gradient_with_respect_to_exponent_of_nonpositive_base():
    # d a^b / db = a^b log a, taken as 0 where a <= 0 (log undefined)
    a = Tensor(np.array([0.0, -2.0, 2.0]), requires_grad=True)
    b = Tensor(np.array([2.0, 2.0, 3.0]), requires_grad=True)
    ops.power(a, b).backward(np.ones(3))
    np.testing.assert_allclose(b.grad, [0.0, 0.0, 8 * np.log(2)])
    np.testing.assert_allclose(a.grad, [0.0, -4.0, 12.0])


@pytest.mark.parametrize(
    "op,reference",
    [(ops.floor_divide, np.floor_divide), (ops.mod, np.mod)],
)
@pytest.mark.parametrize("dtype", ["int32", "float32", "float64"])
def test_floor_divide_and_mod(op, reference, dtype, rng):
    a = (rng.uniform(-10, 10, (3, 4))).astype(dtype)
    b = signed(rng, (4,), 1.0, 3.0).astype(dtype)
    y = op(a, b)
    assert y.dtype == np.dtype(dtype)
    np.testing.assert_allclose(y.numpy(), reference(a, b), rtol=1e-6)
    assert y.creator is None  # not differentiable: no graph


# ----------------------------------------------------------- comparisons
COMPARISONS = {
    "equal": (ops.equal, np.equal),
    "not_equal": (ops.not_equal, np.not_equal),
    "less": (ops.less, np.less),
    "less_equal": (ops.less_equal, np.less_equal),
    "greater": (ops.greater, np.greater),
    "greater_equal": (ops.greater_equal, np.greater_equal),
}


@pytest.mark.parametrize("name", sorted(COMPARISONS))
@pytest.mark.parametrize("sa,sb", BROADCAST_PAIRS)
def test_comparisons(name, sa, sb, rng):
    op, reference = COMPARISONS[name]
    # small integers, so that equality actually happens
    a = rng.integers(0, 3, sa).astype("float32")
    b = rng.integers(0, 3, sb).astype("float32")
    y = op(a, b)
    assert y.dtype == np.bool_
    np.testing.assert_array_equal(y.numpy(), reference(a, b))
    assert y.creator is None


def test_comparison_with_python_scalar_and_mixed_dtypes():
    a = np.array([1, 2, 3], "int32")
    np.testing.assert_array_equal(ops.less(a, 2.5).numpy(), [1, 1, 0])
    np.testing.assert_array_equal(ops.equal(2, a).numpy(), [0, 1, 0])
    b = np.array([1.0, 2.5, 3.0], "float32")
    np.testing.assert_array_equal(ops.equal(a, b).numpy(), [1, 0, 1])


@pytest.mark.parametrize(
    "op,reference",
    [(ops.logical_and, np.logical_and), (ops.logical_or, np.logical_or)],
)
def test_logical_binary(op, reference):
    a = np.array([[True, False], [True, True]])
    b = np.array([False, True])
    np.testing.assert_array_equal(op(a, b).numpy(), reference(a, b))


def test_logical_not():
    a = np.array([True, False])
    np.testing.assert_array_equal(ops.logical_not(a).numpy(), [False, True])
    np.testing.assert_array_equal(
        ops.logical_not(np.array([0.0, 2.0])).numpy(), [True, False]
    )


# ------------------------------------------------------------------ where
@pytest.mark.parametrize(
    "sc,sa,sb",
    [
        ((3, 4), (3, 4), (3, 4)),
        ((3, 4), (4,), ()),
        ((3, 1), (1, 4), (3, 4)),
        ((), (2, 3), (2, 3)),
    ],
)
@pytest.mark.parametrize("dtype", DTYPES)
def test_where_forward(sc, sa, sb, dtype, rng):
    c = rng.random(sc) < 0.5
    a = uniform(rng, sa).astype(dtype)
    b = uniform(rng, sb).astype(dtype)
    assert_allclose(ops.where(c, a, b), np.where(c, a, b), dtype=dtype)


@pytest.mark.parametrize(
    "sc,sa,sb",
    [((3, 4), (3, 4), (3, 4)), ((3, 4), (4,), ()), ((3, 1), (1, 4), (3, 4))],
)
def test_where_backward(sc, sa, sb, rng):
    c = rng.random(sc) < 0.5
    a, b = uniform(rng, sa), uniform(rng, sb)
    check_grad(lambda x1, x2: ops.where(c, x1, x2), a, b)


def test_where_condition_as_tensor_and_scalar_branches():
    x = np.array([-1.0, 2.0, -3.0], "float32")
    y = ops.where(Tensor(x > 0), x, 0.0)
    assert_allclose(y, [0.0, 2.0, 0.0], dtype="float32")


def test_where_with_condition_only_returns_indices():
    idx = ops.where(np.array([[True, False], [False, True]]))
    assert len(idx) == 2
    np.testing.assert_array_equal(idx[0].numpy(), [0, 1])
    np.testing.assert_array_equal(idx[1].numpy(), [0, 1])


# ------------------------------------------------------------------- clip
@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize("dtype", DTYPES)
def test_clip_forward(shape, dtype, rng):
    x = uniform(rng, shape).astype(dtype)
    assert_allclose(ops.clip(x, -0.5, 1.0), np.clip(x, -0.5, 1.0), dtype=dtype)


def test_clip_backward_away_from_bounds(rng):
    x = away_from(rng, (3, 5), kinks=(-0.5, 1.0))
    check_grad(lambda t: ops.clip(t, -0.5, 1.0), x)


def test_clip_gradient_is_zero_outside_the_bounds():
    x = Tensor(np.array([-2.0, 0.5, 3.0]), requires_grad=True)
    ops.clip(x, 0.0, 1.0).backward(np.array([1.0, 2.0, 3.0]))
    np.testing.assert_array_equal(x.grad, [0.0, 2.0, 0.0])


def test_clip_keeps_integer_dtype():
    y = ops.clip(np.array([-3, 0, 7], "int32"), 0, 5)
    assert y.dtype == np.int32
    np.testing.assert_array_equal(y.numpy(), [0, 0, 5])
