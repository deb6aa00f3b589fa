"""Custom objects: register_keras_serializable, custom_objects=,
custom_object_scope, and the errors that name the fix."""

import numpy as np
import pytest

import kara
import kara.saving
from kara import layers as L
from kara.saving import object_registration


@pytest.fixture(autouse=True)
def _clean_registry():
    saved = dict(kara.saving.get_custom_objects())
    names = dict(object_registration._GLOBAL_CUSTOM_NAMES)
    yield
    kara.saving.get_custom_objects().clear()
    kara.saving.get_custom_objects().update(saved)
    object_registration._GLOBAL_CUSTOM_NAMES.clear()
    object_registration._GLOBAL_CUSTOM_NAMES.update(names)


def _scaled_layer_class():
    class Scaled(L.Layer):
        def __init__(self, factor=2.0, **kwargs):
            super().__init__(**kwargs)
            self.factor = factor

        def build(self, input_shape):
            self.w = self.add_weight(shape=(input_shape[-1],), name="w")

        def call(self, x):
            return x * self.w * self.factor

        def get_config(self):
            return {**super().get_config(), "factor": self.factor}

    return Scaled


def _save_model_with(layer, tmp_path, rng):
    model = kara.Sequential([L.Input((3,)), layer, L.Dense(2)])
    x = rng.uniform(size=(4, 3)).astype("float32")
    path = tmp_path / "m.keras"
    model.save(path)
    return path, x, model(x).numpy()


def test_registered_layer_round_trips(tmp_path, rng):
    Scaled = kara.saving.register_keras_serializable(package="mine")(
        _scaled_layer_class()
    )
    assert kara.saving.get_registered_name(Scaled) == "mine>Scaled"
    assert kara.saving.get_registered_object("mine>Scaled") is Scaled
    path, x, expected = _save_model_with(Scaled(3.0), tmp_path, rng)
    config = kara.layers.serialize(Scaled())
    assert config["registered_name"] == "mine>Scaled"
    assert config["module"] == Scaled.__module__
    loaded = kara.models.load_model(path)
    assert type(loaded.layers[0]) is Scaled and loaded.layers[0].factor == 3.0
    np.testing.assert_array_equal(loaded(x).numpy(), expected)


def test_custom_objects_argument_and_scope(tmp_path, rng):
    Scaled = _scaled_layer_class()
    path, x, expected = _save_model_with(Scaled(), tmp_path, rng)
    with pytest.raises(ValueError) as info:
        kara.models.load_model(path)
    message = str(info.value)
    assert "not registered: Scaled (layer 'scaled')" in message
    assert "custom_objects={'Scaled': Scaled}" in message
    assert "register_keras_serializable()" in message
    loaded = kara.models.load_model(path, custom_objects={"Scaled": Scaled})
    np.testing.assert_array_equal(loaded(x).numpy(), expected)
    with kara.saving.custom_object_scope({"Scaled": Scaled}):
        loaded = kara.models.load_model(path)
    np.testing.assert_array_equal(loaded(x).numpy(), expected)
    assert kara.saving.get_registered_object("Scaled") is None


def test_registered_function_in_a_layer_config():
    @kara.saving.register_keras_serializable(package="acts")
    def halve(x):
        return x * 0.5

    layer = L.Dense(2, activation=halve)
    config = kara.layers.serialize(layer)
    # what Keras 3.15 and tf.keras 2.15 write for a registered function
    assert config["config"]["activation"] == {
        "module": "builtins",
        "class_name": "function",
        "config": "acts>halve",
        "registered_name": "function",
    }
    assert kara.activations.serialize(halve) == config["config"]["activation"]
    assert kara.saving.serialize_keras_object(halve)["config"] == "acts>halve"
    again = kara.layers.deserialize(config)
    assert again.activation is halve
    # tf.keras 2.15's serialize_keras_object writes the bare name
    config["config"]["activation"]["config"] = "halve"
    assert kara.layers.deserialize(config).activation is halve


def test_register_refuses_classes_without_get_config():
    class NoConfig:
        pass

    with pytest.raises(ValueError, match=r"'NoConfig': it has no `get_conf"):
        kara.saving.register_keras_serializable()(NoConfig)
    with pytest.raises(ValueError, match=r"without '>'"):
        kara.saving.register_keras_serializable(package="a>b")


def test_scope_lookup_order():
    def a():
        pass

    def b():
        pass

    with kara.saving.custom_object_scope({"f": a}):
        with kara.saving.custom_object_scope({"f": b}):
            assert kara.saving.get_registered_object("f") is b
        assert kara.saving.get_registered_object("f") is a
        assert kara.saving.get_registered_object("f", {"f": b}) is a
    assert kara.saving.get_registered_object("f", {"f": b}) is b
    assert kara.saving.get_registered_object("missing") is None
    with pytest.raises(TypeError, match="takes dicts"):
        kara.saving.custom_object_scope(["f"])


def test_registered_subclassed_model_round_trips(tmp_path, rng):
    @kara.saving.register_keras_serializable(package="mine")
    class Residual(kara.Model):
        def __init__(self, width=4, **kwargs):
            super().__init__(**kwargs)
            self.width = width
            self.inner = L.Dense(width, activation="tanh")
            self.out = L.Dense(1)

        def call(self, x):
            return self.out(self.inner(x) + x)

        def get_config(self):
            return {**super().get_config(), "width": self.width}

    model = Residual(width=4)
    model.compile(kara.optimizers.RMSprop(0.01), "mse")
    x = rng.uniform(size=(5, 4)).astype("float32")
    expected = model(x).numpy()
    model.save(tmp_path / "r.keras")
    loaded = kara.models.load_model(tmp_path / "r.keras")
    assert type(loaded) is Residual and loaded.width == 4
    assert type(loaded.optimizer).__name__ == "RMSprop"
    np.testing.assert_array_equal(loaded(x).numpy(), expected)
