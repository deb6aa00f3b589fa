"""Cross-entropy variants that reweigh examples: focal and generalized.

Focal losses (Lin et al., 2017) scale the cross-entropy of each example by
`(1 - p_t) ** gamma`, so well-classified examples count less and training
focuses on hard ones. Generalized cross-entropy (Zhang & Sabuncu, 2018)
sits between cross-entropy and mean absolute error, which makes it more
robust to wrong labels. They share the input handling of `crossentropy`.
"""

from kara import config
from kara import ops
from kara.losses import checks
from kara.losses.crossentropy import _binary_inputs
from kara.losses.crossentropy import _categorical_inputs
from kara.losses.crossentropy import _clipped_bce
from kara.losses.crossentropy import _config
from kara.losses.crossentropy import _smooth_binary
from kara.losses.wrapper import LossFunctionWrapper
from kara.losses.wrapper import canonical_axis
from kara.losses.wrapper import keras_logits
from kara.losses.wrapper import logits_like
from kara.losses.wrapper import prepare


def binary_focal_crossentropy(
    y_true,
    y_pred,
    apply_class_balancing=False,
    alpha=0.25,
    gamma=2.0,
    from_logits=False,
    label_smoothing=0.0,
    axis=-1,
):
    """Binary cross-entropy scaled down on easy examples (focal loss).

    Formula:

    ```python
    p_t = y_true * p + (1 - y_true) * (1 - p)      # p = sigmoid(logits)
    loss = mean((1 - p_t) ** gamma * bce, axis=axis)
    # with apply_class_balancing, each term is also multiplied by
    # alpha for positives and (1 - alpha) for negatives
    ```

    With `from_logits=True` the cross-entropy term is computed from the
    logits (exact), as Keras does.

    Args:
        y_true: 0/1 targets.
        y_pred: probabilities, or logits with `from_logits=True`.
        apply_class_balancing: weigh positives by `alpha`, negatives by
            `1 - alpha`.
        alpha: the class-balancing weight.
        gamma: the focusing parameter (0 gives plain cross-entropy).
        from_logits: whether `y_pred` holds logits.
        label_smoothing: as in `binary_crossentropy`.
        axis: the axis averaged over.

    Example:
    >>> from kara import losses
    >>> losses.binary_focal_crossentropy([[0.0, 1.0]], [[0.5, 0.5]]).numpy()
    array([0.1732868], dtype=float32)
    """
    fn_name = "binary_focal_crossentropy"
    attached = keras_logits(y_pred)
    y_true, y_pred = _binary_inputs(y_true, y_pred, fn_name)
    axis = canonical_axis(axis, len(y_pred.shape), fn_name)
    y_true = _smooth_binary(y_true, label_smoothing)
    if from_logits:
        logits, p = y_pred, ops.sigmoid(y_pred)
    else:
        logits, p = logits_like(attached, y_pred), y_pred
    if logits is not None:
        bce = ops.sigmoid_cross_entropy_with_logits(y_true, logits)
    else:
        checks.warn_if_logits(fn_name, y_pred, "sigmoid")
        bce = _clipped_bce(y_true, p)
    p_t = y_true * p + (1.0 - y_true) * (1.0 - p)
    focal = bce if gamma == 0 else ops.power(1.0 - p_t, gamma) * bce
    if apply_class_balancing:
        weight = y_true * alpha + (1.0 - y_true) * (1.0 - alpha)
        focal = weight * focal
    return ops.mean(focal, axis=axis)


def categorical_focal_crossentropy(
    y_true,
    y_pred,
    alpha=0.25,
    gamma=2.0,
    from_logits=False,
    label_smoothing=0.0,
    axis=-1,
):
    """Categorical cross-entropy scaled down on easy examples (focal loss).

    Formula:

    ```python
    p = clip(y_pred / sum(y_pred, axis), eps, 1 - eps)   # softmax first
    loss = sum(alpha * (1 - p) ** gamma * -y_true * log(p), axis=axis)
    ```

    Args:
        y_true: one-hot targets.
        y_pred: class probabilities, or logits with `from_logits=True`.
        alpha: a weight applied to every class.
        gamma: the focusing parameter.
        from_logits: whether `y_pred` holds logits.
        label_smoothing: as in `categorical_crossentropy`.
        axis: the class axis.

    Example:
    >>> from kara import losses
    >>> losses.categorical_focal_crossentropy([[0, 1]], [[0.5, 0.5]]).numpy()
    array([0.0433217], dtype=float32)
    """
    fn_name = "categorical_focal_crossentropy"
    y_true, y_pred, axis = _categorical_inputs(
        y_true, y_pred, axis, label_smoothing, fn_name
    )
    if from_logits:
        y_pred = ops.softmax(y_pred, axis=axis)
    else:
        checks.warn_if_logits(fn_name, y_pred, "softmax")
    eps = config.epsilon()
    output = y_pred / ops.sum(y_pred, axis=axis, keepdims=True)
    output = ops.clip(output, eps, 1.0 - eps)
    cce = -y_true * ops.log(output)
    factor = alpha if gamma == 0 else ops.power(1.0 - output, gamma) * alpha
    return ops.sum(factor * cce, axis=axis)


