"""Sequential: the ways to give the input shape, add/pop, calls on
arrays/lists/Tensors, weights in Keras's order, errors, config."""

import warnings

import numpy as np
import pytest

import kara
from kara import layers as L
from kara.layers.symbolic import LayerInputError
from kara.models import Sequential
from kara.utils import naming


def _seed002():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return Sequential(
            [
                L.Flatten(input_shape=(28, 28)),
                L.Dense(128, activation="relu"),
                L.Dense(10, activation="softmax"),
            ]
        )


def test_seed002_model_builds_eagerly_from_input_shape():
    model = _seed002()
    assert model.built
    assert model.input_shape == (None, 28, 28)
    assert model.output_shape == (None, 10)
    assert [type(x).__name__ for x in model.layers] == [
        "Flatten",
        "Dense",
        "Dense",
    ]
    assert model.count_params() == 101_770
    shapes = [w.shape for w in model.get_weights()]
    assert shapes == [(784, 128), (128,), (128, 10), (10,)]
    y = model(np.random.default_rng(0).random((3, 28, 28)))
    assert isinstance(y, kara.Tensor) and y.dtype == np.float32
    np.testing.assert_allclose(y.numpy().sum(-1), 1.0, rtol=1e-6)


def test_input_shape_warning_follows_keras3():
    with pytest.warns(UserWarning, match="Do not pass an `input_shape`"):
        L.Dense(2, input_shape=(3,))
    with kara.config.using_profile("keras2"), warnings.catch_warnings():
        warnings.simplefilter("error")
        L.Dense(2, input_shape=(3,))


def test_seed000_add_input_and_call_on_a_flat_array():
    """seed 000: Input(shape=(1,)) and `model(x_train).numpy()` on (N,)."""
    model = Sequential()
    model.add(L.Input(shape=(1,)))
    model.add(L.Dense(64, activation="relu"))
    model.add(L.Dense(64, activation="relu"))
    model.add(L.Dense(2, activation="softmax"))
    x_train = np.random.default_rng(0).uniform(0.0, 10.0, 1000)
    y_pred = model(x_train).numpy()
    assert y_pred.shape == (1000, 2) and y_pred.dtype == np.float32
    assert model(x_train[:, None]).shape == (1000, 2)


def test_lazy_build_on_first_call_and_build():
    model = Sequential([L.Dense(4), L.Dense(2)])
    assert not model.built and model.weights == []
    with pytest.raises(AttributeError, match="no defined input shape yet"):
        model.input_shape
    model(np.ones((3, 5)))
    assert model.built and model.output_shape == (3, 2)
    other = Sequential([L.Dense(4)])
    other.build((None, 7))
    assert other.output_shape == (None, 4)
    assert other.layers[0].kernel.shape == (7, 4)


def test_calls_accept_arrays_lists_and_tensors():
    model = Sequential(
        [L.Input(shape=(2,)), L.Dense(1, kernel_initializer="ones")]
    )
    expected = [[3.0]]
    assert model(np.array([[1.0, 2.0]])).numpy().tolist() == expected
    assert model([[1.0, 2.0]]).numpy().tolist() == expected
    assert model(kara.Tensor([[1.0, 2.0]])).numpy().tolist() == expected
    assert model(np.array([[1, 2]])).dtype == np.float32


def test_add_pop():
    model = Sequential([L.Input(shape=(3,)), L.Dense(4), L.Dense(2)])
    assert model.output_shape == (None, 2)
    last = model.pop()
    assert isinstance(last, L.Dense) and last.units == 2
    assert model.output_shape == (None, 4)
    model.add(L.Dense(6))
    assert model.output_shape == (None, 6)
    assert len(model.layers) == 2
    empty = Sequential()
    with pytest.raises(TypeError, match="no layers"):
        empty.pop()


def test_add_errors():
    model = Sequential([L.Dense(2, name="a")])
    with pytest.raises(ValueError, match="unique names"):
        model.add(L.Dense(2, name="a"))
    with pytest.raises(ValueError, match="Only instances of"):
        model.add("dense")
    with pytest.raises(ValueError, match="Input can only be the first"):
        model.add(L.Input(shape=(3,)))
    configured = Sequential([L.Input(shape=(3,))])
    with pytest.raises(ValueError, match="already been configured"):
        configured.add(L.Input(shape=(4,)))


def test_wrong_input_shape_names_index_class_and_name():
    model = Sequential(
        [L.Input(shape=(784,)), L.Dense(64, name="hidden"), L.Dense(10)]
    )
    with pytest.raises(ValueError) as info:
        model(np.ones((32, 28, 28)))
    msg = str(info.value)
    assert "Input 0 of model 'sequential' (layer 'input_layer')" in msg
    assert "expects shape (None, 784)" in msg
    assert "received an input of shape (32, 28, 28)" in msg
    assert "add a Flatten() layer" in msg
    with pytest.raises(LayerInputError) as info:
        model(np.ones((32, 100)))
    msg = str(info.value)
    assert "layer \"hidden\" (Dense, layer #0 of model 'sequential')" in msg
    assert "to have value 784, but received input with shape (32, 100)" in msg
    assert "built for input shape (None, 784)" in msg
    lazy = Sequential([L.Dense(8, name="first"), L.Dense(3, name="second")])
    lazy(np.ones((2, 5)))
    with pytest.raises(LayerInputError) as info:
        lazy(np.ones((2, 6)))
    msg = str(info.value)
    assert 'layer "first" (Dense, layer #0 of model' in msg
    assert "expected axis -1 of input shape to have value 5" in msg
    assert "received input with shape (2, 6)" in msg


