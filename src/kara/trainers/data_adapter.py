"""From what the user passes to `fit` to batches: checks, splits, weights.

`fit`, `evaluate` and `predict` accept:

- arrays (NumPy, kara Tensors, nested lists of numbers, pandas objects),
  or a list / tuple / dict of them for models with several inputs or
  outputs;
- a Python generator or iterator yielding `(x, y)` or
  `(x, y, sample_weight)` batches;
- a sequence of batches: any object with `__len__` and `__getitem__`
  returning batches (a list of tuples, or a `keras.utils.PyDataset`-like
  class; its `on_epoch_end()` is called after each pass).

Arrays are checked once, before the first batch (`check_arrays`): the same
number of samples everywhere, no empty data, no NaN or inf. `ArrayData`
then cuts one pass (epoch) into batches; `IterableData` passes batches
through. `epoch_iterator.py` decides which batches make an epoch.
"""

import math
import numbers
import warnings

import numpy as np

from kara import backend
from kara import config
from kara import random as kara_random

# -------------------------------------------------------------- structures


def flatten(x):
    """The arrays of a structure (array, list/tuple, dict) in a fixed order.

    Dicts are flattened in sorted key order (as Keras's `tree.flatten`).
    """
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


def pack_x_y_sample_weight(x, y=None, sample_weight=None):
    """The batch a step receives: `x`, `(x,)`, `(x, y)` or `(x, y, sw)`.

    As in Keras, trailing Nones are left out, so a custom `train_step`
    can write `x, y = data`.
    """
    if y is None:
        return (x,) if isinstance(x, (list, tuple)) else x
    if sample_weight is None:
        return (x, y)
    return (x, y, sample_weight)


def _is_number_list(x):
    """A (nested) Python list of numbers: one array, not several inputs."""
    if not isinstance(x, (list, tuple)) or not x:
        return False
    first = x[0]
    while isinstance(first, (list, tuple)) and first:
        first = first[0]
    return isinstance(first, (numbers.Number, np.generic))


def standardize(x):
    """Turns nested lists of numbers into arrays; keeps other structures."""
    if _is_number_list(x):
        return backend.as_array(x)
    if isinstance(x, dict):
        return {k: standardize(v) for k, v in x.items()}
    if isinstance(x, (list, tuple)):
        return type(x)(standardize(v) for v in x)
    return x


def _is_array(a):
    return (
        isinstance(a, np.ndarray)
        or getattr(a, "_is_kara_tensor", False)
        or (hasattr(a, "__array__") and hasattr(a, "shape"))  # pandas
    )


def is_array_data(x):
    """Whether `x` is an array or a structure of arrays (not batches)."""
    arrays = flatten(standardize(x))
    return bool(arrays) and all(_is_array(a) for a in arrays)


def is_sequence(x):
    """A sequence of batches: `__len__` and `__getitem__`, not arrays."""
    return (
        hasattr(x, "__len__")
        and hasattr(x, "__getitem__")
        and not isinstance(x, (dict, str, bytes))
        and not is_array_data(x)
    )


def to_array(a, name):
    """An input array as NumPy; float64 becomes floatx (Keras casts too)."""
    arr = np.asarray(backend.as_array(a, name=name))
    if arr.dtype == np.float64 and config.floatx() != "float64":
        arr = arr.astype(config.floatx())
    return arr


def to_arrays(x, name):
    return map_structure(lambda a: to_array(a, name), standardize(x))


# ------------------------------------------------------------------ checks


def _sizes(x, name):
    sizes = {}
    for i, a in enumerate(flatten(x)):
        if np.ndim(a) == 0:
            raise ValueError(
                f"`{name}` must have a batch axis: received a scalar. Pass an "
                "array whose first axis indexes the samples."
            )
        sizes.setdefault(np.shape(a)[0], []).append(i)
    return sizes


def num_samples(x, name="x"):
    """The number of samples of the first array of a structure."""
    arrays = flatten(x)
    return np.shape(arrays[0])[0] if arrays else 0


