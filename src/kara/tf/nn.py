"""`tf.nn`: activations and the cross-entropies from logits."""

import difflib

from kara import ops as _ops


def softmax(logits, axis=None, name=None):
    return _ops.softmax(logits, axis=-1 if axis is None else axis)


def log_softmax(logits, axis=None, name=None):
    return _ops.log_softmax(logits, axis=-1 if axis is None else axis)


def relu(features, name=None):
    return _ops.relu(features)


def relu6(features, name=None):
    return _ops.relu6(features)


def sigmoid(x, name=None):
    return _ops.sigmoid(x)


def tanh(x, name=None):
    return _ops.tanh(x)


def softplus(features, name=None):
    return _ops.softplus(features)


def softmax_cross_entropy_with_logits(labels, logits, axis=-1, name=None):
    return _ops.softmax_cross_entropy_with_logits(labels, logits, axis=axis)


def sparse_softmax_cross_entropy_with_logits(labels, logits, name=None):
    return _ops.sparse_softmax_cross_entropy_with_logits(labels, logits)


def sigmoid_cross_entropy_with_logits(labels=None, logits=None, name=None):
    return _ops.sigmoid_cross_entropy_with_logits(labels, logits)


def __getattr__(name):
    candidates = [n for n in globals() if not n.startswith("_")]
    close = difflib.get_close_matches(name, candidates, n=3)
    hint = (
        f" Did you mean: {', '.join('tf.nn.' + c for c in close)}?"
        if close
        else ""
    )
    raise AttributeError(
        f"kara.tf does not provide `tf.nn.{name}`.{hint} For other "
        "operations, use kara.ops."
    )
