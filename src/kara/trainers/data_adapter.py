"""From what the user passes to `fit` to batches: checks, splits, shuffling.

Arrays (or lists/dicts of arrays, for several inputs or outputs) are checked
once, before the first batch: same number of samples everywhere, no empty
data, no NaN or inf in the inputs. Each epoch the shuffled data is gathered
once into contiguous buffers, and batches are views (slices) of them, so no
batch is copied again.

Python generators and other iterables of `(x, y)` or `(x, y, sample_weight)`
tuples are passed through batch by batch.
"""

import math
import warnings

import numpy as np

from kara import backend
from kara import config
from kara import random as kara_random

# -------------------------------------------------------------- structures


def flatten(x):
    """The arrays of a structure (array, list/tuple, dict) in a fixed order."""
    if x is None:
        return []
    if isinstance(x, dict):
        return [v for k in sorted(x) for v in flatten(x[k])]
    if isinstance(x, (list, tuple)):
        return [v for item in x for v in flatten(item)]
    return [x]


def map_structure(fn, x):
    """Applies `fn` to each array of a structure, keeping the structure."""
    if x is None:
        return None
    if isinstance(x, dict):
        return {k: map_structure(fn, v) for k, v in x.items()}
    if isinstance(x, (list, tuple)):
        return type(x)(map_structure(fn, v) for v in x)
    return fn(x)


def unpack_x_y_sample_weight(data):
    """Splits a batch `(x,)`, `(x, y)` or `(x, y, sample_weight)`."""
    if isinstance(data, list):
        data = tuple(data)
    if not isinstance(data, tuple):
        return data, None, None
    if len(data) == 1:
        return data[0], None, None
    if len(data) == 2:
        return data[0], data[1], None
    if len(data) == 3:
        return data
    raise ValueError(
        "A batch must be (x,), (x, y) or (x, y, sample_weight). Received a "
        f"tuple of {len(data)} elements."
    )


def _is_array_like(x):
    arrays = flatten(x)
    return bool(arrays) and all(
        isinstance(a, np.ndarray)
        or getattr(a, "_is_kara_tensor", False)
        or (isinstance(a, (list, tuple)) and not isinstance(x, dict))
        or np.isscalar(a)
        for a in arrays
    )


def _to_array(a, name):
    """An input array as NumPy; float64 becomes floatx (Keras casts too)."""
    arr = np.asarray(backend.as_array(a, name=name))
    if arr.dtype == np.float64 and config.floatx() != "float64":
        arr = arr.astype(config.floatx())
    return arr


# ------------------------------------------------------------------ checks


def _num_samples(x, name):
    sizes = {np.shape(a)[0] if np.ndim(a) else None for a in flatten(x)}
    if None in sizes:
        raise ValueError(
            f"`{name}` must have a batch axis: received a scalar. Pass an "
            "array whose first axis indexes the samples."
        )
    return sizes


def check_arrays(x, y, sample_weight):
    """Validates the data of `fit`/`evaluate` and returns the sample count."""
    counts = {}
    for name, value in (("x", x), ("y", y), ("sample_weight", sample_weight)):
        if value is not None:
            for n in _num_samples(value, name):
                counts.setdefault(n, []).append(name)
    if len(counts) > 1:
        detail = ", ".join(
            f"{'/'.join(names)}: {n}" for n, names in sorted(counts.items())
        )
        raise ValueError(
            "x, y and sample_weight must have the same number of samples "
            f"(first axis). Received {detail}. Make sure each input row has "
            "its label."
        )
    n = next(iter(counts)) if counts else 0
    if n == 0:
        raise ValueError(
            "The data is empty: x has 0 samples. Pass at least one sample."
        )
    for i, a in enumerate(flatten(x)):
        _check_finite(a, "x" if len(flatten(x)) == 1 else f"x[{i}]")
    return n


def _check_finite(a, name):
    if a.dtype.kind != "f" or np.isfinite(a).all():
        return
    bad = np.argwhere(~np.isfinite(a))[0]
    value = a[tuple(bad)]
    where = f"row {bad[0]}" + (
        f", column {tuple(int(v) for v in bad[1:])}"
        if len(bad) > 2
        else (f", column {bad[1]}" if len(bad) == 2 else "")
    )
    raise ValueError(
        f"`{name}` contains {value} at {where} (and possibly elsewhere). "
        "Training on NaN or inf gives NaN weights. Clean the data first, "
        "for example with np.nan_to_num or by dropping those rows."
    )


