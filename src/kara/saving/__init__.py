"""Saving and loading models, named as in `keras.saving`.

- `save_model(model, "m.keras")` / `load_model("m.keras")`: a whole model
  in Keras 3's `.keras` format (readable by Keras 3 as well);
- `save_weights` / `load_weights`: variables only, as `.weights.h5`;
- `register_keras_serializable`, `custom_object_scope`,
  `get_registered_object`, ...: make your own classes loadable;
- `serialize_keras_object` / `deserialize_keras_object`: config dicts.

h5py is imported only when a file is read or written.

Example:
>>> import kara
>>> @kara.saving.register_keras_serializable(package="Docs")
... class Twice(kara.layers.Layer):
...     def call(self, x):
...         return x * 2.0
>>> kara.saving.get_registered_name(Twice)
'Docs>Twice'
"""

from kara.saving.object_registration import CustomObjectScope
from kara.saving.object_registration import custom_object_scope
from kara.saving.object_registration import get_custom_objects
from kara.saving.object_registration import get_registered_name
from kara.saving.object_registration import get_registered_object
from kara.saving.object_registration import register_keras_serializable
from kara.saving.saving_api import load_model
from kara.saving.saving_api import load_weights
from kara.saving.saving_api import save_model
from kara.saving.saving_api import save_weights
from kara.saving.serialization_lib import SafeModeScope
from kara.saving.serialization_lib import deserialize_keras_object
from kara.saving.serialization_lib import enable_unsafe_deserialization
from kara.saving.serialization_lib import serialize_keras_object

__all__ = [
    "CustomObjectScope",
    "SafeModeScope",
    "custom_object_scope",
    "deserialize_keras_object",
    "enable_unsafe_deserialization",
    "get_custom_objects",
    "get_registered_name",
    "get_registered_object",
    "load_model",
    "load_weights",
    "register_keras_serializable",
    "save_model",
    "save_weights",
    "serialize_keras_object",
]
