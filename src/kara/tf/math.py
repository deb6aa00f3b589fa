"""`tf.math`: element-wise math and reductions, as aliases of kara.ops."""

import difflib

from kara import ops as _ops


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
    return _ops.mean(input_tensor, axis=axis, keepdims=keepdims)


def reduce_max(input_tensor, axis=None, keepdims=False, name=None):
    return _ops.max(input_tensor, axis=axis, keepdims=keepdims)


def reduce_min(input_tensor, axis=None, keepdims=False, name=None):
    return _ops.min(input_tensor, axis=axis, keepdims=keepdims)


def reduce_prod(input_tensor, axis=None, keepdims=False, name=None):
    return _ops.prod(input_tensor, axis=axis, keepdims=keepdims)


def reduce_logsumexp(input_tensor, axis=None, keepdims=False, name=None):
    return _ops.logsumexp(input_tensor, axis=axis, keepdims=keepdims)


def argmax(input, axis=None, output_type="int64", name=None):  # noqa: A002
    from kara import tf

    return tf.argmax(input, axis, output_type)


def argmin(input, axis=None, output_type="int64", name=None):  # noqa: A002
    from kara import tf

    return tf.argmin(input, axis, output_type)


def softmax(logits, axis=None, name=None):
    return _ops.softmax(logits, axis=-1 if axis is None else axis)


def log_softmax(logits, axis=None, name=None):
    return _ops.log_softmax(logits, axis=-1 if axis is None else axis)


def __getattr__(name):
    candidates = [n for n in globals() if not n.startswith("_")]
    close = difflib.get_close_matches(name, candidates, n=3)
    hint = (
        f" Did you mean: {', '.join('tf.math.' + c for c in close)}?"
        if close
        else ""
    )
    raise AttributeError(
        f"kara.tf does not provide `tf.math.{name}`.{hint} For other "
        "operations, use kara.ops."
    )
