"""Save, load, predict: identical outputs for every layer kara has, in a
Sequential, a functional and a subclassed model.

The layer table is `tests/layers/test_all_layers.py`'s, so a layer added
there is covered here too; `test_every_layer_is_covered` fails when a
layer exported by `kara.layers` is missing from it.
"""

import inspect

import numpy as np
import pytest

import kara
import kara.saving
from kara import layers as L
from kara.layers import symbolic
from tests.layers import test_all_layers

LAYERS = test_all_layers.LAYERS
IDS = test_all_layers.IDS
CUSTOM = {"_negate": test_all_layers._negate}


@kara.saving.register_keras_serializable(package="tests_saving")
class Wrapper(kara.Model):
    """A subclassed model around one layer given by its config."""

    def __init__(self, layer_config, **kwargs):
        super().__init__(**kwargs)
        self.layer_config = layer_config
        self.inner = L.deserialize(layer_config, custom_objects=CUSTOM)

    def call(self, inputs):
        return self.inner(inputs)

    def get_config(self):
        return {**super().get_config(), "layer_config": self.layer_config}


def _inputs(shape, rng):
    if symbolic.is_shape(shape):
        return rng.uniform(-1.5, 1.5, shape).astype("float32")
    return [rng.uniform(-1.5, 1.5, s).astype("float32") for s in shape]


def _randomize(model, rng):
    """Non-default values in every weight, so loading has to restore them."""
    for w in model.weights:
        if np.dtype(w.dtype).kind == "f":
            w.assign(rng.uniform(0.5, 1.5, w.shape).astype(w.dtype))
        else:
            w.assign(np.full(w.shape, 7, dtype=w.dtype))


def _build(kind, cls, kwargs, shape):
    if kind == "sequential":
        return kara.Sequential([L.Input(shape[1:]), cls(**kwargs)])
    if kind == "functional":
        if symbolic.is_shape(shape):
            inputs = L.Input(shape[1:])
        else:
            inputs = [L.Input(s[1:]) for s in shape]
        return kara.Model(inputs, cls(**kwargs)(inputs))
    model = Wrapper(L.serialize(cls(**kwargs)))
    return model


def _predict(model, x):
    with kara.no_grad():
        out = model(x, training=False)
    out = out if isinstance(out, (list, tuple)) else [out]
    return [o.numpy() for o in out]


@pytest.mark.parametrize("kind", ["sequential", "functional", "subclassed"])
@pytest.mark.parametrize(
    "cls, kwargs, shape, n_train, n_fixed", LAYERS, ids=IDS
)
def test_save_load_predict_identical(
    kind, cls, kwargs, shape, n_train, n_fixed, tmp_path, rng
):
    if kind == "sequential" and not symbolic.is_shape(shape):
        pytest.skip("a merging layer takes several inputs")
    model = _build(kind, cls, kwargs, shape)
    x = _inputs(shape, rng)
    model(x)  # builds the subclassed model
    _randomize(model, rng)
    expected = _predict(model, x)
    path = tmp_path / "model.keras"
    model.save(path)
    loaded = kara.models.load_model(path, custom_objects=CUSTOM)
    assert type(loaded) is type(model)
    assert len(loaded.weights) == len(model.weights) == n_train + n_fixed
    for a, b in zip(loaded.get_weights(), model.get_weights()):
        assert a.dtype == b.dtype
        np.testing.assert_array_equal(a, b)
    for got, want in zip(_predict(loaded, x), expected):
        np.testing.assert_array_equal(got, want)  # bit for bit

    # the weights alone, into a fresh model of the same architecture
    weights_path = tmp_path / "model.weights.h5"
    model.save_weights(weights_path)
    fresh = _build(kind, cls, kwargs, shape)
    fresh(x)
    fresh.load_weights(weights_path)
    for got, want in zip(_predict(fresh, x), expected):
        np.testing.assert_array_equal(got, want)


def test_every_layer_is_covered():
    covered = {cls for cls, *_ in LAYERS}
    exported = {
        obj
        for name in dir(L)
        if inspect.isclass(obj := getattr(L, name))
        and issubclass(obj, L.Layer)
        and obj not in (L.Layer, L.InputLayer)
    }
    missing = sorted(c.__name__ for c in exported - covered)
    assert not missing, (
        f"Layers without a save/load round trip: {missing}. Add them to "
        "LAYERS in tests/layers/test_all_layers.py."
    )


def test_model_config_round_trip_for_nested_models(tmp_path, rng):
    """A functional model holding a Sequential, with a shared layer."""
    inner = kara.Sequential([L.Input((5,)), L.Dense(3), L.Dense(2)])
    p, q = L.Input((4,), name="p"), L.Input((3,), name="q")
    shared = L.Dense(5, activation="relu")
    hp = shared(L.Concatenate()([p, L.Dense(1)(q)]))
    hq = shared(L.Concatenate()([L.Dense(3)(p), L.Dense(2)(q)]))
    model = kara.Model([p, q], [inner(hp), L.Add()([hp, hq])])
    x = [_inputs((6, 4), rng), _inputs((6, 3), rng)]
    expected = _predict(model, x)
    model.save(tmp_path / "m.keras")
    loaded = kara.models.load_model(tmp_path / "m.keras")
    for got, want in zip(_predict(loaded, x), expected):
        np.testing.assert_array_equal(got, want)
    assert [w.shape for w in loaded.weights] == [w.shape for w in model.weights]
