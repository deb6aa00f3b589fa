"""Dense: the harness, every argument, any input rank, the fused path,
gradients, and the errors users meet."""

import warnings

import numpy as np
import pytest

from kara import activations
from kara import ops
from kara.layers import Dense
from kara.layers import Input
from kara.layers.symbolic import LayerInputError
from tests.layers.harness import check_layer_gradients
from tests.layers.harness import run_layer_test


@pytest.mark.parametrize(
    "kwargs, input_shape, output_shape",
    [
        ({"units": 3}, (2, 4), (2, 3)),
        ({"units": 3, "activation": "relu"}, (2, 4), (2, 3)),
        ({"units": 2, "activation": "softmax"}, (3, 5, 4), (3, 5, 2)),
        ({"units": 4, "activation": "gelu"}, (2, 3, 2, 5), (2, 3, 2, 4)),
    ],
)
def test_harness(kwargs, input_shape, output_shape, rng):
    run_layer_test(Dense, kwargs, input_shape, output_shape, 2, 0, rng=rng)


def test_harness_without_bias(rng):
    layer = run_layer_test(
        Dense, {"units": 3, "use_bias": False}, (2, 4), (2, 3), 1, 0, rng=rng
    )
    assert layer.bias is None


@pytest.mark.parametrize(
    "activation", ["linear", "relu", "sigmoid", "tanh", "softmax", "elu"]
)
@pytest.mark.parametrize("input_shape", [(3, 4), (2, 3, 4)])
def test_gradients(activation, input_shape, rng):
    check_layer_gradients(
        lambda dt: Dense(3, activation=activation, dtype=dt), input_shape, rng
    )


def test_all_ten_arguments(rng):
    layer = Dense(
        units=4,
        activation="relu",
        use_bias=True,
        kernel_initializer="ones",
        bias_initializer="ones",
        kernel_regularizer="l2",
        bias_regularizer="l1",
        activity_regularizer="l2",
        kernel_constraint="non_neg",
        bias_constraint="max_norm",
    )
    x = rng.uniform(0.1, 1.0, (5, 3)).astype("float32")
    y = layer(x)
    expected = np.repeat(x.sum(-1, keepdims=True) + 1, 4, axis=1)
    np.testing.assert_allclose(y.numpy(), expected, rtol=1e-6)
    assert type(layer.kernel.constraint).__name__ == "NonNeg"
    assert type(layer.bias.constraint).__name__ == "MaxNorm"
    # losses: activity (last call, divided by the batch) + kernel + bias
    losses = layer.losses
    assert len(losses) == 3
    activity = 0.01 * np.sum(y.numpy() ** 2) / 5
    np.testing.assert_allclose(losses[0].numpy(), activity, rtol=1e-6)
    np.testing.assert_allclose(losses[1].numpy(), 0.01 * 12, rtol=1e-6)
    np.testing.assert_allclose(losses[2].numpy(), 0.01 * 4, rtol=1e-6)
    cfg = layer.get_config()
    assert cfg["kernel_regularizer"]["class_name"] == "L2"
    assert cfg["activity_regularizer"]["class_name"] == "L2"
    assert cfg["bias_constraint"]["class_name"] == "MaxNorm"
    clone = Dense.from_config(cfg)
    assert clone.get_config() == cfg


def test_regularization_losses_follow_the_current_weights():
    layer = Dense(2, kernel_initializer="ones", kernel_regularizer="l2")
    layer.build((None, 3))
    np.testing.assert_allclose(layer.losses[0].numpy(), 0.01 * 6)
    layer.kernel.assign(np.full((3, 2), 2.0))
    np.testing.assert_allclose(layer.losses[0].numpy(), 0.01 * 24)
    # the penalty backpropagates into the kernel
    layer.losses[0].backward()
    np.testing.assert_allclose(layer.kernel.grad, 0.02 * 2.0 * np.ones((3, 2)))


def test_activity_loss_is_from_the_last_call_only():
    layer = Dense(1, kernel_initializer="ones", activity_regularizer="l1")
    layer(np.ones((2, 3)))
    layer(np.ones((4, 3)))
    assert len(layer.losses) == 1
    np.testing.assert_allclose(layer.losses[0].numpy(), 0.01 * 12 / 4)


