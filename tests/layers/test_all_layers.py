"""The harness and a gradient check over every layer kara has."""

import numpy as np
import pytest

from kara import layers as L
from tests.layers.harness import check_layer_gradients
from tests.layers.harness import run_layer_test


def _negate(t):
    return -t


# (class, init kwargs, input shape(s), trainable, non-trainable weights)
LAYERS = [
    (L.Dense, {"units": 3}, (2, 4), 2, 0),
    (L.Dense, {"units": 3, "activation": "softplus"}, (2, 3, 4), 2, 0),
    (L.Activation, {"activation": "tanh"}, (2, 5), 0, 0),
    (L.ReLU, {}, (2, 5), 0, 0),
    (
        L.ReLU,
        {"max_value": 1.0, "negative_slope": 0.1, "threshold": 0.2},
        (2, 5),
        0,
        0,
    ),
    (L.LeakyReLU, {}, (2, 5), 0, 0),
    (L.ELU, {"alpha": 0.7}, (2, 5), 0, 0),
    (L.PReLU, {}, (2, 3, 4), 1, 0),
    (
        L.PReLU,
        {"shared_axes": [1], "alpha_initializer": "ones"},
        (2, 3, 4),
        1,
        0,
    ),
    (L.Softmax, {}, (2, 5), 0, 0),
    (L.Softmax, {"axis": (1, 2)}, (2, 3, 4), 0, 0),
    (L.Dropout, {"rate": 0.3, "seed": 1}, (2, 10), 0, 0),
    (L.Flatten, {}, (2, 3, 4), 0, 0),
    (L.Flatten, {"data_format": "channels_first"}, (2, 3, 4, 2), 0, 0),
    (L.Reshape, {"target_shape": (6, -1)}, (2, 3, 4), 0, 0),
    (L.Permute, {"dims": (2, 1)}, (2, 3, 4), 0, 0),
    (L.RepeatVector, {"n": 3}, (2, 4), 0, 0),
    (L.Identity, {}, (2, 4), 0, 0),
    (L.Lambda, {"function": np.negative}, (2, 4), 0, 0),
    (L.Lambda, {"function": _negate}, (2, 4), 0, 0),
    (L.Rescaling, {"scale": 0.5, "offset": 1.0}, (2, 4), 0, 0),
    (L.Normalization, {}, (3, 4), 0, 3),
    (L.Normalization, {"mean": 1.0, "variance": 4.0}, (3, 4), 0, 0),
    (L.Add, {}, [(2, 4), (2, 4)], 0, 0),
    (L.Subtract, {}, [(2, 4), (2, 4)], 0, 0),
    (L.Multiply, {}, [(2, 4), (2, 4), (2, 4)], 0, 0),
    (L.Average, {}, [(2, 4), (2, 4)], 0, 0),
    (L.Maximum, {}, [(2, 4), (2, 4)], 0, 0),
    (L.Minimum, {}, [(2, 4), (2, 4)], 0, 0),
    (L.Concatenate, {}, [(2, 4), (2, 3)], 0, 0),
    (L.Concatenate, {"axis": 1}, [(2, 1, 3), (2, 2, 3)], 0, 0),
]
IDS = [f"{c.__name__}-{i}" for i, (c, *_) in enumerate(LAYERS)]


@pytest.mark.parametrize(
    "cls, kwargs, shape, n_train, n_fixed", LAYERS, ids=IDS
)
def test_harness(cls, kwargs, shape, n_train, n_fixed, rng):
    run_layer_test(
        cls,
        kwargs,
        shape,
        expected_num_trainable_weights=n_train,
        expected_num_non_trainable_weights=n_fixed,
        rng=rng,
        random_in_training=cls is L.Dropout,
        # a function named by a config is found among custom objects; the
        # module the config names is never imported in safe mode
        from_config_kwargs=(
            {"custom_objects": {"_negate": _negate}}
            if cls is L.Lambda
            else None
        ),
    )


@pytest.mark.parametrize(
    "cls, kwargs, shape, n_train, n_fixed", LAYERS, ids=IDS
)
def test_gradients(cls, kwargs, shape, n_train, n_fixed, rng):
    if cls is L.Lambda:
        kwargs = {"function": lambda t: t * t}
    # inputs are uniform in [-1.5, 1.5]: landing within 1e-6 of a kink
    # (relu at 0, a threshold, a max/min tie) has negligible probability
    check_layer_gradients(lambda dt: cls(dtype=dt, **kwargs), shape, rng)


def test_dropout_gradient_uses_the_same_mask(rng):
    """In training mode the backward pass must use the forward's mask."""
    layer = L.Dropout(0.5, seed=2)
    x = rng.standard_normal((3, 8))
    from kara.autograd.tensor import Tensor

    t = Tensor(x, requires_grad=True)
    y = layer(t, training=True)
    y.backward(np.ones_like(x))
    kept = y.numpy() != 0
    np.testing.assert_allclose(t.grad, np.where(kept, 2.0, 0.0))
