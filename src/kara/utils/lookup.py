"""Serialize and look up the small Keras objects held by name.

Activations, initializers, regularizers and constraints all follow the same
Keras 3 pattern:

- `serialize(obj)` gives `{"module", "class_name", "config",
  "registered_name"}` (built-in activations give just their name);
- `deserialize(config)` and `get(identifier)` accept that dict, tf.keras
  2's `{"class_name", "config"}`, or a plain name.

This module holds that logic once; each namespace passes its table of
names. Dicts are written with Keras's module names (`"keras.initializers"`)
so configs move between kara and Keras unchanged.

Example:
>>> from kara.utils import lookup
>>> class Ones:
...     def get_config(self):
...         return {}
>>> lookup.serialize_object(Ones(), "keras.initializers", {"Ones": Ones})
{'module': 'keras.initializers', 'class_name': 'Ones', 'config': {}, \
'registered_name': None}
"""

import inspect

from kara.utils import naming


def serialize_object(obj, module, objects):
    """Returns the Keras 3 config dict of `obj`.

    Args:
        obj: an object with `get_config()`.
        module: the Keras module name of the built-ins, such as
            `"keras.regularizers"`.
        objects: the table of built-in names to classes.

    Returns:
        A dict, or `None` for `None`.
    """
    if obj is None:
        return None
    cls = type(obj)
    if not hasattr(obj, "get_config"):
        raise ValueError(
            f"Cannot serialize {obj!r}: it has no `get_config()` method. "
            "Give your class a `get_config()` that returns its constructor "
            "arguments as a dict."
        )
    builtin = objects.get(cls.__name__) is cls
    registered = None
    if not builtin:
        from kara.saving import object_registration

        registered = object_registration.get_registered_name(cls)
    return {
        "module": module if builtin else cls.__module__,
        "class_name": cls.__name__,
        "config": obj.get_config(),
        "registered_name": registered,
    }


def serialize_function(fn):
    """Returns the config Keras 3 (and tf.keras 2.15) writes for a function.

    Keras names the function in `"config"`: its registered
    `"package>name"` when it was registered with
    `register_keras_serializable`, else its `__name__`, which loading
    finds among `custom_objects`.

    Args:
        fn: a function that is not one of the library's built-ins.

    Returns:
        `{"module": "builtins", "class_name": "function", "config": name,
        "registered_name": "function"}`.

    Example:
    >>> def twice(x):
    ...     return 2 * x
    >>> serialize_function(twice)["config"]
    'twice'
    """
    from kara.saving import object_registration

    return {
        "module": "builtins",
        "class_name": "function",
        "config": object_registration.get_registered_name(fn),
        "registered_name": "function",
    }


def deserialize_object(config, objects, kind, custom_objects=None):
    """Builds an object from its name or config dict.

    Args:
        config: a name (`"l2"`), or a dict with `"class_name"` and an
            optional `"config"`.
        objects: the table of valid names to classes or functions.
        kind: what is looked up, for error messages (`"regularizer"`).
        custom_objects: optional extra `{name: class_or_function}`.

    Returns:
        An instance (classes are called with their config), or a function.
    """
    from kara.saving import object_registration

    table = dict(objects)
    # registered classes, `custom_objects` and `custom_object_scope`s
    table.update(object_registration.custom_table(custom_objects))
    if isinstance(config, str):
        obj = _find(config, table, kind)
        return obj() if inspect.isclass(obj) else obj
    if not isinstance(config, dict) or "class_name" not in config:
        raise ValueError(
            f"Could not interpret {kind} config: {config!r}. Expected a "
            "name or a dict with a 'class_name' key (and an optional "
            "'config' dict)."
        )
    class_name = config["class_name"]
    inner = config.get("config")
    if class_name == "function":  # Keras 3 form of a plain function
        registered = config.get("registered_name")
        if registered in table:  # a registered "package>name"
            return table[registered]
        return _find(inner, table, kind)
    cls = _find(config.get("registered_name") or class_name, table, kind)
    if not inspect.isclass(cls):
        return cls
    inner = inner or {}
    if hasattr(cls, "from_config"):
        return cls.from_config(inner)
    return cls(**inner)


def _find(name, table, kind):
    if name in table:
        return table[name]
    # A registered custom name may be "package>Name": try the bare name.
    if isinstance(name, str) and ">" in name:
        bare = name.split(">")[-1]
        if bare in table:
            return table[bare]
    # A bare name of something registered as "package>name": tf.keras
    # 2.15's `serialize_keras_object` writes registered functions so.
    if isinstance(name, str):
        found = [v for k, v in table.items() if k.endswith(">" + name)]
        if len(found) == 1:
            return found[0]
    raise naming.unknown_name_error(kind, name, table)


def get_object(identifier, objects, kind, instantiate=True):
    """The `get()` shared by initializers, regularizers and constraints.

    Args:
        identifier: `None`, a name, a config dict, a class, or a callable.
        objects: the table of valid names.
        kind: what is looked up, for error messages.
        instantiate: call a class (with no arguments) to get an instance.

    Returns:
        The object, or `None` for `None`.
    """
    if identifier is None:
        return None
    if isinstance(identifier, (str, dict)):
        obj = deserialize_object(identifier, objects, kind)
    else:
        obj = identifier
    if inspect.isclass(obj) and instantiate:
        obj = obj()
    if callable(obj):
        return obj
    raise ValueError(
        f"Could not interpret {kind} identifier: {identifier!r}. Expected "
        f"a name, a config dict, or a callable."
    )
