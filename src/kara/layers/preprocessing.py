"""Preprocessing layers: `Rescaling` and `Normalization`.

`Rescaling(1/255)` maps pixel values to [0, 1] inside the model.
`Normalization` standardizes features, `(x - mean) / sqrt(var)`, with
the mean and variance either given or learnt from data by `adapt(data)`
(they are non-trainable weights, saved with the model).

Example:
>>> import numpy as np, kara
>>> norm = kara.layers.Normalization()
>>> norm.adapt(np.array([[1.0], [3.0]]))
>>> norm(np.array([[1.0], [2.0], [3.0]])).numpy().ravel()
array([-1.,  0.,  1.], dtype=float32)
"""

import math

import numpy as np

from kara import backend
from kara import config
from kara import ops
from kara.autograd.tensor import Tensor
from kara.layers.layer import Layer


def _constant(value, dtype):
    return np.asarray(getattr(value, "data", value), dtype=dtype)


def _to_config(value):
    if isinstance(value, (np.ndarray, np.generic)):
        return value.tolist()
    return value


class Rescaling(Layer):
    """Multiplies by `scale` and adds `offset`: `x * scale + offset`.

    Args:
        scale: a number or an array broadcast against the input.
        offset: a number or an array (default 0).
    """

    def __init__(self, scale, offset=0.0, **kwargs):
        super().__init__(**kwargs)
        self.scale = scale
        self.offset = offset
        self.supports_masking = True

    def call(self, inputs):
        dtype = self.compute_dtype
        if inputs.dtype != dtype:
            inputs = ops.cast(inputs, dtype)
        out = ops.multiply(inputs, _constant(self.scale, dtype))
        return ops.add(out, _constant(self.offset, dtype))

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        return {
            **super().get_config(),
            "scale": _to_config(self.scale),
            "offset": _to_config(self.offset),
        }


