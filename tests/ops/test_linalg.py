"""Tests of kara.ops.linalg: matmul (1-D, 2-D, batched, broadcast batch
axes), dot and tensordot, forward against NumPy and gradient checks."""

import numpy as np
import pytest

from kara import ops
from kara.testing import assert_allclose
from kara.testing import check_grad

from ._helpers import DTYPES

MATMUL_SHAPES = [
    ((2, 3), (3, 4)),
    ((1, 3), (3, 1)),
    ((3,), (3, 4)),
    ((2, 3), (3,)),
    ((3,), (3,)),
    ((5, 2, 3), (3, 4)),
    ((2, 3), (5, 3, 4)),
    ((5, 2, 3), (5, 3, 4)),
    ((2, 1, 2, 3), (4, 3, 2)),
    ((1, 2, 3), (4, 3, 2)),
    ((3,), (5, 3, 4)),
    ((5, 2, 3), (3,)),
]


def _rtol(dtype):
    return {"rtol": 1e-5, "atol": 1e-6} if dtype == "float32" else {}


@pytest.mark.parametrize("sa,sb", MATMUL_SHAPES)
@pytest.mark.parametrize("dtype", DTYPES)
def test_matmul_forward(sa, sb, dtype, rng):
    a = rng.standard_normal(sa).astype(dtype)
    b = rng.standard_normal(sb).astype(dtype)
    y = ops.matmul(a, b)
    expected = np.matmul(a.astype("float64"), b.astype("float64"))
    assert y.shape == expected.shape
    assert_allclose(y, expected, dtype=dtype, **_rtol(dtype))


@pytest.mark.parametrize("sa,sb", MATMUL_SHAPES)
def test_matmul_backward(sa, sb, rng):
    check_grad(ops.matmul, rng.standard_normal(sa), rng.standard_normal(sb))


def test_matmul_operator_both_sides(rng):
    from kara import Tensor

    a = rng.standard_normal((2, 3)).astype("float32")
    b = rng.standard_normal((3, 2)).astype("float32")
    assert_allclose(Tensor(a) @ b, a @ b, dtype="float32")
    assert_allclose(a @ Tensor(b), a @ b, dtype="float32")


def test_matmul_integers_stay_integers():
    a = np.array([[1, 2]], "int32")
    y = ops.matmul(a, np.array([[3], [4]], "int32"))
    assert y.dtype == np.int32
    assert int(y.numpy()[0, 0]) == 11


def test_matmul_int_and_float_gives_float32():
    y = ops.matmul(np.ones((2, 2), "int32"), np.ones((2, 2), "float32"))
    assert y.dtype == np.float32


DOT_SHAPES = [
    ((3,), (3,)),
    ((2, 3), (3, 4)),
    ((2, 3), (3,)),
    ((), (2, 3)),
    ((2, 3), ()),
    ((2, 2, 3), (3,)),
    ((2, 2, 3), (4, 3, 2)),
    ((2, 3), (4, 3, 2)),
]


@pytest.mark.parametrize("sa,sb", DOT_SHAPES)
@pytest.mark.parametrize("dtype", DTYPES)
def test_dot_forward(sa, sb, dtype, rng):
    a = rng.standard_normal(sa).astype(dtype)
    b = rng.standard_normal(sb).astype(dtype)
    expected = np.dot(a.astype("float64"), b.astype("float64"))
    y = ops.dot(a, b)
    assert y.shape == np.shape(expected)
    assert_allclose(y, expected, dtype=dtype, **_rtol(dtype))


@pytest.mark.parametrize("sa,sb", DOT_SHAPES)
def test_dot_backward(sa, sb, rng):
    check_grad(ops.dot, rng.standard_normal(sa), rng.standard_normal(sb))


TENSORDOT_CASES = [
    ((2, 3, 4), (3, 4, 5), 2),
    ((2, 3), (3, 4), 1),
    ((2, 3), (4, 5), 0),
    ((2, 3, 4), (4, 2, 5), ([0, 2], [1, 0])),
    ((3, 2), (2, 3), (0, 1)),
    ((2, 3, 4), (5, 4), (-1, -1)),
]


@pytest.mark.parametrize("sa,sb,axes", TENSORDOT_CASES)
@pytest.mark.parametrize("dtype", DTYPES)
def test_tensordot_forward(sa, sb, axes, dtype, rng):
    a = rng.standard_normal(sa).astype(dtype)
    b = rng.standard_normal(sb).astype(dtype)
    expected = np.tensordot(a.astype("float64"), b.astype("float64"), axes)
    assert_allclose(
        ops.tensordot(a, b, axes), expected, dtype=dtype, **_rtol(dtype)
    )


@pytest.mark.parametrize("sa,sb,axes", TENSORDOT_CASES)
def test_tensordot_backward(sa, sb, axes, rng):
    check_grad(
        lambda x, y: ops.tensordot(x, y, axes),
        rng.standard_normal(sa),
        rng.standard_normal(sb),
    )


def test_matmul_shape_error_names_both_shapes():
    with pytest.raises(
        ValueError,
        match=r"matmul: cannot multiply x1 of shape \(2, 3\) by x2 of shape "
        r"\(4, 5\): the last axis of x1 \(3\) must equal the second-to-last "
        r"axis of x2 \(4\)",
    ):
        ops.matmul(np.ones((2, 3)), np.ones((4, 5)))


def test_matmul_vector_error_and_scalar_error():
    with pytest.raises(ValueError, match=r"the first axis of x2 \(4\)"):
        ops.matmul(np.ones((2, 3)), np.ones(4))
    with pytest.raises(ValueError, match=r"matmul: inputs must have at least"):
        ops.matmul(np.ones(3), 2.0)


def test_matmul_batch_error_names_shapes():
    with pytest.raises(ValueError, match=r"\(2, 2, 3\).*\(3, 3, 4\)"):
        ops.matmul(np.ones((2, 2, 3)), np.ones((3, 3, 4)))


def test_tensordot_error_names_axes_and_shapes():
    with pytest.raises(
        ValueError, match=r"tensordot: axis 1 of x1 \(size 3\) does not match"
    ):
        ops.tensordot(np.ones((2, 3)), np.ones((4, 5)), 1)
