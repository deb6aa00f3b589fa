"""Lambda and Identity."""

import numpy as np
import pytest

from kara import layers as L
from kara import ops


def _double(x, factor=2.0):
    return x * factor


def test_lambda_arguments_and_output_shape():
    layer = L.Lambda(_double, arguments={"factor": 3.0})
    np.testing.assert_allclose(layer(np.ones((1, 2))).numpy(), [[3.0, 3.0]])
    summed = L.Lambda(
        lambda x: ops.sum(x, axis=-1, keepdims=True), output_shape=(1,)
    )
    assert summed.compute_output_shape((None, 5)) == (None, 1)
    inferred = L.Lambda(lambda x: ops.concatenate([x, x], axis=-1))
    assert inferred.compute_output_shape((None, 5)) == (None, 10)
    as_fn = L.Lambda(lambda x: x, output_shape=lambda s: s)
    assert as_fn.compute_output_shape((None, 3)) == (None, 3)


def test_lambda_training_argument_is_passed():
    seen = []

    def fn(x, training=None):
        seen.append(training)
        return x

    L.Lambda(fn)(np.ones((1, 1)), training=True)
    assert seen == [True]


def test_lambda_config_named_function_round_trip():
    layer = L.Lambda(_double, arguments={"factor": 5.0})
    config = layer.get_config()
    # safe mode never imports the module a config names
    with pytest.raises(ValueError, match="custom_objects"):
        L.Lambda.from_config(config)
    clone = L.Lambda.from_config(config, custom_objects={"_double": _double})
    assert clone.function is _double and clone.arguments == {"factor": 5.0}
    clone = L.Lambda.from_config(config, safe_mode=False)
    assert clone.function is _double


def test_python_lambda_needs_safe_mode_false():
    offset = 1.5
    layer = L.Lambda(lambda x: x + offset)
    config = layer.get_config()
    assert config["function"]["class_name"] == "__lambda__"
    with pytest.raises(ValueError, match="safe_mode=False"):
        L.Lambda.from_config(config)
    clone = L.Lambda.from_config(config, safe_mode=False)
    np.testing.assert_allclose(clone(np.zeros((1, 2))).numpy(), [[1.5, 1.5]])


def test_lambda_rejects_non_callables():
    with pytest.raises(TypeError, match="must be callable"):
        L.Lambda(3)


def test_identity():
    x = np.arange(6, dtype="float32").reshape(2, 3)
    np.testing.assert_array_equal(L.Identity()(x).numpy(), x)
