"""Metrics: stateful measures of model quality, as in `keras.metrics`.

A metric accumulates state over batches (`update_state`), reports a value
(`result`) and starts over (`reset_state`). `compile(metrics=[...])`
accepts metric objects, classes, functions or names:

>>> from kara import metrics
>>> metrics.get("mse")
<MeanSquaredError name=mean_squared_error>
>>> m = metrics.get("binary_accuracy")
>>> float(m([[1], [0]], [[0.8], [0.7]]))
0.5

Names that work in `get()` (and in `compile`): every class name
(`"AUC"`, `"MeanSquaredError"`), its snake_case (`"auc"`,
`"mean_squared_error"`), the aliases `mse`, `mae`, `mape`, `msle`, `bce`
(also upper-case), and the tf.keras 2 names `acc`, `logcosh`, `log_cosh`,
`cosine_proximity`, `kullback_leibler_divergence`. In `compile()`,
`"accuracy"`/`"acc"` (any case) and `"crossentropy"`/`"ce"` pick the
binary, categorical or sparse variant from the shapes (see
`resolve_metric`).
"""

import inspect

from kara.metrics.accuracy_metrics import Accuracy
from kara.metrics.accuracy_metrics import BinaryAccuracy
from kara.metrics.accuracy_metrics import CategoricalAccuracy
from kara.metrics.accuracy_metrics import SparseCategoricalAccuracy
from kara.metrics.accuracy_metrics import SparseTopKCategoricalAccuracy
from kara.metrics.accuracy_metrics import TopKCategoricalAccuracy
from kara.metrics.accuracy_metrics import accuracy
from kara.metrics.accuracy_metrics import binary_accuracy
from kara.metrics.accuracy_metrics import categorical_accuracy
from kara.metrics.accuracy_metrics import sparse_categorical_accuracy
from kara.metrics.accuracy_metrics import sparse_top_k_categorical_accuracy
from kara.metrics.accuracy_metrics import top_k_categorical_accuracy
from kara.metrics.auc import AUC
from kara.metrics.confusion_metrics import FalseNegatives
from kara.metrics.confusion_metrics import FalsePositives
from kara.metrics.confusion_metrics import Precision
from kara.metrics.confusion_metrics import PrecisionAtRecall
from kara.metrics.confusion_metrics import Recall
from kara.metrics.confusion_metrics import RecallAtPrecision
from kara.metrics.confusion_metrics import SensitivityAtSpecificity
from kara.metrics.confusion_metrics import SpecificityAtSensitivity
from kara.metrics.confusion_metrics import TrueNegatives
from kara.metrics.confusion_metrics import TruePositives
from kara.metrics.f_score_metrics import F1Score
from kara.metrics.f_score_metrics import FBetaScore
from kara.metrics.hinge_metrics import CategoricalHinge
from kara.metrics.hinge_metrics import Hinge
from kara.metrics.hinge_metrics import SquaredHinge
from kara.metrics.hinge_metrics import categorical_hinge
from kara.metrics.hinge_metrics import hinge
from kara.metrics.hinge_metrics import squared_hinge
from kara.metrics.metric import Metric
from kara.metrics.probabilistic_metrics import BinaryCrossentropy
from kara.metrics.probabilistic_metrics import CategoricalCrossentropy
from kara.metrics.probabilistic_metrics import KLDivergence
from kara.metrics.probabilistic_metrics import Poisson
from kara.metrics.probabilistic_metrics import SparseCategoricalCrossentropy
from kara.metrics.probabilistic_metrics import binary_crossentropy
from kara.metrics.probabilistic_metrics import categorical_crossentropy
from kara.metrics.probabilistic_metrics import kl_divergence
from kara.metrics.probabilistic_metrics import poisson
from kara.metrics.probabilistic_metrics import sparse_categorical_crossentropy
from kara.metrics.reduction_metrics import Mean
from kara.metrics.reduction_metrics import MeanMetricWrapper
from kara.metrics.reduction_metrics import Sum
from kara.metrics.regression_metrics import CosineSimilarity
from kara.metrics.regression_metrics import LogCoshError
from kara.metrics.regression_metrics import MeanAbsoluteError
from kara.metrics.regression_metrics import MeanAbsolutePercentageError
from kara.metrics.regression_metrics import MeanSquaredError
from kara.metrics.regression_metrics import MeanSquaredLogarithmicError
from kara.metrics.regression_metrics import R2Score
from kara.metrics.regression_metrics import RootMeanSquaredError
from kara.metrics.regression_metrics import cosine_similarity
from kara.metrics.regression_metrics import log_cosh
from kara.metrics.regression_metrics import mean_absolute_error
from kara.metrics.regression_metrics import mean_absolute_percentage_error
from kara.metrics.regression_metrics import mean_squared_error
from kara.metrics.regression_metrics import mean_squared_logarithmic_error
from kara.utils import lookup
from kara.utils import naming

