"""Differentiable kernels of the activations that `kara.ops` does not have.

Each kernel is a `Function`: `forward` computes the activation on a NumPy
array, `backward` multiplies the upstream gradient by the derivative. The
public functions below have the names, arguments and defaults of
`keras.ops` (so `gelu` defaults to `approximate=True` here, while the
*activation* `kara.activations.gelu` defaults to the exact form).

Two rules shape the code:

- **Finite for any finite input.** Exponentials only ever see `min(x, 0)`
  or `-|x|`; squares that could overflow are taken of clipped values; a
  formula that cancels (`x + sqrt(x^2 + b)` for very negative `x`) is
  rewritten. So +-1000 (or +-1e30) gives finite values and gradients.
- **Kinks follow TensorFlow.** Where an activation has a corner, the
  gradient there is the one Keras's TensorFlow backend gives (for example
  `hard_sigmoid` has gradient 0 at +-3, `elu` has gradient `alpha` at 0),
  except where TF's value is an artifact (`celu` gets 1 at 0, not 2).

Float32 in, float32 out: every kernel computes in the input's dtype and
casts Python constants down, never up (GELU's normal CDF alone runs in
float64, then is cast back).
"""

import math

import numpy as np

from kara.autograd.function import Function
from kara.ops.core import float_arg
from kara.ops.core import normalize_axis
from kara.ops.nn import _sigmoid  # stable: exp only of -|x|
from kara.ops.nn import _softplus  # max(x, 0) + log1p(e^-|x|)

__all__ = [
    "celu",
    "elu",
    "gelu",
    "glu",
    "hard_shrink",
    "hard_sigmoid",
    "hard_sigmoid_keras2",
    "hard_silu",
    "hard_swish",
    "leaky_relu",
    "mish",
    "relu_general",
    "selu",
    "silu",
    "soft_shrink",
    "softsign",
    "sparse_plus",
    "sparse_sigmoid",
    "sparsemax",
    "squareplus",
    "swish",
    "tanh_shrink",
    "threshold",
]

# SELU's constants (Klambauer et al., 2017), as Keras and TF use them.
SELU_ALPHA = 1.6732632423543772848170429916717
SELU_SCALE = 1.0507009873554804934193349852946

_SQRT_HALF = 1.0 / math.sqrt(2.0)
_INV_SQRT_2PI = 1.0 / math.sqrt(2.0 * math.pi)
_SQRT_2_OVER_PI = math.sqrt(2.0 / math.pi)
_GELU_CUBIC = 0.044715


# ----------------------------------------------------------- numerics
# Chebyshev fit of erfc (Numerical Recipes, `erfcc`): relative error below
# 1.2e-7 for every x, i.e. float32 accuracy.
_ERFC_COEFFS = (
    -1.26551223,
    1.00002368,
    0.37409196,
    0.09678418,
    -0.18628806,
    0.27886807,
    -1.13520398,
    1.48851587,
    -0.82215223,
    0.17087277,
)


def _normal_cdf(x):
    """Phi(x) = erfc(-x / sqrt(2)) / 2, in float64, accurate in the tails.

    NumPy has no erf. Everything runs in float64: the fit's own error is
    1.2e-7, and float32 rounding of `x / sqrt(2)` or of `exp(-z^2)` would
    add 1e-6 in the tails. `erfc`, not `1 + erf`, keeps the negative tail
    (`Phi(-5) = 2.9e-7`) instead of cancelling it to 0. In-place updates
    keep the number of temporary arrays small.

    Formula (z = -x / sqrt(2), t = 1 / (1 + |z| / 2), P the fit's
    polynomial): Phi(-|x|) = t * exp(-z^2 + P(t)) / 2.
    """
    a = np.abs(x, dtype=np.float64)
    a *= _SQRT_HALF  # |z|, z = -x / sqrt(2)
    t = 0.5 * a
    t += 1.0
    np.reciprocal(t, out=t)
    poly = np.full_like(a, _ERFC_COEFFS[-1])
    for c in _ERFC_COEFFS[-2::-1]:  # Horner's rule
        poly *= t
        poly += c
    a *= a
    poly -= a
    np.exp(poly, out=poly)
    poly *= t
    poly *= 0.5  # erfc(|z|) / 2 = Phi(-|x|)
    # Phi(x) = Phi(-|x|) for x < 0 (kept exact: no 1 - (1 - tail)), and
    # 1 - Phi(-|x|) for x >= 0; a mask blend, faster than np.where
    flip = np.multiply(poly, -2.0)
    flip += 1.0
    flip *= x >= 0
    poly += flip
    return poly


