"""`MonitorCallback`: the shared logic of callbacks that watch a metric.

`EarlyStopping`, `ModelCheckpoint` and `ReduceLROnPlateau` each watch one
log value (`monitor`, default `"val_loss"`) and ask "is this better than
the best so far?". This base class answers:

- which direction is better (`mode`: `"min"`, `"max"`, or `"auto"`, which
  infers it from the metric: see `infer_direction`);
- whether a value improves on a reference by more than `min_delta`;
- and, when `monitor` is not in the logs (a typo such as `"val_acc"` for
  `"val_accuracy"`), a warning naming the available keys and the closest
  one, instead of silently never improving.
"""

import warnings

from kara.callbacks import _profile_rules
from kara.callbacks.callback import Callback
from kara.utils import naming

# Metrics whose larger values are better; matched on the name without
# "val_". Everything ending in "acc"/"accuracy"/"auc" is also "up".
_UP_NAMES = {
    "precision",
    "recall",
    "f1_score",
    "fbeta_score",
    "r2_score",
    "cosine_similarity",
    "iou",
    "mean_iou",
    "binary_iou",
    "one_hot_iou",
    "one_hot_mean_iou",
    "precision_at_recall",
    "recall_at_precision",
    "sensitivity_at_specificity",
    "specificity_at_sensitivity",
    "true_positives",
    "true_negatives",
}
_UP_SUFFIXES = ("acc", "accuracy", "auc")
# Metrics whose smaller values are better (besides anything "...loss").
_DOWN_NAMES = {
    "mse",
    "mae",
    "mape",
    "msle",
    "rmse",
    "mean_squared_error",
    "mean_absolute_error",
    "mean_absolute_percentage_error",
    "mean_squared_logarithmic_error",
    "root_mean_squared_error",
    "binary_crossentropy",
    "categorical_crossentropy",
    "sparse_categorical_crossentropy",
    "kl_divergence",
    "kullback_leibler_divergence",
    "poisson",
    "hinge",
    "squared_hinge",
    "categorical_hinge",
    "logcosh",
    "log_cosh",
    "false_positives",
    "false_negatives",
    "learning_rate",
    "lr",
}


def _metric_direction(model, name):
    """The `_direction` ("up"/"down") of the model's metric `name`, if any."""
    try:
        metrics = list(getattr(model, "metrics", None) or ())
    except Exception:  # a model not built yet may refuse to list them
        return None
    stack = metrics
    while stack:
        metric = stack.pop()
        # Compile wrappers hold their metrics in a `.metrics` list.
        inner = getattr(metric, "metrics", None)
        if isinstance(inner, (list, tuple)):
            stack.extend(inner)
        if getattr(metric, "name", None) == name:
            direction = getattr(metric, "_direction", None)
            if direction in ("up", "down"):
                return direction
    return None


def infer_direction(monitor, model=None):
    """Returns `"max"`, `"min"`, or `None` if the name does not tell.

    The rule: a loss is minimised; then the monitored metric's own
    `_direction` attribute, when the model has it; then the name
    (`accuracy`, `acc`, `auc`, `precision`, ... are maximised; errors and
    crossentropies are minimised).

    Example:
    >>> infer_direction("val_accuracy"), infer_direction("val_loss")
    ('max', 'min')
    """
    name = monitor[4:] if monitor.startswith("val_") else monitor
    if name == "loss" or name.endswith("_loss"):
        return "min"
    direction = _metric_direction(model, name) if model is not None else None
    if direction is not None:
        return "max" if direction == "up" else "min"
    if name in _UP_NAMES or name.endswith(_UP_SUFFIXES):
        return "max"
    if name in _DOWN_NAMES:
        return "min"
    return None


class MonitorCallback(Callback):
    """Base class of callbacks that monitor a quantity for improvements.

    Args:
        monitor: the log key to watch. Defaults to `"val_loss"`.
        mode: `"min"`, `"max"` or `"auto"` (infer it from `monitor`).
        baseline: the initial "best" value, or `None` to take the first
            value seen.
        min_delta: the least change that counts as an improvement.
    """

    def __init__(
        self, monitor="val_loss", mode="auto", baseline=None, min_delta=0
    ):
        super().__init__()
        if mode not in ("auto", "min", "max"):
            warnings.warn(
                f"{type(self).__name__} mode {mode!r} is unknown, fallback "
                "to auto mode. Valid modes are 'auto', 'min' and 'max'.",
                stacklevel=3,
            )
            mode = "auto"
        self.monitor = monitor
        self.mode = mode
        self.best = baseline
        self.min_delta = abs(min_delta)
        self._direction = None  # "min" or "max", fixed at first use

    def _set_direction(self):
        if self.mode != "auto":
            self._direction = self.mode
            return
        direction = infer_direction(self.monitor, self.model)
        if direction is None:
            if _profile_rules.rules()["unknown_direction"] == "raise":
                raise ValueError(
                    f"{type(self).__name__} callback received "
                    f"monitor={self.monitor!r}, but kara cannot tell whether "
                    "that metric should be maximized or minimized. Pass "
                    "`mode='max'` to keep the highest value or "
                    "`mode='min'` to keep the lowest."
                )
            direction = "min"
        self._direction = direction

    def _is_improvement(self, value, reference):
        """Whether `value` beats `reference` by more than `min_delta`."""
        if reference is None:
            return True
        if self._direction is None:
            self._set_direction()
        if self._direction == "min":
            return value + self.min_delta < reference
        return value - self.min_delta > reference

    def get_monitor_value(self, logs):
        """The monitored value from `logs`, or `None` with a warning."""
        logs = logs or {}
        value = logs.get(self.monitor)
        if value is None:
            warnings.warn(self._missing_monitor_message(logs), stacklevel=3)
            return None
        if self._direction is None:
            self._set_direction()
        return value

    def _missing_monitor_message(self, logs):
        keys = list(logs)
        close = naming.closest_names(self.monitor, keys, n=1)
        hint = f" Did you mean {close[0]!r}?" if close else ""
        return (
            f"{type(self).__name__} is conditioned on metric "
            f"{self.monitor!r}, which is not available. Available metrics "
            f"are: {', '.join(keys) or '(none)'}.{hint}"
        )
