"""Global configuration: numeric defaults, the compatibility profile, grad mode.

Numeric defaults follow Keras (`floatx()`, `epsilon()`, `image_data_format()`)
as module globals with getters and setters. Runtime flags (is gradient
recording on?) follow DeZero/Chainer: a flag plus context managers.

Nothing here touches the file system: unlike Keras, kara never writes a
`keras.json` at import.

Example:
>>> import kara
>>> kara.config.floatx()
'float32'
>>> kara.config.epsilon()
1e-07
"""

import contextlib
import functools
import math
import numbers
import os

import numpy as np

_FLOATX = "float32"
_EPSILON = 1e-7
_IMAGE_DATA_FORMAT = "channels_last"

PROFILES = ("keras3", "keras2")
_PROFILE = None  # resolved lazily from KARA_PROFILE on first use

_FLOAT_TYPES = ("float16", "float32", "float64", "bfloat16")


# --------------------------------------------------------------- numerics
def floatx():
    """Returns the default float type, as a string (`"float32"`)."""
    return _FLOATX


def set_floatx(value):
    """Sets the default float type.

    Args:
        value: one of `"float16"`, `"float32"`, `"float64"`.
    """
    global _FLOATX
    name = str(value)
    if name not in _FLOAT_TYPES or name == "bfloat16":
        raise ValueError(
            "Unknown `floatx` value. Expected one of "
            f"{{'float16', 'float32', 'float64'}}. Received: value={value!r}"
        )
    _FLOATX = name


def epsilon():
    """Returns the fuzz factor used in numeric expressions (1e-7)."""
    return _EPSILON


def set_epsilon(value):
    """Sets the fuzz factor used in numeric expressions.

    Args:
        value: a positive float.
    """
    global _EPSILON
    # numbers.Real takes NumPy scalars too; a bool is no fuzz factor
    if (
        not isinstance(value, numbers.Real)
        or isinstance(value, (bool, np.bool_))
        or not value > 0
        or not math.isfinite(value)
    ):
        raise ValueError(
            f"`epsilon` must be a positive number. Received: value={value!r}"
        )
    _EPSILON = float(value)


def image_data_format():
    """Returns `"channels_last"` or `"channels_first"`."""
    return _IMAGE_DATA_FORMAT


def set_image_data_format(data_format):
    """Sets the image data format (`"channels_last"` or `"channels_first"`)."""
    global _IMAGE_DATA_FORMAT
    fmt = str(data_format).lower()
    if fmt not in ("channels_last", "channels_first"):
        raise ValueError(
            "`data_format` must be 'channels_last' or 'channels_first'. "
            f"Received: data_format={data_format!r}"
        )
    _IMAGE_DATA_FORMAT = fmt


# ---------------------------------------------------------------- profile
def profile():
    """Returns the compatibility profile: `"keras3"` (default) or `"keras2"`.

    The profile picks whose numbers and console formats kara reproduces:
    Keras 3, or tf.keras 2.x. It is read once from the environment variable
    `KARA_PROFILE` and can be changed with `set_profile()`.
    """
    global _PROFILE
    if _PROFILE is None:
        _PROFILE = _check_profile(
            os.environ.get("KARA_PROFILE", "keras3"), "KARA_PROFILE"
        )
    return _PROFILE


def set_profile(name):
    """Sets the compatibility profile (`"keras3"` or `"keras2"`)."""
    global _PROFILE
    _PROFILE = _check_profile(name, "name")


@contextlib.contextmanager
def using_profile(name):
    """Context manager that switches the profile and restores it on exit."""
    previous = profile()
    set_profile(name)
    try:
        yield
    finally:
        set_profile(previous)


def _check_profile(name, arg):
    value = str(name).strip().lower()
    if value not in PROFILES:
        raise ValueError(
            f"Unknown compatibility profile {name!r} (from `{arg}`). "
            f"Expected one of {PROFILES}: 'keras3' reproduces Keras 3, "
            "'keras2' reproduces tf.keras 2.x."
        )
    return value


# -------------------------------------------------------------- grad mode
_GRAD_ENABLED = True


def is_grad_enabled():
    """Whether operations currently record a graph for backpropagation."""
    return _GRAD_ENABLED


class _GradMode:
    """Sets grad mode for a `with` block (or a decorated function), then
    restores the mode it found. A small class, not a generator-based
    context manager: `predict` and `evaluate` enter one every batch."""

    enabled = None  # set by the subclasses

    def __enter__(self):
        global _GRAD_ENABLED
        self._previous = _GRAD_ENABLED
        _GRAD_ENABLED = self.enabled

    def __exit__(self, *exc):
        global _GRAD_ENABLED
        _GRAD_ENABLED = self._previous
        return False

    def __call__(self, fn):
        # as a decorator: a fresh context per call, so calls may nest
        mode = type(self)

        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            with mode():
                return fn(*args, **kwargs)

        return wrapper


class no_grad(_GradMode):  # lowercase: used as a function, as in torch
    """Context manager under which no graph is recorded.

    Also a decorator: `@kara.no_grad()`.

    Example:
    >>> import kara
    >>> w = kara.Variable([1.0, 2.0])
    >>> with kara.no_grad():
    ...     y = w * 2
    >>> y.creator is None
    True
    """

    enabled = False


class enable_grad(_GradMode):
    """Context manager that turns graph recording back on."""

    enabled = True


def enable_unsafe_deserialization():
    """Allows loading Lambda bytecode and importing modules a file names.

    Only for files you trust: see `kara.saving`.
    """
    from kara.saving.serialization_lib import enable_unsafe_deserialization

    enable_unsafe_deserialization()


# ------------------------------------------------------------ BLAS threads
def set_num_threads(n):
    """Sets the threads of NumPy's BLAS, now and inside fit/evaluate/predict.

    Two threads are fastest on an idle two-core machine; on one whose cores
    are busy with other programs, `set_num_threads(1)` avoids a several-fold
    slowdown. `None` stops kara from re-applying a count.

    Args:
        n: a positive int, or None.
    """
    from kara.ops import runtime

    runtime.set_num_threads(n)


def get_num_threads():
    """The BLAS thread count kara applies (None: NumPy's default)."""
    from kara.ops import runtime

    return runtime.get_num_threads()
