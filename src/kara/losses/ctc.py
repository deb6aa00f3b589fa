"""Connectionist Temporal Classification (CTC) loss (Graves et al., 2006).

CTC scores a label sequence (say, the characters of a word) against a
longer sequence of per-frame class scores, summing over every alignment
that collapses to the labels (repeats merged, blanks removed). Class 0 is
the blank, and 0 also pads the labels, as in Keras.

The sum over alignments is the forward (alpha) recursion in log space;
the gradient comes from the backward (beta) recursion, so the op is one
`Function` with its own backward rather than a loop of small ops.
"""

import numpy as np

from kara.autograd.function import Function
from kara.losses.wrapper import LossFunctionWrapper
from kara.losses.wrapper import prepare

_NEG_INF = -np.inf


def _extended_labels(labels, lengths):
    """Interleaves blanks: `[a, b]` -> `[0, a, 0, b, 0]`, one row per sample."""
    batch, max_len = labels.shape
    ext = np.zeros((batch, 2 * max_len + 1), dtype=np.int64)
    ext[:, 1::2] = labels
    # may the path skip from state s-2 to s? only onto a label that differs
    # from the label two states back (never onto a blank)
    skip = np.zeros(ext.shape, dtype=bool)
    skip[:, 3::2] = labels[:, 1:] != labels[:, :-1]
    valid = np.arange(ext.shape[1])[None, :] < (2 * lengths + 1)[:, None]
    return ext, skip, valid


class CTCLoss(Function):
    """Per-sample CTC negative log-likelihood of `labels` given logits."""

    def __init__(self, labels, lengths):
        self.labels, self.lengths = labels, lengths

    def forward(self, logits):
        x = logits.astype(np.float64)
        logp = x - np.max(x, axis=-1, keepdims=True)
        logp -= np.log(np.sum(np.exp(logp), axis=-1, keepdims=True))
        batch, steps, _ = logp.shape
        ext, skip, valid = _extended_labels(self.labels, self.lengths)
        # emit[t, b, s] = log p_t(ext[b, s])
        emit = np.take_along_axis(logp, ext[:, None, :], axis=2)
        emit = np.transpose(emit, (1, 0, 2))
        emit = np.where(valid[None], emit, _NEG_INF)
        alpha = np.full((steps,) + ext.shape, _NEG_INF)
        alpha[0, :, 0] = emit[0, :, 0]
        alpha[0, :, 1] = np.where(self.lengths > 0, emit[0, :, 1], _NEG_INF)
        for t in range(1, steps):
            prev = alpha[t - 1]
            acc = prev.copy()
            acc[:, 1:] = np.logaddexp(acc[:, 1:], prev[:, :-1])
            two_back = np.full_like(prev, _NEG_INF)
            two_back[:, 2:] = prev[:, :-2]
            acc = np.where(skip, np.logaddexp(acc, two_back), acc)
            alpha[t] = acc + emit[t]
        last = 2 * self.lengths  # the final blank state
        final = alpha[-1, np.arange(batch), last]
        before = np.where(
            self.lengths > 0,
            alpha[-1, np.arange(batch), np.maximum(last - 1, 0)],
            _NEG_INF,
        )
        log_likelihood = np.logaddexp(final, before)
        self.save_for_backward(logp, ext, skip, emit, alpha, log_likelihood)
        return (-log_likelihood).astype(logits.dtype)

    def backward(self, gy):
        logp, ext, skip, emit, alpha, log_likelihood = self.saved
        steps, batch, states = alpha.shape
        # beta[t, b, s]: log-probability of the rest of the path after
        # frame t, given state s at frame t (emission at t not included)
        beta = np.full_like(alpha, _NEG_INF)
        idx = np.arange(batch)
        last = 2 * self.lengths
        beta[-1, idx, last] = 0.0
        beta[-1, idx, np.maximum(last - 1, 0)] = np.where(
            self.lengths > 0, 0.0, beta[-1, idx, np.maximum(last - 1, 0)]
        )
        skip_from = np.zeros_like(skip)  # may state s jump to s + 2?
        skip_from[:, :-2] = skip[:, 2:]
        for t in range(steps - 2, -1, -1):
            nxt = beta[t + 1] + emit[t + 1]
            acc = nxt.copy()
            acc[:, :-1] = np.logaddexp(acc[:, :-1], nxt[:, 1:])
            two_ahead = np.full_like(nxt, _NEG_INF)
            two_ahead[:, :-2] = nxt[:, 2:]
            beta[t] = np.where(skip_from, np.logaddexp(acc, two_ahead), acc)
        # occupancy[t, b, s] = P(state s at frame t | labels)
        with np.errstate(invalid="ignore"):
            occupancy = np.exp(alpha + beta - log_likelihood[None, :, None])
        occupancy = np.nan_to_num(occupancy)
        grad = np.exp(logp)  # softmax
        # sum the occupancy of every state emitting class k, per frame
        per_class = np.zeros_like(grad)
        np.add.at(
            per_class,
            (idx[:, None, None], np.arange(steps)[None, :, None], ext[:, None]),
            np.transpose(occupancy, (1, 0, 2)),
        )
        grad -= per_class
        grad *= np.asarray(gy, np.float64)[:, None, None]
        return grad.astype(gy.dtype)


