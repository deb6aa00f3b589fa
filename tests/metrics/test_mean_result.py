"""`Mean.result()` without array machinery for scalar state (read every
step by `fit`) gives what `divide_no_nan` gives."""

import numpy as np

from kara import metrics
from kara.metrics.metric import divide_no_nan


def test_empty_mean_is_zero():
    m = metrics.Mean()
    result = m.result()
    assert result.dtype == np.float32
    assert float(result) == 0.0


def test_result_matches_divide_no_nan(rng):
    m = metrics.Mean()
    for _ in range(5):
        m.update_state(rng.random(7).astype("float32"))
    want = divide_no_nan(m.total.data, m.count.data)
    got = m.result()
    assert got.dtype == np.float32
    np.testing.assert_array_equal(got.numpy(), want)


def test_float64_metric_keeps_its_dtype():
    m = metrics.Mean(dtype="float64")
    m.update_state([1.0, 2.0])
    assert m.result().dtype == np.float64
    assert float(m.result()) == 1.5
