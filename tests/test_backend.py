"""kara.backend: the array module hook and conversions (Keras's rules:
Python floats become floatx, Python ints int32, arrays keep their dtype)."""

import numpy as np
import pytest

from kara import Tensor
from kara import backend
from kara import config


def test_get_array_module_is_numpy():
    assert backend.get_array_module(np.zeros(2)) is np
    assert backend.get_array_module(Tensor(np.zeros(2)), 1.0) is np
    assert backend.get_array_module() is np


@pytest.mark.parametrize(
    "value,dtype",
    [
        ([1.0, 2.0], "float32"),
        (1.5, "float32"),
        ([[1.0], [2.0]], "float32"),
        ([1, 2], "int32"),
        (3, "int32"),
        ([True, False], "bool"),
        ((1.0, 2), "float32"),
        (np.float32(1.0), "float32"),
        (np.float64(1.0), "float64"),
        (np.int64(1), "int64"),
        (np.zeros(2, "float64"), "float64"),
        (np.zeros(2, "int64"), "int64"),
        (np.zeros(2, "float16"), "float16"),
    ],
)
def test_as_array_dtypes(value, dtype):
    a = backend.as_array(value)
    assert isinstance(a, np.ndarray)
    assert a.dtype == np.dtype(dtype)


def test_as_array_follows_floatx():
    config.set_floatx("float64")
    try:
        assert backend.as_array([1.0]).dtype == np.float64
    finally:
        config.set_floatx("float32")


def test_as_array_does_not_copy_arrays_and_unwraps_tensors():
    a = np.zeros(3, "float32")
    assert backend.as_array(a) is a
    assert backend.as_array(Tensor(a)) is a
    assert backend.as_array(a, dtype="float32") is a


def test_python_ints_too_large_for_int32_stay_int64():
    a = backend.as_array([1, 3_000_000_000])
    assert a.dtype == np.int64 and a[1] == 3_000_000_000
    assert backend.as_array([]).dtype == np.float32
    assert backend.as_array([-(2**31), 2**31 - 1]).dtype == np.int32


def test_as_array_with_dtype():
    assert backend.as_array([1, 2], dtype="float64").dtype == np.float64
    assert backend.as_array(np.zeros(2), dtype="float32").dtype == np.float32
    assert (
        backend.as_array(np.float64(1.0), dtype="float32").dtype == np.float32
    )
    assert backend.as_array([1.0], dtype=float).dtype == np.float32


def test_as_array_converts_object_arrays_of_numbers():
    a = backend.as_array(np.array([1.5, 2.5], dtype=object))
    assert a.dtype == np.float32
    b = backend.as_array(np.array([1, 2], dtype=object))
    assert b.dtype.kind == "i"


@pytest.mark.parametrize(
    "value,match",
    [
        (
            "abc",
            r"Expected an array-like for `weights`, but received the "
            r"string 'abc'",
        ),
        (b"abc", r"received the string b'abc'"),
        (
            [[1.0, 2.0], [3.0]],
            r"Could not convert `weights` of type list to "
            r"an array",
        ),
        (
            ["a", "b"],
            r"Could not convert `weights` to a numeric array: it "
            r"has dtype <U1",
        ),
        (
            None,
            r"Could not convert `weights` to a numeric array: it has "
            r"dtype object \(received NoneType\)",
        ),
        ({"a": 1}, r"received dict"),
        (
            np.array(["x"]),
            r"NumPy array of dtype <U1 and shape \(1,\) "
            r"holding 'x'",
        ),
        (
            np.array([1.0, "x"], dtype=object),
            r"dtype object and shape "
            r"\(2,\) holding 'x'",
        ),
    ],
)
def test_as_array_errors_name_the_argument(value, match):
    with pytest.raises(TypeError, match=match):
        backend.as_array(value, name="weights")


def test_as_array_with_dtype_error():
    with pytest.raises(
        TypeError,
        match=r"Could not convert `x` of type list to an array of dtype "
        r"float32",
    ):
        backend.as_array([[1.0], [2.0, 3.0]], dtype="float32")


@pytest.mark.parametrize(
    "dtype,expected",
    [
        (None, "float32"),
        (float, "float32"),
        (int, "int32"),
        (bool, "bool"),
        ("float64", "float64"),
        (np.float16, "float16"),
        (np.dtype("int8"), "int8"),
        ("uint8", "uint8"),
    ],
)
def test_standardize_dtype(dtype, expected):
    assert backend.standardize_dtype(dtype) == expected


def test_standardize_dtype_accepts_tf_style_dtype_objects():
    class FakeTFDType:
        as_numpy_dtype = np.float16

    assert backend.standardize_dtype(FakeTFDType()) == "float16"


def test_standardize_dtype_rejects_unknown_names():
    with pytest.raises(ValueError, match=r"Invalid dtype: 'floaty'"):
        backend.standardize_dtype("floaty")


def test_to_numpy_and_is_float_dtype():
    a = backend.to_numpy(Tensor(np.array([1.0])))
    assert isinstance(a, np.ndarray)
    assert backend.to_numpy([1, 2]).dtype == np.int32
    assert backend.is_float_dtype("float16") and backend.is_float_dtype(
        np.float64
    )
    assert not backend.is_float_dtype("int32")
    assert not backend.is_float_dtype(bool)


@pytest.mark.parametrize(
    "array_dtype,scalar,expected",
    [
        ("float32", 2.0, "float32"),
        ("float16", 2, "float16"),
        ("int32", 2, "int32"),
        ("int8", 2, "int8"),
        ("int32", 2.5, "float32"),
        ("uint8", 1.5, "float32"),
        ("bool", 1.5, "float32"),
        ("bool", 1, "int32"),
        ("bool", True, "bool"),
        ("int32", True, "int32"),
    ],
)
def test_result_dtype_with_scalar(array_dtype, scalar, expected):
    got = backend.result_dtype_with_scalar(np.dtype(array_dtype), scalar)
    assert np.dtype(got) == np.dtype(expected)