def test_building_with_a_bad_shape_names_the_layer():
    # Permute needs rank 3, Flatten gives rank 2: fails while building
    with pytest.raises(ValueError) as info:
        Sequential([L.Input(shape=(3, 4)), L.Flatten(), L.Permute((2, 1))])
    msg = str(info.value)
    assert '"permute" (Permute, layer #1 of model' in msg
    assert "expected ndim=3, found ndim=2" in msg
    assert "received input with shape (None, 12)" in msg
    lazy = Sequential([L.Flatten(), L.Permute((2, 1))])
    with pytest.raises(ValueError, match="layer #1"):
        lazy(np.ones((2, 3, 4)))
    assert not lazy.built and len(lazy._layers) == 2  # can be built again


def test_training_flag_reaches_dropout():
    model = Sequential([L.Input(shape=(100,)), L.Dropout(0.5, seed=1)])
    x = np.ones((2, 100), "float32")
    np.testing.assert_array_equal(model(x).numpy(), x)
    assert (model(x, training=True).numpy() == 0).any()
    np.testing.assert_array_equal(model.call(kara.Tensor(x)).numpy(), x)
    assert (model.call(kara.Tensor(x), training=True).numpy() == 0).any()


def test_config_round_trip_gives_the_same_outputs(rng):
    model = Sequential(
        [L.Input(shape=(4,)), L.Dense(3, activation="tanh"), L.Dense(2)],
        name="net",
    )
    config = model.get_config()
    assert config["layers"][0]["class_name"] == "InputLayer"
    assert config["build_input_shape"] == (None, 4)
    clone = Sequential.from_config(config)
    assert clone.name == "net" and clone.built
    clone.set_weights(model.get_weights())
    x = rng.standard_normal((5, 4))
    np.testing.assert_array_equal(model(x).numpy(), clone(x).numpy())


def test_one_training_step_moves_only_trainable_weights(rng):
    model = Sequential(
        [L.Input(shape=(3,)), L.Dense(4, trainable=False), L.Dense(2)]
    )
    before = model.get_weights()
    x = rng.standard_normal((6, 3))
    loss = (model(x, training=True) ** 2).sum()
    loss.backward()
    for w in model.trainable_weights:
        w.data -= 0.1 * w.grad
    after = model.get_weights()
    np.testing.assert_array_equal(before[0], after[0])  # frozen kernel
    np.testing.assert_array_equal(before[1], after[1])  # frozen bias
    assert not np.array_equal(before[2], after[2])
    assert not np.array_equal(before[3], after[3])
    assert model.layers[0].kernel.grad is None  # no gradient computed


def test_keras3_names_when_sequential_builds():
    """Keras 3 names the InputLayer and an inner Functional it creates."""
    naming.clear_session()
    _seed002()
    x = L.Input(shape=(3,))
    assert x._keras_history[0].name == "input_layer_1"
    model = kara.models.Model(x, L.Dense(2)(x))
    assert model.name == "functional_1"
    naming.clear_session()
    with kara.config.using_profile("keras2"):
        seq = _seed002()
        assert seq._layers[0].name == "flatten_input"
        x = L.Input(shape=(3,))
        assert x._keras_history[0].name == "input_1"
        assert kara.models.Model(x, L.Dense(2)(x)).name == "model"


def test_fit_integration(rng):
    """The trainer (written elsewhere) trains a Sequential model."""
    kara.random.set_random_seed(0)
    x = rng.uniform(0, 10, 512)
    y = (x > 5).astype("int64")
    model = Sequential(
        [
            L.Input(shape=(1,)),
            L.Dense(16, activation="relu"),
            L.Dense(2, activation="softmax"),
        ]
    )
    model.compile(
        optimizer="adam",
        loss="sparse_categorical_crossentropy",
        metrics=["accuracy"],
    )
    history = model.fit(x, y, epochs=40, batch_size=16, verbose=0)
    assert history.history["loss"][-1] < history.history["loss"][0]
    assert history.history["accuracy"][-1] > 0.9


def test_auto_names_match_keras3_through_rebuilds():
    """Every Sequential (re)build makes a Functional in Keras 3, which
    takes a name; these names were read from Keras 3.15."""
    model = Sequential()
    model.add(L.Input(shape=(1,)))
    model.add(L.Dense(64, activation="relu"))
    model.add(L.Dense(64, activation="relu"))
    model.add(L.Dense(2, activation="softmax"))
    Sequential([L.Dense(3)])
    x = L.Input(shape=(3,))
    assert kara.models.Model(x, L.Dense(2)(x)).name == "functional_3"
    assert x._keras_history[0].name == "input_layer_1"
    s = Sequential([L.Input(shape=(2,)), L.Dense(2), L.Dense(3)])
    s.pop()
    s.add(L.Dense(4))
    x = L.Input(shape=(3,))
    assert kara.models.Model(x, L.Dense(2)(x)).name == "functional_7"
    assert x._keras_history[0].name == "input_layer_3"


def test_constraints_are_applied_by_the_optimizer():
    model = Sequential(
        [
            L.Input(shape=(3,)),
            L.Dense(2, kernel_constraint="non_neg", kernel_initializer="ones"),
        ]
    )
    assert type(model.layers[0].kernel.constraint).__name__ == "NonNeg"
    model.compile(optimizer=kara.optimizers.SGD(learning_rate=10.0), loss="mse")
    model.fit(np.ones((4, 3)), np.full((4, 2), -100.0), verbose=0)
    assert (model.layers[0].kernel.numpy() >= 0).all()