class Normalization(Layer):
    """Standardizes inputs with a mean and variance, per feature.

    `call` returns `(x - mean) / max(sqrt(variance), epsilon)`; with
    `invert=True`, `mean + x * max(sqrt(variance), epsilon)`.

    Args:
        axis: the axis (or axes) that keep their own statistics; the
            others are averaged over. Default -1: one mean per feature.
            `None`: one mean for everything.
        mean: the mean to use (then `variance` is required too);
            otherwise call `adapt(data)`.
        variance: the variance to use.
        invert: undo a normalization instead.
    """

    def __init__(
        self, axis=-1, mean=None, variance=None, invert=False, **kwargs
    ):
        super().__init__(**kwargs)
        if axis is None:
            axis = ()
        elif isinstance(axis, int):
            axis = (axis,)
        else:
            axis = tuple(axis)
        self.axis = axis
        self.input_mean = mean
        self.input_variance = variance
        self.invert = invert
        self.supports_masking = True
        if (mean is not None) != (variance is not None):
            raise ValueError(
                "When setting values directly, both `mean` and `variance` "
                f"must be set. Received: mean={mean} and variance={variance}"
            )
        if mean is not None and np.shape(mean) != np.shape(variance):
            raise ValueError(
                "When setting values directly, `mean` and `variance` must "
                f"have the same shape. Received: mean shape "
                f"{np.shape(mean)} and variance shape {np.shape(variance)}"
            )

    def build(self, input_shape):
        ndim = len(input_shape)
        if any(a < -ndim or a >= ndim for a in self.axis):
            raise ValueError(
                "All `axis` values must be in the range [-ndim, ndim). "
                f"Received inputs with ndim={ndim}, while axis={self.axis}"
            )
        self._keep_axis = tuple(sorted(a % ndim for a in self.axis))
        for d in self._keep_axis:
            if input_shape[d] is None:
                raise ValueError(
                    "All `axis` values to be kept must have a known shape. "
                    f"Received axis={self.axis}, inputs.shape={input_shape}, "
                    f"with unknown axis at index {d}"
                )
        self._reduce_axis = tuple(
            d for d in range(ndim) if d not in self._keep_axis
        )
        # statistics broadcast against the input: size 1 on reduced axes
        self._broadcast_shape = tuple(
            input_shape[d] if d in self._keep_axis else 1 for d in range(ndim)
        )
        self._stats_shape = tuple(input_shape[d] for d in self._keep_axis)
        if self.input_mean is None:
            self.adapt_mean = self.add_weight(
                name="mean",
                shape=self._stats_shape,
                initializer="zeros",
                trainable=False,
            )
            self.adapt_variance = self.add_weight(
                name="variance",
                shape=self._stats_shape,
                initializer="ones",
                trainable=False,
            )
            self.count = self.add_weight(
                name="count",
                shape=(),
                dtype="int64",
                initializer="zeros",
                trainable=False,
            )
        else:
            dtype = self.compute_dtype
            mean = _constant(self.input_mean, dtype)
            var = _constant(self.input_variance, dtype)
            self._fixed = (
                np.broadcast_to(
                    _align(mean, ndim, self._keep_axis), self._broadcast_shape
                ),
                np.broadcast_to(
                    _align(var, ndim, self._keep_axis), self._broadcast_shape
                ),
            )

    def _stats(self):
        if self.input_mean is not None:
            return self._fixed
        shape = self._broadcast_shape
        return (
            self.adapt_mean.data.reshape(shape),
            self.adapt_variance.data.reshape(shape),
        )

    def adapt(self, data):
        """Computes the mean and variance of `data` and stores them.

        Args:
            data: an array (or Tensor) of samples, or an iterable of
                batches (the statistics are merged batch by batch).
        """
        if isinstance(data, (np.ndarray, Tensor)):
            batches = [backend.as_array(data)]
        elif hasattr(data, "__iter__"):
            batches = (np.asarray(getattr(b, "data", b)) for b in data)
        else:
            raise TypeError(
                f"Unsupported data type: {type(data)}. `adapt` supports "
                "NumPy arrays, Tensors, and iterables of batches."
            )
        total_mean = total_var = None
        total_count = 0
        for batch in batches:
            batch = np.asarray(batch, dtype=np.float64)
            if not self.built:
                self._maybe_build(tuple(batch.shape))
            self._check_adapt_shape(batch.shape)
            mean = batch.mean(axis=self._reduce_axis)
            var = batch.var(axis=self._reduce_axis)
            count = math.prod(batch.shape[d] for d in self._reduce_axis)
            if total_mean is None:
                total_mean, total_var, total_count = mean, var, count
                continue
            # merge two groups' means and variances (parallel algorithm)
            new_count = total_count + count
            w_new = count / new_count
            w_old = 1.0 - w_new
            new_mean = total_mean * w_old + mean * w_new
            total_var = (total_var + (total_mean - new_mean) ** 2) * w_old + (
                var + (mean - new_mean) ** 2
            ) * w_new
            total_mean, total_count = new_mean, new_count
        if total_mean is None:
            raise ValueError(
                "adapt() received an empty iterable (no batches). Pass an "
                "array or a non-empty iterable of batches."
            )
        if self.input_mean is not None:
            raise ValueError(
                "This Normalization layer was given `mean` and `variance`; "
                "it cannot also be adapted."
            )
        self.adapt_mean.assign(total_mean)
        self.adapt_variance.assign(total_var)

    def _check_adapt_shape(self, shape):
        built = self._build_input_shape
        for d in self._keep_axis:
            if len(shape) != len(built) or shape[d] != built[d]:
                raise ValueError(
                    f"The layer was built with input_shape={built}, but "
                    "adapt() is being called with data with an incompatible "
                    f"shape, data.shape={tuple(shape)}"
                )

    def call(self, inputs):
        dtype = self.compute_dtype
        if inputs.dtype != dtype:
            inputs = ops.cast(inputs, dtype)
        mean, var = self._stats()
        mean = mean.astype(dtype, copy=False)
        std = np.maximum(np.sqrt(var), config.epsilon()).astype(dtype)
        if self.invert:
            return ops.add(ops.multiply(inputs, std), mean)
        return ops.divide(ops.subtract(inputs, mean), std)

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        return {
            **super().get_config(),
            "axis": self.axis,
            "invert": self.invert,
            "mean": _to_config(np.array(self.input_mean).tolist())
            if self.input_mean is not None
            else None,
            "variance": _to_config(np.array(self.input_variance).tolist())
            if self.input_variance is not None
            else None,
        }


def _align(stat, ndim, keep_axis):
    """Reshapes a given mean/variance so it broadcasts on the kept axes
    (its dimensions are matched to the kept axes from the right)."""
    if stat.ndim == 0:
        return stat
    shape = [1] * ndim
    for i in range(1, stat.ndim + 1):
        shape[keep_axis[-i]] = stat.shape[-i]
    return stat.reshape(shape)
