"""Reshaping layers: Flatten, Reshape, Permute, RepeatVector.

None of them has weights; they only move values around, and their
gradient moves them back. The batch axis (axis 0) is never touched:
shapes given to them describe one sample.

Example:
>>> import numpy as np, kara
>>> x = np.zeros((2, 3, 4), "float32")
>>> kara.layers.Flatten()(x).shape
(2, 12)
>>> kara.layers.Reshape((4, 3))(x).shape
(2, 4, 3)
>>> kara.layers.Permute((2, 1))(x).shape
(2, 4, 3)
>>> kara.layers.RepeatVector(5)(np.zeros((2, 3))).shape
(2, 5, 3)
"""

import math

from kara import config
from kara import ops
from kara.layers.layer import Layer
from kara.layers.symbolic import InputSpec


class Flatten(Layer):
    """Flattens each sample: `(batch, d1, d2, ...)` -> `(batch, d1*d2*...)`.

    Args:
        data_format: `"channels_last"` (default) or `"channels_first"`;
            with channels_first, channels are moved last before
            flattening, so the order matches a channels_last model.
    """

    def __init__(self, data_format=None, **kwargs):
        super().__init__(**kwargs)
        data_format = data_format or config.image_data_format()
        if data_format not in ("channels_last", "channels_first"):
            raise ValueError(
                "`data_format` must be 'channels_last' or 'channels_first'. "
                f"Received: data_format={data_format!r}"
            )
        self.data_format = data_format
        self.input_spec = InputSpec(min_ndim=1)

    def call(self, inputs):
        x = inputs
        if self.data_format == "channels_first" and x.ndim > 2:
            x = ops.transpose(x, (0,) + tuple(range(2, x.ndim)) + (1,))
        return ops.reshape(x, (x.shape[0], -1))

    def compute_output_shape(self, input_shape):
        rest = input_shape[1:]
        if any(d is None for d in rest):
            return (input_shape[0], None)
        return (input_shape[0], int(math.prod(rest)))

    def get_config(self):
        return {**super().get_config(), "data_format": self.data_format}


class Reshape(Layer):
    """Reshapes each sample to `target_shape` (one entry may be -1).

    Args:
        target_shape: the shape of one sample, without the batch axis.
    """

    def __init__(self, target_shape, **kwargs):
        super().__init__(**kwargs)
        target_shape = tuple(target_shape)
        if sum(1 for d in target_shape if d == -1) > 1:
            raise ValueError(
                "There must be at most one unknown dimension (-1) in "
                f"`target_shape`. Received: target_shape={target_shape}"
            )
        if any(d is None or (d < 1 and d != -1) for d in target_shape):
            raise ValueError(
                "`target_shape` entries must be positive ints or one -1. "
                f"Received: target_shape={target_shape}"
            )
        self.target_shape = target_shape

    def _resolve(self, input_shape):
        """The full output shape, with -1 worked out when sizes are known."""
        rest = input_shape[1:]
        target = self.target_shape
        if -1 not in target:
            total = math.prod(target)
            if None not in rest and math.prod(rest) != total:
                raise ValueError(self._size_error(input_shape))
            return (input_shape[0],) + target
        if None in rest:
            return (input_shape[0],) + tuple(
                None if d == -1 else d for d in target
            )
        known = math.prod(d for d in target if d != -1)
        size = math.prod(rest)
        if known == 0 or size % known:
            raise ValueError(self._size_error(input_shape))
        return (input_shape[0],) + tuple(
            size // known if d == -1 else d for d in target
        )

    def _size_error(self, input_shape):
        return (
            f"Reshape layer {self.name!r}: the total size of the new array "
            f"must be unchanged. Input shape = {tuple(input_shape)} "
            f"({math.prod(d for d in input_shape[1:])} values per sample), "
            f"target_shape = {self.target_shape}."
        )

    def call(self, inputs):
        shape = self._resolve(tuple(inputs.shape))
        return ops.reshape(inputs, shape)

    def compute_output_shape(self, input_shape):
        return self._resolve(tuple(input_shape))

    def get_config(self):
        return {**super().get_config(), "target_shape": self.target_shape}


class Permute(Layer):
    """Permutes the axes of each sample.

    Args:
        dims: a permutation of `1..rank` (1-based: the batch axis 0 stays),
            e.g. `(2, 1)` swaps the two axes of a `(batch, a, b)` input.
    """

    def __init__(self, dims, **kwargs):
        super().__init__(**kwargs)
        self.dims = tuple(dims)
        if sorted(self.dims) != list(range(1, len(self.dims) + 1)):
            raise ValueError(
                "Invalid permutation argument `dims` for Permute Layer. The "
                "set of indices in `dims` must be consecutive and start from "
                f"1. Received dims={self.dims}"
            )
        self.input_spec = InputSpec(ndim=len(self.dims) + 1)

    def call(self, inputs):
        return ops.transpose(inputs, (0,) + self.dims)

    def compute_output_shape(self, input_shape):
        return (input_shape[0],) + tuple(input_shape[d] for d in self.dims)

    def get_config(self):
        return {**super().get_config(), "dims": self.dims}


class RepeatVector(Layer):
    """Repeats each input vector `n` times: `(batch, f)` -> `(batch, n, f)`.

    Args:
        n: the number of repetitions, an int.
    """

    def __init__(self, n, **kwargs):
        super().__init__(**kwargs)
        if isinstance(n, bool) or not isinstance(n, int):
            raise TypeError(
                f"Expected an integer value for `n`, got {type(n)}."
            )
        self.n = n
        self.input_spec = InputSpec(ndim=2)

    def call(self, inputs):
        x = ops.expand_dims(inputs, 1)
        return ops.broadcast_to(x, (x.shape[0], self.n, x.shape[2]))

    def compute_output_shape(self, input_shape):
        return (input_shape[0], self.n, input_shape[1])

    def get_config(self):
        return {**super().get_config(), "n": self.n}
