"""`tf.random`: seeding and samplers, over `kara.random`.

Example:
>>> import kara.tf as tf
>>> tf.random.set_seed(0)
>>> tf.random.uniform((2,)).shape
(2,)
"""

from kara import random as _random
from kara.tf._missing import missing as _missing


def set_seed(seed):
    """Seeds every random source of kara (as `tf.random.set_seed`)."""
    _random.set_random_seed(seed)


def normal(shape, mean=0.0, stddev=1.0, dtype=None, seed=None, name=None):
    return _random.normal(
        shape, mean=mean, stddev=stddev, dtype=dtype, seed=seed
    )


def uniform(shape, minval=0, maxval=None, dtype=None, seed=None, name=None):
    return _random.uniform(
        shape,
        minval=minval,
        maxval=1.0 if maxval is None else maxval,
        dtype=dtype,
        seed=seed,
    )


__all__ = ["normal", "set_seed", "uniform"]


def __getattr__(name):
    raise _missing("tf.random", name)