class _Elementwise(Function):
    """An elementwise activation: subclasses give `value(x)` and
    `derivative(x, y)`; the gradient is `gy * derivative`."""

    def forward(self, x):
        y = np.asarray(self.value(x), dtype=x.dtype)
        self.save_for_backward(x, y)
        return y

    def backward(self, gy):
        x, y = self.saved
        return gy * np.asarray(self.derivative(x, y), dtype=x.dtype)


# ------------------------------------------------------- relu family
class ReLUGeneral(_Elementwise):
    """Keras's relu with slope, ceiling and threshold (see `relu_general`)."""

    def __init__(self, negative_slope, max_value, threshold):
        self.slope = negative_slope
        self.max_value = max_value
        self.threshold = threshold

    def _parts(self, x):
        # positive part and its derivative, as Keras builds them
        if self.threshold != 0:
            pos, dpos = np.where(x > self.threshold, x, 0), x > self.threshold
            clip_max = self.max_value is not None
        elif self.max_value == 6:  # Keras's relu6 path: derivative 0 at 6
            pos, dpos = np.clip(x, 0, 6), (x > 0) & (x < 6)
            clip_max = False
        else:
            pos, dpos = np.maximum(x, 0), x > 0
            clip_max = self.max_value is not None
        if clip_max:  # clip to [0, max]; bounds pass the gradient
            dpos = dpos & (pos >= 0) & (pos <= self.max_value)
            pos = np.clip(pos, 0, self.max_value)
        return pos, dpos

    def value(self, x):
        pos, _ = self._parts(x)
        if self.slope != 0:
            # below the threshold the line continues with slope `slope`
            pos = pos - self.slope * np.maximum(self.threshold - x, 0)
        return pos

    def derivative(self, x, y):
        _, dpos = self._parts(x)
        d = dpos.astype(x.dtype)
        if self.slope != 0:
            d = d + self.slope * (x < self.threshold)
        return d


class LeakyReLU(_Elementwise):
    def __init__(self, negative_slope):
        self.slope = negative_slope

    def _slopes(self, x):
        # 1 where x > 0, else `slope` (also at 0, as TF); a mask blend in
        # x's dtype is faster than np.where
        pos = (x > 0).astype(x.dtype)
        return self.slope + pos * (1 - self.slope)

    def value(self, x):
        return x * self._slopes(x)

    def derivative(self, x, y):
        return self._slopes(x)


class ELU(_Elementwise):
    def __init__(self, alpha):
        self.alpha = alpha

    def value(self, x):
        # max(x, 0) + alpha (e^min(x, 0) - 1): one branch is always 0, and
        # exp never sees a positive number (no overflow)
        return np.maximum(x, 0) + self.alpha * np.expm1(np.minimum(x, 0))

    def derivative(self, x, y):
        pos = x > 0
        return pos + ~pos * (self.alpha * np.exp(np.minimum(x, 0)))


class SELU(_Elementwise):
    def value(self, x):
        neg = SELU_ALPHA * np.expm1(np.minimum(x, 0))
        return SELU_SCALE * (np.maximum(x, 0) + neg)

    def derivative(self, x, y):
        # TF gives `scale` at 0 (its SeluGrad tests the output < 0)
        pos = x >= 0
        neg = SELU_ALPHA * np.exp(np.minimum(x, 0))
        return SELU_SCALE * (pos + ~pos * neg)


class CELU(_Elementwise):
    def __init__(self, alpha):
        self.alpha = alpha

    def value(self, x):
        neg = self.alpha * np.expm1(np.minimum(x, 0) / self.alpha)
        return np.maximum(x, 0) + neg

    def derivative(self, x, y):
        # 1 at 0 (TF's maximum+minimum both pass the gradient and give 2)
        pos = x > 0
        return pos + ~pos * np.exp(np.minimum(x, 0) / self.alpha)


# ----------------------------------------------------- smooth gates
class GELU(Function):
    """x * Phi(x), Phi the standard normal CDF.

    Phi is computed once, in float64, and kept for the backward pass.
    """

    def forward(self, x):
        cdf = _normal_cdf(x)
        self.save_for_backward(x, cdf.astype(x.dtype))
        return (x * cdf).astype(x.dtype)

    def backward(self, gy):
        x, cdf = self.saved
        # Phi(x) + x * phi(x); the square is of a clipped x (no overflow)
        xc = np.clip(x, -1e4, 1e4)
        pdf = np.exp(-0.5 * xc * xc) * _INV_SQRT_2PI
        return gy * (cdf + xc * pdf)


