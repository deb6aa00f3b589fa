"""Regularizers: penalties on weights, added to the training loss.

A regularizer is a callable `reg(weight) -> scalar Tensor`, built from
`kara.ops` so the penalty backpropagates into the weight. Layers take
them as `kernel_regularizer=`, `bias_regularizer=` and
`activity_regularizer=`, and collect the penalties in `layer.losses`:

    Dense(64, kernel_regularizer="l2")              # L2(l2=0.01)
    Dense(64, kernel_regularizer=L1L2(l1=1e-5, l2=1e-4))

Formula:
    L1(l1):        l1 * sum(|w|)
    L2(l2):        l2 * sum(w^2)
    L1L2(l1, l2):  l1 * sum(|w|) + l2 * sum(w^2)
    OrthogonalRegularizer(factor, mode):
        factor * mean_{i < j} |<u_i, u_j>|, with u the L2-normalized
        rows (mode="rows") or columns (mode="columns") of a 2-D weight.

Example:
>>> from kara import regularizers
>>> regularizers.L2(0.1)([[1.0, 2.0]]).numpy()
array(0.5, dtype=float32)
"""

import math

import numpy as np

from kara import config
from kara import ops
from kara.utils import lookup
from kara.utils import naming


def validate_float_arg(value, name):
    """Returns `value` as a float, or raises if it is not a finite number
    >= 0."""
    if (
        isinstance(value, bool)
        or not isinstance(value, (int, float, np.integer, np.floating))
        or not math.isfinite(value)
        or value < 0
    ):
        raise ValueError(
            f"Invalid value for argument {name}: expected a non-negative "
            f"float. Received: {name}={value!r}"
        )
    return float(value)


class Regularizer:
    """Base class of regularizers.

    Subclasses implement `__call__(x)`, returning a scalar Tensor, and
    `get_config()`, returning the constructor's arguments.

    Example, a complete regularizer:

        class SumOfSquares(Regularizer):
            def __init__(self, factor=0.01):
                self.factor = factor

            def __call__(self, x):
                return self.factor * ops.sum(ops.square(x))

            def get_config(self):
                return {"factor": self.factor}
    """

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        # A misspelt argument (`L2(l1=...)`) gets a "did you mean" error.
        if "__init__" in cls.__dict__:
            cls.__init__ = naming.suggest_kwargs(cls.__init__)

    def __call__(self, x):
        return 0.0

    def get_config(self):
        raise NotImplementedError(f"{self} does not implement get_config()")

    @classmethod
    def from_config(cls, config):
        return cls(**config)

    def __repr__(self):
        args = ", ".join(f"{k}={v!r}" for k, v in self.get_config().items())
        return f"{type(self).__name__}({args})"


def _float_tensor(x):
    x = ops.convert_to_tensor(x)
    if x.dtype.kind != "f":
        x = ops.cast(x, config.floatx())
    return x


class L1L2(Regularizer):
    """Both penalties: `l1 * sum(|x|) + l2 * sum(x^2)`.

    Args:
        l1: L1 factor (default 0; the name `"l1_l2"` gives 0.01).
        l2: L2 factor (default 0; the name `"l1_l2"` gives 0.01).

    Example:
    >>> L1L2(l1=0.1, l2=0.1)([1.0, -2.0]).numpy()
    array(0.8, dtype=float32)
    """

    def __init__(self, l1=0.0, l2=0.0):
        self.l1 = validate_float_arg(0.0 if l1 is None else l1, "l1")
        self.l2 = validate_float_arg(0.0 if l2 is None else l2, "l2")

    def __call__(self, x):
        x = _float_tensor(x)
        penalty = ops.zeros((), dtype=x.dtype)
        if self.l1:
            penalty = penalty + self.l1 * ops.sum(ops.abs(x))
        if self.l2:
            penalty = penalty + self.l2 * ops.sum(ops.square(x))
        return penalty

    def get_config(self):
        return {"l1": self.l1, "l2": self.l2}


class L1(Regularizer):
    """`l1 * sum(|x|)`: pushes weights to exactly 0 (sparse weights).

    Args:
        l1: the factor (default 0.01).

    Example:
    >>> L1(0.5)([1.0, -2.0]).numpy()
    array(1.5, dtype=float32)
    """

    def __init__(self, l1=0.01):
        self.l1 = validate_float_arg(0.01 if l1 is None else l1, "l1")

    def __call__(self, x):
        return self.l1 * ops.sum(ops.abs(_float_tensor(x)))

    def get_config(self):
        return {"l1": self.l1}


