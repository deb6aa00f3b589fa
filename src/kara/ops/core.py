"""Conversion, casting and dtype rules shared by every op.

Dtype promotion follows Keras 3 (and JAX), not NumPy: an integer tensor
combined with a float32 tensor gives float32 (NumPy would give float64), and
a Python number never widens a tensor's dtype.
"""

import numpy as np

from kara import backend
from kara import config
from kara.autograd.function import Function
from kara.autograd.tensor import Tensor

__all__ = [
    "arange",
    "cast",
    "convert_to_numpy",
    "convert_to_tensor",
    "dtype",
    "eye",
    "full",
    "full_like",
    "is_tensor",
    "ndim",
    "ones",
    "ones_like",
    "shape",
    "size",
    "stop_gradient",
    "zeros",
    "zeros_like",
]

_PY_NUMBERS = (int, float, bool)


def tensor_arg(x, op, arg="x"):
    """Converts an op argument to a Tensor, naming the op on failure."""
    if isinstance(x, Tensor):
        return x
    try:
        return Tensor(backend.as_array(x, name=arg))
    except TypeError as e:
        raise TypeError(f"{op}: {e}") from None


def float_arg(x, op, arg="x"):
    """Like `tensor_arg`, but integer and bool inputs become floatx."""
    t = tensor_arg(x, op, arg)
    if t.data.dtype.kind not in "fc":
        return cast(t, config.floatx())
    return t


def result_dtype(a, b):
    """The dtype of a binary op on arrays of dtypes `a` and `b` (Keras rules).

    Floats win over integers without widening (int64 + float32 ->
    float32); otherwise NumPy's promotion applies (float16 + float32 ->
    float32, int8 + int32 -> int32).
    """
    if a == b:
        return a
    fa, fb = a.kind in "fc", b.kind in "fc"
    if fa and not fb:
        return a
    if fb and not fa:
        return b
    return np.promote_types(a, b)


def binary_args(a, b, op):
    """Converts the two operands of a binary op to Tensors of one dtype.

    A Python number takes the other operand's dtype (it is "weak"), unless
    it is a float meeting an integer tensor, which gives floatx.
    """
    if isinstance(a, Tensor) and isinstance(b, Tensor):
        pass
    elif isinstance(a, _PY_NUMBERS) and isinstance(b, Tensor):
        a = Tensor(np.asarray(a, backend.result_dtype_with_scalar(b.dtype, a)))
    elif isinstance(b, _PY_NUMBERS) and isinstance(a, Tensor):
        b = Tensor(np.asarray(b, backend.result_dtype_with_scalar(a.dtype, b)))
    else:
        if isinstance(a, _PY_NUMBERS) and not isinstance(b, _PY_NUMBERS):
            b = tensor_arg(b, op, "x2")
            a = Tensor(
                np.asarray(a, backend.result_dtype_with_scalar(b.dtype, a))
            )
        elif isinstance(b, _PY_NUMBERS) and not isinstance(a, _PY_NUMBERS):
            a = tensor_arg(a, op, "x1")
            b = Tensor(
                np.asarray(b, backend.result_dtype_with_scalar(a.dtype, b))
            )
        else:
            raw_a, raw_b = not isinstance(a, Tensor), not isinstance(b, Tensor)
            a = tensor_arg(a, op, "x1")
            b = tensor_arg(b, op, "x2")
            # A NumPy float array meeting a float Tensor takes the Tensor's
            # dtype, as in TensorFlow: float64 data never silently widens
            # a float32 computation.
            if raw_a != raw_b:
                raw, t = (a, b) if raw_a else (b, a)
                if raw.data.dtype.kind == t.data.dtype.kind == "f":
                    raw = Tensor(raw.data.astype(t.data.dtype, copy=False))
                    a, b = (raw, t) if raw_a else (t, raw)
    da, db = a.data.dtype, b.data.dtype
    if da != db:
        dt = result_dtype(da, db)
        if da != dt:
            a = cast(a, dt)
        if db != dt:
            b = cast(b, dt)
    return a, b


def normalize_axis(axis, ndim, op):
    """Returns `axis` as a non-negative int or tuple, checking its range."""
    if axis is None:
        return None
    if isinstance(axis, (list, tuple)):
        return tuple(normalize_axis(a, ndim, op) for a in axis)
    try:
        a = int(axis)
    except (TypeError, ValueError):
        raise TypeError(
            f"{op}: `axis` must be an int, a tuple of ints or None. "
            f"Received: axis={axis!r}"
        ) from None
    if ndim == 0:
        # as NumPy's reductions: a scalar has the one axis 0 (or -1)
        if a in (0, -1):
            return 0
        raise ValueError(
            f"{op}: axis {axis} is out of range for an input of rank 0 (a "
            f"scalar; valid axes are 0 and -1). Received: axis={axis!r}"
        )
    if not -ndim <= a < ndim:
        raise ValueError(
            f"{op}: axis {axis} is out of range for an input of rank {ndim} "
            f"(valid axes are {-ndim}..{ndim - 1}). Received: axis={axis!r}"
        )
    return a % ndim


