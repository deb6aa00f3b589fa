"""Helpers shared by the op tests: shapes, samplers, tolerances.

Inputs for gradient checks are drawn away from the points where an op is
not differentiable (relu/abs at 0, clip bounds, max/min ties): a central
difference across a kink measures the average of two slopes, not either.
"""

import numpy as np

from kara import autograd

# Shapes every unary op is tried on: a scalar, size-1 axes, a matrix.
SHAPES = [(), (1,), (4,), (2, 1), (2, 3), (1, 3, 1)]
DTYPES = ["float32", "float64"]

# The broadcast matrix of the binary ops (x1 shape, x2 shape).
BROADCAST_PAIRS = [
    ((3, 4), (4,)),
    ((3, 1), (1, 4)),
    ((2, 3, 4), (3, 1)),
    ((), (2, 3)),
    ((2, 3), ()),
    ((), ()),
]


def tol(dtype):
    """Forward tolerances against a NumPy reference computed in float64."""
    if np.dtype(dtype) == np.float32:
        return {"rtol": 2e-6, "atol": 1e-6}
    return {"rtol": 1e-12, "atol": 1e-12}


def uniform(rng, shape, low=-2.0, high=2.0, dtype="float64"):
    return np.asarray(rng.uniform(low, high, shape), dtype=dtype)


def away_from(rng, shape, kinks=(0.0,), low=-2.0, high=2.0, margin=0.1):
    """Uniform samples in `[low, high]` at least `margin` from each kink."""
    x = rng.uniform(low, high, shape)
    for k in kinks:
        near = np.abs(x - k) < margin
        # push a near-kink sample to the side it was on, `margin` beyond
        x = np.where(near, k + np.where(x >= k, margin, -margin) * 2, x)
    return np.asarray(x)


def signed(rng, shape, low=0.1, high=1.0):
    """`uniform(low, high) * random_sign`: never near zero."""
    mag = rng.uniform(low, high, shape)
    sign = np.where(rng.random(shape) < 0.5, -1.0, 1.0)
    return np.asarray(mag * sign)


def positive(rng, shape, low=0.5, high=2.0):
    return np.asarray(rng.uniform(low, high, shape))


def untied_pair(rng, shape_a, shape_b, margin=0.05):
    """Two arrays whose broadcast elements differ by at least `margin`."""
    while True:
        a = rng.uniform(-1, 1, shape_a)
        b = rng.uniform(-1, 1, shape_b)
        if np.all(np.abs(np.subtract(a, b)) > margin):
            return np.asarray(a), np.asarray(b)


def backward_grads(fn, inputs, gy):
    """Runs `fn` on fresh leaves and backpropagates `gy`.

    Returns:
        `(output array, [grad of each input])`.
    """
    leaves = [autograd.Tensor(np.array(x), requires_grad=True) for x in inputs]
    y = fn(*leaves)
    y.backward(gy)
    return y.numpy(), [t.grad for t in leaves]
