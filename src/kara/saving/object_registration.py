"""Custom objects: the registry that lets saved files name your classes.

A saved model names every class in its config (`"class_name": "MyLayer"`).
Loading needs to turn such names back into classes. Built-in kara classes
are found by name; your own classes must be made known, in one of three
ways (as in Keras):

1. register them once, with a decorator:

       @kara.saving.register_keras_serializable(package="my_package")
       class MyLayer(kara.layers.Layer):
           ...

   The file then records `"registered_name": "my_package>MyLayer"`;
2. pass them when loading: `load_model(path, custom_objects={"MyLayer":
   MyLayer})`;
3. or load inside `with kara.saving.custom_object_scope({...}):`.

Nothing here imports or runs code named by a file: a name is only ever
looked up in these tables.

Example:
>>> from kara import saving
>>> @saving.register_keras_serializable(package="Demo")
... def twice(x):
...     return 2 * x
>>> saving.get_registered_name(twice)
'Demo>twice'
>>> saving.get_registered_object("Demo>twice") is twice
True
"""

import inspect
import threading

# registered name ("package>Name") -> the class or function
_GLOBAL_CUSTOM_OBJECTS = {}
# the class or function -> its registered name
_GLOBAL_CUSTOM_NAMES = {}


class _ScopeStack(threading.local):
    def __init__(self):
        self.stack = []


_SCOPES = _ScopeStack()


class CustomObjectScope:
    """Makes custom classes and functions visible to loading code.

    Args:
        *custom_objects: dicts of `{name: class_or_function}` (several are
            merged; later ones win).

    Example:
    >>> import kara
    >>> def my_activation(x):
    ...     return x
    >>> with kara.saving.custom_object_scope({"my_act": my_activation}):
    ...     kara.saving.get_registered_object("my_act") is my_activation
    True
    """

    def __init__(self, *custom_objects):
        merged = {}
        for objects in custom_objects:
            if objects is None:
                continue
            if not isinstance(objects, dict):
                raise TypeError(
                    "custom_object_scope() takes dicts of {name: object}. "
                    f"Received: {objects!r} (of type {type(objects).__name__})"
                )
            merged.update(objects)
        self.custom_objects = merged

    def __enter__(self):
        _SCOPES.stack.append(self.custom_objects)
        return self

    def __exit__(self, *exc_info):
        _SCOPES.stack.pop()


custom_object_scope = CustomObjectScope


def get_custom_objects():
    """The live global dict of registered objects (`{name: object}`).

    Adding to it registers an object under that exact name, as in Keras:
    `get_custom_objects()["MyLayer"] = MyLayer`.
    """
    return _GLOBAL_CUSTOM_OBJECTS


def register_keras_serializable(package="Custom", name=None):
    """Decorator registering a class or function under `"package>name"`.

    Args:
        package: the prefix of the registered name, which keeps names of
            different packages apart.
        name: the name within the package (default: `__name__`).

    Returns:
        A decorator that registers its argument and returns it unchanged.

    Raises:
        ValueError: for a class without `get_config()` (it could not be
            saved), or a `package` containing `>`.
    """
    if not isinstance(package, str) or ">" in package:
        raise ValueError(
            "register_keras_serializable(package=...) must be a string "
            f"without '>'. Received: package={package!r}"
        )

    def decorator(obj):
        own_name = name if name is not None else obj.__name__
        registered = f"{package}>{own_name}"
        if inspect.isclass(obj) and not hasattr(obj, "get_config"):
            raise ValueError(
                f"Cannot register the class {obj.__name__!r}: it has no "
                "`get_config()` method, so it could not be saved. Subclass "
                "a kara class (Layer, Loss, ...) or add `get_config()`."
            )
        _GLOBAL_CUSTOM_OBJECTS[registered] = obj
        _GLOBAL_CUSTOM_NAMES[obj] = registered
        return obj

    return decorator


def get_registered_name(obj):
    """The name `obj` is saved under: `"package>Name"`, or its `__name__`."""
    try:
        return _GLOBAL_CUSTOM_NAMES[obj]
    except (KeyError, TypeError):  # TypeError: an unhashable object
        return obj.__name__


def get_registered_object(name, custom_objects=None, module_objects=None):
    """Looks `name` up among the custom objects; `None` if absent.

    The search order is Keras's: the innermost `custom_object_scope`, the
    global registry, `custom_objects`, then `module_objects`.

    Args:
        name: the name to look up (`"MyLayer"` or `"package>MyLayer"`).
        custom_objects: an optional dict given by the user.
        module_objects: an optional dict of a library's own objects.
    """
    for scope in reversed(_SCOPES.stack):
        if name in scope:
            return scope[name]
    if name in _GLOBAL_CUSTOM_OBJECTS:
        return _GLOBAL_CUSTOM_OBJECTS[name]
    if custom_objects and name in custom_objects:
        return custom_objects[name]
    if module_objects and name in module_objects:
        return module_objects[name]
    return None


def custom_table(custom_objects=None):
    """All custom objects visible now, merged into one dict.

    When a name is in several sources, the one `get_registered_object`
    would find wins: scopes, then the registry, then `custom_objects`.
    """
    table = dict(custom_objects or {})
    table.update(_GLOBAL_CUSTOM_OBJECTS)
    for scope in _SCOPES.stack:  # innermost last, so it wins
        table.update(scope)
    return table