def check_arrays(x, y=None, sample_weight=None, finite=True, what="fit"):
    """Validates in-memory data and returns the number of samples.

    Raises a ValueError naming the problem and the fix when the arrays
    have different numbers of samples, when there is no sample, or (with
    `finite=True`) when x or y hold NaN or inf.
    """
    counts = {}
    for name, value in (("x", x), ("y", y), ("sample_weight", sample_weight)):
        if value is None:
            continue
        sizes = _sizes(value, name)
        many = len(flatten(value)) > 1
        for n, idx in sizes.items():
            label = name if not many else f"{name}[{','.join(map(str, idx))}]"
            counts.setdefault(n, []).append(label)
    if len(counts) > 1:
        detail = ", ".join(
            f"{' and '.join(names)}: {n}" for n, names in sorted(counts.items())
        )
        raise ValueError(
            f"{what}: x, y and sample_weight must have the same number of "
            f"samples (first axis). Received {detail} samples. Make sure "
            "each input row has its label (and its weight)."
        )
    n = next(iter(counts)) if counts else 0
    if n == 0:
        raise ValueError(
            f"{what}: the data is empty (x has 0 samples). Pass at least "
            "one sample."
        )
    if finite:
        for name, value in (("x", x), ("y", y)):
            arrays = flatten(value)
            for i, a in enumerate(arrays):
                _check_finite(a, name if len(arrays) == 1 else f"{name}[{i}]")
    return n


def _all_finite(a):
    """Whether `a` holds no NaN or inf: one pass, no temporary array.

    The dot product of the values with themselves is NaN or inf exactly
    when a value is, or when it overflows (values beyond about 1e19): only
    then does the exact check (twice slower, and a boolean array the size
    of the data) run.
    """
    if a.size and a.dtype in (np.float32, np.float64) and a.flags.c_contiguous:
        flat = a.reshape(-1)
        with np.errstate(over="ignore", invalid="ignore"):
            if np.isfinite(np.dot(flat, flat)):
                return True
    return bool(np.isfinite(a).all())


def _check_finite(a, name):
    if a.dtype.kind not in "fc" or _all_finite(a):
        return
    bad = np.argwhere(~np.isfinite(a))[0]
    value = a[tuple(bad)]
    where = f"row {bad[0]}"
    if len(bad) == 2:
        where += f", column {bad[1]}"
    elif len(bad) > 2:
        where += f", position {tuple(int(v) for v in bad[1:])}"
    count = int(np.size(a) - np.count_nonzero(np.isfinite(a)))
    raise ValueError(
        f"`{name}` contains {value} at {where} ({count} non-finite value"
        f"{'s' if count > 1 else ''} in all). Training on NaN or inf makes "
        "the weights NaN. Clean the data first, for example with "
        "np.nan_to_num, or drop those rows: keep = np.isfinite(a).all("
        "axis=tuple(range(1, a.ndim))) for each array a, then x[keep], "
        "y[keep]."
    )


# ------------------------------------------------------------------ splits


def train_validation_split(arrays, validation_split):
    """Splits off the LAST `validation_split` fraction, before shuffling.

    Args:
        arrays: `(x, y, sample_weight)`, in-memory arrays.
        validation_split: a float in (0, 1).

    Returns:
        `(train_arrays, validation_arrays)`.
    """
    if not isinstance(validation_split, numbers.Real) or not (
        0.0 < validation_split < 1.0
    ):
        raise ValueError(
            "`validation_split` must be a float between 0 and 1 (exclusive), "
            "the fraction of the samples (the last ones) kept for validation."
            f" Received: validation_split={validation_split!r}"
        )
    n = num_samples(arrays[0])
    split_at = int(math.floor(n * (1.0 - validation_split)))
    if split_at == 0 or split_at == n:
        raise ValueError(
            f"validation_split={validation_split} on {n} samples leaves "
            f"{split_at} for training and {n - split_at} for validation; both "
            "need at least one sample. Use more data or another fraction."
        )

    def part(lo, hi):
        return tuple(
            map_structure(lambda a: a[lo:hi], t) if t is not None else None
            for t in arrays
        )

    return part(0, split_at), part(split_at, n)


def _class_ids(y):
    """The class of each sample: argmax of one-hot rows, else the label.

    (For multi-label 0/1 rows that is the first positive label, as in
    Keras.)
    """
    if y.ndim > 1 and y.shape[-1] != 1:
        ids = np.argmax(y, axis=-1)
        if y.dtype.kind in "iu" and not np.isin(y, (0, 1)).all():
            ids = y  # integer ids per timestep, not one-hot rows
    else:
        ids = np.round(y.reshape(y.shape[:-1]) if y.ndim > 1 else y)
    if ids.ndim != 1:
        raise NotImplementedError(
            "`class_weight` needs one class per sample, but y has shape "
            f"{y.shape} (several labels per sample, e.g. a sequence). Pass "
            "`sample_weight` with one weight per label instead, e.g. "
            "sample_weight = weights_table[y_ids] of shape "
            f"{tuple(ids.shape)}."
        )
    return ids.astype("int64")


