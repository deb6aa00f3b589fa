"""assert_allclose and assert_finite accept Tensors, arrays and lists."""

import numpy as np
import pytest

from kara import Tensor
from kara.testing import assert_allclose
from kara.testing import assert_finite


def test_assert_allclose_accepts_tensors_on_both_sides():
    t = Tensor(np.array([1.0, 2.0], "float32"))
    assert_allclose(t, [1.0, 2.0])
    assert_allclose(t, Tensor(np.array([1.0, 2.0])))
    assert_allclose([1.0, 2.0], t)


def test_assert_allclose_checks_values_and_dtype():
    t = Tensor(np.array([1.0, 2.0], "float32"))
    with pytest.raises(AssertionError, match="Mismatched elements: 1 / 2"):
        assert_allclose(t, [1.0, 2.1])
    with pytest.raises(
        AssertionError, match="dtype is float32, expected float64"
    ):
        assert_allclose(t, [1.0, 2.0], dtype="float64")
    assert_allclose(t, [1.0, 2.1], rtol=0.1)


def test_assert_finite():
    assert_finite(Tensor(np.array([1.0, -1e30])))
    with pytest.raises(AssertionError, match="gradient has non-finite"):
        assert_finite(np.array([1.0, np.nan]), "gradient")
    with pytest.raises(AssertionError, match="value has non-finite"):
        assert_finite([np.inf])
