"""The activation functions of `keras.activations`, on kara Tensors.

Every function takes a Tensor (or an array, or a list) and returns a
Tensor that backpropagates. Names, arguments and defaults are Keras 3's.
The ones `kara.ops` has (relu, sigmoid, tanh, softplus, softmax, ...) are
called from there; the others are kernels in `functions.py`.

One activation depends on the compatibility profile: `hard_sigmoid` is
`relu6(x + 3) / 6` in Keras 3 and `clip(0.2 x + 0.5, 0, 1)` in tf.keras 2
(`kara.config.set_profile("keras2")`).
"""

from kara import config
from kara import ops
from kara.activations import functions
from kara.ops.core import float_arg
from kara.utils.naming import suggest_kwargs


@suggest_kwargs
def relu(x, negative_slope=0.0, max_value=None, threshold=0.0, alpha=None):
    """Rectified linear unit, with Keras's options.

    With the defaults, `max(x, 0)`. Otherwise: `x` above `threshold`
    (strictly), capped at `max_value`; below the threshold,
    `negative_slope * (x - threshold)`.

    Args:
        x: input tensor.
        negative_slope: slope below the threshold (default 0).
        max_value: the largest output (default: no cap).
        threshold: below (or at) this value the unit is off.
        alpha: tf.keras 2's name for `negative_slope`, accepted so tf.keras
            2 code runs.

    Returns:
        A Tensor.

    Example:
    >>> from kara import activations
    >>> x = [-10.0, -5.0, 0.0, 5.0, 10.0]
    >>> activations.relu(x, negative_slope=0.5).numpy()
    array([-5. , -2.5,  0. ,  5. , 10. ], dtype=float32)
    >>> activations.relu(x, max_value=5.0).numpy()
    array([0., 0., 0., 5., 5.], dtype=float32)
    """
    if alpha is not None:
        if negative_slope != 0.0:
            raise ValueError(
                "relu: pass `negative_slope` (Keras 3) or `alpha` (tf.keras "
                f"2), not both. Received: negative_slope={negative_slope}, "
                f"alpha={alpha}"
            )
        negative_slope = alpha
    if max_value is None and threshold == 0:
        if negative_slope == 0:
            return ops.relu(x)
        return functions.leaky_relu(x, negative_slope)
    return functions.relu_general(x, negative_slope, max_value, threshold)


@suggest_kwargs
def leaky_relu(x, negative_slope=0.2):
    """Leaky relu: `x` if `x > 0`, else `negative_slope * x`.

    Note that the `LeakyReLU` *layer* defaults to a slope of 0.3.

    Example:
    >>> leaky_relu([-1.0, 2.0]).numpy()
    array([-0.2,  2. ], dtype=float32)
    """
    return functions.leaky_relu(x, negative_slope)


@suggest_kwargs
def relu6(x):
    """`min(max(x, 0), 6)`.

    Example:
    >>> relu6([-1.0, 3.0, 9.0]).numpy()
    array([0., 3., 6.], dtype=float32)
    """
    return ops.relu6(x)


@suggest_kwargs
def softmax(x, axis=-1):
    """Softmax: `exp(x) / sum(exp(x))` along `axis` (an int or a tuple).

    Stable for any input (it subtracts the maximum first). The output
    remembers its input as `_keras_logits`, so a crossentropy loss can
    work from the logits, as Keras does.

    Example:
    >>> softmax([[1000.0, 1000.0, -1000.0]]).numpy()
    array([[0.5, 0.5, 0. ]], dtype=float32)
    """
    x = float_arg(x, "softmax")
    output = ops.softmax(x, axis=axis)
    output._keras_logits = x
    return output


@suggest_kwargs
def log_softmax(x, axis=-1):
    """`log(softmax(x))` along `axis`, computed without overflow.

    Example:
    >>> log_softmax([0.0, 0.0]).numpy()
    array([-0.6931472, -0.6931472], dtype=float32)
    """
    return ops.log_softmax(x, axis=axis)


@suggest_kwargs
def elu(x, alpha=1.0):
    """Exponential linear unit: `x` if `x > 0`, else `alpha*(exp(x)-1)`.

    Example:
    >>> elu([-1000.0, 0.0, 2.0]).numpy()
    array([-1.,  0.,  2.], dtype=float32)
    """
    return functions.elu(x, alpha)


@suggest_kwargs
def selu(x):
    """Scaled ELU: `scale * elu(x, alpha)` with `alpha = 1.67326324` and
    `scale = 1.05070098`, which keep activations normalized when used
    with `lecun_normal` weights (and `AlphaDropout`).

    Example:
    >>> selu([1.0, 2.0]).numpy()
    array([1.050701, 2.101402], dtype=float32)
    """
    return functions.selu(x)


