"""`model.summary()`: the table of layers, output shapes and parameters.

Two layouts, picked by the compatibility profile:

- keras3 (default): Keras 3's table, which Keras draws with the `rich`
  library. kara draws the same characters itself (no dependency): the
  box of heavy header lines, one row per layer separated by thin lines,
  cells wrapped at word boundaries and cut with `…` when a word does not
  fit, parameter counts right-aligned with thousands separators, and the
  footer with byte sizes (`397.54 KB`). The default width is
  `min(88, terminal columns - 4)`: 76 when output is not a terminal
  (files, pipes, notebooks, CI), which is what the tests pin.
- keras2: tf.keras 2.15's plain-text table (`_` and `=` rules, 65
  columns), printed line by line.

An unbuilt model never raises: unknown shapes show as `?`, parameter
counts as `0 (unbuilt)`, and a note says how to build the model.

Example (the seed model of the tutorials):
>>> import kara
>>> kara.utils.naming.clear_session()
>>> model = kara.Sequential([kara.Input(shape=(784,)),
...                          kara.layers.Dense(10)])
>>> model.summary(line_length=60)
Model: "sequential"
┏━━━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━┓
┃ Layer (type)             ┃ Output Shape      ┃   Param # ┃
┡━━━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━┩
│ dense (Dense)            │ (None, 10)        │     7,850 │
└──────────────────────────┴───────────────────┴───────────┘
 Total params: 7,850 (30.66 KB)
 Trainable params: 7,850 (30.66 KB)
 Non-trainable params: 0 (0.00 B)
"""

import re
import shutil
import sys

import numpy as np

from kara import config
from kara.utils import summary_table


def print_summary(
    model,
    line_length=None,
    positions=None,
    print_fn=None,
    expand_nested=False,
    show_trainable=False,
    layer_range=None,
):
    """Prints `model`'s summary (see the module docstring).

    Args:
        model: a kara Model.
        line_length: total width of the table.
        positions: column boundaries, as fractions of the width (or
            absolute positions under keras2).
        print_fn: called with the text; keras3 calls it once with the
            whole table, keras2 once per line. Default: print to stdout.
        expand_nested: also list the layers inside nested models.
        show_trainable: add a "Trainable" column.
        layer_range: `(first, last)` layer names or regexes to print.
    """
    printer = _print_keras2 if config.profile() == "keras2" else _print_keras3
    printer(
        model,
        line_length,
        positions,
        print_fn,
        expand_nested,
        show_trainable,
        layer_range,
    )


# ------------------------------------------------------------ the model
def _layout(model):
    """`(layers, sequential_like, relevant_nodes)`, as Keras decides.

    A functional model gets the 4-column layout (with "Connected to") when
    one depth holds several nodes, a node has several inputs, or a layer
    is shared.
    """
    from kara.models.functional import Functional

    layers = model.layers
    if not isinstance(model, Functional):
        return layers, True, None
    nodes = []
    for depth_nodes in model._nodes_by_depth.values():
        if len(depth_nodes) > 1 or (
            len(depth_nodes) == 1 and len(depth_nodes[0].input_tensors) > 1
        ):
            return layers, False, _relevant(model)
        nodes.extend(depth_nodes)
    for layer in layers:
        if sum(1 for n in layer._inbound_nodes if n in nodes) > 1:
            return layers, False, _relevant(model)
    return layers, True, _relevant(model)


def _relevant(model):
    out = []
    for depth_nodes in model._nodes_by_depth.values():
        out.extend(depth_nodes)
    return out


def _unique(weights):
    return list({id(w): w for w in weights}.values())


def _count(weights):
    return int(sum(int(np.prod(w.shape)) for w in _unique(weights)))


def _nbytes(weights):
    return int(
        sum(
            int(np.prod(w.shape)) * np.dtype(w.dtype).itemsize
            for w in _unique(weights)
        )
    )


def _readable_size(size, units):
    for unit in units:
        if size / 1024 < 1:
            return f"{size:.2f} {unit}"
        size /= 1024
    return f"{size:.2f} {units[-1]}"


def _optimizer_weights(model):
    optimizer = getattr(model, "optimizer", None)
    if (
        getattr(model, "compiled", False)
        and optimizer is not None
        and getattr(optimizer, "built", False)
    ):
        return list(optimizer.variables)
    return None


def _layer_range(layers, layer_range):
    if layer_range is None:
        return 0, len(layers)
    if len(layer_range) != 2:
        raise ValueError(
            "layer_range must be a list or tuple of length 2. Received: "
            f"layer_range = {layer_range} of length {len(layer_range)}"
        )
    if not all(isinstance(x, str) for x in layer_range):
        raise ValueError(
            f"layer_range should contain string type only. Received: "
            f"{layer_range}"
        )
    lower = [
        i for i, x in enumerate(layers) if re.match(layer_range[0], x.name)
    ]
    upper = [
        i for i, x in enumerate(layers) if re.match(layer_range[1], x.name)
    ]
    if not lower or not upper:
        raise ValueError(
            "Passed layer_names do not match the layer names in the model. "
            f"Received: {layer_range}"
        )
    if min(lower) > max(upper):
        return min(upper), max(lower) + 1
    return min(lower), max(upper) + 1


