"""Symbolic tensors, graph nodes and input specs: the functional API's parts.

`kara.Input(shape=(784,))` returns a `KerasTensor`: a placeholder that has
a shape and a dtype but no values. Calling a layer on KerasTensors does not
compute anything; it works out the output shape (`compute_output_shape`),
records a `Node` (this layer was applied to these tensors and gave those),
and returns new KerasTensors. `kara.Model(inputs, outputs)` then walks the
nodes back from the outputs to get the graph it will run on real data.

Every KerasTensor remembers where it came from in `_keras_history`:
`(layer, node_index, tensor_index)`, the layer that produced it, which of
that layer's calls (nodes) it was, and which output of that call.

`InputSpec` describes what a layer accepts (rank, sizes of some axes);
`check_input_spec` turns a mismatch into a message that names the layer.

Example:
>>> import kara
>>> x = kara.Input(shape=(3,))
>>> x.shape
(None, 3)
>>> y = kara.layers.Dense(2)(x)
>>> y.shape, y._keras_history[0].name.startswith("dense")
((None, 2), True)
"""

from kara.utils import naming


# ------------------------------------------------------------ structures
def flatten(structure):
    """The leaves of nested lists, tuples and dicts, in order."""
    if isinstance(structure, (list, tuple)):
        out = []
        for item in structure:
            out.extend(flatten(item))
        return out
    if isinstance(structure, dict):
        out = []
        for key in structure:
            out.extend(flatten(structure[key]))
        return out
    return [structure]


def map_structure(fn, structure):
    """Applies `fn` to every leaf, keeping the nesting."""
    if isinstance(structure, list):
        return [map_structure(fn, x) for x in structure]
    if isinstance(structure, tuple):
        return tuple(map_structure(fn, x) for x in structure)
    if isinstance(structure, dict):
        return {k: map_structure(fn, v) for k, v in structure.items()}
    return fn(structure)


def is_shape(value):
    """Whether `value` is one shape (a tuple of ints/None), not a list of
    shapes."""
    return isinstance(value, (tuple, list)) and all(
        d is None or isinstance(d, int) for d in value
    )


def map_structure_of_shapes(fn, shapes):
    """Applies `fn` to every shape in a structure of shapes."""
    if shapes is None or is_shape(shapes):
        return fn(None if shapes is None else tuple(shapes))
    if isinstance(shapes, dict):
        return {k: map_structure_of_shapes(fn, v) for k, v in shapes.items()}
    return type(shapes)(map_structure_of_shapes(fn, s) for s in shapes)


# ---------------------------------------------------------- KerasTensor
class KerasTensor:
    """A symbolic tensor: a shape and a dtype, no values.

    Args:
        shape: a tuple of ints and `None` (unknown, usually the batch).
        dtype: the dtype name.
        name: an optional name.
    """

    def __init__(self, shape, dtype="float32", name=None):
        self.shape = tuple(None if d is None else int(d) for d in shape)
        self.dtype = dtype
        self.name = name or naming.uniquify("keras_tensor")
        self._keras_history = None

    @property
    def ndim(self):
        return len(self.shape)

    def __repr__(self):
        return (
            f"<KerasTensor shape={self.shape}, dtype={self.dtype}, "
            f"sparse=False, ragged=False, name={self.name}>"
        )

    def __array__(self, dtype=None, copy=None):
        raise TypeError(
            f"{self!r} is a symbolic placeholder from `Input()`: it has a "
            "shape but no values, so it cannot become a NumPy array. Build "
            "the graph with layers (wrap other code in "
            "`layers.Lambda(...)`), make a `Model(inputs, outputs)`, then "
            "call the model on data."
        )

    def _no_math(self, *args):
        raise TypeError(
            "Arithmetic on symbolic tensors (from `Input()`) is not "
            "supported in kara: use a layer, e.g. `layers.Add()([a, b])`, "
            "`layers.Multiply()([a, b])` or `layers.Lambda(lambda t: t * "
            "2)(a)`."
        )

    __add__ = __radd__ = __sub__ = __rsub__ = _no_math
    __mul__ = __rmul__ = __truediv__ = __rtruediv__ = _no_math
    __matmul__ = __rmatmul__ = __pow__ = __neg__ = _no_math
    __hash__ = object.__hash__


def any_symbolic(structure):
    """Whether a (nested) structure holds any KerasTensor."""
    if isinstance(structure, KerasTensor):
        return True
    if isinstance(structure, (list, tuple)):
        return any(any_symbolic(x) for x in structure)
    if isinstance(structure, dict):
        return any(any_symbolic(x) for x in structure.values())
    return False


