"""Helpers of `Layer`: dtype policies, signatures, shapes, configs.

Nothing here is specific to one layer; `layer.py` stays about the layer
itself. The functions take and return plain values (classes, shapes,
dicts), so each can be read and tested on its own.
"""

import functools
import inspect

import numpy as np

from kara import backend
from kara import config
from kara.autograd.tensor import Tensor
from kara.layers import symbolic

# Keyword arguments every layer accepts (besides its own).
BASE_KWARGS = (
    "activity_regularizer",
    "trainable",
    "dtype",
    "autocast",
    "name",
    "input_shape",
    "input_dim",
    "batch_input_shape",
    "batch_size",
)


class DTypePolicy:
    """The dtypes a layer computes in and stores its weights in.

    `"float32"` (the default) uses float32 for both; `"mixed_float16"`
    computes in float16 with float32 weights.
    """

    def __init__(self, name=None):
        name = name or config.floatx()
        if isinstance(name, dict):  # Keras 3 config form
            name = name.get("config", {}).get("name", config.floatx())
        if name.startswith("mixed_"):
            self.compute_dtype = backend.standardize_dtype(name[6:])
            self.variable_dtype = "float32"
            self.name = name
        else:
            self.compute_dtype = backend.standardize_dtype(name)
            self.variable_dtype = self.compute_dtype
            self.name = self.compute_dtype

    def get_config(self):
        return {"name": self.name}

    def __repr__(self):
        return f'<DTypePolicy "{self.name}">'


def dtype_policy(dtype):
    """A `DTypePolicy` from a name, a NumPy dtype, a config dict or None."""
    if isinstance(dtype, DTypePolicy):
        return dtype
    if dtype is not None and not isinstance(dtype, (str, dict)):
        dtype = backend.standardize_dtype(dtype)
    return DTypePolicy(dtype)


@functools.lru_cache(maxsize=None)
def call_info(cls):
    """(accepts training, default of training) of `cls.call`, cached."""
    params = inspect.signature(cls.call).parameters
    p = params.get("training")
    if p is None:
        return False, None
    default = None if p.default is inspect.Parameter.empty else p.default
    return True, default


def valid_init_args(cls):
    """The keyword arguments `cls(...)` accepts, for "did you mean"."""
    names = []
    for klass in cls.__mro__:
        init = klass.__dict__.get("__init__")
        if init is None or klass is object:
            continue
        for p in inspect.signature(init).parameters.values():
            if p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY):
                if p.name != "self" and p.name not in names:
                    names.append(p.name)
    return names + [k for k in BASE_KWARGS if k not in names]


def lazy_get(module_name, identifier):
    """`kara.<module>.get(identifier)`; `None` stays `None`."""
    if identifier is None:
        return None
    import importlib

    module = importlib.import_module(f"kara.{module_name}")
    return module.get(identifier)


def lazy_serialize(module_name, obj):
    if obj is None:
        return None
    import importlib

    return importlib.import_module(f"kara.{module_name}").serialize(obj)


def wrap_build(build):
    @functools.wraps(build)
    def build_wrapper(self, *args, **kwargs):
        build(self, *args, **kwargs)
        object.__setattr__(self, "built", True)
        if self.__dict__.get("_build_input_shape") is None and args:
            object.__setattr__(self, "_build_input_shape", args[0])

    build_wrapper._kara_wrapped = True
    return build_wrapper


def is_number_list(x):
    """A (nested) Python list of numbers: data, not a list of inputs."""
    if isinstance(x, (list, tuple)):
        return all(is_number_list(v) for v in x)
    return isinstance(x, (int, float, bool, np.number))


def input_shapes(inputs):
    if isinstance(inputs, Tensor):
        return tuple(inputs.shape)
    return symbolic.map_structure(
        lambda t: None if t is None else tuple(t.shape), inputs
    )


def with_none_batch(shapes):
    if shapes is None:
        return None
    if symbolic.is_shape(shapes):
        return (None,) + tuple(shapes[1:]) if len(shapes) else ()
    return symbolic.map_structure_of_shapes(with_none_batch, shapes)


def to_shape(shape):
    if symbolic.is_shape(shape):
        return tuple(shape)
    return symbolic.map_structure_of_shapes(tuple, shape)


def serializable(value):
    if value is None or isinstance(value, (bool, int, float, str)):
        return True
    if isinstance(value, (list, tuple)):
        return all(serializable(v) for v in value)
    if isinstance(value, dict):
        return all(
            isinstance(k, str) and serializable(v) for k, v in value.items()
        )
    return False


def infer_output_shape(layer, input_shape):
    """Output shape(s) of `layer` found by running it on zeros.

    Unknown sizes (None) are taken as 1; the output keeps None on the
    batch axis when the input had it.
    """

    def zeros(shape):
        if shape is None:
            return None
        return Tensor(
            np.zeros(
                tuple(1 if d is None else d for d in shape),
                layer.compute_dtype,
            )
        )

    if symbolic.is_shape(input_shape):
        sample = zeros(input_shape)
        batch_unknown = len(input_shape) > 0 and input_shape[0] is None
    else:
        sample = symbolic.map_structure_of_shapes(zeros, input_shape)
        firsts = [s for s in flat_shapes(input_shape) if s]
        batch_unknown = bool(firsts) and firsts[0][0] is None
    kwargs = {"training": False} if layer._call_has_training else {}
    with config.no_grad():
        out = layer.call(sample, **kwargs)

    def shape_of(t):
        shape = tuple(t.shape)
        if batch_unknown and shape:
            shape = (None,) + shape[1:]
        return shape

    if isinstance(out, Tensor):
        return shape_of(out)
    return symbolic.map_structure(shape_of, out)


def flat_shapes(shapes):
    if symbolic.is_shape(shapes):
        return [tuple(shapes)]
    out = []
    for s in shapes.values() if isinstance(shapes, dict) else shapes:
        out.extend(flat_shapes(s) if s is not None else [None])
    return out


def auto_config(layer):
    """The constructor arguments of a custom layer (Keras 3's "auto
    config"), recorded by `Layer.__new__`.

    Raises:
        NotImplementedError: if an argument is not a plain value (a
            number, string, list or dict of them): then the layer needs
            its own `get_config()`.
    """
    from kara.layers.layer import Layer

    cls = type(layer)
    if cls.__init__ is Layer.__init__:
        return {}
    args, kwargs = layer._init_args
    signature = inspect.signature(cls.__init__)
    try:
        bound = signature.bind(None, *args, **kwargs)
    except TypeError:
        bound = None
    values = {}
    if bound is not None:
        for key, value in bound.arguments.items():
            kind = signature.parameters[key].kind
            if key == "self" or kind is inspect.Parameter.VAR_POSITIONAL:
                continue
            if kind is inspect.Parameter.VAR_KEYWORD:
                values.update(value)
            else:
                values[key] = value
    if bound is None or not serializable(values):
        raise NotImplementedError(
            f"Layer {cls.__name__} has arguments that are not plain "
            "values (numbers, strings, lists), so its configuration "
            "cannot be saved automatically. Implement `get_config()` "
            "returning the arguments of its `__init__`, e.g. `return "
            "{**super().get_config(), 'units': self.units}`."
        )
    return {
        k: v
        for k, v in values.items()
        if k not in ("name", "trainable", "dtype")
    }
