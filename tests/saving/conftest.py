"""Every test starts with kara's global generator seeded and fresh
automatic names (as in tests/layers and tests/models)."""

import pytest

from kara import random
from kara.utils import naming


@pytest.fixture(autouse=True)
def _fresh_state():
    random.set_random_seed(1234)
    naming.clear_session()
    yield
