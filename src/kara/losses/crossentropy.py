"""Cross-entropy losses: binary, categorical and sparse categorical.

Two ways in, as in Keras:

- `from_logits=True`: `y_pred` holds raw scores. The loss uses the stable
  forms, `max(x, 0) - x t + log(1 + exp(-|x|))` (sigmoid) and log-softmax
  through log-sum-exp, exact for logits of any size.
- `from_logits=False` (default): `y_pred` holds probabilities, clipped to
  `[eps, 1 - eps]` with `eps = kara.config.epsilon()` (1e-7) before the
  log. A wrong answer therefore costs at most `-log(1e-7)` = 16.118 per
  element, and probabilities of exactly 0 or 1 give finite losses. Rows
  of categorical probabilities are renormalised to sum to 1 first.

If `y_pred` came out of a softmax or sigmoid that recorded its input as
`_keras_logits`, the loss uses those logits (as Keras does on TensorFlow).

Which labels fit which loss:

| labels                         | loss                              |
|--------------------------------|-----------------------------------|
| 0/1 per output, `(N, k)`       | `binary_crossentropy` (sigmoid)   |
| one-hot rows, `(N, C)`         | `categorical_crossentropy`        |
| class ids, `(N,)` or `(N, 1)`  | `sparse_categorical_crossentropy` |
"""

import warnings

import numpy as np

from kara import config
from kara import ops
from kara.losses import _fused
from kara.losses import checks
from kara.losses.loss import rules
from kara.losses.wrapper import LossFunctionWrapper
from kara.losses.wrapper import canonical_axis
from kara.losses.wrapper import keras_logits
from kara.losses.wrapper import logits_like
from kara.losses.wrapper import prepare
from kara.ops import nn as nn_ops


def _from_logits_warning(fn_name, activation):
    checks.warn_once(
        "from_logits",
        f'"`{fn_name}` received `from_logits=True`, but the `output` '
        f"argument was produced by a {activation} activation and thus does "
        "not represent logits. Was this intended?",
    )


def _use_logits(fn_name, y_pred, attached, from_logits, activation):
    """Returns the logits to use, or None for the probability path."""
    if attached is not None:
        if from_logits:
            _from_logits_warning(fn_name, activation)
        return logits_like(attached, y_pred)
    return y_pred if from_logits else None


def _smooth_binary(y_true, label_smoothing):
    if not label_smoothing:
        return y_true
    return y_true * (1.0 - label_smoothing) + 0.5 * label_smoothing


def _binary_inputs(y_true, y_pred, fn_name):
    y_true, y_pred = prepare(y_true, y_pred)
    if tuple(y_true.shape) != tuple(y_pred.shape):
        if y_true.size != y_pred.size:
            raise checks.binary_shape_error(fn_name, y_true, y_pred)
        # (N,) against (N, 1) left unaligned (tf.keras 2 on arrays)
        checks.check_broadcast(fn_name, y_true, y_pred)
    return y_true, y_pred


def _clipped_bce(y_true, y_pred):
    r = rules()
    fn = _fused.ClippedBinaryCrossentropy(config.epsilon(), r.bce_log_epsilon)
    return fn(y_true, y_pred)


# ------------------------------------------------------------- binary
def binary_crossentropy(
    y_true, y_pred, from_logits=False, label_smoothing=0.0, axis=-1
):
    """Binary cross-entropy, averaged over `axis`, per sample.

    Formula:

    ```python
    # probabilities, p = clip(y_pred, eps, 1 - eps)
    loss = -mean(y_true * log(p) + (1 - y_true) * log(1 - p), axis=axis)
    # logits x
    loss = mean(max(x, 0) - x * y_true + log(1 + exp(-abs(x))), axis=axis)
    ```

    Under the "keras2" profile, probabilities get `eps` inside the logs
    as well (tf.keras 2.15's formula).

    Args:
        y_true: 0/1 targets (or soft targets in [0, 1]).
        y_pred: probabilities, or logits with `from_logits=True`.
        from_logits: whether `y_pred` holds logits.
        label_smoothing: in [0, 1]; targets become
            `y_true * (1 - ls) + 0.5 * ls`.
        axis: the axis averaged over.

    Returns:
        The per-sample losses.

    Example:
    >>> from kara import losses
    >>> losses.binary_crossentropy([[0.0, 1.0]], [[0.5, 0.5]]).numpy()
    array([0.6931472], dtype=float32)
    """
    attached = keras_logits(y_pred)
    y_true, y_pred = _binary_inputs(y_true, y_pred, "binary_crossentropy")
    axis = canonical_axis(axis, len(y_pred.shape), "binary_crossentropy")
    y_true = _smooth_binary(y_true, label_smoothing)
    logits = _use_logits(
        "binary_crossentropy", y_pred, attached, from_logits, "Sigmoid"
    )
    if logits is not None:
        elementwise = ops.sigmoid_cross_entropy_with_logits(y_true, logits)
    else:
        checks.warn_if_logits("binary_crossentropy", y_pred, "sigmoid")
        elementwise = _clipped_bce(y_true, y_pred)
    return ops.mean(elementwise, axis=axis)


