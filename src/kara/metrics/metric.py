"""`Metric`: the base class of every stateful metric.

A metric keeps running statistics (a total and a count, a confusion
matrix, ...) in state variables. `update_state()` folds one batch into the
state, `result()` turns the state into the value shown in the logs, and
`reset_state()` zeroes the state (Keras calls it at the start of every
epoch and of `evaluate()`).

Metrics never build autograd graphs: they work on NumPy arrays (a Tensor is
unwrapped to its `.data`) and update their state in place. The state lives
in non-trainable `kara.Variable`s (float32 by default, as in Keras), so
`metric.variables` lists them and `variables[0].numpy()` works.

Example:
>>> import numpy as np
>>> from kara import metrics
>>> m = metrics.Mean()
>>> m.update_state([1.0, 3.0, 5.0, 7.0])
>>> float(m.result())
4.0
>>> m.reset_state()
>>> float(m([2.0, 4.0]))  # __call__ = update_state, then result
3.0
"""

import numpy as np

from kara import backend
from kara import config
from kara.autograd import Tensor
from kara.autograd import Variable
from kara.utils import naming


def to_float_array(x, dtype="float32", name="x"):
    """`x` as a NumPy array of `dtype`, without a copy when it already is.

    Tensors are unwrapped, Python lists and numbers converted. This is the
    one conversion on the metrics hot path, so it does nothing for an array
    of the right dtype.
    """
    if getattr(x, "_is_kara_tensor", False):
        x = x.data
    if type(x) is np.ndarray and x.dtype == dtype:
        return x
    return backend.as_array(x, dtype=dtype, name=name)


def to_array(x, name="x"):
    """`x` as a NumPy array, keeping its dtype (Tensors are unwrapped)."""
    if type(x) is np.ndarray:
        return x
    if getattr(x, "_is_kara_tensor", False):
        return x.data
    return backend.as_array(x, name=name)


def as_result(value, dtype="float32"):
    """Wraps a result array as a `kara.Tensor` (what `result()` returns).

    Keras returns a backend tensor: users call `.numpy()` or `float()` on
    it, and both work on a kara Tensor.
    """
    return Tensor(np.asarray(value, dtype=dtype))


def divide_no_nan(x, y):
    """`x / y`, with 0 wherever `y == 0` (`keras.ops.divide_no_nan`)."""
    x = np.asarray(x)
    y = np.asarray(y)
    with np.errstate(divide="ignore", invalid="ignore"):
        out = np.true_divide(x, y)
    return np.where(y == 0, np.zeros((), out.dtype), out).astype(
        out.dtype, copy=False
    )


