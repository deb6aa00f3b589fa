"""Input and InputLayer: shapes, names per profile, errors."""

import pytest

from kara import config
from kara import layers as L
from kara.utils import naming


def test_shapes_and_dtype():
    assert L.Input(shape=(3,)).shape == (None, 3)
    assert L.Input(shape=(3,), batch_size=8).shape == (8, 3)
    assert L.Input(batch_shape=(None, 2, 2)).shape == (None, 2, 2)
    assert L.Input(shape=(3,), dtype="int32").dtype == "int32"
    layer = L.InputLayer(shape=(4,))
    assert layer.batch_shape == (None, 4) and layer.weights == []
    assert layer.get_config()["batch_shape"] == (None, 4)


def test_errors():
    with pytest.raises(ValueError, match="both `shape` and `batch_shape`"):
        L.Input(shape=(3,), batch_shape=(None, 3))
    with pytest.raises(ValueError, match="You must pass a `shape` argument"):
        L.Input()


def test_default_names_per_profile():
    naming.clear_session()
    assert L.Input(shape=(1,))._keras_history[0].name == "input_layer"
    assert L.Input(shape=(1,))._keras_history[0].name == "input_layer_1"
    naming.clear_session()
    with config.using_profile("keras2"):
        assert L.Input(shape=(1,))._keras_history[0].name == "input_1"
        assert L.Input(shape=(1,))._keras_history[0].name == "input_2"


def test_symbolic_tensors_explain_what_they_cannot_do():
    x = L.Input(shape=(3,))
    with pytest.raises(TypeError, match=r"layers.Add\(\)"):
        x + x
    import numpy as np

    with pytest.raises(TypeError, match="symbolic placeholder"):
        np.asarray(x)