# --------------------------------------------------------- categorical
def _categorical_inputs(y_true, y_pred, axis, label_smoothing, fn_name):
    y_true, y_pred = prepare(y_true, y_pred)
    axis = canonical_axis(axis, len(y_pred.shape), fn_name)
    if y_pred.shape[-1] == 1:
        warnings.warn(
            f"In loss {fn_name}, expected y_pred.shape to be (batch_size, "
            "num_classes) with num_classes > 1. Received: "
            f"y_pred.shape={tuple(y_pred.shape)}. Consider using "
            "'binary_crossentropy' if you only have 2 classes.",
            SyntaxWarning,
            stacklevel=checks.user_stacklevel(),
        )
    if tuple(y_true.shape) != tuple(y_pred.shape):
        raise checks.categorical_shape_error(fn_name, y_true, y_pred)
    if label_smoothing:
        # Keras 3 counts classes on the last axis whatever `axis` is;
        # tf.keras 2 on `axis` (the profile table says which).
        use_axis = rules().smoothing_uses_axis and fn_name == (
            "categorical_crossentropy"
        )
        n = y_true.shape[axis if use_axis else -1]
        y_true = y_true * (1.0 - label_smoothing) + label_smoothing / n
    return y_true, y_pred, axis


def categorical_crossentropy(
    y_true, y_pred, from_logits=False, label_smoothing=0.0, axis=-1
):
    """Categorical cross-entropy against one-hot (or soft) targets.

    Formula:

    ```python
    # probabilities: renormalise, clip, log
    p = clip(y_pred / sum(y_pred, axis), eps, 1 - eps)
    loss = -sum(y_true * log(p), axis=axis)
    # logits x
    loss = -sum(y_true * log_softmax(x, axis), axis=axis)
    ```

    Args:
        y_true: one-hot targets, the shape of `y_pred`. For integer class
            ids use `sparse_categorical_crossentropy`.
        y_pred: class probabilities, or logits with `from_logits=True`.
        from_logits: whether `y_pred` holds logits.
        label_smoothing: targets become
            `y_true * (1 - ls) + ls / num_classes`.
        axis: the class axis.

    Example:
    >>> from kara import losses
    >>> losses.categorical_crossentropy(
    ...     [[0, 1, 0], [0, 0, 1]], [[0.05, 0.95, 0], [0.1, 0.8, 0.1]]
    ... ).numpy()
    array([0.05129331, 2.3025851 ], dtype=float32)
    """
    fn_name = "categorical_crossentropy"
    attached = keras_logits(y_pred)
    y_true, y_pred, axis = _categorical_inputs(
        y_true, y_pred, axis, label_smoothing, fn_name
    )
    logits = _use_logits(fn_name, y_pred, attached, from_logits, "Softmax")
    if logits is not None:
        return ops.softmax_cross_entropy_with_logits(y_true, logits, axis=axis)
    checks.warn_if_logits(fn_name, y_pred, "softmax")
    fn = _fused.ClippedCategoricalCrossentropy(
        config.epsilon(), axis % len(y_pred.shape)
    )
    return fn(y_true, y_pred)