class Metric:
    """Encapsulates metric logic and state.

    Args:
        dtype: the dtype of the state and result. Defaults to
            `kara.config.floatx()` ("float32").
        name: the metric's name (the key shown in logs). Defaults to the
            snake_case class name, with `_1`, `_2`, ... for later instances.

    Usage with `compile()`:

    ```python
    model.compile(optimizer="adam", loss="binary_crossentropy",
                  metrics=[kara.metrics.AUC(), "accuracy"])
    ```

    To be implemented by subclasses:

    * `__init__()`: create all state with `self.add_variable(...)`.
    * `update_state(...)`: fold one batch into the state (in place).
    * `result()`: compute the value from the state.
    * `reset_state()`: only if zeroing every variable is not enough.

    Example subclass:

    ```python
    class BinaryTruePositives(kara.metrics.Metric):
        def __init__(self, name="binary_true_positives", **kwargs):
            super().__init__(name=name, **kwargs)
            self.true_positives = self.add_variable(
                shape=(), initializer="zeros", name="true_positives"
            )

        def update_state(self, y_true, y_pred, sample_weight=None):
            y_true = np.asarray(y_true).astype(bool)
            y_pred = np.asarray(y_pred).astype(bool)
            values = (y_true & y_pred).astype("float32")
            if sample_weight is not None:
                values = values * np.asarray(sample_weight, "float32")
            self.true_positives.assign_add(values.sum())

        def result(self):
            return self.true_positives
    ```
    """

    # "up" (higher is better) or "down": read by EarlyStopping and
    # ModelCheckpoint for mode="auto". None means "infer from the name".
    _direction = None

    def __init__(self, dtype=None, name=None):
        # default: snake_case class name, "_1", "_2"... for later ones
        # (counters shared with layers, reset by clear_session())
        self.name = name or naming.auto_name(type(self).__name__)
        self._dtype = backend.standardize_dtype(dtype or config.floatx())
        self._variables = []
        self._metrics = []

    # ----------------------------------------------------------------- state
    @property
    def dtype(self):
        """The dtype of the state and of the result (a string)."""
        return self._dtype

    def add_variable(
        self,
        shape,
        initializer="zeros",
        dtype=None,
        aggregation="sum",
        name=None,
    ):
        """Creates a state variable and tracks it in `self.variables`.

        Args:
            shape: the variable's shape, e.g. `()` or `(num_thresholds,)`.
            initializer: `"zeros"` (the only value metrics need), a
                number, or a callable `(shape, dtype) -> array`.
            dtype: defaults to the metric's dtype.
            aggregation: accepted for Keras compatibility.
            name: the variable's name.

        Returns:
            A non-trainable `kara.Variable`.
        """
        if not hasattr(self, "_variables"):
            raise RuntimeError(
                f"{type(self).__name__}: you forgot to call "
                "`super().__init__()` in `__init__()` before creating "
                "state with `add_variable()`. Go add it!"
            )
        dtype = backend.standardize_dtype(dtype or self._dtype)
        shape = tuple(int(d) for d in shape)
        if initializer in (None, "zeros", "Zeros", 0):
            value = np.zeros(shape, dtype=dtype)
        elif isinstance(initializer, (int, float)):
            value = np.full(shape, initializer, dtype=dtype)
        elif callable(initializer):
            value = np.asarray(initializer(shape, dtype=dtype), dtype=dtype)
        else:
            raise ValueError(
                "Metric state initializers must be 'zeros', a number or a "
                f"callable. Received: initializer={initializer!r}"
            )
        variable = Variable(value, dtype=dtype, trainable=False, name=name)
        variable.path = f"{self.name}/{name}"
        self._variables.append(variable)
        return variable

    def add_weight(self, shape=(), initializer=None, dtype=None, name=None):
        """Alias of `add_variable()` (Keras keeps both names)."""
        return self.add_variable(
            shape=shape, initializer=initializer, dtype=dtype, name=name
        )

    @property
    def variables(self):
        """The state variables, in creation order (nested metrics last)."""
        variables = list(self._variables)
        for metric in self._metrics:
            variables.extend(metric.variables)
        return variables

    def reset_state(self):
        """Zeroes every state variable (called between epochs)."""
        for v in self.variables:
            v.data[...] = 0

    # ------------------------------------------------------------ interface
    def update_state(self, *args, **kwargs):
        """Accumulates statistics for the metric (one batch)."""
        raise NotImplementedError(
            f"{type(self).__name__} must implement `update_state()`."
        )

    def result(self):
        """Computes the current value from the state.

        Returns:
            A scalar `kara.Tensor` (a vector for some metrics, e.g.
            `Precision` with several thresholds).
        """
        raise NotImplementedError(
            f"{type(self).__name__} must implement `result()`."
        )

    def __call__(self, *args, **kwargs):
        """Runs `update_state(...)` then returns `result()`.

        The state is cumulative: calling twice averages both batches.
        """
        self.update_state(*args, **kwargs)
        return self.result()

    def __setattr__(self, name, value):
        # a metric made of metrics: their state joins `variables`
        if isinstance(value, Metric) and "_metrics" in self.__dict__:
            if value not in self._metrics:
                self._metrics.append(value)
        super().__setattr__(name, value)

    # -------------------------------------------------------- serialization
    def get_config(self):
        """Returns the constructor arguments as a dict."""
        return {"name": self.name, "dtype": self.dtype}

    @classmethod
    def from_config(cls, config):
        """Creates a metric from its `get_config()` dict."""
        return cls(**config)

    def __repr__(self):
        return f"<{type(self).__name__} name={self.name}>"

    __str__ = __repr__
