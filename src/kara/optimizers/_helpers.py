"""Helpers of the optimizers: clipping, norms, moments, argument checks.

Clipping follows TensorFlow's float32 arithmetic step by step (Keras 3 on
TensorFlow and tf.keras 2 both call `tf.clip_by_norm` and the same global
norm formula), so clipped gradients are bit-for-bit what Keras computes up
to the summation order of the norm.

The clipping functions never write into the gradients they receive: a
gradient array may alias a layer's buffer, so they return fresh arrays.
"""

import inspect
import warnings

import numpy as np

from kara.utils import naming

# ------------------------------------------------------------- clipping


def squared_norm(g):
    """`sum(g * g)` in the dtype of `g` (BLAS dot: no float64 sneaks in)."""
    flat = g.reshape(-1)
    return flat.dtype.type(np.dot(flat, flat))


def update_moments(gradient, m, v, one_minus_beta_1, one_minus_beta_2, tmp):
    """Adam's moment updates, in place (Adam, Nadam, Lamb share them).

    Formula:
        m += (g - m) * (1 - beta_1)
        v += (g**2 - v) * (1 - beta_2)

    Written as Keras writes it (not `beta * m + (1 - beta) * g`), which
    rounds differently in float32.

    Args:
        gradient: the gradient array.
        m, v: the first and second moment arrays, updated in place.
        one_minus_beta_1, one_minus_beta_2: scalars of the dtype of `m`.
        tmp: a scratch array of the shape of `m`, overwritten.
    """
    np.subtract(gradient, m, out=tmp)
    tmp *= one_minus_beta_1
    m += tmp
    np.multiply(gradient, gradient, out=tmp)
    tmp -= v
    tmp *= one_minus_beta_2
    v += tmp


def clip_by_norm(g, clipnorm):
    """Scales `g` so that its L2 norm is at most `clipnorm`.

    Formula:
        g * clipnorm / max(||g||_2, clipnorm)

    Args:
        g: a gradient array (not modified).
        clipnorm: the maximum norm, a positive float.

    Returns:
        A new array of the dtype of `g`.
    """
    f = g.dtype.type
    c = f(clipnorm)
    norm = np.sqrt(squared_norm(g))
    # tf.clip_by_norm multiplies first, then divides: keep its rounding
    out = np.multiply(g, c)
    out /= max(norm, c)
    return out


def clip_by_global_norm(grads, clipnorm):
    """Scales all gradients by one factor so their joint norm <= clipnorm.

    Formula:
        global_norm = sqrt(sum_i ||g_i||^2)
        scale = clipnorm * min(1 / global_norm, 1 / clipnorm)
        g_i * scale     (NaN everywhere if global_norm is not finite)

    Args:
        grads: a list of gradient arrays (not modified).
        clipnorm: the maximum global norm.

    Returns:
        A list of new arrays.
    """
    f = grads[0].dtype.type
    total = f(0)
    for g in grads:
        total = total + squared_norm(g)
    norm = np.sqrt(total)
    c = f(clipnorm)
    with np.errstate(divide="ignore", invalid="ignore"):
        scale = c * min(f(1) / norm, f(1) / c)
        scale = scale + (norm - norm)  # NaN when the norm is inf or NaN
    return [np.multiply(g, g.dtype.type(scale)) for g in grads]


def clip_by_value(g, clipvalue):
    """Returns `clip(g, -clipvalue, clipvalue)` as a new array."""
    f = g.dtype.type
    return np.clip(g, f(-clipvalue), f(clipvalue))


def reading(value):
    """A 0-d Tensor holding `value`: a reading, not a Variable."""
    from kara.autograd.tensor import Tensor

    return Tensor(np.asarray(value))


# ------------------------------------------------------------- arguments


class UnknownArgumentError(TypeError, ValueError):
    """An unknown keyword argument.

    A `TypeError` as for any Python function, and also a `ValueError`,
    which is what Keras 3 optimizers raise, so `except` clauses written
    for either keep working.
    """


def unknown_argument_error(owner, unknown, valid):
    """Builds the error for unknown keyword arguments, with suggestions."""
    parts = []
    for key in sorted(unknown):
        close = naming.closest_names(key, sorted(valid), n=1)
        hint = f" Did you mean '{close[0]}'?" if close else ""
        parts.append(f"unexpected keyword argument '{key}'.{hint}")
    return UnknownArgumentError(
        f"{owner}() got an "
        + " Also an ".join(parts)
        + f" Valid arguments: {', '.join(sorted(valid))}."
    )


def check_real_number(value, name, allow_none=False):
    """Raises a ValueError unless `value` is a real number (not a bool)."""
    if value is None and allow_none:
        return
    if isinstance(value, (bool, np.bool_)) or not isinstance(
        value, (int, float, np.integer, np.floating)
    ):
        raise ValueError(
            f"Argument `{name}` must be a number. Received: "
            f"{name}={value!r} (of type {type(value).__name__})."
        )