# -------------------------------------------------------------- sparse
def sparse_categorical_crossentropy(
    y_true, y_pred, from_logits=False, ignore_class=None, axis=-1
):
    """Categorical cross-entropy against integer class ids.

    Formula:

    ```python
    # probabilities: clip, then renormalise
    p = clip(y_pred, eps, 1 - eps)
    loss = -log(p[y_true] / sum(p, axis=-1))
    # logits x
    loss = -log_softmax(x)[y_true]
    ```

    Args:
        y_true: class ids in `[0, num_classes)`, shape `y_pred.shape`
            without the class axis (a trailing size-1 axis is allowed).
            For one-hot rows use `categorical_crossentropy`.
        y_pred: class probabilities, or logits with `from_logits=True`.
        from_logits: whether `y_pred` holds logits.
        ignore_class: a label to leave out (e.g. -1 or a "void" class):
            its loss is 0 and it is masked out of the average.
        axis: the class axis.

    Example:
    >>> from kara import losses
    >>> losses.sparse_categorical_crossentropy(
    ...     [1, 2], [[0.05, 0.95, 0], [0.1, 0.8, 0.1]]
    ... ).numpy()
    array([0.05129343, 2.3025851 ], dtype=float32)
    """
    fn_name = "sparse_categorical_crossentropy"
    attached = keras_logits(y_pred)
    y_true, y_pred = prepare(y_true, y_pred, labels="keep")
    ndim = len(y_pred.shape)
    axis = canonical_axis(axis, ndim, fn_name) % ndim
    if len(y_true.shape) == ndim and y_true.shape[axis] == 1:
        y_true = ops.squeeze(y_true, axis)
    ids_shape = tuple(y_pred.shape[:axis] + y_pred.shape[axis + 1 :])
    if tuple(y_true.shape) != ids_shape:
        raise checks.sparse_shape_error(fn_name, y_true, y_pred, axis)
    ids = checks.class_ids(fn_name, y_true)
    checks.check_class_ids(fn_name, ids, y_pred.shape[axis], ignore_class)
    valid = None
    if ignore_class is not None:
        valid = ids != ignore_class
        ids = ids * valid  # ignored labels become class 0, masked below
    logits = _use_logits(fn_name, y_pred, attached, from_logits, "Softmax")
    if logits is None:
        checks.warn_if_logits(fn_name, y_pred, "softmax")
    res = _sparse_crossentropy(ids, y_pred, logits, axis)
    if valid is not None:
        res = ops.where(valid, res, 0.0)
        res._keras_mask = valid
    return res


# labels are class ids: LossFunctionWrapper keeps their integer dtype
sparse_categorical_crossentropy._integer_labels = True


def _sparse_crossentropy(ids, y_pred, logits, axis):
    """`-log p[label]` along `axis`, from logits or clipped probabilities."""
    last = axis == len(y_pred.shape) - 1
    if logits is not None:
        if last:
            # the fused op itself: shapes and class ids were checked above,
            # so its public wrapper's checks would only repeat them
            return nn_ops.SparseSoftmaxCrossEntropy(ids)(logits)
        # any axis (and any memory layout): log-softmax, then pick
        logp = ops.log_softmax(logits, axis=axis)
        idx = np.expand_dims(ids, axis)
        return -ops.squeeze(ops.take_along_axis(logp, idx, axis=axis), axis)
    eps = config.epsilon()
    if last:
        return _fused.ClippedSparseCrossentropy(eps, ids)(y_pred)
    c = ops.clip(y_pred, eps, 1.0 - eps)
    picked = ops.take_along_axis(c, np.expand_dims(ids, axis), axis=axis)
    total = ops.sum(c, axis=axis)
    return ops.log(total) - ops.log(ops.squeeze(picked, axis))


# --------------------------------------------------------------- classes
def _config(loss, *keys):
    config = {"name": loss.name, "reduction": loss.reduction}
    config.update({k: getattr(loss, k) for k in keys})
    return config


