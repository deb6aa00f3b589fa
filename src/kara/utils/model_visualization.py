"""`plot_model`: a model's graph as text, with no Graphviz needed.

Keras's `plot_model` draws the layer graph with pydot and the Graphviz
`dot` program; when either is missing it fails. kara draws the same
graph as plain text (ASCII boxes and arrows, safe on any console), which
`plot_model` returns, and writes a file only where asked:

- `to_file="model.txt"`: the text diagram;
- `to_file="model.dot"` (or `.gv`): the Graphviz source, as
  `model_to_dot` returns it;
- `to_file="model.png"` (Keras's default; also `.svg`, `.pdf`, ...): an
  image, drawn by Graphviz's `dot` program when it is installed. Without
  it, a warning says how to install it and nothing is written: the text
  diagram is still returned.

In the diagram each layer is a box. In a chain (Sequential, or a
functional model without branches) an arrow joins each box to the next;
where the graph branches or merges, each box lists its inputs
(`Inputs: dense, dense_1`) and the boxes show the layer names. A
subclassed model lists its layers in the
order they were created: its connections live in `call()`, which kara
does not trace. An unbuilt model shows `?` for the shapes.

Example:
>>> from kara import layers, models
>>> from kara.utils import naming
>>> naming.clear_session()  # auto-names start again: `input_layer`
>>> model = models.Sequential(
...     [layers.Input(shape=(4,)), layers.Dense(2, name="out")],
...     name="tiny")
>>> print(plot_model(model, to_file=None, show_shapes=True,
...                  show_layer_names=True))
Model: "tiny"
+--------------------------+
| input_layer (InputLayer) |
| Output shape: (None, 4)  |
+--------------------------+
              |
              v
+--------------------------+
| out (Dense)              |
| Input shape: (None, 4)   |
| Output shape: (None, 2)  |
+--------------------------+
"""

import os
import re
import shutil
import warnings

from kara import config
from kara.utils.io_utils import atomic_write

_RANKDIRS = ("TB", "BT", "LR", "RL")
_TEXT_EXTENSIONS = (".txt", ".text")
_DOT_EXTENSIONS = (".dot", ".gv")


class ModelDiagram(str):
    """The text diagram: a `str` that shows as itself in a REPL/notebook."""

    def __repr__(self):
        return str(self)

    def _repr_pretty_(self, printer, cycle):  # IPython
        printer.text(str(self))


# ----------------------------------------------------------------- graph
class _Box:
    """One layer of the graph: its label lines and the boxes it reads."""

    def __init__(self, key, layer, lines, inputs, nested=None):
        self.key = key
        self.layer = layer
        self.lines = lines
        self.inputs = inputs  # keys of the boxes feeding this one
        self.nested = nested  # the inner boxes of an expanded model
        self.node = None  # its DOT node id, numbered in drawing order


def _number(boxes, start=0):
    """Gives every box (nested ones too) a DOT id: layer_0, layer_1, ..."""
    for box in boxes:
        box.node = f"layer_{start}"
        start += 1
        if box.nested is not None:
            start = _number(box.nested, start)
    return start


def _graph(model, options):
    """`(boxes, kind)`: kind is "functional", "sequential" or "subclassed"."""
    layers = list(getattr(model, "layers", None) or [])
    nodes = getattr(model, "_network_nodes", None)
    if nodes is not None:
        kind = "functional"
        entries = [
            (layer, _functional_inputs(layer, nodes)) for layer in layers
        ]
    elif _is_sequential(model):
        kind = "sequential"
        first = _sequential_input(model)
        stack = ([first] if first is not None else []) + layers
        entries = [
            (layer, [stack[i - 1]] if i else [])
            for i, layer in enumerate(stack)
        ]
    else:
        kind = "subclassed"
        entries = [(layer, []) for layer in layers]
    chain = all(
        inbound == ([entries[i - 1][0]] if i else [])
        for i, (_, inbound) in enumerate(entries)
    )
    if kind == "functional" and not chain:
        # "Inputs: dense_1" lines refer to names: the titles must show them
        options = {**options, "show_layer_names": True}
    boxes = []
    for layer, inbound in entries:
        nested = None
        if options["expand_nested"] and getattr(layer, "layers", None):
            nested = _graph(layer, options)[0]
        boxes.append(
            _Box(
                id(layer),
                layer,
                _label(layer, options),
                [id(x) for x in inbound],
                nested,
            )
        )
    return boxes, kind


