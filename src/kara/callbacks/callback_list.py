"""`CallbackList`: calls every callback's hook in turn.

The training loop talks to one `CallbackList`; it forwards each hook to
its callbacks in order (the user's callbacks first, then `History`, then
`ProgbarLogger`). Before that, the logs go through `pythonify_logs`: values
become Python floats and, under the Keras 3 profile, keys are sorted. All
callbacks of one hook call share that one dict, so a value a callback adds
(`ReduceLROnPlateau` adds `learning_rate`) is seen by the callbacks after
it, as in Keras: `History` records it and the progress bar prints it.

Batch hooks run once per step, so the list skips callbacks that do not
override them (most only act at epoch ends), and reads the metric results
a fused step stands in for (`METRIC_RESULTS`) only when one takes them.
"""

import numpy as np

from kara.callbacks import _profile_rules
from kara.callbacks.callback import Callback
from kara.callbacks.history import History
from kara.callbacks.progbar_logger import ProgbarLogger

# For each batch hook, the method names that mean "this callback uses it"
# (a callback overriding the old alias on_batch_end gets the train hook).
_BATCH_HOOKS = {
    "on_train_batch_begin": ("on_train_batch_begin", "on_batch_begin"),
    "on_train_batch_end": ("on_train_batch_end", "on_batch_end"),
    "on_test_batch_begin": ("on_test_batch_begin",),
    "on_test_batch_end": ("on_test_batch_end",),
    "on_predict_batch_begin": ("on_predict_batch_begin",),
    "on_predict_batch_end": ("on_predict_batch_end",),
}


class _MetricResults:
    """What a fused step returns for its logs when they are the model's
    metric results: reading every metric costs a few microseconds a step,
    so `CallbackList` reads them only for a callback that wants them, and
    `fit`/`evaluate` at the end of the loop."""

    def __repr__(self):
        return "METRIC_RESULTS"


METRIC_RESULTS = _MetricResults()


def pythonify_logs(logs):
    """Returns `logs` as a new dict of Python floats, nested dicts flattened.

    Values that cannot become a float are kept as they are (strings), or
    as NumPy arrays (Tensors with several elements). Under the Keras 3
    profile the keys are sorted, so `History` and the progress bar list
    metrics alphabetically (`accuracy, loss, val_accuracy, val_loss`);
    tf.keras 2 keeps the order the metrics were compiled in. This is the
    one place that rule lives: `Model.get_metrics_result` calls it too.

    Example:
    >>> import numpy as np
    >>> pythonify_logs({"loss": np.float32(0.5), "accuracy": 1})
    {'accuracy': 1.0, 'loss': 0.5}
    """
    if not logs:
        return {}
    items = logs.items()
    if _profile_rules.rules()["sort_log_keys"]:
        items = sorted(items, key=lambda kv: kv[0])
    result = {}
    for key, value in items:
        if isinstance(value, dict):
            result.update(pythonify_logs(value))
            continue
        if getattr(value, "_is_kara_tensor", False):
            value = value.data
        if isinstance(value, np.ndarray) and value.ndim > 0:
            result[key] = value  # float() of a 1-element array is deprecated
            continue
        try:
            value = float(value)
        except (TypeError, ValueError):
            pass
        result[key] = value
    return result


def _overrides(callback, name):
    """Whether `callback` does something in hook `name`."""
    if name in vars(callback):  # set on the instance (LambdaCallback)
        return True
    return getattr(type(callback), name, None) is not getattr(Callback, name)


