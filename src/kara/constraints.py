"""Constraints: projections applied to weights after each optimizer step.

A constraint is a callable `constraint(w) -> new value` with
`get_config()`. Layers take them as `kernel_constraint=` and
`bias_constraint=`; after the optimizer updates a weight, the new value is
replaced by `constraint(value)`:

    Dense(64, kernel_constraint="max_norm")       # MaxNorm(2, axis=0)

A constraint is not part of the gradient: it works on NumPy arrays. Given
an array it returns an array; given a Tensor or Variable it returns a new
Tensor (the Variable itself is not changed; `v.assign(c(v))` does that).
The norms are taken along `axis` (default 0: for a Dense kernel
`(input_dim, units)`, the incoming weights of each unit; for a Conv2D
kernel `(rows, cols, in, out)` use `axis=[0, 1, 2]`).

Example:
>>> import numpy as np
>>> from kara import constraints
>>> constraints.NonNeg()(np.array([-1.0, 2.0], "float32"))
array([0., 2.], dtype=float32)
"""

import numpy as np

from kara import backend
from kara import config
from kara.utils import lookup
from kara.utils import naming


def _number(value, name, owner):
    if isinstance(value, bool) or not isinstance(
        value, (int, float, np.integer, np.floating)
    ):
        raise ValueError(
            f"{owner}: `{name}` must be a number. Received: {name}={value!r}"
        )
    return value


def _axis(axis, owner):
    if isinstance(axis, (list, tuple)):
        return [int(_number(a, "axis", owner)) for a in axis]
    return int(_number(axis, "axis", owner))


class Constraint:
    """Base class of weight constraints.

    Subclasses implement `__call__(w)` and `get_config()`; `_apply(w)`
    receives the weight as a NumPy array and returns the new array, and
    the base `__call__` handles Tensors.

    Example, a complete constraint:

        class Clip(Constraint):
            def __init__(self, limit=1.0):
                self.limit = limit

            def _apply(self, w):
                return np.clip(w, -self.limit, self.limit)

            def get_config(self):
                return {"limit": self.limit}
    """

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        # A misspelt argument (`MaxNorm(max_val=3)`) gets a suggestion.
        if "__init__" in cls.__dict__:
            cls.__init__ = naming.suggest_kwargs(cls.__init__)

    def __call__(self, w):
        is_tensor = getattr(w, "_is_kara_tensor", False)
        array = backend.as_array(w, name="w")
        if array.dtype.kind != "f":
            array = array.astype(config.floatx())
        out = np.asarray(self._apply(array), dtype=array.dtype)
        if is_tensor:
            from kara.autograd import Tensor

            return Tensor(out)
        return out

    def _apply(self, w):
        return w

    def get_config(self):
        return {}

    @classmethod
    def from_config(cls, config):
        return cls(**config)

    def __repr__(self):
        args = ", ".join(f"{k}={v!r}" for k, v in self.get_config().items())
        return f"{type(self).__name__}({args})"


def _norms(w, axis):
    axis = tuple(axis) if isinstance(axis, list) else axis
    return np.sqrt(np.sum(np.square(w), axis=axis, keepdims=True))


class MaxNorm(Constraint):
    """Rescales weights whose norm along `axis` exceeds `max_value`.

    `w * clip(norm, 0, max_value) / (epsilon + norm)`.

    Args:
        max_value: the largest norm allowed (default 2).
        axis: the axis or axes the norm is taken over (default 0).

    Example:
    >>> MaxNorm(1.0)(np.array([[3.0], [4.0]], "float32"))
    array([[0.6],
           [0.8]], dtype=float32)
    """

    def __init__(self, max_value=2, axis=0):
        self.max_value = _number(max_value, "max_value", "MaxNorm")
        self.axis = _axis(axis, "MaxNorm")

    def _apply(self, w):
        norms = _norms(w, self.axis)
        desired = np.clip(norms, 0, self.max_value)
        return w * (desired / (config.epsilon() + norms))

    def get_config(self):
        return {"max_value": self.max_value, "axis": self.axis}


