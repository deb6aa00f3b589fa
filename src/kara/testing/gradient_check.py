"""Numerical gradient checking: is an op's backward right?

`check_grad` compares the gradients that backpropagation computes with
central finite differences, in float64, for any function of Tensors:
kara's own ops, layers, losses, or yours.

The loss it differentiates is `L(x) = sum(f(x) * gy)` with a *random*
upstream gradient `gy`. Seeding with ones (that is, `f(x).sum()`) would hide
a backward that permutes or mis-scales its gradient the same way everywhere.

Example:
>>> import numpy as np
>>> from kara import ops
>>> from kara.testing import check_grad
>>> x = np.random.default_rng(0).normal(size=(3, 4))
>>> check_grad(ops.tanh, x)
True
"""

import numpy as np

from kara import config
from kara.autograd.tensor import Tensor


def numerical_grad(loss, x, eps=1e-6):
    """Elementwise central differences of the scalar `loss()` w.r.t. `x`.

    `x` is modified in place and restored; `loss` must read it.
    """
    grad = np.zeros_like(x)
    flat, gflat = x.reshape(-1), grad.reshape(-1)
    for i in range(flat.size):
        orig = flat[i]
        flat[i] = orig + eps
        up = loss()
        flat[i] = orig - eps
        down = loss()
        flat[i] = orig
        gflat[i] = (up - down) / (2 * eps)
    return grad


def check_grad(
    fn,
    *inputs,
    gy=None,
    eps=1e-6,
    rtol=1e-5,
    atol=1e-7,
    seed=0,
    max_elementwise=200,
    argnums=None,
):
    """Checks `fn`'s backward against finite differences, in float64.

    Args:
        fn: a function of Tensors returning one Tensor.
        *inputs: array-likes. Float inputs are cast to float64 and
            differentiated; integer inputs (labels) are passed unchanged
            and must receive no gradient.
        gy: the upstream gradient; random normal by default.
        eps: the finite-difference step.
        rtol, atol: tolerances of the comparison.
        seed: seed of the random upstream gradient and directions.
        max_elementwise: inputs up to this size are checked element by
            element; larger ones along a random direction (a directional
            derivative: `(L(x + eps r) - L(x - eps r)) / 2 eps` against
            `sum(grad * r)`).
        argnums: indices of the inputs to check (all float inputs by
            default).

    Returns:
        True. Raises AssertionError with a side-by-side report otherwise.
    """
    rng = np.random.default_rng(seed)
    arrays = []
    for x in inputs:
        a = np.array(getattr(x, "data", x))
        arrays.append(a.astype(np.float64) if a.dtype.kind == "f" else a)
    if argnums is None:
        argnums = [i for i, a in enumerate(arrays) if a.dtype.kind == "f"]

    def run(arrs, requires):
        ts = [Tensor(a, requires_grad=r) for a, r in zip(arrs, requires)]
        with config.enable_grad():
            return ts, fn(*ts)

    requires = [i in argnums for i in range(len(arrays))]
    tensors, y = run(arrays, requires)
    if not isinstance(y, Tensor):
        raise TypeError(
            f"check_grad: fn must return a Tensor, got {type(y).__name__}."
        )
    if gy is None:
        gy = rng.standard_normal(y.shape)
    gy = np.asarray(gy, dtype=np.float64)
    y.backward(gy)

    def loss():
        with config.no_grad():
            out = fn(*[Tensor(a) for a in arrays])
        return float(np.sum(np.asarray(out.data, np.float64) * gy))

    problems = []
    for i, (t, a) in enumerate(zip(tensors, arrays)):
        if i not in argnums:
            if t.grad is not None:
                problems.append(f"input {i} (not differentiated) got a grad")
            continue
        g = t.grad
        if g is None:
            g = np.zeros_like(a)  # unconnected: its true gradient is zero
        if g.shape != a.shape or g.dtype != a.dtype:
            problems.append(
                f"input {i}: gradient has shape {g.shape} dtype {g.dtype}, "
                f"expected shape {a.shape} dtype {a.dtype}"
            )
            continue
        if a.size <= max_elementwise:
            num = numerical_grad(loss, a, eps)
            if not np.allclose(g, num, rtol=rtol, atol=atol):
                problems.append(_report(i, g, num, rtol, atol))
        else:
            r = rng.standard_normal(a.shape)
            orig = a.copy()
            a += eps * r
            up = loss()
            a[...] = orig - eps * r
            down = loss()
            a[...] = orig
            num = (up - down) / (2 * eps)
            ana = float(np.sum(g * r))
            if not np.isclose(ana, num, rtol=rtol, atol=atol * a.size):
                problems.append(
                    f"input {i} {a.shape}: directional derivative "
                    f"backprop={ana:.10g} numerical={num:.10g}"
                )
    if problems:
        name = getattr(fn, "__name__", repr(fn))
        raise AssertionError(
            f"check_grad({name}) failed:\n" + "\n".join(problems)
        )
    return True


def _report(i, analytic, numeric, rtol, atol, limit=8):
    bad = ~np.isclose(analytic, numeric, rtol=rtol, atol=atol)
    idx = np.argwhere(bad)[:limit]
    lines = [
        f"input {i} {analytic.shape}: {int(bad.sum())} of {analytic.size} "
        "elements differ",
        f"  {'index':<16}{'backprop':>16}{'numerical':>16}",
    ]
    for j in idx:
        j = tuple(int(v) for v in j)
        lines.append(f"  {str(j):<16}{analytic[j]:>16.8g}{numeric[j]:>16.8g}")
    return "\n".join(lines)
