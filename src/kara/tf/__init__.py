"""A TensorFlow-style facade: `import kara.tf as tf` runs TF tutorial code.

`tf.keras` is kara itself, so `tf.keras.losses.BinaryCrossentropy()` and
`tf.keras.Sequential` are kara's. The other names are aliases of kara
objects (`tf.Variable`, `tf.GradientTape`, the dtypes) or one-line
adapters over `kara.ops` that take TensorFlow's argument names
(`input_tensor`, `depth`, `clip_value_min`) and TensorFlow's conventions
where they differ from `keras.ops`; those differences are listed here so
that nothing surprises:

- `tf.clip_by_value(t, lo, hi)` is `maximum(minimum(t, hi), lo)`: when
  `lo > hi` the result is `lo` (NumPy's `clip` would give `hi`).
- `tf.reduce_mean` of integers is an integer, truncated toward zero
  (`tf.reduce_mean([1, 2])` is 1), as in TensorFlow.
- `tf.argmax`/`tf.argmin` reduce axis 0 by default and return int64.
- `tf.one_hot` gives all-zero rows for indices outside `[0, depth)`.
- `tf.GradientTape().gradient` returns Tensors (kara's own tape returns
  NumPy arrays), so `grad.numpy()` works as in TensorFlow.
- `@tf.function` returns the function unchanged: kara always runs
  eagerly.

This module defines `bool`, `range` and `abs` as TensorFlow does, so its
own code never calls those Python built-ins.

A TensorFlow name kara does not provide raises an AttributeError that
says so and points at the closest kara name (`tf.log` -> `tf.math.log`).

Example:
>>> import kara.tf as tf
>>> x = tf.constant([[0.1, 0.9]])
>>> float(tf.reduce_sum(x))
1.0
>>> tf.one_hot([0, 1], 2).numpy()
array([[1., 0.],
       [0., 1.]], dtype=float32)
"""

import numpy as _np

from kara import ops as _ops
from kara.autograd import GradientTape as _GradientTape
from kara.autograd import Tensor
from kara.autograd import Variable
from kara.tf import math
from kara.tf import nn
from kara.tf import random
from kara.tf._missing import missing as _missing

# dtypes: NumPy dtypes, which compare equal to `Tensor.dtype`, have TF's
# `.name`, and are accepted wherever kara takes a dtype.
float16 = _np.dtype("float16")
float32 = _np.dtype("float32")
float64 = _np.dtype("float64")
int8 = _np.dtype("int8")
int16 = _np.dtype("int16")
int32 = _np.dtype("int32")
int64 = _np.dtype("int64")
uint8 = _np.dtype("uint8")
bool = _np.dtype("bool")  # noqa: A001  (TensorFlow's name)
double = float64
half = float16

newaxis = None  # `x[:, tf.newaxis]`


class GradientTape(_GradientTape):
    """`tf.GradientTape`: kara's tape, whose `gradient` returns Tensors.

    `kara.GradientTape.gradient` returns NumPy arrays; TensorFlow returns
    tensors, and tutorials call `.numpy()` on them. The structure of
    `sources` (a list, tuple or dict) is kept; `None` stays `None`.
    """

    def gradient(self, target, sources, *args, **kwargs):
        grads = super().gradient(target, sources, *args, **kwargs)
        return _as_tensors(grads)


def _as_tensors(value):
    if isinstance(value, dict):
        return {key: _as_tensors(v) for key, v in value.items()}
    if isinstance(value, (list, tuple)):
        return type(value)(_as_tensors(v) for v in value)
    return value if value is None else Tensor(value)


# ------------------------------------------------------------- tensors
def constant(value, dtype=None, shape=None, name=None):
    """`tf.constant`: a Tensor of `value`; `shape` fills or reshapes."""
    t = _ops.convert_to_tensor(value, dtype=dtype)
    if shape is None or tuple(t.shape) == tuple(shape):
        return t
    if t.data.size == 1:  # a scalar fills the shape
        return Tensor(_np.full(shape, t.data.reshape(()), t.dtype))
    return _ops.reshape(t, shape)  # same number of values: reshape


def convert_to_tensor(value, dtype=None, dtype_hint=None, name=None):
    """`tf.convert_to_tensor`; `dtype_hint` applies to Python values."""
    if dtype is None and dtype_hint is not None and not hasattr(value, "dtype"):
        dtype = dtype_hint
    return _ops.convert_to_tensor(value, dtype=dtype)


def cast(x, dtype, name=None):
    """`tf.cast`: float to int truncates toward zero, as in TensorFlow."""
    return _ops.cast(x, dtype)


def function(func=None, **kwargs):
    """`@tf.function`: kara always runs eagerly, so it returns `func`."""
    return func if func is not None else (lambda f: f)


def zeros(shape, dtype=float32, name=None):
    return _ops.zeros(shape, dtype)


def ones(shape, dtype=float32, name=None):
    return _ops.ones(shape, dtype)


