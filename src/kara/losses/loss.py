"""The `Loss` base class: per-sample losses, sample weights, reduction.

Calling a loss object runs three steps, as in Keras:

1. `y_true` and `y_pred` become Tensors of the loss's dtype (float32);
2. `call(y_true, y_pred)` returns one loss per sample (per time step, per
   pixel...), usually by averaging or summing over the last axis;
3. `reduce_weighted_values` multiplies by `sample_weight` (and by a Keras
   mask, if `y_pred` or the losses carry one) and reduces to a scalar.

The default reduction, `"sum_over_batch_size"`, divides the weighted sum
by the *number of per-sample losses*, not by the sum of the weights: a
sample with weight 0 still counts in the denominator.

What differs between Keras 3 and tf.keras 2 is collected in one table,
`PROFILE_RULES`, read through `rules()` at call time.

Example:
>>> from kara import losses, ops
>>> class SquaredError(losses.Loss):
...     def call(self, y_true, y_pred):
...         return ops.mean(ops.square(y_true - y_pred), axis=-1)
>>> float(SquaredError()([[0.0, 1.0]], [[1.0, 1.0]]))
0.5
"""

import dataclasses
import threading

import numpy as np

from kara import backend
from kara import config
from kara import ops
from kara.autograd.tensor import Tensor
from kara.utils import naming

# ------------------------------------------------------------ reductions
REDUCTIONS = (
    "sum_over_batch_size",
    "sum",
    None,
    "none",
    "mean",
    "mean_with_sample_weight",
    "auto",
)


class Reduction:
    """The tf.keras 2 names of the reductions (`keras.losses.Reduction`).

    Keras 3 takes the strings directly; these constants are the same
    strings, so `reduction=Reduction.SUM` and `reduction="sum"` are equal.
    `AUTO` means `"sum_over_batch_size"`.
    """

    AUTO = "auto"
    NONE = "none"
    SUM = "sum"
    SUM_OVER_BATCH_SIZE = "sum_over_batch_size"

    @classmethod
    def all(cls):
        return (cls.AUTO, cls.NONE, cls.SUM, cls.SUM_OVER_BATCH_SIZE)

    @classmethod
    def validate(cls, key):
        standardize_reduction(key)


def standardize_reduction(reduction):
    """Checks a `reduction` argument and returns it unchanged."""
    if reduction not in REDUCTIONS:
        valid = ", ".join(repr(r) for r in REDUCTIONS)
        raise ValueError(
            "Invalid value for argument `reduction`. Expected one of "
            f"{valid}. Received: reduction={reduction!r}"
            f"{naming.suggestion(reduction, [r for r in REDUCTIONS if r])}"
        )
    return reduction


# ------------------------------------------------------- shape alignment
def squeeze_or_expand_to_same_rank(x1, x2, expand_rank_1=True):
    """Lines up two tensors whose ranks differ by one (Keras 3 rule).

    If the higher-rank one ends in a size-1 axis, either the rank-1 one
    gains that axis (`(N,)` with `(N, 1)` gives two `(N, 1)`), or the size-1
    axis is squeezed (`(N, T)` with `(N, T, 1)` gives two `(N, T)`).
    Anything else is returned unchanged.
    """
    r1, r2 = len(x1.shape), len(x2.shape)
    if r1 == r2 + 1 and x1.shape[-1] == 1:
        if r2 == 1 and expand_rank_1:
            x2 = ops.expand_dims(x2, -1)
        else:
            x1 = ops.squeeze(x1, -1)
    elif r2 == r1 + 1 and x2.shape[-1] == 1:
        if r1 == 1 and expand_rank_1:
            x1 = ops.expand_dims(x1, -1)
        else:
            x2 = ops.squeeze(x2, -1)
    return x1, x2


def remove_squeezable_dimensions(y_true, y_pred):
    """Lines up targets and predictions as tf.keras 2 does.

    The higher-rank side loses its trailing size-1 axis, so `(N,)` with
    `(N, 1)` gives two `(N,)` (and the per-sample loss is then a scalar).
    """
    r1, r2 = len(y_true.shape), len(y_pred.shape)
    if r2 == r1 + 1 and y_pred.shape[-1] == 1:
        y_pred = ops.squeeze(y_pred, -1)
    elif r1 == r2 + 1 and y_true.shape[-1] == 1:
        y_true = ops.squeeze(y_true, -1)
    return y_true, y_pred


