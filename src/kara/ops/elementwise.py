"""Element-wise operations: arithmetic, exp/log, comparisons, where, clip.

Binary ops broadcast as NumPy does. Their `backward` returns gradients of
the broadcast shape; the engine sums them back to each input's shape.
"""

import numpy as np

from kara.autograd.function import Function
from kara.autograd.tensor import Tensor
from kara.ops.core import binary_args
from kara.ops.core import float_arg
from kara.ops.core import tensor_arg

__all__ = [
    "abs",
    "absolute",
    "add",
    "clip",
    "divide",
    "divide_no_nan",
    "equal",
    "exp",
    "expm1",
    "floor_divide",
    "greater",
    "greater_equal",
    "less",
    "less_equal",
    "log",
    "log1p",
    "logical_and",
    "logical_not",
    "logical_or",
    "maximum",
    "minimum",
    "mod",
    "multiply",
    "negative",
    "not_equal",
    "power",
    "reciprocal",
    "round",
    "sign",
    "sqrt",
    "square",
    "subtract",
    "true_divide",
    "where",
]


def _binary(fn_class, a, b, op):
    a, b = binary_args(a, b, op)
    return _call(fn_class(), a, b, op)


def _call(fn, a, b, op):
    """Runs `fn(a, b)`, turning a broadcasting failure into a clear error."""
    try:
        return fn(a, b)
    except ValueError:
        _check_broadcast(op, x1=a, x2=b)
        raise


def _check_broadcast(op, **tensors):
    """Raises a ValueError naming `op` and each input's shape if the
    shapes do not broadcast together."""
    shapes = [np.shape(getattr(t, "data", t)) for t in tensors.values()]
    try:
        np.broadcast_shapes(*shapes)
    except ValueError:
        parts = [f"{n} of shape {s}" for n, s in zip(tensors, shapes)]
        named = ", ".join(parts[:-1]) + " and " + parts[-1]
        raise ValueError(
            f"{op}: cannot broadcast {named} together. Shapes broadcast "
            "when, axis by axis from the right, the sizes are equal or one "
            "of them is 1: reshape or expand_dims an input."
        ) from None


# ------------------------------------------------------------- arithmetic
class Add(Function):
    def forward(self, a, b):
        return a + b

    def backward(self, gy):
        return gy, gy


class Subtract(Function):
    def forward(self, a, b):
        return a - b

    def backward(self, gy):
        return gy, -gy


class Multiply(Function):
    def forward(self, a, b):
        self.save_for_backward(a, b)
        return a * b

    def backward(self, gy):
        a, b = self.saved
        return gy * b, gy * a


class Divide(Function):
    def forward(self, a, b):
        self.save_for_backward(a, b)
        return a / b

    def backward(self, gy):
        a, b = self.saved
        gb = -gy * a / (b * b) if self.needs_input_grad[1] else None
        return gy / b, gb


class Power(Function):
    def forward(self, a, b):
        y = np.power(a, b)
        self.save_for_backward(a, b, y)
        return y

    def backward(self, gy):
        a, b, y = self.saved
        ga = gb = None
        if self.needs_input_grad[0]:
            # d a^b / da = b * a^(b-1)
            ga = gy * b * np.power(a, b - 1)
        if self.needs_input_grad[1]:
            # d a^b / db = a^b * log(a), taken as 0 where a <= 0
            safe = np.where(a > 0, a, 1)
            gb = gy * y * np.log(safe)
        return ga, gb


class Negative(Function):
    def forward(self, x):
        return -x

    def backward(self, gy):
        return -gy


def add(x1, x2):
    """Adds two tensors element-wise, with broadcasting.

    Example:
    >>> from kara import ops
    >>> ops.add([1.0, 2.0], 1.0).numpy()
    array([2., 3.], dtype=float32)
    """
    return _binary(Add, x1, x2, "add")


def subtract(x1, x2):
    """Subtracts `x2` from `x1` element-wise, with broadcasting."""
    return _binary(Subtract, x1, x2, "subtract")


def multiply(x1, x2):
    """Multiplies two tensors element-wise, with broadcasting."""
    return _binary(Multiply, x1, x2, "multiply")


def divide(x1, x2):
    """Divides `x1` by `x2` element-wise (true division).

    Integer inputs give a float result, as in Keras.
    """
    a, b = binary_args(x1, x2, "divide")
    if a.data.dtype.kind not in "fc":
        a, b = float_arg(a, "divide"), float_arg(b, "divide")
    return _call(Divide(), a, b, "divide")


true_divide = divide


