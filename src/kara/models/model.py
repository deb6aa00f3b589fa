"""`Model`: a layer with training methods, built in one of three ways.

1. Functional: `kara.Model(inputs, outputs)` over `kara.Input` tensors
   (`Model(...)` then returns a `Functional`, see `functional.py`).
2. Sequential: `kara.Sequential([...])` (see `sequential.py`).
3. Subclassing: define the layers in `__init__` and the computation in
   `call`:

       class MLP(kara.Model):
           def __init__(self, **kwargs):
               super().__init__(**kwargs)
               self.hidden = kara.layers.Dense(64, activation="relu")
               self.out = kara.layers.Dense(10)

           def call(self, inputs, training=None):
               return self.out(self.hidden(inputs))

A Model is a `Layer` (weights, `get_weights`, config, nesting inside
other models) plus `compile`/`fit`/`evaluate`/`predict` from `Trainer`,
and `summary()`.

Example:
>>> import numpy as np, kara
>>> inputs = kara.Input(shape=(3,))
>>> model = kara.Model(inputs, kara.layers.Dense(2)(inputs))
>>> type(model).__name__, model(np.ones((4, 3))).shape
('Functional', (4, 2))
"""

import numpy as np

from kara import config
from kara.autograd.tensor import Tensor
from kara.layers import layer as layer_module
from kara.layers.layer import Layer
from kara.models.saving_mixin import SavingMixin
from kara.trainers.trainer import Trainer


def _is_functional_init(args, kwargs):
    return (
        len(args) == 2
        or (len(args) == 1 and "outputs" in kwargs)
        or ("inputs" in kwargs and "outputs" in kwargs)
    )


class Model(SavingMixin, Trainer, Layer):
    """A trainable graph of layers (see the module docstring).

    Args:
        inputs: for a functional model, the `Input` tensor(s).
        outputs: for a functional model, the output tensor(s).
        name: the model's name.
        trainable: whether its weights are trained.
    """

    def __new__(cls, *args, **kwargs):
        if cls is Model and _is_functional_init(args, kwargs):
            from kara.models.functional import Functional

            return Functional.__new__(Functional, *args, **kwargs)
        return super().__new__(cls, *args, **kwargs)

    def __init__(self, *args, **kwargs):
        if args:
            raise TypeError(
                f"{type(self).__name__}() takes `inputs` and `outputs` (a "
                "functional model) or only keyword arguments such as "
                f"`name=` (a subclassed model). Received {len(args)} "
                "positional argument(s)."
            )
        Layer.__init__(self, **kwargs)

    # ------------------------------------------------------------ layers
    @property
    def layers(self):
        """The model's layers, in the order they were added."""
        return list(self._layers)

    def get_layer(self, name=None, index=None):
        """Returns a layer by name or by index in `model.layers`."""
        if index is not None and name is not None:
            raise ValueError(
                "Provide only a layer name or a layer index. Received: "
                f"index={index}, name={name}."
            )
        layers = self.layers
        if index is not None:
            if len(layers) <= index:
                raise ValueError(
                    f"Was asked to retrieve layer at index {index} but model "
                    f"only has {len(layers)} layers."
                )
            return layers[index]
        if name is not None:
            for layer in layers:
                if layer.name == name:
                    return layer
            raise ValueError(
                f"No such layer: {name}. Existing layers are: "
                f"{[layer.name for layer in layers]}."
            )
        raise ValueError(
            "Provide either a layer name or layer index at `get_layer`."
        )

    # ------------------------------------------------------------- build
    def _maybe_build(self, input_shape):
        if self.built:
            return
        if type(self).build is Model.build:
            # A subclassed model without its own build(): the first call
            # creates the weights, nothing to do beforehand.
            self.built = True
            self._build_input_shape = input_shape
            return
        super()._maybe_build(input_shape)

    def build(self, input_shape):
        """Builds a subclassed model by calling it on zeros of this shape.

        Args:
            input_shape: the input shape, e.g. `(None, 784)` (None, the
                batch, is taken as 1 for the call).
        """
        if self.built:
            return
        sample = _zeros_like_shape(input_shape, self.compute_dtype)
        ctx = layer_module._CTX
        previous = ctx.none_batch
        ctx.none_batch = True  # sublayers record (None, ...) shapes
        try:
            with config.no_grad():
                self(sample, training=False)
        finally:
            ctx.none_batch = previous
        self._build_input_shape = input_shape

    # ----------------------------------------------------------- summary
    def summary(
        self,
        line_length=None,
        positions=None,
        print_fn=None,
        expand_nested=False,
        show_trainable=False,
        layer_range=None,
    ):
        """Prints a table of the layers, output shapes and parameters.

        Keras 3's table by default, tf.keras 2's layout under the keras2
        profile. It never raises on an unbuilt model: unknown shapes show
        as `?` with a note on how to build the model.

        Args:
            line_length: the total width of the table.
            positions: the column boundaries, as fractions of the width.
            print_fn: called with the text (default: print).
            expand_nested: also list the layers of nested models.
            show_trainable: add a column saying whether each layer is
                trainable.
            layer_range: two layer names (or regexes): print only the
                layers from the first to the second.
        """
        from kara.utils import summary

        summary.print_summary(
            self,
            line_length=line_length,
            positions=positions,
            print_fn=print_fn,
            expand_nested=expand_nested,
            show_trainable=show_trainable,
            layer_range=layer_range,
        )

    # ------------------------------------------------------------ config
    @classmethod
    def from_config(cls, config, custom_objects=None, safe_mode=None):
        """Rebuilds a model from `get_config()` (kara's or Keras 3's).

        Args:
            config: the config dict.
            custom_objects: `{name: class}` for your own layers.
            safe_mode: `False` allows Lambda layers holding Python
                lambdas (their bytecode is run).
        """
        config = dict(config)
        if "layers" in config and "input_layers" in config:
            from kara.models.functional import functional_from_config

            return functional_from_config(
                cls, config, custom_objects, safe_mode
            )
        return cls(**config)


def _zeros_like_shape(shape, dtype):
    from kara.layers import symbolic

    def zeros(s):
        return Tensor(
            np.zeros(tuple(1 if d is None else d for d in s), dtype=dtype)
        )

    if symbolic.is_shape(shape):
        return zeros(shape)
    return symbolic.map_structure_of_shapes(zeros, shape)
