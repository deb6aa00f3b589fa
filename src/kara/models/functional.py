"""The functional API: a model from a graph of layers over `Input` tensors.

    inputs = kara.Input(shape=(784,))
    x = kara.layers.Dense(64, activation="relu")(inputs)
    outputs = kara.layers.Dense(10, activation="softmax")(x)
    model = kara.Model(inputs, outputs)

Calling layers on symbolic tensors recorded one `Node` per call. The model
walks these nodes back from the outputs (depth first, as Keras does),
gives every node a depth (its distance from the outputs) and orders the
layers by decreasing depth, ties broken by the order the walk met them.
That is Keras's order, so `model.layers` and `get_weights()` line up with
Keras's.

For speed the walk happens once: the graph becomes a flat "plan", a list
of `(layer, where its inputs are, where its outputs go)` over numbered
slots, and `call` just runs the plan.

Example:
>>> import numpy as np, kara
>>> a, b = kara.Input(shape=(2,)), kara.Input(shape=(3,))
>>> merged = kara.layers.Concatenate()([a, b])
>>> model = kara.Model([a, b], kara.layers.Dense(1)(merged))
>>> model([np.ones((4, 2)), np.ones((4, 3))]).shape
(4, 1)
"""

from kara import backend
from kara import ops
from kara.autograd.tensor import Tensor
from kara.layers import symbolic
from kara.layers.input_layer import InputLayer
from kara.layers.layer import Layer
from kara.layers.layer_utils import flat_shapes
from kara.layers.symbolic import KerasTensor
from kara.layers.symbolic import LayerInputError
from kara.models.model import Model
from kara.utils import naming


class _Slot:
    """A placeholder in a call template: the value in slot `index`."""

    __slots__ = ("index",)

    def __init__(self, index):
        self.index = index


