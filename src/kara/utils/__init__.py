"""Utilities (`keras.utils`): the progress bar and small helpers.

Example:
>>> from kara.utils import Progbar
>>> Progbar(target=10).target
10
"""

from kara.random import get_random_seed
from kara.random import set_random_seed
from kara.utils.model_visualization import model_to_dot
from kara.utils.model_visualization import plot_model
from kara.utils.naming import clear_session
from kara.utils.numerical_utils import normalize
from kara.utils.numerical_utils import to_categorical
from kara.utils.plotting import loss_curve
from kara.utils.plotting import plot_history
from kara.utils.plotting import plot_loss_curve
from kara.utils.progbar import Progbar

__all__ = [
    "Progbar",
    "clear_session",
    "get_random_seed",
    "loss_curve",
    "model_to_dot",
    "normalize",
    "plot_history",
    "plot_loss_curve",
    "plot_model",
    "set_random_seed",
    "to_categorical",
]

# Keras also exposes the custom-object registry under keras.utils; these
# names come from kara.saving, imported on first use.
_FROM_SAVING = (
    "CustomObjectScope",
    "custom_object_scope",
    "get_custom_objects",
    "get_registered_name",
    "get_registered_object",
    "register_keras_serializable",
)


def __getattr__(name):
    if name in _FROM_SAVING:
        from kara import saving

        return getattr(saving, name)
    raise AttributeError(f"module 'kara.utils' has no attribute {name!r}")
