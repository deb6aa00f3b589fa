"""Objects to and from Keras 3's config dicts, and the safety rules.

Keras 3 writes every object as

    {"module": "keras.layers", "class_name": "Dense",
     "config": {...}, "registered_name": None}

(`registered_name` is `"package>Name"` for registered custom classes).
Each kara namespace already converts its own objects (`kara.layers.
serialize`, `kara.optimizers.serialize`, ...); this module dispatches to
them, so any object (a whole model, a compile configuration) round-trips.

Safety: reading a config never imports a module and never runs code named
by the file. A class or function name is only looked up in kara's own
tables and among the custom objects you registered or passed. Two things
can carry code, and both need `safe_mode=False`:

- a `Lambda` layer holding a Python `lambda` (saved as bytecode);
- a `Lambda` function named by a module kara does not know (loading it
  would import that module).

Example:
>>> import kara
>>> config = kara.saving.serialize_keras_object(kara.optimizers.SGD(0.5))
>>> config["class_name"], config["config"]["learning_rate"]
('SGD', 0.5)
>>> kara.saving.deserialize_keras_object(config).learning_rate.numpy()
array(0.5, dtype=float32)
"""

import importlib
import inspect
import threading

import numpy as np

from kara.saving import object_registration
from kara.utils import lookup

# ----------------------------------------------------------- safe mode
_GLOBAL_SAFE_MODE = [True]


class _SafeStack(threading.local):
    def __init__(self):
        self.stack = []


_SAFE = _SafeStack()


class SafeModeScope:
    """Sets the default `safe_mode` of loading code inside a `with` block.

    Args:
        safe_mode: `True` (refuse code-bearing objects) or `False`.

    Example:
    >>> from kara.saving import serialization_lib as sl
    >>> with sl.SafeModeScope(False):
    ...     sl.in_safe_mode()
    False
    """

    def __init__(self, safe_mode=True):
        self.safe_mode = bool(safe_mode)

    def __enter__(self):
        _SAFE.stack.append(self.safe_mode)
        return self

    def __exit__(self, *exc_info):
        _SAFE.stack.pop()


def in_safe_mode():
    """Whether loading refuses code-bearing objects now (default True)."""
    if _SAFE.stack:
        return _SAFE.stack[-1]
    return _GLOBAL_SAFE_MODE[0]


def enable_unsafe_deserialization():
    """Turns safe mode off for the whole process (Keras's switch of the
    same name). Only do this for files you trust."""
    _GLOBAL_SAFE_MODE[0] = False


# ------------------------------------------------------------ serialize
def serialize_keras_object(obj):
    """Returns the Keras 3 config of `obj` (plain values pass through).

    Args:
        obj: a layer or model, optimizer, loss, metric, initializer,
            regularizer, constraint, learning-rate schedule, function, or
            a (nested) list/dict/tuple of those and plain values.

    Returns:
        JSON-compatible data.
    """
    if obj is None or isinstance(obj, (bool, int, float, str)):
        return obj
    if isinstance(obj, np.generic):
        return obj.item()
    if isinstance(obj, np.ndarray):
        return {
            "class_name": "__numpy__",
            "config": {"value": obj.tolist(), "dtype": obj.dtype.name},
        }
    if isinstance(obj, (list, tuple)):
        return [serialize_keras_object(x) for x in obj]
    if isinstance(obj, dict):
        return {k: serialize_keras_object(v) for k, v in obj.items()}
    namespace = _namespace_of(obj)
    if namespace is not None:
        return namespace.serialize(obj)
    if inspect.isfunction(obj) or inspect.isbuiltin(obj):
        return lookup.serialize_function(obj)
    if hasattr(obj, "get_config"):  # a custom class of no kara namespace
        cls = type(obj)
        return {
            "module": cls.__module__,
            "class_name": cls.__name__,
            "config": obj.get_config(),
            "registered_name": object_registration.get_registered_name(cls),
        }
    raise ValueError(
        f"Cannot serialize {obj!r} (of type {type(obj).__name__}): it is "
        "not a kara object and has no `get_config()` method."
    )


