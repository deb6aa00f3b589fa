"""Input checks that teach: the errors and warnings of the losses.

Keras answers most label mistakes with a bare shape error, NaN, or a
silently broadcast number. kara's losses check their inputs first and say
what is wrong and how to fix it:

- one-hot labels given to a sparse loss, or class ids given to a
  categorical one (`categorical_shape_error`, `sparse_shape_error`);
- class ids outside `[0, num_classes)` (`check_class_ids`);
- logits passed with `from_logits=False` (`warn_if_logits`);
- target and output shapes that cannot mean the same thing
  (`binary_shape_error`), or that Keras broadcasts without a word
  (`check_broadcast`).

The value checks run on the NumPy data (labels are never differentiated)
and cost one vectorised min/max pass. A loss object warns once; a direct
call of a per-sample function warns every time (Python's warning filters
then decide what is shown).
"""

import os
import sys
import warnings

import numpy as np

from kara import config
from kara.losses.loss import current_call


def loss_name(fn_name):
    """The name to show: the loss class if a loss object is running."""
    call = current_call()
    if call is None:
        return fn_name
    cls = type(call.loss).__name__
    return fn_name if cls == "LossFunctionWrapper" else cls


def warn_once(kind, message, category=UserWarning):
    """Warns, once per loss object (every time for direct function calls)."""
    call = current_call()
    if call is not None:
        warned = _warned(call.loss)
        if kind in warned:
            return
        warned.add(kind)
    warnings.warn(message, category, stacklevel=user_stacklevel())


_KARA_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def user_stacklevel():
    """The stacklevel of the first caller outside kara (the user's line)."""
    frame, level = sys._getframe(1), 1
    while frame is not None and frame.f_code.co_filename.startswith(_KARA_DIR):
        frame, level = frame.f_back, level + 1
    return level


def _warned(loss):
    # (a subclass whose __init__ skips Loss.__init__ has no set yet)
    if not hasattr(loss, "_warned"):
        loss._warned = set()
    return loss._warned


def _already_warned(kind):
    call = current_call()
    return call is not None and kind in _warned(call.loss)


# ------------------------------------------------------------- logits
def warn_if_logits(fn_name, y_pred, activation):
    """Warns when probabilities are expected but `y_pred` leaves [0, 1].

    Args:
        fn_name: the per-sample function's name.
        y_pred: the predictions (a Tensor).
        activation: the activation that would make probabilities
            (`"sigmoid"` or `"softmax"`), named in the advice.
    """
    if _already_warned("logits"):
        return  # the check is skipped, not only the message
    data = y_pred.data
    if data.size == 0:
        return
    lo, hi = data.min(), data.max()
    if lo >= 0 and hi <= 1:
        return
    eps = config.epsilon()
    warn_once(
        "logits",
        f"{loss_name(fn_name)} received y_pred values outside [0, 1] (min "
        f"{float(lo):.4g}, max {float(hi):.4g}) with from_logits=False: "
        "these look like logits (raw scores), not probabilities. Pass "
        f"from_logits=True, or end the model with activation={activation!r}."
        f" As probabilities they are clipped to [{eps:g}, 1 - {eps:g}], so "
        "the loss and its gradient are wrong.",
    )


# ----------------------------------------------------------- class ids
def _first(bad):
    """The index of the first True entry of a boolean array, as a tuple."""
    return tuple(int(i) for i in np.argwhere(bad)[0])


def _index(where):
    return where[0] if len(where) == 1 else where


def class_ids(fn_name, y_true):
    """Returns the integer labels of `y_true`, refusing non-integral values.

    Args:
        fn_name: the per-sample function's name.
        y_true: a Tensor of class ids (any numeric or bool dtype).

    Returns:
        An int64 NumPy array (the same one if it already is).
    """
    ids = y_true.data
    kind = ids.dtype.kind
    if kind in "iu":
        return ids if ids.dtype == np.int64 else ids.astype(np.int64)
    if kind == "b":
        return ids.astype(np.int64)
    as_int = ids.astype(np.int64)
    bad = as_int != ids
    if bad.any():
        where = _first(bad)
        raise ValueError(
            f"{loss_name(fn_name)}: y_true must hold integer class ids, but "
            f"it holds {ids[where].item()!r} at index {_index(where)}. If "
            "the labels are "
            "probabilities or one-hot rows, use "
            "loss='categorical_crossentropy' instead."
        )
    return as_int


def check_class_ids(fn_name, ids, num_classes, ignore_class=None):
    """Raises if a class id is outside `[0, num_classes)`.

    TensorFlow gives NaN (GPU) or an opaque op error (CPU) here. Costs one
    min and one max over the labels (plus a search when one is bad).
    """
    if ids.size == 0:
        return
    lo, hi = ids.min(), ids.max()
    if lo >= 0 and hi < num_classes:
        return
    bad = (ids < 0) | (ids >= num_classes)
    if ignore_class is not None:
        bad &= ids != ignore_class
        if not bad.any():
            return
        valid = ids[ids != ignore_class]
        lo, hi = valid.min(), valid.max()
    where = _first(bad)
    label = int(ids[where])
    hint = ""
    if lo == 1 and hi == num_classes:
        hint = (
            f" Your labels run from 1 to {num_classes}: they look 1-based; "
            "subtract 1 (y_true - 1)."
        )
    elif label < 0:
        hint = (
            f" To leave out samples labelled {label}, pass "
            f"ignore_class={label}."
        )
    elif label >= num_classes:
        hint = (
            f" If there really are {label + 1} or more classes, give the "
            f"last layer {label + 1} or more units."
        )
    raise ValueError(
        f"{loss_name(fn_name)}: class id {label} at index {_index(where)} "
        "of y_true "
        f"is outside the valid range [0, {num_classes}): y_pred has "
        f"{num_classes} classes. Class ids must be 0-based integers from 0 "
        f"to {num_classes - 1}.{hint}"
    )


