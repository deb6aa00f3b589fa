"""A whole model's config: what `config.json` and `model.to_json()` hold.

Keras 3 writes a model as its layer config plus two more keys:

    {"module": "keras", "class_name": "Sequential", "config": {...},
     "registered_name": None,
     "build_config": {"input_shape": [None, 4]},
     "compile_config": {"optimizer": {...}, "loss": "mse", ...}}

`build_config` lets a model that was built from data (a subclassed model,
a Sequential without `Input`) be built again before its weights load;
`compile_config` recompiles it, so training can resume.

Before building anything, `model_from_config` checks that every class the
config names can be found, and reports all the missing ones at once.

Example:
>>> import kara
>>> model = kara.Sequential([kara.Input((3,)), kara.layers.Dense(2)])
>>> config = model_to_config(model)
>>> config["class_name"], config["build_config"]
('Sequential', {'input_shape': (None, 3)})
>>> model_from_config(config).layers[0].units
2
"""

import inspect

from kara.saving import object_registration
from kara.saving import serialization_lib

# compile() arguments saved, in Keras's order
COMPILE_KEYS = (
    "optimizer",
    "loss",
    "loss_weights",
    "metrics",
    "weighted_metrics",
    "run_eagerly",
    "steps_per_execution",
    "jit_compile",
)


def model_to_config(model):
    """The Keras 3 config of a model, with build and compile configs."""
    from kara.layers import serialization
    from kara.models.functional import Functional

    config = serialization.serialize(model)
    if isinstance(model, Functional):
        build = {"input_shape": None}  # Keras: a functional model is built
    else:
        build = model.get_build_config()
    config["build_config"] = build
    config["compile_config"] = get_compile_config(model) or {}
    return config


def get_compile_config(model):
    """The arguments of the model's `compile()` call, serialized."""
    if not getattr(model, "compiled", False):
        return None
    # what `Trainer.compile` recorded, plus its flags
    args = dict(model.__dict__.get("_compile_config") or {})
    for key in ("run_eagerly", "steps_per_execution", "jit_compile"):
        args[key] = getattr(model, key, None)
    out = {}
    for key in COMPILE_KEYS:
        value = args.get(key)
        if key == "optimizer":
            # the optimizer object (its learning rate as now), as Keras
            value = serialization_lib.serialize_keras_object(model.optimizer)
        elif key in ("loss", "metrics", "weighted_metrics", "loss_weights"):
            value = serialization_lib.serialize_keras_object(value)
        elif key == "jit_compile":
            value = False if value == "auto" else value
        out[key] = value
    return out


def compile_from_config(model, config, custom_objects=None):
    """Calls `model.compile(...)` with a saved compile config."""
    if not config:
        return
    args = {}
    for key in COMPILE_KEYS:
        if key not in config:
            continue
        value = config[key]
        if key in ("optimizer", "loss", "metrics", "weighted_metrics"):
            value = serialization_lib.deserialize_keras_object(
                value, custom_objects
            )
        args[key] = value
    model.compile(**args)
    if model.built and model.trainable_weights:
        # as Keras: build now, so a saved optimizer state can load
        model.optimizer.build(model.trainable_weights)


def model_from_config(
    config, custom_objects=None, safe_mode=None, compile=True
):
    """Builds (and compiles) a model from `model_to_config`'s dict.

    Args:
        config: the dict (also tf.keras 2's `{"class_name", "config"}`).
        custom_objects: optional `{name: class_or_function}`.
        safe_mode: `False` allows code-bearing objects (Lambda bytecode).
        compile: recompile from the `compile_config`, if any.

    Returns:
        The model.

    Raises:
        ValueError: for a malformed config, or one naming classes that
            kara cannot find (all of them listed).
    """
    from kara.layers import serialization
    from kara.models.model import Model

    if safe_mode is None:
        safe_mode = serialization_lib.in_safe_mode()
    if not isinstance(config, dict) or not isinstance(
        config.get("class_name"), str
    ):
        raise ValueError(
            "A model config must be a dict with a 'class_name' string and a "
            f"'config' dict. Received: {_short(config)}"
        )
    check_classes(config, custom_objects)
    cls = serialization.find_class(config, custom_objects)
    if not (inspect.isclass(cls) and issubclass(cls, Model)):
        raise ValueError(
            f"The config describes a {config['class_name']!r}, which is not "
            "a model. `load_model`/`model_from_json` read whole models; "
            "for a layer use `kara.layers.deserialize(config)`."
        )
    with object_registration.CustomObjectScope(custom_objects or {}):
        with serialization_lib.SafeModeScope(safe_mode):
            model = serialization.deserialize(config, custom_objects, safe_mode)
            if compile and config.get("compile_config"):
                compile_from_config(
                    model, config["compile_config"], custom_objects
                )
    return model


def check_classes(config, custom_objects=None):
    """Raises one error listing every class of the config kara lacks."""
    from kara.layers import serialization
    from kara.models.model import Model

    missing = []

    def visit(entry, where):
        if not isinstance(entry, dict) or not isinstance(
            entry.get("class_name"), str
        ):
            raise ValueError(
                f"Malformed layer config at {where}: expected a dict with a "
                f"'class_name' string, received {_short(entry)}."
            )
        inner = entry.get("config")
        if inner is not None and not isinstance(inner, dict):
            raise ValueError(
                f"Malformed layer config at {where}: 'config' should be a "
                f"dict, received {_short(inner)}."
            )
        cls = serialization.find_class(entry, custom_objects)
        if cls is None:
            missing.append(entry)
            return
        layers = (inner or {}).get("layers")
        if inspect.isclass(cls) and issubclass(cls, Model) and layers:
            if not isinstance(layers, list):
                raise ValueError(
                    f"Malformed model config at {where}: 'layers' should be "
                    "a list."
                )
            for i, sub in enumerate(layers):
                visit(sub, f"{where}.layers[{i}]")

    visit(config, "the top level")
    if missing:
        raise ValueError(_missing_message(missing))


def _missing_message(entries):
    keras_layers, custom = [], []
    for entry in entries:
        module = entry.get("module") or ""
        registered = entry.get("registered_name")
        name = (entry.get("config") or {}).get("name") or entry.get("name")
        label = f"{entry['class_name']} (layer {name!r})"
        is_custom = (isinstance(registered, str) and ">" in registered) or (
            module and not module.startswith("keras")
        )
        if is_custom:
            custom.append((label, entry))
        else:
            keras_layers.append(label)
    parts = []
    if keras_layers:
        parts.append(
            "it uses Keras classes that kara does not implement: "
            + ", ".join(keras_layers)
            + ". Such a model cannot be loaded in kara."
        )
    if custom:
        labels = ", ".join(label for label, _ in custom)
        first = custom[0][1]
        parts.append(
            f"it uses custom classes that are not registered: {labels}. "
            + serialization_lib.unknown_class_message(first)
        )
    return "Cannot build the model: " + " Also, ".join(parts)


def _short(value, limit=200):
    text = repr(value)
    return text if len(text) <= limit else text[:limit] + "..."
