"""The Keras 3 weights file (`.weights.h5`, and `model.weights.h5` inside a
`.keras` file): writing it, reading it safely, and loading it all at once.

Layout (found by listing files written by Keras 3.15 with h5py):

    vars                      attrs {"name": model name}; the model's own
    layers/dense/vars         attrs {"name": "dense"}; datasets "0", "1"
    layers/dropout/vars       (empty: a layer without weights)
    optimizer/vars            "0" iterations (int64), "1" learning rate,
                              then the slots (Adam: m, v per variable)

The group paths come from `object_walk`. Datasets are plain contiguous
arrays in the variables' dtypes. Nothing else is read from a file: no
pickles, no code.

Reading checks every object before trusting it: only hard links (no soft
or external links, which could point outside the file), only plain numeric
datasets (no object, string, external or virtual ones), each dataset's
declared size bounded, the keys of a `vars` group exactly `"0"..."n-1"`.

Loading is all or nothing: every array is matched to its variable and
checked (count and shape) before the first one is assigned, so a bad file
leaves the model as it was.

Example:
>>> import io, numpy as np, kara
>>> model = kara.Sequential([kara.Input((3,)), kara.layers.Dense(2)])
>>> data = weights_to_bytes(model)
>>> stored = read_weights(io.BytesIO(data))
>>> sorted(stored), [a.shape for a in stored["layers/dense"].arrays]
(['', 'layers/dense'], [(3, 2), (2,)])
"""

import io
import warnings

import numpy as np

from kara.saving import object_walk

# The largest array a file may declare (bytes). Tests lower it.
MAX_DATASET_BYTES = 1 << 34  # 16 GiB
# Refuse a dataset declaring more than this many times its stored bytes:
# a "shape bomb" that stores nothing but asks for a huge allocation.
MAX_EXPANSION = 1000
_BOMB_FLOOR_BYTES = 1 << 26  # below 64 MiB, a fill-value dataset is fine
MAX_OBJECTS = 1_000_000  # groups + datasets in one file
MAX_DEPTH = 64

HDF5_MAGIC = b"\x89HDF\r\n\x1a\n"


def import_h5py():
    """Imports h5py (a dependency of kara, imported only when needed)."""
    try:
        import h5py
    except ImportError:
        raise ImportError(
            "Reading and writing `.keras` and `.weights.h5` files needs the "
            "h5py package, a dependency of kara: `pip install h5py`."
        ) from None
    return h5py


class Stored:
    """One `<path>/vars` group read from a file: its name and arrays."""

    __slots__ = ("name", "arrays")

    def __init__(self, name, arrays):
        self.name = name
        self.arrays = arrays

    def __repr__(self):
        shapes = [a.shape for a in self.arrays]
        return f"Stored(name={self.name!r}, shapes={shapes})"


class WeightsFileError(ValueError):
    """A weights file that is malformed, hostile or does not fit."""


# ------------------------------------------------------------------ write
def write_weights(h5file, model, include_optimizer=True):
    """Writes the model's variables into an open, empty `h5py.File`."""
    for path, obj in object_walk.saveable_entries(model, include_optimizer):
        group = h5file.create_group(f"{path}/vars" if path else "vars")
        group.attrs["name"] = str(obj.name)
        for i, array in enumerate(_own_arrays(obj)):
            group[str(i)] = array


def _own_arrays(obj):
    custom = getattr(type(obj), "save_own_variables", None)
    if custom is not None and not object_walk.is_optimizer(obj):
        store = {}
        obj.save_own_variables(store)
        return [np.asarray(store[str(i)]) for i in range(len(store))]
    return [v.numpy() for v in object_walk.own_variables(obj)]


def weights_to_bytes(model, include_optimizer=True, attrs=None):
    """The bytes of a `.weights.h5` file holding the model's variables.

    Args:
        model: the model.
        include_optimizer: also write the optimizer's state.
        attrs: optional `{name: str or number}` stored as attributes of
            the file's root (kara's training position in backups).
    """
    h5py = import_h5py()
    buffer = io.BytesIO()
    with h5py.File(buffer, "w") as f:
        write_weights(f, model, include_optimizer)
        for key, value in (attrs or {}).items():
            f.attrs[key] = value
    return buffer.getvalue()


