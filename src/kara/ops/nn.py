"""Neural-network ops: activations, softmax, one_hot, and the fused hot paths.

The fused ops (`dense`, the cross-entropies from logits) are single graph
nodes whose backward is written out by hand. They give the same numbers as
the composed versions (the tests check this) in fewer NumPy calls and with
less memory, which is what makes training fast.
"""

import numpy as np

from kara import backend
from kara.autograd.function import Function
from kara.autograd.tensor import Tensor
from kara.ops.core import cast
from kara.ops.core import float_arg
from kara.ops.core import normalize_axis
from kara.ops.core import tensor_arg

__all__ = [
    "dense",
    "log_sigmoid",
    "log_softmax",
    "one_hot",
    "relu",
    "relu6",
    "sigmoid",
    "sigmoid_cross_entropy_with_logits",
    "softmax",
    "softmax_cross_entropy_with_logits",
    "softplus",
    "sparse_softmax_cross_entropy_with_logits",
    "tanh",
]


# ------------------------------------------------------ stable primitives
def _sigmoid(x):
    """Logistic sigmoid without overflow: exp only of -|x|."""
    z = np.exp(-np.abs(x))
    return np.where(x >= 0, 1 / (1 + z), z / (1 + z))


def _softplus(x):
    """log(1 + e^x) = max(x, 0) + log1p(e^-|x|), finite for any x."""
    return np.maximum(x, 0) + np.log1p(np.exp(-np.abs(x)))


# The reductions below call the ufuncs' `reduce` directly: `np.max` and
# `np.sum` give the same numbers but go through Python wrappers that cost
# more than the arithmetic on a (32, 10) batch of logits.
_max = np.maximum.reduce
_sum = np.add.reduce


def _sum_but_one_max(e, others, axis):
    """Sums `e = exp(x - max(x))` along `axis` leaving out one maximum.

    `sum(e)` is `1 + rest`, `rest` the sum over every entry but one
    maximum (whose `e^0` is exactly 1; tied maxima count 1 each). Summing
    `rest` alone and adding the 1 last rounds once near 1; a sum with the
    1 inside rounds near 1 at each step, which costs the small loss of a
    confident prediction its digits (0.00928158 for 0.00928137, seed 003).

    Args:
        e: the exponentials of the shifted logits.
        others: mask of the entries that are not a maximum (`x < max`).
        axis: the class axis (or axes).

    Returns:
        `rest`, with the reduced axes kept (size 1).
    """
    rest = _sum(e, axis=axis, keepdims=True, where=others)
    if np.count_nonzero(others) != e.size - rest.size:  # tied maxima
        per_row = e.size // rest.size
        rest += (per_row - 1) - _sum(others, axis=axis, keepdims=True)
    return rest


def _log_softmax(x, axis):
    if _few_classes(x, axis):
        return _by_class(_log_softmax, x)
    shifted = x - _max(x, axis=axis, keepdims=True)
    rest = _sum_but_one_max(np.exp(shifted), shifted != 0, axis)
    # log(sum(e)) = log(1 + rest), the 1 added exactly inside log1p
    return shifted - np.log1p(rest, out=rest)


def _softmax(x, axis):
    if _few_classes(x, axis):
        return _by_class(_softmax, x)
    e, rest, _ = _exp_shifted(x, axis)
    rest += 1
    e /= rest
    return e


def _exp_shifted(x, axis, pick=None):
    """The parts of a softmax: `e = exp(x - max(x))` (a new array) and
    `rest = sum(e) - 1` (see `_sum_but_one_max`); with `pick` (an index
    into `x`), also the shifted logits `(x - max(x))[pick]`."""
    e = np.subtract(x, _max(x, axis=axis, keepdims=True))
    picked = None if pick is None else e[pick]
    others = e != 0
    np.exp(e, out=e)  # in place: one (batch, classes) array in all
    return e, _sum_but_one_max(e, others, axis), picked