class CallbackList(Callback):
    """Container that calls a list of callbacks together.

    Args:
        callbacks: a list of `Callback` instances (or `None`).
        add_history: whether to add a `History` callback if the list has
            none.
        add_progbar: whether to add a `ProgbarLogger` if the list has none.
        model: the model the callbacks work on.
        **params: the loop's parameters, passed to each callback's
            `set_params` (`verbose`, `epochs`, `steps`).

    Example:
    >>> class Model:
    ...     stop_training = False
    >>> model = Model()
    >>> cbs = CallbackList(add_history=True, model=model, verbose=0,
    ...                    epochs=2, steps=1)
    >>> cbs.on_train_begin()
    >>> for epoch in range(2):
    ...     cbs.on_epoch_begin(epoch)
    ...     cbs.on_epoch_end(epoch, {"loss": 1.0 / (epoch + 1)})
    >>> cbs.on_train_end()
    >>> model.history.history
    {'loss': [1.0, 0.5]}
    """

    def __init__(
        self,
        callbacks=None,
        add_history=False,
        add_progbar=False,
        model=None,
        **params,
    ):
        super().__init__()
        self.callbacks = _flatten(callbacks)
        for cb in self.callbacks:
            if not isinstance(cb, Callback):
                raise TypeError(
                    "`callbacks` must be a list of `keras.callbacks.Callback` "
                    f"instances. Received an object of type "
                    f"{type(cb).__name__}: {cb!r}. Subclass `Callback`, or "
                    "wrap plain functions in `LambdaCallback`."
                )
        self._history = None
        self._progbar = None
        for cb in self.callbacks:
            if isinstance(cb, ProgbarLogger):
                self._progbar = cb
            elif isinstance(cb, History):
                self._history = cb
        if self._history is None and add_history:
            self._history = History()
            self.callbacks.append(self._history)
        if self._progbar is None and add_progbar:
            self._progbar = ProgbarLogger()
            self.callbacks.append(self._progbar)
        self._batch_callbacks = {}
        self._index_batch_hooks()
        self.set_model(model)
        self.set_params(params)

    def append(self, callback):
        """Adds a callback at the end of the list."""
        self.callbacks.append(callback)
        self._index_batch_hooks()

    def set_params(self, params):
        self.params = params
        if params:
            for cb in self.callbacks:
                cb.set_params(params)

    def set_model(self, model):
        if model is None:
            return
        super().set_model(model)
        if self._history is not None:
            model.history = self._history
        for cb in self.callbacks:
            cb.set_model(model)

    def _index_batch_hooks(self):
        """Lists, per batch hook, the callbacks that override it."""
        self._batch_callbacks = {
            hook: [
                cb
                for cb in self.callbacks
                if any(_overrides(cb, name) for name in names)
            ]
            for hook, names in _BATCH_HOOKS.items()
        }

    def _call(self, hook, *args, logs=None):
        logs = pythonify_logs(logs)
        for cb in self.callbacks:
            getattr(cb, hook)(*args, logs)

    def _call_batch(self, hook, batch, logs):
        callbacks = self._batch_callbacks[hook]
        if not callbacks:
            return
        if logs is METRIC_RESULTS:
            logs = self.model.get_metrics_result()
        logs = pythonify_logs(logs)
        for cb in callbacks:
            getattr(cb, hook)(batch, logs)

    # -------------------------------------------------------------- hooks
    def on_batch_begin(self, batch, logs=None):
        self._call("on_batch_begin", batch, logs=logs)

    def on_batch_end(self, batch, logs=None):
        self._call("on_batch_end", batch, logs=logs)

    def on_epoch_begin(self, epoch, logs=None):
        self._call("on_epoch_begin", epoch, logs=logs)

    def on_epoch_end(self, epoch, logs=None):
        self._call("on_epoch_end", epoch, logs=logs)

    def on_train_batch_begin(self, batch, logs=None):
        self._call_batch("on_train_batch_begin", batch, logs)

    def on_train_batch_end(self, batch, logs=None):
        self._call_batch("on_train_batch_end", batch, logs)

    def on_test_batch_begin(self, batch, logs=None):
        self._call_batch("on_test_batch_begin", batch, logs)

    def on_test_batch_end(self, batch, logs=None):
        self._call_batch("on_test_batch_end", batch, logs)

    def on_predict_batch_begin(self, batch, logs=None):
        self._call_batch("on_predict_batch_begin", batch, logs)

    def on_predict_batch_end(self, batch, logs=None):
        self._call_batch("on_predict_batch_end", batch, logs)

    def on_train_begin(self, logs=None):
        self._index_batch_hooks()  # the list may have been edited
        self._call("on_train_begin", logs=logs)

    def on_train_end(self, logs=None):
        self._call("on_train_end", logs=logs)

    def on_test_begin(self, logs=None):
        self._index_batch_hooks()
        self._call("on_test_begin", logs=logs)

    def on_test_end(self, logs=None):
        self._call("on_test_end", logs=logs)

    def on_predict_begin(self, logs=None):
        self._index_batch_hooks()
        self._call("on_predict_begin", logs=logs)

    def on_predict_end(self, logs=None):
        self._call("on_predict_end", logs=logs)


def _flatten(callbacks):
    """A new list from `None`, a callback, or nested lists/tuples of them."""
    if callbacks is None:
        return []
    if isinstance(callbacks, Callback):
        return [callbacks]
    if not isinstance(callbacks, (list, tuple)):
        raise TypeError(
            "`callbacks` must be a list of `keras.callbacks.Callback` "
            f"instances. Received: callbacks={callbacks!r}"
        )
    flat = []
    for cb in callbacks:
        if isinstance(cb, (list, tuple)):
            flat.extend(_flatten(cb))
        else:
            flat.append(cb)
    return flat
