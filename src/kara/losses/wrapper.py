"""`LossFunctionWrapper` and the helpers every per-sample function shares.

A built-in loss class is a `LossFunctionWrapper` around a per-sample
function (`MeanSquaredError` wraps `mean_squared_error`), with the
function's keyword arguments stored as the class's config. Any plain
function `fn(y_true, y_pred)` written with `kara.ops` can be wrapped the
same way to get sample weights and reductions.

Example:
>>> from kara import losses, ops
>>> def abs_error(y_true, y_pred):
...     return ops.mean(ops.abs(y_true - y_pred), axis=-1)
>>> loss = losses.LossFunctionWrapper(abs_error, reduction="sum")
>>> float(loss([[1.0], [2.0]], [[0.0], [0.0]]))
3.0
"""

from kara import config
from kara import ops
from kara.autograd.tensor import Tensor
from kara.losses.loss import Loss
from kara.losses.loss import as_input
from kara.losses.loss import current_call
from kara.losses.loss import rules


class LossFunctionWrapper(Loss):
    """Turns a per-sample function `fn(y_true, y_pred, **kwargs)` into a Loss.

    Args:
        fn: the function; it returns one loss per sample.
        reduction: see `Loss`.
        name: the loss's name (the function's name by default).
        dtype: see `Loss`.
        **kwargs: keyword arguments passed to `fn` on every call.
    """

    def __init__(
        self,
        fn,
        reduction="sum_over_batch_size",
        name=None,
        dtype=None,
        **kwargs,
    ):
        if isinstance(fn, (str, dict)):
            from kara.losses import deserialize

            fn = deserialize(fn)
        if not callable(fn):
            raise TypeError(
                "LossFunctionWrapper: `fn` must be a function "
                f"fn(y_true, y_pred). Received: fn={fn!r}"
            )
        super().__init__(
            name=name or getattr(fn, "__name__", None),
            reduction=reduction,
            dtype=dtype,
        )
        self.fn = fn
        self._fn_kwargs = kwargs
        # a function on class ids (it says so with `_integer_labels`) gets
        # its labels as they are, not cast to floats and back every step
        if getattr(fn, "_integer_labels", False):
            self._integer_labels = True

    def call(self, y_true, y_pred):
        y_true, y_pred = align(y_true, y_pred)
        return self.fn(y_true, y_pred, **self._fn_kwargs)

    def get_config(self):
        from kara.losses import serialize

        config = super().get_config()
        config["fn"] = serialize(self.fn)
        config.update(self._fn_kwargs)
        return config

    @classmethod
    def from_config(cls, config):
        config = dict(config)
        if cls is not LossFunctionWrapper:
            # a built-in class knows its function; tf.keras 2 configs
            # still carry it as "fn"
            config.pop("fn", None)
        return cls(**config)

    def __repr__(self):
        name = getattr(self.fn, "__name__", repr(self.fn))
        return f"<LossFunctionWrapper({name}, kwargs={self._fn_kwargs})>"


# --------------------------------------------------- per-sample helpers
def align(y_true, y_pred):
    """Lines up `(N,)` and `(N, 1)` inputs as the profile says.

    Keras 3 always does (both become `(N, 1)`); tf.keras 2 does only
    inside a loss object called on Tensors (both become `(N,)`).
    """
    r = rules()
    call = current_call()
    if r.align_arrays or (call is not None and call.tensors):
        if len(y_true.shape) != len(y_pred.shape):
            return r.align_targets(y_true, y_pred)
    return y_true, y_pred


def prepare(y_true, y_pred, labels="cast"):
    """Converts the inputs of a per-sample function and lines them up.

    Args:
        y_true: targets (list, array or Tensor).
        y_pred: predictions; integer predictions become `floatx()`, other
            float dtypes are kept (float64 in, float64 out).
        labels: `"cast"` casts `y_true` to `y_pred`'s dtype; `"keep"`
            keeps its dtype (class ids).

    Returns:
        `(y_true, y_pred)` as Tensors.
    """
    if not isinstance(y_pred, Tensor) or y_pred.data.dtype.kind != "f":
        y_pred = as_input(y_pred, None, "y_pred")
        if y_pred.data.dtype.kind != "f":
            y_pred = ops.cast(y_pred, config.floatx())
    dtype = y_pred.data.dtype if labels == "cast" else None
    y_true = as_input(y_true, dtype, "y_true")
    if labels == "cast":
        y_true, y_pred = align(y_true, y_pred)
    return y_true, y_pred


def keras_logits(y_pred):
    """The logits a softmax/sigmoid attached to its output, or None.

    Keras (TensorFlow backend) records the input of `softmax`/`sigmoid` on
    the output tensor as `_keras_logits`, and its cross-entropies then
    compute from those logits (exact, no clipping). kara does the same
    when an op or layer attaches `_keras_logits` to a Tensor.
    """
    return getattr(y_pred, "_keras_logits", None)


def logits_like(logits, y_pred):
    """Reshapes attached logits the way alignment reshaped `y_pred`."""
    if logits is None:
        return None
    logits = as_input(logits, y_pred.data.dtype, "logits")
    if tuple(logits.shape) != tuple(y_pred.shape):
        logits = ops.reshape(logits, y_pred.shape)
    return logits


def canonical_axis(axis, ndim, fn_name):
    """Checks an `axis` argument (an int, or ints for some losses)."""
    if isinstance(axis, bool):
        raise ValueError(
            f"{fn_name}: `axis` must be of type `int`. Received: "
            f"axis={axis} of type {type(axis)}"
        )
    if axis is None or isinstance(axis, (tuple, list)):
        return axis if axis is None else tuple(axis)
    axis = int(axis)
    if not -ndim <= axis < ndim:
        raise ValueError(
            f"{fn_name}: axis {axis} is out of range for inputs of rank "
            f"{ndim} (valid axes are {-ndim}..{ndim - 1})."
        )
    return axis
