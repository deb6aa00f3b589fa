"""Plots people otherwise write by hand: training curves and loss curves.

- `plot_history(history)` (also `history.plot()`): one panel per metric,
  the training curve solid and its `val_` twin dashed in the same colour,
  epochs counted from 1.
- `plot_loss_curve(loss, y_true)`: a loss against a sweep of
  predictions, as in the classic "how does cross-entropy grow as the
  prediction goes wrong?" figure. `loss_curve` returns the numbers
  without drawing.

Matplotlib is optional (`pip install "kara[plot]"`) and imported only
when something is drawn; the numbers (`loss_curve`) need only NumPy.

Where the figure goes: to `path` when one is given (PNG, SVG, PDF, ...
by extension, written atomically), on the axes `ax` when given, and
otherwise on screen (`plt.show()`, inline in Jupyter). A figure that is
only saved never touches pyplot's global state, so saving in a loop
leaks no memory.

Example (the numbers behind seed 000's binary cross-entropy figure):
>>> x, values = loss_curve("binary_crossentropy", [0.0], x=[0.0, 0.5, 0.9])
>>> values.round(4)
array([0.    , 0.6931, 2.3026], dtype=float32)
"""

import os

import numpy as np

from kara.utils import naming
from kara.utils.io_utils import atomic_write

_INSTALL = 'pip install "kara[plot]"'


def _matplotlib(what):
    """Imports matplotlib, or says how to install it."""
    try:
        import matplotlib
        import matplotlib.figure
    except ImportError as error:
        raise ImportError(
            f"{what} draws with matplotlib, which is not installed. "
            f"Install it with: {_INSTALL} (or pip install matplotlib)."
        ) from error
    return matplotlib


