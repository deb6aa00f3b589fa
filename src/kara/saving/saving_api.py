"""`save_model`, `load_model`, `save_weights`, `load_weights`.

The formats are Keras 3's own, chosen by the file's extension:

- `.keras`: the whole model (architecture, weights, optimizer state and
  compile arguments) in one zip file. `kara.models.load_model` reads it
  back; so does Keras 3 (`keras.models.load_model`), and kara reads the
  `.keras` files Keras 3 writes for models of layers kara has.
- `.weights.h5`: the variables only (with the optimizer's state); load
  them into a model of the same architecture.

Every file is written atomically (a temporary file renamed into place), so
an interrupted save leaves the previous file intact. Loading never
unpickles and never runs code from the file (see `serialization_lib`), and
a file that does not fit raises before the model changes.

Example:
>>> import os, tempfile, numpy as np, kara
>>> model = kara.Sequential([kara.Input((3,)), kara.layers.Dense(2)])
>>> path = os.path.join(tempfile.mkdtemp(), "model.keras")
>>> model.save(path)
>>> again = kara.models.load_model(path)
>>> x = np.ones((1, 3), "float32")
>>> bool((again.predict(x, verbose=0) == model.predict(x, verbose=0)).all())
True
"""

import datetime
import io
import json
import os

from kara.saving import h5_weights
from kara.saving import keras_archive
from kara.saving import model_config
from kara.utils import naming
from kara.utils.io_utils import atomic_write

# The Keras version whose format kara writes (metadata.json).
KERAS_FORMAT_VERSION = "3.15.1"
MODEL_SUFFIXES = (".keras",)
WEIGHTS_SUFFIXES = (".weights.h5",)


# ------------------------------------------------------------ file names
def _check_model_path(filepath, action):
    path = os.fspath(filepath)
    if path.endswith(MODEL_SUFFIXES):
        return path
    if path.endswith(WEIGHTS_SUFFIXES):
        fix = (
            "to save the weights alone use `model.save_weights(path)`"
            if action == "save"
            else "build the model, then call `model.load_weights(path)`"
        )
        raise ValueError(
            f"{path!r} is a weights file: {fix}. Whole models use the "
            "`.keras` extension."
        )
    if path.endswith((".h5", ".hdf5")):
        raise ValueError(
            f"kara does not {action} the legacy tf.keras HDF5 model format "
            f"(received filepath={path!r}). Use the Keras 3 format: "
            "`model.save('model.keras')`. (A `.h5` model written by "
            "tf.keras can be converted once with Keras 3: "
            "`keras.models.load_model('m.h5').save('m.keras')`.)"
        )
    raise ValueError(
        f"Invalid filepath extension for {action}: {path!r}. Supported: "
        "`.keras` for a whole model (`model.save('model.keras')`), "
        "`.weights.h5` for the weights alone "
        "(`model.save_weights('model.weights.h5')`)."
    )


def _check_weights_path(filepath, action):
    path = os.fspath(filepath)
    if path.endswith(WEIGHTS_SUFFIXES):
        return path
    if action == "load" and path.endswith(MODEL_SUFFIXES):
        return path  # the weights of a .keras file
    raise ValueError(
        f"The filename must end in `.weights.h5` (received filepath="
        f"{path!r})."
        + (
            " `load_weights` also reads the weights of a `.keras` file."
            if action == "load"
            else " For a whole model use `model.save('model.keras')`."
        )
    )


def _check_overwrite(path, overwrite):
    if not overwrite and os.path.exists(path):
        raise FileExistsError(
            f"{path!r} exists and `overwrite=False`. Pass `overwrite=True` "
            "to replace it, or choose another file name."
        )


def _check_folder(path):
    folder = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(folder):
        raise FileNotFoundError(
            f"Cannot save to {path!r}: the folder {folder!r} does not exist. "
            "Create it first: `os.makedirs(folder, exist_ok=True)`."
        )


# ---------------------------------------------------------------- models
def save_model(model, filepath, overwrite=True, zipped=None, **kwargs):
    """Saves a model as a Keras 3 `.keras` file.

    Args:
        model: the model.
        filepath: a path ending in `.keras`.
        overwrite: replace an existing file (default); `False` raises
            `FileExistsError` instead.
        zipped: accepted for Keras compatibility; only `None`/`True`.
        **kwargs: `include_optimizer` (default True): also save the
            optimizer's state. `save_format` (deprecated) is accepted
            when it says "keras".

    Raises:
        ValueError: for another extension (the message lists the
            supported ones) or an object that cannot be saved.
    """
    include_optimizer = kwargs.pop("include_optimizer", True)
    save_format = kwargs.pop("save_format", None)
    if save_format not in (None, "keras", "keras_v3"):
        raise ValueError(
            "The `save_format` argument is deprecated in Keras 3; the "
            "format follows the extension. Remove it and pass a path ending "
            f"in `.keras`. Received: save_format={save_format!r}"
        )
    _check_kwargs(kwargs, "save", ["include_optimizer", "save_format"])
    if zipped is False:
        raise ValueError(
            "kara writes `.keras` files zipped only: leave `zipped` unset."
        )
    path = _check_model_path(filepath, "save")
    _check_folder(path)
    _check_overwrite(path, overwrite)
    config = model_config.model_to_config(model)
    try:
        config_json = json.dumps(config, default=_json_default)
    except TypeError as e:
        raise ValueError(
            f"Cannot save model {model.name!r}: its config holds a value "
            f"that is not JSON ({e}). Each layer's `get_config()` must "
            "return plain values (numbers, strings, lists, dicts)."
        ) from None
    metadata = {
        "keras_version": KERAS_FORMAT_VERSION,
        "kara_version": _kara_version(),
        "date_saved": datetime.datetime.now().strftime("%Y-%m-%d@%H:%M:%S"),
    }
    weights = h5_weights.weights_to_bytes(model, include_optimizer)
    keras_archive.write_archive(
        path,
        {
            keras_archive.METADATA: json.dumps(metadata).encode("utf-8"),
            keras_archive.CONFIG: config_json.encode("utf-8"),
            keras_archive.WEIGHTS: weights,
        },
    )


