"""`tf.math`: element-wise math and reductions, as adapters over kara.ops.

Each function takes TensorFlow's argument names (`input_tensor`,
`keepdims`, `name`) and calls the `kara.ops` function of the same
meaning. Two TensorFlow conventions differ from `keras.ops` and are kept:
`reduce_mean` of integers is an integer (truncated toward zero), and
`argmax`/`argmin` reduce axis 0 by default and return int64.

Example:
>>> import kara.tf as tf
>>> tf.math.reduce_sum([[1.0, 2.0], [3.0, 4.0]], axis=1).numpy()
array([3., 7.], dtype=float32)
>>> tf.math.argmax([[1.0, 5.0], [3.0, 2.0]]).numpy()
array([1, 0])
"""

import numpy as _np

from kara import ops as _ops
from kara.tf._missing import missing as _missing


def log(x, name=None):
    return _ops.log(x)


def exp(x, name=None):
    return _ops.exp(x)


def log1p(x, name=None):
    return _ops.log1p(x)


def sqrt(x, name=None):
    return _ops.sqrt(x)


def square(x, name=None):
    return _ops.square(x)


def abs(x, name=None):  # noqa: A001
    return _ops.abs(x)


def sign(x, name=None):
    return _ops.sign(x)


def negative(x, name=None):
    return _ops.negative(x)


def add(x, y, name=None):
    return _ops.add(x, y)


def subtract(x, y, name=None):
    return _ops.subtract(x, y)


def multiply(x, y, name=None):
    return _ops.multiply(x, y)


def divide(x, y, name=None):
    return _ops.divide(x, y)


def divide_no_nan(x, y, name=None):
    return _ops.divide_no_nan(x, y)


def pow(x, y, name=None):  # noqa: A001
    return _ops.power(x, y)


def maximum(x, y, name=None):
    return _ops.maximum(x, y)


def minimum(x, y, name=None):
    return _ops.minimum(x, y)


def equal(x, y, name=None):
    return _ops.equal(x, y)


def not_equal(x, y, name=None):
    return _ops.not_equal(x, y)


def greater(x, y, name=None):
    return _ops.greater(x, y)


def less(x, y, name=None):
    return _ops.less(x, y)


def sigmoid(x, name=None):
    return _ops.sigmoid(x)


def tanh(x, name=None):
    return _ops.tanh(x)


def softplus(features, name=None):
    return _ops.softplus(features)


def reduce_sum(input_tensor, axis=None, keepdims=False, name=None):
    return _ops.sum(input_tensor, axis=axis, keepdims=keepdims)


def reduce_mean(input_tensor, axis=None, keepdims=False, name=None):
    x = _ops.convert_to_tensor(input_tensor)
    mean = _ops.mean(x, axis=axis, keepdims=keepdims)
    if x.dtype.kind in "iu":  # TensorFlow: integer mean, toward zero
        return _ops.cast(_np.trunc(mean.data), x.dtype)
    return mean


def reduce_max(input_tensor, axis=None, keepdims=False, name=None):
    return _ops.max(input_tensor, axis=axis, keepdims=keepdims)


def reduce_min(input_tensor, axis=None, keepdims=False, name=None):
    return _ops.min(input_tensor, axis=axis, keepdims=keepdims)


def reduce_prod(input_tensor, axis=None, keepdims=False, name=None):
    return _ops.prod(input_tensor, axis=axis, keepdims=keepdims)


def reduce_logsumexp(input_tensor, axis=None, keepdims=False, name=None):
    return _ops.logsumexp(input_tensor, axis=axis, keepdims=keepdims)


def argmax(input, axis=None, output_type="int64", name=None):  # noqa: A002
    """Index of the largest value along `axis` (default 0, as in TF)."""
    index = _ops.argmax(input, axis=0 if axis is None else axis)
    return _ops.cast(index, output_type)


def argmin(input, axis=None, output_type="int64", name=None):  # noqa: A002
    """Index of the smallest value along `axis` (default 0, as in TF)."""
    index = _ops.argmin(input, axis=0 if axis is None else axis)
    return _ops.cast(index, output_type)


def softmax(logits, axis=None, name=None):
    return _ops.softmax(logits, axis=-1 if axis is None else axis)


def log_softmax(logits, axis=None, name=None):
    return _ops.log_softmax(logits, axis=-1 if axis is None else axis)


__all__ = sorted(n for n in globals() if not n.startswith("_"))


def __getattr__(name):
    raise _missing("tf.math", name)