@suggest_kwargs
def softplus(x):
    """`log(exp(x) + 1)`, finite for any input.

    Example:
    >>> softplus([-1000.0, 0.0, 1000.0]).numpy()
    array([0.000000e+00, 6.931472e-01, 1.000000e+03], dtype=float32)
    """
    return ops.softplus(x)


@suggest_kwargs
def softsign(x):
    """`x / (abs(x) + 1)`.

    Example:
    >>> softsign([-1.0, 3.0]).numpy()
    array([-0.5 ,  0.75], dtype=float32)
    """
    return functions.softsign(x)


@suggest_kwargs
def soft_shrink(x, threshold=0.5):
    """`x - threshold` above `threshold`, `x + threshold` below
    `-threshold`, 0 between.

    Example:
    >>> soft_shrink([-2.0, 0.3, 2.0]).numpy()
    array([-1.5,  0. ,  1.5], dtype=float32)
    """
    return functions.soft_shrink(x, threshold)


@suggest_kwargs
def sparse_plus(x):
    """0 for `x <= -1`, `(x + 1)^2 / 4` for `-1 < x < 1`, `x` from 1.

    Example:
    >>> sparse_plus([-2.0, 0.0, 2.0]).numpy()
    array([0.  , 0.25, 2.  ], dtype=float32)
    """
    return functions.sparse_plus(x)


@suggest_kwargs
def silu(x):
    """Sigmoid linear unit (swish): `x * sigmoid(x)`.

    Example:
    >>> silu([0.0, 1000.0]).numpy()
    array([   0., 1000.], dtype=float32)
    """
    return functions.silu(x)


swish = silu


@suggest_kwargs
def squareplus(x, b=4):
    """`(x + sqrt(x^2 + b)) / 2`, a smooth relu.

    Computed without cancellation: very negative inputs give the small
    positive value `b / (4 |x|)` to float32 precision.

    Example:
    >>> squareplus([0.0]).numpy()
    array([1.], dtype=float32)
    """
    return functions.squareplus(x, b)


@suggest_kwargs
def gelu(x, approximate=False):
    """Gaussian error linear unit: `x * P(X <= x)` for `X ~ N(0, 1)`.

    Args:
        x: input tensor.
        approximate: use `0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715
            x^3)))` instead of the exact `x * (1 + erf(x / sqrt(2))) / 2`
            (default False, as in Keras's activation; the op
            `keras.ops.gelu` defaults to True).

    Example:
    >>> gelu([-3.0, 0.0, 3.0]).numpy()
    array([-0.00404969,  0.        ,  2.9959502 ], dtype=float32)
    """
    return functions.gelu(x, approximate=approximate)


@suggest_kwargs
def celu(x, alpha=1.0):
    """Continuously differentiable ELU:
    `max(x, 0) + alpha * (exp(min(x, 0) / alpha) - 1)`.

    Example:
    >>> celu([-1000.0, 1.0], alpha=0.5).numpy()
    array([-0.5,  1. ], dtype=float32)
    """
    return functions.celu(x, alpha)


@suggest_kwargs
def glu(x, axis=-1):
    """Gated linear unit: splits `axis` in halves `a`, `b` and returns
    `a * sigmoid(b)` (the axis must have an even size).

    Example:
    >>> glu([[1.0, 2.0, 0.0, 1000.0]]).numpy()
    array([[0.5, 2. ]], dtype=float32)
    """
    return functions.glu(x, axis)


@suggest_kwargs
def tanh(x):
    """Hyperbolic tangent.

    Example:
    >>> tanh([0.0, 1000.0]).numpy()
    array([0., 1.], dtype=float32)
    """
    return ops.tanh(x)


@suggest_kwargs
def tanh_shrink(x):
    """`x - tanh(x)`.

    Example:
    >>> tanh_shrink([0.0, 1000.0]).numpy()
    array([  0., 999.], dtype=float32)
    """
    return functions.tanh_shrink(x)


@suggest_kwargs
def hard_tanh(x):
    """`clip(x, -1, 1)`.

    Example:
    >>> hard_tanh([-3.0, 0.5, 3.0]).numpy()
    array([-1. ,  0.5,  1. ], dtype=float32)
    """
    return ops.clip(float_arg(x, "hard_tanh"), -1.0, 1.0)


