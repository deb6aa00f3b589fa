"""Reductions: sum, mean, max, min, prod, logsumexp, argmax, argmin, var, std.

The backward of a reduction puts back the reduced axes (as size 1) and
broadcasts the upstream gradient over them.
"""

import numpy as np

from kara.autograd.function import Function
from kara.autograd.tensor import Tensor
from kara.ops.core import cast
from kara.ops.core import float_arg
from kara.ops.core import normalize_axis
from kara.ops.core import tensor_arg
from kara.ops.elementwise import maximum
from kara.ops.elementwise import minimum
from kara.ops.elementwise import sqrt
from kara.ops.elementwise import square

__all__ = [
    "argmax",
    "argmin",
    "logsumexp",
    "max",
    "mean",
    "min",
    "prod",
    "std",
    "sum",
    "var",
]


def _keep_shape(x_shape, axis):
    """The shape of the result with `keepdims=True`."""
    if axis is None:
        return (1,) * len(x_shape)
    axes = axis if isinstance(axis, tuple) else (axis,)
    return tuple(1 if i in axes else n for i, n in enumerate(x_shape))


class _Reduce(Function):
    def __init__(self, axis, keepdims):
        self.axis, self.keepdims = axis, keepdims


def _drop_axes(x_shape, axis):
    """The shape of the result with `keepdims=False`."""
    if axis is None:
        return ()
    axes = axis if isinstance(axis, tuple) else (axis,)
    return tuple(n for i, n in enumerate(x_shape) if i not in axes)


def _acc_dtype(x):
    """Integers accumulate in their own dtype (NumPy would use int64)."""
    return x.dtype if x.dtype.kind in "iu" else None


def _widen_small_ints(x):
    """Keras: bool, int8 and int16 reduce to int32, uint8/uint16 to uint32."""
    kind, size = x.data.dtype.kind, x.data.dtype.itemsize
    if kind == "b" or (kind == "i" and size < 4):
        return cast(x, "int32")
    if kind == "u" and size < 4:
        return cast(x, "uint32")
    return x


class Sum(_Reduce):
    def forward(self, x):
        self.x_shape = x.shape
        return np.sum(
            x, axis=self.axis, keepdims=self.keepdims, dtype=_acc_dtype(x)
        )

    def backward(self, gy):
        gy = gy.reshape(_keep_shape(self.x_shape, self.axis))
        return np.broadcast_to(gy, self.x_shape)


class Mean(_Reduce):
    def forward(self, x):
        self.x_shape = x.shape
        if self.axis is None and not self.keepdims and x.size:
            if x.dtype == np.float32 or x.dtype == np.float64:
                # The mean of a whole array, as every loss takes it once a
                # step: np.mean's own arithmetic (a pairwise sum, then a
                # division by the count as an intp, rounded back to the
                # dtype) without its Python wrapper.
                self.count = x.size
                total = np.add.reduce(x, axis=None)
                return np.asarray(total.dtype.type(total / np.intp(x.size)))
        y = np.mean(x, axis=self.axis, keepdims=self.keepdims)
        # (np.maximum: this module shadows the builtin max)
        self.count = x.size // int(np.maximum(y.size, 1)) if x.size else 1
        return y

    def backward(self, gy):
        g = gy / gy.dtype.type(self.count)
        if self.axis is None:
            # every element gets the same share: a new filled array costs
            # less than broadcast_to's Python code
            return np.full(self.x_shape, g, dtype=gy.dtype)
        g = g.reshape(_keep_shape(self.x_shape, self.axis))
        return np.broadcast_to(g, self.x_shape)


class MaxMin(_Reduce):
    def __init__(self, axis, keepdims, fn):
        super().__init__(axis, keepdims)
        self.fn = fn

    def forward(self, x):
        y = self.fn(x, axis=self.axis, keepdims=True)
        self.save_for_backward(x, y)
        return y if self.keepdims else y.reshape(_drop_axes(x.shape, self.axis))

    def backward(self, gy):
        x, y = self.saved
        # ties share the gradient equally (as TensorFlow does)
        mask = (x == y).astype(gy.dtype)
        mask /= mask.sum(axis=self.axis, keepdims=True)
        return mask * gy.reshape(y.shape)


class Prod(_Reduce):
    def forward(self, x):
        y = np.prod(x, axis=self.axis, keepdims=True, dtype=_acc_dtype(x))
        self.save_for_backward(x, y)
        return y if self.keepdims else y.reshape(_drop_axes(x.shape, self.axis))

    def backward(self, gy):
        x, y = self.saved
        gy = gy.reshape(y.shape)
        # d prod / dx_i = prod of the others; computed without dividing so
        # that zeros in x are handled: exclusive cumulative products.
        axis = self.axis
        if axis is None:
            flat = x.reshape(-1)
            return (gy.reshape(()) * _prod_others(flat, 0)).reshape(x.shape)
        axes = axis if isinstance(axis, tuple) else (axis,)
        g = np.ones_like(x)
        moved = np.moveaxis(x, axes, range(-len(axes), 0))
        lead = moved.shape[: moved.ndim - len(axes)]
        flat = moved.reshape(lead + (-1,))
        others = _prod_others(flat, -1).reshape(moved.shape)
        g = np.moveaxis(others, range(-len(axes), 0), axes)
        return gy * g