class Functional(Model):
    """A model defined by its input and output tensors.

    Args:
        inputs: a KerasTensor from `kara.Input`, or a list or dict of them.
        outputs: a KerasTensor, or a list or dict of them.
        name: the model's name (default `functional`; `model` under the
            keras2 profile).
        trainable: whether the weights are trained.
    """

    def __init__(self, inputs, outputs, name=None, trainable=True, **kwargs):
        Layer.__init__(
            self,
            name=name or naming.functional_name(),
            trainable=trainable,
            **kwargs,
        )
        self._inputs_struct = _check_tensors(inputs, "inputs")
        self._outputs_struct = _check_tensors(outputs, "outputs")
        self._flat_inputs = symbolic.flatten(self._inputs_struct)
        self._flat_outputs = symbolic.flatten(self._outputs_struct)
        graph = _map_graph(self._flat_inputs, self._flat_outputs)
        nodes, nodes_by_depth, operations = graph
        self._network_nodes = set(nodes)
        self._nodes_by_depth = nodes_by_depth
        # the layers, in Keras's order (tracking is bypassed on purpose)
        object.__setattr__(self, "_layers", operations)
        self._compile_plan(nodes_by_depth)
        self.built = True
        self._build_input_shape = symbolic.map_structure(
            lambda t: t.shape, self._inputs_struct
        )

    # ----------------------------------------------------------- the plan
    def _compile_plan(self, nodes_by_depth):
        slots = {}

        def slot_of(t):
            if id(t) not in slots:
                slots[id(t)] = len(slots)
            return slots[id(t)]

        self._input_slots = [slot_of(t) for t in self._flat_inputs]
        plan = []
        for depth in sorted(nodes_by_depth, reverse=True):
            for node in nodes_by_depth[depth]:
                if node.is_input:
                    continue
                args, kwargs = node.call_args, node.call_kwargs
                if (
                    len(args) == 1
                    and isinstance(args[0], KerasTensor)
                    and not kwargs
                ):
                    fast, args_t, kwargs_t = slots[id(args[0])], None, None
                else:
                    fast = -1
                    args_t = symbolic.map_structure(
                        lambda v: (
                            _Slot(slots[id(v)])
                            if isinstance(v, KerasTensor)
                            else v
                        ),
                        list(args),
                    )
                    kwargs_t = symbolic.map_structure(
                        lambda v: (
                            _Slot(slots[id(v)])
                            if isinstance(v, KerasTensor)
                            else v
                        ),
                        kwargs,
                    )
                outs = [slot_of(t) for t in node.output_tensors]
                plan.append((node.operation, fast, args_t, kwargs_t, outs))
        self._plan = plan
        self._n_slots = len(slots)
        self._output_template = symbolic.map_structure(
            lambda t: _Slot(slots[id(t)]), self._outputs_struct
        )

    def _run(self, flat_inputs):
        values = [None] * self._n_slots
        for s, x in zip(self._input_slots, flat_inputs):
            values[s] = x
        try:
            for layer, fast, args_t, kwargs_t, outs in self._plan:
                if fast >= 0:
                    out = layer(values[fast])
                else:
                    args = _fill(args_t, values)
                    out = layer(*args, **_fill(kwargs_t, values))
                if len(outs) == 1:
                    values[outs[0]] = out
                else:
                    for s, o in zip(outs, symbolic.flatten(out)):
                        values[s] = o
        except LayerInputError as e:
            position = symbolic.position_of(self._layers, e.layer)
            raise e.with_position(position, self) from None
        return _fill(self._output_template, values)

    # --------------------------------------------------------------- call
    def call(self, inputs, training=None, mask=None):
        return self._run(self._standardize_inputs(inputs))

    def _standardize_inputs(self, inputs):
        refs = self._flat_inputs
        n = len(refs)
        if isinstance(inputs, dict):
            names = self.input_names
            missing = [k for k in names if k not in inputs]
            if missing:
                raise ValueError(
                    f"Model {self.name!r} expects inputs named {names}; the "
                    f"dict given lacks {missing}. Received keys: "
                    f"{sorted(inputs)}."
                )
            flat = [inputs[k] for k in names]
        elif n == 1:
            if isinstance(inputs, (list, tuple)) and len(inputs) == 1:
                inputs = inputs[0]
            flat = [inputs]
        else:
            if not isinstance(inputs, (list, tuple)) or len(inputs) != n:
                got = (
                    f"{len(inputs)} inputs"
                    if isinstance(inputs, (list, tuple))
                    else "a single input"
                )
                raise ValueError(
                    f"Model {self.name!r} expects {n} inputs "
                    f"({', '.join(self.input_names)}), as a list in that "
                    f"order or a dict by name, but received {got}."
                )
            flat = list(inputs)
        return [
            _adjust_input(x, ref, i, self)
            for i, (x, ref) in enumerate(zip(flat, refs))
        ]

    def compute_output_shape(self, input_shape):
        if symbolic.is_shape(input_shape):
            shapes = [tuple(input_shape)]
        elif isinstance(input_shape, dict):
            shapes = [tuple(input_shape[k]) for k in self.input_names]
        else:
            shapes = [tuple(s) for s in input_shape]
        values = [None] * self._n_slots
        for s, shape in zip(self._input_slots, shapes):
            values[s] = shape
        for layer, fast, args_t, kwargs_t, outs in self._plan:
            if fast >= 0:
                in_shape = values[fast]
            else:
                in_shape = _fill(args_t, values)[0]
            out = layer.compute_output_shape(in_shape)
            if len(outs) == 1:
                values[outs[0]] = out
            else:
                flat = [out] if symbolic.is_shape(out) else flat_shapes(out)
                for s, o in zip(outs, flat):
                    values[s] = o
        return _fill(self._output_template, values)

    # --------------------------------------------------------- properties
    @property
    def inputs(self):
        return list(self._flat_inputs)

    @property
    def outputs(self):
        return list(self._flat_outputs)

    @property
    def input(self):
        return self._inputs_struct

    @property
    def output(self):
        return self._outputs_struct

    @property
    def input_shape(self):
        return symbolic.map_structure(lambda t: t.shape, self._inputs_struct)

    @property
    def output_shape(self):
        return symbolic.map_structure(lambda t: t.shape, self._outputs_struct)

    @property
    def input_names(self):
        if isinstance(self._inputs_struct, dict):
            return list(self._inputs_struct)
        return [t._keras_history[0].name for t in self._flat_inputs]

    @property
    def output_names(self):
        if isinstance(self._outputs_struct, dict):
            return list(self._outputs_struct)
        return [t._keras_history[0].name for t in self._flat_outputs]

    # ------------------------------------------------------------- config
    def get_config(self):
        from kara.layers import serialization

        own = {}  # operation -> its nodes that belong to this model
        for op in self._layers:
            own[op] = [n for n in op._inbound_nodes if n in self._network_nodes]

        def history(t):
            op, node_index, tensor_index = t._keras_history
            node = op._inbound_nodes[node_index]
            return [op.name, own[op].index(node), tensor_index]

        def arg(value):
            if isinstance(value, KerasTensor):
                return {
                    "class_name": "__keras_tensor__",
                    "config": {
                        "shape": list(value.shape),
                        "dtype": value.dtype,
                        "keras_history": history(value),
                    },
                }
            return value

        layers = []
        for op in self._layers:
            entry = serialization.serialize(op)
            entry["name"] = op.name
            entry["inbound_nodes"] = [
                {
                    "args": symbolic.map_structure(arg, list(node.call_args)),
                    "kwargs": symbolic.map_structure(arg, node.call_kwargs),
                }
                for node in own[op]
                if not node.is_input
            ]
            layers.append(entry)

        def endpoints(struct):
            mapped = symbolic.map_structure(history, struct)
            if isinstance(mapped, list) and len(mapped) == 1:
                return mapped[0]
            return mapped

        return {
            "name": self.name,
            "trainable": self.trainable,
            "layers": layers,
            "input_layers": endpoints(self._inputs_struct),
            "output_layers": endpoints(self._outputs_struct),
        }