class BinaryCrossentropy(LossFunctionWrapper):
    """Binary cross-entropy (see `binary_crossentropy`).

    For 0/1 labels and one sigmoid output per label.

    Formula:

    ```python
    loss = -mean(y_true * log(p) + (1 - y_true) * log(1 - p))
    ```

    Args:
        from_logits: whether `y_pred` holds logits (default False).
        label_smoothing: in [0, 1].
        axis: the axis averaged over (-1).
        reduction, name, dtype: see `Loss`.

    Example (seed 001: 5.3726983 in Keras 3, 5.1416497 under the
    "keras2" profile):
    >>> import numpy as np
    >>> from kara import losses
    >>> bce = losses.BinaryCrossentropy(
    ...     reduction=losses.Reduction.SUM_OVER_BATCH_SIZE)
    >>> y_true = np.array([1.0, 1.0, 1.0]).reshape(-1, 1)
    >>> y_pred = np.array([1.0, 1.0, 0.0]).reshape(-1, 1)
    >>> bce(y_true, y_pred).numpy()
    array(5.3726983, dtype=float32)
    """

    def __init__(
        self,
        from_logits=False,
        label_smoothing=0.0,
        axis=-1,
        reduction="sum_over_batch_size",
        name="binary_crossentropy",
        dtype=None,
    ):
        super().__init__(
            binary_crossentropy,
            name=name,
            reduction=reduction,
            dtype=dtype,
            from_logits=from_logits,
            label_smoothing=label_smoothing,
            axis=axis,
        )
        self.from_logits = from_logits
        self.label_smoothing = label_smoothing
        self.axis = axis

    def get_config(self):
        return _config(self, "from_logits", "label_smoothing", "axis")


class CategoricalCrossentropy(LossFunctionWrapper):
    """Categorical cross-entropy (see `categorical_crossentropy`).

    For one-hot labels and a softmax over the classes. Integer labels go
    with `SparseCategoricalCrossentropy`.

    Formula:

    ```python
    loss = -sum(y_true * log(y_pred), axis=-1)
    ```

    Args:
        from_logits: whether `y_pred` holds logits (default False).
        label_smoothing: in [0, 1].
        axis: the class axis (-1).
        reduction, name, dtype: see `Loss`.

    Example:
    >>> from kara import losses
    >>> cce = losses.CategoricalCrossentropy()
    >>> round(float(cce([[0, 1, 0], [0, 0, 1]],
    ...                 [[0.05, 0.95, 0], [0.1, 0.8, 0.1]])), 3)
    1.177
    """

    def __init__(
        self,
        from_logits=False,
        label_smoothing=0.0,
        axis=-1,
        reduction="sum_over_batch_size",
        name="categorical_crossentropy",
        dtype=None,
    ):
        super().__init__(
            categorical_crossentropy,
            name=name,
            reduction=reduction,
            dtype=dtype,
            from_logits=from_logits,
            label_smoothing=label_smoothing,
            axis=axis,
        )
        self.from_logits = from_logits
        self.label_smoothing = label_smoothing
        self.axis = axis

    def get_config(self):
        return _config(self, "from_logits", "label_smoothing", "axis")


class SparseCategoricalCrossentropy(LossFunctionWrapper):
    """Sparse categorical cross-entropy (see
    `sparse_categorical_crossentropy`).

    For integer class ids and a softmax over the classes. One-hot labels go
    with `CategoricalCrossentropy`.

    Formula:

    ```python
    loss = -log(y_pred[y_true])
    ```

    Args:
        from_logits: whether `y_pred` holds logits (default False).
        ignore_class: a label to leave out of the loss, or None.
        reduction: see `Loss`.
        axis: the class axis (-1).
        name, dtype: see `Loss`.

    Example (seed 003):
    >>> from kara import losses
    >>> loss = losses.SparseCategoricalCrossentropy(
    ...     from_logits=True, reduction="none")
    >>> loss([1, 2], [[0.05, 0.95, 0], [0.1, 0.8, 0.1]]).numpy()
    array([0.58406353, 1.3897266 ], dtype=float32)
    """

    _integer_labels = True

    def __init__(
        self,
        from_logits=False,
        ignore_class=None,
        reduction="sum_over_batch_size",
        axis=-1,
        name="sparse_categorical_crossentropy",
        dtype=None,
    ):
        super().__init__(
            sparse_categorical_crossentropy,
            name=name,
            reduction=reduction,
            dtype=dtype,
            from_logits=from_logits,
            ignore_class=ignore_class,
            axis=axis,
        )
        self.from_logits = from_logits
        self.ignore_class = ignore_class
        self.axis = axis

    def get_config(self):
        return _config(self, "from_logits", "ignore_class")
