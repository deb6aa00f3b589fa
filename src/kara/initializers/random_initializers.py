"""Random initializers: normal, uniform, truncated, variance scaling,
orthogonal.

Seeds (see `RandomInitializer`): an int seed gives the same values on
every call; no seed draws one from kara's global generator when the
initializer is created. Values are reproducible in kara, not equal to
TensorFlow's; the distributions are Keras's.
"""

import math

import numpy as np

from kara import random
from kara.initializers.initializer import Initializer
from kara.initializers.initializer import compute_fans
from kara.utils import naming

# std of a standard normal truncated to [-2, 2]: dividing by it makes the
# *truncated* draw have the intended standard deviation.
TRUNCATED_NORMAL_STD = 0.87962566103423978


class RandomInitializer(Initializer):
    """Base of the random initializers: owns the seed.

    Args:
        seed: an int (same values on every call), a
            `kara.random.SeedGenerator` (new values on each call), or
            `None` (a seed drawn from the global generator now).
    """

    def __init__(self, seed=None):
        self._init_seed = seed
        if seed is None:
            seed = random.draw_seed()
        elif isinstance(seed, dict):  # a serialized SeedGenerator
            seed = random.SeedGenerator.from_config(seed.get("config", seed))
        elif not isinstance(seed, random.SeedGenerator):
            seed = random._check_seed(seed)
        self.seed = seed

    def _rng(self):
        return random.make_rng(self.seed)

    def _dtype(self, dtype):
        return random._float_dtype(dtype, type(self).__name__)

    def get_config(self):
        seed = self._init_seed
        if isinstance(seed, random.SeedGenerator):
            seed = {"class_name": "SeedGenerator", "config": seed.get_config()}
        return {"seed": seed}


class RandomNormal(RandomInitializer):
    """Draws from a normal distribution.

    Args:
        mean: the mean (default 0).
        stddev: the standard deviation (default 0.05).
        seed: an int, a `SeedGenerator`, or `None`.

    Example:
    >>> w = RandomNormal(seed=0)((1000, 100))
    >>> round(float(w.std()), 2)
    0.05
    """

    def __init__(self, mean=0.0, stddev=0.05, seed=None):
        self.mean = mean
        self.stddev = stddev
        super().__init__(seed=seed)

    def __call__(self, shape, dtype=None):
        shape = random.check_shape(shape, "RandomNormal")
        return random._sample_normal(
            self._rng(), shape, self.mean, self.stddev, self._dtype(dtype)
        )

    def get_config(self):
        return {
            **super().get_config(),
            "mean": self.mean,
            "stddev": self.stddev,
        }


class TruncatedNormal(RandomInitializer):
    """Draws from a normal distribution cut at two standard deviations.

    Values further than `2 * stddev` from the mean are re-drawn, so the
    values lie in `[mean - 2 stddev, mean + 2 stddev]` and their standard
    deviation is `0.8796 * stddev`.

    Args:
        mean: the mean (default 0).
        stddev: the standard deviation before truncation (default 0.05).
        seed: an int, a `SeedGenerator`, or `None`.

    Example:
    >>> w = TruncatedNormal(seed=0)((1000, 100))
    >>> bool(abs(w).max() <= 0.1)
    True
    """

    def __init__(self, mean=0.0, stddev=0.05, seed=None):
        self.mean = mean
        self.stddev = stddev
        super().__init__(seed=seed)

    def __call__(self, shape, dtype=None):
        shape = random.check_shape(shape, "TruncatedNormal")
        return random._sample_truncated_normal(
            self._rng(), shape, self.mean, self.stddev, self._dtype(dtype)
        )

    def get_config(self):
        return {
            **super().get_config(),
            "mean": self.mean,
            "stddev": self.stddev,
        }


class RandomUniform(RandomInitializer):
    """Draws from the uniform distribution on `[minval, maxval)`.

    Args:
        minval: the lower bound (default -0.05).
        maxval: the upper bound (default 0.05).
        seed: an int, a `SeedGenerator`, or `None`.

    Example:
    >>> w = RandomUniform(seed=0)((100, 10))
    >>> bool(w.min() >= -0.05 and w.max() < 0.05)
    True
    """

    def __init__(self, minval=-0.05, maxval=0.05, seed=None):
        self.minval = minval
        self.maxval = maxval
        super().__init__(seed=seed)

    def __call__(self, shape, dtype=None):
        shape = random.check_shape(shape, "RandomUniform")
        return random._sample_uniform(
            self._rng(), shape, self.minval, self.maxval, self._dtype(dtype)
        )

    def get_config(self):
        return {
            **super().get_config(),
            "minval": self.minval,
            "maxval": self.maxval,
        }


