"""`tf.nn`: activations and the cross-entropies from logits.

The cross-entropies are kara's fused, numerically stable ops: they take
raw scores (logits), never probabilities, and return one loss per sample.

Example:
>>> import kara.tf as tf
>>> tf.nn.softmax([[1.0, 1.0]]).numpy()
array([[0.5, 0.5]], dtype=float32)
>>> loss = tf.nn.sparse_softmax_cross_entropy_with_logits(
...     labels=[0], logits=[[0.0, 0.0]])
>>> loss.numpy().round(4)
array([0.6931], dtype=float32)
"""

from kara import ops as _ops
from kara.tf._missing import missing as _missing


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


__all__ = sorted(n for n in globals() if not n.startswith("_"))


def __getattr__(name):
    raise _missing("tf.nn", name)
