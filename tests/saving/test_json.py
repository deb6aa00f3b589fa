"""to_json / model_from_json and get_config / from_config, for
Sequential, functional and subclassed models."""

import json

import numpy as np
import pytest

import kara
import kara.saving
from kara import layers as L


def _same_architecture(a, b):
    assert type(a) is type(b)
    assert [type(x).__name__ for x in a.layers] == [
        type(x).__name__ for x in b.layers
    ]
    assert [w.shape for w in a.weights] == [w.shape for w in b.weights]


def test_sequential_json(rng):
    model = kara.Sequential(
        [L.Input((5,)), L.Dense(4, activation="relu"), L.Dense(2)]
    )
    model.compile("adam", "mse", metrics=["mae"])
    text = model.to_json()
    config = json.loads(text)
    assert config["class_name"] == "Sequential"
    assert config["module"] == "keras"
    assert config["compile_config"]["loss"] == "mse"
    assert config["compile_config"]["metrics"] == ["mae"]
    assert config["compile_config"]["optimizer"]["class_name"] == "Adam"
    again = kara.models.model_from_json(text)
    _same_architecture(model, again)
    assert again.compiled and type(again.optimizer).__name__ == "Adam"
    assert json.loads(model.to_json(indent=2)) == config


def test_functional_json_matches_keras_form():
    a, b = L.Input((3,), name="a"), L.Input((2,), name="b")
    out = L.Dense(1)(L.Concatenate()([a, b]))
    model = kara.Model([a, b], out)
    config = json.loads(model.to_json())
    assert config["module"] == "keras.src.models.functional"
    assert config["registered_name"] == "Functional"
    assert config["build_config"] == {"input_shape": None}
    assert config["compile_config"] == {}
    again = kara.models.model_from_json(model.to_json())
    _same_architecture(model, again)
    assert again.input_names == ["a", "b"]


def test_subclassed_json_needs_the_class():
    @kara.saving.register_keras_serializable(package="json_tests")
    class Tiny(kara.Model):
        def __init__(self, units=2, **kwargs):
            super().__init__(**kwargs)
            self.units = units
            self.dense = L.Dense(units)

        def call(self, x):
            return self.dense(x)

        def get_config(self):
            return {**super().get_config(), "units": self.units}

    model = Tiny(units=3)
    model(np.ones((2, 4), "float32"))
    config = json.loads(model.to_json())
    assert config["registered_name"] == "json_tests>Tiny"
    assert config["build_config"] == {"input_shape": [2, 4]}
    again = kara.models.model_from_json(model.to_json())
    assert type(again) is Tiny and again.units == 3
    assert [w.shape for w in again.weights] == [(4, 3), (3,)]


def test_get_config_from_config(rng):
    model = kara.Sequential([L.Input((3,)), L.Dense(2, name="d")])
    again = kara.Sequential.from_config(model.get_config())
    _same_architecture(model, again)
    a = L.Input((3,))
    functional = kara.Model(a, L.Dense(2)(a))
    again = kara.Model.from_config(functional.get_config())
    _same_architecture(functional, again)


def test_compile_config_round_trip_with_objects():
    model = kara.Sequential([L.Input((3,)), L.Dense(2)])
    model.compile(
        optimizer=kara.optimizers.SGD(0.05, momentum=0.5),
        loss=kara.losses.Huber(delta=0.5),
        metrics=[kara.metrics.MeanAbsoluteError(), "mse"],
        loss_weights=[2.0],
    )
    config = model.get_compile_config()
    assert config["loss"]["class_name"] == "Huber"
    again = kara.Sequential([L.Input((3,)), L.Dense(2)])
    again.compile_from_config(json.loads(json.dumps(config)))
    assert type(again.optimizer).__name__ == "SGD"
    assert again.optimizer.momentum == 0.5
    assert again._compile_config["loss"].delta == 0.5
    assert again._compile_config["loss_weights"] == [2.0]
    assert model.get_compile_config() == again.get_compile_config()


def test_model_from_json_errors():
    with pytest.raises(ValueError, match=r"could not be parsed"):
        kara.models.model_from_json("{oops")
    with pytest.raises(ValueError, match=r"'class_name' string"):
        kara.models.model_from_json("{}")
