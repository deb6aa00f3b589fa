"""How `compile(metrics=[...])` entries become metrics, and their log keys.

`resolve_metric` turns one entry (a name, a class, a function or a
`Metric`) into a `Metric`, as Keras's `compile_utils.get_metric` does:

- `"accuracy"` / `"acc"` (any case) picks the accuracy that fits the
  shapes of the first batch:

  - `BinaryAccuracy` if `y_pred.shape[-1] == 1`;
  - else `SparseCategoricalAccuracy` if `y_true` has a lower rank than
    `y_pred`, or `y_true.shape[-1] == 1` while `y_pred.shape[-1] > 1`;
  - else `CategoricalAccuracy`.

  `"crossentropy"` / `"ce"` pick the crossentropy the same way (a
  tf.keras 2 convenience; Keras 3 rejects these names).
- Any other name goes through `kara.metrics.get()`.
- A plain function is wrapped in `MeanMetricWrapper`.
- **The log name is the string you wrote**: `metrics=["acc"]` logs `acc`
  and `val_acc`, `metrics=["mae"]` logs `mae`. Objects keep their own
  name (`MeanSquaredError()` logs `mean_squared_error`); functions log
  their snake_case `__name__`.

`compile_metric_names` gives the final keys when names collide or when
the model has several outputs.

Example:
>>> from kara.metrics import resolve_metric
>>> m = resolve_metric("acc", y_true_shape=(32,), y_pred_shape=(32, 10))
>>> type(m).__name__, m.name
('SparseCategoricalAccuracy', 'acc')
>>> m.resolution_note
'"acc" -> sparse_categorical_accuracy (y_true (32,) has lower rank than \
y_pred (32, 10): integer labels)'
"""

import warnings

from kara import config
from kara.utils import naming

_BINARY_LOSSES = {
    "binary_crossentropy",
    "bce",
    "binary_focal_crossentropy",
    "binarycrossentropy",
    "binaryfocalcrossentropy",
}


def _classify(identifier, y_true_shape, y_pred_shape):
    """Returns `(kind, reason)`: "binary", "sparse" or "categorical"."""
    if y_true_shape is None or y_pred_shape is None:
        raise ValueError(
            f"Resolving metrics={[identifier]!r} needs the shapes of "
            "`y_true` and `y_pred` (it picks binary, categorical or sparse "
            "categorical from them). Received: "
            f"y_true_shape={y_true_shape}, y_pred_shape={y_pred_shape}."
        )
    yt, yp = tuple(y_true_shape), tuple(y_pred_shape)
    if not yt or not yp:
        raise ValueError(
            f"Cannot resolve metrics={[identifier]!r} for scalar labels or "
            f"predictions: y_true_shape={yt}, y_pred_shape={yp}. Pass a "
            "metric object such as `BinaryAccuracy()` instead."
        )
    if yp[-1] == 1:
        return "binary", "y_pred last dim 1"
    if len(yt) < len(yp):
        return "sparse", (
            f"y_true {yt} has lower rank than y_pred {yp}: integer labels"
        )
    if yt[-1] == 1 and yp[-1] > 1:
        return "sparse", (
            f"y_true {yt} with y_pred last dim {yp[-1]}: integer labels"
        )
    return "categorical", f"y_pred last dim {yp[-1]}, y_true one-hot"


def _loss_name(loss):
    if loss is None:
        return ""
    if isinstance(loss, str):
        name = loss
    else:
        name = getattr(loss, "name", None) or getattr(loss, "__name__", None)
        name = name or type(loss).__name__
    return str(name).lower()


def _object_name(obj):
    """Keras's `get_object_name`: `.name`, or snake_case of the name."""
    if hasattr(obj, "name"):
        return obj.name
    if hasattr(obj, "__name__"):
        return naming.to_snake_case(obj.__name__)
    return naming.to_snake_case(type(obj).__name__)


