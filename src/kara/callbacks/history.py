"""`History`: records the epoch logs; `fit` returns it.

`history.history` maps each log key to its list of per-epoch values and
`history.epoch` lists the (0-based) epoch indices. Unlike a plain dict, a
missing key names the keys that exist and the closest one, because old
code asking for `'acc'` when the metric is now called `'accuracy'` is the
most common `KeyError` in Keras tutorials.
"""

from kara.callbacks.callback import Callback
from kara.utils import naming


class _MessageKeyError(KeyError):
    """A KeyError whose message prints as written (not quoted)."""

    def __str__(self):
        return str(self.args[0])


class _HistoryDict(dict):
    """A dict whose `KeyError` lists the available keys."""

    def __missing__(self, key):
        keys = list(self)
        close = naming.closest_names(str(key), keys, n=1)
        hint = f" Did you mean {close[0]!r}?" if close else ""
        raise _MessageKeyError(
            f"{key!r} is not in the history. Available keys: "
            f"{', '.join(keys) or '(none: no epoch has finished)'}.{hint} "
            "History keys are the metric names given to compile() "
            '(metrics=["acc"] records "acc", metrics=["accuracy"] records '
            '"accuracy"), with "val_" in front for validation.'
        )


class History(Callback):
    """Callback that records events into a `History` object.

    `fit` adds one automatically and returns it.

    Attributes:
        history: dict mapping each log key (`"loss"`, `"val_loss"`, ...)
            to the list of its values, one per epoch.
        epoch: list of the epoch indices that finished (0-based).
        params: the loop's parameters (`verbose`, `epochs`, `steps`).

    Example:
    >>> class Model:
    ...     pass
    >>> history = History()
    >>> history.set_model(Model())
    >>> history.on_train_begin()
    >>> history.on_epoch_end(0, {"loss": 0.5})
    >>> history.on_epoch_end(1, {"loss": 0.25})
    >>> history.history, history.epoch
    ({'loss': [0.5, 0.25]}, [0, 1])
    """

    def __init__(self):
        super().__init__()
        self.history = _HistoryDict()
        self.epoch = []

    def on_train_begin(self, logs=None):
        self.epoch = []

    def on_epoch_end(self, epoch, logs=None):
        self.epoch.append(epoch)
        for key, value in (logs or {}).items():
            self.history.setdefault(key, []).append(value)
        if self.model is not None:
            self.model.history = self

    def plot(self, keys=None, path=None, ax=None, show=None):
        """Plots the loss and metric curves (needs matplotlib).

        See `kara.utils.plotting.plot_history` for the arguments.

        Returns:
            The matplotlib `Figure`.
        """
        from kara.utils.plotting import plot_history

        return plot_history(self, keys=keys, path=path, ax=ax, show=show)