# ------------------------------------------------------------------ splits


def train_validation_split(arrays, validation_split):
    """Splits off the LAST `validation_split` fraction, before shuffling.

    Args:
        arrays: `(x, y, sample_weight)`.
        validation_split: a float in (0, 1).

    Returns:
        `(train_arrays, validation_arrays)`.
    """
    if not 0.0 < validation_split < 1.0:
        raise ValueError(
            "`validation_split` must be a float between 0 and 1 (exclusive). "
            f"Received: validation_split={validation_split}"
        )
    n = next(iter(_num_samples(arrays[0], "x")))
    split_at = int(math.floor(n * (1.0 - validation_split)))
    if split_at == 0 or split_at == n:
        raise ValueError(
            f"validation_split={validation_split} on {n} samples leaves "
            f"{split_at} for training and {n - split_at} for validation; both "
            "need at least one. Use more data or another fraction."
        )

    def part(lo, hi):
        return tuple(
            map_structure(lambda a: a[lo:hi], t) if t is not None else None
            for t in arrays
        )

    return part(0, split_at), part(split_at, n)


def class_weight_to_sample_weight(y, class_weight):
    """Per-sample weights from a `{class: weight}` dict (missing -> 1.0)."""
    if len(flatten(y)) != 1:
        raise ValueError(
            "`class_weight` is only supported for models with one output."
        )
    y = flatten(y)[0]
    if y.ndim > 1 and y.shape[-1] != 1:
        classes = np.argmax(y, axis=-1)
    else:
        classes = np.round(y.reshape(y.shape[0], -1)[:, 0]).astype("int64")
    weights = {}
    for key, w in class_weight.items():
        try:
            weights[int(key)] = float(w)
        except (TypeError, ValueError):
            raise ValueError(
                f"`class_weight` keys must be class indices (ints). Received "
                f"the key {key!r}."
            ) from None
    present = set(np.unique(classes).tolist())
    unknown = sorted(k for k in weights if k not in present)
    if unknown and (min(unknown) < 0 or unknown == sorted(weights)):
        raise ValueError(
            f"`class_weight` has keys {unknown} that are not classes of y "
            f"(y holds classes {sorted(present)}). Keys are class indices "
            "0..num_classes-1."
        )
    table = np.ones(max(max(present), max(weights, default=0)) + 1, "float32")
    for k, w in weights.items():
        if k >= 0:
            table[k] = w
    return table[classes]


# ----------------------------------------------------------------- batches


class ArrayBatches:
    """Batches of in-memory arrays, with per-epoch shuffling.

    Args:
        x, y, sample_weight: arrays or structures of arrays.
        batch_size: samples per batch (the last batch may be smaller).
        shuffle: True (a full permutation each epoch), "batch" (shuffle
            within batches) or False.
        steps_per_epoch: batches per epoch; if fewer than the data holds,
            the next epoch continues where this one stopped.
    """

    def __init__(
        self,
        x,
        y=None,
        sample_weight=None,
        batch_size=32,
        shuffle=False,
        steps_per_epoch=None,
    ):
        self.x = map_structure(lambda a: _to_array(a, "x"), x)
        self.y = map_structure(lambda a: _to_array(a, "y"), y)
        self.sample_weight = map_structure(
            lambda a: _to_array(a, "sample_weight"), sample_weight
        )
        self.num_samples = check_arrays(self.x, self.y, self.sample_weight)
        self.batch_size = int(batch_size)
        self.shuffle = shuffle
        self.batches_per_pass = math.ceil(self.num_samples / self.batch_size)
        self.steps_per_epoch = steps_per_epoch or self.batches_per_pass
        self._cursor = None  # (epoch buffers, next batch index)

    @property
    def num_batches(self):
        return self.steps_per_epoch

    def _epoch_buffers(self):
        arrays = (self.x, self.y, self.sample_weight)
        if not self.shuffle:
            return arrays
        n = self.num_samples
        if self.shuffle == "batch":
            order = np.arange(n)
            rng = kara_random.global_generator()
            for start in range(0, n, self.batch_size):
                rng.shuffle(order[start : start + self.batch_size])
        else:
            order = kara_random.global_generator().permutation(n)
        # one gather per epoch into contiguous buffers; batches are views
        return tuple(
            map_structure(lambda a: np.take(a, order, axis=0), t)
            for t in arrays
        )

    def __iter__(self):
        """Yields `(x, y, sample_weight)` batches for one epoch."""
        taken = 0
        while taken < self.steps_per_epoch:
            if self._cursor is None:
                self._cursor = [self._epoch_buffers(), 0]
            buffers, i = self._cursor
            if i >= self.batches_per_pass:
                self._cursor = None
                if self.steps_per_epoch > self.batches_per_pass:
                    warnings.warn(
                        "Your input ran out of data: steps_per_epoch="
                        f"{self.steps_per_epoch} is more than the "
                        f"{self.batches_per_pass} batches the data holds.",
                        stacklevel=3,
                    )
                    return
                continue
            lo = i * self.batch_size
            hi = lo + self.batch_size
            self._cursor[1] = i + 1
            taken += 1
            yield tuple(map_structure(lambda a: a[lo:hi], t) for t in buffers)
        if (
            self._cursor is not None
            and self._cursor[1] >= self.batches_per_pass
        ):
            self._cursor = None


