"""Activation layers: an activation function as a layer of its own.

`Activation("relu")` wraps any activation; `ReLU`, `LeakyReLU`, `ELU` and
`Softmax` carry their options; `PReLU` learns its negative slope, one
weight per feature (`alpha`).

Note the defaults: `LeakyReLU` (the layer) uses `negative_slope=0.3`,
while the `leaky_relu` function defaults to 0.2, as in Keras.

Example:
>>> import numpy as np, kara
>>> kara.layers.LeakyReLU()(np.array([-1.0, 2.0])).numpy()
array([-0.3,  2. ], dtype=float32)
"""

import warnings

import numpy as np

from kara import activations
from kara import config
from kara import initializers
from kara import ops
from kara.layers.layer import Layer
from kara.layers.layer_utils import lazy_get
from kara.layers.layer_utils import lazy_serialize
from kara.layers.symbolic import InputSpec


class Activation(Layer):
    """Applies an activation function to its input.

    Args:
        activation: a name (`"relu"`) or a function of a Tensor.
    """

    def __init__(self, activation, **kwargs):
        super().__init__(**kwargs)
        self.supports_masking = True
        self.activation = activations.get(activation)

    def call(self, inputs):
        return self.activation(inputs)

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        return {
            **super().get_config(),
            "activation": activations.serialize(self.activation),
        }


class ReLU(Layer):
    """Rectified linear unit, with an optional cap, slope and threshold.

    `f(x) = max_value` for `x >= max_value`, `x` for
    `threshold <= x < max_value`, and `negative_slope * (x - threshold)`
    below the threshold.

    Args:
        max_value: a non-negative cap, or None.
        negative_slope: the non-negative slope below the threshold.
        threshold: the non-negative threshold.
    """

    def __init__(
        self, max_value=None, negative_slope=0.0, threshold=0.0, **kwargs
    ):
        super().__init__(**kwargs)
        if max_value is not None and max_value < 0.0:
            raise ValueError(
                "max_value of a ReLU layer cannot be a negative value. "
                f"Received: max_value={max_value}"
            )
        if negative_slope is None or negative_slope < 0.0:
            raise ValueError(
                "negative_slope of a ReLU layer cannot be a negative value. "
                f"Received: negative_slope={negative_slope}"
            )
        if threshold is None or threshold < 0.0:
            raise ValueError(
                "threshold of a ReLU layer cannot be a negative value. "
                f"Received: threshold={threshold}"
            )
        self.supports_masking = True
        self.max_value = max_value
        self.negative_slope = negative_slope
        self.threshold = threshold

    def call(self, inputs):
        return activations.relu(
            inputs,
            negative_slope=self.negative_slope,
            max_value=self.max_value,
            threshold=self.threshold,
        )

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        return {
            **super().get_config(),
            "max_value": self.max_value,
            "negative_slope": self.negative_slope,
            "threshold": self.threshold,
        }


class LeakyReLU(Layer):
    """`x` for `x >= 0`, `negative_slope * x` below.

    Args:
        negative_slope: the non-negative slope for negative inputs (0.3).
            `alpha=` (tf.keras 2's name) is accepted too.
    """

    def __init__(self, negative_slope=0.3, **kwargs):
        if "alpha" in kwargs:
            negative_slope = kwargs.pop("alpha")
            if config.profile() == "keras3":  # tf.keras 2's own name
                warnings.warn(
                    "Argument `alpha` is deprecated. Use `negative_slope` "
                    "instead.",
                    stacklevel=2,
                )
        super().__init__(**kwargs)
        if negative_slope is None or negative_slope < 0:
            raise ValueError(
                "The negative_slope value of a Leaky ReLU layer cannot be "
                "None or negative value. Expected a float. Received: "
                f"negative_slope={negative_slope}"
            )
        self.supports_masking = True
        self.negative_slope = negative_slope

    def call(self, inputs):
        return activations.leaky_relu(
            inputs, negative_slope=self.negative_slope
        )

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        return {**super().get_config(), "negative_slope": self.negative_slope}


