"""A TensorFlow-style facade: `import kara.tf as tf` runs TF tutorial code.

Every name here is an alias of a kara object or a one-line adapter that
renames TensorFlow's arguments (`input_tensor`, `depth`, ...) to kara's. No
logic lives here. A TensorFlow name kara does not provide raises an
AttributeError that says so and points at the closest kara name.

Example:
>>> import kara.tf as tf
>>> x = tf.constant([[0.1, 0.9]])
>>> float(tf.reduce_sum(x))
1.0
"""

import difflib

import numpy as np

from kara import ops as _ops
from kara.autograd import GradientTape
from kara.autograd import Tensor
from kara.autograd import Variable
from kara.tf import math
from kara.tf import nn
from kara.tf import random

# dtypes: NumPy dtypes compare equal to Tensor.dtype and are accepted
# wherever kara takes a dtype.
float16 = np.dtype("float16")
float32 = np.dtype("float32")
float64 = np.dtype("float64")
int8 = np.dtype("int8")
int16 = np.dtype("int16")
int32 = np.dtype("int32")
int64 = np.dtype("int64")
uint8 = np.dtype("uint8")
bool = np.dtype("bool")  # noqa: A001  (TensorFlow's name)
double = float64
half = float16


def constant(value, dtype=None, shape=None, name=None):
    """`tf.constant`: a Tensor holding `value` (reshaped/broadcast to shape)."""
    t = _ops.convert_to_tensor(value, dtype=dtype)
    if shape is not None:
        t = Tensor(np.broadcast_to(t.data, shape).copy())
    return t


def convert_to_tensor(value, dtype=None, dtype_hint=None, name=None):
    return _ops.convert_to_tensor(value, dtype=dtype or dtype_hint)


def cast(x, dtype, name=None):
    return _ops.cast(x, dtype)


def clip_by_value(t, clip_value_min, clip_value_max, name=None):
    return _ops.clip(t, clip_value_min, clip_value_max)


def one_hot(
    indices,
    depth,
    on_value=None,
    off_value=None,
    axis=None,
    dtype=None,
    name=None,
):
    out = _ops.one_hot(
        indices, depth, axis=-1 if axis is None else axis, dtype=dtype
    )
    if on_value is None and off_value is None:
        return out
    on = 1 if on_value is None else on_value
    off = 0 if off_value is None else off_value
    return Tensor(np.where(out.data > 0, on, off).astype(out.dtype))


def reduce_sum(input_tensor, axis=None, keepdims=False, name=None):
    return _ops.sum(input_tensor, axis=axis, keepdims=keepdims)


def reduce_mean(input_tensor, axis=None, keepdims=False, name=None):
    return _ops.mean(input_tensor, axis=axis, keepdims=keepdims)


def reduce_max(input_tensor, axis=None, keepdims=False, name=None):
    return _ops.max(input_tensor, axis=axis, keepdims=keepdims)


def reduce_min(input_tensor, axis=None, keepdims=False, name=None):
    return _ops.min(input_tensor, axis=axis, keepdims=keepdims)


def reduce_prod(input_tensor, axis=None, keepdims=False, name=None):
    return _ops.prod(input_tensor, axis=axis, keepdims=keepdims)


def argmax(input, axis=None, output_type=int64, name=None):  # noqa: A002
    # TensorFlow reduces axis 0 by default (keras.ops: all axes)
    return _ops.cast(
        _ops.argmax(input, axis=0 if axis is None else axis), output_type
    )


def argmin(input, axis=None, output_type=int64, name=None):  # noqa: A002
    return _ops.cast(
        _ops.argmin(input, axis=0 if axis is None else axis), output_type
    )


def reshape(tensor, shape, name=None):
    return _ops.reshape(tensor, shape)


def transpose(a, perm=None, conjugate=False, name=None):
    return _ops.transpose(a, perm)


def matmul(a, b, transpose_a=False, transpose_b=False, name=None):
    a = _ops.swapaxes(a, -1, -2) if transpose_a else a
    b = _ops.swapaxes(b, -1, -2) if transpose_b else b
    return _ops.matmul(a, b)


def shape(input, out_type=int32, name=None):  # noqa: A002
    return Tensor(np.asarray(_ops.shape(input), dtype=out_type))


def zeros(shape, dtype=float32, name=None):
    return _ops.zeros(shape, dtype)


def ones(shape, dtype=float32, name=None):
    return _ops.ones(shape, dtype)


def range(start, limit=None, delta=1, dtype=None, name=None):  # noqa: A001
    return _ops.arange(start, limit, delta, dtype=dtype)


def concat(values, axis, name=None):
    return _ops.concatenate(values, axis=axis)


def stack(values, axis=0, name=None):
    return _ops.stack(values, axis=axis)


def expand_dims(input, axis, name=None):  # noqa: A002
    return _ops.expand_dims(input, axis)


def squeeze(input, axis=None, name=None):  # noqa: A002
    return _ops.squeeze(input, axis)


def where(condition, x=None, y=None, name=None):
    return _ops.where(condition, x, y)


def gather(params, indices, axis=None, batch_dims=0, name=None):
    return _ops.take(params, indices, axis=0 if axis is None else axis)


def stop_gradient(input, name=None):  # noqa: A002
    return _ops.stop_gradient(input)


def no_gradient_tape():
    """kara's equivalent of running outside any tape: `kara.no_grad()`."""
    from kara.config import no_grad

    return no_grad()


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

__all__ = [
    "GradientTape",
    "Tensor",
    "Variable",
    "keras",
    "math",
    "nn",
    "random",
]


def __getattr__(name):
    if name == "keras":
        import kara

        return kara
    candidates = [n for n in globals() if not n.startswith("_")]
    close = difflib.get_close_matches(name, candidates, n=3)
    hint = (
        f" Did you mean: {', '.join('tf.' + c for c in close)}?"
        if close
        else ""
    )
    raise AttributeError(
        f"kara.tf does not provide `tf.{name}`: it covers the TensorFlow "
        f"names that tutorials use.{hint} For other operations, use "
        "kara.ops (the keras.ops names)."
    )