_MODES = ("fan_in", "fan_out", "fan_avg")
_DISTRIBUTIONS = ("truncated_normal", "untruncated_normal", "uniform")


class VarianceScaling(RandomInitializer):
    """Draws with a variance scaled to the weight's fan-in and/or fan-out.

    With `n` the fan chosen by `mode` (`fan_in`, `fan_out`, or their mean
    `fan_avg`), the target variance is `s = scale / max(1, n)`:

    - `"truncated_normal"` (alias `"normal"`): a normal truncated at two
      standard deviations, with std `sqrt(s) / 0.8796` before truncation,
      so that the values' std is `sqrt(s)`;
    - `"untruncated_normal"`: a normal with std `sqrt(s)`;
    - `"uniform"`: `U(-l, l)` with `l = sqrt(3 s)`.

    Args:
        scale: a positive float.
        mode: `"fan_in"`, `"fan_out"` or `"fan_avg"`.
        distribution: `"truncated_normal"`, `"untruncated_normal"` or
            `"uniform"`.
        seed: an int, a `SeedGenerator`, or `None`.
        input_axes, output_axes: optional axes that define the fans (see
            `compute_fans`).

    Example:
    >>> init = VarianceScaling(scale=2.0, mode="fan_in", seed=0)
    >>> round(float(init((400, 300)).std() * 400 ** 0.5), 1)
    1.4
    """

    def __init__(
        self,
        scale=1.0,
        mode="fan_in",
        distribution="truncated_normal",
        seed=None,
        input_axes=None,
        output_axes=None,
    ):
        if not isinstance(scale, (int, float)) or not scale > 0.0:
            raise ValueError(
                "Argument `scale` must be positive float. "
                f"Received: scale={scale}"
            )
        if mode not in _MODES:
            raise ValueError(
                f"Invalid `mode` argument: {mode!r}."
                f"{naming.suggestion(mode, _MODES)} Please use one of "
                f"{_MODES}."
            )
        dist = str(distribution).lower()
        if dist == "normal":
            dist = "truncated_normal"
        if dist not in _DISTRIBUTIONS:
            raise ValueError(
                f"Invalid `distribution` argument: {distribution!r}."
                f"{naming.suggestion(dist, _DISTRIBUTIONS)} Please use "
                f"one of {_DISTRIBUTIONS}."
            )
        self.scale = scale
        self.mode = mode
        self.distribution = dist
        self.input_axes = input_axes
        self.output_axes = output_axes
        super().__init__(seed=seed)

    def __call__(self, shape, dtype=None):
        shape = random.check_shape(shape, type(self).__name__)
        dtype = self._dtype(dtype)
        fan_in, fan_out = compute_fans(shape, self.input_axes, self.output_axes)
        fan = {
            "fan_in": fan_in,
            "fan_out": fan_out,
            "fan_avg": (fan_in + fan_out) / 2.0,
        }[self.mode]
        variance = self.scale / max(1.0, fan)
        rng = self._rng()
        if self.distribution == "truncated_normal":
            stddev = math.sqrt(variance) / TRUNCATED_NORMAL_STD
            return random._sample_truncated_normal(
                rng, shape, 0.0, stddev, dtype
            )
        if self.distribution == "untruncated_normal":
            return random._sample_normal(
                rng, shape, 0.0, math.sqrt(variance), dtype
            )
        limit = math.sqrt(3.0 * variance)
        return random._sample_uniform(rng, shape, -limit, limit, dtype)

    def get_config(self):
        return {
            **super().get_config(),
            "scale": self.scale,
            "mode": self.mode,
            "distribution": self.distribution,
            "input_axes": self.input_axes,
            "output_axes": self.output_axes,
        }