def divide_no_nan(x1, x2):
    """`x1 / x2`, but 0 where `x2 == 0`."""
    a, b = binary_args(x1, x2, "divide_no_nan")
    a, b = float_arg(a, "divide_no_nan"), float_arg(b, "divide_no_nan")
    _check_broadcast("divide_no_nan", x1=a, x2=b)
    zero = b.data == 0
    if not zero.any():
        return Divide()(a, b)
    safe_b = where(zero, 1.0, b)
    return where(zero, 0.0, Divide()(a, safe_b))


def power(x1, x2):
    """`x1` raised to the power `x2`, element-wise.

    Example:
    >>> from kara import ops
    >>> ops.power([2.0, 3.0], 2).numpy()
    array([4., 9.], dtype=float32)
    """
    return _binary(Power, x1, x2, "power")


def negative(x):
    """Numerical negative, element-wise."""
    return Negative()(tensor_arg(x, "negative"))


def floor_divide(x1, x2):
    """Floor division (not differentiable)."""
    a, b = binary_args(x1, x2, "floor_divide")
    return Tensor(np.floor_divide(a.data, b.data))


def mod(x1, x2):
    """Remainder of division (not differentiable)."""
    a, b = binary_args(x1, x2, "mod")
    return Tensor(np.mod(a.data, b.data))


# ---------------------------------------------------------------- unary
class Square(Function):
    def forward(self, x):
        self.save_for_backward(x)
        return np.square(x)

    def backward(self, gy):
        (x,) = self.saved
        return gy * 2 * x


class Sqrt(Function):
    def forward(self, x):
        y = np.sqrt(x)
        self.save_for_backward(y)  # d sqrt(x)/dx = 1 / (2 sqrt(x))
        return y

    def backward(self, gy):
        (y,) = self.saved
        return gy / (2 * y)


class Exp(Function):
    def forward(self, x):
        y = np.exp(x)
        self.save_for_backward(y)  # d e^x/dx = e^x: keep y
        return y

    def backward(self, gy):
        (y,) = self.saved
        return gy * y


class Expm1(Function):
    def forward(self, x):
        y = np.expm1(x)
        self.save_for_backward(y)
        return y

    def backward(self, gy):
        (y,) = self.saved
        return gy * (y + 1)


class Log(Function):
    def forward(self, x):
        self.save_for_backward(x)
        return np.log(x)

    def backward(self, gy):
        (x,) = self.saved
        return gy / x


class Log1p(Function):
    def forward(self, x):
        self.save_for_backward(x)
        return np.log1p(x)

    def backward(self, gy):
        (x,) = self.saved
        return gy / (1 + x)


class Abs(Function):
    def forward(self, x):
        self.save_for_backward(x)
        return np.abs(x)

    def backward(self, gy):
        (x,) = self.saved
        return gy * np.sign(x)


class Reciprocal(Function):
    def forward(self, x):
        y = 1 / x
        self.save_for_backward(y)
        return y

    def backward(self, gy):
        (y,) = self.saved
        return -gy * y * y


class ZeroGrad(Function):
    """A piecewise-constant op (sign, round): its gradient is zero."""

    def __init__(self, fn):
        self.fn = fn

    def forward(self, x):
        return self.fn(x)

    def backward(self, gy):
        return np.zeros_like(gy)


def square(x):
    """`x * x`, element-wise."""
    return Square()(tensor_arg(x, "square"))


def sqrt(x):
    """Square root, element-wise."""
    return Sqrt()(float_arg(x, "sqrt"))


def exp(x):
    """Natural exponential, element-wise.

    Example:
    >>> from kara import ops
    >>> ops.exp([0.0]).numpy()
    array([1.], dtype=float32)
    """
    return Exp()(float_arg(x, "exp"))


def expm1(x):
    """`exp(x) - 1`, accurate for small `x`."""
    return Expm1()(float_arg(x, "expm1"))


def log(x):
    """Natural logarithm, element-wise."""
    return Log()(float_arg(x, "log"))


def log1p(x):
    """`log(1 + x)`, accurate for small `x`."""
    return Log1p()(float_arg(x, "log1p"))


def abs(x):
    """Absolute value, element-wise (gradient `sign(x)`, 0 at 0)."""
    return Abs()(tensor_arg(x, "abs"))


absolute = abs


def reciprocal(x):
    """`1 / x`, element-wise."""
    return Reciprocal()(float_arg(x, "reciprocal"))


def sign(x):
    """-1, 0 or 1 by the sign of `x` (gradient zero)."""
    return ZeroGrad(np.sign)(tensor_arg(x, "sign"))


