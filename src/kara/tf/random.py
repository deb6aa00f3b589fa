"""`tf.random`: seeding and samplers, over `kara.random`."""

from kara import random as _random


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