def _few_classes(x, axis):
    """Whether `x` is a `(batch, classes)` array with a short class axis.

    NumPy reduces a short contiguous axis one row at a time: the row max
    of a (1024, 10) batch takes 46 us, the same max across the rows of
    its (10, 1024) transpose 1.6 us. Softmax over 10 classes is about 3x
    faster computed on the transpose, copies included.
    """
    return x.ndim == 2 and axis in (1, -1) and x.shape[1] <= 32 < x.shape[0]


def _by_class(kernel, x):
    """`kernel` along the classes, run on the `(classes, batch)` transpose
    (each class one contiguous row); the result is C-contiguous again."""
    return np.ascontiguousarray(kernel(np.ascontiguousarray(x.T), 0).T)


# ------------------------------------------------------------- activations
def _relu(x, out=None):
    """`max(x, 0)` against a row of zeros, not the scalar 0: NumPy's
    maximum with a scalar skips its vector loop (44 against 16 us for a
    (1024, 128) batch), and the result is the same."""
    zeros = np.zeros(x.shape[-1:], x.dtype) if x.ndim else x.dtype.type(0)
    return np.maximum(x, zeros, out=out)


class ReLU(Function):
    def forward(self, x):
        y = _relu(x)
        self.save_for_backward(y)
        return y

    def backward(self, gy):
        (y,) = self.saved
        return gy * (y > 0)


class ReLU6(Function):
    def forward(self, x):
        self.save_for_backward(x)
        return np.clip(x, 0, 6)

    def backward(self, gy):
        (x,) = self.saved
        return gy * ((x > 0) & (x < 6))


class Sigmoid(Function):
    def forward(self, x):
        y = _sigmoid(x)
        self.save_for_backward(y)  # d sigma/dx = y (1 - y)
        return y

    def backward(self, gy):
        (y,) = self.saved
        return gy * y * (1 - y)


class Tanh(Function):
    def forward(self, x):
        y = np.tanh(x)
        self.save_for_backward(y)  # d tanh/dx = 1 - y^2
        return y

    def backward(self, gy):
        (y,) = self.saved
        return gy * (1 - y * y)


class Softplus(Function):
    def forward(self, x):
        self.save_for_backward(x)
        return _softplus(x)

    def backward(self, gy):
        (x,) = self.saved
        return gy * _sigmoid(x)  # d softplus/dx = sigmoid(x)


class LogSigmoid(Function):
    def forward(self, x):
        self.save_for_backward(x)
        return -_softplus(-x)

    def backward(self, gy):
        (x,) = self.saved
        return gy * _sigmoid(-x)


class Softmax(Function):
    def __init__(self, axis):
        self.axis = axis

    def forward(self, x):
        y = _softmax(x, self.axis)
        self.save_for_backward(y)
        return y

    def backward(self, gy):
        (y,) = self.saved
        # Jacobian-vector product: y * (gy - <gy, y>)
        return y * (gy - np.sum(gy * y, axis=self.axis, keepdims=True))


class LogSoftmax(Function):
    def __init__(self, axis):
        self.axis = axis

    def forward(self, x):
        y = _log_softmax(x, self.axis)
        self.save_for_backward(y)
        return y

    def backward(self, gy):
        (y,) = self.saved
        return gy - np.exp(y) * np.sum(gy, axis=self.axis, keepdims=True)


def relu(x):
    """Rectified linear unit: `max(x, 0)`.

    Example:
    >>> from kara import ops
    >>> ops.relu([-1.0, 2.0]).numpy()
    array([0., 2.], dtype=float32)
    """
    return ReLU()(float_arg(x, "relu"))


def relu6(x):
    """`min(max(x, 0), 6)`."""
    return ReLU6()(float_arg(x, "relu6"))


def sigmoid(x):
    """Logistic sigmoid `1 / (1 + exp(-x))`, stable for any `x`."""
    return Sigmoid()(float_arg(x, "sigmoid"))


def tanh(x):
    """Hyperbolic tangent."""
    return Tanh()(float_arg(x, "tanh"))


def softplus(x):
    """`log(1 + exp(x))`, stable for any `x`."""
    return Softplus()(float_arg(x, "softplus"))


