"""Names: snake_case conversion and "did you mean ...?" suggestions.

Every `get()` in kara (activations, initializers, regularizers,
constraints, ...) resolves a string to an object. When the string is
unknown, the error should name the closest valid spellings, so a typo like
`"glorot_unifrom"` is fixed in seconds. Unknown keyword arguments get the
same treatment.

Example:
>>> from kara.utils import naming
>>> naming.to_snake_case("GlorotUniform")
'glorot_uniform'
>>> naming.closest_names("rleu", ["relu", "elu", "selu", "tanh"])
['relu', 'elu', 'selu']
"""

import difflib
import functools
import inspect
import re


def to_snake_case(name):
    """Converts a CamelCase name to snake_case, as Keras does.

    Args:
        name: a class or object name, e.g. `"MaxNorm"`.

    Returns:
        The snake_case name, e.g. `"max_norm"`.

    Example:
    >>> to_snake_case("L1L2")
    'l1l2'
    >>> to_snake_case("HeNormal")
    'he_normal'
    """
    name = re.sub(r"\W+", "", name)
    # "HeNormal" -> "He_Normal": split before a capital followed by lowercase
    name = re.sub("(.)([A-Z][a-z]+)", r"\1_\2", name)
    # "maxNorm" -> "max_Norm": split a lowercase-capital pair
    return re.sub("([a-z])([A-Z])", r"\1_\2", name).lower()


snake_case = to_snake_case


def _key(name):
    # "HeNormal", "he_normal" and "henormal" name the same thing.
    return str(name).lower().replace("_", "")


def distinct_names(candidates):
    """The candidates with spelling variants merged, snake_case preferred.

    Example:
    >>> distinct_names(["HeNormal", "he_normal", "Zeros", "zeros", "zero"])
    ['he_normal', 'zero', 'zeros']
    """
    chosen = {}
    for c in sorted(set(candidates)):
        key = _key(c)
        # keep the all-lowercase (snake_case) spelling when there is one
        if key not in chosen or (c.islower() and not chosen[key].islower()):
            chosen[key] = c
    return sorted(chosen.values())


def closest_names(name, candidates, n=3, cutoff=0.5):
    """Returns up to `n` candidates that look most like `name`.

    Matching ignores case and underscores, so `"Relu"` still suggests
    `"relu"` and `"HeNormal"`/`"he_normal"` count once.

    Args:
        name: the unknown name.
        candidates: the valid names.
        n: the most suggestions to return.
        cutoff: similarity in [0, 1] below which a candidate is dropped.

    Returns:
        A list of valid names, the closest first (may be empty).
    """
    by_key = {_key(c): c for c in distinct_names(candidates)}
    matches = difflib.get_close_matches(
        _key(name), list(by_key), n=n, cutoff=cutoff
    )
    return [by_key[m] for m in matches]


def suggestion(name, candidates):
    """A sentence suggesting the closest names, or `""` if none is close.

    Example:
    >>> suggestion("sigmod", ["sigmoid", "softmax"])
    " Did you mean 'sigmoid'?"
    """
    close = closest_names(name, candidates)
    if not close:
        return ""
    return " Did you mean " + " or ".join(repr(c) for c in close) + "?"


def unknown_name_error(kind, identifier, candidates):
    """Builds the `ValueError` raised by `get()` for an unknown name.

    The message starts as Keras's does ("Could not interpret ...
    identifier"), then suggests the closest names and lists the valid ones.

    Args:
        kind: what was looked up, e.g. `"activation function"`.
        identifier: the value received.
        candidates: the valid names.

    Returns:
        A `ValueError` (to be raised by the caller).
    """
    names = distinct_names(candidates)
    return ValueError(
        f"Could not interpret {kind} identifier: {identifier!r}."
        f"{suggestion(identifier, names)} "
        f"Valid names are: {', '.join(names)}."
    )


def check_kwargs(owner, kwargs, allowed):
    """Raises a `TypeError` naming close matches for unknown kwargs.

    Args:
        owner: the function or class name, for the message.
        kwargs: the keyword arguments received.
        allowed: the valid argument names.
    """
    unknown = [k for k in kwargs if k not in allowed]
    if not unknown:
        return
    key = unknown[0]
    raise TypeError(
        f"{owner}() got an unexpected keyword argument {key!r}."
        f"{suggestion(key, allowed)} "
        f"Valid arguments are: {', '.join(allowed) or '(none)'}."
    )


def suggest_kwargs(func):
    """Decorator: unknown keyword arguments get a "did you mean" error.

    Python's own message only says the argument is unexpected; this one
    also names the closest valid argument. Functions that take `**kwargs`
    themselves are returned unchanged.

    Example:
    >>> @suggest_kwargs
    ... def relu(x, negative_slope=0.0):
    ...     return x
    >>> relu(1.0, negative_slop=0.1)
    Traceback (most recent call last):
    ...
    TypeError: relu() got an unexpected keyword argument 'negative_slop'. \
Did you mean 'negative_slope'? Valid arguments are: x, negative_slope.
    """
    params = inspect.signature(func).parameters
    if any(p.kind is p.VAR_KEYWORD for p in params.values()):
        return func
    allowed = tuple(p for p in params if p != "self")
    is_init = func.__name__ == "__init__"

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        if kwargs:
            # for a constructor, name the class really being built
            owner = type(args[0]).__name__ if is_init else func.__name__
            check_kwargs(owner, kwargs, allowed)
        return func(*args, **kwargs)

    return wrapper


# ------------------------------------------------------------- auto-naming
# Layers and models get Keras's default names: the snake_case class name,
# then `_1`, `_2`, ... for later objects with the same prefix. The counters
# are process-global, as in Keras, until `clear_session()` resets them.
_object_name_uids = {}


def uniquify(name):
    """Returns `name` the first time, then `name_1`, `name_2`, ...

    Example:
    >>> clear_session()
    >>> uniquify("dense"), uniquify("dense"), uniquify("dense")
    ('dense', 'dense_1', 'dense_2')
    """
    count = _object_name_uids.get(name, 0)
    _object_name_uids[name] = count + 1
    return name if count == 0 else f"{name}_{count}"


def auto_name(prefix):
    """The default name of an object of class `prefix` (`"Dense"`).

    Example:
    >>> clear_session()
    >>> auto_name("Dense"), auto_name("Dense"), auto_name("ReLU")
    ('dense', 'dense_1', 're_lu')
    """
    return uniquify(to_snake_case(prefix))


def get_uid(prefix=""):
    """Increments and returns the counter of `prefix` (1 the first time).

    tf.keras 2 names inputs with it: `input_1`, `input_2`, ...
    """
    _object_name_uids[prefix] = _object_name_uids.get(prefix, 0) + 1
    return _object_name_uids[prefix]


def input_layer_name():
    """The default name of an `InputLayer` under the current profile.

    Keras 3 says `input_layer`, `input_layer_1`, ...; tf.keras 2 says
    `input_1`, `input_2`, ...
    """
    from kara import config

    if config.profile() == "keras2":
        return f"input_{get_uid('input')}"
    return auto_name("InputLayer")


def functional_name():
    """The default name of a functional model (`functional` / `model`)."""
    from kara import config

    if config.profile() == "keras2":
        return uniquify("model")
    return auto_name("Functional")


def clear_session():
    """Resets the automatic names, so the next Dense is `dense` again.

    This is `keras.utils.clear_session()` (tf.keras 2:
    `keras.backend.clear_session()`). kara keeps no other global graph
    state, so this is all it has to do.

    Example:
    >>> clear_session()
    >>> auto_name("Dense")
    'dense'
    """
    _object_name_uids.clear()
