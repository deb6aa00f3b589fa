"""`to_categorical` (one-hot labels) and `normalize` (unit-norm rows).

Both follow `keras.utils`, with two deliberate differences, each of which
turns a silent surprise into a clear result or error:

- `to_categorical` returns float32 (`floatx()`), as tf.keras 2 did;
  Keras 3's NumPy path returns float64. Negative class ids raise an
  error (NumPy indexing would wrap -1 around to the last class), and so
  do ids >= `num_classes` and non-integer values such as 1.5 (Keras
  truncates them to 1).
- `normalize` divides along the axis it is given and keeps the input's
  shape. Keras 3's NumPy path divides by the norms of `axis=-1` when
  given `axis=0` (it writes `axis = axis or -1`), and turns a 1-D input
  of shape `(n,)` into `(1, n)`.

Example:
>>> to_categorical([0, 2, 1])
array([[1., 0., 0.],
       [0., 0., 1.],
       [0., 1., 0.]], dtype=float32)
>>> normalize([[3.0, 4.0]])
array([[0.6, 0.8]], dtype=float32)
"""

import numpy as np

from kara import backend
from kara import config


class ClassIdError(ValueError, IndexError):
    """A class id outside `0..num_classes-1`.

    A `ValueError`, and also an `IndexError` (what Keras raises), so
    code catching either keeps working.
    """


def to_categorical(x, num_classes=None, dtype=None):
    """Converts class ids (integers) to one-hot rows.

    A trailing axis of size 1 is dropped first, so labels of shape `(n,)`
    and `(n, 1)` both give `(n, num_classes)`.

    Args:
        x: class ids from 0 to `num_classes - 1`: a list, NumPy array or
            Tensor of any shape. Floats are accepted when they hold whole
            numbers (`2.0`).
        num_classes: the number of classes (the length of each one-hot
            row). Default: `max(x) + 1`.
        dtype: the output dtype (tf.keras 2's argument). Default:
            `floatx()` (float32).

    Returns:
        An array of shape `x.shape + (num_classes,)` (after dropping a
        trailing size-1 axis) with a 1 at each class id, 0 elsewhere. A
        Tensor when `x` is a Tensor.

    Raises:
        ValueError: a class id is negative, not a whole number, or not
            below `num_classes`; or `num_classes` is invalid.

    Example:
    >>> to_categorical([[1], [0]], num_classes=3)
    array([[0., 1., 0.],
           [1., 0., 0.]], dtype=float32)
    """
    is_tensor = getattr(x, "_is_kara_tensor", False)
    labels = _class_ids(x)
    shape = labels.shape
    if len(shape) > 1 and shape[-1] == 1:
        shape = shape[:-1]  # (n, 1) -> (n,)
    flat = labels.reshape(-1)
    num_classes = _check_num_classes(num_classes, flat)
    if flat.size and flat.max() >= num_classes:
        raise ClassIdError(_out_of_range_message(flat, num_classes))
    dtype = backend.standardize_dtype(dtype)
    one_hot = np.zeros((flat.size, num_classes), dtype=dtype)
    one_hot[np.arange(flat.size), flat] = 1
    one_hot = one_hot.reshape(shape + (num_classes,))
    if is_tensor:
        from kara.autograd import Tensor

        return Tensor(one_hot)
    return one_hot


def _class_ids(x):
    """`x` as an int64 array, or a ValueError naming the bad value."""
    try:
        arr = backend.as_array(x, name="x")
    except TypeError as error:
        raise ValueError(
            f"to_categorical(x=...) needs integer class ids. {error}"
        ) from None
    if arr.dtype.kind == "b":
        arr = arr.astype(np.int64)
    if arr.dtype.kind == "f":
        whole = np.isfinite(arr) & (arr == np.round(arr))
        if not whole.all():
            index = np.unravel_index(np.argmin(whole), arr.shape)
            where = tuple(int(i) for i in index)
            raise ValueError(
                "to_categorical(x=...) needs integer class ids, but x holds "
                f"{arr[index].item()!r} at index {where}. "
                "If x holds probabilities or one-hot rows, take the class "
                "ids first: np.argmax(x, axis=-1)."
            )
    elif arr.dtype.kind not in "iu":
        raise ValueError(
            "to_categorical(x=...) needs integer class ids. Received an "
            f"array of dtype {arr.dtype}."
        )
    arr = arr.astype(np.int64)
    if arr.size and arr.min() < 0:
        index = np.unravel_index(np.argmin(arr), arr.shape)
        where = tuple(int(i) for i in index)
        raise ValueError(
            "to_categorical(x=...) needs class ids >= 0, but x holds "
            f"{arr[index].item()} at index {where}. Map the "
            "labels to 0..num_classes-1 first (for example with "
            "np.unique(x, return_inverse=True)[1])."
        )
    return arr


