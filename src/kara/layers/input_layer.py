"""`Input` and `InputLayer`: where a model's graph starts.

`kara.Input(shape=(784,))` makes an `InputLayer` and returns its output,
a symbolic `KerasTensor` of shape `(None, 784)` (None is the batch size,
unknown until data arrives). Layers called on it build the graph that
`kara.Model(inputs, outputs)` runs; a Sequential model takes an `Input` as
its first element to know its input shape up front.

Example:
>>> import kara
>>> x = kara.Input(shape=(28, 28))
>>> x.shape, x.dtype
((None, 28, 28), 'float32')
"""

from kara import backend
from kara.layers.layer import Layer
from kara.layers.symbolic import KerasTensor
from kara.layers.symbolic import Node
from kara.utils import naming


class InputLayer(Layer):
    """The layer behind `Input()`: it has no weights and does nothing.

    Args:
        shape: the shape of one sample (no batch axis), e.g. `(784,)`.
        batch_size: an optional fixed batch size.
        dtype: the input dtype (default `floatx()`).
        batch_shape: the full shape with the batch axis, instead of
            `shape` and `batch_size`.
        input_tensor: an existing KerasTensor to wrap.
        sparse, ragged, optional: accepted for Keras compatibility.
        name: the layer name (default `input_layer`, `input_layer_1`, ...;
            `input_1`, `input_2` under the keras2 profile).
    """

    def __init__(
        self,
        shape=None,
        batch_size=None,
        dtype=None,
        sparse=None,
        ragged=None,
        batch_shape=None,
        input_tensor=None,
        optional=False,
        name=None,
        **kwargs,
    ):
        # tf.keras 2 configs spell it `batch_input_shape` / `input_shape`
        if "batch_input_shape" in kwargs and batch_shape is None:
            batch_shape = kwargs.pop("batch_input_shape")
        if "input_shape" in kwargs and shape is None:
            shape = kwargs.pop("input_shape")
        if shape is not None and batch_shape is not None:
            raise ValueError(
                "You cannot pass both `shape` and `batch_shape` at the same "
                f"time. Received: shape={shape}, batch_shape={batch_shape}"
            )
        if input_tensor is not None:
            batch_shape = input_tensor.shape
            dtype = dtype or input_tensor.dtype
        if shape is None and batch_shape is None:
            raise ValueError(
                "You must pass a `shape` argument: the shape of one sample "
                "without the batch axis, e.g. `Input(shape=(784,))`."
            )
        if shape is not None:
            if isinstance(shape, int):
                shape = (shape,)
            batch_shape = (batch_size,) + tuple(shape)
        batch_shape = tuple(None if d is None else int(d) for d in batch_shape)
        if name is None:
            name = naming.input_layer_name()
        super().__init__(name=name, dtype=dtype, **kwargs)
        self.batch_shape = batch_shape
        self._dtype = backend.standardize_dtype(dtype)
        self.sparse = bool(sparse)
        self.ragged = bool(ragged)
        self.optional = optional
        self.built = True
        tensor = KerasTensor(batch_shape, self._dtype, name=name)
        Node(self, (), {}, tensor)
        self.output_tensor = tensor

    @property
    def dtype(self):
        return self._dtype

    def call(self, inputs):
        return inputs

    def compute_output_shape(self, input_shape):
        return self.batch_shape

    def get_config(self):
        return {
            "batch_shape": self.batch_shape,
            "dtype": self._dtype,
            "sparse": self.sparse,
            "ragged": self.ragged,
            "name": self.name,
            "optional": self.optional,
        }


def Input(
    shape=None,
    batch_size=None,
    dtype=None,
    sparse=None,
    ragged=None,
    batch_shape=None,
    name=None,
    tensor=None,
    optional=False,
):
    """Makes a symbolic input for a functional or Sequential model.

    Args:
        shape: the shape of one sample, without the batch axis.
        batch_size: an optional fixed batch size.
        dtype: the dtype (default `floatx()`).
        batch_shape: the full shape, instead of `shape` and `batch_size`.
        name: the name of the `InputLayer`.
        tensor: an existing KerasTensor to wrap.
        sparse, ragged, optional: accepted for Keras compatibility.

    Returns:
        A `KerasTensor`.

    Example:
    >>> import kara
    >>> inputs = kara.Input(shape=(4,))
    >>> outputs = kara.layers.Dense(2)(inputs)
    >>> model = kara.Model(inputs, outputs)
    >>> model.output_shape
    (None, 2)
    """
    layer = InputLayer(
        shape=shape,
        batch_size=batch_size,
        dtype=dtype,
        sparse=sparse,
        ragged=ragged,
        batch_shape=batch_shape,
        input_tensor=tensor,
        optional=optional,
        name=name,
    )
    return layer.output_tensor