def zeros_like(input, dtype=None, name=None):  # noqa: A002
    return _ops.zeros_like(input, dtype)


def ones_like(input, dtype=None, name=None):  # noqa: A002
    return _ops.ones_like(input, dtype)


def range(start, limit=None, delta=1, dtype=None, name=None):  # noqa: A001
    if dtype is None and all(
        isinstance(v, int) for v in (start, limit or 0, delta)
    ):
        dtype = int32  # TensorFlow's default for Python ints
    return _ops.arange(start, limit, delta, dtype=dtype)


def shape(input, out_type=int32, name=None):  # noqa: A002
    return Tensor(_np.asarray(_ops.shape(input), dtype=out_type))


def size(input, out_type=int32, name=None):  # noqa: A002
    return Tensor(_np.asarray(_ops.size(input), dtype=out_type))


# ---------------------------------------------------- element-wise ops
def clip_by_value(t, clip_value_min, clip_value_max, name=None):
    """`tf.clip_by_value`: `maximum(minimum(t, max), min)`.

    The bounds may be tensors (seed 000 clips `y_pred` with itself as the
    maximum). The order matters when `min > max`: TensorFlow returns
    `min`, and so does this.
    """
    return _ops.maximum(_ops.minimum(t, clip_value_max), clip_value_min)


def one_hot(
    indices,
    depth,
    on_value=None,
    off_value=None,
    axis=None,
    dtype=None,
    name=None,
):
    """`tf.one_hot`: float32 by default; out-of-range rows are all zeros."""
    if dtype is None:
        # TensorFlow: the dtype of on_value/off_value, else float32
        given = on_value if on_value is not None else off_value
        dtype = getattr(given, "dtype", None)
        if dtype is None:
            is_int = isinstance(given, int) and not isinstance(given, float)
            dtype = int32 if is_int else float32
    out = _ops.one_hot(
        indices, depth, axis=-1 if axis is None else axis, dtype=dtype
    )
    if on_value is None and off_value is None:
        return out
    on = 1 if on_value is None else on_value
    off = 0 if off_value is None else off_value
    return Tensor(_np.where(out.data > 0, on, off).astype(out.dtype))


square = math.square
sqrt = math.sqrt
exp = math.exp
abs = math.abs  # noqa: A001
add = math.add
subtract = math.subtract
multiply = math.multiply
divide = math.divide
maximum = math.maximum
minimum = math.minimum
equal = math.equal
sigmoid = math.sigmoid
tanh = math.tanh


def where(condition, x=None, y=None, name=None):
    return _ops.where(condition, x, y)


def stop_gradient(input, name=None):  # noqa: A002
    return _ops.stop_gradient(input)


# ---------------------------------------------------------- reductions
reduce_sum = math.reduce_sum
reduce_mean = math.reduce_mean
reduce_max = math.reduce_max
reduce_min = math.reduce_min
reduce_prod = math.reduce_prod
argmax = math.argmax
argmin = math.argmin


# -------------------------------------------------------------- shapes
def reshape(tensor, shape, name=None):
    return _ops.reshape(tensor, shape)


def transpose(a, perm=None, conjugate=False, name=None):
    return _ops.transpose(a, perm)


def matmul(a, b, transpose_a=False, transpose_b=False, name=None):
    a = _ops.swapaxes(a, -1, -2) if transpose_a else a
    b = _ops.swapaxes(b, -1, -2) if transpose_b else b
    return _ops.matmul(a, b)


def concat(values, axis, name=None):
    return _ops.concatenate(values, axis=axis)


def stack(values, axis=0, name=None):
    return _ops.stack(values, axis=axis)


def expand_dims(input, axis, name=None):  # noqa: A002
    return _ops.expand_dims(input, axis)


def squeeze(input, axis=None, name=None):  # noqa: A002
    return _ops.squeeze(input, axis)


def gather(params, indices, axis=None, batch_dims=0, name=None):
    """`tf.gather`: the slices of `params` at `indices` along `axis`."""
    if batch_dims != 0:
        # a silently ignored batch_dims would gather the wrong slices
        raise NotImplementedError(
            "kara.tf.gather supports batch_dims=0 only. Received: "
            f"batch_dims={batch_dims!r}. Use "
            "`kara.ops.take_along_axis(params, indices, axis)` for "
            "per-example indices."
        )
    return _ops.take(params, indices, axis=0 if axis is None else axis)


# Every public name: the functions, aliases and dtypes above, the
# submodules, and `keras` (kara itself, resolved on first use); not the
# three that would shadow Python's built-ins after `from kara.tf import *`.
__all__ = sorted(
    n
    for n in globals()
    if not n.startswith("_") and n not in ("abs", "bool", "range")
) + ["keras"]


def __getattr__(name):
    if name == "keras":
        import kara

        return kara
    raise _missing("tf", name)


def __dir__():
    return sorted(set(globals()) | {"keras"})