class L2(Regularizer):
    """`l2 * sum(x^2)`: weight decay, keeps weights small.

    Args:
        l2: the factor (default 0.01).

    Example:
    >>> L2(0.5)([1.0, -2.0]).numpy()
    array(2.5, dtype=float32)
    """

    def __init__(self, l2=0.01):
        self.l2 = validate_float_arg(0.01 if l2 is None else l2, "l2")

    def __call__(self, x):
        return self.l2 * ops.sum(ops.square(_float_tensor(x)))

    def get_config(self):
        return {"l2": self.l2}


class OrthogonalRegularizer(Regularizer):
    """Pushes the rows (or columns) of a 2-D weight to be orthogonal.

    The penalty is `factor` times the mean, over pairs of distinct rows
    (columns), of `|cos|` of their angle:
    `factor * sum_{i != j} |<u_i, u_j>| / 2 / (n (n - 1) / 2)`.
    An all-zero row counts as orthogonal to everything; a single row has
    no pairs and a penalty of 0.

    Args:
        factor: the factor (default 0.01).
        mode: `"rows"` (default) or `"columns"`. For a Dense kernel
            `(input_dim, units)`, `"columns"` decorrelates the units.

    Example:
    >>> OrthogonalRegularizer(factor=1.0)([[1.0, 0.0], [1.0, 1.0]]).numpy()
    array(0.70710677, dtype=float32)
    """

    def __init__(self, factor=0.01, mode="rows"):
        self.factor = validate_float_arg(factor, "factor")
        if mode not in ("rows", "columns"):
            hint = naming.suggestion(mode, ("rows", "columns"))
            raise ValueError(
                "Invalid value for argument `mode`. Expected one of "
                f'{{"rows", "columns"}}.{hint} Received: mode={mode!r}'
            )
        self.mode = mode

    def __call__(self, inputs):
        x = _float_tensor(inputs)
        if x.ndim != 2:
            raise ValueError(
                "Inputs to OrthogonalRegularizer must have rank 2. "
                f"Received: inputs.shape={x.shape}"
            )
        if self.mode == "columns":
            x = ops.transpose(x)
        n = x.shape[0]
        if n < 2:
            return ops.zeros((), dtype=x.dtype)
        # x / max(|x|, eps) row by row: min(rsqrt(s), 1/eps) = rsqrt(max(s,
        # eps^2)), whose gradient is 0 (not NaN) for an all-zero row
        eps = config.epsilon()
        sq = ops.sum(ops.square(x), axis=1, keepdims=True)
        u = x / ops.sqrt(ops.maximum(sq, eps * eps))
        cos = ops.matmul(u, ops.transpose(u))
        off_diagonal = 1.0 - np.eye(n, dtype=x.dtype)
        pairs = n * (n - 1) / 2.0
        return (self.factor * 0.5 / pairs) * ops.sum(
            ops.abs(cos * off_diagonal)
        )

    def get_config(self):
        return {"factor": self.factor, "mode": self.mode}


# ------------------------------------------------------------ lookup by name
_CLASSES = (Regularizer, L1, L2, L1L2, OrthogonalRegularizer)
ALL_OBJECTS_DICT = {cls.__name__: cls for cls in _CLASSES}
ALL_OBJECTS_DICT.update(
    {naming.to_snake_case(cls.__name__): cls for cls in _CLASSES}
)


def l1_l2(l1=0.01, l2=0.01):
    """`L1L2` with both factors 0.01 by default (what the name `"l1_l2"`
    gives, as Keras documents and tf.keras 2 does)."""
    return L1L2(l1=l1, l2=l2)


ALL_OBJECTS_DICT["l1_l2"] = l1_l2

# snake_case aliases, as `keras.regularizers.l1(...)` etc.
l1 = L1
l2 = L2
orthogonal_regularizer = OrthogonalRegularizer


def serialize(regularizer):
    """Returns the Keras 3 config dict of a regularizer.

    Example:
    >>> serialize(L2(0.1))
    {'module': 'keras.regularizers', 'class_name': 'L2', \
'config': {'l2': 0.1}, 'registered_name': None}
    """
    return lookup.serialize_object(
        regularizer, "keras.regularizers", ALL_OBJECTS_DICT
    )


def deserialize(config, custom_objects=None):
    """Builds a regularizer from a name or a config dict."""
    obj = lookup.deserialize_object(
        config, ALL_OBJECTS_DICT, "regularizer", custom_objects
    )
    return l1_l2() if obj is l1_l2 else obj  # the name "l1_l2"


def get(identifier):
    """Returns a regularizer from `None`, a name, a config dict, a class or
    a callable.

    Example:
    >>> get("l2")
    L2(l2=0.01)
    >>> get("l3")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    ValueError: Could not interpret regularizer identifier: 'l3'. \
Did you mean 'l2' or 'l1'? Valid names are: ...
    """
    obj = lookup.get_object(identifier, ALL_OBJECTS_DICT, "regularizer")
    return l1_l2() if obj is l1_l2 else obj  # the name "l1_l2"
