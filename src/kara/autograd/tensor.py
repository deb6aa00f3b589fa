"""`Tensor`: an array that remembers the Function that made it.

A Tensor wraps a NumPy array (`.data`). When it is the output of an op run
on inputs that require gradients, `.creator` points to that op, and
`backward()` walks these links in reverse to fill `.grad` of the leaves.

Operators (`+ - * / ** @`, comparisons, indexing) dispatch to `kara.ops`,
with Tensors, NumPy arrays or Python numbers on either side. A Python float
never widens a float32 tensor to float64.

Example:
>>> import kara
>>> x = kara.Variable([1.0, 2.0, 3.0])
>>> y = (x * x).sum()
>>> y.backward()
>>> x.grad
array([2., 4., 6.], dtype=float32)
"""

import numpy as np

from kara import backend


class Tensor:
    """An n-dimensional array that can take part in backpropagation.

    Args:
        data: array-like value.
        dtype: optional dtype to convert to.
        requires_grad: whether ops on this tensor record a graph.
        name: optional name.
    """

    _is_kara_tensor = True
    # Set when the Function that made this tensor was released by
    # backward(): the tensor is then cut from its graph.
    _graph_freed = False
    # NumPy binary operators with a Tensor on the right return NotImplemented
    # (so Python calls Tensor.__radd__ etc.); ufuncs come to __array_ufunc__.
    __array_priority__ = 1000

    def __init__(self, data, dtype=None, requires_grad=False, name=None):
        if type(data) is not np.ndarray or dtype is not None:
            data = backend.as_array(data, dtype=dtype, name="data")
        self.data = data
        self.grad = None
        self.creator = None
        self.requires_grad = requires_grad
        self.name = name

    # ------------------------------------------------------------ array info
    @property
    def shape(self):
        return self.data.shape

    @property
    def dtype(self):
        return self.data.dtype

    @property
    def ndim(self):
        return self.data.ndim

    @property
    def size(self):
        return self.data.size

    def numpy(self):
        """Returns the value as a NumPy array."""
        return self.data

    def item(self):
        return self.data.item()

    def __array__(self, dtype=None, copy=None):
        # np.array(t) asks for a copy; np.asarray(t) shares the memory
        if dtype is None:
            return self.data.copy() if copy else self.data
        return self.data.astype(dtype, copy=bool(copy))

    def __len__(self):
        if self.data.ndim == 0:
            raise TypeError("len() of a 0-d Tensor (a scalar) is undefined.")
        return len(self.data)

    def __float__(self):
        # item() accepts any one-element array (NumPy 2.4 float() only 0-d)
        return float(self.data.item())

    def __int__(self):
        return int(self.data.item())

    def __index__(self):
        return self.data.__index__()

    def __bool__(self):
        return bool(self.data)

    def __iter__(self):
        if self.data.ndim == 0:
            raise TypeError("Iteration over a 0-d Tensor (a scalar).")
        for i in range(len(self.data)):
            yield self[i]

    def __repr__(self):
        return (
            f"<Tensor: shape={self.shape}, dtype={self.dtype}, "
            f"numpy={np.array_repr(self.data)}>"
        )

    def __str__(self):
        return str(self.data)

    __hash__ = object.__hash__

    # --------------------------------------------------------------- autograd
    def backward(self, gradient=None, retain_graph=False):
        """Computes gradients of this tensor and adds them to leaf `.grad`.

        Args:
            gradient: upstream gradient (ones by default).
            retain_graph: keep the graph to call backward again.
        """
        from kara.autograd import engine

        if gradient is not None:
            gradient = backend.as_array(gradient, dtype=self.dtype)
        engine.backward(self, gradient, retain_graph=retain_graph)

    def detach(self):
        """Returns a Tensor sharing the data, cut from the graph."""
        return Tensor(self.data)

    def zero_grad(self):
        self.grad = None

    # -------------------------------------------------------------- operators
    def __add__(self, other):
        return ops.add(self, other)

    def __radd__(self, other):
        return ops.add(other, self)

    def __sub__(self, other):
        return ops.subtract(self, other)

    def __rsub__(self, other):
        return ops.subtract(other, self)

    def __mul__(self, other):
        return ops.multiply(self, other)

    def __rmul__(self, other):
        return ops.multiply(other, self)

    def __truediv__(self, other):
        return ops.divide(self, other)

    def __rtruediv__(self, other):
        return ops.divide(other, self)

    def __floordiv__(self, other):
        return ops.floor_divide(self, other)

    def __rfloordiv__(self, other):
        return ops.floor_divide(other, self)

    def __mod__(self, other):
        return ops.mod(self, other)

    def __pow__(self, other):
        return ops.power(self, other)

    def __rpow__(self, other):
        return ops.power(other, self)

    def __matmul__(self, other):
        return ops.matmul(self, other)

    def __rmatmul__(self, other):
        return ops.matmul(other, self)

    def __neg__(self):
        return ops.negative(self)

    def __pos__(self):
        return self

    def __abs__(self):
        return ops.abs(self)

    def __getitem__(self, key):
        return ops.get_item(self, key)

    def __lt__(self, other):
        return ops.less(self, other)

    def __le__(self, other):
        return ops.less_equal(self, other)

    def __gt__(self, other):
        return ops.greater(self, other)

    def __ge__(self, other):
        return ops.greater_equal(self, other)

    def __eq__(self, other):
        return ops.equal(self, other)

    def __ne__(self, other):
        return ops.not_equal(self, other)

    def __and__(self, other):
        return ops.logical_and(self, other)

    def __or__(self, other):
        return ops.logical_or(self, other)

    def __invert__(self):
        return ops.logical_not(self)

    # ---------------------------------------------------------------- methods
    @property
    def T(self):
        return ops.transpose(self)

    def reshape(self, *shape):
        if len(shape) == 1 and isinstance(shape[0], (tuple, list)):
            shape = shape[0]
        return ops.reshape(self, shape)

    def transpose(self, *axes):
        if len(axes) == 1 and isinstance(axes[0], (tuple, list)):
            axes = axes[0]
        return ops.transpose(self, axes or None)

    # The reductions also take NumPy's `dtype`/`out` keywords, because
    # `np.sum(tensor)` and `np.mean(tensor)` call them with those.
    def sum(self, axis=None, keepdims=False, dtype=None, out=None, **kw):
        return _numpy_reduction(ops.sum, self, axis, keepdims, dtype, out)

    def mean(self, axis=None, keepdims=False, dtype=None, out=None, **kw):
        return _numpy_reduction(ops.mean, self, axis, keepdims, dtype, out)

    def max(self, axis=None, keepdims=False, out=None, **kw):
        return _numpy_reduction(ops.max, self, axis, keepdims, None, out)

    def min(self, axis=None, keepdims=False, out=None, **kw):
        return _numpy_reduction(ops.min, self, axis, keepdims, None, out)

    def astype(self, dtype):
        return ops.cast(self, dtype)

    # ----------------------------------------------------------- NumPy interop
    def __array_ufunc__(self, ufunc, method, *inputs, **kwargs):
        # `ndarray + tensor` and `np.exp(tensor)` land here. Ufuncs kara
        # knows become kara ops (differentiable, returning Tensors); any
        # other runs on the raw arrays and returns NumPy arrays.
        if method == "__call__" and not kwargs:
            op = _UFUNC_TO_OP.get(ufunc.__name__)
            if op is not None:
                return getattr(ops, op)(*inputs)
        raw = [x.data if isinstance(x, Tensor) else x for x in inputs]
        if "out" in kwargs:
            kwargs["out"] = tuple(
                x.data if isinstance(x, Tensor) else x for x in kwargs["out"]
            )
        return getattr(ufunc, method)(*raw, **kwargs)


