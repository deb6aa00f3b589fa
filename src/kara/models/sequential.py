"""`Sequential`: a plain stack of layers, each feeding the next.

    model = kara.Sequential([
        kara.Input(shape=(28, 28)),
        kara.layers.Flatten(),
        kara.layers.Dense(128, activation="relu"),
        kara.layers.Dense(10, activation="softmax"),
    ])

The input shape can come from an `Input` first element, from
`input_shape=` on the first layer (older Keras style), from
`model.build((None, 28, 28))`, or from the first call on data. Once it is
known, the model is built: every layer creates its weights and the output
shapes are worked out symbolically (what `summary()` shows).

`call` is a tight loop over the layers; the `training` flag reaches them
through the call context, so nothing else happens per layer.

Example:
>>> import numpy as np, kara
>>> model = kara.Sequential([kara.Input(shape=(3,)), kara.layers.Dense(2)])
>>> model.output_shape, model(np.ones((5, 3))).shape
((None, 2), (5, 2))
"""

from kara import config
from kara.layers import layer as layer_module
from kara.layers import symbolic
from kara.layers.input_layer import InputLayer
from kara.layers.layer import Layer
from kara.layers.symbolic import KerasTensor
from kara.layers.symbolic import LayerInputError
from kara.models.functional import _adjust_input
from kara.models.model import Model
from kara.utils import naming