def class_weight_to_sample_weight(y, class_weight, num_classes=None):
    """Per-sample weights from a `{class_index: weight}` dict.

    Classes are the argmax of one-hot rows, or the integer labels. Under
    Keras 3 a class without a key gets weight 1.0 (with a warning); under
    the keras2 profile (tf.keras 2) the keys must be `0..max_class` with
    no gap.

    Args:
        y: the labels (one array, or a structure holding one).
        class_weight: the dict.
        num_classes: the number of classes (the model's output units, 2
            for one sigmoid unit), if known; keys must be below it.

    Example:
    >>> class_weight_to_sample_weight(np.array([0, 1, 1]), {0: 1.0, 1: 3.0})
    array([1., 3., 3.], dtype=float32)
    """
    if not isinstance(class_weight, dict):
        raise ValueError(
            "`class_weight` must be a dict {class_index: weight}, e.g. "
            f"{{0: 1.0, 1: 5.0}}. Received: {type(class_weight).__name__} "
            f"{class_weight!r}."
        )
    arrays = flatten(y)
    if len(arrays) != 1:
        raise ValueError(
            "`class_weight` is only supported for models with one output. "
            "With several outputs, pass `sample_weight` (one array per "
            "output) instead."
        )
    y = arrays[0]
    weights = {}
    for key, w in class_weight.items():
        try:
            index = int(key)
            if index != key and not (isinstance(key, str) and key.isdigit()):
                raise ValueError
            weights[index] = float(w)
        except (TypeError, ValueError):
            raise ValueError(
                "`class_weight` keys must be class indices (ints 0, 1, ...) "
                f"and values numbers. Received the entry {key!r}: {w!r}."
            ) from None
    classes = _class_ids(y)
    present = np.unique(classes)
    if present[0] < 0:
        raise ValueError(
            f"`class_weight` needs class ids >= 0, but y holds {present[0]}."
        )
    if not weights:
        return np.ones(len(classes), "float32")
    if num_classes is None:
        num_classes = (
            y.shape[-1] if y.ndim > 1 and y.shape[-1] > 1 else present.max() + 1
        )
    num_classes = int(num_classes)
    bad = sorted(k for k in weights if k < 0 or k >= max(num_classes, 1))
    if bad:
        raise ValueError(
            f"`class_weight` has keys {bad} that are not classes of y: the "
            f"classes are 0..{num_classes - 1} (y holds "
            f"{present.tolist()[:20]}). Keys are 0-based class indices."
        )
    if config.profile() == "keras2":
        expected = list(range(max(weights) + 1)) if weights else []
        if sorted(weights) != expected:
            raise ValueError(
                "`class_weight` must have a key for every class from 0 to "
                f"{max(weights)} (tf.keras 2). Received keys "
                f"{sorted(weights)}."
            )
        missing = present[present > max(weights)]
        if missing.size:
            raise ValueError(
                f"y holds class {int(missing[0])}, which has no entry in "
                "`class_weight` (tf.keras 2 needs one for every class). Add "
                f"it, e.g. class_weight[{int(missing[0])}] = 1.0."
            )
    else:
        missing = sorted(set(present.tolist()) - set(weights))
        if missing:
            warnings.warn(
                f"`class_weight` has no entry for the classes {missing[:20]} "
                "found in y: they get weight 1.0.",
                stacklevel=4,
            )
    size = max(num_classes, int(present.max()) + 1, max(weights) + 1)
    table = np.ones(size, "float32")
    for k, w in weights.items():
        table[k] = w
    return table[classes]


# ----------------------------------------------------------------- batches


class ArrayData:
    """In-memory arrays cut into batches, one pass at a time.

    Args:
        x, y, sample_weight: arrays or structures of arrays.
        batch_size: samples per batch (the last batch may be smaller).
        shuffle: True (a new permutation each pass), "batch" (shuffle
            within batches) or False.
        check_finite: refuse NaN and inf in x and y.
        what: the method name, for error messages.
    """

    def __init__(
        self,
        x,
        y=None,
        sample_weight=None,
        batch_size=None,
        shuffle=False,
        check_finite=True,
        what="fit",
        steps=None,
    ):
        self.x = to_arrays(x, "x")
        self.y = to_arrays(y, "y")
        self.sample_weight = to_arrays(sample_weight, "sample_weight")
        self.num_samples = check_arrays(
            self.x, self.y, self.sample_weight, check_finite, what
        )
        if batch_size is None:
            n = self.num_samples
            batch_size = math.ceil(n / steps) if steps else 32
        self.batch_size = int(batch_size)
        self.shuffle = shuffle
        self.num_batches = math.ceil(self.num_samples / self.batch_size)

    def one_pass(self):
        """Yields the `(x, y, sample_weight)` batches of one pass."""
        arrays = (self.x, self.y, self.sample_weight)
        n, size = self.num_samples, self.batch_size
        if not self.shuffle:
            for lo in range(0, n, size):
                yield pack_x_y_sample_weight(
                    *(_rows(t, slice(lo, lo + size)) for t in arrays)
                )
            return
        rng = kara_random.global_generator()
        if self.shuffle == "batch":
            order = np.arange(n)
            for lo in range(0, n, size):
                rng.shuffle(order[lo : lo + size])
        else:
            order = rng.permutation(n)
        for lo in range(0, n, size):
            index = order[lo : lo + size]
            yield pack_x_y_sample_weight(*(_rows(t, index) for t in arrays))

    def end_pass(self):
        pass


