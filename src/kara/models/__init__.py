"""Models, named as in `keras.models`: `Model`, `Sequential`, `Functional`,
and `load_model`, `save_model`, `model_from_json`.

Example:
>>> import kara
>>> model = kara.models.Sequential([kara.layers.Dense(1)])
>>> isinstance(model, kara.models.Model)
True
"""

from kara.models.functional import Functional
from kara.models.model import Model
from kara.models.sequential import Sequential


def load_model(filepath, custom_objects=None, compile=True, safe_mode=True):
    """Loads a `.keras` model file (see `kara.saving.load_model`)."""
    from kara.saving import saving_api

    return saving_api.load_model(filepath, custom_objects, compile, safe_mode)


def save_model(model, filepath, overwrite=True, zipped=None, **kwargs):
    """Saves a model as `.keras` (see `kara.saving.save_model`)."""
    from kara.saving import saving_api

    saving_api.save_model(model, filepath, overwrite, zipped, **kwargs)


def model_from_json(json_string, custom_objects=None):
    """Builds a model from `model.to_json()`'s string (Keras's format).

    Args:
        json_string: the JSON text.
        custom_objects: optional `{name: class}` for your own layers.

    Returns:
        A new model (with fresh weights), compiled if the JSON holds a
        compile config.
    """
    import json

    from kara.saving import model_config

    try:
        config = json.loads(json_string)
    except (TypeError, ValueError, RecursionError) as e:
        raise ValueError(
            f"model_from_json() needs the JSON text of `model.to_json()`; "
            f"it could not be parsed ({type(e).__name__}: {str(e)[:200]})."
        ) from None
    return model_config.model_from_config(config, custom_objects)


__all__ = [
    "Functional",
    "Model",
    "Sequential",
    "load_model",
    "model_from_json",
    "save_model",
]