class ELU(Layer):
    """Exponential linear unit: `x` for `x > 0`, `alpha * (e^x - 1)` below.

    Args:
        alpha: the scale of the negative part (1.0).
    """

    def __init__(self, alpha=1.0, **kwargs):
        super().__init__(**kwargs)
        self.supports_masking = True
        self.alpha = alpha

    def call(self, inputs):
        return activations.elu(inputs, alpha=self.alpha)

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        return {**super().get_config(), "alpha": self.alpha}


class Softmax(Layer):
    """Softmax along `axis`; positions where `mask` is False get ~0.

    Args:
        axis: an int or a tuple of ints (default -1).
    """

    def __init__(self, axis=-1, **kwargs):
        super().__init__(**kwargs)
        self.supports_masking = True
        self.axis = axis

    def call(self, inputs, mask=None):
        if mask is not None:
            mask = np.asarray(getattr(mask, "data", mask))
            if mask.dtype != bool:
                mask = mask > 0.5
            # masked positions get a large negative logit: exp() -> ~0
            big_negative = -3e4 if inputs.dtype == np.float16 else -1e9
            inputs = ops.where(mask, inputs, big_negative)
        axis = self.axis
        if isinstance(axis, (tuple, list)):
            if len(axis) > 1:
                return ops.exp(
                    inputs - ops.logsumexp(inputs, axis=axis, keepdims=True)
                )
            axis = axis[0]
        return activations.softmax(inputs, axis=axis)

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        return {**super().get_config(), "axis": self.axis}


class PReLU(Layer):
    """Parametric ReLU: `x` for `x >= 0`, `alpha * x` below, `alpha` learnt.

    Args:
        alpha_initializer: the initializer of `alpha` (`"Zeros"`).
        alpha_regularizer: a regularizer of `alpha`.
        alpha_constraint: a constraint on `alpha`.
        shared_axes: axes (1-based, the batch is 0) along which one alpha
            is shared, e.g. `[1, 2]` for one slope per image channel.
    """

    def __init__(
        self,
        alpha_initializer="Zeros",
        alpha_regularizer=None,
        alpha_constraint=None,
        shared_axes=None,
        **kwargs,
    ):
        super().__init__(**kwargs)
        self.supports_masking = True
        self.alpha_initializer = initializers.get(alpha_initializer)
        self.alpha_regularizer = lazy_get("regularizers", alpha_regularizer)
        self.alpha_constraint = lazy_get("constraints", alpha_constraint)
        if shared_axes is None:
            self.shared_axes = None
        elif not isinstance(shared_axes, (list, tuple)):
            self.shared_axes = [shared_axes]
        else:
            self.shared_axes = list(shared_axes)

    def build(self, input_shape):
        param_shape = list(input_shape[1:])
        if self.shared_axes is not None:
            for i in self.shared_axes:
                param_shape[i - 1] = 1
        self.alpha = self.add_weight(
            shape=param_shape,
            name="alpha",
            initializer=self.alpha_initializer,
            regularizer=self.alpha_regularizer,
            constraint=self.alpha_constraint,
        )
        axes = {}
        if self.shared_axes:
            for i in range(1, len(input_shape)):
                if i not in self.shared_axes:
                    axes[i] = input_shape[i]
        else:
            axes = {i: input_shape[i] for i in range(1, len(input_shape))}
        self.input_spec = InputSpec(ndim=len(input_shape), axes=axes)

    def call(self, inputs):
        # relu(x) - alpha * relu(-x)
        pos = ops.relu(inputs)
        neg = self.alpha * ops.relu(-inputs)
        return pos - neg

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        return {
            **super().get_config(),
            "alpha_initializer": initializers.serialize(self.alpha_initializer),
            "alpha_regularizer": lazy_serialize(
                "regularizers", self.alpha_regularizer
            ),
            "alpha_constraint": lazy_serialize(
                "constraints", self.alpha_constraint
            ),
            "shared_axes": self.shared_axes,
        }
