"""`ProgbarLogger`: the progress bar of `fit`, `evaluate` and `predict`.

`fit` adds it when `verbose != 0`. Per epoch it prints `Epoch i/N` (only
when there is more than one epoch), then drives a `kara.utils.Progbar`:
a live bar updated after every batch (verbose=1) or one line at the end
of the epoch (verbose=2). Inside `fit`, validation is silent: its results
appear as `val_*` values on the epoch's last line. The values shown are
the logs as given (running means), never re-averaged by the bar.
"""

from kara.callbacks.callback import Callback
from kara.utils.io_utils import print_msg
from kara.utils.progbar import Progbar


class ProgbarLogger(Callback):
    """Callback that prints metrics to stdout.

    Args:
        count_mode: accepted for tf.keras 2 compatibility; only `"steps"`
            (the bar counts batches) is supported.
        stateful_metrics: accepted for tf.keras 2 compatibility; the logs
            are always shown as given.

    Example:
    >>> cb = ProgbarLogger()
    >>> cb.set_params({"verbose": 2, "epochs": 1, "steps": 2})
    >>> cb.on_train_begin()
    >>> cb.on_epoch_begin(0)
    >>> cb.on_train_batch_end(0, {"loss": 0.5})
    >>> cb.on_train_batch_end(1, {"loss": 0.25})
    >>> cb.on_epoch_end(0, {"loss": 0.25})  # doctest: +ELLIPSIS
    2/2 - 0s - ...s/step - loss: 0.2500
    """

    def __init__(self, count_mode="steps", stateful_metrics=None):
        super().__init__()
        if count_mode != "steps":
            raise ValueError(
                "kara's ProgbarLogger counts steps (batches) only. Received: "
                f"count_mode={count_mode!r}; use count_mode='steps'."
            )
        self.seen = 0
        self.progbar = None
        self.target = None
        self.verbose = 1
        self.epochs = 1
        self._called_in_fit = False

    def set_params(self, params):
        super().set_params(params)
        verbose = params.get("verbose", 1)
        self.verbose = 1 if verbose == "auto" else verbose
        self.epochs = params.get("epochs", 1)
        self.target = params.get("steps")

    # -------------------------------------------------------------- hooks
    def on_train_begin(self, logs=None):
        # Inside fit, the validation run must not draw its own bar.
        self._called_in_fit = True

    def on_train_end(self, logs=None):
        self._called_in_fit = False

    def on_test_begin(self, logs=None):
        if not self._called_in_fit:
            self._reset_progbar()
            self._maybe_init_progbar()

    def on_predict_begin(self, logs=None):
        self._reset_progbar()
        self._maybe_init_progbar()

    def on_epoch_begin(self, epoch, logs=None):
        self._reset_progbar()
        self._maybe_init_progbar()
        if self.verbose and self.epochs > 1:
            print_msg(f"Epoch {epoch + 1}/{self.epochs}")

    def on_train_batch_end(self, batch, logs=None):
        self._update_progbar(batch, logs)

    def on_test_batch_end(self, batch, logs=None):
        if not self._called_in_fit:
            self._update_progbar(batch, logs)

    def on_predict_batch_end(self, batch, logs=None):
        self._update_progbar(batch, None)  # never print the outputs

    def on_epoch_end(self, epoch, logs=None):
        self._finalize_progbar(logs)

    def on_test_end(self, logs=None):
        if not self._called_in_fit:
            self._finalize_progbar(logs)

    def on_predict_end(self, logs=None):
        self._finalize_progbar(logs)

    # ------------------------------------------------------------ helpers
    def _reset_progbar(self):
        self.seen = 0
        self.progbar = None

    def _maybe_init_progbar(self):
        if self.progbar is None:
            self.progbar = Progbar(
                target=self.target,
                verbose=self.verbose,
                unit_name="step",
                stateless_metrics=set(),  # show the logs as given
            )

    def _update_progbar(self, batch, logs):
        self._maybe_init_progbar()
        self.seen = batch + 1  # 1-based steps done
        if self.verbose == 1:
            items = list(logs.items()) if logs else None
            self.progbar.update(self.seen, items, finalize=False)

    def _finalize_progbar(self, logs):
        self._maybe_init_progbar()
        if self.target is None:
            # The number of steps is known only now (a generator).
            self.target = self.seen
            self.progbar.target = self.target
        items = list(logs.items()) if logs else None
        self.progbar.update(self.target, items, finalize=True)
