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
        if x.dtype.kind in "OUS":
            x = _numeric_from(x, name)
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
        # Python ints become int32, unless that would wrap around
        info = np.iinfo(np.int32)
        if not arr.size or info.min <= arr.min() and arr.max() <= info.max:
            arr = arr.astype("int32")
    elif arr.dtype.kind in "OUS":
        raise TypeError(
            f"Could not convert `{name}` to a numeric array: it has dtype "
            f"{arr.dtype} (received {type(x).__name__}). Pass numbers, not "
            "strings or ragged lists."
        )
    return arr


def _numeric_from(x, name):
    """A numeric array from an object/string array, or a TypeError."""
    if x.dtype.kind == "O":
        # e.g. a pandas column of numbers: convert as the nested list would
        try:
            arr = np.asarray(x.tolist())
        except (TypeError, ValueError):
            arr = x
        if arr.dtype.kind in "biuf":
            return arr.astype(config.floatx()) if arr.dtype == "f8" else arr
    values = x.reshape(-1).tolist()
    bad = next((v for v in values if not _is_python_number(v)), None)
    raise TypeError(
        f"Could not convert `{name}` to a numeric array: it is a NumPy array "
        f"of dtype {x.dtype} and shape {x.shape} holding {bad!r}. Convert "
        "it to numbers first, e.g. `x.astype('float32')`."
    )


def to_numpy(x):
    """Returns `x` as a NumPy array (a no-op for NumPy-backed Tensors)."""
    return np.asarray(as_array(x))


def is_float_dtype(dtype):
    """Whether `dtype` is a floating-point dtype."""
    return np.dtype(dtype).kind == "f"


def result_dtype_with_scalar(array_dtype, scalar):
    """The dtype of `array (op) scalar` where the scalar is a Python number.

    Python scalars are weak (NEP 50, Keras): they never widen the array's
    dtype. A float scalar with an integer or bool array gives `floatx()`,
    an int scalar with a bool array int32.
    """
    kind = np.dtype(array_dtype).kind
    if isinstance(scalar, bool) or kind in "fc":
        return array_dtype
    if isinstance(scalar, float):
        return np.dtype(config.floatx())
    if kind == "b":  # bool tensor + int counts: int32, as in Keras
        return np.dtype("int32")
    return array_dtype
