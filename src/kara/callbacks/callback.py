"""The `Callback` base class: hooks into `fit`, `evaluate` and `predict`.

A callback overrides the `on_*` methods it cares about. The training loop
calls them through a `CallbackList`, in this order:

    on_train_begin
      on_epoch_begin(epoch)
        on_train_batch_begin(batch) / on_train_batch_end(batch, logs)  ...
        (validation: on_test_begin, on_test_batch_*, on_test_end)
      on_epoch_end(epoch, logs)          logs include the val_* values
      ...
    on_train_end(logs)

`evaluate` calls `on_test_begin`, `on_test_batch_begin/end`, `on_test_end`;
`predict` the `on_predict_*` hooks. `epoch` and `batch` are 0-based;
`logs` maps metric names to Python floats (running means within an epoch).

A callback sees the model as `self.model` and the loop's parameters as
`self.params` (`{"verbose": 1, "epochs": 10, "steps": 32}`), and stops
training with `self.model.stop_training = True`.
"""


class Callback:
    """Base class used to build new callbacks.

    To be implemented by subclasses: any of the `on_*` methods below; each
    does nothing by default. `on_train_batch_begin`/`on_train_batch_end`
    call the older aliases `on_batch_begin`/`on_batch_end`, so overriding
    either name works.

    Attributes:
        params: dict of training parameters (`verbose`, `epochs`, `steps`).
        model: the model being trained, evaluated or run.

    Example:
    >>> class StopAtLoss(Callback):
    ...     def __init__(self, threshold):
    ...         super().__init__()
    ...         self.threshold = threshold
    ...     def on_epoch_end(self, epoch, logs=None):
    ...         if (logs or {}).get("loss", float("inf")) < self.threshold:
    ...             self.model.stop_training = True
    >>> class Model:
    ...     stop_training = False
    >>> cb = StopAtLoss(0.1)
    >>> cb.set_model(Model())
    >>> cb.on_epoch_end(0, {"loss": 0.05})
    >>> cb.model.stop_training
    True
    """

    def __init__(self):
        self.params = None
        self._model = None

    def set_params(self, params):
        """Receives the loop's parameters (a dict)."""
        self.params = params

    def set_model(self, model):
        """Receives the model the callback works on."""
        self._model = model

    @property
    def model(self):
        """The model being trained, evaluated or run."""
        return self._model

    @model.setter
    def model(self, model):
        # tf.keras 2 code sometimes assigns `self.model` directly.
        self.set_model(model)

    # ------------------------------------------------------------ aliases
    def on_batch_begin(self, batch, logs=None):
        """Alias of `on_train_batch_begin`, kept for older code."""

    def on_batch_end(self, batch, logs=None):
        """Alias of `on_train_batch_end`, kept for older code."""

    # -------------------------------------------------------------- epoch
    def on_epoch_begin(self, epoch, logs=None):
        """Called at the start of an epoch (training only).

        Args:
            epoch: index of the epoch (0-based).
            logs: currently an empty dict.
        """

    def on_epoch_end(self, epoch, logs=None):
        """Called at the end of an epoch (training only).

        Args:
            epoch: index of the epoch (0-based).
            logs: the epoch's metric results, e.g. `{"loss": 0.2,
                "accuracy": 0.7}`, plus `val_`-prefixed results when
                validation ran this epoch.
        """

    # ------------------------------------------------------------ batches
    def on_train_batch_begin(self, batch, logs=None):
        """Called before a training batch in `fit`.

        Args:
            batch: index of the batch within the epoch (0-based).
            logs: currently an empty dict.
        """
        self.on_batch_begin(batch, logs=logs)

    def on_train_batch_end(self, batch, logs=None):
        """Called after a training batch in `fit`.

        Args:
            batch: index of the batch within the epoch (0-based).
            logs: the metric results averaged since the epoch began.
        """
        self.on_batch_end(batch, logs=logs)

    def on_test_batch_begin(self, batch, logs=None):
        """Called before a batch in `evaluate` (and fit's validation)."""

    def on_test_batch_end(self, batch, logs=None):
        """Called after a batch in `evaluate` (and fit's validation).

        Args:
            batch: index of the batch (0-based).
            logs: the metric results averaged since evaluation began.
        """

    def on_predict_batch_begin(self, batch, logs=None):
        """Called before a batch in `predict`."""

    def on_predict_batch_end(self, batch, logs=None):
        """Called after a batch in `predict`.

        Args:
            batch: index of the batch (0-based).
            logs: `{"outputs": ...}`, the batch's predictions.
        """

    # ----------------------------------------------------- begin and end
    def on_train_begin(self, logs=None):
        """Called once when `fit` starts."""

    def on_train_end(self, logs=None):
        """Called once when `fit` ends (logs: the last epoch's results)."""

    def on_test_begin(self, logs=None):
        """Called when `evaluate` (or fit's validation) starts."""

    def on_test_end(self, logs=None):
        """Called when `evaluate` (or fit's validation) ends.

        Args:
            logs: the final metric results of the evaluation.
        """

    def on_predict_begin(self, logs=None):
        """Called when `predict` starts."""

    def on_predict_end(self, logs=None):
        """Called when `predict` ends."""
