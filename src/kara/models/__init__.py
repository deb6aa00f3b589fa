"""Models, named as in `keras.models`: `Model`, `Sequential`, `Functional`.

Example:
>>> import kara
>>> model = kara.models.Sequential([kara.layers.Dense(1)])
>>> isinstance(model, kara.models.Model)
True
"""

from kara.models.functional import Functional
from kara.models.model import Model
from kara.models.sequential import Sequential

__all__ = ["Functional", "Model", "Sequential"]
