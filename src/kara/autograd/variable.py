"""`Variable`: a Keras weight, a Tensor whose value changes in place.

Layers create Variables with `add_weight`, optimizers update them in place
(`variable.data -= ...` or `assign_sub`), and the graph sees them as leaves
whose gradient lands in `.grad`.

Example:
>>> import kara
>>> v = kara.Variable([1.0, 2.0], name="w")
>>> v.assign_add([0.5, 0.5])
<Variable path=w, shape=(2,), dtype=float32, value=[1.5 2.5]>
"""

import numpy as np

from kara import backend
from kara import config
from kara.autograd.tensor import Tensor


class Variable(Tensor):
    """A mutable, named weight.

    Args:
        initializer: the initial value (array-like), or a callable
            `initializer(shape, dtype)` (then `shape` is required).
        shape: the shape, when `initializer` is a callable.
        dtype: the dtype (defaults to the value's, floats become floatx).
        trainable: whether optimizers update it (and gradients flow to it).
        autocast: accepted for Keras compatibility.
        name: the variable's name.
        aggregation, synchronization: accepted for Keras compatibility.
    """

    def __init__(
        self,
        initializer=None,
        shape=None,
        dtype=None,
        trainable=True,
        autocast=True,
        aggregation="none",
        synchronization="auto",
        name=None,
        **kwargs,
    ):
        if "initial_value" in kwargs:  # tf.Variable spelling
            initializer = kwargs.pop("initial_value")
        if kwargs:
            raise TypeError(
                f"Variable got unexpected keyword arguments {sorted(kwargs)}."
            )
        if initializer is None:
            raise ValueError(
                "Variable needs an initial value: pass an array or an "
                "initializer (with `shape`). Received: initializer=None"
            )
        if callable(initializer) and not hasattr(initializer, "shape"):
            if shape is None:
                raise ValueError(
                    "When `initializer` is a callable, `shape` is required. "
                    f"Received: initializer={initializer!r}, shape=None"
                )
            dtype = backend.standardize_dtype(dtype)
            value = initializer(tuple(shape), dtype=dtype)
        else:
            value = initializer
        data = backend.as_array(value, dtype=dtype, name="initializer")
        if dtype is None and data.dtype.kind == "f":
            data = data.astype(config.floatx(), copy=False)
        # own the memory: a Variable is updated in place
        data = np.array(data, copy=True)
        if shape is not None and tuple(shape) != data.shape:
            raise ValueError(
                f"Variable {name!r}: initial value has shape {data.shape}, "
                f"but shape={tuple(shape)} was given."
            )
        super().__init__(data, requires_grad=bool(trainable), name=name)
        self._trainable = bool(trainable)
        self.autocast = autocast
        self.path = name
        self.regularizer = None
        self.constraint = None

    @property
    def trainable(self):
        return self._trainable

    @trainable.setter
    def trainable(self, value):
        self._trainable = bool(value)
        self.requires_grad = bool(value)

    @property
    def value(self):
        return Tensor(self.data)

    def numpy(self):
        """Returns a copy of the current value (the Variable changes later)."""
        return self.data.copy()

    def _check_value(self, value, method):
        """`value` as an array of the variable's dtype that `method` may
        write: of the variable's shape for `assign` (as Keras 3 and TF
        require), broadcastable to it for `assign_add`/`assign_sub`."""
        arr = backend.as_array(value, dtype=self.data.dtype, name="value")
        shape = self.data.shape
        if arr.shape == shape:
            return arr
        if method != "assign":
            try:
                np.broadcast_to(arr, shape)
                return arr
            except ValueError:
                pass
        if method != "assign":
            fix = "Pass a scalar or an array that broadcasts to that shape"
        elif arr.ndim == 0:
            fix = f"Pass an array of that shape, e.g. np.full({shape}, value)"
        else:
            fix = "Pass an array of that shape (reshape the value)"
        raise ValueError(
            f"Variable.{method}: the value has shape {arr.shape} but "
            f"variable {self.path!r} has shape {shape}. {fix}."
        )

    def assign(self, value):
        """Sets the value in place. Returns the Variable.

        Args:
            value: an array-like of exactly the variable's shape (as in
                Keras 3; a scalar does not fill a non-scalar variable).
        """
        self.data[...] = self._check_value(value, "assign")
        return self

    def assign_add(self, delta):
        """Adds `delta` (broadcast to the variable's shape) in place.
        Returns the Variable."""
        self.data += self._check_value(delta, "assign_add")
        return self

    def assign_sub(self, delta):
        """Subtracts `delta` (broadcast to the variable's shape) in place.
        Returns the Variable."""
        self.data -= self._check_value(delta, "assign_sub")
        return self

    def __repr__(self):
        return (
            f"<Variable path={self.path}, shape={self.shape}, "
            f"dtype={self.dtype}, value={self.data}>"
        )
