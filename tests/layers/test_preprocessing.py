"""Rescaling and Normalization (adapt, given statistics, invert)."""

import numpy as np
import pytest

from kara import layers as L


def test_rescaling_casts_integers_to_float32():
    out = L.Rescaling(1 / 255.0)(np.array([[0, 255]], dtype="uint8"))
    assert out.dtype == np.float32
    np.testing.assert_allclose(out.numpy(), [[0.0, 1.0]])


def test_normalization_adapt_matches_numpy(rng):
    data = rng.normal(3.0, 2.0, (50, 4)).astype("float32")
    layer = L.Normalization()
    layer.adapt(data)
    mean, var, count = layer.get_weights()
    np.testing.assert_allclose(mean, data.mean(0), rtol=1e-5)
    np.testing.assert_allclose(var, data.var(0), rtol=1e-5)
    assert count.dtype == np.int64 and count.shape == ()
    out = layer(data).numpy()
    np.testing.assert_allclose(out.mean(0), 0, atol=1e-5)
    np.testing.assert_allclose(out.std(0), 1, atol=1e-4)
    # batches give the same statistics as the whole
    batched = L.Normalization()
    batched.adapt([data[:7], data[7:30], data[30:]])
    np.testing.assert_allclose(batched.get_weights()[0], mean, rtol=1e-5)
    np.testing.assert_allclose(batched.get_weights()[1], var, rtol=1e-5)


def test_normalization_axis_none_and_invert():
    layer = L.Normalization(axis=None)
    layer.adapt(np.array([[1.0, 3.0], [5.0, 7.0]]))
    assert layer.adapt_mean.shape == ()
    np.testing.assert_allclose(layer.adapt_mean.numpy(), 4.0)
    inverse = L.Normalization(mean=4.0, variance=5.0, invert=True)
    x = np.array([[1.0, -1.0]])
    np.testing.assert_allclose(
        inverse(x).numpy(), 4.0 + x * np.sqrt(5.0), rtol=1e-6
    )


def test_normalization_errors():
    with pytest.raises(ValueError, match="both `mean` and `variance`"):
        L.Normalization(mean=1.0)
    with pytest.raises(ValueError, match="same shape"):
        L.Normalization(mean=[1.0, 2.0], variance=[1.0])
    layer = L.Normalization()
    layer.adapt(np.ones((3, 4)))
    with pytest.raises(ValueError, match="incompatible shape"):
        layer.adapt(np.ones((3, 5)))


def test_set_weights_takes_effect_immediately():
    layer = L.Normalization()
    layer.build((None, 2))
    layer.set_weights([np.array([1.0, 2.0]), np.array([4.0, 4.0]), 0])
    np.testing.assert_allclose(
        layer(np.array([[3.0, 4.0]])).numpy(), [[1.0, 1.0]]
    )