# --------------------------------------------------------------- helpers
def _fill(template, values):
    if isinstance(template, _Slot):
        return values[template.index]
    if isinstance(template, list):
        return [_fill(x, values) for x in template]
    if isinstance(template, tuple):
        return tuple(_fill(x, values) for x in template)
    if isinstance(template, dict):
        return {k: _fill(v, values) for k, v in template.items()}
    return template


def _check_tensors(struct, what):
    for t in symbolic.flatten(struct):
        if not isinstance(t, KerasTensor) or t._keras_history is None:
            raise ValueError(
                f"All `{what}` of a functional Model must be symbolic tensors "
                "made with `kara.Input(...)` and layers called on them. "
                f"Received {what}={struct!r}, including {t!r} of type "
                f"{type(t).__name__}."
            )
    if isinstance(struct, tuple):
        return list(struct)
    return struct


def _adjust_input(x, ref, index, model):
    """Converts one model input and fixes a rank off by a size-1 axis."""
    if not isinstance(x, Tensor):
        x = Tensor(backend.as_array(x, dtype=ref.dtype, name="inputs"))
    elif x.data.dtype != ref.dtype:
        x = ops.cast(x, ref.dtype)
    ref_shape = ref.shape
    if x.ndim == len(ref_shape):
        return x
    # Keras accepts (N,) for an Input of shape (None, 1) and (N, 1) for
    # (None,): add or drop the size-1 last axis.
    if x.ndim == len(ref_shape) - 1 and ref_shape[-1] == 1:
        return ops.expand_dims(x, -1)
    if x.ndim == len(ref_shape) + 1 and x.shape[-1] == 1:
        return ops.squeeze(x, -1)
    raise ValueError(input_shape_error(model, index, ref, x.shape))


def input_shape_error(model, index, ref, shape):
    """The message for a model input of the wrong rank."""
    layer = ref._keras_history[0]
    shape = tuple(shape)
    text = (
        f"Input {index} of model {model.name!r} (layer {layer.name!r}) "
        f"expects shape {ref.shape}, but received an input of shape {shape} "
        f"(rank {len(shape)} instead of {len(ref.shape)})."
    )
    sample = tuple(ref.shape[1:])
    if shape == sample:
        text += (
            " It looks like a single sample without the batch axis: use "
            "`x[None, ...]` (or `np.expand_dims(x, 0)`)."
        )
    elif len(shape) > len(ref.shape) and None not in sample:
        import math

        if math.prod(shape[1:]) == math.prod(sample):
            text += (
                " The sizes match once flattened: add a Flatten() layer, "
                "or reshape the data with `x.reshape(len(x), -1)`."
            )
    return text