@suggest_kwargs
def hard_shrink(x, threshold=0.5):
    """`x` where `|x| > threshold`, else 0.

    Example:
    >>> hard_shrink([-2.0, 0.3, 2.0]).numpy()
    array([-2.,  0.,  2.], dtype=float32)
    """
    return functions.hard_shrink(x, threshold)


@suggest_kwargs
def threshold(x, threshold, default_value):
    """`x` where `x > threshold`, else `default_value`.

    Example:
    >>> threshold([-1.0, 2.0], threshold=0.0, default_value=-5.0).numpy()
    array([-5.,  2.], dtype=float32)
    """
    return functions.threshold(x, threshold, default_value)


@suggest_kwargs
def sigmoid(x):
    """`1 / (1 + exp(-x))`, finite for any input.

    The output remembers its input as `_keras_logits` (as in Keras), so
    `binary_crossentropy` can work from the logits.

    Example:
    >>> sigmoid([-1000.0, 0.0, 1000.0]).numpy()
    array([0. , 0.5, 1. ], dtype=float32)
    """
    x = float_arg(x, "sigmoid")
    output = ops.sigmoid(x)
    output._keras_logits = x
    return output


@suggest_kwargs
def exponential(x):
    """`exp(x)`. Overflows to `inf` above about 88.7 in float32, as in
    Keras.

    Example:
    >>> exponential([0.0]).numpy()
    array([1.], dtype=float32)
    """
    return ops.exp(float_arg(x, "exponential"))


# The profile decides which hard sigmoid `hard_sigmoid` means.
_HARD_SIGMOID = {
    "keras3": functions.hard_sigmoid,  # relu6(x + 3) / 6
    "keras2": functions.hard_sigmoid_keras2,  # clip(0.2 x + 0.5, 0, 1)
}


@suggest_kwargs
def hard_sigmoid(x):
    """A piecewise-linear sigmoid; which one depends on the profile.

    - Keras 3 (default profile): `relu6(x + 3) / 6`, i.e. 0 below -3, 1
      above 3, `x / 6 + 0.5` between.
    - tf.keras 2 (profile `"keras2"`): `clip(0.2 x + 0.5, 0, 1)`, i.e. 0
      below -2.5, 1 above 2.5.

    Example:
    >>> hard_sigmoid([-4.0, 1.5, 4.0]).numpy()
    array([0.  , 0.75, 1.  ], dtype=float32)
    """
    return _HARD_SIGMOID[config.profile()](x)


@suggest_kwargs
def log_sigmoid(x):
    """`log(sigmoid(x)) = -softplus(-x)`, finite for any input.

    Example:
    >>> log_sigmoid([-1000.0, 1000.0]).numpy()
    array([-1000.,    -0.], dtype=float32)
    """
    return ops.log_sigmoid(x)


@suggest_kwargs
def sparse_sigmoid(x):
    """0 for `x <= -1`, `(x + 1) / 2` for `-1 < x < 1`, 1 from 1.

    Example:
    >>> sparse_sigmoid([-2.0, 0.0, 2.0]).numpy()
    array([0. , 0.5, 1. ], dtype=float32)
    """
    return functions.sparse_sigmoid(x)


@suggest_kwargs
def hard_silu(x):
    """Hard SiLU (hard swish): `x * relu6(x + 3) / 6`.

    Example:
    >>> hard_silu([-4.0, 1.0, 4.0]).numpy()
    array([-0.       ,  0.6666667,  4.       ], dtype=float32)
    """
    return functions.hard_silu(x)


hard_swish = hard_silu


@suggest_kwargs
def linear(x):
    """The identity: returns `x` unchanged.

    Example:
    >>> linear(3.0)
    3.0
    """
    return x


@suggest_kwargs
def mish(x):
    """`x * tanh(softplus(x))`.

    Example:
    >>> mish([0.0, 1000.0]).numpy()
    array([   0., 1000.], dtype=float32)
    """
    return functions.mish(x)


@suggest_kwargs
def sparsemax(x, axis=-1):
    """Sparsemax: the point of the probability simplex closest to `x`.

    Like softmax it sums to 1 along `axis`, but small entries are exactly
    0. (Keras 3.15's sparsemax is wrong when two or more entries stay
    positive, e.g. it gives zeros for `[1, 1]`; kara computes the true
    sparsemax, which agrees with Keras whenever one entry wins.)

    Example:
    >>> sparsemax([[1.0, 1.0, -1.0], [3.0, 0.0, 0.0]]).numpy()
    array([[0.5, 0.5, 0. ],
           [1. , 0. , 0. ]], dtype=float32)
    """
    return functions.sparsemax(x, axis)
