"""Tests of kara.ops.core: conversion, cast, constructors, stop_gradient and
Keras's dtype promotion rules (ints meet floats without widening; Python
numbers are weak)."""

import numpy as np
import pytest

from kara import Tensor
from kara import Variable
from kara import config
from kara import ops
from kara.testing import assert_allclose
from kara.testing import check_grad


def test_convert_to_tensor_dtypes():
    assert ops.convert_to_tensor([1.0, 2.0]).dtype == np.float32
    assert ops.convert_to_tensor([1, 2]).dtype == np.int32
    assert ops.convert_to_tensor(3.0).dtype == np.float32
    assert ops.convert_to_tensor([True]).dtype == np.bool_
    # NumPy arrays keep their dtype
    assert ops.convert_to_tensor(np.zeros(2)).dtype == np.float64
    assert ops.convert_to_tensor(np.zeros(2, "int64")).dtype == np.int64
    assert ops.convert_to_tensor([1, 2], dtype="float64").dtype == np.float64


def test_convert_to_tensor_returns_tensors_as_they_are():
    t = Tensor(np.zeros(2, "float32"))
    assert ops.convert_to_tensor(t) is t
    assert ops.convert_to_tensor(t, dtype="float64").dtype == np.float64


def test_convert_to_tensor_follows_floatx():
    config.set_floatx("float64")
    try:
        assert ops.convert_to_tensor([1.0]).dtype == np.float64
        assert ops.zeros((2,)).dtype == np.float64
    finally:
        config.set_floatx("float32")


def test_convert_to_numpy():
    a = ops.convert_to_numpy(Tensor(np.arange(3.0)))
    assert isinstance(a, np.ndarray)
    np.testing.assert_array_equal(a, [0, 1, 2])
    assert ops.convert_to_numpy([1.0]).dtype == np.float32


def test_is_tensor_shape_ndim_size_dtype():
    t = Tensor(np.zeros((2, 3), "float32"))
    assert ops.is_tensor(t) and ops.is_tensor(Variable([1.0]))
    assert not ops.is_tensor(np.zeros(2))
    assert ops.shape(t) == (2, 3) and ops.shape(np.zeros(4)) == (4,)
    assert ops.ndim(t) == 2 and ops.size(t) == 6
    assert ops.dtype(t) == "float32"
    assert ops.dtype([1, 2]) == "int32"


# ------------------------------------------------------------------ cast
@pytest.mark.parametrize(
    "src,dst",
    [
        ("float32", "float64"),
        ("float64", "float32"),
        ("int32", "float32"),
        ("float32", "int32"),
        ("bool", "float32"),
        ("float32", "float16"),
    ],
)
def test_cast_forward(src, dst):
    x = np.array([0.0, 1.0, 2.75, -3.5]).astype(src)
    y = ops.cast(x, dst)
    assert y.dtype == np.dtype(dst)
    np.testing.assert_array_equal(y.numpy(), x.astype(dst))


def test_cast_accepts_python_types_and_returns_same_tensor_if_no_change():
    t = Tensor(np.zeros(2, "float32"))
    assert ops.cast(t, "float32") is t
    assert ops.cast(t, float).dtype == np.float32  # float -> floatx
    assert ops.cast(t, int).dtype == np.int32


def test_cast_gradient_between_floats(rng):
    # through float32 and back: a large step keeps float32 rounding small
    check_grad(
        lambda x: ops.cast(ops.cast(x, "float32") * 2.0, "float64"),
        rng.standard_normal(3),
        eps=1e-2,
        rtol=1e-4,
        atol=1e-5,
    )
    x = Tensor(np.ones(3, "float32"), requires_grad=True)
    ops.cast(x, "float64").backward(np.ones(3))
    assert x.grad.dtype == np.float32


def test_cast_to_int_stops_the_gradient():
    x = Tensor(np.array([1.5, 2.5]), requires_grad=True)
    y = ops.cast(ops.cast(x, "int32"), "float64") * x
    y.backward(np.ones(2))
    # only the direct path: d (c * x)/dx = c, with c = int(x) a constant
    np.testing.assert_array_equal(x.grad, [1.0, 2.0])


def test_cast_rejects_bad_dtype():
    with pytest.raises(ValueError, match=r"Invalid dtype: 'floaty'"):
        ops.cast([1.0], "floaty")


