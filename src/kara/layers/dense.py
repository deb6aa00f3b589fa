"""`Dense`: the fully connected layer, `activation(inputs @ kernel + bias)`.

The kernel has shape `(input_dim, units)` (Keras's layout, the transpose of
PyTorch's), so `get_weights()` arrays move between kara and Keras as they
are. Inputs of any rank work: the product is over the last axis, so
`(batch, 5, 3)` inputs give `(batch, 5, units)` outputs.

For speed, `call` runs the fused `kara.ops.dense` op (product, bias and
activation in one graph node) when the activation is linear, relu or tanh;
any other activation is applied after a fused linear step. Softmax and
sigmoid go that second way so that their outputs keep the logits, which
the cross-entropy losses use.

Example:
>>> import numpy as np, kara
>>> layer = kara.layers.Dense(2, activation="relu", kernel_initializer="ones")
>>> layer(np.array([[1.0, -3.0]])).numpy()
array([[0., 0.]], dtype=float32)
>>> layer.kernel.shape, layer.bias.shape
((2, 2), (2,))
"""

import warnings

import numpy as np

from kara import activations
from kara import initializers
from kara import ops
from kara.layers.layer import Layer
from kara.layers.layer_utils import lazy_get
from kara.layers.layer_utils import lazy_serialize
from kara.layers.symbolic import InputSpec

# activation function -> name understood by the fused op. Softmax and
# sigmoid are left out on purpose: applied as activation functions, their
# outputs remember the logits (`_keras_logits`), so a cross-entropy loss
# computes from the logits, exactly and faster, as Keras on TensorFlow.
_FUSED = {
    activations.linear: "linear",
    activations.relu: "relu",
    activations.tanh: "tanh",
}


