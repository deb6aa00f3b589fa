"""kara: a Keras-compatible deep-learning library written from zero in NumPy.

Use it as Keras:

>>> import kara as keras
>>> keras.config.floatx()
'float32'

The core (config, backend, autograd, ops, random, utils) is imported at
once; the rest (layers, losses, optimizers, ...) on first use, so that
`import kara` stays fast.
"""

import importlib

from kara import backend
from kara import config
from kara import ops
from kara import random
from kara import utils
from kara.autograd import Function
from kara.autograd import GradientTape
from kara.autograd import Tensor
from kara.autograd import Variable
from kara.config import enable_grad
from kara.config import no_grad

__version__ = "0.1.0"

# submodules imported on first attribute access
_LAZY_MODULES = (
    "activations",
    "callbacks",
    "constraints",
    "datasets",
    "initializers",
    "layers",
    "losses",
    "metrics",
    "models",
    "optimizers",
    "regularizers",
    "saving",
    "testing",
)
# top-level names (as in `keras.Metric`) and the module that defines them
_LAZY_NAMES = {
    "Initializer": "kara.initializers",
    "Input": "kara.layers",
    "InputSpec": "kara.layers",
    "Layer": "kara.layers",
    "Loss": "kara.losses",
    "Metric": "kara.metrics",
    "Model": "kara.models",
    "Optimizer": "kara.optimizers",
    "Sequential": "kara.models",
    "Regularizer": "kara.regularizers",
}


def __getattr__(name):
    if name in _LAZY_MODULES:
        module = importlib.import_module(f"kara.{name}")
        globals()[name] = module
        return module
    if name in _LAZY_NAMES:
        value = getattr(importlib.import_module(_LAZY_NAMES[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'kara' has no attribute {name!r}")


def __dir__():
    return sorted(set(globals()) | set(_LAZY_MODULES) | set(_LAZY_NAMES))
