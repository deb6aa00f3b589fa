"""Fused cross-entropies on probabilities: one graph node each.

Keras computes cross-entropy on probabilities by clipping them to
`[eps, 1 - eps]` and taking logs. Written with ops that is six or seven
graph nodes, each allocating a `(batch, classes)` array; these are the
training hot path (`Dense(10, activation="softmax")` with a sparse
cross-entropy), so each gets one `Function` with its backward written out.
The tests check them against the composed versions and finite
differences.

The gradient of `clip` passes where the input lies inside the bounds
(bounds included) and is zero outside, as TensorFlow's `clip_by_value`.
"""

import numpy as np

from kara.autograd.function import Function


def _bounds(dtype, eps):
    eps = np.asarray(eps, dtype)
    return eps, np.asarray(1, dtype) - eps


class ClippedBinaryCrossentropy(Function):
    """Element-wise `-(t log(c + e) + (1 - t) log(1 - c + e))`, `c = clip(p)`.

    `e` is 0 in Keras 3 and `eps` in tf.keras 2 (`log_epsilon`).
    """

    def __init__(self, eps, log_epsilon):
        self.eps, self.log_epsilon = eps, log_epsilon

    def forward(self, t, p):
        lo, hi = _bounds(p.dtype, self.eps)
        c = np.clip(p, lo, hi)
        if self.log_epsilon:
            e = np.asarray(self.eps, p.dtype)
            pos, neg = c + e, (1 - c) + e
        else:
            pos, neg = c, 1 - c
        log_pos, log_neg = np.log(pos), np.log(neg)
        self.save_for_backward(t, p, pos, neg, log_pos, log_neg)
        return -(t * log_pos + (1 - t) * log_neg)

    def backward(self, gy):
        t, p, pos, neg, log_pos, log_neg = self.saved
        gt = gp = None
        if self.needs_input_grad[0]:
            gt = -gy * (log_pos - log_neg)
        if self.needs_input_grad[1]:
            lo, hi = _bounds(p.dtype, self.eps)
            inside = (p >= lo) & (p <= hi)
            gp = -gy * (t / pos - (1 - t) / neg) * inside
        return gt, gp


class ClippedCategoricalCrossentropy(Function):
    """`-sum(t * log(clip(p / sum(p))), axis)`: Keras's probability CCE.

    Rows are renormalised first (Keras divides by the row sum), then
    clipped, so a probability of exactly 0 costs `-log(eps)` = 16.118.
    """

    def __init__(self, eps, axis):
        self.eps, self.axis = eps, axis

    def forward(self, t, p):
        s = np.sum(p, axis=self.axis, keepdims=True)
        q = p / s
        lo, hi = _bounds(p.dtype, self.eps)
        c = np.clip(q, lo, hi)
        log_c = np.log(c)
        self.save_for_backward(t, q, s, c, log_c)
        return -np.sum(t * log_c, axis=self.axis)

    def backward(self, gy):
        t, q, s, c, log_c = self.saved
        gy = np.expand_dims(gy, self.axis)
        gt = gp = None
        if self.needs_input_grad[0]:
            gt = -gy * log_c
        if self.needs_input_grad[1]:
            lo, hi = _bounds(q.dtype, self.eps)
            inside = (q >= lo) & (q <= hi)
            # d/dq_j = -t_j / c_j where q_j is not clipped
            gq = -gy * t / c * inside
            # q = p / sum(p): dL/dp_k = (gq_k - sum_j gq_j q_j) / s
            gp = (gq - np.sum(gq * q, axis=self.axis, keepdims=True)) / s
        return gt, gp


class ClippedSparseCrossentropy(Function):
    """`-log(c[label]) + log(sum(c))` with `c = clip(p)`, on the last axis.

    This is what TensorFlow computes for Keras's sparse cross-entropy on
    probabilities: clip, take logs, then a softmax cross-entropy, which
    renormalises the clipped row.
    """

    def __init__(self, eps, labels):
        self.eps, self.labels = eps, labels

    def forward(self, p):
        lo, hi = _bounds(p.dtype, self.eps)
        c = np.clip(p, lo, hi)
        total = np.sum(c, axis=-1)
        idx = self.labels[..., None]
        picked = np.take_along_axis(c, idx, axis=-1)[..., 0]
        self.save_for_backward(p, total, picked)
        return np.log(total) - np.log(picked)

    def backward(self, gy):
        p, total, picked = self.saved
        lo, hi = _bounds(p.dtype, self.eps)
        # d/dc_j = 1 / sum(c) - [j == label] / c_label
        g = np.empty(p.shape, p.dtype)  # C order: `flat` below is a view
        g[...] = (gy / total)[..., None]
        flat = g.reshape(-1, g.shape[-1])
        rows = np.arange(flat.shape[0])
        flat[rows, self.labels.reshape(-1)] -= (gy / picked).reshape(-1)
        # no gradient where p was clipped
        g *= (p >= lo) & (p <= hi)
        return g