class IterableBatches:
    """Batches from a generator or iterable of `(x, y[, sample_weight])`."""

    def __init__(self, data, steps_per_epoch=None):
        self.data = data
        self.reiterable = iter(data) is not data
        self.steps_per_epoch = steps_per_epoch
        self._iterator = None
        self.num_samples = None

    @property
    def num_batches(self):
        return self.steps_per_epoch

    def __iter__(self):
        if self.reiterable and self.steps_per_epoch is None:
            self._iterator = iter(self.data)
        elif self._iterator is None:
            self._iterator = iter(self.data)
        taken = 0
        while self.steps_per_epoch is None or taken < self.steps_per_epoch:
            try:
                batch = next(self._iterator)
            except StopIteration:
                self._iterator = None
                if self.steps_per_epoch is not None and taken == 0:
                    return
                if self.steps_per_epoch is not None:
                    warnings.warn(
                        "Your input ran out of data after "
                        f"{taken} of steps_per_epoch={self.steps_per_epoch} "
                        "batches.",
                        stacklevel=3,
                    )
                return
            x, y, sw = unpack_x_y_sample_weight(batch)
            taken += 1
            yield (
                map_structure(lambda a: _to_array(a, "x"), x),
                map_structure(lambda a: _to_array(a, "y"), y),
                map_structure(lambda a: _to_array(a, "sample_weight"), sw),
            )


def make_batches(
    x,
    y=None,
    sample_weight=None,
    batch_size=None,
    shuffle=False,
    steps_per_epoch=None,
    class_weight=None,
):
    """Returns the batch source for `fit`/`evaluate`/`predict` data."""
    if batch_size is not None and (
        not isinstance(batch_size, (int, np.integer)) or batch_size < 1
    ):
        raise ValueError(
            "`batch_size` must be a positive integer. Received: "
            f"batch_size={batch_size!r}"
        )
    if x is not None and not _is_array_like(x):
        if y is not None:
            raise ValueError(
                "When x is a generator or iterable of batches, do not pass "
                "`y`: each batch should be an (x, y) tuple."
            )
        if class_weight is not None:
            raise ValueError(
                "`class_weight` needs array data; for a generator, yield "
                "(x, y, sample_weight) batches instead."
            )
        return IterableBatches(x, steps_per_epoch)
    if class_weight is not None:
        if sample_weight is not None:
            raise ValueError(
                "Pass either `class_weight` or `sample_weight`, not both. "
                "To combine them, multiply the class weights into "
                "sample_weight yourself."
            )
        if y is None:
            raise ValueError("`class_weight` needs the labels `y`.")
        sample_weight = class_weight_to_sample_weight(
            map_structure(lambda a: _to_array(a, "y"), y), class_weight
        )
    if batch_size is None:
        n = next(iter(_num_samples(x, "x")))
        batch_size = math.ceil(n / steps_per_epoch) if steps_per_epoch else 32
    return ArrayBatches(
        x, y, sample_weight, batch_size, shuffle, steps_per_epoch
    )