class GELUTanh(_Elementwise):
    """The tanh approximation of GELU.

    0.5 x (1 + tanh(u)) is computed as x * sigmoid(2u), the same function
    without the cancellation of 1 + tanh(u) for negative u.
    """

    def _gate(self, x):
        xc = np.clip(x, -1e4, 1e4)  # beyond, the gate is exactly 0 or 1
        u = _SQRT_2_OVER_PI * (xc + _GELU_CUBIC * xc * xc * xc)
        return xc, _sigmoid(2 * u)

    def value(self, x):
        return x * self._gate(x)[1]

    def derivative(self, x, y):
        xc, s = self._gate(x)
        du = _SQRT_2_OVER_PI * (1 + 3 * _GELU_CUBIC * xc * xc)
        return s + xc * 2 * s * (1 - s) * du


class SiLU(_Elementwise):
    def value(self, x):
        return x * _sigmoid(x)

    def derivative(self, x, y):
        s = _sigmoid(x)
        return s * (1 + x * (1 - s))


class Mish(_Elementwise):
    def value(self, x):
        return x * np.tanh(_softplus(x))

    def derivative(self, x, y):
        t = np.tanh(_softplus(x))
        return t + x * (1 - t * t) * _sigmoid(x)  # softplus' = sigmoid


class Softsign(_Elementwise):
    def value(self, x):
        return x / (1 + np.abs(x))

    def derivative(self, x, y):
        inv = 1 / (1 + np.abs(x))  # squared after the division: no overflow
        return inv * inv


class TanhShrink(_Elementwise):
    def value(self, x):
        return x - np.tanh(x)

    def derivative(self, x, y):
        t = np.tanh(x)
        return t * t


class Squareplus(_Elementwise):
    """(x + sqrt(x^2 + b)) / 2, without cancellation or overflow."""

    def __init__(self, b):
        self.b = b

    def value(self, x):
        r = np.hypot(x, math.sqrt(self.b))  # sqrt(x^2 + b), no overflow
        y = np.empty_like(x)
        pos = x >= 0
        y[pos] = (x[pos] + r[pos]) / 2
        # for x < 0: (x + r) / 2 = b / (2 (r - x)), no cancellation
        y[~pos] = self.b / (2 * (r[~pos] - x[~pos]))
        return y

    def derivative(self, x, y):
        r = np.hypot(x, math.sqrt(self.b))
        d = np.full_like(x, 0.5)  # at x = 0 with b = 0 (r = 0)
        pos = (x >= 0) & (r > 0)
        d[pos] = 0.5 * (1 + x[pos] / r[pos])
        neg = x < 0
        # 1 + x/r = b / (r (r - x)) for x < 0, as a product of two factors
        # below 1 so that r (r - x) cannot overflow
        sb = math.sqrt(self.b)
        d[neg] = 0.5 * (sb / r[neg]) * (sb / (r[neg] - x[neg]))
        return d


# ----------------------------------------------- piecewise-linear family
class HardSigmoid(_Elementwise):
    """Keras 3: relu6(x + 3) / 6, i.e. clip(x / 6 + 0.5, 0, 1)."""

    def value(self, x):
        return np.clip(x + 3, 0, 6) / 6

    def derivative(self, x, y):
        p = x + 3
        return np.where((p > 0) & (p < 6), 1 / 6, 0)  # 0 at the corners


class HardSigmoidKeras2(_Elementwise):
    """tf.keras 2: clip(0.2 x + 0.5, 0, 1)."""

    def value(self, x):
        return np.clip(0.2 * x + 0.5, 0, 1)

    def derivative(self, x, y):
        p = 0.2 * x + 0.5
        # clip_by_value passes the gradient at the bounds too
        return np.where((p >= 0) & (p <= 1), 0.2, 0)


class HardSiLU(_Elementwise):
    """x * relu6(x + 3) / 6 (the same in both profiles)."""

    def value(self, x):
        return x * (np.clip(x + 3, 0, 6) / 6)

    def derivative(self, x, y):
        inside = (x > -3) & (x < 3)
        return np.clip(x + 3, 0, 6) / 6 + x * np.where(inside, 1 / 6, 0)


