"""The functional API: several inputs and outputs, nesting, shared
layers, Keras's layer order, errors, config round trip."""

import numpy as np
import pytest

from kara import layers as L
from kara.models import Functional
from kara.models import Model
from kara.models import Sequential
from kara.utils import naming


def _two_inputs():
    a, b = L.Input(shape=(4,), name="a"), L.Input(shape=(3,), name="b")
    ha = L.Dense(8, activation="relu", name="da")(a)
    hb = L.Dense(8, activation="relu", name="db")(b)
    merged = L.Concatenate()([ha, hb])
    out = L.Dense(1, activation="sigmoid", name="out")(merged)
    return Model([a, b], out)


def test_model_with_inputs_and_outputs_is_functional(rng):
    model = _two_inputs()
    assert type(model) is Functional and isinstance(model, Model)
    assert model.input_names == ["a", "b"]
    assert model.output_names == ["out"]
    assert model.input_shape == [(None, 4), (None, 3)]
    assert model.output_shape == (None, 1)
    xa, xb = rng.standard_normal((5, 4)), rng.standard_normal((5, 3))
    y = model([xa, xb])
    assert y.shape == (5, 1) and y.dtype == np.float32
    # by name, as a dict
    np.testing.assert_array_equal(model({"a": xa, "b": xb}).numpy(), y.numpy())
    # by hand
    da, db, out = (model.get_layer(n) for n in ("da", "db", "out"))
    h = np.concatenate([da(xa).numpy(), db(xb).numpy()], -1)
    np.testing.assert_allclose(y.numpy(), out(h).numpy(), rtol=1e-6)


def test_layer_order_and_weights_follow_keras():
    naming.clear_session()
    model = _two_inputs()
    assert [x.name for x in model.layers] == [
        "a",
        "b",
        "da",
        "db",
        "concatenate",
        "out",
    ]
    assert [w.shape for w in model.get_weights()] == [
        (4, 8),
        (8,),
        (3, 8),
        (8,),
        (16, 1),
        (1,),
    ]


def test_multiple_and_dict_outputs(rng):
    x = L.Input(shape=(5,))
    h = L.Dense(6, activation="relu")(x)
    c, r = L.Dense(3, activation="softmax")(h), L.Dense(1)(h)
    listed = Model(x, [c, r])
    out = listed(rng.standard_normal((2, 5)))
    assert isinstance(out, list) and [o.shape for o in out] == [(2, 3), (2, 1)]
    named = Model(inputs=x, outputs={"cls": c, "reg": r})
    out = named(rng.standard_normal((2, 5)))
    assert set(out) == {"cls", "reg"} and out["reg"].shape == (2, 1)
    assert named.output_names == ["cls", "reg"]


def test_nested_models_and_shared_layers(rng):
    block = Sequential([L.Input(shape=(4,)), L.Dense(4, activation="tanh")])
    shared = L.Dense(4, name="shared")
    x = L.Input(shape=(4,))
    y = shared(block(x))
    z = shared(y)  # the same layer twice
    model = Model(x, z)
    assert [w.shape for w in model.weights] == [(4, 4), (4,), (4, 4), (4,)]
    data = rng.standard_normal((3, 4))
    expected = shared(shared(block(data)))
    np.testing.assert_allclose(model(data).numpy(), expected.numpy(), rtol=1e-6)
    # a functional model is a layer of another functional model
    outer_in = L.Input(shape=(4,))
    outer = Model(outer_in, L.Dense(1)(model(outer_in)))
    assert outer(data).shape == (3, 1)


def test_errors():
    x = L.Input(shape=(3,))
    with pytest.raises(ValueError, match="symbolic tensors made with"):
        Model(np.ones((1, 3)), L.Dense(1)(x))
    other = L.Input(shape=(3,))
    merged = L.Add()([x, other])
    with pytest.raises(ValueError, match="Graph disconnected"):
        Model(x, merged)
    model = _two_inputs()
    with pytest.raises(ValueError, match=r"expects 2 inputs \(a, b\)"):
        model(np.ones((2, 4)))
    with pytest.raises(ValueError, match=r"lacks \['b'\]"):
        model({"a": np.ones((2, 4))})
    single = Model(x, L.Dense(2)(x))
    with pytest.raises(ValueError) as info:
        single(np.ones((2, 3, 3)))
    assert "expects shape (None, 3)" in str(info.value)
    sample = L.Input(shape=(2, 2))
    flat = Model(sample, L.Flatten()(sample))
    with pytest.raises(ValueError, match="single sample without the batch"):
        flat(np.ones((2, 2)))


def test_config_round_trip(rng):
    model = _two_inputs()
    config = model.get_config()
    assert config["input_layers"] == [["a", 0, 0], ["b", 0, 0]]
    assert config["output_layers"] == ["out", 0, 0]
    entry = config["layers"][2]
    assert entry["name"] == "da"
    tensor = entry["inbound_nodes"][0]["args"][0]
    assert tensor["class_name"] == "__keras_tensor__"
    assert tensor["config"]["keras_history"] == ["a", 0, 0]
    clone = Model.from_config(config)
    assert type(clone) is Functional
    assert [x.name for x in clone.layers] == [x.name for x in model.layers]
    clone.set_weights(model.get_weights())
    xa, xb = rng.standard_normal((4, 4)), rng.standard_normal((4, 3))
    np.testing.assert_array_equal(
        model([xa, xb]).numpy(), clone([xa, xb]).numpy()
    )


def test_compute_output_shape_and_symbolic_call():
    x = L.Input(shape=(5,))
    model = Model(x, L.Dense(2)(L.Dense(3)(x)))
    assert model.compute_output_shape((None, 5)) == (None, 2)
    assert model(L.Input(shape=(5,))).shape == (None, 2)


def test_unused_input_is_kept():
    a, b = L.Input(shape=(2,)), L.Input(shape=(3,))
    model = Model([a, b], L.Dense(1)(a))
    assert model([np.ones((1, 2)), np.ones((1, 3))]).shape == (1, 1)
    assert len(model.layers) == 3


def test_subclassed_model_rejects_positional_arguments():
    class Net(Model):
        def call(self, inputs):
            return inputs

    with pytest.raises(TypeError, match="takes `inputs` and `outputs`"):
        Model.__init__(Net(), 1)


def test_shape_error_inside_a_nested_model_names_the_inner_layer():
    inner = Sequential([L.Dense(3, name="inner_dense")], name="inner")
    inner.build((None, 4))
    x = L.Input(shape=(4,))
    outer = Model(x, inner(x), name="outer")
    with pytest.raises(ValueError) as info:
        inner(np.ones((2, 5)))
    assert "layer #0 of model 'inner'" in str(info.value)
    with pytest.raises(ValueError) as info:
        outer(np.ones((2, 4, 2)))  # rank error at the outer input
    assert "expects shape (None, 4)" in str(info.value)