def _namespace_of(obj):
    """The kara module whose `serialize` handles `obj`, or None."""
    from kara import constraints
    from kara import initializers
    from kara import layers
    from kara import losses
    from kara import metrics
    from kara import optimizers
    from kara import regularizers
    from kara.optimizers import schedules

    kinds = (
        (layers.Layer, layers),
        (optimizers.Optimizer, optimizers),
        (losses.Loss, losses),
        (metrics.Metric, metrics),
        (initializers.Initializer, initializers),
        (regularizers.Regularizer, regularizers),
        (constraints.Constraint, constraints),
        (schedules.LearningRateSchedule, schedules),
    )
    for base, module in kinds:
        if isinstance(obj, base):
            return module
    return None


# ---------------------------------------------------------- deserialize
# "module" prefix (after "keras.") -> kara namespace that reads it
_MODULE_PREFIXES = (
    ("optimizers.schedules", "kara.optimizers.schedules"),
    ("optimizers", "kara.optimizers"),
    ("losses", "kara.losses"),
    ("metrics", "kara.metrics"),
    ("activations", "kara.activations"),
    ("initializers", "kara.initializers"),
    ("regularizers", "kara.regularizers"),
    ("constraints", "kara.constraints"),
)


def deserialize_keras_object(config, custom_objects=None, safe_mode=None):
    """Builds the object a Keras 3 config describes (inverse of
    `serialize_keras_object`).

    Args:
        config: the config (plain values pass through).
        custom_objects: optional `{name: class_or_function}`.
        safe_mode: `False` allows code-bearing objects; `None` follows
            `in_safe_mode()`.

    Returns:
        The object.
    """
    if safe_mode is None:
        safe_mode = in_safe_mode()
    if config is None or isinstance(config, (bool, int, float, str)):
        return config
    if isinstance(config, list):
        return [
            deserialize_keras_object(x, custom_objects, safe_mode)
            for x in config
        ]
    if not isinstance(config, dict):
        raise ValueError(f"Could not deserialize {config!r}.")
    if "class_name" not in config:
        return {
            k: deserialize_keras_object(v, custom_objects, safe_mode)
            for k, v in config.items()
        }
    class_name = config["class_name"]
    inner = config.get("config")
    if class_name == "__numpy__":
        return np.array(inner["value"], dtype=inner["dtype"])
    if class_name == "__tuple__":
        return tuple(
            deserialize_keras_object(x, custom_objects, safe_mode)
            for x in inner["value"]
        )
    if class_name == "function":
        return resolve_function(config, custom_objects, safe_mode)
    module = config.get("module") or ""
    if module == "keras" or module.startswith(("keras.", "kara.")):
        tail = module.split(".", 1)[1] if "." in module else ""
        if tail.startswith("src."):
            tail = tail[4:]
        for prefix, namespace in _MODULE_PREFIXES:
            if tail.startswith(prefix):
                reader = importlib.import_module(namespace)
                return reader.deserialize(config, custom_objects)
        return _deserialize_layer(config, custom_objects, safe_mode)
    return _deserialize_custom(config, custom_objects, safe_mode)


def _deserialize_layer(config, custom_objects, safe_mode):
    from kara.layers import serialization

    return serialization.deserialize(config, custom_objects, safe_mode)


