"""Subclassed models: tracking, calls, build, training propagation."""

import numpy as np
import pytest

from kara import layers as L
from kara.models import Model


class MLP(Model):
    def __init__(self, hidden=8, **kwargs):
        super().__init__(**kwargs)
        self.hidden = L.Dense(hidden, activation="relu")
        self.drop = L.Dropout(0.5, seed=0)
        self.out = L.Dense(2)

    def call(self, inputs, training=None):
        return self.out(self.drop(self.hidden(inputs)))


def test_layers_and_weights_in_assignment_order():
    model = MLP(name="mlp")
    model(np.ones((1, 3)))
    assert [type(x).__name__ for x in model.layers] == [
        "Dense",
        "Dropout",
        "Dense",
    ]
    assert [w.shape for w in model.get_weights()] == [
        (3, 8),
        (8,),
        (8, 2),
        (2,),
    ]
    assert model.built and model.name == "mlp"


def test_default_name_is_the_snake_case_class_name():
    from kara.utils import naming

    naming.clear_session()
    assert MLP().name == "mlp" and MLP().name == "mlp_1"


def test_training_flag_reaches_inner_layers():
    model = MLP()
    x = np.ones((4, 3), "float32")
    a, b = model(x).numpy(), model(x).numpy()
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(model(x, training=True).numpy(), a)


def test_build_creates_weights_with_unknown_batch():
    model = MLP()
    model.build((None, 5))
    assert model.built
    assert model.layers[0].kernel.shape == (5, 8)
    assert model.layers[0]._build_input_shape == (None, 5)


def test_get_layer():
    model = MLP()
    assert model.get_layer(index=1) is model.drop
    assert model.get_layer(name=model.out.name) is model.out
    with pytest.raises(ValueError, match="No such layer: nope"):
        model.get_layer("nope")
    with pytest.raises(ValueError, match="only has 3 layers"):
        model.get_layer(index=5)


def test_auto_config():
    model = MLP(hidden=4, name="m")
    config = model.get_config()
    assert config["hidden"] == 4 and config["name"] == "m"
    assert MLP.from_config(config).hidden.units == 4


def test_config_of_a_model_without_init():
    class Plain(Model):
        def call(self, inputs):
            return inputs

    config = Plain(name="p").get_config()
    assert config["name"] == "p" and "args" not in config
    assert Plain.from_config(config).name == "p"
