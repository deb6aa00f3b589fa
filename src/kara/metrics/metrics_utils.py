"""Shape alignment shared by the metrics (NumPy arrays in, arrays out).

Labels and predictions often differ by a trailing axis of size 1: labels
`(N,)` with predictions `(N, 1)`. Keras 3 lines them up with one rule
(`squeeze_or_expand_to_same_rank`); tf.keras 2 used another
(`squeeze_or_expand_dimensions`), kept here for the "keras2" profile.

Example:
>>> import numpy as np
>>> a, b = squeeze_or_expand_to_same_rank(np.zeros(3), np.zeros((3, 1)))
>>> a.shape, b.shape
((3, 1), (3, 1))
"""

import functools

import numpy as np


def squeeze_or_expand_to_same_rank(x1, x2, expand_rank_1=True):
    """Aligns ranks that differ by one through a trailing axis of size 1.

    If the higher-rank array ends with a size-1 axis, the other array is
    expanded when it has rank 1 (and `expand_rank_1`), otherwise that axis
    is squeezed. Ranks that differ by more, or a last axis that is not 1,
    are left alone.

    Args:
        x1: an array.
        x2: an array.
        expand_rank_1: expand a rank-1 array instead of squeezing the other.

    Returns:
        `(x1, x2)`, possibly reshaped.
    """
    r1, r2 = x1.ndim, x2.ndim
    if r1 == r2:
        return x1, x2
    if r1 == r2 + 1 and x1.shape[-1] == 1:
        if r2 == 1 and expand_rank_1:
            x2 = x2[:, None]
        else:
            x1 = x1[..., 0]
    elif r2 == r1 + 1 and x2.shape[-1] == 1:
        if r1 == 1 and expand_rank_1:
            x1 = x1[:, None]
        else:
            x2 = x2[..., 0]
    return x1, x2


def keras2_align(y_true, y_pred):
    """tf.keras 2's label/prediction alignment (`remove_squeezable_dims`).

    When the ranks differ by one and the larger array ends with a size-1
    axis, that axis is **squeezed** (Keras 3 expands a rank-1 array
    instead). So `(N,)` labels with `(N, 1)` predictions become `(N,)`
    twice, and a per-sample function then reduces a batch to one number.
    """
    rt, rp = y_true.ndim, y_pred.ndim
    if rp - rt == 1 and y_pred.shape[-1] == 1:
        y_pred = y_pred[..., 0]
    elif rt - rp == 1 and y_true.shape[-1] == 1:
        y_true = y_true[..., 0]
    return y_true, y_pred


def broadcast_or_raise(x, shape, what, target):
    """`np.broadcast_to`, with an error message that names both shapes."""
    try:
        return np.broadcast_to(x, shape)
    except ValueError:
        raise ValueError(
            f"`{what}` of shape {x.shape} cannot be broadcast to the shape "
            f"{tuple(shape)} of {target}. Pass one weight per sample "
            f"(shape ({shape[0] if len(shape) else 1},)) or a weight "
            "array of the same shape."
        ) from None


def check_same_shape(y_true, y_pred, fn_name):
    """Raises a clear error when labels and predictions cannot broadcast."""
    try:
        np.broadcast_shapes(y_true.shape, y_pred.shape)
    except ValueError:
        raise ValueError(
            f"{fn_name}: `y_true` and `y_pred` have incompatible shapes: "
            f"y_true.shape={y_true.shape}, y_pred.shape={y_pred.shape}. "
            "They must have the same shape (a trailing axis of size 1 on "
            "one side is aligned automatically)."
        ) from None


def array_function(impl):
    """Decorator: makes the public metric function from its array kernel.

    `impl(y_true, y_pred, **kwargs)` works on NumPy arrays (labels keep
    their dtype, predictions are float32). The public function accepts
    Tensors, lists or arrays and returns a `kara.Tensor`, as Keras's
    functions return backend tensors. `MeanMetricWrapper` finds the kernel
    in `._array_impl` and calls it directly, skipping both conversions.
    """
    from kara.autograd import Tensor
    from kara.metrics.metric import to_array
    from kara.metrics.metric import to_float_array

    @functools.wraps(impl)
    def public(y_true, y_pred, **kwargs):
        y_true = to_array(y_true, "y_true")
        y_pred = to_float_array(y_pred, "float32", "y_pred")
        return Tensor(impl(y_true, y_pred, **kwargs))

    public._array_impl = impl
    return public
