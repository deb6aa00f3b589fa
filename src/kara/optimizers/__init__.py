"""Optimizers (`keras.optimizers`): the classes, `get`, `serialize`.

Every optimizer reproduces Keras 3's update rule and defaults (and
tf.keras 2.15's under the keras2 profile, see `profiles.py`), updating the
weights in place.

Example:
>>> from kara import optimizers
>>> type(optimizers.get("adam")).__name__
'Adam'
>>> optimizers.Adam(0.01, 0.8, 0.99).get_config()["beta_2"]
0.99
"""

from kara.optimizers import schedules
from kara.optimizers.adadelta import Adadelta
from kara.optimizers.adafactor import Adafactor
from kara.optimizers.adagrad import Adagrad
from kara.optimizers.adam import Adam
from kara.optimizers.adamax import Adamax
from kara.optimizers.adamw import AdamW
from kara.optimizers.ftrl import Ftrl
from kara.optimizers.lamb import Lamb
from kara.optimizers.lion import Lion
from kara.optimizers.nadam import Nadam
from kara.optimizers.optimizer import Optimizer
from kara.optimizers.rmsprop import RMSprop
from kara.optimizers.sgd import SGD
from kara.utils import naming

__all__ = [
    "Adadelta",
    "Adafactor",
    "Adagrad",
    "Adam",
    "Adamax",
    "AdamW",
    "Ftrl",
    "Lamb",
    "Lion",
    "Nadam",
    "Optimizer",
    "RMSprop",
    "SGD",
    "deserialize",
    "get",
    "schedules",
    "serialize",
]

ALL_OBJECTS = (
    SGD,
    RMSprop,
    Adagrad,
    Adadelta,
    Adam,
    AdamW,
    Adamax,
    Nadam,
    Ftrl,
    Lion,
    Adafactor,
    Lamb,
)
# Keras looks names up case-insensitively: "adam", "Adam", "RMSprop", ...
ALL_OBJECTS_DICT = {cls.__name__.lower(): cls for cls in ALL_OBJECTS}


def serialize(optimizer):
    """Returns the optimizer's configuration as a Keras-format dict.

    Example:
    >>> serialize(SGD(0.1))["class_name"]
    'SGD'
    """
    cls = type(optimizer)
    builtin = ALL_OBJECTS_DICT.get(cls.__name__.lower()) is cls
    return {
        "module": "keras.optimizers" if builtin else cls.__module__,
        "class_name": cls.__name__,
        "config": optimizer.get_config(),
        "registered_name": None if builtin else cls.__name__,
    }


def deserialize(config, custom_objects=None):
    """Builds an optimizer from the output of `serialize`.

    Args:
        config: a dict with `class_name` and `config` (Keras 3 or tf.keras
            2 format; the class name is case-insensitive).
        custom_objects: optional dict of user-defined optimizer classes.
    """
    if not isinstance(config, dict) or "class_name" not in config:
        raise ValueError(
            "Expected a dict with keys 'class_name' and 'config' for an "
            f"optimizer. Received: {config!r}"
        )
    name = config["class_name"]
    custom = custom_objects or {}
    cls = custom.get(name) or ALL_OBJECTS_DICT.get(str(name).lower())
    if cls is None:
        raise _unknown(name)
    cfg = dict(config.get("config", {}))
    if custom_objects is None:
        return cls.from_config(cfg)
    return cls.from_config(cfg, custom_objects=custom_objects)


def get(identifier):
    """Returns an optimizer from a name, a config dict or an instance.

    Args:
        identifier: `None`, a string such as `"adam"` or `"RMSprop"`, a
            dict from `serialize`, an `Optimizer` instance (returned as
            is), or an `Optimizer` subclass (instantiated with defaults).

    Returns:
        An `Optimizer`, or None for None.
    """
    if identifier is None:
        return None
    if isinstance(identifier, Optimizer):
        return identifier
    if isinstance(identifier, dict):
        return deserialize(identifier)
    if isinstance(identifier, str):
        return deserialize({"class_name": identifier, "config": {}})
    if isinstance(identifier, type) and issubclass(identifier, Optimizer):
        return identifier()
    raise ValueError(
        f"Could not interpret optimizer identifier: {identifier!r}. Pass an "
        "optimizer instance (keras.optimizers.Adam(1e-3)) or a name such "
        f"as 'adam'. Valid names are: {', '.join(sorted(ALL_OBJECTS_DICT))}."
    )


def _unknown(name):
    return naming.unknown_name_error("optimizer", name, list(ALL_OBJECTS_DICT))