# ------------------------------------------------------------------ casting
class Cast(Function):
    def __init__(self, dtype):
        self.dtype = dtype

    def forward(self, x):
        self.x_dtype = x.dtype
        return x.astype(self.dtype)

    def backward(self, gy):
        if self.x_dtype.kind not in "fc":
            return None
        return gy.astype(self.x_dtype)


def cast(x, dtype):
    """Casts a tensor to `dtype`; differentiable between float types.

    Args:
        x: input tensor.
        dtype: the target dtype, e.g. `"float32"`.

    Returns:
        A Tensor of `dtype`.

    Example:
    >>> from kara import ops
    >>> ops.cast([1, 2], "float32").dtype
    dtype('float32')
    """
    dtype = np.dtype(backend.standardize_dtype(dtype))
    x = tensor_arg(x, "cast")
    if x.data.dtype == dtype:
        return x
    return Cast(dtype)(x)


def convert_to_tensor(x, dtype=None, sparse=None, ragged=None):
    """Converts lists, NumPy arrays and numbers to a Tensor.

    Python floats become `floatx()` (float32) and Python ints int32, as in
    Keras. A Tensor is returned as is (cast if `dtype` differs).

    Example:
    >>> from kara import ops
    >>> ops.convert_to_tensor([1.0, 2.0]).dtype
    dtype('float32')
    """
    if isinstance(x, Tensor):
        return x if dtype is None else cast(x, dtype)
    return Tensor(backend.as_array(x, dtype=dtype))


def convert_to_numpy(x):
    """Returns `x` as a NumPy array."""
    return backend.to_numpy(x)


def is_tensor(x):
    """Whether `x` is a kara Tensor (or Variable)."""
    return isinstance(x, Tensor)


def stop_gradient(variable):
    """Returns the value of `variable`, cut off from the graph."""
    return Tensor(backend.as_array(variable))


def shape(x):
    """The shape of `x` as a tuple of ints."""
    return tuple(np.shape(backend.as_array(x)))


def ndim(x):
    """The rank of `x`."""
    return len(shape(x))


def size(x):
    """The number of elements of `x`."""
    return int(np.prod(shape(x)))


def dtype(x):
    """The dtype name of `x` (`"float32"`, ...)."""
    return backend.as_array(x).dtype.name


# ------------------------------------------------------------- constructors
def _dt(dtype):
    return backend.standardize_dtype(dtype)


def zeros(shape, dtype=None):
    """A Tensor of zeros of `shape` (floatx by default)."""
    return Tensor(np.zeros(shape, _dt(dtype)))


def ones(shape, dtype=None):
    """A Tensor of ones of `shape` (floatx by default)."""
    return Tensor(np.ones(shape, _dt(dtype)))


def full(shape, fill_value, dtype=None):
    """A Tensor of `shape` filled with `fill_value`."""
    return Tensor(np.full(shape, fill_value, _dt(dtype)))


def zeros_like(x, dtype=None):
    """Zeros with the shape (and dtype, unless given) of `x`."""
    a = backend.as_array(x)
    return Tensor(np.zeros(a.shape, dtype or a.dtype))


def ones_like(x, dtype=None):
    """Ones with the shape (and dtype, unless given) of `x`."""
    a = backend.as_array(x)
    return Tensor(np.ones(a.shape, dtype or a.dtype))


def full_like(x, fill_value, dtype=None):
    """`fill_value` with the shape (and dtype, unless given) of `x`."""
    a = backend.as_array(x)
    return Tensor(np.full(a.shape, fill_value, dtype or a.dtype))


def arange(start, stop=None, step=1, dtype=None):
    """Evenly spaced values in `[start, stop)`, as `np.arange`."""
    if dtype is None:
        ints = all(isinstance(v, int) for v in (start, stop or 0, step))
        dtype = "int32" if ints else config.floatx()
    if stop is None:
        start, stop = 0, start
    return Tensor(np.arange(start, stop, step, dtype=_dt(dtype)))


def eye(N, M=None, k=0, dtype=None):
    """An identity-like 2-D Tensor."""
    return Tensor(np.eye(N, M, k, dtype=_dt(dtype)))
