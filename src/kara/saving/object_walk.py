"""Where each layer's weights live in a Keras 3 weights file.

A `.weights.h5` file (and the `model.weights.h5` inside a `.keras` file)
stores each object's own variables in a group `<path>/vars`, as datasets
`"0"`, `"1"`, ... in the object's variable order. The paths come from a
walk over the model that Keras 3 defines, and kara follows it exactly so
that files move both ways:

- the model itself is `""` (its group is `vars`);
- a Sequential or functional model first lists `layers`: each layer's
  path is `layers/<snake_case class name>`, numbered `_1`, `_2`, ... for
  repeats (`layers/dense`, `layers/dense_1`), never the layer's own name
  (auto names differ between runs);
- then every attribute, public ones first, each in alphabetical order:
  a layer or optimizer under the attribute name (`optimizer`, or `head`
  for `self.head = Dense(...)` in a subclassed model), a list, tuple or
  dict of them as above (`blocks/dense`, `blocks/dense_1`), nested lists
  as `container`, `container_1`, ...;
- attributes every plain `Layer` has are skipped, and an object already
  visited is not visited again (its first path wins).

Example:
>>> import kara
>>> model = kara.Sequential([kara.Input((3,)), kara.layers.Dense(2),
...                          kara.layers.Dense(1)])
>>> [path for path, _ in saveable_entries(model)]
['', 'layers/dense', 'layers/dense_1']
"""

import functools

from kara.utils import naming


def _classes():
    from kara.layers.layer import Layer
    from kara.models.functional import Functional
    from kara.models.sequential import Sequential
    from kara.optimizers.optimizer import Optimizer

    return Layer, Optimizer, Sequential, Functional


@functools.lru_cache(maxsize=None)
def _skipset():
    """Attribute names of a plain Layer (Keras skips these too)."""
    Layer = _classes()[0]
    probe = Layer(name="kara_saving_probe")
    return frozenset(dir(probe))


def _name_key(name):
    # private attributes are visited after public ones
    return "~" + name if name.startswith("_") else name


def _join(path, name):
    return f"{path}/{name}" if path else name


def _unique(name, used):
    if name in used:
        used[name] += 1
        return f"{name}_{used[name]}"
    used[name] = 0
    return name


def is_saveable(obj):
    """Whether `obj` has its own group in a weights file."""
    Layer, Optimizer, _, _ = _classes()
    return isinstance(obj, (Layer, Optimizer))


def is_optimizer(obj):
    """Whether `obj` is a kara optimizer."""
    return isinstance(obj, _classes()[1])


def saveable_entries(model, include_optimizer=True):
    """Lists `(path, object)` for the model and everything below it.

    Args:
        model: a kara model (or layer).
        include_optimizer: also list `model.optimizer` (when it has one).

    Returns:
        A list in visiting order; each object appears once.
    """
    entries = []
    visited = set()
    _, Optimizer, _, _ = _classes()
    skip = set()
    if not include_optimizer:
        skip = {id(getattr(model, "optimizer", None))}
    _visit(model, "", entries, visited, skip, Optimizer)
    return entries


def _visit(obj, path, entries, visited, skip, Optimizer):
    if id(obj) in visited or id(obj) in skip:
        return
    entries.append((path, obj))
    visited.add(id(obj))
    if isinstance(obj, Optimizer):
        return  # nothing below an optimizer has a group
    for attr, child in _children(obj):
        child_path = _join(path, attr)
        if is_saveable(child):
            _visit(child, child_path, entries, visited, skip, Optimizer)
        elif isinstance(child, (list, tuple, dict)):
            _visit_container(
                child, child_path, entries, visited, skip, Optimizer, set()
            )


def _visit_container(container, path, entries, visited, skip, Optimizer, seen):
    if id(container) in seen:
        return
    seen.add(id(container))
    items = container.values() if isinstance(container, dict) else container
    used = {}
    for item in list(items):
        if is_saveable(item):
            name = _unique(naming.to_snake_case(type(item).__name__), used)
            _visit(item, _join(path, name), entries, visited, skip, Optimizer)
        elif isinstance(item, (list, tuple, dict)):
            name = _unique("container", used)
            _visit_container(
                item,
                _join(path, name),
                entries,
                visited,
                skip,
                Optimizer,
                seen,
            )


def _children(obj):
    """`(attribute name, value)` pairs in Keras 3's visiting order."""
    _, _, Sequential, Functional = _classes()
    if isinstance(obj, (Sequential, Functional)):
        yield "layers", obj.layers
    skip = _skipset()
    for name in sorted(dir(obj), key=_name_key):
        if name.startswith("__") or name in skip:
            continue
        try:
            value = getattr(obj, name)
        except Exception:  # a property that cannot answer yet
            continue
        yield name, value


def own_variables(obj):
    """The variables stored in `obj`'s own group, in file order.

    A layer stores its trainable then non-trainable variables (not its
    sublayers'); an optimizer its `variables` (iterations, learning
    rate, then the slots).
    """
    _, Optimizer, _, _ = _classes()
    if isinstance(obj, Optimizer):
        return list(obj.variables)
    return list(obj._trainable_variables) + list(obj._non_trainable_variables)
