"""`Layer`: the base class of every layer and model.

A layer holds weights (Variables) and computes `call(inputs)` with
`kara.ops`. It is written exactly as in Keras:

- `__init__(**kwargs)` stores the configuration;
- `build(input_shape)` creates the weights with `add_weight`, once the
  input shape is known (kara calls it on the first call);
- `call(inputs, training=None)` computes the outputs;
- `compute_output_shape(input_shape)` and `get_config()` complete it.

Attributes that hold layers or Variables are tracked in the order they are
assigned, so `layer.weights` lists weights layer by layer, kernel before
bias, as Keras's `get_weights()` does.

To be implemented by subclasses, a complete minimal layer:

    class Linear(kara.layers.Layer):
        def __init__(self, units=32, **kwargs):
            super().__init__(**kwargs)
            self.units = units

        def build(self, input_shape):
            self.w = self.add_weight(
                shape=(input_shape[-1], self.units), name="kernel"
            )
            self.b = self.add_weight(
                shape=(self.units,), initializer="zeros", name="bias"
            )

        def call(self, inputs):
            return kara.ops.matmul(inputs, self.w) + self.b

        def get_config(self):
            return {**super().get_config(), "units": self.units}

Example:
>>> import numpy as np, kara
>>> layer = kara.layers.Dense(2, kernel_initializer="ones")
>>> layer(np.ones((1, 3))).numpy()
array([[3., 3.]], dtype=float32)
>>> [w.shape for w in layer.weights]
[(3, 2), (2,)]
"""

import warnings
import weakref

import numpy as np

from kara import backend
from kara import config
from kara import ops
from kara.autograd.tensor import Tensor
from kara.autograd.variable import Variable
from kara.layers import layer_utils
from kara.layers import symbolic
from kara.layers.symbolic import KerasTensor
from kara.layers.symbolic import LayerInputError
from kara.layers.symbolic import Node
from kara.utils import naming


class _CallContext:
    """State shared by nested layer calls (one model call at a time).

    `depth` is 0 outside any call; `training` is the value the outermost
    explicit `training=` set, which nested layers inherit (Keras's call
    context); `loss_holders` are layers holding losses from their last call.
    """

    depth = 0
    training = None
    # weak: a model that is dropped must not stay alive through here
    loss_holders = weakref.WeakSet()
    none_batch = False  # Model.build: record (None, ...) build shapes


_CTX = _CallContext()


def _shape_of(x):
    return tuple(x.shape)