class HardShrink(_Elementwise):
    def __init__(self, threshold):
        self.threshold = threshold

    def value(self, x):
        return np.where(np.abs(x) > self.threshold, x, 0)

    def derivative(self, x, y):
        return np.abs(x) > self.threshold


class SoftShrink(_Elementwise):
    def __init__(self, threshold):
        self.threshold = threshold

    def value(self, x):
        t = self.threshold
        return np.where(x > t, x - t, np.where(x < -t, x + t, 0))

    def derivative(self, x, y):
        return (x > self.threshold) | (x < -self.threshold)


class SparsePlus(_Elementwise):
    def value(self, x):
        xc = np.clip(x, -1, 1)  # the square is used on (-1, 1) only
        mid = 0.25 * (xc + 1) * (xc + 1)
        return np.where(x <= -1, 0, np.where(x < 1, mid, x))

    def derivative(self, x, y):
        return np.where(x <= -1, 0, np.where(x < 1, 0.5 * (x + 1), 1))


class SparseSigmoid(_Elementwise):
    def value(self, x):
        return np.where(x <= -1, 0, np.where(x >= 1, 1, 0.5 * (x + 1)))

    def derivative(self, x, y):
        return np.where((x > -1) & (x < 1), 0.5, 0)


class Threshold(_Elementwise):
    def __init__(self, threshold, default_value):
        self.threshold = threshold
        self.default_value = default_value

    def value(self, x):
        return np.where(x > self.threshold, x, self.default_value)

    def derivative(self, x, y):
        return x > self.threshold


# ---------------------------------------------------------- along an axis
class Sparsemax(Function):
    """Euclidean projection onto the probability simplex along `axis`
    (Martins & Astudillo, 2016): `max(x - tau, 0)`, summing to 1."""

    def __init__(self, axis):
        self.axis = axis

    def forward(self, x):
        z = np.moveaxis(x, self.axis, -1)
        # sparsemax(z + c) = sparsemax(z): shift the maximum to 0, as
        # softmax does, so huge inputs keep their precision
        z = z - np.max(z, axis=-1, keepdims=True)
        z_sorted = -np.sort(-z, axis=-1)  # descending
        cumsum = np.cumsum(z_sorted, axis=-1)
        k = np.arange(1, z.shape[-1] + 1, dtype=x.dtype)
        # the k largest are in the support while z_(k) > (cumsum_k - 1) / k
        # (always true for k = 1: z_(1) = 0 > -1)
        support = z_sorted - (cumsum - 1) / k > 0
        size = np.sum(support, axis=-1, keepdims=True)
        top = np.take_along_axis(cumsum, size - 1, axis=-1)
        tau = (top - 1) / size.astype(x.dtype)
        y = np.moveaxis(np.maximum(z - tau, 0), -1, self.axis)
        self.save_for_backward(y)
        return y

    def backward(self, gy):
        (y,) = self.saved
        # Jacobian on the support S: I - 1 1^T / |S|; zero elsewhere
        s = (y > 0).astype(y.dtype)
        size = np.maximum(np.sum(s, axis=self.axis, keepdims=True), 1)
        mean = np.sum(gy * s, axis=self.axis, keepdims=True) / size
        return s * (gy - mean)


class GLU(Function):
    """a * sigmoid(b), with a and b the two halves of `axis`."""

    def __init__(self, axis):
        self.axis = axis

    def forward(self, x):
        a, b = np.split(x, 2, axis=self.axis)
        s = _sigmoid(b)
        self.save_for_backward(a, s)
        return a * s

    def backward(self, gy):
        a, s = self.saved
        ga = gy * s
        gb = gy * a * s * (1 - s)
        return np.concatenate([ga, gb], axis=self.axis)


# ------------------------------------------------------ public functions
def relu_general(x, negative_slope=0.0, max_value=None, threshold=0.0):
    """Keras's relu with all options, as one graph node.

    Below `threshold` the output is `negative_slope * (x - threshold)`;
    above it `x`, capped at `max_value`. (Keras builds exactly this from
    `relu(x)`, `relu(threshold - x)` and `clip`.)
    """
    x = float_arg(x, "relu")
    max_value = None if max_value is None else float(max_value)
    return ReLUGeneral(float(negative_slope), max_value, float(threshold))(x)


