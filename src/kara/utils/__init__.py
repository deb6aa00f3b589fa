"""Utilities (`keras.utils`): the progress bar and small helpers.

Example:
>>> from kara.utils import Progbar
>>> Progbar(target=10).target
10
"""

from kara.random import get_random_seed
from kara.random import set_random_seed
from kara.utils.naming import clear_session
from kara.utils.progbar import Progbar

__all__ = ["Progbar", "clear_session", "get_random_seed", "set_random_seed"]