def log_sigmoid(x):
    """`log(sigmoid(x))`, stable for any `x`."""
    return LogSigmoid()(float_arg(x, "log_sigmoid"))


def softmax(x, axis=-1):
    """Softmax along `axis`: `exp(x) / sum(exp(x))`, computed stably.

    Example:
    >>> from kara import ops
    >>> ops.softmax([1000.0, 1000.0]).numpy()
    array([0.5, 0.5], dtype=float32)
    """
    x = float_arg(x, "softmax")
    return Softmax(normalize_axis(axis, x.ndim, "softmax"))(x)


def log_softmax(x, axis=-1):
    """`log(softmax(x))` along `axis`, computed stably."""
    x = float_arg(x, "log_softmax")
    return LogSoftmax(normalize_axis(axis, x.ndim, "log_softmax"))(x)


def one_hot(x, num_classes, axis=-1, dtype=None, sparse=False):
    """One-hot encodes integer labels (not differentiable).

    Args:
        x: integer class ids.
        num_classes: the number of classes.
        axis: where the class axis goes.
        dtype: the result dtype (floatx by default).

    Example:
    >>> from kara import ops
    >>> ops.one_hot([0, 2], 3).numpy()
    array([[1., 0., 0.],
           [0., 0., 1.]], dtype=float32)
    """
    idx = np.asarray(tensor_arg(x, "one_hot").data)
    if idx.dtype.kind not in "iu":
        if idx.dtype.kind == "f" and np.all(idx == np.round(idx)):
            idx = idx.astype("int64")
        else:
            raise TypeError(
                f"one_hot: `x` must hold integer class ids. Received dtype "
                f"{idx.dtype}."
            )
    num_classes = int(num_classes)
    out = np.zeros(idx.shape + (num_classes,), backend.standardize_dtype(dtype))
    valid = (idx >= 0) & (idx < num_classes)  # out-of-range ids -> all zeros
    np.put_along_axis(
        out, np.where(valid, idx, 0)[..., None], valid[..., None], axis=-1
    )
    if axis != -1:
        out = np.moveaxis(out, -1, normalize_axis(axis, out.ndim, "one_hot"))
    return Tensor(out)


# ------------------------------------------------------------ fused dense
_FUSED_ACTIVATIONS = ("linear", "relu", "sigmoid", "tanh", "softmax")


class Dense(Function):
    """`activation(x @ kernel + bias)` as one node."""

    def __init__(self, activation):
        self.activation = activation

    def forward(self, x, kernel, *bias):
        y = np.matmul(x, kernel)
        if bias:
            y += bias[0]
        act = self.activation
        if act == "relu":
            _relu(y, out=y)
        elif act == "sigmoid":
            y = _sigmoid(y)
        elif act == "tanh":
            np.tanh(y, out=y)
        elif act == "softmax":
            y = _softmax(y, -1)
        self.save_for_backward(x, kernel, y)
        return y

    def backward(self, gy):
        x, kernel, y = self.saved
        act = self.activation
        if act == "relu":
            gz = gy * (y > 0)
        elif act == "sigmoid":
            gz = gy * y * (1 - y)
        elif act == "tanh":
            gz = gy * (1 - y * y)
        elif act == "softmax":
            gz = y * (gy - np.sum(gy * y, axis=-1, keepdims=True))
        else:
            gz = gy
        need = self.needs_input_grad
        gx = np.matmul(gz, kernel.T) if need[0] else None
        gk = gb = None
        # fold leading axes so the kernel gradient is one 2-D product
        gz2 = gz.reshape(-1, gz.shape[-1])
        if need[1]:
            gk = np.matmul(x.reshape(-1, x.shape[-1]).T, gz2)
        if len(need) > 2 and need[2]:
            gb = _sum(gz2, axis=0)
        return (gx, gk, gb) if len(need) > 2 else (gx, gk)


