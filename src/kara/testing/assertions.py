"""Assertion helpers for tests of kara code (yours and kara's own)."""

import numpy as np

from kara import backend


def assert_allclose(actual, expected, rtol=1e-6, atol=1e-6, dtype=None):
    """Asserts two array-likes (Tensors too) are close; optionally checks dtype.

    Args:
        actual: the value computed.
        expected: the reference.
        rtol, atol: tolerances.
        dtype: if given, `actual` must have this dtype.
    """
    a = np.asarray(backend.as_array(actual))
    if dtype is not None and a.dtype != np.dtype(dtype):
        raise AssertionError(f"dtype is {a.dtype}, expected {np.dtype(dtype)}")
    e = np.asarray(getattr(expected, "data", expected))
    np.testing.assert_allclose(a, e, rtol=rtol, atol=atol)


def assert_finite(x, what="value"):
    """Asserts there is no NaN or inf in `x`."""
    a = np.asarray(backend.as_array(x))
    if not np.all(np.isfinite(a)):
        raise AssertionError(f"{what} has non-finite entries: {a}")