# ------------------------------------------------------------------- read
def read_weights(source, what="the weights file"):
    """Reads every `vars` group of a weights file, checking it on the way.

    Args:
        source: a path or a binary file object.
        what: how to name the file in errors.

    Returns:
        `{path: Stored}` (the model's own group has path `""`).

    Raises:
        WeightsFileError: naming the problem.
    """
    stored, _ = read_weights_and_attrs(source, what)
    return stored


def read_weights_and_attrs(source, what="the weights file", attr_keys=()):
    """`read_weights`, plus the root attributes named in `attr_keys`."""
    h5py = import_h5py()
    _check_magic(source, what)
    try:
        f = h5py.File(source, "r")
    except OSError as e:
        raise WeightsFileError(
            f"Cannot read {what}: it is not a valid HDF5 file, or it is "
            f"truncated or corrupted ({e})."
        ) from None
    try:
        with f:
            stored = {}
            _read_group(h5py, f, "", stored, [0], what)
            attrs = {}
            for key in attr_keys:
                if key in f.attrs:
                    value = f.attrs[key]
                    if isinstance(value, bytes):
                        value = value.decode("utf-8")
                    elif isinstance(value, np.generic):
                        value = value.item()
                    if not isinstance(value, (str, int, float)):
                        raise WeightsFileError(
                            f"{what}: attribute {key!r} is not a plain value."
                        )
                    attrs[key] = value
    except WeightsFileError:
        raise
    except (OSError, RuntimeError, KeyError, ValueError, TypeError) as e:
        raise WeightsFileError(
            f"Cannot read {what}: it is truncated or corrupted ({e})."
        ) from None
    return stored, attrs


def _check_magic(source, what):
    if isinstance(source, (str, bytes)) or hasattr(source, "__fspath__"):
        with open(source, "rb") as fh:
            head = fh.read(8)
    else:
        position = source.tell()
        head = source.read(8)
        source.seek(position)
    if head == HDF5_MAGIC:
        return
    if head[:4] == b"PK\x03\x04":
        raise WeightsFileError(
            f"{what} is a zip archive (a `.keras` model file?), not an HDF5 "
            "`.weights.h5` file. Load a model with "
            "`kara.models.load_model(path)`; its weights alone with "
            "`model.load_weights('model.keras')`."
        )
    raise WeightsFileError(
        f"{what} is not an HDF5 file: it should start with the HDF5 "
        f"signature {HDF5_MAGIC!r} but starts with {head!r}. It may be "
        "truncated, or another kind of file."
    )


def _read_group(h5py, group, path, stored, count, what):
    if path.count("/") >= MAX_DEPTH:
        raise WeightsFileError(f"{what}: groups nest too deeply at {path!r}.")
    for key in group:
        count[0] += 1
        if count[0] > MAX_OBJECTS:
            raise WeightsFileError(
                f"{what} holds more than {MAX_OBJECTS} objects; refusing it."
            )
        full = f"{path}/{key}" if path else key
        link = group.get(key, getlink=True)
        if not isinstance(link, h5py.HardLink):
            raise WeightsFileError(
                f"{what}: {full!r} is a {type(link).__name__}. Links could "
                "point outside the file, so they are not allowed."
            )
        item = group[key]
        if key == "vars" and isinstance(item, h5py.Group):
            stored[path] = _read_vars(h5py, item, full, what)
        elif isinstance(item, h5py.Group):
            _read_group(h5py, item, full, stored, count, what)
        else:
            raise WeightsFileError(
                f"{what}: unexpected dataset {full!r} outside a 'vars' group."
            )