def resolve_initializer(initializer, shape, dtype):
    """Returns the initial value of an optimizer variable as an array.

    Args:
        initializer: `"zeros"`, `"ones"`, a number, an array, or a callable
            `initializer(shape, dtype=...)` (such as a kara initializer);
            other strings are looked up in `kara.initializers`.
        shape: the shape tuple.
        dtype: the NumPy dtype.
    """
    if isinstance(initializer, str):
        if initializer == "zeros":
            return np.zeros(shape, dtype)
        if initializer == "ones":
            return np.ones(shape, dtype)
        from kara import initializers

        initializer = initializers.get(initializer)
    if callable(initializer):
        value = initializer(shape, dtype=dtype)
        value = np.asarray(getattr(value, "data", value), dtype=dtype)
        return np.array(np.broadcast_to(value, shape), dtype=dtype)
    return np.full(shape, initializer, dtype=dtype)


_BASE_ARGS = (
    "learning_rate",
    "weight_decay",
    "clipnorm",
    "clipvalue",
    "global_clipnorm",
    "use_ema",
    "ema_momentum",
    "ema_overwrite_frequency",
    "loss_scale_factor",
    "gradient_accumulation_steps",
    "name",
)
# accepted for tf.keras 2 compatibility, and ignored
_NO_OP_ARGS = ("jit_compile", "is_legacy_optimizer", "mesh")


def pop_legacy_kwargs(cls, learning_rate, kwargs):
    """Handles `lr`, `decay` and no-op arguments; rejects anything else.

    Returns:
        The learning rate (`lr` wins when given: it is what the user meant).
    """
    lr = kwargs.pop("lr", None)
    if lr is not None:
        warnings.warn(
            "The `lr` argument is deprecated, use `learning_rate` instead. "
            f"kara uses lr={lr} as the learning rate (tf.keras 2.11+ "
            "silently ignored it).",
            DeprecationWarning,
            stacklevel=4,
        )
        learning_rate = lr
    if kwargs.pop("decay", None) is not None:
        warnings.warn(
            "Argument `decay` is no longer supported and is ignored. For "
            "lr / (1 + decay * step), pass learning_rate=keras.optimizers."
            "schedules.InverseTimeDecay(lr, decay_steps=1, "
            "decay_rate=decay).",
            stacklevel=4,
        )
    for key in _NO_OP_ARGS:
        kwargs.pop(key, None)
    if kwargs:
        own = inspect.signature(cls.__init__).parameters
        valid = set(_BASE_ARGS) | {"lr"}
        valid |= {
            k
            for k, p in own.items()
            if k != "self" and p.kind is p.POSITIONAL_OR_KEYWORD
        }
        raise unknown_argument_error(cls.__name__, kwargs, valid)
    return learning_rate


def check_base_arguments(
    weight_decay,
    clipnorm,
    clipvalue,
    global_clipnorm,
    use_ema,
    ema_momentum,
    ema_overwrite_frequency,
    accumulation_steps,
):
    """Validates the arguments shared by all optimizers (Keras's checks)."""
    for value, arg in (
        (weight_decay, "weight_decay"),
        (clipnorm, "clipnorm"),
        (clipvalue, "clipvalue"),
        (global_clipnorm, "global_clipnorm"),
    ):
        check_real_number(value, arg, allow_none=True)
    if sum(a is not None for a in (clipnorm, clipvalue, global_clipnorm)) > 1:
        raise ValueError(
            "Only one of `clipnorm`, `clipvalue` and `global_clipnorm` can "
            f"be set. Received: clipnorm={clipnorm}, clipvalue={clipvalue}, "
            f"global_clipnorm={global_clipnorm}"
        )
    if use_ema:
        if not 0 <= ema_momentum <= 1:
            raise ValueError(
                "`ema_momentum` must be in the range [0, 1]. Received: "
                f"ema_momentum={ema_momentum}"
            )
        if ema_overwrite_frequency and (
            not isinstance(ema_overwrite_frequency, (int, np.integer))
            or ema_overwrite_frequency < 1
        ):
            raise ValueError(
                "`ema_overwrite_frequency` must be an integer >= 1 or None. "
                f"Received: ema_overwrite_frequency={ema_overwrite_frequency}"
            )
    if accumulation_steps and not (
        isinstance(accumulation_steps, (int, np.integer))
        and accumulation_steps >= 2
    ):
        raise ValueError(
            "`gradient_accumulation_steps` must be an integer >= 2. "
            f"Received: gradient_accumulation_steps={accumulation_steps}"
        )