class Dense(Layer):
    """A densely connected layer.

    Args:
        units: the output size, a positive int.
        activation: the activation (name or function); `None` is linear.
        use_bias: whether to add a bias vector.
        kernel_initializer: the kernel's initializer (`"glorot_uniform"`).
        bias_initializer: the bias's initializer (`"zeros"`).
        kernel_regularizer: a regularizer of the kernel.
        bias_regularizer: a regularizer of the bias.
        activity_regularizer: a regularizer of the output.
        kernel_constraint: a constraint the optimizer applies to the
            kernel after each step.
        bias_constraint: the same for the bias.
        lora_rank, lora_alpha, quantization_config: Keras 3 options kara
            does not implement; they must stay `None`.
        **kwargs: base layer arguments (`name`, `dtype`, `trainable`,
            `input_shape`, ...).

    Input shape:
        `(batch_size, ..., input_dim)`.

    Output shape:
        `(batch_size, ..., units)`.
    """

    def __init__(
        self,
        units,
        activation=None,
        use_bias=True,
        kernel_initializer="glorot_uniform",
        bias_initializer="zeros",
        kernel_regularizer=None,
        bias_regularizer=None,
        activity_regularizer=None,
        kernel_constraint=None,
        bias_constraint=None,
        lora_rank=None,
        lora_alpha=None,
        quantization_config=None,
        **kwargs,
    ):
        if (
            isinstance(units, bool)
            or not isinstance(units, (int, np.integer))
            or units <= 0
        ):
            raise ValueError(
                "Received an invalid value for `units`, expected a positive "
                f"integer. Received: units={units!r}"
            )
        for arg, value in (
            ("lora_rank", lora_rank),
            ("lora_alpha", lora_alpha),
            ("quantization_config", quantization_config),
        ):
            if value is not None:
                raise NotImplementedError(
                    f"Dense: `{arg}` (LoRA / quantization) is not supported "
                    f"by kara. Leave it as None. Received: {arg}={value!r}"
                )
        super().__init__(activity_regularizer=activity_regularizer, **kwargs)
        self.units = int(units)
        self.activation = activations.get(activation)
        self.use_bias = bool(use_bias)
        self.kernel_initializer = initializers.get(kernel_initializer)
        self.bias_initializer = initializers.get(bias_initializer)
        self.kernel_regularizer = lazy_get("regularizers", kernel_regularizer)
        self.bias_regularizer = lazy_get("regularizers", bias_regularizer)
        self.kernel_constraint = lazy_get("constraints", kernel_constraint)
        self.bias_constraint = lazy_get("constraints", bias_constraint)
        self.lora_rank = None
        self.lora_alpha = None
        self.quantization_config = None
        self.input_spec = InputSpec(min_ndim=2)
        self.supports_masking = True

    @property
    def activation(self):
        return self._activation

    @activation.setter
    def activation(self, fn):
        self._activation = fn
        self._fused = _FUSED.get(fn)

    def build(self, input_shape):
        input_dim = input_shape[-1] if len(input_shape) else None
        if input_dim is None:
            raise ValueError(
                f"Dense layer {self.name!r}: the last dimension of the "
                "inputs should be defined (it sets the kernel's size). "
                f"Received: input_shape={tuple(input_shape)}"
            )
        self.kernel = self.add_weight(
            name="kernel",
            shape=(input_dim, self.units),
            initializer=self.kernel_initializer,
            regularizer=self.kernel_regularizer,
            constraint=self.kernel_constraint,
        )
        if self.use_bias:
            self.bias = self.add_weight(
                name="bias",
                shape=(self.units,),
                initializer=self.bias_initializer,
                regularizer=self.bias_regularizer,
                constraint=self.bias_constraint,
            )
        else:
            self.bias = None
        self.input_spec = InputSpec(min_ndim=2, axes={-1: input_dim})
        if self.units == 1 and self._activation is activations.softmax:
            warnings.warn(
                f"Dense layer {self.name!r} has units=1 and "
                "activation='softmax': a softmax over a single unit is "
                "always 1.0, so this output can never learn. For binary "
                "classification use Dense(1, activation='sigmoid') with "
                "loss='binary_crossentropy', or Dense(2, "
                "activation='softmax') with "
                "loss='sparse_categorical_crossentropy'.",
                UserWarning,
                stacklevel=2,
            )

    def call(self, inputs):
        fused = self._fused
        if fused is not None:
            return ops.dense(inputs, self.kernel, self.bias, fused)
        return self._activation(ops.dense(inputs, self.kernel, self.bias))

    def compute_output_shape(self, input_shape):
        return tuple(input_shape[:-1]) + (self.units,)

    def _input_hint(self, shape):
        if not self.built:
            return ""
        input_dim = self.kernel.shape[0]
        if len(shape) == 1:
            fix = "x.reshape(-1, 1)" if input_dim == 1 else "x[None, :]"
            return (
                "Dense needs a batch axis: inputs must have shape (batch, "
                f"..., {input_dim}). Add it with `{fix}`."
            )
        if len(shape) > 2 and int(np.prod(shape[1:])) == input_dim:
            return (
                "Dense acts on the last axis only: did you forget a "
                "Flatten() layer before it?"
            )
        return (
            f"Dense acts on the last axis: it needs {input_dim} features "
            f"per sample there, the input has {shape[-1]}."
        )

    def get_config(self):
        base = super().get_config()
        config = {
            "units": self.units,
            "activation": activations.serialize(self.activation),
            "use_bias": self.use_bias,
            "kernel_initializer": initializers.serialize(
                self.kernel_initializer
            ),
            "bias_initializer": initializers.serialize(self.bias_initializer),
            "kernel_regularizer": lazy_serialize(
                "regularizers", self.kernel_regularizer
            ),
            "bias_regularizer": lazy_serialize(
                "regularizers", self.bias_regularizer
            ),
            "kernel_constraint": lazy_serialize(
                "constraints", self.kernel_constraint
            ),
            "bias_constraint": lazy_serialize(
                "constraints", self.bias_constraint
            ),
            "quantization_config": None,
        }
        return {**base, **config}