class _FixedVarianceScaling(VarianceScaling):
    """A VarianceScaling preset: subclasses set `_preset = (scale, mode,
    distribution)`, and the config holds only the seed and axes."""

    _preset = None

    def __init__(self, seed=None, input_axes=None, output_axes=None):
        scale, mode, distribution = self._preset
        super().__init__(
            scale=scale,
            mode=mode,
            distribution=distribution,
            seed=seed,
            input_axes=input_axes,
            output_axes=output_axes,
        )

    def get_config(self):
        config = super().get_config()
        return {k: config[k] for k in ("seed", "input_axes", "output_axes")}


class GlorotUniform(_FixedVarianceScaling):
    """Glorot (Xavier) uniform: `U(-l, l)`, `l = sqrt(6/(fan_in+fan_out))`.

    The default kernel initializer of `Dense` and the convolutions.

    Args:
        seed: an int, a `SeedGenerator`, or `None`.
        input_axes, output_axes: optional axes that define the fans.
    """

    _preset = (1.0, "fan_avg", "uniform")


class GlorotNormal(_FixedVarianceScaling):
    """Glorot (Xavier) normal: truncated normal with std
    `sqrt(2 / (fan_in + fan_out))`.

    Args:
        seed: an int, a `SeedGenerator`, or `None`.
        input_axes, output_axes: optional axes that define the fans.
    """

    _preset = (1.0, "fan_avg", "truncated_normal")


class HeNormal(_FixedVarianceScaling):
    """He normal: truncated normal with std `sqrt(2 / fan_in)`, for ReLU.

    Args:
        seed: an int, a `SeedGenerator`, or `None`.
        input_axes, output_axes: optional axes that define the fans.
    """

    _preset = (2.0, "fan_in", "truncated_normal")


class HeUniform(_FixedVarianceScaling):
    """He uniform: `U(-l, l)`, `l = sqrt(6 / fan_in)`.

    Args:
        seed: an int, a `SeedGenerator`, or `None`.
        input_axes, output_axes: optional axes that define the fans.
    """

    _preset = (2.0, "fan_in", "uniform")


class LecunNormal(_FixedVarianceScaling):
    """LeCun normal: truncated normal with std `sqrt(1 / fan_in)`, for SELU.

    Args:
        seed: an int, a `SeedGenerator`, or `None`.
        input_axes, output_axes: optional axes that define the fans.
    """

    _preset = (1.0, "fan_in", "truncated_normal")


class LecunUniform(_FixedVarianceScaling):
    """LeCun uniform: `U(-l, l)`, `l = sqrt(3 / fan_in)`.

    Args:
        seed: an int, a `SeedGenerator`, or `None`.
        input_axes, output_axes: optional axes that define the fans.
    """

    _preset = (1.0, "fan_in", "uniform")


class Orthogonal(RandomInitializer):
    """Initializes to a random orthogonal matrix times `gain`.

    The weight is seen as a matrix `(prod(shape[:-1]), shape[-1])`. A
    normal matrix is factored as `Q R`; `Q`'s columns, with signs fixed by
    `sign(diag(R))` so the distribution is uniform over orthogonal
    matrices, are the result (transposed when there are more columns than
    rows: then the rows are orthonormal).

    Args:
        gain: the multiplier.
        seed: an int, a `SeedGenerator`, or `None`.

    Example:
    >>> q = Orthogonal(seed=0)((4, 3))
    >>> bool(abs(q.T @ q - np.eye(3)).max() < 1e-5)
    True
    """

    def __init__(self, gain=1.0, seed=None):
        self.gain = gain
        super().__init__(seed=seed)

    def __call__(self, shape, dtype=None):
        shape = random.check_shape(shape, "Orthogonal")
        dtype = self._dtype(dtype)
        if len(shape) < 2:
            raise ValueError(
                "The tensor to initialize must be at least two-dimensional. "
                f"Received: shape={shape} of rank {len(shape)}."
            )
        rows, cols = math.prod(shape[:-1]), shape[-1]
        # QR in float64: the result is orthogonal to float32 precision.
        a = random._sample_normal(
            self._rng(),
            (max(rows, cols), min(rows, cols)),
            0.0,
            1.0,
            np.dtype("float64"),
        )
        q, r = np.linalg.qr(a)
        q *= np.where(np.diag(r) < 0, -1.0, 1.0)  # sign(0) taken as +1
        if rows < cols:
            q = q.T
        return (self.gain * q).reshape(shape).astype(dtype)

    def get_config(self):
        return {**super().get_config(), "gain": self.gain}