def _unbuilt_note():
    return [
        " The model is not built yet, so its output shapes (?) and parameter",
        " counts are unknown. Build it: start it with `Input(shape=...)`, call",
        " `model.build((None, ...))` with your input shape, or call it on data",
        " (`model(x)`, `fit`).",
    ]


# ---------------------------------------------------------------- keras3
def _shape_text3(layer):
    """Keras 3's output shape cell: `(None, 128)`, `?` when unknown."""

    def fmt(shape):
        return "(" + ", ".join(str(d) for d in shape) + ")"

    if layer._inbound_nodes:
        shapes = [fmt(t.shape) for t in layer._inbound_nodes[-1].output_tensors]
    elif layer._build_input_shape is not None:
        try:
            out = layer.compute_output_shape(layer._build_input_shape)
        except Exception:
            return "?"
        from kara.layers import symbolic
        from kara.layers.layer_utils import flat_shapes

        if symbolic.is_shape(out):
            return fmt(out)
        shapes = [fmt(s) for s in flat_shapes(out)]
    else:
        return "?"
    if len(shapes) == 1:
        return shapes[0]
    return "[" + ", ".join(shapes) + "]"


def _connections(layer, relevant):
    """The "Connected to" cell: `["dense[0][0]", ...]`, one per input of
    the layer's calls in this model (`relevant` nodes)."""
    parts = []
    for node in layer._inbound_nodes:
        if relevant and node not in relevant:
            continue
        for t in node.input_tensors:
            inbound, node_index, tensor_index = t._keras_history
            parts.append(f"{inbound.name}[{node_index}][{tensor_index}]")
    return parts


def _print_keras3(
    model,
    line_length,
    positions,
    print_fn,
    expand_nested,
    show_trainable,
    layer_range,
):
    layers, sequential_like, relevant = _layout(model)
    if sequential_like:
        default_length = 88
        positions = positions or [0.45, 0.80, 1.0]
        header = ["Layer (type)", "Output Shape", "Param #"]
        align = ["left", "left", "right"]
    else:
        default_length = 108
        positions = positions or [0.3, 0.56, 0.74, 1.0]
        header = ["Layer (type)", "Output Shape", "Param #", "Connected to"]
        align = ["left", "left", "right", "left"]
    if show_trainable:
        default_length += 12
        positions = [p * 0.90 for p in positions] + [1.0]
        header.append("Trainable")
        align.append("center")
    columns = shutil.get_terminal_size((80, 24)).columns
    line_length = line_length or min(default_length, columns - 4)
    widths, current = [], 0
    for pos in positions:
        width = int(pos * line_length) - current
        if width < 4:
            raise ValueError("Insufficient console width to print summary.")
        widths.append(width)
        current += width

    def fields(layer, prefix=""):
        name = f"{prefix}{layer.name} ({type(layer).__name__})"
        if not layer.built:
            params = "0 (unbuilt)"
        else:
            params = f"{layer.count_params():,}"
        row = [name, _shape_text3(layer), params]
        if not sequential_like:
            row.append(", ".join(_connections(layer, relevant)) or "-")
        if show_trainable:
            if layer.weights:
                row.append("Y" if layer.trainable else "N")
            else:
                row.append("-")
        return row

    def rows_of(layer, level=0):
        prefix = "   " * level + "└ " if level else ""
        rows = [fields(layer, prefix)]
        if expand_nested and getattr(layer, "layers", None):
            for inner in layer.layers:
                rows.extend(rows_of(inner, level + 1))
        return rows

    start, stop = _layer_range(layers, layer_range)
    rows = []
    for layer in layers[start:stop]:
        rows.extend(rows_of(layer))

    table = summary_table.render(
        header,
        rows,
        widths,
        align,
        line_length,
        ascii_only=not summary_table.unicode_ok(print_fn),
    )
    table = [line[:columns] for line in table]  # rich crops at the console

    trainable = model.trainable_weights
    non_trainable = model.non_trainable_weights
    opt = _optimizer_weights(model)
    units = ["B", "KB", "MB", "GB", "TB", "PB"]
    t_count, t_bytes = _count(trainable), _nbytes(trainable)
    n_count, n_bytes = _count(non_trainable), _nbytes(non_trainable)
    o_count = _count(opt) if opt is not None else 0
    o_bytes = _nbytes(opt) if opt is not None else 0
    total = t_count + n_count + o_count
    total_bytes = t_bytes + n_bytes + o_bytes
    lines = [f'Model: "{model.name}"'] + table
    lines.append(
        f" Total params: {total:,} ({_readable_size(total_bytes, units)})"
    )
    lines.append(
        f" Trainable params: {t_count:,} ({_readable_size(t_bytes, units)})"
    )
    lines.append(
        f" Non-trainable params: {n_count:,} ({_readable_size(n_bytes, units)})"
    )
    if opt is not None:
        lines.append(
            f" Optimizer params: {o_count:,} ({_readable_size(o_bytes, units)})"
        )
    if not model.built:
        lines.extend(_unbuilt_note())
    text = "\n".join(lines) + "\n"
    if print_fn is None:
        sys.stdout.write(text)
    else:
        print_fn(text)