def ctc(y_true, y_pred):
    """CTC loss of integer label sequences against per-frame logits.

    Formula:

    ```python
    loss = -log(sum over alignments a that collapse to y_true of
                prod_t softmax(y_pred[t])[a_t])
    ```

    Args:
        y_true: integer labels `(batch, max_length)`, padded with 0 (the
            blank class). The label length is the count of non-zero
            entries, as in Keras.
        y_pred: logits `(batch, frames, num_classes)`; every frame is used.

    Returns:
        The per-sample losses, shape `(batch,)`.

    Example:
    >>> import numpy as np
    >>> from kara import losses
    >>> logits = (np.arange(24, dtype="float32").reshape(2, 4, 3) - 12) / 100
    >>> losses.ctc([[1, 2, 1, 0], [1, 2, 0, 2]], logits).numpy()
    array([2.4429314, 2.45436  ], dtype=float32)
    """
    y_true, y_pred = prepare(y_true, y_pred, labels="keep")
    if len(y_true.shape) != 2:
        raise ValueError(
            "Targets `y_true` are expected to be a tensor of shape "
            "`(batch_size, max_length)` in integer format. Received: "
            f"y_true.shape={tuple(y_true.shape)}"
        )
    if len(y_pred.shape) != 3:
        raise ValueError(
            "Logits `y_pred` are expected to be a tensor of shape "
            "`(batch_size, max_length, num_classes)`. Received: "
            f"y_pred.shape={tuple(y_pred.shape)}"
        )
    labels = np.asarray(y_true.data).astype(np.int64)
    lengths = np.count_nonzero(labels, axis=-1)
    # Keras takes the first `length` entries, so a 0 inside a sequence
    # counts as a (blank) label and a trailing one is dropped.
    keep = np.arange(labels.shape[1])[None, :] < lengths[:, None]
    labels = np.where(keep, labels, 0)
    num_classes = y_pred.shape[-1]
    if labels.size and (labels.min() < 0 or labels.max() >= num_classes):
        bad = labels[(labels < 0) | (labels >= num_classes)][0]
        raise ValueError(
            f"ctc: label {bad} is outside the valid range [0, "
            f"{num_classes}) for y_pred with {num_classes} classes "
            "(class 0 is the blank)."
        )
    return CTCLoss(labels, lengths)(y_pred)


class CTC(LossFunctionWrapper):
    """CTC loss (see `ctc`).

    Formula:

    ```python
    loss = -log(p(y_true | y_pred))
    ```

    Args:
        reduction, name, dtype: see `Loss`.
    """

    _integer_labels = True

    def __init__(self, reduction="sum_over_batch_size", name="ctc", dtype=None):
        super().__init__(ctc, name=name, reduction=reduction, dtype=dtype)

    def get_config(self):
        return {"name": self.name, "reduction": self.reduction}
