"""The Layer base class: subclassing as in Keras, weight tracking and
order, trainable, get/set weights, losses, training propagation, config,
names and errors."""

import numpy as np
import pytest

import kara
from kara import ops
from kara.layers import Dense
from kara.layers import Dropout
from kara.layers import Layer
from kara.utils import naming


class Linear(Layer):
    def __init__(self, units=3, **kwargs):
        super().__init__(**kwargs)
        self.units = units

    def build(self, input_shape):
        self.w = self.add_weight(
            shape=(input_shape[-1], self.units), name="kernel"
        )
        self.b = self.add_weight(
            shape=(self.units,), initializer="zeros", name="bias"
        )
        self.steps = self.add_weight(
            shape=(), initializer="zeros", trainable=False, name="steps"
        )

    def call(self, inputs):
        return ops.matmul(inputs, self.w) + self.b

    def get_config(self):
        return {**super().get_config(), "units": self.units}


class Block(Layer):
    """Nested layers, tracked in the order of assignment."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.second = Dense(2, name="second")
        self.first = Dense(3, name="first")
        self.drop = Dropout(0.5, seed=1)

    def call(self, inputs, training=None):
        return self.second(self.drop(self.first(inputs)))


def test_subclassed_layer_builds_on_first_call():
    layer = Linear(4)
    assert not layer.built and layer.weights == []
    y = layer(np.ones((2, 5)))
    assert layer.built and y.shape == (2, 4)
    assert [w.name for w in layer.weights] == ["kernel", "bias", "steps"]
    assert [w.name for w in layer.trainable_weights] == ["kernel", "bias"]
    assert [w.name for w in layer.non_trainable_weights] == ["steps"]
    assert layer._build_input_shape == (2, 5)


def test_calling_build_directly_marks_the_layer_built():
    layer = Linear(2)
    layer.build((None, 3))
    assert layer.built and layer.count_params() == 3 * 2 + 2 + 1


def test_nested_layers_tracked_in_creation_order():
    block = Block()
    block(np.ones((1, 4)))
    assert [x.name for x in block._layers] == [
        "second",
        "first",
        block.drop.name,
    ]
    # weights: sublayers in tracking order, kernel before bias
    shapes = [w.shape for w in block.weights]
    assert shapes == [(3, 2), (2,), (4, 3), (3,)]


def test_trainable_false_freezes_all_weights_recursively():
    block = Block()
    block(np.ones((1, 4)))
    block.trainable = False
    assert block.trainable_weights == []
    assert len(block.non_trainable_weights) == 4
    assert not block.first.trainable
    assert all(not w.requires_grad for w in block.weights)
    block.trainable = True
    assert len(block.trainable_weights) == 4


def test_frozen_at_construction():
    layer = Dense(2, trainable=False)
    layer.build((None, 3))
    assert layer.trainable_weights == []
    assert [w.name for w in layer.non_trainable_weights] == ["kernel", "bias"]


def test_get_set_weights_round_trip():
    a, b = Linear(2), Linear(2)
    x = np.random.default_rng(0).normal(size=(3, 4))
    a(x)
    b(x)
    b.set_weights(a.get_weights())
    np.testing.assert_array_equal(a(x).numpy(), b(x).numpy())
    weights = a.get_weights()
    weights[0][...] = 0  # get_weights returns copies
    assert np.any(a.w.numpy() != 0)


def test_set_weights_wrong_count_lists_the_weights():
    layer = Dense(2, name="d")
    layer.build((None, 3))
    with pytest.raises(ValueError) as info:
        layer.set_weights([np.zeros((3, 2))])
    msg = str(info.value)
    assert "weight list of length 1" in msg
    assert "expecting 2 weights" in msg
    assert "d/kernel (3, 2)" in msg and "d/bias (2,)" in msg


def test_set_weights_wrong_shape_names_weight_and_both_shapes():
    layer = Dense(2, name="d")
    layer.build((None, 3))
    with pytest.raises(
        ValueError,
        match=r"Layer 'd': weight #0 'd/kernel' has shape \(3, 2\), but the "
        r"array given for it has shape \(2, 3\)\. It looks transposed",
    ):
        layer.set_weights([np.zeros((2, 3)), np.zeros(2)])
    # nothing was assigned
    assert layer.kernel.shape == (3, 2)


def test_count_params_unbuilt_error():
    with pytest.raises(ValueError, match="isn't built"):
        Dense(2).count_params()


def test_unknown_kwargs_list_closest_valid_names():
    with pytest.raises(ValueError) as info:
        Linear(3, nmae="x")
    msg = str(info.value)
    assert "Unrecognized keyword arguments passed to Linear" in msg
    assert "Did you mean 'name'" in msg
    assert "units" in msg  # the valid names are listed


def test_forgetting_super_init_is_explained():
    class Bad(Layer):
        def __init__(self):
            self.d = Dense(2)

    with pytest.raises(RuntimeError, match=r"super\(\).__init__\(\)"):
        Bad()


def test_invalid_name_and_trainable():
    with pytest.raises(ValueError, match="cannot contain character `/`"):
        Dense(2, name="a/b")
    with pytest.raises(ValueError, match="Expected `trainable` to be a bool"):
        Dense(2, trainable=1)


def test_auto_names_and_clear_session():
    naming.clear_session()
    names = [Dense(1).name, Dense(1).name, Dropout(0.1).name, Dense(1).name]
    assert names == ["dense", "dense_1", "dropout", "dense_2"]
    naming.clear_session()
    assert Dense(1).name == "dense"


def test_training_propagates_to_nested_layers():
    class Net(Layer):
        def __init__(self):
            super().__init__()
            self.drop = Dropout(0.5, seed=3)

        def call(self, inputs):  # no training argument of its own
            return self.drop(inputs)

    net = Net()
    x = np.ones((4, 50), "float32")
    np.testing.assert_array_equal(net(x).numpy(), x)  # default: inference
    out = net(x, training=True).numpy()
    assert set(np.unique(out)) == {0.0, 2.0}
    # an explicit value on the inner call wins over the context
    inner = []

    class Spy(Layer):
        def call(self, inputs, training=None):
            inner.append(training)
            return inputs

    class Outer(Layer):
        def __init__(self):
            super().__init__()
            self.spy = Spy()

        def call(self, inputs):
            self.spy(inputs)
            return self.spy(inputs, training=False)

    Outer()(x, training=True)
    assert inner == [True, False]


def test_add_loss_is_cleared_by_the_next_outer_call():
    class WithLoss(Layer):
        def call(self, inputs):
            self.add_loss(ops.sum(inputs))
            return inputs

    class Outer(Layer):
        def __init__(self):
            super().__init__()
            self.inner = WithLoss()

        def call(self, inputs):
            return self.inner(inputs)

    outer = Outer()
    outer(np.ones((2, 2)))
    outer(np.full((2, 2), 2.0))
    assert [float(x.numpy()) for x in outer.losses] == [8.0]


def test_auto_config_of_a_custom_layer_without_get_config():
    class Scale(Layer):
        def __init__(self, factor=2.0, **kwargs):
            super().__init__(**kwargs)
            self.factor = factor

        def call(self, inputs):
            return inputs * self.factor

    layer = Scale(3.0, name="s")
    cfg = layer.get_config()
    assert cfg["factor"] == 3.0 and cfg["name"] == "s"
    clone = Scale.from_config(cfg)
    assert clone.factor == 3.0


def test_auto_config_refuses_objects():
    class Holder(Layer):
        def __init__(self, thing, **kwargs):
            super().__init__(**kwargs)
            self.thing = thing

        def call(self, inputs):
            return inputs

    with pytest.raises(NotImplementedError, match="Implement `get_config"):
        Holder(object()).get_config()


def test_dtype_policy():
    layer = Dense(2, dtype="float64")
    y = layer(np.ones((1, 3), "float32"))
    assert y.dtype == np.float64 and layer.kernel.dtype == np.float64
    assert layer.dtype == "float64" and layer.compute_dtype == "float64"
    mixed = Dense(2, dtype="mixed_float16")
    assert (
        mixed.compute_dtype == "float16" and mixed.variable_dtype == "float32"
    )


def test_variables_assigned_as_attributes_are_tracked():
    class Scale(Layer):
        def __init__(self):
            super().__init__()
            self.alpha = kara.Variable(np.ones(3), name="alpha")
            self.frozen = kara.Variable(np.ones(1), trainable=False)

        def call(self, inputs):
            return inputs * self.alpha

    layer = Scale()
    assert [w.name for w in layer.trainable_weights] == ["alpha"]
    assert len(layer.non_trainable_weights) == 1


def test_repr():
    assert repr(Dense(2, name="d")) == "<Dense name=d, built=False>"