_UFUNC_TO_OP = {
    "add": "add",
    "subtract": "subtract",
    "multiply": "multiply",
    "true_divide": "divide",
    "divide": "divide",
    "power": "power",
    "matmul": "matmul",
    "negative": "negative",
    "exp": "exp",
    "log": "log",
    "log1p": "log1p",
    "sqrt": "sqrt",
    "square": "square",
    "absolute": "abs",
    "tanh": "tanh",
    "maximum": "maximum",
    "minimum": "minimum",
    "less": "less",
    "less_equal": "less_equal",
    "greater": "greater",
    "greater_equal": "greater_equal",
    "equal": "equal",
    "not_equal": "not_equal",
}


def _numpy_reduction(fn, x, axis, keepdims, dtype, out):
    if out is not None:
        raise TypeError(
            "Tensor reductions do not write into `out=`: kara Tensors are "
            "not changed in place. Use the returned Tensor instead."
        )
    if dtype is not None:
        x = ops.cast(x, dtype)
    return fn(x, axis=axis, keepdims=keepdims)


def as_tensor(x, dtype=None):
    """Returns `x` as a Tensor (itself if it already is one)."""
    if isinstance(x, Tensor):
        return x if dtype is None else ops.cast(x, dtype)
    return Tensor(backend.as_array(x, dtype=dtype))


# Imported last: the operators above dispatch to kara.ops, whose modules
# import this one.
from kara import ops  # noqa: E402
