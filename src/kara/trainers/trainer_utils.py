"""Helpers of the training loop: argument checks, checks of the targets
before the first batch, validation frequency, joining `predict` batches,
and deferring Ctrl-C to the end of a step.
"""

import signal
import threading

import numpy as np

from kara import config
from kara.trainers import data_adapter
from kara.trainers.compile_utils import _match_rank
from kara.trainers.compile_utils import flat_targets
from kara.trainers.compile_utils import output_names_of
from kara.trainers.data_adapter import flatten
from kara.trainers.data_adapter import map_structure

# ------------------------------------------------------------- arguments


def _is_int(value):
    return isinstance(value, (int, np.integer)) and not isinstance(value, bool)


def check_count(value, name, minimum=1, allow_none=True):
    """Raises unless `value` is an int >= minimum (or None if allowed)."""
    if value is None and allow_none:
        return
    if not _is_int(value) or value < minimum:
        raise ValueError(
            f"`{name}` must be an integer >= {minimum}"
            f"{' or None' if allow_none else ''}. Received: {name}={value!r}"
        )


def check_fit_args(
    verbose,
    epochs,
    initial_epoch,
    steps_per_epoch,
    validation_steps,
    validation_batch_size,
    validation_freq,
    shuffle,
):
    """Validates fit's scalar arguments; returns `verbose` as 0, 1 or 2."""
    check_count(epochs, "epochs", 0, allow_none=False)
    check_count(initial_epoch, "initial_epoch", 0, allow_none=False)
    check_count(steps_per_epoch, "steps_per_epoch")
    check_count(validation_steps, "validation_steps")
    check_count(validation_batch_size, "validation_batch_size")
    check_validation_freq(validation_freq)
    check_shuffle(shuffle)
    return check_verbose(verbose)


def check_verbose(verbose):
    if verbose == "auto":
        return 1
    if verbose not in (0, 1, 2) or isinstance(verbose, bool):
        raise ValueError(
            "`verbose` must be 'auto', 0 (silent), 1 (progress bar) or 2 "
            f"(one line per epoch). Received: verbose={verbose!r}"
        )
    return int(verbose)


def check_validation_freq(freq):
    if _is_int(freq) and freq >= 1:
        return
    if isinstance(freq, (list, tuple, set, range)) and all(
        _is_int(f) and f >= 1 for f in freq
    ):
        return
    raise ValueError(
        "`validation_freq` must be an integer >= 1 (validate every that many "
        "epochs) or a list of 1-based epoch numbers, e.g. [1, 5, 10]. "
        f"Received: validation_freq={freq!r}"
    )


def check_shuffle(shuffle):
    if shuffle in (True, False, "batch") or isinstance(shuffle, np.bool_):
        return
    raise ValueError(
        "`shuffle` must be True, False or 'batch'. Received: "
        f"shuffle={shuffle!r}"
    )


def should_validate(epoch, freq):
    """Whether epoch `epoch` (0-based) runs validation."""
    if _is_int(freq):
        return (epoch + 1) % freq == 0
    return (epoch + 1) in freq


def unpack_validation_data(validation_data):
    """`(x, y, sample_weight)` from a 2- or 3-tuple, or a generator."""
    if isinstance(validation_data, (tuple, list)):
        if len(validation_data) not in (2, 3):
            raise ValueError(
                "`validation_data` must be a tuple (x_val, y_val) or "
                "(x_val, y_val, val_sample_weight), or a generator of such "
                f"batches. Received a {type(validation_data).__name__} of "
                f"{len(validation_data)} elements."
            )
        return data_adapter.unpack_x_y_sample_weight(tuple(validation_data))
    return validation_data, None, None


# ------------------------------------------------------------- fit data


def prepare_fit_data(
    model,
    x,
    y,
    sample_weight,
    batch_size,
    shuffle,
    class_weight,
    steps_per_epoch,
    validation_split,
    validation_data,
    validation_batch_size,
    validation_steps,
):
    """The training and validation data of `fit`, checked.

    Splits off `validation_split` (the last samples), turns class weights
    into sample weights, and runs every check that must pass before the
    first batch (sample counts, NaN/inf, targets against the loss).

    Returns:
        `(train, val)`: `ArrayData` / `IterableData`, `val` may be None.
    """
    x, y = data_adapter.standardize(x), data_adapter.standardize(y)
    if validation_data is None and validation_split:
        if not data_adapter.is_array_data(x):
            raise ValueError(
                "`validation_split` needs array data (it keeps the last "
                "samples); with a generator, pass `validation_data`."
            )
        (x, y, sample_weight), validation_data = (
            data_adapter.train_validation_split(
                (x, y, sample_weight), validation_split
            )
        )
    y_pred = None
    if data_adapter.is_array_data(x) and model._checks_targets():
        y_pred = output_structure(model, x)
    train = data_adapter.make_data(
        x,
        y,
        sample_weight,
        batch_size,
        shuffle,
        class_weight,
        steps_per_epoch,
        num_classes=None if y_pred is None else num_classes(y_pred),
    )
    val = None
    if validation_data is not None:
        vx, vy, vsw = unpack_validation_data(validation_data)
        val = data_adapter.make_data(
            vx,
            vy,
            vsw,
            validation_batch_size or train.batch_size,
            False,
            steps=validation_steps,
            what="validation_data",
        )
    if y_pred is not None:
        check_targets(model, train, y_pred, "y")
        if isinstance(val, data_adapter.ArrayData):
            check_targets(model, val, y_pred, "validation y")
    return train, val


