"""Losses, exactly as Keras computes them (`keras.losses`).

Every loss exists twice: a class (`MeanSquaredError()`, with sample
weights and a reduction) and a per-sample function
(`mean_squared_error(y_true, y_pred)`, one value per sample). Both take
lists, NumPy arrays or Tensors, and return Tensors.

`get(identifier)` turns what `compile(loss=...)` accepts into a loss: a
class name (`"MeanSquaredError"`, an instance), a function name or alias
(`"mse"`, `"mean_squared_error"`, a function), a config dict, a `Loss`,
or any function `fn(y_true, y_pred)`.

| family         | classes                                                  |
|----------------|----------------------------------------------------------|
| regression     | MeanSquaredError, MeanAbsoluteError,                     |
|                | MeanAbsolutePercentageError, MeanSquaredLogarithmicError,|
|                | Huber, LogCosh, CosineSimilarity                         |
| classification | BinaryCrossentropy, CategoricalCrossentropy,             |
|                | SparseCategoricalCrossentropy, BinaryFocalCrossentropy,  |
|                | CategoricalFocalCrossentropy,                            |
|                | CategoricalGeneralizedCrossEntropy                       |
| margins        | Hinge, SquaredHinge, CategoricalHinge                    |
| distributions  | KLDivergence, Poisson                                    |
| segmentation   | Dice, Tversky                                            |
| embeddings     | Circle                                                   |
| sequences      | CTC                                                      |

Example:
>>> import kara
>>> loss = kara.losses.get("mse")
>>> loss([[1.0, 2.0]], [[1.0, 4.0]]).numpy()
array([2.], dtype=float32)
"""

import inspect

from kara.losses.circle import Circle
from kara.losses.circle import circle
from kara.losses.crossentropy import BinaryCrossentropy
from kara.losses.crossentropy import CategoricalCrossentropy
from kara.losses.crossentropy import SparseCategoricalCrossentropy
from kara.losses.crossentropy import binary_crossentropy
from kara.losses.crossentropy import categorical_crossentropy
from kara.losses.crossentropy import sparse_categorical_crossentropy
from kara.losses.ctc import CTC
from kara.losses.ctc import ctc
from kara.losses.focal import BinaryFocalCrossentropy
from kara.losses.focal import CategoricalFocalCrossentropy
from kara.losses.focal import CategoricalGeneralizedCrossEntropy
from kara.losses.focal import binary_focal_crossentropy
from kara.losses.focal import categorical_focal_crossentropy
from kara.losses.focal import categorical_generalized_cross_entropy
from kara.losses.hinge import CategoricalHinge
from kara.losses.hinge import Hinge
from kara.losses.hinge import SquaredHinge
from kara.losses.hinge import categorical_hinge
from kara.losses.hinge import hinge
from kara.losses.hinge import squared_hinge
from kara.losses.loss import Loss
from kara.losses.loss import Reduction
from kara.losses.loss import reduce_weighted_values
from kara.losses.loss import squeeze_or_expand_to_same_rank
from kara.losses.probabilistic import KLDivergence
from kara.losses.probabilistic import Poisson
from kara.losses.probabilistic import kl_divergence
from kara.losses.probabilistic import poisson
from kara.losses.regression import CosineSimilarity
from kara.losses.regression import Huber
from kara.losses.regression import LogCosh
from kara.losses.regression import MeanAbsoluteError
from kara.losses.regression import MeanAbsolutePercentageError
from kara.losses.regression import MeanSquaredError
from kara.losses.regression import MeanSquaredLogarithmicError
from kara.losses.regression import cosine_similarity
from kara.losses.regression import huber
from kara.losses.regression import log_cosh
from kara.losses.regression import mean_absolute_error
from kara.losses.regression import mean_absolute_percentage_error
from kara.losses.regression import mean_squared_error
from kara.losses.regression import mean_squared_logarithmic_error
from kara.losses.segmentation import Dice
from kara.losses.segmentation import Tversky
from kara.losses.segmentation import dice
from kara.losses.segmentation import tversky
from kara.losses.wrapper import LossFunctionWrapper
from kara.utils import lookup
from kara.utils import naming

# The functional aliases of Keras and tf.keras (and older Keras names).
mse = MSE = mean_squared_error
mae = MAE = mean_absolute_error
mape = MAPE = mean_absolute_percentage_error
msle = MSLE = mean_squared_logarithmic_error
kld = KLD = kullback_leibler_divergence = kl_divergence
bce = BCE = binary_crossentropy
logcosh = log_cosh
huber_loss = huber
cosine_proximity = cosine_similarity

