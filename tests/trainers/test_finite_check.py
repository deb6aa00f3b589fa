"""The NaN/inf check of `fit`'s data: one fast pass, exact answers."""

import numpy as np
import pytest

import kara
from kara.trainers import data_adapter


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
def test_non_finite_values_are_found(rng, dtype, bad):
    a = rng.random((50, 7)).astype(dtype)
    assert data_adapter._all_finite(a)
    a[31, 4] = bad
    assert not data_adapter._all_finite(a)


def test_huge_finite_values_are_not_reported(rng):
    # the fast dot product overflows here; the exact check then decides
    a = rng.random((20, 3)).astype("float32")
    a[3, 1] = 3e38
    with np.errstate(all="raise"):  # and no warning leaks out
        assert data_adapter._all_finite(a)


def test_strided_and_float16_arrays(rng):
    a = rng.random((6, 5))
    assert data_adapter._all_finite(a.T)  # not C-contiguous
    a[2, 2] = np.nan
    assert not data_adapter._all_finite(a.T)
    assert not data_adapter._all_finite(a.astype("float16"))


def test_fit_still_names_the_bad_value(rng):
    x = rng.random((10, 3)).astype("float32")
    x[4, 1] = np.nan
    model = kara.Sequential([kara.Input(shape=(3,)), kara.layers.Dense(1)])
    model.compile(optimizer="sgd", loss="mse")
    with pytest.raises(ValueError, match=r"`x` contains nan at row 4"):
        model.fit(x, np.zeros(10), verbose=0)