# ------------------------------------------------------------------ Node
class Node:
    """One application of a layer to symbolic inputs.

    Args:
        operation: the layer.
        call_args: the positional arguments of the call (KerasTensors or
            structures of them, plus any constants).
        call_kwargs: the keyword arguments of the call.
        outputs: the KerasTensor(s) produced.
    """

    def __init__(self, operation, call_args=(), call_kwargs=None, outputs=()):
        self.operation = operation
        self.call_args = tuple(call_args)
        self.call_kwargs = dict(call_kwargs or {})
        self.input_tensors = [
            t
            for t in flatten([list(self.call_args), self.call_kwargs])
            if isinstance(t, KerasTensor)
        ]
        self.outputs = outputs
        self.output_tensors = [
            t for t in flatten(outputs) if isinstance(t, KerasTensor)
        ]
        self.is_input = not self.input_tensors
        node_index = len(operation._inbound_nodes)
        operation._inbound_nodes.append(self)
        for i, t in enumerate(self.output_tensors):
            t._keras_history = (operation, node_index, i)

    @property
    def parent_nodes(self):
        """The nodes that produced this node's inputs."""
        parents = []
        for t in self.input_tensors:
            op, node_index, _ = t._keras_history
            parents.append(op._inbound_nodes[node_index])
        return parents

    def __repr__(self):
        return f"<Node of {self.operation.name!r}>"


# ------------------------------------------------------------- InputSpec
class InputSpec:
    """What a layer accepts: rank bounds, fixed axis sizes, a dtype.

    Args:
        dtype: expected dtype, or None.
        shape: the full expected shape (None entries match anything).
        ndim: the exact rank.
        max_ndim: the highest rank.
        min_ndim: the lowest rank.
        axes: `{axis: size}`, e.g. `{-1: 784}` for a built Dense.
        allow_last_axis_squeeze, name, optional: as in Keras.
    """

    def __init__(
        self,
        dtype=None,
        shape=None,
        ndim=None,
        max_ndim=None,
        min_ndim=None,
        axes=None,
        allow_last_axis_squeeze=False,
        name=None,
        optional=False,
    ):
        self.dtype = dtype
        self.shape = None if shape is None else tuple(shape)
        self.ndim = len(self.shape) if shape is not None else ndim
        self.max_ndim = max_ndim
        self.min_ndim = min_ndim
        self.axes = {int(k): v for k, v in (axes or {}).items()}
        self.allow_last_axis_squeeze = allow_last_axis_squeeze
        self.name = name
        self.optional = optional

    def __repr__(self):
        parts = [
            f"{k}={getattr(self, k)}"
            for k in ("dtype", "shape", "ndim", "max_ndim", "min_ndim")
            if getattr(self, k) is not None
        ]
        if self.axes:
            parts.append(f"axes={self.axes}")
        return f"InputSpec({', '.join(parts)})"

    def get_config(self):
        return {
            "dtype": self.dtype,
            "shape": self.shape,
            "ndim": self.ndim,
            "max_ndim": self.max_ndim,
            "min_ndim": self.min_ndim,
            "axes": self.axes,
        }


def spec_mismatch(spec, shape):
    """Returns what is wrong with `shape` for `spec`, or None if it fits.

    The text follows Keras's ("expected min_ndim=2, found ndim=1").
    """
    ndim = len(shape)
    if spec.ndim is not None and ndim != spec.ndim:
        return f"expected ndim={spec.ndim}, found ndim={ndim}"
    if spec.min_ndim is not None and ndim < spec.min_ndim:
        return f"expected min_ndim={spec.min_ndim}, found ndim={ndim}"
    if spec.max_ndim is not None and ndim > spec.max_ndim:
        return f"expected max_ndim={spec.max_ndim}, found ndim={ndim}"
    for axis, size in spec.axes.items():
        if size is None:
            continue
        if not -ndim <= axis < ndim:
            return f"expected axis {axis} to exist, found ndim={ndim}"
        if shape[axis] is not None and shape[axis] != size:
            return f"expected axis {axis} of input shape to have value {size}"
    if spec.shape is not None:
        for expected, got in zip(spec.shape, shape):
            if expected is not None and got is not None and expected != got:
                return f"expected shape={spec.shape}"
    return None


class LayerInputError(ValueError):
    """A layer received an input of the wrong shape.

    Models catch it to add the layer's position (`layer #2`) and re-raise.
    """

    def __init__(self, layer, index, problem, shape, hint=""):
        self.layer = layer
        self.input_index = index
        self.problem = problem
        self.shape = tuple(shape)
        self.hint = hint
        super().__init__(self.render())

    def render(self, position=None, model=None):
        layer = self.layer
        where = f"{type(layer).__name__}"
        if position is not None:
            where += f", layer #{position}"
            if model is not None:
                where += f" of model {model.name!r}"
        built = getattr(layer, "_build_input_shape", None)
        text = (
            f'Input {self.input_index} of layer "{layer.name}" ({where}) '
            f"is incompatible with the layer: {self.problem}, but received "
            f"input with shape {self.shape}."
        )
        if built is not None:
            text += f" The layer was built for input shape {built}."
        if self.hint:
            text += " " + self.hint
        return text

    def with_position(self, position, model):
        """A copy of the error naming the layer's index in `model`.

        `position` may be None (the layer is nested deeper): the error is
        returned unchanged, it already names the innermost model.
        """
        if position is None:
            return self
        err = LayerInputError(
            self.layer, self.input_index, self.problem, self.shape, self.hint
        )
        err.args = (self.render(position, model),)
        return err


def position_of(layers, layer):
    """The index of `layer` in `layers` (by identity), or None."""
    for i, candidate in enumerate(layers):
        if candidate is layer:
            return i
    return None