def _weights_keras3(values, weights):
    """Keras 3: the shared rank rule, plus `(N,)` weights on `(N, T)` losses.

    Keras 3 itself fails on the last case; tf.keras 2 and kara give each
    sample's weight to all its time steps.
    """
    rv, rw = len(values.shape), weights.ndim
    if rv == rw + 1 and values.shape[-1] == 1:
        if rw == 1:
            weights = weights[:, None]
        else:
            values = ops.squeeze(values, -1)
    elif rw == rv + 1 and weights.shape[-1] == 1:
        if rv == 1:
            values = ops.expand_dims(values, -1)
        else:
            weights = weights[..., 0]
    return values, _expand_prefix(values, weights)


def _weights_keras2(values, weights):
    """tf.keras 2: weights lose or gain their last axis to match the losses."""
    rv, rw = len(values.shape), weights.ndim
    if rw == 0:
        return values, weights
    if rw == rv + 1 and weights.shape[-1] == 1:
        weights = weights[..., 0]
    elif rv == rw + 1:
        weights = weights[..., None]
    return values, weights


def _expand_prefix(values, weights):
    """Gives `(N,)` weights trailing axes when they match `values`' leading."""
    shape = tuple(values.shape)
    k = weights.ndim
    if 0 < k < len(shape) and weights.shape == shape[:k]:
        weights = weights.reshape(weights.shape + (1,) * (len(shape) - k))
    return weights


# --------------------------------------------------------- profile table
@dataclasses.dataclass(frozen=True)
class ProfileRules:
    """Everything in the losses that differs between Keras 3 and tf.keras 2.

    Attributes:
        bce_log_epsilon: tf.keras 2 adds epsilon inside the logs of binary
            cross-entropy on probabilities, `-t log(p + eps) - (1 - t)
            log(1 - p + eps)`, after clipping; Keras 3 only clips. (Seed
            001: 5.1416497 in tf.keras 2, 5.3726983 in Keras 3.)
        align_targets: how `(N,)` and `(N, 1)` are lined up:
            `squeeze_or_expand_to_same_rank` (Keras 3, both become
            `(N, 1)`) or `remove_squeezable_dimensions` (tf.keras 2, both
            become `(N,)`).
        align_arrays: Keras 3 lines up any inputs; tf.keras 2 only Tensors.
            Given NumPy arrays or lists, tf.keras 2 broadcasts `(N,)`
            against `(N, 1)` into an `(N, N)` loss (kara warns).
        align_weights: how `sample_weight` is lined up with the losses.
        smoothing_uses_axis: categorical label smoothing divides by the
            number of classes along `axis` (tf.keras 2) or along the last
            axis whatever `axis` is (Keras 3).
        l2_floor: cosine similarity normalises with
            `x / sqrt(max(sum(x^2), l2_floor))`, so a zero vector gives 0:
            `epsilon()^2` in Keras 3 (its `normalize` caps `1/||x||` at
            `1/epsilon()`), `1e-12` in tf.keras 2 (`l2_normalize`).
    """

    name: str
    bce_log_epsilon: bool
    align_targets: object
    align_arrays: bool
    align_weights: object
    smoothing_uses_axis: bool
    l2_floor: object


PROFILE_RULES = {
    "keras3": ProfileRules(
        name="keras3",
        bce_log_epsilon=False,
        align_targets=squeeze_or_expand_to_same_rank,
        align_arrays=True,
        align_weights=_weights_keras3,
        smoothing_uses_axis=False,
        l2_floor=lambda: config.epsilon() ** 2,
    ),
    "keras2": ProfileRules(
        name="keras2",
        bce_log_epsilon=True,
        align_targets=remove_squeezable_dimensions,
        align_arrays=False,
        align_weights=_weights_keras2,
        smoothing_uses_axis=True,
        l2_floor=lambda: 1e-12,
    ),
}


def rules():
    """The `ProfileRules` of the current profile (`kara.config.profile()`)."""
    return PROFILE_RULES[config.profile()]


# ------------------------------------------------------------- the call
class _CallContext:
    """What a loss call knows while it runs: who is calling, with what.

    The per-sample functions read it to warn once per loss object and to
    name the loss in their messages; tf.keras 2 alignment needs to know
    whether the inputs were Tensors before conversion.
    """

    _local = threading.local()  # one stack of running calls per thread

    def __init__(self, loss, tensors):
        self.loss, self.tensors = loss, tensors

    @classmethod
    def stack(cls):
        try:  # (read on every loss call: the common case first)
            return cls._local.stack
        except AttributeError:  # the first loss call in this thread
            cls._local.stack = []
            return cls._local.stack

    def __enter__(self):
        _CallContext.stack().append(self)
        return self

    def __exit__(self, *exc):
        _CallContext.stack().pop()


