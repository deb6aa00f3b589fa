"""`.keras` and `.weights.h5` files written by real Keras 3 load in kara
and give Keras's predictions (files and numbers: tools/golden_saving.py).

Keras computes in float32 with its own kernels, so outputs agree within
float32 rounding (atol 1e-6), not bit for bit.
"""

import json
import os
import shutil

import numpy as np
import pytest

import kara
import kara.saving
from kara import layers as L

GOLDEN = os.path.join(os.path.dirname(__file__), "..", "golden", "saving")
with open(os.path.join(GOLDEN, "expected.json")) as _f:
    EXPECTED = json.load(_f)


def _array(pair):
    values, shape = pair
    return np.array(values, dtype="float32").reshape(shape)


INPUTS = {k: _array(v) for k, v in EXPECTED["inputs"].items()}


@kara.saving.register_keras_serializable(package="golden")
class TwoTower(kara.Model):
    """kara's twin of the subclassed Keras model in subclassed.keras."""

    def __init__(self, units=5, **kwargs):
        super().__init__(**kwargs)
        self.units = units
        self.zeta = L.Dense(units, activation="relu")
        self.alpha = L.Dense(3)
        self.blocks = [L.Dense(4), L.Dense(3)]
        self.head = kara.Sequential([L.Dense(3), L.Dense(2)])

    def call(self, x):
        return self.head(
            self.alpha(self.zeta(x)) + self.blocks[1](self.blocks[0](x))
        )

    def get_config(self):
        return {**super().get_config(), "units": self.units}


def _path(name):
    return os.path.join(GOLDEN, name)


def _predict(model, names):
    xs = [INPUTS[n] for n in names]
    with kara.no_grad():
        out = model(xs if len(xs) > 1 else xs[0], training=False)
    out = out if isinstance(out, (list, tuple)) else [out]
    return [o.numpy() for o in out]


CASES = ["seq_mlp", "seq_adam", "functional_all", "multi_io", "subclassed"]


@pytest.mark.parametrize("name", CASES)
def test_keras_file_gives_keras_predictions(name):
    case = EXPECTED["models"][name]
    model = kara.models.load_model(_path(f"{name}.keras"))
    outputs = _predict(model, case["inputs"])
    assert len(outputs) == len(case["predict"])
    for got, want in zip(outputs, case["predict"]):
        assert got.dtype == np.float32
        np.testing.assert_allclose(got, _array(want), rtol=1e-5, atol=1e-6)


def test_subclassed_model_is_rebuilt_with_kara_class():
    model = kara.models.load_model(_path("subclassed.keras"))
    assert type(model) is TwoTower
    assert model.units == 5
    # Keras stores `zeta` under layers/dense (the `layers` list comes
    # before `zeta` alphabetically): loading used the same walk
    np.testing.assert_array_equal(model.zeta.weights[0].numpy().shape, (4, 5))


def test_functional_all_layers_and_names():
    model = kara.models.load_model(_path("functional_all.keras"))
    names = {type(layer).__name__ for layer in model.layers}
    assert {"PReLU", "Normalization", "Lambda", "Permute", "Minimum"} <= names
    norm = model.get_layer("normalization")
    # adapted in Keras: its statistics come from the file
    import io
    import zipfile

    import h5py

    with zipfile.ZipFile(_path("functional_all.keras")) as z:
        data = z.read("model.weights.h5")
    with h5py.File(io.BytesIO(data)) as f:
        mean = f["layers/normalization/vars/0"][()]
        variance = f["layers/normalization/vars/1"][()]
    assert np.abs(mean).max() > 0.01
    np.testing.assert_array_equal(norm.adapt_mean.numpy(), mean)
    np.testing.assert_array_equal(norm.adapt_variance.numpy(), variance)


def test_compile_config_and_optimizer_state_are_restored():
    model = kara.models.load_model(_path("seq_mlp.keras"))
    assert model.compiled
    assert type(model.optimizer).__name__ == "Adam"
    np.testing.assert_allclose(model.optimizer.learning_rate.numpy(), 0.01)
    expected = EXPECTED["models"]["seq_mlp"]["iterations"]
    assert int(model.optimizer.iterations.numpy()) == expected == 4


def test_training_resumed_from_keras_file_continues_as_keras_does():
    """One more epoch in kara from Keras's Adam state = Keras's epoch."""
    case = EXPECTED["models"]["seq_adam"]
    model = kara.models.load_model(_path("seq_adam.keras"))
    assert int(model.optimizer.iterations.numpy()) == case["iterations"]
    model.fit(
        INPUTS["x4"],
        INPUTS["y3"],
        epochs=1,
        batch_size=8,
        shuffle=False,
        verbose=0,
    )
    (got,) = _predict(model, ["x4"])
    want = _array(case["predict_after_one_more_epoch"])
    np.testing.assert_allclose(got, want, rtol=1e-5, atol=2e-6)
    # from a fresh optimizer state the same epoch ends elsewhere
    fresh = kara.models.load_model(_path("seq_adam.keras"), compile=False)
    fresh.compile(kara.optimizers.Adam(0.01), "mse")
    fresh.fit(
        INPUTS["x4"],
        INPUTS["y3"],
        epochs=1,
        batch_size=8,
        shuffle=False,
        verbose=0,
    )
    assert np.abs(_predict(fresh, ["x4"])[0] - want).max() > 1e-3


def test_keras_weights_file_loads_into_kara_model():
    model = kara.Sequential(
        [L.Input((4,)), L.Dense(8, activation="tanh"), L.Dense(3)]
    )
    model.compile(kara.optimizers.Adam(0.01), "mse")
    model.load_weights(_path("seq_adam.weights.h5"))
    (got,) = _predict(model, ["x4"])
    want = _array(EXPECTED["models"]["seq_adam"]["predict"][0])
    np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-6)
    assert int(model.optimizer.iterations.numpy()) == 4


def test_keras_lambda_needs_safe_mode_false():
    with pytest.raises(ValueError, match=r"safe_mode=False"):
        kara.models.load_model(_path("lambda_model.keras"))
    model = kara.models.load_model(_path("lambda_model.keras"), safe_mode=False)
    (got,) = _predict(model, ["x3"])
    want = _array(EXPECTED["models"]["lambda_model"]["predict"][0])
    np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-6)


def test_unsupported_keras_layers_are_each_named():
    with pytest.raises(ValueError) as info:
        kara.models.load_model(_path("unsupported.keras"))
    message = str(info.value)
    assert "Conv2D (layer 'conv')" in message
    assert "BatchNormalization (layer 'bn')" in message
    assert "kara does not implement" in message


def test_unregistered_subclass_names_the_fix(tmp_path):
    saved = dict(kara.saving.get_custom_objects())
    kara.saving.get_custom_objects().pop("golden>TwoTower")
    try:
        with pytest.raises(ValueError) as info:
            kara.models.load_model(_path("subclassed.keras"))
    finally:
        kara.saving.get_custom_objects().clear()
        kara.saving.get_custom_objects().update(saved)
    message = str(info.value)
    assert "TwoTower" in message and "'golden>TwoTower'" in message
    assert "register_keras_serializable(package='golden')" in message
    # passing the class works without registering it
    shutil.copy(_path("subclassed.keras"), tmp_path / "s.keras")
    model = kara.models.load_model(
        tmp_path / "s.keras", custom_objects={"TwoTower": TwoTower}
    )
    assert type(model) is TwoTower


def test_golden_files_are_small():
    for name in os.listdir(GOLDEN):
        assert os.path.getsize(_path(name)) < 100_000, name
