"""A Sequential, a functional and a subclassed model holding the same
weights give identical outputs (and list the weights in the same order)."""

import numpy as np

from kara import layers as L
from kara.models import Model
from kara.models import Sequential


def _sequential():
    return Sequential(
        [
            L.Input(shape=(28, 28)),
            L.Flatten(),
            L.Dense(32, activation="relu"),
            L.Dropout(0.2),
            L.Dense(10, activation="softmax"),
        ]
    )


def _functional():
    x = L.Input(shape=(28, 28))
    h = L.Dense(32, activation="relu")(L.Flatten()(x))
    return Model(x, L.Dense(10, activation="softmax")(L.Dropout(0.2)(h)))


class _Subclassed(Model):
    def __init__(self):
        super().__init__()
        self.flatten = L.Flatten()
        self.hidden = L.Dense(32, activation="relu")
        self.drop = L.Dropout(0.2)
        self.head = L.Dense(10, activation="softmax")

    def call(self, inputs, training=None):
        return self.head(self.drop(self.hidden(self.flatten(inputs))))


def test_same_weights_same_outputs(rng):
    seq, fun, sub = _sequential(), _functional(), _Subclassed()
    x = rng.random((16, 28, 28))
    sub(x)  # build
    weights = seq.get_weights()
    for model in (fun, sub):
        assert [w.shape for w in model.get_weights()] == [
            w.shape for w in weights
        ]
        model.set_weights(weights)
    expected = seq(x).numpy()
    np.testing.assert_array_equal(fun(x).numpy(), expected)
    np.testing.assert_array_equal(sub(x).numpy(), expected)
    np.testing.assert_array_equal(fun(x, training=False).numpy(), expected)
    # and the same gradients
    grads = []
    for model in (seq, fun, sub):
        for w in model.weights:
            w.grad = None
        (model(x) ** 2).sum().backward()
        grads.append([w.grad for w in model.trainable_weights])
    for other in grads[1:]:
        for a, b in zip(grads[0], other):
            np.testing.assert_array_equal(a, b)
