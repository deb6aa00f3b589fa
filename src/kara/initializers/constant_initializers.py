"""Initializers without randomness: Zeros, Ones, Constant, Identity."""

import numpy as np

from kara import backend
from kara import random
from kara.initializers.initializer import Initializer


class Zeros(Initializer):
    """Initializes to 0.

    Example:
    >>> Zeros()((2,))
    array([0., 0.], dtype=float32)
    """

    def __call__(self, shape, dtype=None):
        shape = random.check_shape(shape, "Zeros")
        return np.zeros(shape, dtype=backend.standardize_dtype(dtype))


class Ones(Initializer):
    """Initializes to 1.

    Example:
    >>> Ones()((2,))
    array([1., 1.], dtype=float32)
    """

    def __call__(self, shape, dtype=None):
        shape = random.check_shape(shape, "Ones")
        return np.ones(shape, dtype=backend.standardize_dtype(dtype))


class Constant(Initializer):
    """Initializes to a constant (a scalar, or an array broadcast to shape).

    Args:
        value: a number or an array-like.

    Example:
    >>> Constant(3.0)((2,))
    array([3., 3.], dtype=float32)
    """

    def __init__(self, value=0.0):
        self.value = value

    def __call__(self, shape, dtype=None):
        shape = random.check_shape(shape, "Constant")
        value = np.asarray(self.value, dtype=backend.standardize_dtype(dtype))
        try:
            return np.array(np.broadcast_to(value, shape))
        except ValueError:
            raise ValueError(
                f"Constant: the value of shape {value.shape} cannot fill a "
                f"weight of shape {shape}. Pass a scalar, or an array of "
                "that shape."
            ) from None

    def get_config(self):
        value = self.value
        if isinstance(value, np.ndarray) or hasattr(value, "numpy"):
            value = np.asarray(value).tolist()
        elif isinstance(value, np.generic):
            value = value.item()
        return {"value": value}

    @classmethod
    def from_config(cls, config):
        value = config.get("value", 0.0)
        if isinstance(value, dict) and value.get("class_name") == "__numpy__":
            # Keras 3 writes NumPy arrays as {"class_name": "__numpy__", ...}
            inner = value["config"]
            value = np.asarray(inner["value"], dtype=inner.get("dtype"))
        return cls(value)


class Identity(Initializer):
    """Initializes a 2-D weight to `gain` times the identity matrix.

    Non-square shapes get ones on the main diagonal.

    Args:
        gain: the multiplier.

    Example:
    >>> Identity(gain=2.0)((2, 3))
    array([[2., 0., 0.],
           [0., 2., 0.]], dtype=float32)
    """

    def __init__(self, gain=1.0):
        self.gain = gain

    def __call__(self, shape, dtype=None):
        shape = random.check_shape(shape, "Identity")
        if len(shape) != 2:
            raise ValueError(
                "Identity matrix initializer can only be used for 2D "
                f"matrices. Received: shape={shape} of rank {len(shape)}."
            )
        dtype = backend.standardize_dtype(dtype)
        return (self.gain * np.eye(*shape)).astype(dtype)

    def get_config(self):
        return {"gain": self.gain}
