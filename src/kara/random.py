"""Random numbers: the global generator, seeds, and Keras-style samplers.

kara draws every random number (initial weights, dropout masks, shuffling)
from NumPy's `Generator` with the PCG64 bit generator. There are two kinds
of seeds, as in Keras:

- an **int seed** gives a fresh generator seeded with it, so the same seed
  gives the same values on every call (`make_rng(42)`);
- **no seed** (`None`) draws from one global generator, which
  `set_random_seed(seed)` resets, so a whole program becomes repeatable.

A `SeedGenerator` sits in between: seeded once, it gives different values
on each call, in a repeatable sequence (what a Dropout layer wants).

kara's values for a seed are reproducible within kara, but they are not the
values TensorFlow, JAX or PyTorch give for the same seed: every framework
has its own random algorithms, and matching them bit for bit is neither
possible nor useful. Statistics (means, bounds, standard deviations) match.

Example:
>>> from kara import random
>>> a = random.normal((2,), seed=1).numpy()
>>> b = random.normal((2,), seed=1).numpy()
>>> bool((a == b).all())
True
>>> random.set_random_seed(0)
>>> c = random.uniform((3,)).numpy()
>>> random.set_random_seed(0)
>>> bool((c == random.uniform((3,)).numpy()).all())
True
"""

import math
import random as python_random

import numpy as np

from kara import backend

# Seeds drawn for unseeded objects lie in [1, _MAX_SEED), as Keras's
# `make_default_seed` draws from [1, 1e9].
_MAX_SEED = 2**31 - 1

# Unseeded until `set_random_seed` is called: OS entropy, like NumPy.
_global_generator = np.random.Generator(np.random.PCG64())
_global_seed = None


def _check_seed(seed, name="seed"):
    if isinstance(seed, (bool, np.bool_)) or not isinstance(
        seed, (int, np.integer)
    ):
        raise ValueError(
            f"Expected `{name}` to be an integer. Received: {name}={seed!r} "
            f"(of type {type(seed).__name__})"
        )
    if seed < 0:
        raise ValueError(
            f"`{name}` must be a non-negative integer. Received: {name}={seed}"
        )
    return int(seed)


def set_random_seed(seed):
    """Makes every random draw of the program repeatable.

    Seeds kara's global generator, Python's `random` and NumPy's legacy
    `np.random`, as `keras.utils.set_random_seed` seeds Python, NumPy and
    the backend.

    Args:
        seed: a non-negative int.

    Example:
    >>> import kara
    >>> kara.utils.set_random_seed(1337)  # doctest: +SKIP
    """
    global _global_generator, _global_seed
    seed = _check_seed(seed)
    _global_seed = seed
    _global_generator = np.random.Generator(np.random.PCG64(seed))
    python_random.seed(seed)
    np.random.seed(seed % 2**32)  # the legacy API takes 32-bit seeds


def get_random_seed():
    """Returns the seed last given to `set_random_seed`, or `None`."""
    return _global_seed


def global_generator():
    """Returns the global `numpy.random.Generator` (read it, don't store it:
    `set_random_seed` replaces it)."""
    return _global_generator


def draw_seed():
    """Draws a new int seed from the global generator.

    Unseeded initializers call this once, when they are created, so that
    `set_random_seed` before building a model fixes its initial weights.
    """
    return int(_global_generator.integers(1, _MAX_SEED))


class SeedGenerator:
    """A seeded source of a repeatable *sequence* of random draws.

    An int seed gives the same values on every call; a `SeedGenerator`
    gives new values on each call, and the same sequence each run.

    Args:
        seed: an int, or `None` to draw one from the global generator.
        name: accepted for Keras compatibility.

    Example:
    >>> from kara import random
    >>> gen = random.SeedGenerator(42)
    >>> a = random.normal((2,), seed=gen).numpy()
    >>> b = random.normal((2,), seed=gen).numpy()
    >>> bool((a == b).all())
    False
    """

    def __init__(self, seed=None, name=None):
        self._initial_seed = seed
        seed = draw_seed() if seed is None else _check_seed(seed)
        self.name = name
        self.generator = np.random.Generator(np.random.PCG64(seed))

    def next(self):
        """Returns the next int seed of the sequence."""
        return int(self.generator.integers(1, _MAX_SEED))

    def get_config(self):
        return {"seed": self._initial_seed}

    @classmethod
    def from_config(cls, config):
        return cls(**config)


def make_rng(seed=None):
    """Returns the `numpy.random.Generator` to draw from for `seed`.

    Args:
        seed: an int (a fresh generator seeded with it: the same values on
            every call), a `SeedGenerator` (its next state), a NumPy
            `Generator` (itself), or `None` (the global generator).

    Returns:
        A `numpy.random.Generator`.
    """
    if seed is None:
        return _global_generator
    if isinstance(seed, np.random.Generator):
        return seed
    if isinstance(seed, SeedGenerator):
        return seed.generator
    return np.random.Generator(np.random.PCG64(_check_seed(seed)))


# ------------------------------------------------------------------ samplers
# The `_sample_*` functions return NumPy arrays (initializers use them); the
# public functions wrap them into Tensors, as `keras.random` returns tensors.


