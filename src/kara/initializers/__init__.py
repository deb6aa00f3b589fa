"""Initializers: the starting values of weights.

An initializer is a callable `init(shape, dtype=None)` that returns a NumPy
array of `dtype` (default `floatx()`, float32). Layers call it once, when
they build their weights:

    Dense(64, kernel_initializer="he_normal", bias_initializer="zeros")

Names and defaults are Keras's (`keras.initializers`). The variance
scaling family (Glorot, He, LeCun) picks the spread from the kernel's
fan-in and fan-out, so that signals keep their scale through the layers:

- `GlorotUniform` (Dense's default): `U(-l, l)` with
  `l = sqrt(6 / (fan_in + fan_out))`;
- `GlorotNormal`: truncated normal, std `sqrt(2 / (fan_in + fan_out))`;
- `HeNormal` / `HeUniform`: std / limit from `2 / fan_in` (for relu);
- `LecunNormal` / `LecunUniform`: std / limit from `1 / fan_in` (selu).

Seeds: with `seed=<int>`, every call returns the same values. With no
seed, the initializer draws a seed from kara's global generator when it is
created (so `kara.utils.set_random_seed` fixes a model's initial weights),
and then, like Keras, returns the same values each time it is called. The
values are reproducible in kara but are not TensorFlow's (see
`kara.random`); their distributions are Keras's.

Example:
>>> from kara import initializers
>>> init = initializers.GlorotUniform(seed=1)
>>> w = init((3, 4))
>>> w.dtype, w.shape, bool(abs(w).max() <= (6 / 7) ** 0.5)
(dtype('float32'), (3, 4), True)
>>> bool((init((3, 4)) == w).all())
True
"""

import numpy as np

from kara import backend
from kara import random
from kara.initializers.constant_initializers import Constant
from kara.initializers.constant_initializers import Identity
from kara.initializers.constant_initializers import Ones
from kara.initializers.constant_initializers import Zeros
from kara.initializers.initializer import Initializer
from kara.initializers.initializer import compute_fans
from kara.initializers.random_initializers import TRUNCATED_NORMAL_STD
from kara.initializers.random_initializers import GlorotNormal
from kara.initializers.random_initializers import GlorotUniform
from kara.initializers.random_initializers import HeNormal
from kara.initializers.random_initializers import HeUniform
from kara.initializers.random_initializers import LecunNormal
from kara.initializers.random_initializers import LecunUniform
from kara.initializers.random_initializers import Orthogonal
from kara.initializers.random_initializers import RandomInitializer
from kara.initializers.random_initializers import RandomNormal
from kara.initializers.random_initializers import RandomUniform
from kara.initializers.random_initializers import TruncatedNormal
from kara.initializers.random_initializers import VarianceScaling
from kara.utils import lookup
from kara.utils import naming

_CLASSES = (
    Initializer,
    Constant,
    Identity,
    Ones,
    Zeros,
    GlorotNormal,
    GlorotUniform,
    HeNormal,
    HeUniform,
    LecunNormal,
    LecunUniform,
    Orthogonal,
    RandomNormal,
    RandomUniform,
    TruncatedNormal,
    VarianceScaling,
)
ALL_OBJECTS_DICT = {cls.__name__: cls for cls in _CLASSES}
ALL_OBJECTS_DICT.update(
    {naming.to_snake_case(cls.__name__): cls for cls in _CLASSES}
)
ALL_OBJECTS_DICT.update(
    {
        "IdentityInitializer": Identity,
        "OrthogonalInitializer": Orthogonal,
        "normal": RandomNormal,
        "uniform": RandomUniform,
        "one": Ones,
        "zero": Zeros,
    }
)

# snake_case function-style aliases: `initializers.glorot_uniform(seed=1)`
constant = Constant
identity = Identity
ones = Ones
zeros = Zeros
glorot_normal = GlorotNormal
glorot_uniform = GlorotUniform
he_normal = HeNormal
he_uniform = HeUniform
lecun_normal = LecunNormal
lecun_uniform = LecunUniform
orthogonal = Orthogonal
random_normal = RandomNormal
random_uniform = RandomUniform
truncated_normal = TruncatedNormal
variance_scaling = VarianceScaling


def serialize(initializer):
    """Returns the Keras 3 config dict of an initializer.

    Example:
    >>> serialize(GlorotUniform(seed=2))["config"]
    {'seed': 2, 'input_axes': None, 'output_axes': None}
    """
    return lookup.serialize_object(
        initializer, "keras.initializers", ALL_OBJECTS_DICT
    )


def deserialize(config, custom_objects=None):
    """Builds an initializer from a name or a config dict."""
    return lookup.deserialize_object(
        config, ALL_OBJECTS_DICT, "initializer", custom_objects
    )


def get(identifier):
    """Returns an initializer from a name, config, class, array or callable.

    Args:
        identifier: `None` (gives `None`); a name such as
            `"glorot_uniform"` or `"GlorotUniform"`; a config dict; a class
            (instantiated with defaults); an array (the initializer then
            returns it, for the same shape); or any callable
            `fn(shape, dtype=None)`.

    Returns:
        A callable initializer, or `None`.

    Example:
    >>> get("he_normal")
    HeNormal(seed=None, input_axes=None, output_axes=None)
    >>> get("he_nromal")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    ValueError: Could not interpret initializer identifier: 'he_nromal'. \
Did you mean 'he_normal' or ...? Valid names are: ...
    """
    if isinstance(identifier, np.ndarray) or getattr(
        identifier, "_is_kara_tensor", False
    ):
        return _from_array(backend.as_array(identifier))
    return lookup.get_object(identifier, ALL_OBJECTS_DICT, "initializer")


def _from_array(value):
    def initialize_fn(shape, dtype=None):
        shape = random.check_shape(shape, "initializer")
        if shape != value.shape:
            raise ValueError(
                f"Expected `shape` to be {value.shape} for direct tensor as "
                f"initializer. Received shape={shape}"
            )
        return value.astype(backend.standardize_dtype(dtype))

    return initialize_fn