class Layer:
    """The base class of layers (see the module docstring).

    Args:
        activity_regularizer: a regularizer applied to the layer's output
            (its value, divided by the batch size, joins `layer.losses`).
        trainable: whether the layer's weights are trained.
        dtype: the dtype (policy) of computations and weights.
        autocast: cast floating inputs to the compute dtype.
        name: the layer's name (default: from the class, `dense_1`).
        input_shape, input_dim: the input shape without the batch axis,
            for the first layer of a Sequential model (Keras 3 prefers
            an `Input(shape)`).
    """

    def __new__(cls, *args, **kwargs):
        obj = super().__new__(cls)
        # Remember the constructor arguments: custom layers without a
        # get_config() still round-trip (Keras 3's "auto config").
        object.__setattr__(obj, "_init_args", (args, kwargs))
        return obj

    # (input_spec, shape) of the last input that passed `_check_input`
    _input_checked = (None, None)

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        # Whatever a subclass's build() does, calling it marks the layer
        # built and records the shape, so `layer.build(shape)` is enough.
        if "build" in cls.__dict__ and not getattr(
            cls.__dict__["build"], "_kara_wrapped", False
        ):
            cls.build = layer_utils.wrap_build(cls.__dict__["build"])

    def __init__(
        self,
        *,
        activity_regularizer=None,
        trainable=True,
        dtype=None,
        autocast=True,
        name=None,
        **kwargs,
    ):
        setattr_ = object.__setattr__
        setattr_(self, "_layers", [])
        setattr_(self, "_trainable_variables", [])
        setattr_(self, "_non_trainable_variables", [])
        setattr_(self, "_inbound_nodes", [])
        setattr_(self, "_call_losses", [])
        setattr_(self, "_input_shape_arg", None)
        input_dim = kwargs.pop("input_dim", None)
        input_shape = kwargs.pop("input_shape", None)
        batch_input_shape = kwargs.pop("batch_input_shape", None)
        batch_size = kwargs.pop("batch_size", None)
        if input_dim is not None:
            input_shape = (input_dim,)
        if batch_input_shape is not None:
            self._input_shape_arg = tuple(batch_input_shape)
        elif input_shape is not None:
            if isinstance(input_shape, int):
                input_shape = (input_shape,)
            self._input_shape_arg = (batch_size,) + tuple(input_shape)
        if self._input_shape_arg is not None and config.profile() == "keras3":
            warnings.warn(
                "Do not pass an `input_shape`/`input_dim` argument to a "
                "layer. When using Sequential models, prefer using an "
                "`Input(shape)` object as the first layer in the model "
                "instead.",
                stacklevel=3,
            )
        if kwargs:
            self._raise_unknown_kwargs(kwargs)
        if not isinstance(trainable, bool):
            raise ValueError(
                "Expected `trainable` to be a boolean. Received: "
                f"trainable={trainable!r} (of type {type(trainable)})"
            )
        if name is None:
            name = naming.auto_name(type(self).__name__)
        elif not isinstance(name, str) or "/" in name:
            raise ValueError(
                "Argument `name` must be a string and cannot contain "
                f"character `/`. Received: name={name!r}"
            )
        self.name = name
        self._dtype_policy = layer_utils.dtype_policy(dtype)
        self._compute_np_dtype = np.dtype(self._dtype_policy.compute_dtype)
        self.activity_regularizer = layer_utils.lazy_get(
            "regularizers", activity_regularizer
        )
        self._trainable = trainable
        self.autocast = autocast
        self.built = False
        self.input_spec = None
        self.supports_masking = False
        self._build_input_shape = None
        info = layer_utils.call_info(type(self))
        self._call_has_training, self._training_default = info

    def _raise_unknown_kwargs(self, kwargs):
        valid = layer_utils.valid_init_args(type(self))
        key = next(iter(kwargs))
        raise ValueError(
            f"Unrecognized keyword arguments passed to {type(self).__name__}"
            f": {kwargs}.{naming.suggestion(key, valid)} "
            f"Valid arguments are: {', '.join(valid)}."
        )

    # ------------------------------------------------------------ tracking
    def __setattr__(self, name, value):
        if isinstance(value, (Layer, Variable)):
            self._track(value)
        elif isinstance(value, (list, tuple)) and value:
            for item in value:
                if isinstance(item, (Layer, Variable)):
                    self._track(item)
        elif isinstance(value, dict) and value:
            for item in value.values():
                if isinstance(item, (Layer, Variable)):
                    self._track(item)
        object.__setattr__(self, name, value)

    def _track(self, value):
        if "_layers" not in self.__dict__:
            raise RuntimeError(
                f"It looks like you are subclassing `{type(self).__name__}` "
                "and forgot to call `super().__init__()`. Call it first in "
                "your `__init__()`, before assigning layers or weights: "
                "`super().__init__(**kwargs)`."
            )
        if isinstance(value, Layer):
            if value is not self and all(value is not x for x in self._layers):
                self._layers.append(value)
        elif all(
            value is not v
            for v in self._trainable_variables + self._non_trainable_variables
        ):
            if value.trainable:
                self._trainable_variables.append(value)
            else:
                self._non_trainable_variables.append(value)

    def _flatten_layers(self, include_self=True):
        """This layer and all nested layers, depth first, each once."""
        out = [self] if include_self else []
        seen = {id(self)}
        stack = list(reversed(self._layers))
        while stack:
            layer = stack.pop()
            if id(layer) in seen:
                continue
            seen.add(id(layer))
            out.append(layer)
            stack.extend(reversed(layer._layers))
        return out

    # ------------------------------------------------------------- dtypes
    @property
    def dtype(self):
        """The dtype of the weights (`"float32"`)."""
        return self._dtype_policy.variable_dtype

    @property
    def compute_dtype(self):
        return self._dtype_policy.compute_dtype

    @property
    def variable_dtype(self):
        return self._dtype_policy.variable_dtype

    @property
    def dtype_policy(self):
        return self._dtype_policy

    @property
    def path(self):
        return self.name

    # ------------------------------------------------------------ weights
    def add_weight(
        self,
        shape=None,
        initializer=None,
        dtype=None,
        trainable=True,
        autocast=True,
        regularizer=None,
        constraint=None,
        aggregation="none",
        overwrite_with_gradient=False,
        name=None,
    ):
        """Creates a weight Variable and tracks it.

        Args:
            shape: the shape (default `()`).
            initializer: a name, an Initializer or a callable
                `init(shape, dtype)`; default `"glorot_uniform"` for
                floats, `"zeros"` otherwise.
            dtype: the dtype (default: the layer's variable dtype).
            trainable: whether the optimizer updates it.
            regularizer: adds `regularizer(weight)` to `layer.losses`.
            constraint: applied by the optimizer after each update.
            name: the weight's name (`"kernel"`).
            autocast, aggregation, overwrite_with_gradient: accepted for
                Keras compatibility.

        Returns:
            The Variable.
        """
        from kara import initializers

        shape = () if shape is None else tuple(int(d) for d in shape)
        dtype = backend.standardize_dtype(dtype or self.variable_dtype)
        if initializer is None:
            kind = np.dtype(dtype).kind
            initializer = "glorot_uniform" if kind == "f" else "zeros"
        init = initializers.get(initializer)
        if name is None:
            name = naming.auto_name("Variable")
        value = init(shape, dtype=dtype)
        variable = Variable(value, dtype=dtype, trainable=trainable, name=name)
        variable.path = f"{self.name}/{name}"
        variable.regularizer = layer_utils.lazy_get("regularizers", regularizer)
        variable.constraint = layer_utils.lazy_get("constraints", constraint)
        if trainable:
            self._trainable_variables.append(variable)
            if not self._trainable:
                variable.trainable = False
        else:
            self._non_trainable_variables.append(variable)
        return variable

    add_variable = add_weight

    @property
    def weights(self):
        """All weights: this layer's (trainable first), then sublayers'."""
        out = self._trainable_variables + self._non_trainable_variables
        if not self._layers:
            return out
        seen = {id(w) for w in out}
        for layer in self._layers:
            for w in layer.weights:
                if id(w) not in seen:
                    seen.add(id(w))
                    out.append(w)
        return out

    @property
    def trainable_weights(self):
        if not self._trainable:
            return []
        return [w for w in self.weights if w.trainable]

    @property
    def non_trainable_weights(self):
        if not self._trainable:
            return self.weights
        return [w for w in self.weights if not w.trainable]

    variables = weights
    trainable_variables = trainable_weights
    non_trainable_variables = non_trainable_weights

    @property
    def trainable(self):
        return self._trainable

    @trainable.setter
    def trainable(self, value):
        value = bool(value)
        self._trainable = value
        for v in self._trainable_variables:
            v.trainable = value
        for layer in self._layers:
            layer.trainable = value

    def get_weights(self):
        """The weights' values, as a list of NumPy arrays (copies)."""
        return [w.numpy() for w in self.weights]

    def set_weights(self, weights):
        """Sets the weights from a list of arrays, in `get_weights` order.

        Raises:
            ValueError: naming the layer and the weight when the number of
                arrays or a shape does not match.
        """
        own = self.weights
        weights = list(weights)
        if len(own) != len(weights):
            listing = ", ".join(f"{w.path} {w.shape}" for w in own)
            raise ValueError(
                f"You called `set_weights(weights)` on layer {self.name!r} "
                f"with a weight list of length {len(weights)}, but the "
                f"layer was expecting {len(own)} weights"
                + (f": {listing}." if own else ".")
                + (
                    " The layer is not built yet: build it first (call it "
                    "on data or call `build(input_shape)`)."
                    if not self.built and not own
                    else ""
                )
            )
        values = []
        for i, (w, value) in enumerate(zip(own, weights)):
            arr = np.asarray(getattr(value, "data", value))
            if arr.shape != w.shape:
                hint = ""
                if arr.ndim == 2 and arr.shape == w.shape[::-1]:
                    hint = (
                        " It looks transposed: kernels are stored as "
                        "(input_dim, units), as in Keras (PyTorch stores "
                        "(out, in)); pass `array.T`."
                    )
                raise ValueError(
                    f"Layer {self.name!r}: weight #{i} {w.path!r} has shape "
                    f"{w.shape}, but the array given for it has shape "
                    f"{arr.shape}.{hint}"
                )
            values.append(arr)
        for w, arr in zip(own, values):
            w.assign(arr)

    def count_params(self):
        """The number of scalars in the layer's weights."""
        if not self.built:
            raise ValueError(
                f"You tried to call `count_params` on layer {self.name!r}, "
                "but the layer isn't built. You can build it manually via: "
                f"`{self.name}.build(input_shape)`."
            )
        return int(sum(int(np.prod(w.shape)) for w in self.weights))

    # -------------------------------------------------------------- losses
    def add_loss(self, loss):
        """Adds a scalar loss (a Tensor) to `layer.losses` until the next
        call of the outermost layer."""
        self._call_losses.append(loss)
        _CTX.loss_holders.add(self)

    def _clear_call_losses(self):
        for layer in self._flatten_layers():
            if layer._call_losses:
                layer._call_losses.clear()
                _CTX.loss_holders.discard(layer)

    @property
    def losses(self):
        """Losses of the last call (`add_loss`, activity regularizers) and
        the weight regularization losses, computed from current weights."""
        out = []
        if _CTX.loss_holders:  # else no layer holds losses of its call
            for layer in self._flatten_layers():
                out.extend(layer._call_losses)
        for w in self.trainable_weights:
            if w.regularizer is not None:
                out.append(w.regularizer(w))
        return out

    # --------------------------------------------------------------- build
    def build(self, input_shape):
        """Creates the weights (override it). The default creates none."""
        self.built = True

    def _maybe_build(self, input_shape):
        if self.built:
            return
        if _CTX.none_batch:
            input_shape = layer_utils.with_none_batch(input_shape)
        self.build(input_shape)
        self.built = True
        if self._build_input_shape is None:
            self._build_input_shape = input_shape

    def build_from_config(self, config):
        shape = config.get("input_shape") if config else None
        if shape is not None and not self.built:
            self._maybe_build(layer_utils.to_shape(shape))

    def get_build_config(self):
        if self._build_input_shape is None:
            return None
        return {"input_shape": self._build_input_shape}

    def compute_output_shape(self, input_shape):
        """The output shape for `input_shape` (override it).

        The default runs `call` on zeros (unknown sizes taken as 1) and
        reads the shape of the result.
        """
        return layer_utils.infer_output_shape(self, input_shape)

    def compute_mask(self, inputs, previous_mask=None):
        return None

    # ---------------------------------------------------------------- call
    def call(self, inputs, *args, **kwargs):
        """The computation (override it)."""
        raise NotImplementedError(
            f"Layer {type(self).__name__} does not have a `call()` method "
            "implemented."
        )

    def __call__(self, *args, **kwargs):
        if args:
            inputs = args[0]
        elif "inputs" in kwargs:
            inputs = kwargs.pop("inputs")
        else:
            raise ValueError(
                f"Layer {self.name!r} was called without inputs. Pass them "
                "as the first argument: `layer(x)`."
            )
        rest = args[1:]
        if type(inputs) is Tensor:
            if inputs.data.dtype != self._compute_np_dtype and self.autocast:
                inputs = self._cast(inputs)
        elif type(inputs) is np.ndarray:
            inputs = self._cast_array(inputs)
        elif symbolic.any_symbolic(inputs) or symbolic.any_symbolic(
            [rest, kwargs]
        ):
            return self._symbolic_call(inputs, rest, kwargs)
        else:
            inputs = self._convert(inputs)
        spec = self.input_spec
        if spec is not None:
            # A shape that fit this same spec fits again: check each new
            # (spec, shape) once, not on every training step.
            shape = inputs.data.shape if isinstance(inputs, Tensor) else None
            checked = self._input_checked
            if shape is None or checked[0] is not spec or checked[1] != shape:
                self._check_input(inputs)
                if shape is not None:
                    self.__dict__["_input_checked"] = (spec, shape)
        if not self.built:
            self._maybe_build(layer_utils.input_shapes(inputs))

        # training: explicit > inherited from the outer call > default
        training = kwargs.get("training")
        ctx = _CTX
        outer_training = ctx.training
        if training is None:
            training = outer_training
        if self._call_has_training:
            value = self._training_default if training is None else training
            if value is None:
                kwargs.pop("training", None)
            else:
                kwargs["training"] = value
        else:
            kwargs.pop("training", None)
        if ctx.depth == 0 and ctx.loss_holders:
            self._clear_call_losses()
        ctx.depth += 1
        ctx.training = training
        try:
            outputs = self.call(inputs, *rest, **kwargs)
        finally:
            ctx.depth -= 1
            ctx.training = outer_training
        if self.activity_regularizer is not None:
            self._add_activity_loss(outputs)
        return outputs

    def _cast(self, x):
        if x.data.dtype.kind == "f":
            return ops.cast(x, self._compute_np_dtype)
        return x

    def _cast_array(self, x):
        if x.dtype != self._compute_np_dtype and self.autocast:
            if x.dtype.kind == "f":
                x = x.astype(self._compute_np_dtype)
        return Tensor(x)

    def _convert(self, inputs):
        """Lists, numbers and structures of arrays become Tensors.

        A (nested) list of numbers is one array; a list holding arrays or
        Tensors is a list of inputs (merging layers, multi-input models).
        """
        if isinstance(inputs, Tensor):  # a Variable or Tensor subclass
            if inputs.data.dtype != self._compute_np_dtype and self.autocast:
                return self._cast(inputs)
            return inputs
        if inputs is None:
            return None
        if isinstance(inputs, dict):
            return {k: self._convert(v) for k, v in inputs.items()}
        if isinstance(inputs, (list, tuple)) and not (
            layer_utils.is_number_list(inputs)
        ):
            return type(inputs)(self._convert(x) for x in inputs)
        arr = backend.as_array(inputs, name="inputs")
        return self._cast_array(arr)

    def _check_input(self, inputs):
        spec = self.input_spec
        if isinstance(spec, (list, tuple)):
            flat = symbolic.flatten(inputs)
            pairs = list(zip(spec, flat))
        else:
            pairs = [(spec, inputs)]
        for i, (s, x) in enumerate(pairs):
            if s is None or not hasattr(x, "shape"):
                continue
            shape = _shape_of(x)
            problem = symbolic.spec_mismatch(s, shape)
            if problem is not None:
                raise LayerInputError(
                    self, i, problem, shape, self._input_hint(shape)
                )

    def _input_hint(self, shape):
        """A sentence on the likely cause of a bad input shape (override)."""
        return ""

    def _add_activity_loss(self, outputs):
        for out in symbolic.flatten(outputs):
            if not isinstance(out, Tensor):
                continue
            loss = self.activity_regularizer(out)
            if out.ndim > 0 and out.shape[0]:
                # Keras divides by the batch size
                loss = loss / float(out.shape[0])
            self.add_loss(loss)

    def _symbolic_call(self, inputs, rest, kwargs):
        shapes = symbolic.map_structure(
            lambda t: t.shape if isinstance(t, KerasTensor) else None, inputs
        )
        if self.input_spec is not None:
            self._check_input(inputs)
        if not self.built:
            self._maybe_build(shapes)
        out_shapes = self.compute_output_shape(shapes)
        dtype = self.compute_dtype
        if symbolic.is_shape(out_shapes):
            outputs = KerasTensor(out_shapes, dtype)
        else:
            outputs = symbolic.map_structure_of_shapes(
                lambda s: KerasTensor(s, dtype), out_shapes
            )
        Node(self, (inputs,) + tuple(rest), kwargs, outputs)
        return outputs

    # --------------------------------------------------- functional graph
    @property
    def input(self):
        """The symbolic input of the layer's first call in a graph."""
        return self._node_attr("call_args", "input")[0]

    @property
    def output(self):
        """The symbolic output of the layer's first call in a graph."""
        return self._node_attr("outputs", "output")

    def _node_attr(self, attr, what):
        if not self._inbound_nodes:
            raise AttributeError(
                f"Layer {self.name!r} has no {what}: it has not been called "
                "on a symbolic input (from `kara.Input`)."
            )
        return getattr(self._inbound_nodes[0], attr)

    # -------------------------------------------------------------- config
    def get_config(self):
        """The constructor arguments, as a dict (override it)."""
        cfg = {"name": self.name, "trainable": self.trainable}
        if config.profile() == "keras2":
            cfg["dtype"] = self._dtype_policy.name
        else:
            cfg["dtype"] = {
                "module": "keras",
                "class_name": "DTypePolicy",
                "config": {"name": self._dtype_policy.name},
                "registered_name": None,
            }
        if self.activity_regularizer is not None:
            cfg["activity_regularizer"] = layer_utils.lazy_serialize(
                "regularizers", self.activity_regularizer
            )
        if type(self).get_config is Layer.get_config:
            cfg.update(layer_utils.auto_config(self))
        return cfg

    @classmethod
    def from_config(cls, config):
        """Creates a layer from `get_config()`'s dict."""
        return cls(**config)

    def __repr__(self):
        return f"<{type(self).__name__} name={self.name}, built={self.built}>"