def resolve_metric(identifier, y_true_shape=None, y_pred_shape=None, loss=None):
    """Turns one `compile(metrics=[...])` entry into a `Metric`.

    Args:
        identifier: a metric name, a `Metric` class or instance, a config
            dict, or a function `fn(y_true, y_pred)`.
        y_true_shape: the shape of the labels of the first batch (needed
            for `"accuracy"`/`"acc"`/`"crossentropy"`/`"ce"`).
        y_pred_shape: the shape of the predictions of the first batch.
        loss: the compiled loss (optional), used to warn when
            `"accuracy"` resolves to categorical accuracy for a
            multi-label binary-crossentropy model.

    Returns:
        A `Metric` whose `.name` is the log key. It also carries
        `resolution_note`, a one-line description of what was chosen and
        why (for verbose output), or `None`.
    """
    from kara import metrics as metrics_module

    if identifier is None:
        raise ValueError("Expected metric, received `None`")
    key = identifier.lower() if isinstance(identifier, str) else None
    note = None
    if key in ("accuracy", "acc", "crossentropy", "ce"):
        kind, reason = _classify(identifier, y_true_shape, y_pred_shape)
        if key in ("accuracy", "acc"):
            cls = {
                "binary": metrics_module.BinaryAccuracy,
                "sparse": metrics_module.SparseCategoricalAccuracy,
                "categorical": metrics_module.CategoricalAccuracy,
            }[kind]
        else:
            cls = {
                "binary": metrics_module.BinaryCrossentropy,
                "sparse": metrics_module.SparseCategoricalCrossentropy,
                "categorical": metrics_module.CategoricalCrossentropy,
            }[kind]
        metric = cls(name=identifier)
        note = (
            f'"{identifier}" -> {naming.to_snake_case(cls.__name__)} ({reason})'
        )
        if (
            kind == "categorical"
            and key in ("accuracy", "acc")
            and _loss_name(loss) in _BINARY_LOSSES
        ):
            warnings.warn(
                f'metrics=["{identifier}"] resolved to categorical_accuracy '
                f"(y_pred has {tuple(y_pred_shape)[-1]} columns and y_true "
                "the same shape), but the loss is binary crossentropy: "
                "this looks like a multi-label model, where "
                "categorical_accuracy only compares the argmax of each "
                'sample. Use metrics=["binary_accuracy"] for the '
                "per-label accuracy.",
                stacklevel=2,
            )
    else:
        metric = metrics_module.get(identifier)

    if isinstance(identifier, str):
        keep_default = (
            config.profile() == "keras2"
            and isinstance(metric, metrics_module.Metric)
            and identifier
            in {cls.__name__ for cls in metrics_module.ALL_OBJECTS}
        )
        # tf.keras 2 kept the default name of a class named by a string
        name = metric.name if keep_default else identifier
    else:
        name = _object_name(metric)
    if not isinstance(metric, metrics_module.Metric):
        metric = metrics_module.MeanMetricWrapper(metric)
    metric.name = name
    metric.resolution_note = note
    return metric


def compile_metric_names(metrics, weighted_metrics=None, output_names=None):
    """The log keys Keras gives to compiled metrics.

    Keras 3 rules: with several outputs every key gets the prefix
    `"<output_name>_"`. A key already taken gets a suffix `_1`, `_2`, ...;
    for `weighted_metrics` the first fallback is `"weighted_<name>"`.
    The "keras2" profile follows tf.keras 2 instead: the same prefixes and
    `weighted_` fallback, but two metrics with one name raise an error.

    Args:
        metrics: one list of metric names per output.
        weighted_metrics: one list of names per output, or `None`.
        output_names: the output names when the model has more than one
            output; `None` (or one name) for a single output.

    Returns:
        `(keys, weighted_keys)`, lists of lists parallel to the inputs.

    Example:
    >>> compile_metric_names([["mae", "mae"]], [["mae"]])
    ([['mae', 'mae_1']], [['weighted_mae']])
    >>> compile_metric_names([["acc"], ["acc"]], None, ["a", "b"])
    ([['a_acc'], ['b_acc']], [[], []])
    """
    n = len(metrics)
    weighted_metrics = weighted_metrics or [[] for _ in range(n)]
    prefixes = (
        [f"{o}_" for o in output_names]
        if output_names is not None and len(output_names) > 1
        else [""] * n
    )
    if config.profile() == "keras2":
        return _keras2_names(metrics, weighted_metrics, prefixes)
    counters = {}
    keys = []
    for prefix, names in zip(prefixes, metrics):
        out = []
        for name in names:
            key = prefix + name
            if key not in counters:
                counters[key] = 1
            else:
                index = counters[key]
                counters[key] += 1
                key = f"{key}_{index}"
            out.append(key)
        keys.append(out)
    weighted_keys = []
    for prefix, names in zip(prefixes, weighted_metrics):
        out = []
        for name in names:
            key = prefix + name
            if key not in counters:
                counters[key] = 1
            else:
                key = f"{prefix}weighted_{name}"
                if key not in counters:
                    counters[key] = 1
                else:
                    index = counters[key]
                    counters[key] += 1
                    key = f"{key}_{index}"
            out.append(key)
        weighted_keys.append(out)
    return keys, weighted_keys


def _keras2_names(metrics, weighted_metrics, prefixes):
    used = set()
    keys = []
    weighted_keys = []
    for prefix, names, weighted in zip(prefixes, metrics, weighted_metrics):
        out = []
        for name in names:
            key = prefix + name
            if key in used:
                raise ValueError(
                    f"Found two metrics with the same name: {key}. All the "
                    "metrics added to the model need to have unique names."
                )
            used.add(key)
            out.append(key)
        keys.append(out)
        out = []
        for name in weighted:
            key = prefix + name
            if key in used:
                key = f"{prefix}weighted_{name}"
            if key in used:
                raise ValueError(
                    "Found two weighted metrics with the same name: "
                    f"{key}. All the metrics added to the model need to "
                    "have unique names."
                )
            used.add(key)
            out.append(key)
        weighted_keys.append(out)
    return keys, weighted_keys