# --------------------------------------------------------------- shapes
def _looks_one_hot(data):
    if data.ndim == 0 or data.shape[-1] < 2 or data.size == 0:
        return False
    d = np.asarray(data, dtype=np.float64)
    binary = np.all((d == 0) | (d == 1))
    return bool(binary and np.all(d.sum(axis=-1) == 1))


def _looks_like_ids(data):
    d = np.asarray(data)
    if d.dtype.kind in "iub":
        return True
    return d.dtype.kind == "f" and bool(np.all(d == np.round(d)))


def categorical_shape_error(fn_name, y_true, y_pred):
    """The error for targets that do not match the predictions' shape."""
    ts, ps = tuple(y_true.shape), tuple(y_pred.shape)
    name = loss_name(fn_name)
    ids_shape = ps[:-1]
    if (
        ps
        and ts in (ids_shape, ids_shape + (1,))
        and _looks_like_ids(y_true.data)
    ):
        data = y_true.data
        lo = int(data.min()) if data.size else 0
        hi = int(data.max()) if data.size else 0
        n = ps[-1]
        return ValueError(
            f"{name}: y_true has shape {ts} and holds integer class ids "
            f"(values in [{lo}, {hi}]), but this loss expects one-hot "
            f"targets with the shape of y_pred, {ps}. Either use the loss "
            "made for class ids, loss='sparse_categorical_crossentropy' "
            "(keras.losses.SparseCategoricalCrossentropy()), or one-hot "
            "encode the labels: y_true = "
            f"keras.utils.to_categorical(y_true, num_classes={n})."
        )
    return ValueError(
        f"{name}: y_true has shape {ts} but y_pred has shape {ps}; they "
        "must have the same shape (one target probability per class)."
    )


def sparse_shape_error(fn_name, y_true, y_pred, axis=-1):
    """The error for sparse labels whose shape does not fit `y_pred`."""
    ts, ps = tuple(y_true.shape), tuple(y_pred.shape)
    name = loss_name(fn_name)
    ids = tuple(n for i, n in enumerate(ps) if i != axis % len(ps))
    if ts == ps and _looks_one_hot(y_true.data):
        return ValueError(
            f"{name}: y_true has shape {ts}, the shape of y_pred, and looks "
            "one-hot (each row is 0s and a single 1), but this loss expects "
            f"integer class ids of shape {ids} or {ids + (1,)}. Either use "
            "loss='categorical_crossentropy' "
            "(keras.losses.CategoricalCrossentropy()), which takes one-hot "
            "targets, or convert the labels to class ids: "
            "y_true = np.argmax(y_true, axis=-1)."
        )
    return ValueError(
        f"{name}: y_true has shape {ts} but y_pred has shape {ps}; this "
        f"loss expects integer class ids of shape {ids} (or {ids + (1,)}): "
        "one id per row of y_pred."
    )


def binary_shape_error(fn_name, y_true, y_pred):
    """The error for binary targets that cannot match the predictions."""
    ts, ps = tuple(y_true.shape), tuple(y_pred.shape)
    name = loss_name(fn_name)
    if len(ts) == len(ps) and ts[:-1] == ps[:-1] and ps[-1:] == (1,):
        k = ts[-1]
        return ValueError(
            f"{name}: y_true has shape {ts} but y_pred has shape {ps}; "
            f"they cannot mean the same thing. y_true has {k} columns (it "
            "looks one-hot), while y_pred has one sigmoid output per "
            "sample. Fix one of the two: (a) keep one label per sample, "
            "y_true = np.argmax(y_true, axis=-1) (0 or 1), with the single "
            "sigmoid unit and binary_crossentropy; or (b) predict every "
            f"class: end the model with Dense({k}, activation='softmax') "
            "and use loss='categorical_crossentropy'."
        )
    return ValueError(
        f"{name}: y_true has shape {ts} but y_pred has shape {ps}; they "
        "must have the same shape (one target per predicted probability)."
    )


def check_broadcast(fn_name, y_true, y_pred):
    """Warns when Keras would broadcast mismatched shapes silently.

    Raises a ValueError naming both shapes when they cannot broadcast.
    """
    ts, ps = tuple(y_true.shape), tuple(y_pred.shape)
    if ts == ps:
        return
    name = loss_name(fn_name)
    try:
        out = np.broadcast_shapes(ts, ps)
    except ValueError:
        raise ValueError(
            f"{name}: y_true has shape {ts} and y_pred has shape {ps}; "
            "they cannot be lined up. Give y_true the shape of y_pred."
        ) from None
    if _already_warned("broadcast"):
        return
    warn_once(
        "broadcast",
        f"{name}: y_true has shape {ts} and y_pred has shape {ps}. Keras "
        f"broadcasts them to {out} without a word, and kara does the same "
        "to give Keras's number, which is probably not what you meant. "
        "Give y_true and y_pred the same shape (one target per "
        "prediction).",
    )
