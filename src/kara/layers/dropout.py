"""`Dropout`: randomly zero inputs while training (inverted dropout).

During training each input is kept with probability `1 - rate` and
scaled by `1 / (1 - rate)`, so the expected value of every output equals
its input and nothing needs rescaling at inference. With `training=False`
(predict, evaluate, a plain `model(x)` call) the input passes unchanged.

Random draws come from `kara.random`: the global generator (fixed by
`kara.utils.set_random_seed`), or the layer's own seeded sequence when
`seed=` is given.

Example:
>>> import numpy as np, kara
>>> layer = kara.layers.Dropout(0.5, seed=0)
>>> x = np.ones((1, 6), "float32")
>>> bool((layer(x).numpy() == x).all())  # inference: unchanged
True
>>> sorted(set(layer(x, training=True).numpy().ravel().tolist()))
[0.0, 2.0]
"""

import numbers

import numpy as np

from kara import ops
from kara import random
from kara.layers.layer import Layer


class Dropout(Layer):
    """Applies dropout to the input.

    Args:
        rate: the fraction of inputs to drop, in [0, 1].
        noise_shape: a shape broadcast against the input's to share the
            mask along some axes (None entries take the input's size),
            e.g. `(batch, 1, features)` for the same mask at every step.
        seed: an int for a repeatable sequence of masks.
    """

    def __init__(self, rate, noise_shape=None, seed=None, **kwargs):
        super().__init__(**kwargs)
        # numbers.Real: Python and NumPy numbers (np.float32(0.5) too)
        if not isinstance(rate, numbers.Real) or not 0 <= rate <= 1:
            raise ValueError(
                "Invalid value received for argument `rate`. Expected a "
                f"float value between 0 and 1. Received: rate={rate!r}"
            )
        self.rate = rate
        self.seed = seed
        self.noise_shape = None if noise_shape is None else tuple(noise_shape)
        self.supports_masking = True
        self.seed_generator = (
            None if seed is None else random.SeedGenerator(seed)
        )

    def call(self, inputs, training=False):
        if not training or self.rate == 0:
            return inputs
        if self.rate == 1.0:
            return inputs * np.zeros(
                self._noise_shape(inputs.shape), inputs.dtype
            )
        return ops.multiply(inputs, self.draw_scale(inputs.shape, inputs.dtype))

    def _noise_shape(self, shape):
        if self.noise_shape is None:
            return tuple(shape)
        return tuple(
            n if s is None else s for s, n in zip(self.noise_shape, shape)
        )

    def draw_scale(self, shape, dtype):
        """One training mask, already scaled: 0 where an input is dropped,
        `1 / (1 - rate)` where it is kept (`rate < 1`). The fused training
        step draws its masks here too, so both paths see the same numbers.
        """
        rng = random.make_rng(self.seed_generator)
        keep = 1.0 - self.rate
        # mask / keep: the kept entries are scaled up (inverted dropout)
        scale = rng.random(self._noise_shape(shape), dtype=np.float32) < keep
        scale = scale.astype(dtype)
        scale *= dtype.type(1.0 / keep)
        return scale

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        return {
            **super().get_config(),
            "rate": self.rate,
            "seed": self.seed,
            "noise_shape": self.noise_shape,
        }