ALL_OBJECTS = (
    # base
    Metric,
    Mean,
    Sum,
    MeanMetricWrapper,
    # regression
    MeanSquaredError,
    RootMeanSquaredError,
    MeanAbsoluteError,
    MeanAbsolutePercentageError,
    MeanSquaredLogarithmicError,
    CosineSimilarity,
    LogCoshError,
    R2Score,
    # classification
    AUC,
    FalseNegatives,
    FalsePositives,
    Precision,
    PrecisionAtRecall,
    Recall,
    RecallAtPrecision,
    SensitivityAtSpecificity,
    SpecificityAtSensitivity,
    TrueNegatives,
    TruePositives,
    # hinge
    Hinge,
    SquaredHinge,
    CategoricalHinge,
    # probabilistic
    KLDivergence,
    Poisson,
    BinaryCrossentropy,
    CategoricalCrossentropy,
    SparseCategoricalCrossentropy,
    # accuracy
    Accuracy,
    BinaryAccuracy,
    CategoricalAccuracy,
    SparseCategoricalAccuracy,
    TopKCategoricalAccuracy,
    SparseTopKCategoricalAccuracy,
    # F-scores
    F1Score,
    FBetaScore,
)

# Keras 3's table: class names, their snake_case, and a few aliases.
ALL_OBJECTS_DICT = {cls.__name__: cls for cls in ALL_OBJECTS}
ALL_OBJECTS_DICT.update(
    {naming.to_snake_case(cls.__name__): cls for cls in ALL_OBJECTS}
)
ALL_OBJECTS_DICT.update(
    {
        "bce": BinaryCrossentropy,
        "BCE": BinaryCrossentropy,
        "mse": MeanSquaredError,
        "MSE": MeanSquaredError,
        "mae": MeanAbsoluteError,
        "MAE": MeanAbsoluteError,
        "mape": MeanAbsolutePercentageError,
        "MAPE": MeanAbsolutePercentageError,
        "msle": MeanSquaredLogarithmicError,
        "MSLE": MeanSquaredLogarithmicError,
    }
)
# Names only tf.keras 2 knew; accepted too, so old code keeps working.
KERAS2_ALIASES = {
    "acc": Accuracy,
    "ACC": Accuracy,
    "logcosh": LogCoshError,
    "log_cosh": LogCoshError,
    "cosine_proximity": CosineSimilarity,
    "kullback_leibler_divergence": KLDivergence,
}
ALL_OBJECTS_DICT.update(KERAS2_ALIASES)

# The per-sample functions, by name (for MeanMetricWrapper configs).
ALL_FUNCTIONS = {
    fn.__name__: fn
    for fn in (
        accuracy,
        binary_accuracy,
        categorical_accuracy,
        sparse_categorical_accuracy,
        top_k_categorical_accuracy,
        sparse_top_k_categorical_accuracy,
        mean_squared_error,
        mean_absolute_error,
        mean_absolute_percentage_error,
        mean_squared_logarithmic_error,
        log_cosh,
        cosine_similarity,
        binary_crossentropy,
        categorical_crossentropy,
        sparse_categorical_crossentropy,
        kl_divergence,
        poisson,
        hinge,
        squared_hinge,
        categorical_hinge,
    )
}


