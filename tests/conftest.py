"""Shared pytest setup: every test starts from a known random state.

NumPy's global generator is seeded before each test, and the `rng` fixture
gives a `np.random.Generator` whose seed depends on the test's id, so a test
sees the same numbers whether it runs alone or in the whole suite.

Set `KARA_TEST_SEED=<int>` to draw other numbers (to look for flaky tests).
"""

import os
import zlib

import numpy as np
import pytest


def _seed_for(request):
    salt = os.environ.get("KARA_TEST_SEED", "")
    return zlib.crc32((salt + request.node.nodeid).encode()) & 0x7FFFFFFF


@pytest.fixture(autouse=True)
def _seed_numpy(request):
    np.random.seed(_seed_for(request))
    yield


@pytest.fixture
def rng(request):
    """A NumPy Generator seeded from the test id (reproducible per test)."""
    return np.random.default_rng(_seed_for(request))
