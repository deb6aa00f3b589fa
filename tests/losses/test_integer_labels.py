"""Class ids reach the sparse cross-entropy as integers, whichever way in.

`compile(loss="sparse_categorical_crossentropy")` wraps the function in a
`LossFunctionWrapper`; like the `SparseCategoricalCrossentropy` class, it
must keep the labels' integer dtype instead of casting them to float32 and
back on every step.
"""

import numpy as np

from kara import losses
from kara.losses import crossentropy


def test_wrapped_function_keeps_integer_labels(monkeypatch, rng):
    seen = []
    original = crossentropy.sparse_categorical_crossentropy

    def spy(y_true, y_pred, **kwargs):
        seen.append(y_true.dtype)
        return original(y_true, y_pred, **kwargs)

    spy._integer_labels = True
    loss = losses.LossFunctionWrapper(spy)
    y_pred = rng.random((5, 3)).astype("float32")
    loss(np.array([0, 2, 1, 1, 0]), y_pred)
    assert seen == [np.dtype("int64")]


def test_wrapper_and_class_agree(rng):
    y_true = rng.integers(0, 4, 16)
    y_pred = rng.random((16, 4)).astype("float32")
    wrapped = losses.get("sparse_categorical_crossentropy")
    via_wrapper = losses.LossFunctionWrapper(wrapped)(y_true, y_pred)
    via_class = losses.SparseCategoricalCrossentropy()(y_true, y_pred)
    np.testing.assert_array_equal(via_wrapper.numpy(), via_class.numpy())


def test_other_functions_still_get_float_labels():
    loss = losses.LossFunctionWrapper(losses.mean_squared_error)
    assert loss._integer_labels is False