def leaky_relu(x, negative_slope=0.2):
    """`x` if `x > 0`, else `negative_slope * x`."""
    return LeakyReLU(float(negative_slope))(float_arg(x, "leaky_relu"))


def elu(x, alpha=1.0):
    """`x` if `x > 0`, else `alpha * (exp(x) - 1)`."""
    return ELU(float(alpha))(float_arg(x, "elu"))


def selu(x):
    """`scale * elu(x, alpha)` with SELU's fixed `alpha` and `scale`."""
    return SELU()(float_arg(x, "selu"))


def celu(x, alpha=1.0):
    """`max(x, 0) + alpha * (exp(min(x, 0) / alpha) - 1)`."""
    if not float(alpha) > 0:
        raise ValueError(
            f"celu: `alpha` must be positive (it divides x). Received: "
            f"alpha={alpha!r}"
        )
    return CELU(float(alpha))(float_arg(x, "celu"))


def gelu(x, approximate=True):
    """Gaussian error linear unit; `keras.ops.gelu` defaults to the tanh
    approximation."""
    x = float_arg(x, "gelu")
    return GELUTanh()(x) if approximate else GELU()(x)


def silu(x):
    """`x * sigmoid(x)`."""
    return SiLU()(float_arg(x, "silu"))


swish = silu


def mish(x):
    """`x * tanh(softplus(x))`."""
    return Mish()(float_arg(x, "mish"))


def softsign(x):
    """`x / (1 + |x|)`."""
    return Softsign()(float_arg(x, "softsign"))


def tanh_shrink(x):
    """`x - tanh(x)`."""
    return TanhShrink()(float_arg(x, "tanh_shrink"))


def squareplus(x, b=4):
    """`(x + sqrt(x^2 + b)) / 2`, a smooth relu; `b >= 0`."""
    if not float(b) >= 0:
        raise ValueError(
            f"squareplus: `b` must be non-negative (it is under a square "
            f"root). Received: b={b!r}"
        )
    return Squareplus(float(b))(float_arg(x, "squareplus"))


def hard_sigmoid(x):
    """Keras 3's hard sigmoid: `relu6(x + 3) / 6`."""
    return HardSigmoid()(float_arg(x, "hard_sigmoid"))


def hard_sigmoid_keras2(x):
    """tf.keras 2's hard sigmoid: `clip(0.2 * x + 0.5, 0, 1)`."""
    return HardSigmoidKeras2()(float_arg(x, "hard_sigmoid"))


def hard_silu(x):
    """`x * relu6(x + 3) / 6`."""
    return HardSiLU()(float_arg(x, "hard_silu"))


hard_swish = hard_silu


def hard_shrink(x, threshold=0.5):
    """`x` where `|x| > threshold`, else 0."""
    return HardShrink(float(threshold))(float_arg(x, "hard_shrink"))


def soft_shrink(x, threshold=0.5):
    """`x` moved `threshold` towards 0, and 0 where `|x| <= threshold`."""
    return SoftShrink(float(threshold))(float_arg(x, "soft_shrink"))


def sparse_plus(x):
    """0 below -1, `(x + 1)^2 / 4` on (-1, 1), `x` from 1."""
    return SparsePlus()(float_arg(x, "sparse_plus"))


def sparse_sigmoid(x):
    """0 below -1, `(x + 1) / 2` on (-1, 1), 1 from 1."""
    return SparseSigmoid()(float_arg(x, "sparse_sigmoid"))


def threshold(x, threshold, default_value):
    """`x` where `x > threshold`, else `default_value`."""
    x = float_arg(x, "threshold")
    return Threshold(float(threshold), float(default_value))(x)


def sparsemax(x, axis=-1):
    """Sparsemax along `axis`: like softmax, a probability vector, but
    with exact zeros."""
    x = float_arg(x, "sparsemax")
    if x.ndim == 0:
        raise ValueError("sparsemax: the input must have at least one axis.")
    return Sparsemax(normalize_axis(axis, x.ndim, "sparsemax"))(x)


def glu(x, axis=-1):
    """Gated linear unit: `a * sigmoid(b)`, `a` and `b` the halves of
    `axis`."""
    x = float_arg(x, "glu")
    ax = normalize_axis(axis, x.ndim, "glu")
    if x.shape[ax] % 2 != 0:
        raise ValueError(
            "glu: axis size must be divisible by 2. "
            f"Received: x.shape={x.shape} with axis={axis}"
        )
    return GLU(ax)(x)
