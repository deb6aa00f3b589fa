"""Layers to and from Keras 3's config dicts.

`serialize(layer)` gives `{"module", "class_name", "config",
"registered_name", "build_config"}`, the form Keras 3 writes in model
configs (and in `.keras` files), so configs move between kara and Keras.
`deserialize` also reads tf.keras 2's `{"class_name", "config"}`.

Example:
>>> import kara
>>> config = kara.layers.serialize(kara.layers.Dense(2, name="out"))
>>> config["class_name"], config["config"]["units"]
('Dense', 2)
>>> kara.layers.deserialize(config).name
'out'
"""

import inspect

from kara.utils import naming

# Keras 3's "module" (and "registered_name") of the model classes
_MODULES = {
    "Sequential": ("keras", None),
    "Functional": ("keras.src.models.functional", "Functional"),
    "Model": ("keras", None),
}
# registered-name prefixes that stand for built-in classes
_BUILTIN_PACKAGES = ("keras", "kara")


def _builtins():
    from kara import layers
    from kara import models

    table = {}
    for module in (layers, models):
        for name in dir(module):
            obj = getattr(module, name)
            if inspect.isclass(obj) and issubclass(obj, layers.Layer):
                table[name] = obj
    return table


def serialize(layer):
    """Returns the Keras 3 config dict of `layer`."""
    from kara.saving import object_registration

    table = _builtins()
    cls = type(layer)
    name = cls.__name__
    if table.get(name) is cls:
        module, registered = _MODULES.get(name, ("keras.layers", None))
    else:
        module = cls.__module__
        registered = object_registration.get_registered_name(cls)
    config = layer.get_config()
    if _is_lambda(cls):
        config = _keras_function_names(config)
    out = {
        "module": module,
        "class_name": name,
        "config": config,
        "registered_name": registered,
    }
    build_config = layer.get_build_config()
    if build_config is not None and name != "InputLayer":
        out["build_config"] = build_config
    return out


def find_class(config, custom_objects=None):
    """The layer class a config dict names, or `None` if unknown.

    Custom objects (registered, passed, or in a `custom_object_scope`) are
    looked up by registered name (`"package>Name"`), then by class name;
    built-in layers by class name.
    """
    from kara.saving import object_registration

    custom = object_registration.custom_table(custom_objects)
    class_name = config.get("class_name")
    registered = config.get("registered_name")
    for key in (registered, class_name):
        if isinstance(key, str) and key in custom:
            return custom[key]
    table = _builtins()
    if isinstance(class_name, str) and class_name in table:
        package = registered.split(">")[0] if registered else None
        if (
            not registered
            or registered == class_name
            or (package in _BUILTIN_PACKAGES)
        ):
            return table[class_name]
    return None


def deserialize(config, custom_objects=None, safe_mode=None):
    """Creates a layer (or model) from its config dict.

    Args:
        config: a dict with `"class_name"` and `"config"`.
        custom_objects: `{name: class}` for your own layers.
        safe_mode: `False` allows Lambda layers holding Python lambdas.
            `None` means safe unless inside
            `kara.saving.SafeModeScope(False)`.

    Returns:
        A layer, built if the config recorded its input shape.
    """
    from kara.saving import serialization_lib

    if not isinstance(config, dict) or "class_name" not in config:
        raise ValueError(
            f"Could not interpret layer config: {config!r}. Expected a dict "
            "with 'class_name' and 'config' keys."
        )
    if safe_mode is None:
        safe_mode = serialization_lib.in_safe_mode()
    class_name = config["class_name"]
    cls = find_class(config, custom_objects)
    if cls is None:
        table = _builtins()
        hint = naming.suggestion(class_name, table)
        raise ValueError(
            f"Unknown layer: {class_name!r}.{hint} If it is your own "
            "layer, decorate its class with "
            "`@kara.saving.register_keras_serializable()` or pass "
            f"`custom_objects={{'{class_name}': {class_name}}}`."
        )
    inner = dict(config.get("config") or {})
    if _is_lambda(cls):
        # Functions named in the file are found in tables only: loading
        # never imports a module the file names (see serialization_lib).
        for key in ("function", "output_shape"):
            value = inner.get(key)
            if isinstance(value, dict) and value.get("class_name") == (
                "function"
            ):
                inner[key] = serialization_lib.resolve_function(
                    value, custom_objects, safe_mode
                )
    params = inspect.signature(cls.from_config).parameters
    kwargs = {}
    if "custom_objects" in params:
        kwargs["custom_objects"] = custom_objects
    if "safe_mode" in params:
        kwargs["safe_mode"] = safe_mode
    layer = cls.from_config(inner, **kwargs)
    build_config = config.get("build_config")
    if build_config and not layer.built:
        layer.build_from_config(build_config)
    return layer


def _keras_function_names(config):
    """Writes kara's own functions in a Lambda as Keras 3 writes its own
    (`{"module": "builtins", "config": "negative", ...}`), which Keras
    resolves to `keras.ops.negative`; `kara.ops.negative` is not a module
    Keras knows."""
    config = dict(config)
    for key in ("function", "output_shape"):
        value = config.get(key)
        if (
            isinstance(value, dict)
            and value.get("class_name") == "function"
            and str(value.get("module", "")).startswith("kara.")
        ):
            config[key] = {
                "module": "builtins",
                "class_name": "function",
                "config": value["config"],
                "registered_name": "function",
            }
    return config


def _is_lambda(cls):
    from kara.layers.core_layers import Lambda

    return issubclass(cls, Lambda)