class MinMaxNorm(Constraint):
    """Moves the norm along `axis` into `[min_value, max_value]`.

    `desired = rate * clip(norm, min_value, max_value) + (1 - rate) *
    norm`, and `w * desired / (epsilon + norm)`. With `rate < 1` the norm
    moves only part of the way at each step.

    Args:
        min_value: the smallest norm (default 0).
        max_value: the largest norm (default 1).
        rate: how far to move, in [0, 1] (default 1: all the way).
        axis: the axis or axes the norm is taken over (default 0).

    Example:
    >>> MinMaxNorm(min_value=1.0, max_value=2.0)(
    ...     np.array([[3.0], [4.0]], "float32"))
    array([[1.2],
           [1.6]], dtype=float32)
    """

    def __init__(self, min_value=0.0, max_value=1.0, rate=1.0, axis=0):
        self.min_value = _number(min_value, "min_value", "MinMaxNorm")
        self.max_value = _number(max_value, "max_value", "MinMaxNorm")
        if min_value > max_value:
            raise ValueError(
                "MinMaxNorm: `min_value` must not exceed `max_value`. "
                f"Received: min_value={min_value}, max_value={max_value}"
            )
        self.rate = _number(rate, "rate", "MinMaxNorm")
        self.axis = _axis(axis, "MinMaxNorm")

    def _apply(self, w):
        norms = _norms(w, self.axis)
        clipped = np.clip(norms, self.min_value, self.max_value)
        desired = self.rate * clipped + (1 - self.rate) * norms
        return w * (desired / (config.epsilon() + norms))

    def get_config(self):
        return {
            "min_value": self.min_value,
            "max_value": self.max_value,
            "rate": self.rate,
            "axis": self.axis,
        }


class NonNeg(Constraint):
    """Replaces negative weights by 0.

    Example:
    >>> NonNeg()(np.array([-0.5, 0.5], "float32"))
    array([0. , 0.5], dtype=float32)
    """

    def _apply(self, w):
        return np.maximum(w, 0)


class UnitNorm(Constraint):
    """Rescales weights to norm 1 along `axis`: `w / (epsilon + norm)`.

    Args:
        axis: the axis or axes the norm is taken over (default 0).

    Example:
    >>> UnitNorm()(np.array([[3.0], [4.0]], "float32"))
    array([[0.6],
           [0.8]], dtype=float32)
    """

    def __init__(self, axis=0):
        self.axis = _axis(axis, "UnitNorm")

    def _apply(self, w):
        return w / (config.epsilon() + _norms(w, self.axis))

    def get_config(self):
        return {"axis": self.axis}


# ------------------------------------------------------------ lookup by name
_CLASSES = (Constraint, MaxNorm, MinMaxNorm, NonNeg, UnitNorm)
ALL_OBJECTS_DICT = {cls.__name__: cls for cls in _CLASSES}
ALL_OBJECTS_DICT.update(
    {naming.to_snake_case(cls.__name__): cls for cls in _CLASSES}
)
# tf.keras 2 also knew these spellings
ALL_OBJECTS_DICT.update(
    {"maxnorm": MaxNorm, "nonneg": NonNeg, "unitnorm": UnitNorm}
)

# snake_case aliases, as `keras.constraints.max_norm(...)` etc.
max_norm = MaxNorm
min_max_norm = MinMaxNorm
non_neg = NonNeg
unit_norm = UnitNorm


def serialize(constraint):
    """Returns the Keras 3 config dict of a constraint.

    Example:
    >>> serialize(MaxNorm())["config"]
    {'max_value': 2, 'axis': 0}
    """
    return lookup.serialize_object(
        constraint, "keras.constraints", ALL_OBJECTS_DICT
    )


def deserialize(config, custom_objects=None):
    """Builds a constraint from a name or a config dict."""
    return lookup.deserialize_object(
        config, ALL_OBJECTS_DICT, "constraint", custom_objects
    )


def get(identifier):
    """Returns a constraint from `None`, a name, a config dict, a class or
    a callable.

    Example:
    >>> get("non_neg")
    NonNeg()
    """
    return lookup.get_object(identifier, ALL_OBJECTS_DICT, "constraint")
