"""`activations.get`, `serialize`, `deserialize` and their errors."""

import numpy as np
import pytest

from kara import activations

# The names `keras.activations.get` accepts in Keras 3.15.
KERAS3_NAMES = {
    "celu",
    "elu",
    "exponential",
    "gelu",
    "glu",
    "hard_shrink",
    "hard_sigmoid",
    "hard_silu",
    "hard_swish",
    "hard_tanh",
    "leaky_relu",
    "linear",
    "log_sigmoid",
    "log_softmax",
    "mish",
    "relu",
    "relu6",
    "selu",
    "sigmoid",
    "silu",
    "soft_shrink",
    "softmax",
    "softplus",
    "softsign",
    "sparse_plus",
    "sparse_sigmoid",
    "sparsemax",
    "squareplus",
    "swish",
    "tanh",
    "tanh_shrink",
    "threshold",
}


def test_every_keras_name_resolves_to_a_function_of_that_name():
    assert set(activations.ALL_OBJECTS_DICT) == KERAS3_NAMES
    for name in KERAS3_NAMES - {"swish", "hard_swish"}:
        fn = activations.get(name)
        assert fn.__name__ == name
        assert getattr(activations, name) is fn


def test_aliases():
    assert activations.get("swish") is activations.silu
    assert activations.swish is activations.silu
    assert activations.get("hard_swish") is activations.hard_silu


def test_get_passes_callables_through():
    def my_act(x):
        return x

    assert activations.get(my_act) is my_act
    assert activations.get(None) is activations.linear


def test_unknown_name_suggests_the_closest():
    with pytest.raises(ValueError, match=r"'rleu'\. Did you mean 'relu'"):
        activations.get("rleu")
    with pytest.raises(ValueError, match=r"Did you mean 'softmax'"):
        activations.get("sofmax")
    with pytest.raises(ValueError, match="Valid names are: celu, elu"):
        activations.get("nope")


def test_non_callable_identifier_is_refused():
    with pytest.raises(ValueError, match="identifier: 3"):
        activations.get(3)


def test_misspelt_keyword_argument_suggests_the_right_one():
    with pytest.raises(
        TypeError,
        match=r"relu\(\) got an unexpected "
        r"keyword argument 'negativ_slope'\. Did you mean "
        r"'negative_slope'\?",
    ):
        activations.relu([1.0], negativ_slope=0.1)
    with pytest.raises(TypeError, match="Did you mean 'approximate'"):
        activations.gelu([1.0], aproximate=True)


def test_serialize_gives_the_name():
    assert activations.serialize(activations.relu) == "relu"
    assert activations.serialize(activations.swish) == "silu"
    assert activations.serialize(activations.hard_swish) == "hard_silu"


def test_serialize_a_custom_function():
    def my_act(x):
        return x * 2

    config = activations.serialize(my_act)
    assert config["class_name"] == "function"
    assert config["config"] == "my_act"
    assert (
        activations.deserialize(config, custom_objects={"my_act": my_act})
        is my_act
    )


def test_deserialize_every_form():
    assert activations.deserialize("gelu") is activations.gelu
    keras3 = {
        "module": "keras.activations",
        "class_name": "function",
        "config": "tanh",
        "registered_name": None,
    }
    assert activations.deserialize(keras3) is activations.tanh
    assert activations.get(keras3) is activations.tanh
    with pytest.raises(ValueError, match="Did you mean 'tanh'"):
        activations.deserialize("tahn")


def test_round_trip_through_serialize():
    for name in KERAS3_NAMES:
        fn = activations.get(name)
        assert activations.deserialize(activations.serialize(fn)) is fn


def test_activation_objects_with_get_config_serialize_as_classes():
    class Scaled:
        def __init__(self, factor=2.0):
            self.factor = factor

        def __call__(self, x):
            return x * self.factor

        def get_config(self):
            return {"factor": self.factor}

    config = activations.serialize(Scaled(3.0))
    assert config["class_name"] == "Scaled"
    assert config["config"] == {"factor": 3.0}
    obj = activations.deserialize(config, custom_objects={"Scaled": Scaled})
    assert obj.factor == 3.0
    np.testing.assert_allclose(obj(np.ones(2)), [3.0, 3.0])