# ---------------------------------------------------------------- keras2
def _shape_text2(layer):
    """tf.keras 2's `layer.output_shape`: `(None, 128)`, `[(None, 784)]`
    for an InputLayer, `multiple` when unknown or not unique."""
    from kara.layers.input_layer import InputLayer

    if not layer._inbound_nodes:
        return "multiple" if layer.built else "?"
    shapes = []
    for node in layer._inbound_nodes:
        outs = [tuple(t.shape) for t in node.output_tensors]
        shape = (
            outs
            if isinstance(layer, InputLayer) or len(outs) > 1
            else (outs[0])
        )
        shapes.append(shape)
    if any(s != shapes[0] for s in shapes):
        return "multiple"
    return str(shapes[0])


def _print_keras2(
    model,
    line_length,
    positions,
    print_fn,
    expand_nested,
    show_trainable,
    layer_range,
):
    if print_fn is None:
        print_fn = print
    layers, sequential_like, relevant = _layout(model)
    if sequential_like:
        line_length = line_length or 65
        positions = list(positions or [0.45, 0.85, 1.0])
        header = ["Layer (type)", "Output Shape", "Param #"]
    else:
        line_length = line_length or 98
        positions = list(positions or [0.3, 0.6, 0.70, 1.0])
        header = ["Layer (type)", "Output Shape", "Param #", "Connected to"]
    if positions[-1] <= 1:
        positions = [int(line_length * p) for p in positions]
    if show_trainable:
        line_length += 11
        positions.append(line_length)
        header.append("Trainable")

    def print_row(fields, level=0):
        left = [str(x) for x in fields]
        last = len(positions) - 1
        while any(left):
            line = ""
            for col in range(len(left)):
                start = positions[col - 1] if col > 0 else 0
                end = positions[col]
                space = 2 if col != last else 0
                cutoff = end - start - space
                if col != last:
                    cutoff -= 1  # align the start of the next column
                if col == 0:
                    cutoff -= level
                fit = left[col][:cutoff]
                # prefer breaking after a list/tuple element
                cuts = [
                    fit.find(s) + len(s)
                    for s in ("),", "},", "],", "',")
                    if fit.find(s) >= 0
                ]
                if cuts:
                    cutoff = min(cuts)
                    fit = fit[:cutoff]
                if col == 0:
                    line += "|" * level + " "
                line += fit + " " * space
                left[col] = left[col][cutoff:]
                if level and col == last:
                    line += " " * (positions[col] - len(line) - level)
                else:
                    line += " " * (positions[col] - len(line))
            print_fn(line + "|" * level)

    def layer_fields(layer):
        if not layer.built:
            params = "0 (unused)"  # tf.keras 2's wording
        else:
            params = layer.count_params()
        row = [f"{layer.name} ({type(layer).__name__})", _shape_text2(layer)]
        row.append(params)
        if not sequential_like:
            row.append(_connections(layer, relevant))
        if show_trainable:
            row.append("Y" if layer.trainable else "N")
        return row

    def print_layer(layer, level=0, is_nested_last=False):
        print_row(layer_fields(layer), level)
        if expand_nested and getattr(layer, "layers", None):
            print_fn(
                "|" * (level + 1)
                + "¯" * (line_length - 2 * level - 2)
                + "|" * (level + 1)
            )
            inner = layer.layers
            for i, sub in enumerate(inner):
                print_layer(sub, level + 1, i == len(inner) - 1)
            print_fn(
                "|" * level + "¯" * (line_length - 2 * level) + "|" * level
            )
            # tf.keras 2 prints no blank line after an expanded model
            is_nested_last = True
        if not is_nested_last:
            print_fn(
                "|" * level + " " * (line_length - 2 * level) + "|" * level
            )

    print_fn(f'Model: "{model.name}"')
    print_fn("_" * line_length)
    print_row(header)
    print_fn("=" * line_length)
    start, stop = _layer_range(layers, layer_range)
    for layer in layers[start:stop]:
        print_layer(layer)
    print_fn("=" * line_length)
    trainable = model.trainable_weights
    non_trainable = model.non_trainable_weights
    units = ["Byte", "KB", "MB", "GB", "TB", "PB"]
    t_count, t_bytes = _count(trainable), _nbytes(trainable)
    n_count, n_bytes = _count(non_trainable), _nbytes(non_trainable)
    total_size = _readable_size(t_bytes + n_bytes, units)
    print_fn(f"Total params: {t_count + n_count} ({total_size})")
    print_fn(f"Trainable params: {t_count} ({_readable_size(t_bytes, units)})")
    print_fn(
        f"Non-trainable params: {n_count} ({_readable_size(n_bytes, units)})"
    )
    print_fn("_" * line_length)
    if not model.built:
        for line in _unbuilt_note():
            print_fn(line)
