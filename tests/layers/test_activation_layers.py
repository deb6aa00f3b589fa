"""Activation layers: options, validation, masks, PReLU's weight."""

import warnings

import numpy as np
import pytest

from kara import config
from kara import layers as L


def test_relu_validation():
    with pytest.raises(ValueError, match="max_value of a ReLU layer cannot"):
        L.ReLU(max_value=-1.0)
    with pytest.raises(ValueError, match="negative_slope of a ReLU layer"):
        L.ReLU(negative_slope=-0.1)
    with pytest.raises(ValueError, match="threshold of a ReLU layer"):
        L.ReLU(threshold=-1.0)


def test_leaky_relu_defaults_to_0_3_and_accepts_alpha():
    x = np.array([[-2.0, 3.0]])
    np.testing.assert_allclose(L.LeakyReLU()(x).numpy(), [[-0.6, 3.0]])
    with pytest.warns(UserWarning, match="`alpha` is deprecated"):
        layer = L.LeakyReLU(alpha=0.1)
    np.testing.assert_allclose(layer(x).numpy(), [[-0.2, 3.0]], rtol=1e-6)
    with config.using_profile("keras2"), warnings.catch_warnings():
        warnings.simplefilter("error")  # tf.keras 2's own spelling
        assert L.LeakyReLU(alpha=0.2).negative_slope == 0.2
    with pytest.raises(ValueError, match="cannot be None or negative"):
        L.LeakyReLU(negative_slope=-1)


def test_softmax_mask_sends_masked_positions_to_zero():
    x = np.array([[1.0, 2.0, 3.0]])
    out = L.Softmax()(x, mask=np.array([[True, False, True]])).numpy()
    e = np.exp([1.0, 3.0])
    np.testing.assert_allclose(
        out, [[e[0] / e.sum(), 0.0, e[1] / e.sum()]], rtol=1e-6
    )


def test_prelu_alpha_shape_and_learning():
    layer = L.PReLU(shared_axes=[1, 2])
    layer.build((None, 5, 6, 3))
    assert layer.alpha.shape == (1, 1, 3)
    assert layer.input_spec.axes == {3: 3}
    x = np.array([[-1.0, 2.0]])
    layer = L.PReLU(alpha_initializer="ones")
    np.testing.assert_allclose(layer(x).numpy(), x)  # alpha 1: identity
    with pytest.raises(ValueError, match="incompatible with the layer"):
        layer(np.ones((1, 3)))


def test_activation_accepts_functions_and_names():
    from kara import activations

    assert L.Activation(activations.relu).get_config()["activation"] == "relu"
    with pytest.raises(ValueError, match="Did you mean 'relu'"):
        L.Activation("rleu")