def _deserialize_custom(config, custom_objects, safe_mode):
    """A class named by a file with a non-Keras module: a custom object."""
    from kara import layers
    from kara import optimizers

    cls = None
    for key in (config.get("registered_name"), config["class_name"]):
        if isinstance(key, str):
            cls = object_registration.get_registered_object(key, custom_objects)
            if cls is not None:
                break
    if cls is None:
        # tf.keras 2 configs have no module: built-in layers by name
        from kara.layers import serialization

        if serialization.find_class(config, custom_objects) is not None:
            return _deserialize_layer(config, custom_objects, safe_mode)
        raise ValueError(unknown_class_message(config))
    if inspect.isclass(cls) and issubclass(cls, layers.Layer):
        return _deserialize_layer(config, custom_objects, safe_mode)
    if inspect.isclass(cls) and issubclass(cls, optimizers.Optimizer):
        return cls.from_config(dict(config.get("config") or {}))
    if not inspect.isclass(cls):
        return cls
    inner = dict(config.get("config") or {})
    if hasattr(cls, "from_config"):
        return cls.from_config(inner)
    return cls(**inner)


def unknown_class_message(config):
    """The error text for a class name nothing resolves."""
    class_name = config.get("class_name")
    registered = config.get("registered_name")
    package = None
    if isinstance(registered, str) and ">" in registered:
        package = registered.split(">")[0]
    where = f" (registered as {registered!r})" if package else ""
    register = (
        f"@kara.saving.register_keras_serializable(package={package!r})"
        if package
        else "@kara.saving.register_keras_serializable()"
    )
    return (
        f"Unknown class {class_name!r}{where}. If it is your own class, "
        f"define it and decorate it with `{register}` before loading, or "
        f"pass `custom_objects={{{class_name!r}: {class_name}}}`."
    )


# ------------------------------------------------------------ functions
def _builtin_functions(module):
    """kara functions a file may name, the namespace of `module` first."""
    from kara import activations
    from kara import losses
    from kara import metrics
    from kara import ops

    spaces = {
        "activations": activations,
        "ops": ops,
        "losses": losses,
        "metrics": metrics,
    }
    order = [key for key in spaces if key in module]
    order += [key for key in spaces if key not in order]
    table = {}
    for key in reversed(order):  # the first namespace wins
        space = spaces[key]
        for name in getattr(space, "__all__", dir(space)):
            obj = getattr(space, name, None)
            if inspect.isfunction(obj) and not name.startswith("_"):
                table[name] = obj
    return table


def resolve_function(config, custom_objects=None, safe_mode=None):
    """The function a `{"class_name": "function", ...}` config names.

    Looked up among custom objects (by registered name, then name), then
    kara's own functions (activations, ops, losses, metrics) and NumPy
    ufuncs. Only with `safe_mode=False` is a module the file names
    imported, as a last resort.

    Args:
        config: the function's config dict.
        custom_objects: optional `{name: function}`.
        safe_mode: see `deserialize_keras_object`.

    Returns:
        The function.

    Raises:
        ValueError: naming the function and the fix.
    """
    if safe_mode is None:
        safe_mode = in_safe_mode()
    name = config.get("config")
    registered = config.get("registered_name")
    module = config.get("module") or ""
    if not isinstance(name, str):
        raise ValueError(f"Malformed function config: {config!r}.")
    for key in (registered, name):
        if isinstance(key, str):
            found = object_registration.get_registered_object(
                key, custom_objects
            )
            if found is not None:
                return found
    package = module.split(".")[0]
    if package in ("keras", "kara", "builtins", ""):
        table = _builtin_functions(module)
        if name in table:
            return table[name]
    if package == "numpy" and isinstance(getattr(np, name, None), np.ufunc):
        return getattr(np, name)
    if not safe_mode and package not in ("keras", "kara", "builtins", ""):
        found = getattr(importlib.import_module(module), name, None)
        if found is not None:
            return found
    hint = (
        " Loading with `safe_mode=False` would import that module; only do "
        "that for files you trust."
        if safe_mode and package not in ("keras", "kara", "builtins", "")
        else ""
    )
    raise ValueError(
        f"Could not find the function {name!r} (from module {module!r}) "
        "that the file names. Pass it with `custom_objects="
        f"{{{name!r}: {name}}}` or register it with "
        "`@kara.saving.register_keras_serializable()`." + hint
    )
