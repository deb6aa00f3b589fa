"""The `Initializer` base class and `compute_fans`.

An initializer is a callable `init(shape, dtype=None)` returning a NumPy
array; `compute_fans` gives the fan-in and fan-out that the variance
scaling initializers divide by.
"""

import math

from kara.utils import naming


def compute_fans(shape, input_axes=None, output_axes=None):
    """Computes `(fan_in, fan_out)` for a weight shape, as Keras does.

    - rank 0: `(1, 1)`; rank 1: `(n, n)`; rank 2: `(rows, cols)`;
    - rank >= 3, a convolution kernel `(*spatial, in, out)`:
      `fan_in = in * prod(spatial)`, `fan_out = out * prod(spatial)`;
    - `input_axes` and `output_axes` (both given) override the above:
      each fan is the product of the sizes of its axes.

    Args:
        shape: the weight shape.
        input_axes: optional axes that count as inputs.
        output_axes: optional axes that count as outputs.

    Returns:
        A tuple of two ints.

    Example:
    >>> compute_fans((3, 3, 16, 32))
    (144, 288)
    """
    shape = tuple(shape)
    if input_axes is not None and output_axes is not None:
        fan_in = math.prod(shape[a] for a in input_axes)
        fan_out = math.prod(shape[a] for a in output_axes)
        return int(fan_in), int(fan_out)
    if len(shape) == 0:
        return 1, 1
    if len(shape) == 1:
        return int(shape[0]), int(shape[0])
    receptive_field = math.prod(shape[:-2])  # 1 for a 2-D kernel
    return int(shape[-2] * receptive_field), int(shape[-1] * receptive_field)


class Initializer:
    """Base class of initializers.

    Subclasses implement `__call__(shape, dtype=None)`, returning an array,
    and `get_config()`, returning the constructor's arguments.

    Example, a complete initializer:

        class Halves(Initializer):
            def __call__(self, shape, dtype=None):
                dtype = backend.standardize_dtype(dtype)
                return np.full(shape, 0.5, dtype=dtype)
    """

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        # A misspelt argument (`seeed=1`) gets a "did you mean" error.
        if "__init__" in cls.__dict__:
            cls.__init__ = naming.suggest_kwargs(cls.__init__)

    def __call__(self, shape, dtype=None):
        raise NotImplementedError(
            f"{type(self).__name__} must implement __call__(shape, dtype)."
        )

    def get_config(self):
        return {}

    @classmethod
    def from_config(cls, config):
        return cls(**config)

    def clone(self):
        """Returns a new initializer with the same config."""
        return self.__class__.from_config(self.get_config())

    def __repr__(self):
        args = ", ".join(f"{k}={v!r}" for k, v in self.get_config().items())
        return f"{type(self).__name__}({args})"