def current_call():
    """The innermost running loss call, or None for a direct function call."""
    stack = _CallContext.stack()
    return stack[-1] if stack else None


_name_counts = {}


def _auto_name(cls_name):
    """`MyLoss` -> `my_loss`, then `my_loss_1`, ... (Keras's `auto_name`)."""
    base = naming.to_snake_case(cls_name)
    n = _name_counts.get(base, 0)
    _name_counts[base] = n + 1
    return base if n == 0 else f"{base}_{n}"


def as_input(x, dtype, name):
    """Converts a loss input to a Tensor of `dtype` (None keeps the dtype)."""
    if isinstance(x, Tensor):
        if dtype is None or x.data.dtype == dtype:
            return x
        return ops.cast(x, dtype)
    return Tensor(backend.as_array(x, dtype=dtype, name=name))


class Loss:
    """Loss base class: subclass it and implement `call(y_true, y_pred)`.

    Args:
        name: the loss's name (snake_case of the class name by default).
        reduction: `"sum_over_batch_size"` (default; `"mean"` and tf.keras
            2's `"auto"` are the same), `"sum"`, `"mean_with_sample_weight"`
            (sum divided by the sum of the weights), or `"none"`/`None`
            (one loss per sample).
        dtype: the dtype of the computation (`floatx()`, float32, by
            default). Inputs are converted to it.

    To be implemented by subclasses:

    * `call(y_true, y_pred)`: returns the per-sample losses, built with
      `kara.ops` so that they are differentiable.

    Example subclass:

    ```python
    class MeanSquaredError(Loss):
        def call(self, y_true, y_pred):
            return ops.mean(ops.square(y_pred - y_true), axis=-1)
    ```
    """

    # Losses on integer class ids keep y_true's dtype instead of casting it
    # to float (the labels are indices, never differentiated).
    _integer_labels = False

    def __init__(self, name=None, reduction="sum_over_batch_size", dtype=None):
        self.name = name or _auto_name(type(self).__name__)
        self.reduction = standardize_reduction(reduction)
        self._dtype = backend.standardize_dtype(dtype or config.floatx())
        self._warned = set()

    @property
    def dtype(self):
        return self._dtype

    def __call__(self, y_true, y_pred, sample_weight=None):
        """Computes the reduced (or per-sample) loss.

        Args:
            y_true: targets: a list, NumPy array or Tensor.
            y_pred: predictions, of the same kinds.
            sample_weight: None, a scalar, or weights of shape `(N,)`,
                `(N, 1)` or per time step `(N, T)`.

        Returns:
            A Tensor: a scalar, or the weighted per-sample losses when
            `reduction` is `"none"`.
        """
        in_mask = getattr(y_pred, "_keras_mask", None)
        tensors = isinstance(y_true, Tensor) and isinstance(y_pred, Tensor)
        y_pred = as_input(y_pred, self._dtype, "y_pred")
        label_dtype = None if self._integer_labels else self._dtype
        y_true = as_input(y_true, label_dtype, "y_true")
        with _CallContext(self, tensors):
            losses = self.call(y_true, y_pred)
        if not isinstance(losses, Tensor):
            losses = as_input(losses, self._dtype, "losses")
        out_mask = getattr(losses, "_keras_mask", None)
        if in_mask is not None and out_mask is not None:
            mask = backend.as_array(in_mask) & backend.as_array(out_mask)
        else:
            mask = in_mask if out_mask is None else out_mask
        return reduce_weighted_values(
            losses,
            sample_weight=sample_weight,
            mask=mask,
            reduction=self.reduction,
            dtype=self._dtype,
        )

    def call(self, y_true, y_pred):
        raise NotImplementedError(
            f"{type(self).__name__} must implement `call(y_true, y_pred)`, "
            "returning the per-sample losses."
        )

    def get_config(self):
        return {"name": self.name, "reduction": self.reduction}

    @classmethod
    def from_config(cls, config):
        return cls(**config)

    def __repr__(self):
        return f"<{type(self).__name__} name={self.name!r}>"