# ----------------------------------------------------- checks of targets


def first_rows(x):
    """The first sample of every array of `x` (keeping the batch axis)."""
    return map_structure(
        lambda a: data_adapter.to_array(a[:1], "x"), data_adapter.standardize(x)
    )


def output_structure(model, x):
    """The model's outputs (as arrays) on the first sample of `x`."""
    with config.no_grad():
        y = model(first_rows(x), training=False)
    return map_structure(lambda t: getattr(t, "data", t), y)


def num_classes(y_pred):
    """Classes of a single classification output (2 for one sigmoid unit)."""
    preds = flatten(y_pred)
    if len(preds) != 1 or np.ndim(preds[0]) < 2:
        return None
    units = preds[0].shape[-1]
    return 2 if units == 1 else units


_CHUNK_VALUES = 1 << 22  # fake predictions per chunk (16 MiB of float32)


def check_targets(model, data, y_pred, what="y"):
    """Runs the compiled loss on all of `data.y` once, before training.

    The losses check their inputs (class ids in range, one-hot vs sparse
    labels, shapes) and raise errors that say the fix; running them here,
    on every target against stand-in predictions of the right shape,
    catches a bad label in the last batch before the first step. Only
    kara's own losses are run this way (a custom loss may not like the
    stand-in values, 0.5 everywhere).
    """
    compile_loss = getattr(model, "_compile_loss", None)
    if compile_loss is None or data.y is None:
        return
    names = output_names_of(y_pred, compile_loss.output_names)
    preds = flatten(y_pred)
    trues = flat_targets(data.y, y_pred, names, what)
    sws = flat_targets(data.sample_weight, y_pred, names, "sample_weight")
    losses = compile_loss.resolve_losses(names, trues, preds)
    n = data.num_samples
    for fn, t, p, sw in zip(losses, trues, preds, sws):
        if fn is None or not _is_builtin(fn):
            continue
        row = p.shape[1:]
        chunk = max(1, _CHUNK_VALUES // max(1, int(np.prod(row))))
        for lo in range(0, n, chunk):
            hi = min(n, lo + chunk)
            fake = np.full((hi - lo,) + row, 0.5, dtype=p.dtype)
            try:
                with config.no_grad():
                    target = _match_rank(t[lo:hi], fake)
                    fn(target, fake, None if sw is None else sw[lo:hi])
            except ValueError as e:
                where = "" if lo == 0 else f" (rows {lo} to {hi - 1})"
                raise ValueError(
                    f"{what} does not fit the loss{where}, found before "
                    f"training: {e}"
                ) from None


def _is_builtin(loss):
    module = type(loss).__module__
    if type(loss).__name__ == "LossFunctionWrapper":
        module = getattr(loss.fn, "__module__", "") or ""
    return module.startswith("kara.losses")


# ---------------------------------------------------------------- predict


def concat(outputs):
    """Joins the per-batch outputs of `predict` along the batch axis."""
    first = outputs[0]
    if isinstance(first, dict):
        return {k: concat([o[k] for o in outputs]) for k in first}
    if isinstance(first, (list, tuple)):
        return type(first)(
            concat([o[i] for o in outputs]) for i in range(len(first))
        )
    return np.concatenate(outputs, axis=0)


def flatten_metrics_in_order(logs, metric_names):
    """The values of `logs` as `evaluate` returns them (Keras's order).

    First the values named in `metric_names` (in that order; a name may
    repeat), then the remaining keys sorted. One value is returned alone.
    """
    results = [logs[name] for name in metric_names if name in logs]
    results += [logs[k] for k in sorted(logs) if k not in metric_names]
    return results[0] if len(results) == 1 else results


# ----------------------------------------------------------------- Ctrl-C


class DeferInterrupt:
    """Holds Ctrl-C back until the current step is complete.

    A KeyboardInterrupt in the middle of an optimizer update would leave
    some weights updated and others not. Inside this context, SIGINT only
    sets a flag; `check()` (called between steps) raises it. A second
    Ctrl-C while one is pending interrupts at once.
    """

    def __init__(self):
        self.pending = False
        self.previous = None

    def __enter__(self):
        if (
            threading.current_thread() is threading.main_thread()
            and signal.getsignal(signal.SIGINT) is signal.default_int_handler
        ):
            self.previous = signal.signal(signal.SIGINT, self._handler)
        return self

    def _handler(self, signum, frame):
        if self.pending:
            raise KeyboardInterrupt
        self.pending = True

    def check(self):
        if self.pending:
            self.pending = False
            raise KeyboardInterrupt

    def __exit__(self, *exc):
        if self.previous is not None:
            signal.signal(signal.SIGINT, self.previous)
        return False