def load_model(filepath, custom_objects=None, compile=True, safe_mode=True):
    """Loads a model saved with `model.save()` (kara or Keras 3).

    Args:
        filepath: a `.keras` file.
        custom_objects: `{name: class_or_function}` for your own layers,
            losses, ... (or register them with
            `kara.saving.register_keras_serializable`).
        compile: recompile the model as it was saved, with its optimizer
            state restored.
        safe_mode: `False` allows `Lambda` layers holding Python lambdas
            (their saved bytecode runs). Only for files you trust.

    Returns:
        The model, with the saved weights.

    Raises:
        ValueError: for a malformed, truncated or hostile file, unknown
            classes, or weights that do not fit; the message says which.
    """
    path = _check_model_path(filepath, "load")
    members = keras_archive.read_archive(path)
    config = _parse_json(members[keras_archive.CONFIG], path, "config.json")
    model = model_config.model_from_config(
        config, custom_objects, safe_mode, compile
    )
    stored = h5_weights.read_weights(
        io.BytesIO(members[keras_archive.WEIGHTS]),
        what=f"the weights in {path!r}",
    )
    h5_weights.load_into(model, stored, what=f"the weights in {path!r}")
    return model


def _parse_json(data, path, member):
    try:
        value = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError) as e:
        raise keras_archive.ArchiveError(
            f"{path!r}: {member} is not valid JSON ({type(e).__name__}: "
            f"{str(e)[:200]}). The file is corrupted or was not written by "
            "Keras or kara."
        ) from None
    if not isinstance(value, dict):
        raise keras_archive.ArchiveError(
            f"{path!r}: {member} should hold a JSON object, not "
            f"{type(value).__name__}."
        )
    return value


# --------------------------------------------------------------- weights
def save_weights(model, filepath, overwrite=True, **kwargs):
    """Saves the model's variables (and optimizer state) as `.weights.h5`.

    Args:
        model: the model.
        filepath: a path ending in `.weights.h5`.
        overwrite: replace an existing file (default).
        **kwargs: `max_shard_size` is not supported (raises).
    """
    if kwargs.pop("max_shard_size", None) is not None:
        raise ValueError(
            "kara writes weights as one file: `max_shard_size` is not "
            "supported."
        )
    _check_kwargs(kwargs, "save_weights", ["max_shard_size"])
    path = _check_weights_path(filepath, "save")
    _check_folder(path)
    _check_overwrite(path, overwrite)
    data = h5_weights.weights_to_bytes(model)
    with atomic_write(path, "wb") as f:
        f.write(data)


def load_weights(model, filepath, skip_mismatch=False, **kwargs):
    """Loads variables saved by `save_weights` (or a `.keras` file's).

    The model must have the architecture that was saved (the same layers
    in the same order); layer names do not matter. Nothing changes unless
    every weight fits.

    Args:
        model: a built model.
        filepath: a `.weights.h5` or `.keras` file.
        skip_mismatch: skip layers whose weights do not fit (with a
            warning) instead of raising.
    """
    if kwargs.pop("by_name", None):
        raise ValueError(
            "`by_name=True` applies to legacy tf.keras `.h5` files, which "
            "kara does not read. Keras 3 weights files match layers by "
            "position in the model."
        )
    _check_kwargs(kwargs, "load_weights", ["skip_mismatch", "by_name"])
    path = _check_weights_path(filepath, "load")
    what = f"the weights file {path!r}"
    if path.endswith(MODEL_SUFFIXES):
        members = keras_archive.read_archive(
            path, required=(keras_archive.WEIGHTS,)
        )
        source = io.BytesIO(members[keras_archive.WEIGHTS])
        what = f"the weights in {path!r}"
    else:
        if not os.path.exists(path):
            raise FileNotFoundError(f"No such file: {path!r}.")
        source = path
    stored = h5_weights.read_weights(source, what=what)
    h5_weights.load_into(model, stored, skip_mismatch, what=what)


# --------------------------------------------------------------- helpers
def _check_kwargs(kwargs, fn, valid):
    if kwargs:
        key = next(iter(kwargs))
        raise TypeError(
            f"{fn}() got an unexpected keyword argument {key!r}."
            f"{naming.suggestion(key, valid)}"
        )


def _json_default(value):
    import numpy as np

    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, np.ndarray):
        return value.tolist()
    if isinstance(value, tuple):
        return list(value)
    raise TypeError(
        f"Object of type {type(value).__name__} is not JSON serializable"
    )


def _kara_version():
    import kara

    return kara.__version__