_CLASSES = (
    Loss,
    LossFunctionWrapper,
    KLDivergence,
    Poisson,
    BinaryCrossentropy,
    BinaryFocalCrossentropy,
    CategoricalCrossentropy,
    CategoricalFocalCrossentropy,
    SparseCategoricalCrossentropy,
    CategoricalGeneralizedCrossEntropy,
    MeanSquaredError,
    MeanAbsoluteError,
    MeanAbsolutePercentageError,
    MeanSquaredLogarithmicError,
    CosineSimilarity,
    LogCosh,
    Huber,
    Hinge,
    SquaredHinge,
    CategoricalHinge,
    Dice,
    Tversky,
    Circle,
    CTC,
)

_FUNCTIONS = (
    kl_divergence,
    poisson,
    binary_crossentropy,
    binary_focal_crossentropy,
    categorical_crossentropy,
    categorical_focal_crossentropy,
    sparse_categorical_crossentropy,
    categorical_generalized_cross_entropy,
    mean_squared_error,
    mean_absolute_error,
    mean_absolute_percentage_error,
    mean_squared_logarithmic_error,
    cosine_similarity,
    log_cosh,
    huber,
    hinge,
    squared_hinge,
    categorical_hinge,
    dice,
    tversky,
    circle,
    ctc,
)

# Keras 3's aliases, then tf.keras 2's and older ones (Keras 3 no longer
# resolves the latter in `get`; kara does, so old code keeps working).
ALIASES = {
    "bce": binary_crossentropy,
    "BCE": binary_crossentropy,
    "kld": kl_divergence,
    "KLD": kl_divergence,
    "mae": mean_absolute_error,
    "MAE": mean_absolute_error,
    "mse": mean_squared_error,
    "MSE": mean_squared_error,
    "mape": mean_absolute_percentage_error,
    "MAPE": mean_absolute_percentage_error,
    "msle": mean_squared_logarithmic_error,
    "MSLE": mean_squared_logarithmic_error,
    "kullback_leibler_divergence": kl_divergence,
    "logcosh": log_cosh,
    "huber_loss": huber,
    "cosine_proximity": cosine_similarity,
}

ALL_OBJECTS_DICT = {obj.__name__: obj for obj in _CLASSES + _FUNCTIONS}
ALL_OBJECTS_DICT.update(ALIASES)


def serialize(loss):
    """Returns the Keras 3 config of a loss object or function.

    Example:
    >>> from kara import losses
    >>> losses.serialize(losses.MeanSquaredError())["class_name"]
    'MeanSquaredError'
    >>> losses.serialize(losses.mean_squared_error)["config"]
    'mean_squared_error'
    """
    if loss is None:
        return None
    if isinstance(loss, Loss):
        return lookup.serialize_object(loss, "keras.losses", ALL_OBJECTS_DICT)
    if callable(loss):
        name = getattr(loss, "__name__", None)
        if name is None:
            raise ValueError(f"Cannot serialize the loss {loss!r}.")
        # Keras 3 writes plain functions this way
        return {
            "module": "builtins",
            "class_name": "function",
            "config": name,
            "registered_name": "function",
        }
    raise ValueError(f"Could not serialize the loss {loss!r}.")


def deserialize(name, custom_objects=None):
    """Builds a loss from its name or config (the inverse of `serialize`).

    Args:
        name: a name (`"mse"`), or a config dict.
        custom_objects: optional `{name: class_or_function}` for your own
            losses.
    """
    return lookup.deserialize_object(
        name, ALL_OBJECTS_DICT, "loss", custom_objects
    )


def get(identifier):
    """Returns a loss function or `Loss` instance for `identifier`.

    Args:
        identifier: None, a name (class names give an instance, function
            names and aliases a function), a config dict, a `Loss`, a
            `Loss` subclass (instantiated), or a function
            `fn(y_true, y_pred)`.

    Returns:
        A function or a `Loss` instance (or None).

    Example:
    >>> from kara import losses
    >>> losses.get("categorical_crossentropy").__name__
    'categorical_crossentropy'
    >>> type(losses.get("CategoricalCrossentropy")).__name__
    'CategoricalCrossentropy'
    """
    if identifier is None:
        return None
    if isinstance(identifier, str):
        obj = ALL_OBJECTS_DICT.get(identifier)
        if obj is None:
            names = [n for n in ALL_OBJECTS_DICT if "Loss" not in n[:4]]
            raise naming.unknown_name_error("loss", identifier, names)
    elif isinstance(identifier, dict):
        obj = deserialize(identifier)
    else:
        obj = identifier
    if inspect.isclass(obj):
        obj = obj()
    if callable(obj):
        return obj
    raise ValueError(
        f"Could not interpret loss identifier: {identifier!r}. Expected a "
        "loss name (such as 'mse'), a config dict, a Loss instance or a "
        "function fn(y_true, y_pred)."
    )


__all__ = sorted(
    [obj.__name__ for obj in _CLASSES + _FUNCTIONS]
    + list(ALIASES)
    + ["Reduction", "get", "serialize", "deserialize"]
    + ["reduce_weighted_values", "squeeze_or_expand_to_same_rank"]
)