def _read_vars(h5py, group, path, what):
    keys = list(group)
    expected = [str(i) for i in range(len(keys))]
    if sorted(keys, key=_int_or_inf) != expected:
        raise WeightsFileError(
            f"{what}: the group {path!r} should hold datasets named "
            f"{expected} but holds {sorted(keys)}."
        )
    arrays = []
    for key in expected:
        link = group.get(key, getlink=True)
        if not isinstance(link, h5py.HardLink):
            raise WeightsFileError(
                f"{what}: '{path}/{key}' is a {type(link).__name__}. Links "
                "could point outside the file, so they are not allowed."
            )
        arrays.append(_read_dataset(h5py, group[key], f"{path}/{key}", what))
    name = group.attrs.get("name", "")
    if isinstance(name, bytes):
        name = name.decode("utf-8", "replace")
    return Stored(name if isinstance(name, str) else "", arrays)


def _int_or_inf(key):
    return int(key) if key.isdigit() else float("inf")


def _read_dataset(h5py, dataset, path, what):
    if not isinstance(dataset, h5py.Dataset):
        raise WeightsFileError(f"{what}: {path!r} should be a dataset.")
    if dataset.external or dataset.is_virtual:
        raise WeightsFileError(
            f"{what}: {path!r} keeps its data outside the file (an external "
            "or virtual dataset); this is not allowed."
        )
    dtype = dataset.dtype
    if dtype.kind not in "biuf" or dtype.fields is not None:
        raise WeightsFileError(
            f"{what}: {path!r} has dtype {dtype}; weights must be plain "
            "numbers (bool, int or float)."
        )
    declared = int(np.prod(dataset.shape, dtype=np.int64)) * dtype.itemsize
    stored = dataset.id.get_storage_size()
    if declared > MAX_DATASET_BYTES or (
        declared > _BOMB_FLOOR_BYTES and declared > MAX_EXPANSION * stored
    ):
        raise WeightsFileError(
            f"{what}: {path!r} declares {declared} bytes (shape "
            f"{dataset.shape}) but stores {stored}; refusing to allocate it."
        )
    return np.asarray(dataset[()])


# ------------------------------------------------------------------- load
def plan_loading(model, stored, skip_mismatch=False, what="the file"):
    """Matches the stored arrays to the model's variables.

    Nothing is assigned: the result is a list of `(variable, array)` (or
    `(object, arrays)` for objects with their own `load_own_variables`)
    that `apply` assigns. Every problem raises here, before any change.

    Args:
        model: the model to load into.
        stored: `read_weights`'s result.
        skip_mismatch: skip (with a warning) layers whose weights do not
            fit, instead of raising.
        what: how to name the file in errors.

    Returns:
        The list of assignments.

    Raises:
        ValueError: naming the layer, the weight, and both shapes.
    """
    plan = []
    used = set()
    entries = object_walk.saveable_entries(model)
    has_weights = any(
        object_walk.own_variables(obj)
        for _, obj in entries
        if not object_walk.is_optimizer(obj)
    )
    if not has_weights and any(
        s.arrays for p, s in stored.items() if not _is_optimizer_path(p)
    ):
        raise ValueError(
            f"Cannot load {what} into model {model.name!r}: the model has no "
            "weights yet. Build it first (call it on a batch of data, or "
            "`model.build(input_shape)`), then load the weights."
        )
    for index, (path, obj) in enumerate(entries):
        used.add(path)
        if object_walk.is_optimizer(obj):
            plan.extend(_plan_optimizer(obj, stored.get(path), what))
            continue
        variables = object_walk.own_variables(obj)
        group = stored.get(path)
        arrays = group.arrays if group is not None else []
        try:
            if getattr(type(obj), "load_own_variables", None) is not None:
                plan.append((obj, list(arrays)))
                continue
            _check_layer(obj, path, variables, group, what)
        except ValueError as e:
            if not skip_mismatch:
                raise
            warnings.warn(f"Skipping a layer: {e}", stacklevel=3)
            continue
        plan.extend(zip(variables, arrays))
    extra = [
        p
        for p, s in stored.items()
        if p not in used and s.arrays and not _is_optimizer_path(p)
    ]
    if extra and not skip_mismatch:
        listing = ", ".join(
            f"{p!r} ({stored[p].name!r}, {len(stored[p].arrays)} arrays)"
            for p in extra
        )
        raise ValueError(
            f"{what} holds weights that model {model.name!r} has no place "
            f"for: {listing}. The file was saved from a different "
            "architecture (more layers, or layers of other types). Load it "
            "into the same architecture, or pass `skip_mismatch=True`."
        )
    return plan