def test_stop_gradient():
    x = Tensor(np.array([1.0, 2.0]), requires_grad=True)
    y = ops.stop_gradient(x * 3) * x
    y.backward(np.ones(2))
    np.testing.assert_array_equal(x.grad, [3.0, 6.0])  # not 2 * 3x
    assert ops.stop_gradient(x).creator is None


# ---------------------------------------------------------- constructors
def test_constructors_default_to_floatx():
    for t in (
        ops.zeros((2, 3)),
        ops.ones((2,)),
        ops.full((2,), 7.0),
        ops.eye(3),
        ops.arange(0.0, 1.0, 0.25),
    ):
        assert t.dtype == np.float32
    np.testing.assert_array_equal(ops.full((2,), 7).numpy(), [7.0, 7.0])
    np.testing.assert_array_equal(ops.eye(2, 3, k=1).numpy(), np.eye(2, 3, 1))


def test_constructors_with_dtype():
    assert ops.zeros((2,), dtype="int32").dtype == np.int32
    assert ops.ones((2,), dtype="float64").dtype == np.float64
    assert ops.eye(2, dtype="int32").dtype == np.int32


def test_like_constructors_keep_shape_and_dtype():
    x = np.zeros((2, 3), "float64")
    for t in (ops.zeros_like(x), ops.ones_like(x), ops.full_like(x, 3.0)):
        assert t.shape == (2, 3) and t.dtype == np.float64
    assert ops.ones_like(x, dtype="float32").dtype == np.float32
    np.testing.assert_array_equal(
        ops.full_like(x, 3.0).numpy(), np.full((2, 3), 3.0)
    )


def test_arange():
    np.testing.assert_array_equal(ops.arange(4).numpy(), [0, 1, 2, 3])
    assert ops.arange(4).dtype == np.int32
    np.testing.assert_array_equal(ops.arange(1, 7, 2).numpy(), [1, 3, 5])
    assert_allclose(ops.arange(0.5, 2.0), [0.5, 1.5], dtype="float32")


# -------------------------------------------------------- dtype promotion
@pytest.mark.parametrize(
    "a,b,expected",
    [
        ("int32", "float32", "float32"),
        ("int64", "float32", "float32"),
        ("bool", "float32", "float32"),
        ("int8", "int32", "int32"),
        ("float16", "float32", "float32"),
        ("float32", "float64", "float64"),
        ("uint8", "float32", "float32"),
    ],
)
def test_binary_dtype_promotion(a, b, expected):
    x, y = np.ones(2, a), np.ones(2, b)
    assert ops.add(x, y).dtype == np.dtype(expected)
    assert ops.add(y, x).dtype == np.dtype(expected)
    assert ops.multiply(Tensor(x), Tensor(y)).dtype == np.dtype(expected)


@pytest.mark.parametrize(
    "dtype,scalar,expected",
    [
        ("float32", 2.0, "float32"),
        ("float32", 2, "float32"),
        ("float16", 2.0, "float16"),
        ("float64", 2.0, "float64"),
        ("int32", 2, "int32"),
        ("int32", 2.5, "float32"),
        ("int64", 2.5, "float32"),
        ("uint8", 2, "uint8"),
        ("bool", 2.5, "float32"),
        ("bool", 2, "int32"),
        ("bool", True, "bool"),
    ],
)
def test_python_scalars_are_weak(dtype, scalar, expected):
    x = Tensor(np.ones(2, dtype))
    assert ops.add(x, scalar).dtype == np.dtype(expected)
    assert ops.add(scalar, x).dtype == np.dtype(expected)
    assert (x * scalar).dtype == np.dtype(expected)


def test_bool_plus_python_int_counts():
    y = Tensor(np.array([True, False])) + 2
    np.testing.assert_array_equal(y.numpy(), [3, 2])


def test_python_scalar_with_python_scalar_gives_floatx():
    assert ops.add(1.0, 2.0).dtype == np.float32
    assert ops.multiply(2, 3).dtype == np.int32


def test_numpy_float64_array_takes_the_float32_tensor_dtype():
    """As with TensorFlow tensors: float64 data never widens float32 math."""
    t = ops.convert_to_tensor([1.0, 2.0])
    a = np.array([0.5, 0.25])  # float64
    for out in (a - t, t - a, a * t, ops.add(a, t), ops.maximum(t, a)):
        assert out.dtype == np.float32
    # two raw arrays keep NumPy's float64
    assert ops.add(a, a).dtype == np.float64
    # an integer tensor with a float64 array still promotes to float
    assert ops.add(ops.convert_to_tensor([1, 2]), a).dtype.kind == "f"