def serialize(metric):
    """Returns the Keras 3 config dict of a metric (or metric function).

    Args:
        metric: a `Metric` instance, or a metric function.

    Returns:
        `{"module", "class_name", "config", "registered_name"}`.

    Example:
    >>> serialize(BinaryAccuracy())["config"]
    {'name': 'binary_accuracy', 'dtype': 'float32', 'threshold': 0.5}
    """
    if metric is None:
        return None
    if not isinstance(metric, Metric) and callable(metric):
        return serialize_function(metric)
    classes = {cls.__name__: cls for cls in ALL_OBJECTS}
    return lookup.serialize_object(metric, "keras.metrics", classes)


def deserialize(config, custom_objects=None):
    """Builds a metric (or metric function) from `serialize()`'s output.

    Args:
        config: a config dict, or a name.
        custom_objects: optional `{name: class_or_function}` for your own
            metrics.

    Returns:
        A `Metric` instance, or a function.
    """
    table = {**ALL_FUNCTIONS, **ALL_OBJECTS_DICT}
    inner = config.get("config") if isinstance(config, dict) else None
    if isinstance(inner, dict) and "fn" in inner:
        # a MeanMetricWrapper: find its function (maybe a custom one) first
        inner = {
            **inner,
            "fn": deserialize_function(inner["fn"], custom_objects),
        }
        config = {**config, "config": inner}
    return lookup.deserialize_object(config, table, "metric", custom_objects)


def serialize_function(fn):
    """The Keras 3 config of a plain function: found again by its name."""
    return {
        "module": "builtins",
        "class_name": "function",
        "config": getattr(fn, "__name__", repr(fn)),
        "registered_name": "function",
    }


def deserialize_function(config, custom_objects=None):
    """Finds a metric function from its name or `serialize_function()`."""
    if callable(config):
        return config
    if isinstance(config, dict):
        config = config.get("config")
    table = dict(ALL_FUNCTIONS)
    if custom_objects:
        table.update(custom_objects)
    if config in table:
        return table[config]
    raise naming.unknown_name_error("metric function", config, table)


def get(identifier):
    """Retrieves a metric from a name, a config dict or a callable.

    A name gives a new instance with default arguments; a class is
    instantiated; a `Metric` instance or a function is returned as is.

    Args:
        identifier: `None`, a name (`"auc"`, `"mse"`, `"Precision"`), a
            config dict, a `Metric` class or instance, or a function.

    Returns:
        A `Metric` instance or a function (`None` for `None`).

    Example:
    >>> get("AUC").curve.value
    'ROC'
    """
    if identifier is None:
        return None
    if isinstance(identifier, dict):
        obj = deserialize(identifier)
    elif isinstance(identifier, str):
        obj = ALL_OBJECTS_DICT.get(identifier)
        if obj is None:
            raise naming.unknown_name_error(
                "metric", identifier, ALL_OBJECTS_DICT
            )
    else:
        obj = identifier
    if inspect.isclass(obj):
        try:
            obj = obj()
        except TypeError as e:
            raise TypeError(
                f"The metric {identifier!r} cannot be created without "
                f"arguments ({e}). Create it yourself, e.g. "
                f"metrics=[kara.metrics.{obj.__name__}(...)]."
            ) from None
    if callable(obj):
        return obj
    raise ValueError(
        f"Could not interpret metric identifier: {identifier!r}. Expected "
        "a metric name, a config dict, a Metric, or a function "
        "`fn(y_true, y_pred)`."
    )


from kara.metrics.resolve import compile_metric_names  # noqa: E402
from kara.metrics.resolve import resolve_metric  # noqa: E402

__all__ = sorted(
    [cls.__name__ for cls in ALL_OBJECTS]
    + list(ALL_FUNCTIONS)
    + [
        "get",
        "serialize",
        "deserialize",
        "resolve_metric",
        "compile_metric_names",
    ]
)
