"""Flatten, Reshape, Permute, RepeatVector: shapes and errors."""

import numpy as np
import pytest

from kara import layers as L


def test_flatten_rank_one_and_unknown_sizes():
    assert L.Flatten()(np.zeros((3,))).shape == (3, 1)
    assert L.Flatten().compute_output_shape((None, None, 4)) == (None, None)
    x = np.arange(24, dtype="float32").reshape(2, 3, 2, 2)
    out = L.Flatten(data_format="channels_first")(x).numpy()
    np.testing.assert_array_equal(out, np.moveaxis(x, 1, -1).reshape(2, -1))


def test_reshape():
    layer = L.Reshape((-1, 2))
    assert layer.compute_output_shape((None, 3, 4)) == (None, 6, 2)
    assert layer.compute_output_shape((None, None, 4)) == (None, None, 2)
    with pytest.raises(ValueError, match="total size of the new array"):
        L.Reshape((5,))(np.zeros((2, 3, 4)))
    with pytest.raises(ValueError, match="at most one unknown dimension"):
        L.Reshape((-1, -1))
    with pytest.raises(ValueError, match="total size"):
        L.Reshape((-1, 5)).compute_output_shape((None, 3, 4))


def test_permute():
    x = np.arange(24, dtype="float32").reshape(2, 3, 4)
    np.testing.assert_array_equal(
        L.Permute((2, 1))(x).numpy(), x.transpose(0, 2, 1)
    )
    with pytest.raises(ValueError, match="must be consecutive and start"):
        L.Permute((0, 1))
    with pytest.raises(ValueError, match="expected ndim=3, found ndim=4"):
        L.Permute((2, 1))(np.zeros((1, 2, 3, 4)))


def test_repeat_vector():
    out = L.RepeatVector(2)(np.array([[1.0, 2.0]])).numpy()
    np.testing.assert_array_equal(out, [[[1.0, 2.0], [1.0, 2.0]]])
    with pytest.raises(TypeError, match="Expected an integer value for `n`"):
        L.RepeatVector(2.0)
    with pytest.raises(ValueError, match="expected ndim=2"):
        L.RepeatVector(2)(np.zeros((1, 2, 3)))