def _check_num_classes(num_classes, flat):
    if num_classes is None:
        if not flat.size:
            raise ValueError(
                "to_categorical cannot infer the number of classes from an "
                "empty x. Pass num_classes=..."
            )
        return int(flat.max()) + 1
    if (
        isinstance(num_classes, bool)
        or not isinstance(num_classes, (int, np.integer))
        or num_classes < 1
    ):
        raise ValueError(
            "`num_classes` must be a positive int (the number of classes). "
            f"Received: num_classes={num_classes!r}"
        )
    return int(num_classes)


def _out_of_range_message(flat, num_classes):
    top = int(flat.max())
    at = int(np.argmax(flat))
    message = (
        f"to_categorical(x=..., num_classes={num_classes}): x holds the "
        f"class id {top} (at flat index {at}), but ids must be below "
        f"num_classes={num_classes}."
    )
    if flat.min() >= 1 and top == num_classes:
        return message + (
            f" The ids run from 1 to {num_classes}: they look 1-based. "
            "Subtract 1 (to_categorical(x - 1, num_classes)) or pass "
            f"num_classes={num_classes + 1}."
        )
    return message + f" Pass num_classes={top + 1} or more."


def normalize(x, axis=-1, order=2):
    """Scales `x` so that its `order`-norm along `axis` is 1.

    Vectors whose norm is 0 are left as they are (all zeros), instead of
    dividing by zero.

    Args:
        x: a list, NumPy array or Tensor. Integers become `floatx()`;
            floating-point inputs keep their dtype.
        axis: the axis along which to normalize (an int).
        order: the norm: 2 (Euclidean, default), 1 (sum of absolute
            values), `np.inf` (largest absolute value), or any number
            `p > 0` (`sum(|x|**p) ** (1/p)`).

    Returns:
        `x / norm(x)`, of `x`'s shape: a NumPy array, or a Tensor (with
        gradients) when `x` is a Tensor.

    Example:
    >>> normalize(np.array([[1.0, 1.0], [0.0, 0.0]]), order=1)
    array([[0.5, 0.5],
           [0. , 0. ]])
    """
    if getattr(x, "_is_kara_tensor", False):
        return _normalize_tensor(x, axis, order)
    arr = backend.as_array(x, name="x")
    if arr.dtype.kind not in "f":
        arr = arr.astype(config.floatx())
    axis = _check_axis(axis, arr.ndim)
    _check_order(order)
    norm = np.linalg.norm(arr, ord=order, axis=axis, keepdims=True)
    norm[norm == 0] = 1
    return (arr / norm).astype(arr.dtype, copy=False)


def _normalize_tensor(x, axis, order):
    """The same as `normalize`, built from kara.ops (differentiable)."""
    from kara import ops

    if not backend.is_float_dtype(x.dtype):
        x = ops.cast(x, config.floatx())
    axis = _check_axis(axis, len(x.shape))
    _check_order(order)
    magnitude = ops.abs(x)
    if order == np.inf:
        norm = ops.max(magnitude, axis=axis, keepdims=True)
        return x / ops.where(ops.equal(norm, 0), 1.0, norm)
    if order == 2:
        total = ops.sum(ops.square(x), axis=axis, keepdims=True)
    else:
        total = ops.sum(ops.power(magnitude, order), axis=axis, keepdims=True)
    # Replace zero sums *before* the root: the root's derivative is
    # infinite at 0, and inf * 0 would make the gradient NaN.
    total = ops.where(ops.equal(total, 0), 1.0, total)
    norm = ops.sqrt(total) if order == 2 else ops.power(total, 1.0 / order)
    return x / norm


def _check_axis(axis, ndim):
    if ndim == 0:
        raise ValueError(
            "normalize(x=...) needs an array with at least one axis; "
            "received a scalar. Pass e.g. [x]."
        )
    if isinstance(axis, bool) or not isinstance(axis, (int, np.integer)):
        raise ValueError(
            f"`axis` must be an int. Received: axis={axis!r}. To normalize "
            "over several axes, reshape x first."
        )
    if not -ndim <= axis < ndim:
        raise ValueError(
            f"`axis` {axis} is out of range for x of rank {ndim}: use an "
            f"axis in [{-ndim}, {ndim - 1}]."
        )
    return int(axis)


def _check_order(order):
    number = isinstance(order, (int, float, np.integer, np.floating))
    if isinstance(order, bool) or not number or not order > 0:
        raise ValueError(
            "`order` must be a number > 0 (2 for the Euclidean norm, 1, or "
            f"np.inf). Received: order={order!r}"
        )
