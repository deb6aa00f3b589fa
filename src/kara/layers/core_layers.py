"""`Lambda` (any function as a layer) and `Identity`.

`Lambda(lambda x: x * 2)` is handy for small stateless transformations in
Sequential and functional models. Its function must use `kara.ops` (or
Tensor operators) so gradients flow through it. It has no weights; write
a `Layer` subclass for anything that learns.

Saving a Lambda saves its function. A named function is saved by name; a
Python `lambda` is saved as bytecode, which only loads back with
`safe_mode=False` (running saved bytecode can run arbitrary code).

Example:
>>> import numpy as np, kara
>>> kara.layers.Lambda(lambda x: x * 2.0)(np.ones((1, 2))).numpy()
array([[2., 2.]], dtype=float32)
"""

import base64
import inspect
import marshal
import types

import numpy as np

from kara.layers.layer import Layer


class Lambda(Layer):
    """Wraps a function of Tensors as a layer.

    Args:
        function: the function, `fn(inputs, **arguments)`; it may also
            take `mask` and `training` keyword arguments.
        output_shape: the output shape (without the batch axis), or a
            function of the input shape; inferred by running the function
            when omitted.
        mask: accepted for Keras compatibility (masks are not supported).
        arguments: extra keyword arguments passed to `function`.
    """

    def __init__(
        self, function, output_shape=None, mask=None, arguments=None, **kwargs
    ):
        super().__init__(**kwargs)
        if not callable(function):
            raise TypeError(
                "Lambda: `function` must be callable. Received: "
                f"function={function!r}"
            )
        self.function = function
        self.arguments = dict(arguments or {})
        self.mask = mask
        self._output_shape = output_shape
        try:
            params = inspect.signature(function).parameters
        except (TypeError, ValueError):
            params = {}
        self._fn_takes_training = "training" in params
        self._fn_takes_mask = "mask" in params

    def call(self, inputs, mask=None, training=None):
        kwargs = dict(self.arguments)
        if self._fn_takes_mask:
            kwargs["mask"] = mask
        if self._fn_takes_training:
            kwargs["training"] = training
        return self.function(inputs, **kwargs)

    def compute_output_shape(self, input_shape):
        shape = self._output_shape
        if shape is None:
            return super().compute_output_shape(input_shape)
        if callable(shape):
            return shape(input_shape)
        batch = input_shape[0] if input_shape else None
        return (batch,) + tuple(shape)

    def get_config(self):
        config = {
            **super().get_config(),
            "function": _serialize_function(self.function),
            "arguments": self.arguments,
        }
        if self._output_shape is not None and not callable(self._output_shape):
            config["output_shape"] = tuple(self._output_shape)
        elif self._output_shape is not None:
            config["output_shape"] = _serialize_function(self._output_shape)
        return config

    @classmethod
    def from_config(cls, config, custom_objects=None, safe_mode=None):
        config = dict(config)
        safe = True if safe_mode is None else bool(safe_mode)
        config["function"] = _deserialize_function(
            config["function"], custom_objects, safe
        )
        shape = config.get("output_shape")
        if isinstance(shape, dict):
            config["output_shape"] = _deserialize_function(
                shape, custom_objects, safe
            )
        return cls(**config)


class Identity(Layer):
    """Returns its input unchanged (a placeholder layer)."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.supports_masking = True

    def call(self, inputs):
        return inputs

    def compute_output_shape(self, input_shape):
        return input_shape


# ------------------------------------------------- function serialization
def _serialize_function(fn):
    if isinstance(fn, np.ufunc):
        return {
            "module": "numpy",
            "class_name": "function",
            "config": fn.__name__,
            "registered_name": fn.__name__,
        }
    local = "<locals>" in getattr(fn, "__qualname__", "")
    if fn.__name__ == "<lambda>" or local:
        closure = None
        if fn.__closure__:
            closure = [cell.cell_contents for cell in fn.__closure__]
            if not _plain(closure):
                raise ValueError(
                    f"The Lambda function {fn.__qualname__!r} uses "
                    "variables of an enclosing scope that are not plain "
                    "values, so it cannot be saved. Define it at module "
                    "level, or pass the values with `arguments=`."
                )
        code = base64.b64encode(marshal.dumps(fn.__code__)).decode("ascii")
        return {
            "class_name": "__lambda__",
            "config": {
                "code": code,
                "defaults": fn.__defaults__,
                "closure": closure,
            },
        }
    return {
        "module": fn.__module__,
        "class_name": "function",
        "config": fn.__name__,
        "registered_name": fn.__name__,
    }


def _plain(value):
    if value is None or isinstance(value, (bool, int, float, str)):
        return True
    if isinstance(value, (list, tuple)):
        return all(_plain(v) for v in value)
    return False


def _deserialize_function(config, custom_objects, safe):
    if callable(config):
        return config
    if config.get("class_name") == "__lambda__":
        if safe:
            raise ValueError(
                "Requested the deserialization of a Lambda layer with a "
                "Python `lambda` inside it. Loading it runs saved bytecode, "
                "which can execute arbitrary code, so it is disallowed by "
                "default. If you trust the source of this config, pass "
                "`safe_mode=False` to `Lambda.from_config` (or to the model "
                "loading function)."
            )
        inner = config["config"]
        code = marshal.loads(base64.b64decode(inner["code"]))
        defaults = inner.get("defaults")
        closure = inner.get("closure")
        if closure is not None:
            closure = tuple(types.CellType(v) for v in closure)
        import kara

        scope = {"np": np, "kara": kara, "ops": kara.ops, "keras": kara}
        scope.update(custom_objects or {})
        return types.FunctionType(
            code,
            scope,
            None,
            tuple(defaults) if defaults else None,
            closure,
        )
    # A named function: looked up among custom objects and kara's own
    # functions; a module the file names is imported only if not safe.
    from kara.saving.serialization_lib import resolve_function

    return resolve_function(config, custom_objects, safe_mode=safe)