def dense(x, kernel, bias=None, activation=None):
    """The fused Dense op: `activation(x @ kernel + bias)` in one node.

    Args:
        x: inputs of shape `(..., in)`.
        kernel: weights of shape `(in, out)`.
        bias: optional `(out,)` bias.
        activation: `None`/`"linear"`, `"relu"`, `"sigmoid"`, `"tanh"` or
            `"softmax"`.

    Returns:
        A Tensor of shape `(..., out)`.

    Example:
    >>> from kara import ops
    >>> ops.dense([[1.0, 2.0]], [[1.0], [1.0]], [0.5], "relu").numpy()
    array([[3.5]], dtype=float32)
    """
    act = activation or "linear"
    if act not in _FUSED_ACTIVATIONS:
        raise ValueError(
            f"dense: activation {activation!r} is not fused; use one of "
            f"{_FUSED_ACTIVATIONS} or apply it after a linear dense."
        )
    x = float_arg(x, "dense", "x")
    kernel = tensor_arg(kernel, "dense", "kernel")
    xs, ks = x.data.shape, kernel.data.shape  # (the arrays: no properties)
    if not xs or len(ks) != 2 or xs[-1] != ks[0]:
        raise ValueError(
            f"dense: inputs of shape {xs} do not fit a kernel of shape "
            f"{ks}: the last axis of the inputs must equal the kernel's "
            "first axis."
        )
    if x.data.dtype != kernel.data.dtype:
        x = cast(x, kernel.dtype)
    args = (x, kernel) if bias is None else (x, kernel, bias)
    return Dense(act)(*args)


# ------------------------------------------------- fused cross-entropies
class SoftmaxCrossEntropy(Function):
    def __init__(self, axis):
        self.axis = axis

    def forward(self, labels, logits):
        logp = _log_softmax(logits, self.axis)
        self.save_for_backward(labels, logp)
        return -np.sum(labels * logp, axis=self.axis)

    def backward(self, gy):
        labels, logp = self.saved
        gy = np.expand_dims(gy, self.axis)
        g_labels = -gy * logp if self.needs_input_grad[0] else None
        g_logits = None
        if self.needs_input_grad[1]:
            # d/dz -sum(t log softmax z) = softmax(z) * sum(t) - t
            total = np.sum(labels, axis=self.axis, keepdims=True)
            g_logits = gy * (np.exp(logp) * total - labels)
        return g_labels, g_logits


class SparseSoftmaxCrossEntropy(Function):
    """`-log_softmax(logits)[label]` on the last axis, labels checked.

    One exponential of the shifted logits serves the loss, its gradient
    and the probabilities (`probabilities()`, the numbers `softmax`
    gives). With `shifted = z - max(z)` and `s = sum(exp(shifted))`:

        loss = log(s) - shifted[label]
        p = exp(shifted) / s
        d loss / d z = p - onehot(label)
    """

    def __init__(self, labels):
        self.labels = labels

    def forward(self, logits):
        n = logits.shape[-1]
        probs, loss = _softmax_and_xent(
            logits.reshape(-1, n),
            self.labels.reshape(-1),
            by_class=_few_classes(logits, -1),
        )
        self.save_for_backward(probs.reshape(logits.shape))
        return loss.reshape(self.labels.shape)

    def probabilities(self):
        """`softmax(logits)`, computed by `forward` (read-only use)."""
        return self.saved[0]

    def backward(self, gy):
        (probs,) = self.saved
        n = probs.shape[-1]
        gy = gy.reshape(-1)
        # (p - onehot) * gy, as p * gy with gy taken off at each label
        g = np.multiply(probs.reshape(-1, n), gy[:, None])
        g[_rows(g.shape[0]), self.labels.reshape(-1)] -= gy
        return g.reshape(probs.shape)


def _softmax_and_xent(x, labels, by_class):
    """`softmax(x)` along the rows of the 2-D `x`, and each row's
    `-log softmax(x)[label]` from the log-sum-exp (finite for any logits).

    The steps are `_softmax`'s (`_exp_shifted`) and `_log_softmax`'s, so
    the numbers are theirs bit for bit: `-(shifted - log(s))` and
    `log(s) - shifted` are the same float. `by_class`: work on the
    `(classes, batch)` transpose (see `_few_classes`).
    """
    rows = _rows(x.shape[0])
    if by_class:
        a, axis, pick = np.ascontiguousarray(x.T), 0, (labels, rows)
    else:
        a, axis, pick = x, 1, (rows, labels)
    e, rest, picked = _exp_shifted(a, axis, pick)
    loss = np.log1p(rest).reshape(-1)
    loss -= picked
    rest += 1
    e /= rest
    return (np.ascontiguousarray(e.T) if by_class else e), loss