class Sequential(Model):
    """A linear stack of layers.

    Args:
        layers: the layers, in order (an `Input(...)` may come first).
        trainable: whether the weights are trained.
        name: the model's name (default `sequential`, `sequential_1`, ...).
    """

    def __init__(self, layers=None, trainable=True, name=None):
        Model.__init__(self, trainable=trainable, name=name)
        self._call_layers = ()
        self._input_ref = None
        if layers:
            for layer in layers:
                self.add(layer, rebuild=False)
            self._maybe_rebuild()

    # ------------------------------------------------------------ editing
    def add(self, layer, rebuild=True):
        """Adds a layer on top of the stack (an `Input` only first)."""
        if not self._layers and getattr(layer, "_input_shape_arg", None):
            # legacy: `input_shape=` on the first layer makes an InputLayer
            shape = layer._input_shape_arg
            self.add(self._new_input_layer(shape, layer), rebuild=False)
        if isinstance(layer, KerasTensor) and layer._keras_history:
            origin = layer._keras_history[0]
            if isinstance(origin, InputLayer):
                layer = origin
        if not isinstance(layer, Layer):
            raise ValueError(
                "Only instances of `kara.layers.Layer` can be added to a "
                f"Sequential model. Received: {layer!r} (of type "
                f"{type(layer).__name__})"
            )
        if any(
            other.name == layer.name and other is not layer
            for other in self._layers
        ):
            raise ValueError(
                "All layers added to a Sequential model should have unique "
                f"names. Name '{layer.name}' is already the name of a layer "
                "in this model. Update the `name` argument to pass a unique "
                "name."
            )
        if (
            isinstance(layer, InputLayer)
            and self._layers
            and isinstance(self._layers[0], InputLayer)
        ):
            raise ValueError(
                f"Sequential model '{self.name}' has already been "
                f"configured to use input shape {self._layers[0].batch_shape}"
                ". You cannot add a different Input layer to it."
            )
        if isinstance(layer, InputLayer) and self._layers:
            raise ValueError(
                f"An Input can only be the first element of Sequential model "
                f"'{self.name}'; it already has layers "
                f"{[x.name for x in self._layers]}."
            )
        self._layers.append(layer)
        self._invalidate()
        if rebuild:
            self._maybe_rebuild()

    def pop(self, rebuild=True):
        """Removes and returns the last layer."""
        if not self.layers:
            raise TypeError("There are no layers in the model.")
        layer = self._layers.pop()
        self._invalidate()
        if rebuild:
            self._maybe_rebuild()
        return layer

    def _new_input_layer(self, batch_shape, first_layer=None):
        name = None
        if config.profile() == "keras2" and first_layer is not None:
            name = f"{first_layer.name}_input"  # tf.keras 2's naming
        dtype = first_layer.compute_dtype if first_layer else None
        return InputLayer(
            batch_shape=tuple(batch_shape), dtype=dtype, name=name
        )

    def _invalidate(self):
        self.built = False
        self._call_layers = tuple(self.layers)
        self._input_ref = None

    def _maybe_rebuild(self):
        self._invalidate()
        if len(self._layers) > 1 and isinstance(self._layers[0], InputLayer):
            self.build(self._layers[0].batch_shape)

    # -------------------------------------------------------------- build
    def build(self, input_shape=None):
        """Builds every layer for inputs of `input_shape` (batch first).

        Example: `model.build((None, 784))`.
        """
        if input_shape is None or not symbolic.is_shape(input_shape):
            return  # several inputs: the layers build on the first call
        input_shape = tuple(input_shape)
        if not self._layers:
            raise ValueError(
                f"Sequential model {self.name} cannot be built because it "
                "has no layers. Call `model.add(layer)`."
            )
        if isinstance(self._layers[0], InputLayer):
            if self._layers[0].batch_shape != input_shape:
                raise ValueError(
                    f"Sequential model '{self.name}' has already been "
                    "configured to use input shape "
                    f"{self._layers[0].batch_shape}. You cannot build it "
                    f"with input_shape {input_shape}"
                )
        inserted = False
        if not isinstance(self._layers[0], InputLayer):
            self._layers.insert(
                0, self._new_input_layer(input_shape, self._layers[0])
            )
            inserted = True
        if config.profile() == "keras3":
            # Keras 3 builds a Functional inside, which takes the next
            # "functional" name: keep the names of later models identical.
            naming.uniquify("functional")
        x = self._layers[0].output_tensor
        position = 0
        try:
            for position, layer in enumerate(self._layers[1:]):
                x = layer(x)
        except Exception as e:
            if inserted:  # leave the model as it was, to be built again
                del self._layers[0]
            if isinstance(e, LayerInputError):
                raise e.with_position(position, self) from None
            _add_note(e, position, self)
            raise
        self._input_ref = self._layers[0].output_tensor
        self._output_ref = x
        self._call_layers = tuple(self.layers)
        self.built = True
        self._build_input_shape = input_shape

    def _maybe_build(self, input_shape):
        if not self.built:
            self.build(input_shape)
            self.built = True

    # --------------------------------------------------------------- call
    def call(self, inputs, training=None, mask=None):
        ref = self._input_ref
        if ref is not None and inputs.ndim != len(ref.shape):
            inputs = _adjust_input(inputs, ref, 0, self)
        ctx = layer_module._CTX
        if training is not None and ctx.training != training:
            # called as `model.call(x, training=...)`, not through __call__
            return self(inputs, training=training)
        x = inputs
        try:
            for layer in self._call_layers:
                x = layer(x)
        except LayerInputError as e:
            position = symbolic.position_of(self.layers, e.layer)
            raise e.with_position(position, self) from None
        except Exception as e:
            _add_note(e, self._call_layers.index(layer), self)
            raise
        return x

    def compute_output_shape(self, input_shape):
        shape = input_shape
        for layer in self.layers:
            shape = layer.compute_output_shape(shape)
        return shape

    # --------------------------------------------------------- properties
    @property
    def layers(self):
        """The layers, without the auto-generated InputLayer."""
        layers = self._layers
        if layers and isinstance(layers[0], InputLayer):
            return layers[1:]
        return list(layers)

    def _graph_attr(self, what):
        if self._input_ref is None:
            raise AttributeError(
                f"Sequential model '{self.name}' has no defined {what} yet: "
                "give it an Input, call `build(input_shape)` or call it on "
                "data first."
            )
        return self._input_ref if what.startswith("input") else self._output_ref

    @property
    def input_shape(self):
        return self._graph_attr("input shape").shape

    @property
    def output_shape(self):
        return self._graph_attr("output shape").shape

    @property
    def inputs(self):
        return [self._graph_attr("inputs")]

    @property
    def outputs(self):
        return [self._graph_attr("outputs")]

    @property
    def input(self):
        return self._graph_attr("input")

    @property
    def output(self):
        return self._graph_attr("output")

    @property
    def input_names(self):
        return [self._layers[0].name] if self._input_ref is not None else []

    @property
    def output_names(self):
        return [self.layers[-1].name] if self.layers else []

    # ------------------------------------------------------------- config
    def get_config(self):
        from kara.layers import serialization

        config = {
            "name": self.name,
            "trainable": self.trainable,
            "dtype": Layer.get_config(self)["dtype"],
            "layers": [serialization.serialize(x) for x in self._layers],
        }
        if self._build_input_shape is not None:
            config["build_input_shape"] = self._build_input_shape
        return config

    @classmethod
    def from_config(cls, config, custom_objects=None, safe_mode=None):
        from kara.layers import serialization

        model = cls(
            name=config.get("name"), trainable=config.get("trainable", True)
        )
        for data in config.get("layers", []):
            layer = serialization.deserialize(
                data, custom_objects, safe_mode=safe_mode
            )
            model.add(layer, rebuild=False)
        model._maybe_rebuild()
        shape = config.get("build_input_shape")
        if not model.built and shape is not None and symbolic.is_shape(shape):
            model.build(tuple(shape))
        return model


def _add_note(error, position, model):
    """Adds "in layer #i ..." to an error raised inside a layer."""
    if hasattr(error, "add_note") and isinstance(error, Exception):
        layer = model.layers[position]
        error.add_note(
            f"(raised in layer #{position} {type(layer).__name__} "
            f"{layer.name!r} of model {model.name!r})"
        )