def _prod_others(x, axis):
    """For each element, the product of all other elements along `axis`."""
    ones = np.ones_like(np.take(x, [0], axis=axis))
    left = np.cumprod(np.concatenate([ones, x], axis=axis), axis=axis)
    left = np.delete(left, -1, axis=axis)
    rx = np.flip(x, axis=axis)
    right = np.cumprod(np.concatenate([ones, rx], axis=axis), axis=axis)
    right = np.flip(np.delete(right, -1, axis=axis), axis=axis)
    return left * right


class LogSumExp(_Reduce):
    def forward(self, x):
        m = np.max(x, axis=self.axis, keepdims=True)
        m = np.where(np.isfinite(m), m, 0)
        e = np.exp(x - m)
        s = np.sum(e, axis=self.axis, keepdims=True)
        y = np.log(s) + m
        # d logsumexp / dx = softmax(x) = e / s. Saved as such: exp(x - y)
        # loses digits in float32, where y ~ 1000 has an ulp of 6e-5.
        e /= s
        self.save_for_backward(e)
        self.y_shape = y.shape
        return y if self.keepdims else y.reshape(_drop_axes(x.shape, self.axis))

    def backward(self, gy):
        (p,) = self.saved
        return gy.reshape(self.y_shape) * p


def _axis(x, axis, op):
    return normalize_axis(axis, x.data.ndim, op)


def sum(x, axis=None, keepdims=False):
    """Sum of elements over `axis` (all axes by default).

    Example:
    >>> from kara import ops
    >>> ops.sum([[1.0, 2.0], [3.0, 4.0]], axis=0).numpy()
    array([4., 6.], dtype=float32)
    """
    x = _widen_small_ints(tensor_arg(x, "sum"))
    return Sum(_axis(x, axis, "sum"), keepdims)(x)


def mean(x, axis=None, keepdims=False):
    """Mean of elements over `axis` (all axes by default)."""
    x = float_arg(x, "mean")
    return Mean(_axis(x, axis, "mean"), keepdims)(x)


def max(x, axis=None, keepdims=False, initial=None):
    """Maximum over `axis` (ties share the gradient), at least `initial`."""
    return _extremum(x, axis, keepdims, initial, "max", np.max, maximum)


def min(x, axis=None, keepdims=False, initial=None):
    """Minimum over `axis` (ties share the gradient), at most `initial`."""
    return _extremum(x, axis, keepdims, initial, "min", np.min, minimum)


def _extremum(x, axis, keepdims, initial, op, fn, combine):
    """`max` or `min`: `fn` is np.max or np.min, `combine` the elementwise
    op that applies `initial` (so that its gradient follows the winner)."""
    x = tensor_arg(x, op)
    ax = _axis(x, axis, op)
    if x.data.size == 0:
        if initial is None:
            raise ValueError(
                f"{op}: cannot reduce an empty tensor (shape {x.shape}) "
                "without `initial`."
            )
        # every result is `initial`; an empty input has nothing to learn
        return Tensor(fn(x.data, axis=ax, keepdims=keepdims, initial=initial))
    y = MaxMin(ax, keepdims, fn)(x)
    return y if initial is None else combine(y, initial)


def prod(x, axis=None, keepdims=False, dtype=None):
    """Product of elements over `axis`."""
    x = tensor_arg(x, "prod", "x")
    x = _widen_small_ints(x) if dtype is None else cast(x, dtype)
    return Prod(_axis(x, axis, "prod"), keepdims)(x)


def logsumexp(x, axis=None, keepdims=False):
    """`log(sum(exp(x)))` over `axis`, computed stably.

    Example:
    >>> from kara import ops
    >>> float(ops.logsumexp([1000.0, 1000.0]))
    1000.6931762695312
    """
    x = float_arg(x, "logsumexp")
    return LogSumExp(_axis(x, axis, "logsumexp"), keepdims)(x)


def argmax(x, axis=None, keepdims=False):
    """Indices of the maxima along `axis` (not differentiable)."""
    x = tensor_arg(x, "argmax")
    a = _axis(x, axis, "argmax")
    return Tensor(np.argmax(x.data, axis=a, keepdims=keepdims).astype("int32"))


def argmin(x, axis=None, keepdims=False):
    """Indices of the minima along `axis` (not differentiable)."""
    x = tensor_arg(x, "argmin")
    a = _axis(x, axis, "argmin")
    return Tensor(np.argmin(x.data, axis=a, keepdims=keepdims).astype("int32"))


def var(x, axis=None, keepdims=False):
    """Variance over `axis` (population variance, as Keras)."""
    x = float_arg(x, "var")
    m = mean(x, axis=axis, keepdims=True)
    return mean(square(x - m), axis=axis, keepdims=keepdims)


def std(x, axis=None, keepdims=False):
    """Standard deviation over `axis`."""
    return sqrt(var(x, axis=axis, keepdims=keepdims))