# ------------------------------------------------------------ reduction
def reduce_values(values, sample_weight=None, reduction="sum_over_batch_size"):
    """Reduces weighted per-sample losses to a scalar (see module docstring).

    Args:
        values: the weighted per-sample losses, a Tensor.
        sample_weight: the weights (a NumPy array), for
            `"mean_with_sample_weight"`.
        reduction: one of `REDUCTIONS`.
    """
    shape = tuple(values.shape)
    if reduction in (None, "none") or shape in ((), (0,)):
        return values
    if reduction == "sum":
        return ops.sum(values)
    if reduction == "mean_with_sample_weight" and sample_weight is not None:
        divisor = np.sum(sample_weight, dtype=values.dtype)
    else:
        divisor = values.size
    if divisor == 0:  # Keras divides with divide_no_nan: 0, not NaN
        return ops.sum(values) * 0.0
    if reduction != "mean_with_sample_weight" or sample_weight is None:
        return ops.mean(values)
    return ops.divide(ops.sum(values), np.asarray(divisor, values.dtype))


def apply_mask(sample_weight, mask, dtype, reduction):
    """Merges a Keras mask into the sample weights.

    For the averaging reductions, valid entries weigh `total / valid`, so
    the loss is the mean over valid entries only (0 if none is valid).
    """
    if mask is None:
        return sample_weight
    mask = np.asarray(backend.as_array(mask)).astype(bool)
    if reduction in ("mean", "sum_over_batch_size", "auto"):
        valid = int(mask.sum())
        scale = mask.size / valid if valid else 0.0
        float_mask = np.where(mask, scale, 0.0).astype(dtype)
    else:
        float_mask = mask.astype(dtype)
    if sample_weight is None:
        return float_mask
    float_mask, sample_weight = _np_same_rank(float_mask, sample_weight)
    return sample_weight * float_mask


def _np_same_rank(x1, x2):
    """`squeeze_or_expand_to_same_rank` on NumPy arrays."""
    if x1.ndim == x2.ndim + 1 and x1.shape[-1] == 1:
        x1, x2 = (x1, x2[..., None]) if x2.ndim == 1 else (x1[..., 0], x2)
    elif x2.ndim == x1.ndim + 1 and x2.shape[-1] == 1:
        x1, x2 = (x1[..., None], x2) if x1.ndim == 1 else (x1, x2[..., 0])
    return x1, x2


def reduce_weighted_values(
    values,
    sample_weight=None,
    mask=None,
    reduction="sum_over_batch_size",
    dtype=None,
):
    """Weights per-sample losses, then reduces them.

    Args:
        values: per-sample losses (a Tensor).
        sample_weight: None, a scalar, or an array lined up with `values`
            by the profile's rule (`(N,)`, `(N, 1)`, `(N, T)`...).
        mask: an optional boolean mask of the losses (Keras mask).
        reduction: one of `REDUCTIONS`.
        dtype: the dtype of the weights (that of `values` by default).

    Returns:
        A Tensor.
    """
    if (
        sample_weight is None
        and mask is None
        and reduction == "sum_over_batch_size"
        and isinstance(values, Tensor)
    ):
        # the default, once a training step: nothing to weight or check
        return reduce_values(values, None, reduction)
    reduction = standardize_reduction(reduction)
    if not isinstance(values, Tensor):
        values = as_input(values, dtype, "losses")
    dtype = dtype or values.dtype
    if sample_weight is not None:
        sample_weight = np.asarray(
            backend.as_array(sample_weight, dtype=dtype, name="sample_weight")
        )
    sample_weight = apply_mask(sample_weight, mask, dtype, reduction)
    if sample_weight is not None:
        values, sample_weight = rules().align_weights(values, sample_weight)
        try:
            np.broadcast_shapes(tuple(values.shape), sample_weight.shape)
        except ValueError:
            raise _weight_shape_error(values, sample_weight) from None
        values = ops.multiply(values, sample_weight.astype(values.dtype))
    return reduce_values(values, sample_weight, reduction)


def _weight_shape_error(values, weights):
    shape = tuple(values.shape)
    n = shape[0] if shape else 1
    return ValueError(
        f"sample_weight has shape {weights.shape}, which does not fit the "
        f"per-sample losses of shape {shape}. Pass a scalar, one weight "
        f"per sample (shape ({n},) or ({n}, 1)), or one weight per loss "
        f"value (shape {shape})."
    )
