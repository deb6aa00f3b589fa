"""`kara.ops.runtime`: BLAS threads and GC settings around training."""

import gc

import numpy as np
import pytest

from kara.ops import runtime


@pytest.fixture(autouse=True)
def _restore_user_threads():
    yield
    runtime._USER_THREADS = None


def _can_set_threads():
    return runtime.get_num_threads() is not None


def test_limit_threads_sets_and_restores():
    if not _can_set_threads():
        pytest.skip("this BLAS does not say how many threads it uses")
    before = runtime.get_num_threads()
    with runtime.limit_threads(1):
        assert runtime.get_num_threads() == 1
        a = np.ones((64, 64), "float32")
        np.testing.assert_array_equal(a @ a, np.full((64, 64), 64.0))
    assert runtime.get_num_threads() == before


def test_limit_threads_none_changes_nothing():
    before = runtime.get_num_threads()
    with runtime.limit_threads(None):
        assert runtime.get_num_threads() == before


def test_training_context_restores_gc_threshold():
    before = gc.get_threshold()
    with runtime.training_context():
        assert gc.get_threshold()[0] >= runtime._GC_THRESHOLD
    assert gc.get_threshold() == before


def test_training_context_restores_after_an_error():
    before = gc.get_threshold()
    threads = runtime.get_num_threads()
    with pytest.raises(KeyError):
        with runtime.training_context():
            raise KeyError("boom")
    assert gc.get_threshold() == before
    assert runtime.get_num_threads() == threads


def test_training_threads_are_the_users_choice():
    assert runtime._training_threads() is None  # BLAS's own by default
    runtime._USER_THREADS = 3  # as set_num_threads(3) leaves it
    assert runtime._training_threads() == 3


def test_set_num_threads_is_used_in_training():
    if not _can_set_threads():
        pytest.skip("this BLAS does not say how many threads it uses")
    before = runtime.get_num_threads()
    try:
        runtime.set_num_threads(1)
        assert runtime.get_num_threads() == 1
        with runtime.training_context():
            assert runtime.get_num_threads() == 1
    finally:
        runtime.set_num_threads(None)
        runtime._set(before)


@pytest.mark.parametrize("bad", [0, -2, 1.5, "2", True])
def test_set_num_threads_rejects_bad_values(bad):
    with pytest.raises(ValueError, match=r"positive integer.*Received: n="):
        runtime.set_num_threads(bad)
