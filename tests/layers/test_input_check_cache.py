"""`Layer.__call__` checks each (input_spec, shape) once, not every call."""

import numpy as np
import pytest

import kara
from kara.layers import layer as layer_module
from kara.layers.symbolic import InputSpec


def test_a_checked_shape_is_not_checked_again(monkeypatch):
    dense = kara.layers.Dense(2)
    x = kara.Tensor(np.ones((4, 3), "float32"))
    dense(x)  # builds, and sets the spec with the kernel's input size
    dense(x)  # checked against that new spec once
    calls = []
    original = layer_module.Layer._check_input

    def counting(self, inputs):
        calls.append(inputs.shape)
        return original(self, inputs)

    monkeypatch.setattr(layer_module.Layer, "_check_input", counting)
    dense(x)
    dense(x)
    assert calls == []
    dense(kara.Tensor(np.ones((5, 3), "float32")))  # a new shape: checked
    assert calls == [(5, 3)]


def test_a_bad_shape_still_raises_after_good_ones():
    dense = kara.layers.Dense(2)
    dense(np.ones((4, 3), "float32"))
    dense(np.ones((4, 3), "float32"))
    with pytest.raises(ValueError, match="expected axis -1"):
        dense(np.ones((4, 5), "float32"))


def test_a_new_spec_is_checked_again():
    layer = kara.layers.Flatten()
    layer(np.ones((2, 3, 4), "float32"))
    layer.input_spec = InputSpec(ndim=2)  # stricter now
    with pytest.raises(ValueError, match="expected ndim=2"):
        layer(np.ones((2, 3, 4), "float32"))