def _float_dtype(dtype, fn):
    dtype = backend.standardize_dtype(dtype)
    if np.dtype(dtype).kind != "f":
        raise ValueError(
            f"`{fn}` draws floating-point numbers; received dtype={dtype!r}. "
            "Use a float dtype such as 'float32'."
        )
    return np.dtype(dtype)


def check_shape(shape, owner):
    """Returns `shape` as a tuple of non-negative ints (an int is 1-D).

    Args:
        shape: an int or an iterable of ints.
        owner: the function or class named in the error message.
    """
    if isinstance(shape, (int, np.integer)):
        shape = (shape,)
    try:
        shape = tuple(int(d) for d in shape)
    except (TypeError, ValueError):
        raise ValueError(
            f"{owner}: `shape` must be a tuple of ints. Received: "
            f"shape={shape!r}"
        ) from None
    if any(d < 0 for d in shape):
        raise ValueError(
            f"{owner}: `shape` must have non-negative dimensions. "
            f"Received: shape={shape}"
        )
    return shape


def _draw_dtype(dtype):
    # NumPy samples float32 and float64 natively; float16 is drawn in
    # float32 and rounded.
    return np.float64 if dtype == np.float64 else np.float32


def _sample_normal(rng, shape, mean, stddev, dtype):
    z = rng.standard_normal(shape, dtype=_draw_dtype(dtype))
    return (z * stddev + mean).astype(dtype, copy=False)


def _sample_uniform(rng, shape, minval, maxval, dtype):
    u = rng.random(shape, dtype=_draw_dtype(dtype))
    return (u * (maxval - minval) + minval).astype(dtype, copy=False)


def _sample_truncated_normal(rng, shape, mean, stddev, dtype):
    # Draw standard normals and re-draw those outside [-2, 2] until none
    # remain (about 4.6% per round), as Keras's backends do.
    z = rng.standard_normal(math.prod(shape), dtype=_draw_dtype(dtype))
    bad = np.flatnonzero(np.abs(z) > 2.0)
    while bad.size:
        z[bad] = rng.standard_normal(bad.size, dtype=z.dtype)
        bad = bad[np.abs(z[bad]) > 2.0]
    return (z.reshape(shape) * stddev + mean).astype(dtype, copy=False)


def normal(shape, mean=0.0, stddev=1.0, dtype=None, seed=None):
    """Draws from a normal distribution.

    Args:
        shape: the output shape.
        mean: the mean.
        stddev: the standard deviation.
        dtype: a float dtype (default `floatx()`, float32).
        seed: an int, a `SeedGenerator`, or `None` (global generator).

    Returns:
        A Tensor.
    """
    dtype = _float_dtype(dtype, "normal")
    return _tensor(
        _sample_normal(
            make_rng(seed), check_shape(shape, "normal"), mean, stddev, dtype
        )
    )


def uniform(shape, minval=0.0, maxval=1.0, dtype=None, seed=None):
    """Draws from the uniform distribution on `[minval, maxval)`.

    Args:
        shape: the output shape.
        minval: the lower bound (included).
        maxval: the upper bound (excluded).
        dtype: a float dtype (default `floatx()`).
        seed: an int, a `SeedGenerator`, or `None` (global generator).

    Returns:
        A Tensor.
    """
    dtype = _float_dtype(dtype, "uniform")
    return _tensor(
        _sample_uniform(
            make_rng(seed),
            check_shape(shape, "uniform"),
            minval,
            maxval,
            dtype,
        )
    )


def truncated_normal(shape, mean=0.0, stddev=1.0, dtype=None, seed=None):
    """Draws from a normal distribution cut at two standard deviations.

    Values further than `2 * stddev` from the mean are re-drawn, so the
    result's standard deviation is `0.8796 * stddev`.

    Args:
        shape: the output shape.
        mean: the mean.
        stddev: the standard deviation of the normal before truncation.
        dtype: a float dtype (default `floatx()`).
        seed: an int, a `SeedGenerator`, or `None` (global generator).

    Returns:
        A Tensor.
    """
    dtype = _float_dtype(dtype, "truncated_normal")
    return _tensor(
        _sample_truncated_normal(
            make_rng(seed),
            check_shape(shape, "truncated_normal"),
            mean,
            stddev,
            dtype,
        )
    )


def randint(shape, minval, maxval, dtype="int32", seed=None):
    """Draws integers uniformly from `[minval, maxval)`.

    Args:
        shape: the output shape.
        minval: the lowest value (included).
        maxval: the bound (excluded).
        dtype: an integer dtype (default int32).
        seed: an int, a `SeedGenerator`, or `None` (global generator).

    Returns:
        A Tensor.
    """
    values = make_rng(seed).integers(
        minval, maxval, check_shape(shape, "randint")
    )
    return _tensor(values.astype(backend.standardize_dtype(dtype)))


def shuffle(x, axis=0, seed=None):
    """Returns `x` with its entries shuffled along `axis` (not differentiable).

    Args:
        x: an array or Tensor.
        axis: the axis to shuffle.
        seed: an int, a `SeedGenerator`, or `None` (global generator).

    Returns:
        A Tensor.
    """
    arr = backend.as_array(x)
    return _tensor(make_rng(seed).permutation(arr, axis=axis))


def _tensor(array):
    from kara.autograd import Tensor

    return Tensor(array)