@pytest.mark.parametrize("name", ["relu", "sigmoid", "tanh", "softmax", None])
def test_fused_path_matches_composed(name, rng):
    layer = Dense(5, activation=name)
    x = rng.standard_normal((4, 3, 6)).astype("float32")
    y = layer(x).numpy()
    z = ops.add(ops.matmul(x, layer.kernel), layer.bias)
    ref = activations.get(name)(z).numpy()
    np.testing.assert_allclose(y, ref, rtol=1e-6, atol=1e-6)
    if name in ("sigmoid", "softmax"):
        # applied as activation functions so the output keeps its logits
        assert layer._fused is None
        np.testing.assert_allclose(
            layer(x)._keras_logits.numpy(), z.numpy(), rtol=1e-6, atol=1e-6
        )
    else:
        assert layer._fused == (name or "linear")


def test_custom_activation_is_applied_after_linear(rng):
    layer = Dense(3, activation=lambda t: t * 2.0, kernel_initializer="ones")
    assert layer._fused is None
    x = rng.standard_normal((2, 4)).astype("float32")
    np.testing.assert_allclose(
        layer(x).numpy(),
        2 * np.repeat(x.sum(-1, keepdims=True), 3, 1),
        rtol=1e-6,
    )


def test_float64_numpy_input_is_cast_and_lists_work():
    layer = Dense(2, kernel_initializer="ones")
    y = layer(np.ones((1, 3), dtype="float64"))
    assert y.dtype == np.float32
    np.testing.assert_array_equal(
        layer([[1.0, 2.0, 3.0]]).numpy(), [[6.0, 6.0]]
    )


def test_symbolic_call_any_rank():
    x = Input(shape=(7, 5))
    y = Dense(3)(x)
    assert y.shape == (None, 7, 3)


def test_invalid_units():
    for units in (0, -1, 2.5, "3", True):
        with pytest.raises(ValueError, match="expected a positive integer"):
            Dense(units)


def test_unknown_kwarg_suggests_the_closest_name():
    with pytest.raises(ValueError, match="Did you mean 'units'"):
        Dense(3, unit=4)
    with pytest.raises(ValueError, match="Did you mean 'kernel_initializer'"):
        Dense(3, kernel_initialiser="ones")


def test_wrong_last_dimension_names_layer_and_shapes():
    layer = Dense(4, name="hidden")
    layer(np.ones((2, 784)))
    with pytest.raises(LayerInputError) as info:
        layer(np.ones((32, 28, 28)))
    msg = str(info.value)
    assert 'layer "hidden" (Dense)' in msg
    assert "expected axis -1 of input shape to have value 784" in msg
    assert "received input with shape (32, 28, 28)" in msg
    assert "Flatten()" in msg
    assert isinstance(info.value, ValueError)


def test_rank_one_input_explains_the_batch_axis():
    layer = Dense(4)
    with pytest.raises(ValueError, match=r"expected min_ndim=2, found ndim=1"):
        layer(np.ones((3,)))


def test_softmax_with_one_unit_warns_when_built():
    layer = Dense(1, activation="softmax")
    with pytest.warns(UserWarning, match="always 1.0"):
        layer.build((None, 3))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        Dense(2, activation="softmax").build((None, 3))


def test_unsupported_lora_is_explicit():
    with pytest.raises(NotImplementedError, match="lora_rank"):
        Dense(3, lora_rank=2)


def test_keras_config_keys():
    cfg = Dense(3, name="d").get_config()
    assert set(cfg) == {
        "name",
        "trainable",
        "dtype",
        "units",
        "activation",
        "use_bias",
        "kernel_initializer",
        "bias_initializer",
        "kernel_regularizer",
        "bias_regularizer",
        "kernel_constraint",
        "bias_constraint",
        "quantization_config",
    }
    assert cfg["activation"] == "linear"
    assert cfg["kernel_initializer"]["class_name"] == "GlorotUniform"
    assert cfg["dtype"]["config"] == {"name": "float32"}


def test_weights_have_keras_shapes_and_paths():
    layer = Dense(5, name="out")
    layer.build((None, 3))
    assert [w.shape for w in layer.weights] == [(3, 5), (5,)]
    assert [w.path for w in layer.weights] == ["out/kernel", "out/bias"]
    assert layer.count_params() == 20