def _is_optimizer_path(path):
    return path == "optimizer" or path.startswith("optimizer/")


def _describe(obj, path):
    return f"layer {obj.name!r} ({type(obj).__name__}, {path or 'the model'})"


def _check_layer(obj, path, variables, group, what):
    if group is None:
        if not variables:
            return
        raise ValueError(
            f"{what} has no weights for {_describe(obj, path)}, which has "
            f"{len(variables)}: {_list(variables)}. The file was saved from "
            "a different architecture."
        )
    arrays = group.arrays
    if len(arrays) != len(variables):
        raise ValueError(
            f"{_describe(obj, path)} has {len(variables)} weights "
            f"({_list(variables)}), but {what} holds {len(arrays)} for it "
            f"(shapes {[tuple(a.shape) for a in arrays]})."
        )
    for i, (v, a) in enumerate(zip(variables, arrays)):
        if tuple(a.shape) != tuple(v.shape):
            raise ValueError(
                f"{_describe(obj, path)}: weight #{i} {v.name!r} has shape "
                f"{tuple(v.shape)} in the model, but shape {tuple(a.shape)} "
                f"in {what}."
            )


def _list(variables):
    return ", ".join(f"{v.name} {tuple(v.shape)}" for v in variables)


def _plan_optimizer(optimizer, group, what):
    if group is None:
        return []
    variables = object_walk.own_variables(optimizer)
    arrays = group.arrays
    shapes_fit = len(arrays) == len(variables) and all(
        tuple(a.shape) == tuple(v.shape) for v, a in zip(variables, arrays)
    )
    if not shapes_fit:
        if arrays and arrays[0].shape == () and int(arrays[0]) == 0:
            # saved before its first step (iterations == 0): there is no
            # state to restore, the learning rate comes from the config
            return []
        warnings.warn(
            f"Skipping the optimizer state in {what}: optimizer "
            f"{optimizer.name!r} has {len(variables)} variables, the file "
            f"{len(arrays)} (or their shapes differ). Training continues "
            f"from a fresh optimizer state.{_profile_hint()}",
            stacklevel=4,
        )
        return []
    return list(zip(variables, arrays))


def _profile_hint():
    """Why an optimizer's state may not fit: the other profile saved it."""
    from kara import config

    other = "keras2" if config.profile() == "keras3" else "keras3"
    return (
        " An optimizer's variables depend on kara's profile (under "
        "'keras3' the learning rate is one of them, under 'keras2' it is "
        "not, and some slots differ), and the profile now is "
        f"{config.profile()!r}. If the file was saved under {other!r}, "
        "load it under that profile to restore the state: "
        f"`with kara.config.using_profile({other!r}): ...`."
    )


def apply(plan):
    """Assigns the planned values (see `plan_loading`)."""
    for target, value in plan:
        if isinstance(value, list):  # an object loading its own variables
            target.load_own_variables({str(i): a for i, a in enumerate(value)})
        else:
            target.assign(value.astype(target.dtype, copy=False))


def load_into(model, stored, skip_mismatch=False, what="the file"):
    """Builds the optimizer if needed, then plans and applies the load."""
    maybe_build_optimizer(model, stored)
    apply(plan_loading(model, stored, skip_mismatch, what))


def maybe_build_optimizer(model, stored):
    """Builds a compiled model's optimizer so its saved state can load.

    Training builds the optimizer on `model.trainable_weights` at the
    first step; building it now, on the same list, gives the same slots,
    so the saved state has somewhere to go.
    """
    optimizer = getattr(model, "optimizer", None)
    if optimizer is None or not object_walk.is_optimizer(optimizer):
        return
    if optimizer.built or "optimizer" not in stored:
        return
    weights = model.trainable_weights
    if weights:
        optimizer.build(weights)
