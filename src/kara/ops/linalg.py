"""Matrix products: matmul, dot, tensordot.

For `y = a @ b`: `da = gy @ b^T` and `db = a^T @ gy` (transposes over the
last two axes). Batch axes that broadcasting stretched are summed back by
the engine.
"""

import numpy as np

from kara.autograd.function import Function
from kara.ops.core import binary_args
from kara.ops.elementwise import multiply

__all__ = ["dot", "matmul", "tensordot"]


def _t(a):
    return np.swapaxes(a, -1, -2)


class MatMul(Function):
    def forward(self, a, b):
        self.save_for_backward(a, b)
        return np.matmul(a, b)

    def backward(self, gy):
        a, b = self.saved
        # Treat 1-D operands as a row (a) or a column (b) matrix, and put
        # the axes they dropped from the result back into gy: first the
        # column's (last), then the row's (second-to-last), so that this
        # also works for vector @ vector, where gy is a scalar.
        a2 = a[None, :] if a.ndim == 1 else a
        b2 = b[:, None] if b.ndim == 1 else b
        if b.ndim == 1:
            gy = np.expand_dims(gy, -1)
        if a.ndim == 1:
            gy = np.expand_dims(gy, -2)
        ga = gb = None
        if self.needs_input_grad[0]:
            ga = np.matmul(gy, _t(b2))
            if a.ndim == 1:
                ga = ga.reshape(-1, a.shape[0]).sum(axis=0)
        if self.needs_input_grad[1]:
            gb = np.matmul(_t(a2), gy)
            if b.ndim == 1:
                gb = gb.reshape(-1, b.shape[0]).sum(axis=0)
            elif gb.ndim > b.ndim:
                gb = gb.reshape((-1,) + b.shape).sum(axis=0)
        if ga is not None and ga.ndim > a.ndim:
            ga = ga.reshape((-1,) + a.shape).sum(axis=0)
        return ga, gb


def matmul(x1, x2):
    """Matrix product of two tensors (as `np.matmul`).

    Example:
    >>> from kara import ops
    >>> ops.matmul([[1.0, 2.0]], [[3.0], [4.0]]).numpy()
    array([[11.]], dtype=float32)
    """
    a, b = binary_args(x1, x2, "matmul")
    if a.ndim == 0 or b.ndim == 0:
        raise ValueError(
            "matmul: inputs must have at least one axis; for a scalar, use "
            f"multiply. Received shapes {a.shape} and {b.shape}."
        )
    k_a = a.shape[-1]
    k_b = b.shape[0] if b.ndim == 1 else b.shape[-2]
    if k_a != k_b:
        raise ValueError(
            f"matmul: cannot multiply x1 of shape {a.shape} by x2 of shape "
            f"{b.shape}: the last axis of x1 ({k_a}) must equal the "
            f"{'first' if b.ndim == 1 else 'second-to-last'} axis of x2 "
            f"({k_b}). Transpose or reshape one of them."
        )
    return MatMul()(a, b)


class TensorDot(Function):
    def __init__(self, axes):
        self.axes = axes

    def forward(self, a, b):
        self.save_for_backward(a, b)
        return np.tensordot(a, b, self.axes)

    def backward(self, gy):
        a, b = self.saved
        ax_a, ax_b = self.axes
        free_a = [i for i in range(a.ndim) if i not in ax_a]
        free_b = [i for i in range(b.ndim) if i not in ax_b]
        na = len(free_a)
        ga = gb = None
        if self.needs_input_grad[0]:
            # contract gy's b-free axes with b's free axes; g's axes are
            # free_a, then b's contracted axes in increasing order, each
            # standing for the axis of a it was paired with
            g = np.tensordot(gy, b, (list(range(na, gy.ndim)), free_b))
            perm = free_a + [ax_a[k] for k in np.argsort(ax_b)]
            ga = np.transpose(g, np.argsort(perm))
        if self.needs_input_grad[1]:
            # g's axes: a's contracted axes in increasing order (standing
            # for their partners in b), then free_b
            g = np.tensordot(a, gy, (free_a, list(range(na))))
            perm = [ax_b[k] for k in np.argsort(ax_a)] + free_b
            gb = np.transpose(g, np.argsort(perm))
        return ga, gb


def tensordot(x1, x2, axes=2):
    """Sums products over the given axes (as `np.tensordot`)."""
    a, b = binary_args(x1, x2, "tensordot")
    if isinstance(axes, int):
        ax_a = list(range(a.ndim - axes, a.ndim))
        ax_b = list(range(axes))
    else:
        ax_a, ax_b = axes
        ax_a = [ax_a] if isinstance(ax_a, int) else list(ax_a)
        ax_b = [ax_b] if isinstance(ax_b, int) else list(ax_b)
        ax_a = [i % a.ndim for i in ax_a]
        ax_b = [i % b.ndim for i in ax_b]
    for i, j in zip(ax_a, ax_b):
        if a.shape[i] != b.shape[j]:
            raise ValueError(
                f"tensordot: axis {i} of x1 (size {a.shape[i]}) does not "
                f"match axis {j} of x2 (size {b.shape[j]}). Received shapes "
                f"{a.shape} and {b.shape}."
            )
    return TensorDot((ax_a, ax_b))(a, b)


def dot(x1, x2):
    """Dot product, as `np.dot`: matmul for 1-D/2-D, else sum-product.

    The last axis of `x1` is contracted with the second-to-last of `x2`
    (or its only axis).
    """
    a, b = binary_args(x1, x2, "dot")
    if a.ndim == 0 or b.ndim == 0:
        return multiply(a, b)
    if a.ndim <= 2 and b.ndim <= 2:
        return matmul(a, b)
    return tensordot(a, b, ([a.ndim - 1], [max(b.ndim - 2, 0)]))