# --------------------------------------------------------------- figures
def _new_axes(what, count, show, size=(5.0, 3.5)):
    """A figure with `count` panels: `(figure, [axes, ...])`."""
    mpl = _matplotlib(what)
    ncols = min(count, 2)
    nrows = -(-count // ncols)
    figsize = (size[0] * ncols, size[1] * nrows)
    if show:
        import matplotlib.pyplot as plt

        figure = plt.figure(figsize=figsize)
    else:
        # Not registered with pyplot: garbage-collected once unused.
        figure = mpl.figure.Figure(figsize=figsize)
    axes = figure.subplots(nrows, ncols, squeeze=False).reshape(-1)
    for extra in axes[count:]:
        extra.set_visible(False)
    return figure, list(axes[:count])


def _finish(figure, path, show, own):
    """Saves `figure` to `path` (if any) and shows it (if asked)."""
    if own:  # never rearrange a figure the caller made
        figure.tight_layout()
    if path is not None:
        path = os.fspath(path)
        fmt = os.path.splitext(path)[1][1:].lower() or "png"
        with atomic_write(path, "wb") as f:
            figure.savefig(f, format=fmt, dpi=100)
    if show:
        import matplotlib.pyplot as plt

        plt.show()
    return figure


def _axes_list(ax, count):
    """`ax` as a list of `count` axes (one axes may hold every curve)."""
    if isinstance(ax, (list, tuple, np.ndarray)):
        axes = list(np.ravel(ax))
        if len(axes) != count:
            raise ValueError(
                f"`ax` holds {len(axes)} axes for {count} panels. Pass one "
                "axes (every curve is drawn on it) or one per key."
            )
        return axes
    return [ax] * count


# --------------------------------------------------------------- history
def plot_history(history, keys=None, path=None, ax=None, show=None):
    """Plots the loss and metric curves of a training run.

    Each metric gets a panel with its training curve (solid) and its
    validation curve `val_<metric>` (dashed, same colour). The x axis is
    the epoch, counted from 1. A validation curve recorded every k epochs
    (`fit(validation_freq=k)`) is drawn at epochs k, 2k, ...

    Args:
        history: what `fit` returns (a `History`), or its `history` dict
            (`{"loss": [...], "val_loss": [...]}`).
        keys: the metrics to plot (a name or a list of names, without the
            `val_` prefix: `"loss"`, `["loss", "accuracy"]`). Default:
            all, in the order they were logged.
        path: a file to save the figure to (`"history.png"`; the
            extension picks the format). Default: not saved.
        ax: a matplotlib axes to draw on (every curve on it), or one axes
            per key. Default: a new figure.
        show: whether to show the figure on screen. Default: only when
            neither `path` nor `ax` is given.

    Returns:
        The matplotlib `Figure`.

    Raises:
        ImportError: matplotlib is not installed (`pip install
            "kara[plot]"`).
        KeyError: a key is not in the history (the message lists the
            keys there are).
        ValueError: the history is empty.

    Example:
    ```python
    history = model.fit(x, y, validation_split=0.2, epochs=10)
    history.plot()  # or kara.utils.plot_history(history, path="fit.png")
    ```
    """
    logs, epochs = _history_logs(history)
    bases = _history_bases(logs, keys)
    _matplotlib("plot_history")
    if show is None:
        show = path is None and ax is None
    if ax is None:
        figure, axes = _new_axes("plot_history", len(bases), show)
    else:
        axes = _axes_list(ax, len(bases))
        figure = axes[0].figure
    for panel, base in zip(axes, bases):
        _plot_pair(panel, logs, base, epochs)
    if len(set(map(id, axes))) < len(axes):  # several metrics on one axes
        axes[0].set_title(", ".join(bases))
        axes[0].set_ylabel("value")
    return _finish(figure, path, show, own=ax is None)


def _history_logs(history):
    """`(logs dict, epoch indices or None)` from a History or a dict."""
    logs = getattr(history, "history", history)
    if not hasattr(logs, "keys"):
        raise TypeError(
            "plot_history(history=...) takes what fit() returns (a History) "
            "or its .history dict. Received: "
            f"{type(history).__name__}"
        )
    logs = {key: logs[key] for key in logs.keys()}
    if not any(len(values) for values in logs.values()):
        raise ValueError(
            "The history is empty: no epoch has finished. Train first: "
            "history = model.fit(...); history.plot()."
        )
    return logs, getattr(history, "epoch", None)


def _history_bases(logs, keys):
    """The metric names to draw, without the `val_` prefix."""
    available = list(logs)
    if keys is None:
        bases = []
        for key in available:
            base = key[4:] if key.startswith("val_") else key
            if base not in bases:
                bases.append(base)
        return bases
    if isinstance(keys, str):
        keys = [keys]
    bases = []
    for key in keys:
        base = key[4:] if key.startswith("val_") else key
        if base not in logs and "val_" + base not in logs:
            close = naming.closest_names(str(key), available, n=1)
            hint = f" Did you mean {close[0]!r}?" if close else ""
            raise KeyError(
                f"{key!r} is not in the history. Available keys: "
                f"{', '.join(available)}.{hint}"
            )
        if base not in bases:
            bases.append(base)
    return bases


def _plot_pair(panel, logs, base, epochs):
    """One metric's training (solid) and validation (dashed) curves."""
    train = logs.get(base)
    val = logs.get("val_" + base)
    n_train = len(train) if train is not None else 0
    color = None
    if train is not None:
        x = _epoch_axis(epochs, n_train)
        (line,) = panel.plot(
            x, _floats(train, base), marker=_marker(n_train), label=base
        )
        color = line.get_color()
    if val is not None:
        x = _val_epoch_axis(epochs, n_train, len(val))
        panel.plot(
            x,
            _floats(val, "val_" + base),
            linestyle="--",
            marker=_marker(len(val)),
            color=color,
            label="val_" + base,
        )
    panel.set_title(base)
    panel.set_xlabel("epoch")
    panel.set_ylabel(base)
    panel.grid(alpha=0.3)
    panel.legend()
    from matplotlib.ticker import MaxNLocator

    panel.xaxis.set_major_locator(MaxNLocator(integer=True))


def _epoch_axis(epochs, count):
    """Epoch numbers from 1 (from `history.epoch` when it matches)."""
    if epochs is not None and len(epochs) == count:
        return np.asarray(epochs) + 1
    return np.arange(1, count + 1)


def _val_epoch_axis(epochs, n_train, n_val):
    if n_train == 0 or n_val == n_train:
        return _epoch_axis(epochs, n_val)
    # validation_freq=k validates after epochs k, 2k, ...: the smallest k
    # with n_train // k == n_val.
    k = n_train // (n_val + 1) + 1
    return _epoch_axis(epochs, n_train)[k - 1 :: k][:n_val]


def _marker(count):
    return "o" if count <= 30 else None  # dots while they stay readable


def _floats(values, key):
    try:
        return np.asarray(values, dtype=np.float64).reshape(-1)
    except (TypeError, ValueError):
        raise ValueError(
            f"The history values of {key!r} are not numbers: "
            f"{list(values)[:3]}..."
        ) from None


# ----------------------------------------------------------- loss curves
def loss_curve(loss, y_true, x=None, predict=None):
    """Computes a loss for one target against a sweep of predictions.

    Args:
        loss: anything `kara.losses.get` accepts (`"mse"`,
            `"categorical_crossentropy"`, a `Loss` instance) or your own
            function `fn(y_true, y_pred)`.
        y_true: the target of one sample: a number or a list
            (`0.0`, `[0.0, 1.0]`).
        x: the sweep, a 1-D sequence. Default: 1,001 points from 0 to 1.
        predict: turns the sweep (an array of shape `(n,)`) into a batch
            of predictions `(n, ...)`. Default: `y_pred = [x]` for a
            one-value target; for a target of k values,
            `y_pred = [x, (1 - x)/(k-1), ..., (1 - x)/(k-1)]`, so
            `[0, 1]` is compared with `[x, 1 - x]`.

    Returns:
        `(x, values)`: two float32 arrays of shape `(n,)`.

    Example:
    >>> x, values = loss_curve("mse", 0.0, x=[0.0, 0.5, 1.0])
    >>> values
    array([0.  , 0.25, 1.  ], dtype=float32)
    >>> x, values = loss_curve(
    ...     "sparse_categorical_crossentropy", 1, x=[0.5],
    ...     predict=lambda p: np.stack([p, 1 - p], axis=-1))
    >>> values.round(4)
    array([0.6931], dtype=float32)
    """
    fn = _loss_fn(loss)
    x = _sweep(x)
    target = np.atleast_1d(np.asarray(y_true))
    if target.dtype.kind == "f":
        target = target.astype(np.float32)
    if target.ndim != 1:
        raise ValueError(
            "`y_true` is the target of one sample: a number or a 1-D list. "
            f"Received shape {target.shape}."
        )
    y_pred = _predictions(x, target, predict)
    y_true_batch = np.broadcast_to(target, (len(x),) + target.shape).copy()
    return x, _evaluate(fn, y_true_batch, y_pred)


def _loss_fn(loss):
    """A function `(y_true, y_pred) -> values` for `loss`."""
    if isinstance(loss, (str, dict)):
        from kara import losses

        loss = losses.get(loss)
    if not callable(loss):
        raise TypeError(
            "`loss` must be a loss name (`'mse'`), a Loss, or a function "
            f"fn(y_true, y_pred). Received: {loss!r}"
        )
    per_sample = _unreduced(loss)
    return per_sample if per_sample is not None else loss


def _unreduced(loss):
    """A copy of a `Loss` that returns one value per sample, if possible."""
    config = getattr(loss, "get_config", None)
    if config is None or not hasattr(loss, "reduction"):
        return None
    try:
        return type(loss).from_config({**config(), "reduction": "none"})
    except Exception:  # a custom Loss without a round-tripping config
        return None


def _sweep(x):
    if x is None:
        return np.linspace(0.0, 1.0, 1001, dtype=np.float32)
    x = np.asarray(x, dtype=np.float32)
    if x.ndim != 1 or not x.size:
        raise ValueError(
            "`x` is the sweep of prediction values: a non-empty 1-D "
            f"sequence. Received shape {x.shape}."
        )
    return x


def _predictions(x, target, predict):
    if predict is not None:
        y_pred = np.asarray(_numpy(predict(x)))
        if len(y_pred) != len(x):
            raise ValueError(
                f"`predict` returned {len(y_pred)} predictions for "
                f"{len(x)} sweep values: it must map the array of shape "
                "(n,) to a batch (n, ...)."
            )
        return y_pred.astype(np.float32) if y_pred.dtype.kind == "f" else y_pred
    k = target.shape[0]
    if k == 1:
        return x[:, None]
    rest = np.repeat(((1 - x) / (k - 1))[:, None], k - 1, axis=1)
    return np.concatenate([x[:, None], rest], axis=1)


def _numpy(value):
    return value.numpy() if hasattr(value, "numpy") else value


def _evaluate(fn, y_true, y_pred):
    """Per-sample values; one call per point when `fn` reduces a batch."""
    n = len(y_true)
    out = np.asarray(_numpy(fn(y_true, y_pred)), dtype=np.float32)
    if out.size == n:
        return out.reshape(n)
    # The function averaged the batch (a Loss with a reduction, or a
    # hand-written loss ending in reduce_mean): go one point at a time,
    # as the hand-written loop does.
    values = [
        np.asarray(_numpy(fn(y_true[i : i + 1], y_pred[i : i + 1])))
        for i in range(n)
    ]
    return np.asarray(values, dtype=np.float32).reshape(n)


def _loss_label(loss):
    if isinstance(loss, str):
        return loss
    name = getattr(loss, "name", None) or getattr(loss, "__name__", None)
    return name if name and name != "<lambda>" else "loss"


def plot_loss_curve(
    loss,
    y_true,
    x=None,
    predict=None,
    ax=None,
    path=None,
    show=None,
):
    """Draws losses against a sweep of predictions for one target.

    Args:
        loss: a loss (see `loss_curve`), or several to compare on one
            plot: a list, or a dict `{label: loss}` (for example kara's
            loss against your own formula).
        y_true: the target of one sample (`0.0`, `[0.0, 1.0]`).
        x: the sweep. Default: 1,001 points from 0 to 1.
        predict: maps the sweep to predictions (see `loss_curve`).
        ax: a matplotlib axes to draw on. Default: a new figure.
        path: a file to save the figure to (`"bce.png"`).
        show: whether to show the figure. Default: only when neither
            `path` nor `ax` is given.

    Returns:
        The matplotlib `Figure`.

    Example (seed 000's three figures):
    ```python
    from kara.utils import plot_loss_curve
    plot_loss_curve("categorical_crossentropy", [0.0, 1.0])
    plot_loss_curve({"kara": "binary_crossentropy", "mine": my_bce}, [0.0])
    plot_loss_curve("mean_squared_error", [0.0], path="mse.png")
    ```
    """
    if isinstance(loss, dict):
        named = list(loss.items())
    elif isinstance(loss, (list, tuple)):
        named = [(_loss_label(item), item) for item in loss]
    else:
        named = [(_loss_label(loss), loss)]
    curves = [
        (label, loss_curve(item, y_true, x=x, predict=predict))
        for label, item in named
    ]
    _matplotlib("plot_loss_curve")
    if show is None:
        show = path is None and ax is None
    own = ax is None
    if own:
        figure, (ax,) = _new_axes("plot_loss_curve", 1, show)
    figure = ax.figure
    for label, (sweep, values) in curves:
        ax.plot(sweep, values, label=label)
    k = np.atleast_1d(np.asarray(y_true)).shape[0]
    ax.set_xlabel("y_pred" if k == 1 or predict else "y_pred[0]")
    ax.set_ylabel("loss")
    ax.set_title(f"loss against the prediction (y_true = {y_true})")
    ax.grid(alpha=0.3)
    ax.legend()
    return _finish(figure, path, show, own)
