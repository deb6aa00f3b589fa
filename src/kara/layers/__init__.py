"""Layers, named as in `keras.layers`.

- `Layer`: the base class to subclass (see `kara.layers.layer`);
- `Input`, `InputLayer`: the start of a model's graph;
- core: `Dense`, `Activation`, `Dropout`, `Lambda`, `Identity`;
- activations: `ReLU`, `LeakyReLU`, `ELU`, `PReLU`, `Softmax`;
- reshaping: `Flatten`, `Reshape`, `Permute`, `RepeatVector`;
- preprocessing: `Rescaling`, `Normalization`;
- merging: `Add`, `Subtract`, `Multiply`, `Average`, `Maximum`,
  `Minimum`, `Concatenate` (and `add`, `concatenate`, ... functions).

`serialize(layer)` and `deserialize(config)` convert layers to and from
Keras 3's config dicts.

Example:
>>> import kara
>>> layer = kara.layers.deserialize(
...     {"class_name": "Dense", "config": {"units": 3}})
>>> type(layer).__name__, layer.units
('Dense', 3)
"""

from kara.layers.activation_layers import ELU
from kara.layers.activation_layers import Activation
from kara.layers.activation_layers import LeakyReLU
from kara.layers.activation_layers import PReLU
from kara.layers.activation_layers import ReLU
from kara.layers.activation_layers import Softmax
from kara.layers.core_layers import Identity
from kara.layers.core_layers import Lambda
from kara.layers.dense import Dense
from kara.layers.dropout import Dropout
from kara.layers.input_layer import Input
from kara.layers.input_layer import InputLayer
from kara.layers.layer import Layer
from kara.layers.merging import Add
from kara.layers.merging import Average
from kara.layers.merging import Concatenate
from kara.layers.merging import Maximum
from kara.layers.merging import Minimum
from kara.layers.merging import Multiply
from kara.layers.merging import Subtract
from kara.layers.merging import add
from kara.layers.merging import average
from kara.layers.merging import concatenate
from kara.layers.merging import maximum
from kara.layers.merging import minimum
from kara.layers.merging import multiply
from kara.layers.merging import subtract
from kara.layers.preprocessing import Normalization
from kara.layers.preprocessing import Rescaling
from kara.layers.reshaping import Flatten
from kara.layers.reshaping import Permute
from kara.layers.reshaping import RepeatVector
from kara.layers.reshaping import Reshape
from kara.layers.serialization import deserialize
from kara.layers.serialization import serialize
from kara.layers.symbolic import InputSpec
from kara.layers.symbolic import KerasTensor

__all__ = [
    "ELU",
    "Activation",
    "Add",
    "Average",
    "Concatenate",
    "Dense",
    "Dropout",
    "Flatten",
    "Identity",
    "Input",
    "InputLayer",
    "InputSpec",
    "KerasTensor",
    "Lambda",
    "Layer",
    "LeakyReLU",
    "Maximum",
    "Minimum",
    "Multiply",
    "Normalization",
    "PReLU",
    "Permute",
    "ReLU",
    "RepeatVector",
    "Rescaling",
    "Reshape",
    "Softmax",
    "Subtract",
    "add",
    "average",
    "concatenate",
    "deserialize",
    "maximum",
    "minimum",
    "multiply",
    "serialize",
    "subtract",
]