def _is_sequential(model):
    try:
        from kara.models.sequential import Sequential
    except ImportError:  # models not available: judge by the interface
        return hasattr(model, "add") and hasattr(model, "pop")
    return isinstance(model, Sequential)


def _sequential_input(model):
    """The InputLayer in front of a Sequential model, if it has one."""
    try:
        tensor = model.inputs[0]
    except (AttributeError, IndexError, TypeError):
        return None
    history = getattr(tensor, "_keras_history", None)
    return history[0] if history else None


def _functional_inputs(layer, network_nodes):
    inbound = []
    for node in getattr(layer, "_inbound_nodes", ()):
        if node not in network_nodes:
            continue  # a call of this layer in another model
        for tensor in node.input_tensors:
            source = tensor._keras_history[0]
            if source not in inbound:
                inbound.append(source)
    return inbound


def _label(layer, options):
    """The lines written in a layer's box."""
    kind = type(layer).__name__
    name = getattr(layer, "name", "?")
    lines = [f"{name} ({kind})" if options["show_layer_names"] else kind]
    activation = getattr(layer, "activation", None)
    if options["show_layer_activations"] and activation is not None:
        act = getattr(activation, "__name__", None) or str(activation)
        lines.append(f"Activation: {act}")
    in_shapes, out_shapes, in_dtype, out_dtype = _signature(layer)
    input_layer = kind == "InputLayer"
    if options["show_shapes"]:
        if not input_layer:
            lines.append(f"Input shape: {in_shapes}")
        lines.append(f"Output shape: {out_shapes}")
    if options["show_dtype"]:
        if not input_layer:
            lines.append(f"Input dtype: {in_dtype}")
        lines.append(f"Output dtype: {out_dtype}")
    if options["show_trainable"]:
        lines.append(f"Trainable: {getattr(layer, 'trainable', '?')}")
    return lines


def _signature(layer):
    """Input/output shapes and dtypes as text, `?` where unknown."""
    nodes = getattr(layer, "_inbound_nodes", None) or []
    if nodes:
        node = nodes[-1]
        outs = list(getattr(node, "output_tensors", []))
        ins = list(getattr(node, "input_tensors", [])) or outs
        return (
            _shapes_text([t.shape for t in ins]),
            _shapes_text([t.shape for t in outs]),
            _dtype_text(ins),
            _dtype_text(outs),
        )
    in_shape = getattr(layer, "_build_input_shape", None)
    out_shape = None
    if in_shape is not None:
        try:
            out_shape = layer.compute_output_shape(in_shape)
        except Exception:  # an unbuilt or unusual layer: leave it unknown
            out_shape = None
    dtype = getattr(layer, "compute_dtype", None) or "?"
    return (
        _shapes_text([in_shape] if in_shape is not None else []),
        _shapes_text([out_shape] if out_shape is not None else []),
        dtype,
        dtype,
    )


def _shapes_text(shapes):
    texts = [_shape_text(s) for s in shapes]
    if not texts:
        return "?"
    return texts[0] if len(texts) == 1 else "[" + ", ".join(texts) + "]"


def _shape_text(shape):
    if isinstance(shape, (list, tuple)) and all(
        d is None or isinstance(d, int) for d in shape
    ):
        return "(" + ", ".join(str(d) for d in shape) + ")"
    return str(shape)


def _dtype_text(tensors):
    dtypes = [str(getattr(t, "dtype", "?")) for t in tensors]
    if not dtypes:
        return "?"
    return dtypes[0] if len(set(dtypes)) == 1 else "[" + ", ".join(dtypes) + "]"