def categorical_generalized_cross_entropy(y_true, y_pred, q):
    """Generalized cross-entropy (Zhang & Sabuncu, 2018), robust to noise.

    Between cross-entropy (`q -> 0`) and mean absolute error (`q = 1`).

    Formula:

    ```python
    p = y_pred[y_true]            # the probability of the true class
    loss = (1 - p ** q) / q
    ```

    Args:
        y_true: integer class ids, shape `(N,)`.
        y_pred: class probabilities, shape `(N, num_classes)`.
        q: in (0, 1).

    Example:
    >>> from kara import losses
    >>> losses.categorical_generalized_cross_entropy(
    ...     [0, 1], [[0.25, 0.75], [0.25, 0.75]], q=0.5
    ... ).numpy()
    array([1.        , 0.26794922], dtype=float32)
    """
    fn_name = "categorical_generalized_cross_entropy"
    y_true, y_pred = prepare(y_true, y_pred, labels="keep")
    if len(y_true.shape) == len(y_pred.shape) and y_true.shape[-1] == 1:
        y_true = ops.squeeze(y_true, -1)
    if tuple(y_true.shape) != tuple(y_pred.shape[:-1]):
        raise checks.sparse_shape_error(fn_name, y_true, y_pred)
    ids = checks.class_ids(fn_name, y_true)
    checks.check_class_ids(fn_name, ids, y_pred.shape[-1])
    p = ops.take_along_axis(y_pred, ids[..., None], axis=-1)[..., 0]
    return (1.0 - ops.power(p, q)) / q


# --------------------------------------------------------------- classes
class BinaryFocalCrossentropy(LossFunctionWrapper):
    """Binary focal cross-entropy (see `binary_focal_crossentropy`).

    Formula:

    ```python
    loss = -mean((1 - p_t) ** gamma * log(p_t))
    ```

    Args:
        apply_class_balancing: weigh classes by `alpha` / `1 - alpha`.
        alpha: 0.25.
        gamma: 2.0.
        from_logits, label_smoothing, axis: as in `BinaryCrossentropy`.
        reduction, name, dtype: see `Loss`.
    """

    def __init__(
        self,
        apply_class_balancing=False,
        alpha=0.25,
        gamma=2.0,
        from_logits=False,
        label_smoothing=0.0,
        axis=-1,
        reduction="sum_over_batch_size",
        name="binary_focal_crossentropy",
        dtype=None,
    ):
        super().__init__(
            binary_focal_crossentropy,
            name=name,
            reduction=reduction,
            dtype=dtype,
            apply_class_balancing=apply_class_balancing,
            alpha=alpha,
            gamma=gamma,
            from_logits=from_logits,
            label_smoothing=label_smoothing,
            axis=axis,
        )
        self.from_logits = from_logits
        self.label_smoothing = label_smoothing
        self.axis = axis
        self.apply_class_balancing = apply_class_balancing
        self.alpha = alpha
        self.gamma = gamma

    def get_config(self):
        return _config(
            self,
            "from_logits",
            "label_smoothing",
            "axis",
            "apply_class_balancing",
            "alpha",
            "gamma",
        )


class CategoricalFocalCrossentropy(LossFunctionWrapper):
    """Categorical focal cross-entropy (see
    `categorical_focal_crossentropy`).

    Formula:

    ```python
    loss = -sum(alpha * (1 - p) ** gamma * y_true * log(p), axis=-1)
    ```

    Args:
        alpha: 0.25.
        gamma: 2.0.
        from_logits, label_smoothing, axis: as in
            `CategoricalCrossentropy`.
        reduction, name, dtype: see `Loss`.
    """

    def __init__(
        self,
        alpha=0.25,
        gamma=2.0,
        from_logits=False,
        label_smoothing=0.0,
        axis=-1,
        reduction="sum_over_batch_size",
        name="categorical_focal_crossentropy",
        dtype=None,
    ):
        super().__init__(
            categorical_focal_crossentropy,
            name=name,
            reduction=reduction,
            dtype=dtype,
            alpha=alpha,
            gamma=gamma,
            from_logits=from_logits,
            label_smoothing=label_smoothing,
            axis=axis,
        )
        self.from_logits = from_logits
        self.label_smoothing = label_smoothing
        self.axis = axis
        self.alpha = alpha
        self.gamma = gamma

    def get_config(self):
        return _config(
            self, "from_logits", "label_smoothing", "axis", "alpha", "gamma"
        )


class CategoricalGeneralizedCrossEntropy(LossFunctionWrapper):
    """Generalized cross-entropy (see
    `categorical_generalized_cross_entropy`).

    Formula:

    ```python
    loss = (1 - p_true ** q) / q
    ```

    Args:
        q: in (0, 1): near 0 it acts like cross-entropy, near 1 like MAE
            (more robust to wrong labels). Default 0.5.
        reduction, name, dtype: see `Loss`.
    """

    _integer_labels = True

    def __init__(
        self,
        q=0.5,
        reduction="sum_over_batch_size",
        name="categorical_generalized_cross_entropy",
        dtype=None,
    ):
        if not 0 < q < 1:
            raise ValueError(
                f"q must be in the interval (0, 1). Received: q={q}"
            )
        super().__init__(
            categorical_generalized_cross_entropy,
            name=name,
            reduction=reduction,
            dtype=dtype,
            q=q,
        )
        self.q = q

    def get_config(self):
        return _config(self, "q")
