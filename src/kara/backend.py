"""The array backend: which array module runs an op, and conversions to it.

kara runs on NumPy. This module is the one place where another array module
(CuPy) would plug in: `get_array_module` is asked which module owns the
arrays, and ops call `xp.exp(...)` on the answer. No other module may import
CuPy.

Example:
>>> import numpy as np
>>> from kara import backend
>>> backend.get_array_module(np.zeros(3)) is np
True
>>> backend.as_array([1.0, 2.0]).dtype
dtype('float32')
"""

import numpy as np

from kara import config


def get_array_module(*xs):
    """Returns the array module (`numpy`) that owns the given arrays.

    Args:
        *xs: arrays, Tensors or Python values.

    Returns:
        The module to call array functions on. Always `numpy` today; the
        single hook where CuPy would be detected.
    """
    return np


def _is_python_number(x):
    return isinstance(x, (bool, int, float, complex))


def standardize_dtype(dtype):
    """Returns the canonical dtype name (`"float32"`, `"int64"`, ...)."""
    if dtype is None:
        return config.floatx()
    if hasattr(dtype, "as_numpy_dtype"):  # tf-style dtype objects
        dtype = dtype.as_numpy_dtype
    if dtype is float:
        return config.floatx()
    if dtype is int:
        return "int32"
    if dtype is bool:
        return "bool"
    try:
        return np.dtype(dtype).name
    except TypeError:
        raise ValueError(
            f"Invalid dtype: {dtype!r}. Expected a NumPy dtype or its name, "
            "such as 'float32' or 'int32'."
        ) from None


def as_array(x, dtype=None, name="x"):
    """Converts `x` to an array of the backend, without copying if possible.

    Python floats and lists of floats become `floatx()` (float32), Python
    ints become int32, as `keras.ops.convert_to_tensor` does. NumPy arrays
    keep their dtype unless `dtype` is given.

    Args:
        x: a Tensor, array, NumPy scalar, Python number or nested list.
        dtype: optional target dtype.
        name: the argument name used in error messages.

    Returns:
        A NumPy array.
    """
    if getattr(x, "_is_kara_tensor", False):  # Tensor / Variable
        x = x.data
    if isinstance(x, np.ndarray):
        if dtype is not None:
            dtype = standardize_dtype(dtype)
            if x.dtype != dtype:
                x = x.astype(dtype)
        return x
    if isinstance(x, np.generic):
        x = np.asarray(x)
        return x if dtype is None else x.astype(standardize_dtype(dtype))
    if isinstance(x, str) or isinstance(x, bytes):
        raise TypeError(
            f"Expected an array-like for `{name}`, but received the string "
            f"{x!r}. Pass numbers: a NumPy array, a Tensor or a list."
        )
    if dtype is not None:
        dtype = standardize_dtype(dtype)
        try:
            return np.asarray(x, dtype=dtype)
        except (TypeError, ValueError) as e:
            raise TypeError(
                f"Could not convert `{name}` of type {type(x).__name__} to "
                f"an array of dtype {dtype}: {e}"
            ) from None
    try:
        arr = np.asarray(x)
    except (TypeError, ValueError) as e:
        raise TypeError(
            f"Could not convert `{name}` of type {type(x).__name__} to an "
            f"array: {e}. Pass a NumPy array, a Tensor or a nested list of "
            "numbers of a rectangular shape."
        ) from None
    if arr.dtype == np.float64:
        # Python floats are "weak": they take floatx, never float64.
        arr = arr.astype(config.floatx())
    elif arr.dtype == np.int64 and not isinstance(x, np.ndarray):
        arr = arr.astype("int32")
    elif arr.dtype.kind in "OUS":
        raise TypeError(
            f"Could not convert `{name}` to a numeric array: it has dtype "
            f"{arr.dtype} (received {type(x).__name__}). Pass numbers, not "
            "strings or ragged lists."
        )
    return arr


def to_numpy(x):
    """Returns `x` as a NumPy array (a no-op for NumPy-backed Tensors)."""
    return np.asarray(as_array(x))


def is_float_dtype(dtype):
    """Whether `dtype` is a floating-point dtype."""
    return np.dtype(dtype).kind == "f"


def result_dtype_with_scalar(array_dtype, scalar):
    """The dtype of `array (op) scalar` where the scalar is a Python number.

    Python scalars are weak (NEP 50, Keras): they never widen the array's
    dtype. A float scalar with an integer array gives `floatx()`.
    """
    kind = np.dtype(array_dtype).kind
    if isinstance(scalar, bool) or kind in "fc":
        return array_dtype
    if isinstance(scalar, float):
        return np.dtype(config.floatx())
    return array_dtype