def round(x, decimals=0):
    """Rounds to `decimals` places (gradient zero)."""
    return ZeroGrad(lambda a: np.round(a, decimals))(tensor_arg(x, "round"))


# --------------------------------------------------------- max, min, clip
class Maximum(Function):
    def forward(self, a, b):
        self.save_for_backward(a, b)
        return np.maximum(a, b)

    def backward(self, gy):
        a, b = self.saved
        take_a = a >= b  # ties go to the first argument, as in TensorFlow
        return gy * take_a, gy * ~take_a


class Minimum(Function):
    def forward(self, a, b):
        self.save_for_backward(a, b)
        return np.minimum(a, b)

    def backward(self, gy):
        a, b = self.saved
        take_a = a <= b
        return gy * take_a, gy * ~take_a


class Clip(Function):
    def __init__(self, lo, hi):
        self.lo, self.hi = lo, hi

    def forward(self, x):
        self.save_for_backward(x)
        return np.clip(x, self.lo, self.hi)

    def backward(self, gy):
        (x,) = self.saved
        # the gradient passes where x is inside [lo, hi], bounds included
        return gy * ((x >= self.lo) & (x <= self.hi))


def maximum(x1, x2):
    """Element-wise maximum (on ties the gradient goes to `x1`)."""
    return _binary(Maximum, x1, x2, "maximum")


def minimum(x1, x2):
    """Element-wise minimum (on ties the gradient goes to `x1`)."""
    return _binary(Minimum, x1, x2, "minimum")


def clip(x, x_min, x_max):
    """Clips values to `[x_min, x_max]`.

    Example:
    >>> from kara import ops
    >>> ops.clip([-2.0, 0.5, 3.0], 0.0, 1.0).numpy()
    array([0. , 0.5, 1. ], dtype=float32)
    """
    x = tensor_arg(x, "clip")
    dt = x.data.dtype
    lo = np.asarray(getattr(x_min, "data", x_min), dtype=dt)
    hi = np.asarray(getattr(x_max, "data", x_max), dtype=dt)
    return Clip(lo, hi)(x)


# -------------------------------------------------------------- where
class Where(Function):
    def __init__(self, condition):
        self.condition = condition

    def forward(self, a, b):
        return np.where(self.condition, a, b)

    def backward(self, gy):
        c = self.condition
        ga = np.where(c, gy, 0) if self.needs_input_grad[0] else None
        gb = np.where(c, 0, gy) if self.needs_input_grad[1] else None
        return ga, gb


def where(condition, x1=None, x2=None):
    """Picks from `x1` where `condition` is true, else from `x2`.

    With only `condition`, returns the indices where it is true (as
    `np.nonzero`).
    """
    cond = np.asarray(getattr(condition, "data", condition)).astype(bool)
    if x1 is None and x2 is None:
        return tuple(Tensor(i) for i in np.nonzero(cond))
    a, b = binary_args(x1, x2, "where")
    try:
        return Where(cond)(a, b)
    except ValueError:
        _check_broadcast("where", condition=cond, x1=a, x2=b)
        raise


# --------------------------------------------------------- comparisons
def _compare(fn, x1, x2, op):
    a, b = binary_args(x1, x2, op)
    try:
        return Tensor(fn(a.data, b.data))
    except ValueError:
        _check_broadcast(op, x1=a, x2=b)
        raise


def equal(x1, x2):
    """`x1 == x2`, element-wise, as a bool Tensor."""
    return _compare(np.equal, x1, x2, "equal")


def not_equal(x1, x2):
    """`x1 != x2`, element-wise, as a bool Tensor."""
    return _compare(np.not_equal, x1, x2, "not_equal")


def less(x1, x2):
    """`x1 < x2`, element-wise, as a bool Tensor."""
    return _compare(np.less, x1, x2, "less")


def less_equal(x1, x2):
    """`x1 <= x2`, element-wise, as a bool Tensor."""
    return _compare(np.less_equal, x1, x2, "less_equal")


def greater(x1, x2):
    """`x1 > x2`, element-wise, as a bool Tensor."""
    return _compare(np.greater, x1, x2, "greater")


def greater_equal(x1, x2):
    """`x1 >= x2`, element-wise, as a bool Tensor."""
    return _compare(np.greater_equal, x1, x2, "greater_equal")


def logical_and(x1, x2):
    """Element-wise logical AND."""
    return _compare(np.logical_and, x1, x2, "logical_and")


def logical_or(x1, x2):
    """Element-wise logical OR."""
    return _compare(np.logical_or, x1, x2, "logical_or")


def logical_not(x):
    """Element-wise logical NOT."""
    return Tensor(np.logical_not(tensor_arg(x, "logical_not").data))
