"""Utilities (`keras.utils`): the progress bar and small helpers.

Example:
>>> from kara.utils import Progbar
>>> Progbar(target=10).target
10
"""

from kara.utils.progbar import Progbar

__all__ = ["Progbar"]