_ROWS = np.arange(0)


def _rows(n):
    """`np.arange(n)` (int64), from a cache: every training step needs it."""
    global _ROWS
    if _ROWS.shape[0] < n:
        _ROWS = np.arange(max(n, 1024))
        _ROWS.flags.writeable = False  # shared: nobody may change it
    return _ROWS[:n]


class SigmoidCrossEntropy(Function):
    def forward(self, labels, logits):
        self.save_for_backward(labels, logits)
        # max(x, 0) - x t + log(1 + e^-|x|): never overflows
        return (
            np.maximum(logits, 0)
            - logits * labels
            + np.log1p(np.exp(-np.abs(logits)))
        )

    def backward(self, gy):
        labels, logits = self.saved
        g_labels = -gy * logits if self.needs_input_grad[0] else None
        g_logits = gy * (_sigmoid(logits) - labels)
        return g_labels, g_logits


def _same_float(labels, logits, op):
    logits = float_arg(logits, op, "logits")
    labels = tensor_arg(labels, op, "labels")
    if labels.dtype != logits.dtype:
        labels = cast(labels, logits.dtype)
    return labels, logits


def softmax_cross_entropy_with_logits(labels, logits, axis=-1):
    """Per-sample `-sum(labels * log_softmax(logits))`, fused and stable.

    Args:
        labels: class probabilities (e.g. one-hot), same shape as logits.
        logits: unnormalised scores.
        axis: the class axis.

    Returns:
        A Tensor of shape `logits.shape` without `axis`.
    """
    labels, logits = _same_float(labels, logits, "softmax_cross_entropy")
    if labels.shape != logits.shape:
        raise ValueError(
            "softmax_cross_entropy_with_logits: labels and logits must have "
            f"the same shape. Received labels {labels.shape} and logits "
            f"{logits.shape}."
        )
    ax = normalize_axis(axis, logits.ndim, "softmax_cross_entropy")
    return SoftmaxCrossEntropy(ax)(labels, logits)


def sparse_softmax_cross_entropy_with_logits(labels, logits):
    """Per-sample `-log_softmax(logits)[label]`, fused and stable.

    Args:
        labels: integer class ids of shape `logits.shape[:-1]`.
        logits: unnormalised scores `(..., num_classes)`.
    """
    logits = float_arg(logits, "sparse_softmax_cross_entropy", "logits")
    idx = np.asarray(getattr(labels, "data", labels))
    if idx.dtype.kind not in "iu":
        idx = idx.astype("int64")
    if idx.shape != logits.shape[:-1]:
        raise ValueError(
            "sparse_softmax_cross_entropy_with_logits: labels must have the "
            f"shape of logits without the last axis ({logits.shape[:-1]}). "
            f"Received labels {idx.shape} and logits {logits.shape}."
        )
    n = logits.shape[-1]
    if idx.size and (idx.min() < 0 or idx.max() >= n):
        bad = idx[(idx < 0) | (idx >= n)].reshape(-1)[0]
        raise ValueError(
            f"sparse_softmax_cross_entropy_with_logits: label {bad} is out "
            f"of range for {n} classes (valid ids are 0..{n - 1})."
        )
    return SparseSoftmaxCrossEntropy(idx)(logits)


def sigmoid_cross_entropy_with_logits(labels, logits):
    """Element-wise binary cross-entropy from logits, fused and stable.

    `max(x, 0) - x * t + log(1 + exp(-|x|))`, exact for any logit.
    """
    labels, logits = _same_float(labels, logits, "sigmoid_cross_entropy")
    return SigmoidCrossEntropy()(labels, logits)