def _rows(t, index):
    """Rows `index` (a slice: a view; an index array: a copy) of a
    structure of arrays (fast path for a single array)."""
    if t is None:
        return None
    if type(t) is np.ndarray:
        return _take(t, index)
    return map_structure(lambda a: _take(a, index), t)


def _take(a, index):
    # `np.take` gathers rows faster than `a[index]` (2.8 us against 9 for
    # 32 rows of 28x28, 243 against 287 for 1024): no general indexing
    if type(index) is slice:
        return a[index]
    return np.take(a, index, axis=0)


class IterableData:
    """Batches from a generator, an iterator or a sequence of batches.

    A sequence (`__len__` + `__getitem__`) is read in index order, one
    pass per epoch, calling its `on_epoch_end()` after each pass; a
    generator is read on, across epochs, until it stops.
    """

    def __init__(self, data):
        self.data = data
        self.sequence = is_sequence(data)
        self.num_batches = len(data) if self.sequence else None
        self.num_samples = None
        self.batch_size = None
        self._iterator = None

    def one_pass(self):
        if self.sequence:
            for i in range(len(self.data)):
                yield _convert_batch(self.data[i])
            return
        if self._iterator is None:
            self._iterator = iter(self.data)
        for batch in self._iterator:
            yield _convert_batch(batch)

    def end_pass(self):
        """Called after the last batch of a pass: a sequence's
        `on_epoch_end()` runs (to reshuffle, for example)."""
        on_epoch_end = getattr(self.data, "on_epoch_end", None)
        if self.sequence and callable(on_epoch_end):
            on_epoch_end()


def _convert_batch(batch):
    x, y, sw = unpack_x_y_sample_weight(batch)
    return pack_x_y_sample_weight(
        to_arrays(x, "x"), to_arrays(y, "y"), to_arrays(sw, "sample_weight")
    )


def make_data(
    x,
    y=None,
    sample_weight=None,
    batch_size=None,
    shuffle=False,
    class_weight=None,
    steps=None,
    check_finite=True,
    what="fit",
    num_classes=None,
):
    """Returns the `ArrayData` or `IterableData` for the user's data."""
    if batch_size is not None and (
        isinstance(batch_size, bool)
        or not isinstance(batch_size, (int, np.integer))
        or batch_size < 1
    ):
        raise ValueError(
            "`batch_size` must be a positive integer. Received: "
            f"batch_size={batch_size!r}"
        )
    if x is None:
        raise ValueError(
            f"{what}: `x` is missing. Pass the input data, e.g. "
            f"model.{what}(x_train, y_train)."
        )
    if not is_array_data(x):
        if not (is_sequence(x) or hasattr(x, "__iter__")):
            raise ValueError(
                f"{what}: unrecognized data type x={type(x).__name__}. Pass "
                "NumPy arrays (or a list/dict of them), or a generator of "
                "(x, y) batches."
            )
        if y is not None:
            raise ValueError(
                f"{what}: when x is a generator or sequence of batches, do "
                "not pass `y`; each batch should be an (x, y) tuple."
            )
        if sample_weight is not None or class_weight is not None:
            raise ValueError(
                f"{what}: `sample_weight` and `class_weight` need array "
                "data; with a generator, yield (x, y, sample_weight) batches."
            )
        return IterableData(x)
    if class_weight is not None:
        if sample_weight is not None and config.profile() != "keras2":
            raise ValueError(
                "Pass either `class_weight` or `sample_weight`, not both. To "
                "combine them, multiply the class weights into sample_weight "
                "yourself: sample_weight * class_weight_array[y]."
            )
        if y is None:
            raise ValueError("`class_weight` needs the labels `y`.")
        cw = class_weight_to_sample_weight(
            to_arrays(y, "y"), class_weight, num_classes
        )
        if sample_weight is not None:  # tf.keras 2 multiplies them
            sw = to_array(sample_weight, "sample_weight")
            cw = cw.reshape((-1,) + (1,) * (sw.ndim - 1)) * sw
        sample_weight = cw
    return ArrayData(
        x, y, sample_weight, batch_size, shuffle, check_finite, what, steps
    )
