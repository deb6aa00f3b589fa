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

_MODULES = {"Sequential": "keras", "Functional": "keras", "Model": "keras"}


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
    table = _builtins()
    cls = type(layer)
    name = cls.__name__
    builtin = table.get(name) is cls
    out = {
        "module": _MODULES.get(name, "keras.layers")
        if builtin
        else cls.__module__,
        "class_name": name,
        "config": layer.get_config(),
        "registered_name": None if builtin else name,
    }
    build_config = layer.get_build_config()
    if build_config is not None and name != "InputLayer":
        out["build_config"] = build_config
    return out


def deserialize(config, custom_objects=None, safe_mode=None):
    """Creates a layer (or model) from its config dict.

    Args:
        config: a dict with `"class_name"` and `"config"`.
        custom_objects: `{name: class}` for your own layers.
        safe_mode: `False` allows Lambda layers holding Python lambdas.

    Returns:
        A layer, built if the config recorded its input shape.
    """
    if not isinstance(config, dict) or "class_name" not in config:
        raise ValueError(
            f"Could not interpret layer config: {config!r}. Expected a dict "
            "with 'class_name' and 'config' keys."
        )
    table = _builtins()
    if custom_objects:
        table.update(custom_objects)
    class_name = config["class_name"]
    registered = config.get("registered_name")
    cls = None
    for key in (registered, class_name):
        if key and key in table:
            cls = table[key]
            break
        if key and ">" in key and key.split(">")[-1] in table:
            cls = table[key.split(">")[-1]]
            break
    if cls is None:
        hint = naming.suggestion(class_name, table)
        raise ValueError(
            f"Unknown layer: {class_name!r}.{hint} "
            "If it is a custom layer, pass it in `custom_objects="
            f"{{'{class_name}': {class_name}}}`."
        )
    inner = dict(config.get("config") or {})
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