# ------------------------------------------------------------------ text
def _render(boxes, rankdir, kind):
    """The diagram lines of `boxes`, laid out along `rankdir`."""
    if not boxes:
        return ["(no layers)"]
    keys = [box.key for box in boxes]
    # linked[i]: box i reads exactly box i - 1, so an arrow can join them
    linked = [
        i > 0 and box.inputs == [keys[i - 1]] for i, box in enumerate(boxes)
    ]
    names = {box.key: getattr(box.layer, "name", "?") for box in boxes}
    contents = []
    for box, chain in zip(boxes, linked):
        lines = list(box.lines)
        if box.inputs and not chain:
            lines.append("Inputs: " + ", ".join(names[k] for k in box.inputs))
        if box.nested is not None:
            lines += [""] + _render(box.nested, "TB", "nested")
        contents.append(lines)
    # one width for a column of boxes; side by side, each its own
    width = max(len(line) for lines in contents for line in lines)
    vertical = rankdir in ("TB", "BT")
    blocks = [_framed(lines, width if vertical else None) for lines in contents]
    order = list(range(len(boxes)))
    if rankdir in ("BT", "RL"):
        order.reverse()
    arrows = [linked[max(order[k - 1], order[k])] for k in range(1, len(order))]
    blocks = [blocks[i] for i in order]
    if vertical:
        return _vertical(blocks, arrows, "v" if rankdir == "TB" else "^")
    return _horizontal(blocks, arrows, "-->" if rankdir == "LR" else "<--")


def _framed(lines, width=None):
    """Lines in an ASCII box: `+---+`, `| text |`."""
    width = width or max(len(line) for line in lines)
    rule = "+" + "-" * (width + 2) + "+"
    return [rule] + ["| " + line.ljust(width) + " |" for line in lines] + [rule]


