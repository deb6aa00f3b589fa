"""Dropout: inverted scaling, inactive at inference, seeds, noise_shape."""

import numpy as np
import pytest

from kara import random
from kara.layers import Dropout


def test_rate_validation():
    for rate in (-0.1, 1.5, "0.5"):
        with pytest.raises(ValueError, match="between 0 and 1"):
            Dropout(rate)


def test_numpy_rates_are_accepted_as_in_keras():
    layer = Dropout(np.float32(0.5), seed=1)
    x = np.ones((4, 8), "float32")
    out = layer(x, training=True).numpy()
    assert set(out.ravel().tolist()) <= {0.0, 2.0}
    with pytest.raises(ValueError, match=r"Received: rate=np.float64\(1.5\)"):
        Dropout(np.float64(1.5))


def test_inverted_scaling_and_inference():
    layer = Dropout(0.25, seed=0)
    x = np.ones((200, 50), "float32")
    np.testing.assert_array_equal(layer(x).numpy(), x)
    np.testing.assert_array_equal(layer(x, training=False).numpy(), x)
    out = layer(x, training=True).numpy()
    assert out.dtype == np.float32
    assert set(np.unique(out)) == {0.0, np.float32(1 / 0.75)}
    kept = (out != 0).mean()
    assert abs(kept - 0.75) < 0.02  # 10,000 draws
    assert abs(out.mean() - 1.0) < 0.03  # expectation preserved


def test_seeded_layers_repeat_the_same_sequence():
    x = np.ones((4, 30), "float32")
    a, b = Dropout(0.5, seed=7), Dropout(0.5, seed=7)
    first = [a(x, training=True).numpy() for _ in range(2)]
    second = [b(x, training=True).numpy() for _ in range(2)]
    np.testing.assert_array_equal(first[0], second[0])
    np.testing.assert_array_equal(first[1], second[1])
    assert not np.array_equal(first[0], first[1])


def test_global_seed_makes_unseeded_dropout_repeatable():
    x = np.ones((4, 30), "float32")
    layer = Dropout(0.5)
    random.set_random_seed(123)
    a = layer(x, training=True).numpy()
    random.set_random_seed(123)
    b = layer(x, training=True).numpy()
    np.testing.assert_array_equal(a, b)


def test_noise_shape_shares_the_mask():
    layer = Dropout(0.5, noise_shape=(None, 1, 6), seed=3)
    out = layer(np.ones((2, 5, 6), "float32"), training=True).numpy()
    for sample in out:
        assert (sample == sample[0]).all()  # same mask at every step


def test_rate_edges():
    x = np.ones((2, 3), "float32")
    np.testing.assert_array_equal(Dropout(0.0)(x, training=True).numpy(), x)
    np.testing.assert_array_equal(
        Dropout(1.0)(x, training=True).numpy(), np.zeros_like(x)
    )
