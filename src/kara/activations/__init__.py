"""Activation functions, by name or as functions (`keras.activations`).

    Dense(64, activation="relu")
    Dense(64, activation=kara.activations.gelu)

`get(identifier)` resolves a name (or `None`, which means `linear`);
`serialize` and `deserialize` convert to and from Keras's config form.

Example:
>>> from kara import activations
>>> activations.get("swish") is activations.silu
True
>>> activations.serialize(activations.relu)
'relu'
>>> activations.get("rleu")  # doctest: +ELLIPSIS
Traceback (most recent call last):
...
ValueError: Could not interpret activation function identifier: 'rleu'. \
Did you mean 'relu' or ...? Valid names are: ...
"""

import types

from kara.activations.activations import celu
from kara.activations.activations import elu
from kara.activations.activations import exponential
from kara.activations.activations import gelu
from kara.activations.activations import glu
from kara.activations.activations import hard_shrink
from kara.activations.activations import hard_sigmoid
from kara.activations.activations import hard_silu
from kara.activations.activations import hard_swish
from kara.activations.activations import hard_tanh
from kara.activations.activations import leaky_relu
from kara.activations.activations import linear
from kara.activations.activations import log_sigmoid
from kara.activations.activations import log_softmax
from kara.activations.activations import mish
from kara.activations.activations import relu
from kara.activations.activations import relu6
from kara.activations.activations import selu
from kara.activations.activations import sigmoid
from kara.activations.activations import silu
from kara.activations.activations import soft_shrink
from kara.activations.activations import softmax
from kara.activations.activations import softplus
from kara.activations.activations import softsign
from kara.activations.activations import sparse_plus
from kara.activations.activations import sparse_sigmoid
from kara.activations.activations import sparsemax
from kara.activations.activations import squareplus
from kara.activations.activations import swish
from kara.activations.activations import tanh
from kara.activations.activations import tanh_shrink
from kara.activations.activations import threshold
from kara.utils import lookup
from kara.utils import naming

_FUNCTIONS = (
    relu,
    leaky_relu,
    relu6,
    softmax,
    celu,
    elu,
    selu,
    softplus,
    softsign,
    squareplus,
    soft_shrink,
    sparse_plus,
    silu,
    gelu,
    glu,
    tanh,
    tanh_shrink,
    threshold,
    sigmoid,
    sparse_sigmoid,
    exponential,
    hard_sigmoid,
    hard_silu,
    hard_tanh,
    hard_shrink,
    linear,
    mish,
    log_softmax,
    log_sigmoid,
    sparsemax,
)

# name -> function; `swish` and `hard_swish` are aliases, as in Keras.
ALL_OBJECTS_DICT = {fn.__name__: fn for fn in _FUNCTIONS}
ALL_OBJECTS_DICT["swish"] = silu
ALL_OBJECTS_DICT["hard_swish"] = hard_silu

_BUILTINS = set(_FUNCTIONS)


def serialize(activation):
    """Returns what Keras 3 writes in a config for `activation`.

    Built-in activations give their name (`"relu"`; the aliases give the
    function's own name, `swish` -> `"silu"`). Other functions give
    `{"module": "builtins", "class_name": "function", "config": name,
    "registered_name": "function"}`, `name` being the registered
    `"package>name"` of a registered function (as Keras writes it);
    objects with `get_config` give their class dict.
    """
    if activation in _BUILTINS:
        return activation.__name__
    if isinstance(activation, types.FunctionType):
        return lookup.serialize_function(activation)
    if hasattr(activation, "get_config"):
        return lookup.serialize_object(activation, "keras.activations", {})
    raise ValueError(
        f"Unknown activation function {activation!r} cannot be serialized: "
        "pass a built-in activation, a named function, or an object with "
        "`get_config()`."
    )


def deserialize(config, custom_objects=None):
    """Returns the activation function named by `config`.

    Args:
        config: a name (`"relu"`) or a Keras config dict.
        custom_objects: optional `{name: function}` for your own
            activations.
    """
    return lookup.deserialize_object(
        config, ALL_OBJECTS_DICT, "activation function", custom_objects
    )


def get(identifier):
    """Returns the activation function for `identifier`.

    Args:
        identifier: `None` (gives `linear`), a name, a config dict, or a
            callable (returned as is).

    Returns:
        A callable.
    """
    if identifier is None:
        return linear
    if isinstance(identifier, str):
        if identifier in ALL_OBJECTS_DICT:
            return ALL_OBJECTS_DICT[identifier]
        raise naming.unknown_name_error(
            "activation function", identifier, ALL_OBJECTS_DICT
        )
    if isinstance(identifier, dict):
        return deserialize(identifier)
    if callable(identifier):
        return identifier
    raise ValueError(
        f"Could not interpret activation function identifier: "
        f"{identifier!r}. Expected a name such as 'relu', a config dict, or "
        "a callable."
    )


__all__ = sorted(ALL_OBJECTS_DICT) + ["deserialize", "get", "serialize"]