def _vertical(blocks, arrows, head):
    """Blocks one above the other; a joined pair gets `|` and `v`/`^`."""
    width = max(len(block[0]) for block in blocks)
    middle = " " * (width // 2)
    out = [line.ljust(width) for line in blocks[0]]
    for block, arrow in zip(blocks[1:], arrows):
        if arrow and head == "v":
            out += [middle + "|", middle + "v"]
        elif arrow:
            out += [middle + "^", middle + "|"]
        else:
            out.append("")
        out += [line.ljust(width) for line in block]
    return [line.rstrip() for line in out]


def _horizontal(blocks, arrows, head):
    """Blocks side by side; a joined pair gets `-->`/`<--` halfway up."""
    height = max(len(block) for block in blocks)
    padded = [
        [line.ljust(len(block[0])) for line in block]
        + [" " * len(block[0])] * (height - len(block))
        for block in blocks
    ]
    rows = list(padded[0])
    for block, arrow in zip(padded[1:], arrows):
        for r in range(height):
            # the arrow on the row of the layer titles (row 1 of each box)
            joint = f" {head} " if arrow and r == 1 else " " * (len(head) + 2)
            rows[r] += joint + block[r]
    return [row.rstrip() for row in rows]


# ------------------------------------------------------------------- dot
def _dot_source(boxes, kind, rankdir, dpi, splines, name, subgraph=False):
    """Graphviz DOT source for `boxes`."""
    lines = []
    if not subgraph:
        lines += [
            f"digraph {_quote(name)} {{",
            f"  graph [rankdir={rankdir}, dpi={dpi}, splines={splines}];",
            '  node [shape=record, fontname="Helvetica"];',
        ]
    lines += _dot_body(boxes, kind, "  ")
    if not subgraph:
        lines.append("}")
    return "\n".join(lines) + "\n"


def _dot_body(boxes, kind, indent):
    lines = []
    keys = [box.key for box in boxes]
    for box in boxes:
        if box.nested is not None:
            lines.append(f"{indent}subgraph cluster_{box.node} {{")
            lines.append(f"{indent}  label={_quote(box.lines[0])};")
            lines += _dot_body(box.nested, "nested", indent + "  ")
            lines.append(f"{indent}}}")
        else:
            label = "\\n".join(_escape(line) for line in box.lines)
            lines.append(f'{indent}{box.node} [label="{label}"];')
    for i, box in enumerate(boxes):
        sources = box.inputs
        if kind == "nested" and not sources and i:
            sources = [keys[i - 1]]  # inner layers of an expanded model
        for key in sources:
            source = boxes[keys.index(key)] if key in keys else None
            if source is not None:
                lines.append(f"{indent}{_tail(source)} -> {_head(box)};")
    return lines


def _tail(box):
    """The node an edge leaves from (an expanded model's last layer)."""
    while box.nested:
        box = box.nested[-1]
    return box.node


def _head(box):
    """The node an edge enters (an expanded model's first layer)."""
    while box.nested:
        box = box.nested[0]
    return box.node


def _escape(text):
    """Text safe inside a DOT record label."""
    return re.sub(r'([{}|<>"\\])', r"\\\1", text)


def _quote(text):
    return '"' + str(text).replace("\\", "\\\\").replace('"', '\\"') + '"'


# ---------------------------------------------------------------- public
def _model_graph(model, rankdir, show_layer_names, **flags):
    """Checks the arguments; returns `(boxes, kind)` (see `_graph`).

    `flags` are the other `show_*` arguments and `expand_nested`.
    """
    if not hasattr(model, "layers"):
        raise TypeError(
            "plot_model(model=...) takes a kara model (Sequential, a "
            "functional Model or a subclassed Model). Received: "
            f"{type(model).__name__}"
        )
    if rankdir not in _RANKDIRS:
        raise ValueError(
            f"`rankdir` must be one of {_RANKDIRS} (top to bottom, bottom "
            f"to top, left to right, right to left). Received: "
            f"rankdir={rankdir!r}"
        )
    if show_layer_names is None:
        # Keras 3 hides the names by default; tf.keras 2 showed them.
        show_layer_names = config.profile() == "keras2"
    return _graph(model, {"show_layer_names": show_layer_names, **flags})


def model_to_text(
    model,
    show_shapes=False,
    show_dtype=False,
    show_layer_names=None,
    rankdir="TB",
    expand_nested=False,
    show_layer_activations=False,
    show_trainable=False,
):
    """The text diagram of `model` (what `plot_model` returns).

    Args: as `plot_model`.

    Returns:
        A `ModelDiagram` (a `str`).
    """
    boxes, kind = _model_graph(
        model,
        rankdir,
        show_layer_names,
        show_shapes=show_shapes,
        show_dtype=show_dtype,
        show_layer_activations=show_layer_activations,
        show_trainable=show_trainable,
        expand_nested=expand_nested,
    )
    lines = [f'Model: "{getattr(model, "name", "model")}"']
    if kind == "subclassed" and boxes:
        lines.append("(a subclassed model: its layers in the order they were")
        lines.append(" created; the connections made in call() are unknown)")
    lines += _render(boxes, rankdir, kind)
    return ModelDiagram("\n".join(lines))


def model_to_dot(
    model,
    show_shapes=False,
    show_dtype=False,
    show_layer_names=None,
    rankdir="TB",
    expand_nested=False,
    dpi=None,
    subgraph=False,
    show_layer_activations=False,
    show_trainable=False,
    splines="ortho",
):
    """The Graphviz DOT source of `model`'s graph, as a string.

    Keras returns a `pydot.Dot` object; kara returns its text, which
    Graphviz (`dot -Tpng model.dot -o model.png`) or any DOT viewer
    renders. No pydot or Graphviz is needed to produce it.

    Args: as `plot_model`, plus `subgraph` (return only the nodes and
        edges, to paste into another graph).

    Returns:
        The DOT source (a `str`).
    """
    boxes, kind = _model_graph(
        model,
        rankdir,
        show_layer_names,
        show_shapes=show_shapes,
        show_dtype=show_dtype,
        show_layer_activations=show_layer_activations,
        show_trainable=show_trainable,
        expand_nested=expand_nested,
    )
    _number(boxes)
    dpi = _default_dpi() if dpi is None else dpi
    name = getattr(model, "name", "model")
    return _dot_source(boxes, kind, rankdir, dpi, splines, name, subgraph)


def _default_dpi():
    return 96 if config.profile() == "keras2" else 200


def plot_model(
    model,
    to_file="model.png",
    show_shapes=False,
    show_dtype=False,
    show_layer_names=None,
    rankdir="TB",
    expand_nested=False,
    dpi=None,
    show_layer_activations=False,
    show_trainable=False,
    **kwargs,
):
    """Draws `model`'s layer graph as text, and saves it if asked.

    Args:
        model: a kara model. Unbuilt models are drawn too, with `?` for
            unknown shapes.
        to_file: where to save: a `.txt` file (the text), a `.dot`/`.gv`
            file (Graphviz source), an image (`.png`, `.svg`, `.pdf`, ...;
            needs Graphviz's `dot` program), or None (save nothing).
        show_shapes: show each layer's input and output shapes.
        show_dtype: show the input and output dtypes.
        show_layer_names: show the layer names next to their classes.
            Default: False under the keras3 profile, True under keras2 (as
            in each Keras).
        rankdir: the direction of the graph: `"TB"` (top to bottom),
            `"BT"`, `"LR"` (left to right) or `"RL"`.
        expand_nested: draw the layers of nested models inside their box.
        dpi: resolution of an image file (default 200; 96 under keras2).
        show_layer_activations: show the activation of layers that have
            one.
        show_trainable: show whether each layer is trainable.
        **kwargs: `splines` (Keras 3: the edge style of image files).

    Returns:
        The text diagram, a `ModelDiagram` (a `str` that a notebook or
        REPL shows as the drawing; `print()` it in scripts).

    Raises:
        ValueError: an unknown argument or `rankdir`.

    Example:
    ```python
    print(kara.utils.plot_model(model, show_shapes=True, to_file=None))
    kara.utils.plot_model(model, to_file="model.dot")  # for Graphviz
    ```
    """
    splines = kwargs.pop("splines", "ortho")
    if kwargs.pop("layer_range", None) is not None:
        raise ValueError(
            "`layer_range` is not supported (Keras 3 dropped it too). "
            "model.summary(layer_range=...) lists a range of layers."
        )
    if kwargs:
        raise ValueError(f"Unrecognized keyword arguments: {kwargs}")
    options = dict(
        show_shapes=show_shapes,
        show_dtype=show_dtype,
        show_layer_names=show_layer_names,
        rankdir=rankdir,
        expand_nested=expand_nested,
        show_layer_activations=show_layer_activations,
        show_trainable=show_trainable,
    )
    text = model_to_text(model, **options)
    if to_file is not None:
        _write(model, os.fspath(to_file), text, options, dpi, splines)
    return text


def _write(model, path, text, options, dpi, splines):
    extension = os.path.splitext(path)[1].lower()
    if extension in _TEXT_EXTENSIONS:
        with atomic_write(path, "w") as f:
            f.write(text + "\n")
        return
    dot = model_to_dot(model, dpi=dpi, splines=splines, **options)
    if extension in _DOT_EXTENSIONS:
        with atomic_write(path, "w") as f:
            f.write(dot)
        return
    program = shutil.which("dot")
    if program is None:
        warnings.warn(
            f"plot_model did not write {path!r}: drawing an image needs "
            "Graphviz's `dot` program, which is not installed (install "
            "Graphviz: apt install graphviz, brew install graphviz, conda "
            "install graphviz, or https://graphviz.org/download). The text "
            "diagram is returned; to_file='model.txt' saves it, and "
            "to_file='model.dot' saves the Graphviz source, both without "
            "Graphviz.",
            stacklevel=3,
        )
        return
    import subprocess  # here: only image files need it

    fmt = extension[1:] or "png"
    # A list of arguments, no shell: the path and format reach `dot`
    # as data, never as shell syntax.
    result = subprocess.run(
        [program, f"-T{fmt}"], input=dot.encode("utf-8"), capture_output=True
    )
    if result.returncode != 0:
        raise RuntimeError(
            f"Graphviz's dot failed to draw {path!r} (exit status "
            f"{result.returncode}): "
            f"{result.stderr.decode('utf-8', 'replace').strip()}"
        )
    with atomic_write(path, "wb") as f:
        f.write(result.stdout)
