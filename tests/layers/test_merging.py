"""Merging layers: broadcasting, shape checks, functional helpers."""

import numpy as np
import pytest

from kara import layers as L


def test_elementwise_merges_broadcast_lower_ranks_after_the_batch():
    a = np.ones((2, 4), "float32")
    b = np.arange(24, dtype="float32").reshape(2, 3, 4)
    out = L.Add()([a, b]).numpy()
    np.testing.assert_array_equal(out, b + 1)
    assert L.Add().compute_output_shape([(None, 4), (None, 3, 4)]) == (
        None,
        3,
        4,
    )


def test_merge_errors():
    with pytest.raises(ValueError, match="exactly 2 inputs"):
        L.Subtract()([np.ones((1, 2))] * 3)
    with pytest.raises(ValueError, match="should be called on a list"):
        L.Add().build((None, 3))
    with pytest.raises(ValueError, match="incompatible shapes"):
        L.Multiply().compute_output_shape([(None, 3), (None, 4)])
    with pytest.raises(ValueError, match="matching shapes except for the"):
        L.Concatenate(axis=1)([np.ones((2, 3, 1)), np.ones((2, 3, 2))])
    with pytest.raises(ValueError, match="different batch sizes"):
        L.Add().build([(2, 3), (3, 3)])


def test_functional_helpers():
    a, b = np.full((1, 2), 3.0), np.full((1, 2), 1.0)
    assert L.add([a, b]).numpy().tolist() == [[4.0, 4.0]]
    assert L.subtract([a, b]).numpy().tolist() == [[2.0, 2.0]]
    assert L.multiply([a, b]).numpy().tolist() == [[3.0, 3.0]]
    assert L.average([a, b]).numpy().tolist() == [[2.0, 2.0]]
    assert L.maximum([a, b]).numpy().tolist() == [[3.0, 3.0]]
    assert L.minimum([a, b]).numpy().tolist() == [[1.0, 1.0]]
    assert L.concatenate([a, b], axis=0).shape == (2, 2)


def test_symbolic_concatenate_shape():
    x, y = L.Input(shape=(3,)), L.Input(shape=(5,))
    assert L.Concatenate()([x, y]).shape == (None, 8)