def _map_graph(inputs, outputs):
    """Orders the graph between `inputs` and `outputs` as Keras does.

    Returns:
        `(nodes, nodes_by_depth, operations)`: the nodes from inputs to
        outputs, `{depth: [nodes]}` (depth 0 = outputs), and the layers
        by decreasing depth, ties in the order the walk first met them.
    """
    input_ids = {id(t) for t in inputs}
    finished, in_progress = set(), set()
    order, op_index = [], {}
    for output in outputs:
        stack = [(output, False)]
        while stack:
            tensor, done = stack.pop()
            op, node_index, _ = tensor._keras_history
            node = op._inbound_nodes[node_index]
            if done:
                in_progress.discard(node)
                finished.add(node)
                order.append(node)
                continue
            if node in finished:
                continue
            if not node.is_input and id(tensor) in input_ids:
                finished.add(node)  # an intermediate tensor used as input
                continue
            if node in in_progress:
                raise ValueError(
                    f"Tensor {tensor!r} from layer {op.name!r} is part of a "
                    "cycle."
                )
            op_index.setdefault(op, len(op_index))
            in_progress.add(node)
            stack.append((tensor, True))
            if not node.is_input:
                for t in reversed(node.input_tensors):
                    stack.append((t, False))

    in_graph = set(order)
    node_depth, op_depth = {}, {}
    for node in reversed(order):
        depth = node_depth.setdefault(node, 0)
        depth = max(depth, op_depth.get(node.operation, 0))
        op_depth[node.operation] = depth
        node_depth[node] = depth
        for parent in node.parent_nodes:
            if parent in in_graph:
                node_depth[parent] = max(depth + 1, node_depth.get(parent, 0))
    for t in inputs:  # inputs that no output depends on
        op, node_index, _ = t._keras_history
        node = op._inbound_nodes[node_index]
        if op not in op_depth and node.is_input:
            op_depth[op] = 0
            op_index[op] = -1
            node_depth[node] = 0
            order.append(node)

    nodes_by_depth = {}
    for node, depth in node_depth.items():
        nodes_by_depth.setdefault(depth, []).append(node)
    ops_by_depth = {}
    for op, depth in op_depth.items():
        ops_by_depth.setdefault(depth, []).append(op)
    operations = []
    for depth in sorted(ops_by_depth, reverse=True):
        operations.extend(sorted(ops_by_depth[depth], key=op_index.get))

    # every tensor a node needs must come from the inputs
    computable = set(input_ids)
    for depth in sorted(nodes_by_depth, reverse=True):
        for node in nodes_by_depth[depth]:
            for t in node.input_tensors:
                if id(t) not in computable:
                    raise ValueError(
                        f"Graph disconnected: cannot find parent for tensor "
                        f"{t!r} at layer {node.operation.name!r}. Every "
                        "path to the outputs must start at one of the "
                        "model's `inputs`: pass the missing `Input` to "
                        "`Model(inputs=[...])`."
                    )
            if node.is_input:
                continue  # an Input not among `inputs` provides nothing
            for t in node.output_tensors:
                computable.add(id(t))
    return order, nodes_by_depth, operations


def functional_from_config(cls, config, custom_objects=None, safe_mode=None):
    """Rebuilds a functional model from `get_config()`'s dict."""
    from kara.layers import serialization

    created = {}
    node_outputs = {}  # layer name -> [flat outputs of each replayed node]
    pending = {}
    for data in config["layers"]:
        entry = {k: v for k, v in data.items() if k != "inbound_nodes"}
        layer = serialization.deserialize(entry, custom_objects, safe_mode)
        created[data["name"]] = layer
        pending[data["name"]] = list(data.get("inbound_nodes", []))
        if isinstance(layer, InputLayer):
            node_outputs[data["name"]] = [[layer.output_tensor]]
        else:
            node_outputs[data["name"]] = []

    class _NotReady(Exception):
        pass

    def resolve(value):
        if isinstance(value, dict) and value.get("class_name") == (
            "__keras_tensor__"
        ):
            name, node_index, tensor_index = value["config"]["keras_history"]
            outs = node_outputs.get(name, [])
            if node_index >= len(outs):
                raise _NotReady
            return outs[node_index][tensor_index]
        if isinstance(value, list):
            return [resolve(v) for v in value]
        if isinstance(value, dict):
            return {k: resolve(v) for k, v in value.items()}
        return value

    while any(pending.values()):
        progress = False
        for data in config["layers"]:
            name = data["name"]
            while pending[name]:
                node = pending[name][0]
                try:
                    args = resolve(node.get("args", []))
                    kwargs = resolve(node.get("kwargs", {}))
                except _NotReady:
                    break
                out = created[name](*args, **kwargs)
                node_outputs[name].append(symbolic.flatten(out))
                pending[name].pop(0)
                progress = True
        if not progress:
            raise ValueError(
                "Could not rebuild the functional model from its config: "
                "some layers' inputs are never produced."
            )

    def endpoint(ref):
        name, node_index, tensor_index = ref
        return node_outputs[name][node_index][tensor_index]

    def endpoints(refs):
        if isinstance(refs, dict):
            return {k: endpoint(v) for k, v in refs.items()}
        if refs and not isinstance(refs[0], (list, tuple)):
            return endpoint(refs)
        return [endpoint(r) for r in refs]

    model_cls = Functional if cls in (Model, Functional) else cls
    return model_cls(
        inputs=endpoints(config["input_layers"]),
        outputs=endpoints(config["output_layers"]),
        name=config.get("name"),
        trainable=config.get("trainable", True),
    )
